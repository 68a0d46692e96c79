"""Sweeps of the susceptibilities over chemical potential and temperature, any model.

:func:`sweep` evaluates the Fermi-sea integrals of :class:`~symgrav.Susceptibilities`
(Eqs. 19a, 19b, 8a, B7a, 20 and the Mott value 21 of the paper) on a grid of
(mu, T) points, in parallel through :func:`symgrav.parallel.parallel_map` and
any :class:`concurrent.futures.Executor`.  Each worker process builds one
``Susceptibilities`` per sweep and reuses it for every chunk of points it
receives.  Values stay mpmath numbers end to end (mpf pickles exactly); they
are turned into decimal strings with the requested digits only when written.

The sweep is split over three helpers, whose public names are importable
from here as well:

* :mod:`symgrav.sweep_grid` -- exact numbers and (mu, T) grids
  (:func:`exact_number`, :func:`linspace`, :func:`parse_grid`), the model and
  the exact text of its parameter values;
* :mod:`symgrav.sweep_io` -- :class:`SweepResult`, its columns
  (:data:`COLUMNS`, :data:`QUANTITIES`, :data:`DESCRIPTIONS`, :data:`UNITS`)
  and its atomic CSV / JSON files with metadata;
* :mod:`symgrav.sweep_plot` -- the PNG plot versus mu.
"""

from __future__ import annotations

import math
import uuid
from collections import OrderedDict, namedtuple

import mpmath as mp

from ..errors import SymgravError
from .grid import (GUARD, exact_number, grid_values, linspace, merged_parameters,
                         model_of, parameter_texts, parse_grid, to_mpf)
from .sweep_io import COLUMNS, DESCRIPTIONS, QUANTITIES, UNITS, SweepResult

__all__ = ["COLUMNS", "DESCRIPTIONS", "GUARD", "QUANTITIES", "UNITS", "SweepResult",
           "SweepSpec", "exact_number", "linspace", "parse_grid", "susceptibilities_for",
           "sweep"]

# -- the worker side -------------------------------------------------------------

_Spec = namedtuple("_Spec", "token model params a i dps statistics")
_CACHE = OrderedDict()  # token -> Susceptibilities, in every process
_CACHE_SIZE = 4


def _susceptibilities(spec):
    """The Susceptibilities of a sweep, built once per process and reused."""
    s = _CACHE.get(spec.token)
    if s is None:
        from ..numeric.susceptibilities import Susceptibilities

        s = Susceptibilities(spec.model, spec.params, spec.a, spec.i, spec.dps, spec.statistics)
        _CACHE[spec.token] = s
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(spec.token)
    return s


#: public name of the per-process key of :func:`susceptibilities_for`
SweepSpec = _Spec


def susceptibilities_for(spec):
    """The Susceptibilities of a :data:`SweepSpec`, built once per process and reused.

    Plain bookkeeping (a per-process cache keyed by ``spec.token``); the
    object returned evaluates Eqs. (8a), (19a), (19b), (20) and (B7a).

    Parameters
    ----------
    spec : SweepSpec
        ``(token, model, params, a, i, dps, statistics)``; one token must
        always come with the same other fields.

    Returns
    -------
    symgrav.Susceptibilities
    """
    return _susceptibilities(spec)


def _point(s, mu, T):
    """Every column at one (mu, T) as mpf (Eqs. 19a, 19b, 8a, B7a, 20, 21)."""
    vals = s.evaluate(mu, T)
    with mp.workdps(s.dps + GUARD):
        beta = mp.mpf(0) if T == 0 else vals["T_beta"] / T
        mott = s.mott(mu, T) if s.statistics == "fermi" else mp.nan
    with mp.workdps(s.dps):
        row = {"mu": mu, "T": T}
        row.update((k, +v) for k, v in vals.items())
        row["beta"] = +beta
        row["mott"] = mott if mott is mp.nan else +mott
    return row


def _run_chunk(task):
    """Worker task: one chunk of (mu, T) points of one sweep -> list of rows."""
    spec, points = task
    s = _susceptibilities(spec)
    return [_point(s, mu, T) for mu, T in points]


