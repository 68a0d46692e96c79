"""Run independent tasks in parallel with a progress bar.

:func:`parallel_map` is the one place where symgrav fans work out: the
``sweep`` API, ``symgrav compute`` and ``symgrav paper`` all call it.  It
accepts any :class:`concurrent.futures.Executor` (a process pool by default;
``dask.distributed.Client(...).get_executor()`` works unchanged) and shows a
``tqdm`` progress bar: the notebook widget inside Jupyter when ipywidgets is
installed, text on standard error otherwise (:func:`symgrav.display.progress_class`).
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import sys
import threading
import time

from ..display import progress_class
from ..errors import SymgravError

#: seconds between two looks of a worker's watchdog at its parent
WATCHDOG_PERIOD = 1.0


def _set_parent_death_signal():
    """Linux: ask the kernel to send SIGKILL to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _end_now():
    """End this worker at once, without cleanup (its parent is gone; nobody waits for it)."""
    os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def worker_init(parent_pid):
    """Initializer of every pool worker: end when the parent process ends (issue 11 item 5).

    ``kill -9`` or SIGTERM of ``symgrav compute`` / ``symgrav paper`` must
    not leave workers running.  On Linux the kernel's parent-death signal
    (``prctl(PR_SET_PDEATHSIG, SIGKILL)``) ends the worker at once; on every
    system a daemon thread also polls :func:`os.getppid` each
    :data:`WATCHDOG_PERIOD` seconds and exits when the parent has changed
    (the worker was re-parented).  Plain process bookkeeping; no equation.

    Parameters
    ----------
    parent_pid : int
        The pid of the process that created the pool.
    """
    _set_parent_death_signal()
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        _end_now()

    def watch():
        while True:
            time.sleep(WATCHDOG_PERIOD)
            if os.getppid() != parent_pid:
                _end_now()

    threading.Thread(target=watch, name="symgrav-parent-watchdog", daemon=True).start()


def default_workers():
    """Number of worker processes used when none is given: the usable CPUs."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def parallel_map(func, items, executor=None, workers=None, progress=True, desc=None):
    """``[func(x) for x in items]``, computed in parallel, in the order of ``items``.

    Plain task scheduling; it implements no equation of the paper.

    Parameters
    ----------
    func : callable
        A picklable (module-level) function of one argument.
    items : iterable
        Its arguments; each must be picklable when a process pool is used.
    executor : concurrent.futures.Executor, optional
        Where to run the tasks.  ``None`` creates a
        :class:`~concurrent.futures.ProcessPoolExecutor` with ``workers``
        processes (each ends when this process ends, see :func:`worker_init`)
        and shuts it down afterwards; an executor you pass is left running.
    workers : int, optional
        Number of processes for the default pool (default: the usable CPUs).
        ``workers=1`` without an executor runs everything in this process.
    progress : bool
        Show a tqdm progress bar (a notebook widget in Jupyter with ipywidgets,
        else text on standard error).
    desc : str, optional
        Label of the progress bar.

    Returns
    -------
    list
        The results, in the order of ``items``.

    Raises
    ------
    SymgravError
        ``workers`` is not a positive integer.  An exception raised by a
        task is re-raised here, after the remaining tasks are cancelled.
    """
    tqdm = progress_class()
    items = list(items)
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool)
                                or workers < 1):
        raise SymgravError(f"workers must be a positive integer; got {workers!r}")
    bar = tqdm(total=len(items), desc=desc, disable=not progress, leave=False,
               dynamic_ncols=True)
    try:
        if executor is None and (workers == 1 or len(items) <= 1):
            out = []
            for x in items:
                out.append(func(x))
                bar.update(1)
            return out
        own = executor is None
        if own:
            executor = cf.ProcessPoolExecutor(max_workers=min(workers or default_workers(),
                                                              len(items)),
                                              initializer=worker_init,
                                              initargs=(os.getpid(),))
        futures = {}
        try:
            futures = {executor.submit(func, x): k for k, x in enumerate(items)}
            out = [None] * len(items)
            for fut in cf.as_completed(futures):
                out[futures[fut]] = fut.result()
                bar.update(1)
            return out
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
        finally:
            if own:
                executor.shutdown(wait=True, cancel_futures=True)
    finally:
        bar.close()
