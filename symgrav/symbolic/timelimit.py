"""A time limit for SymPy work that may not finish (integrals, equations).

SymPy's ``integrate`` and ``solve`` can run for minutes on an integrand they
cannot do.  :func:`time_limited` runs such a call with a limit: in the main
thread by the one interval timer of :func:`symgrav.symbolic.budget.time_limit`
(``SIGALRM``, the call is interrupted in place; inside another limited block
the outer limit holds), elsewhere in a forked child process whose result comes back pickled (SymPy
expressions pickle).  Where neither exists (Windows outside the main thread)
the call runs without a limit.  No equation of the paper is implemented here.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading

from .budget import TimeLimitExceeded, time_limit

__all__ = ["TimeLimitExceeded", "time_limited"]


def _child(conn, func, args):  # pragma: no cover - runs in the forked child
    try:
        conn.send(("ok", func(*args)))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        conn.send(("error", exc))
    finally:
        conn.close()


def time_limited(seconds, func, *args):
    """``func(*args)`` or :class:`TimeLimitExceeded` after ``seconds`` (see module docstring).

    Plain bookkeeping around the SymPy calls of the closed forms of Eqs. (19a),
    (19b), (8a), (B7a); implements no equation itself.

    Parameters
    ----------
    seconds : float
        The limit; ``None`` or <= 0 runs without one.
    func : callable
    *args
        Passed to ``func``.

    Returns
    -------
    Whatever ``func`` returns.

    Raises
    ------
    TimeLimitExceeded
        The call did not finish in time.
    """
    if not seconds or seconds <= 0:
        return func(*args)
    what = getattr(func, "__name__", "SymPy work").strip("_").replace("_", " ")
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with time_limit(what, seconds):
            return func(*args)
    if "fork" not in multiprocessing.get_all_start_methods():
        return func(*args)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, func, args), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise TimeLimitExceeded(f"{what} did not finish in {seconds} s")
        status, value = parent.recv()
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()
        parent.close()
    if status == "error":
        raise value
    return value
