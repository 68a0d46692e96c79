"""Progress of one long evaluation: a tqdm bar on standard error that appears after a delay.

:class:`symgrav.Susceptibilities` with ``progress=True`` opens :func:`reporting`
around each evaluation; the routes call :func:`advance` for every line
integrated (or grid level).  The bar (:func:`symgrav.display.progress_class`)
appears only once an evaluation has run for :data:`DELAY` seconds, so short
evaluations print nothing; it counts the lines integrated and grid levels (steps) done, and shows the elapsed time and the
rate (the total is not known in advance: the quadratures are adaptive).
Plain bookkeeping; no equation of the paper.
"""

from __future__ import annotations

import contextlib
import contextvars

from ..display import progress_class

#: seconds an evaluation runs before its bar appears
DELAY = 2.0

_BAR = contextvars.ContextVar("symgrav_progress_bar", default=None)


@contextlib.contextmanager
def reporting(desc, enabled=True):
    """Show a bar labelled ``desc`` for the enclosed evaluation (nothing if not ``enabled``).

    Plain bookkeeping; implements no equation of the paper.  Nested uses
    keep the outer bar (one bar per evaluation).

    Parameters
    ----------
    desc : str
        Label, e.g. ``"rashba mu=0.25 T=0.01"``.
    enabled : bool
    """
    if not enabled or _BAR.get() is not None:
        yield
        return
    bar = progress_class()(total=None, desc=desc, unit=" steps", delay=DELAY, leave=False,
                           dynamic_ncols=True)
    token = _BAR.set(bar)
    try:
        yield
    finally:
        _BAR.reset(token)
        bar.close()


def advance(n=1):
    """Count ``n`` more lines (or grid levels) on the current bar, if any.

    Plain bookkeeping; implements no equation of the paper.
    """
    bar = _BAR.get()
    if bar is not None:
        bar.update(n)