# -- the sweep -----------------------------------------------------------------


def sweep(model, params=None, mu=(0,), T=(0,), a="x", i="x", dps=20, statistics="fermi",
          executor=None, workers=None, progress=True, chunksize=None):
    """Susceptibilities of a model on a (mu, T) grid, Eqs. (19a), (19b), (8a), (B7a), (20), (21).

    Parameters
    ----------
    model : Model or str
        A :class:`~symgrav.Model`, a built-in model name or a model file.
    params : dict, optional
        Parameter values overriding the model's defaults (name -> number or
        string); unknown names are an error of :class:`~symgrav.Susceptibilities`.
    mu, T : number, str or sequence
        Chemical potentials and temperatures (T >= 0).  Strings are exact
        decimals; a string ``"START:STOP:N"`` is an inclusive grid of N points
        (see :func:`linspace`) and ``"V1,V2"`` a list.  The grid is every mu for
        every T, ordered by T then mu.
    a, i : {"x", "y", "z"}
        Spin component and momentum direction.
    dps : int
        Decimal digits of the results (>= 15).
    statistics : {"fermi", "bose"}
    executor : concurrent.futures.Executor, optional
        Where to run the chunks (default: a process pool of ``workers``
        processes); ``dask.distributed.Client.get_executor()`` works unchanged.
        mpmath's precision is global to a process, so an executor must not
        run two tasks in the same process at once (use processes, or one
        thread per worker).
    workers : int, optional
        Processes of the default pool; ``workers=1`` runs in this process.
    progress : bool
        Show a progress bar (tqdm, on standard error).
    chunksize : int, optional
        Points per task (default: about four tasks per worker).

    Returns
    -------
    SweepResult
        Rows of mpf values for the columns :data:`COLUMNS` plus metadata; the
        parameter values are recorded exactly as used (an int stays ``"1"``,
        a decimal stays as given, e.g. ``"0.5"``).

    Raises
    ------
    SymgravError
        Bad model, parameter, component, dps, statistics or grid value
        (including a negative temperature).
    """
    from ..version import __version__
    from .parallel import default_workers, parallel_map

    model = model_of(model)
    merged = merged_parameters(model, params)
    wdps = (dps if isinstance(dps, int) else 15) + GUARD
    mus = [to_mpf(v, wdps) for v in grid_values(mu, "mu")]
    Ts = [to_mpf(v, wdps) for v in grid_values(T, "T")]
    for t in Ts:
        if t < 0:
            raise SymgravError(f"temperature must be >= 0; got T = {mp.nstr(t, 15)}")
    # Build here first: input errors surface before any worker starts, and a
    # serial run (workers=1) reuses this object through the cache.
    spec = _Spec(uuid.uuid4().hex, model, merged, a, i, dps, statistics)
    s = _susceptibilities(spec)
    points = [(m, t) for t in Ts for m in mus]
    if chunksize is None:
        nw = workers or default_workers()
        chunksize = max(1, math.ceil(len(points) / (4 * nw)))
    if not isinstance(chunksize, int) or chunksize < 1:
        raise SymgravError(f"chunksize must be a positive integer; got {chunksize!r}")
    tasks = [(spec, points[k:k + chunksize]) for k in range(0, len(points), chunksize)]
    desc = f"{model.name} {s.a}{s.i}"
    try:
        chunks = parallel_map(_run_chunk, tasks, executor=executor, workers=workers,
                              progress=progress, desc=desc)
    finally:
        _CACHE.pop(spec.token, None)
    rows = [row for chunk in chunks for row in chunk]
    metadata = {
        "model": model.name, "parameters": parameter_texts(model, merged, dps), "component": s.a + s.i,
        "a": s.a, "i": s.i, "dps": dps, "statistics": s.statistics,
        "symgrav_version": __version__, "units": UNITS,
        "columns": {c: DESCRIPTIONS[c] for c in COLUMNS},
    }
    return SweepResult(metadata, rows)
