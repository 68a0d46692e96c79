"""Subcommands of the ``symgrav`` command line, one module each."""

import sys
import warnings

from ..errors import SymgravError


def one_line(text):
    """Collapse whitespace and escape control characters (no terminal tricks)."""
    text = " ".join(str(text).split()) or "unknown error"
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def run_reporting_warnings(func, args):
    """Run ``func(args)``; print collected warnings once each after success.

    A SymgravError is re-raised with its message on one line, and no
    warnings are printed then (only the error line).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = func(args)
        except SymgravError as exc:
            raise SymgravError(one_line(exc)) from None
    seen = set()
    for w in caught:
        msg = one_line(w.message)
        if msg not in seen:
            seen.add(msg)
            print(f"symgrav: warning: {msg}", file=sys.stderr)
    return status


def check_dps(dps):
    """Refuse a ``--dps`` below 15 (None, meaning the command's default, passes)."""
    if dps is not None and dps < 15:
        raise SymgravError(f"--dps must be an integer >= 15; got {dps}")


def add_parallel_options(parser):
    """Add ``--workers N`` and ``--no-progress`` (see :func:`symgrav.parallel.parallel_map`)."""
    parser.add_argument("--workers", metavar="N", type=int,
                        help="worker processes (default: the usable CPUs; 1: no pool)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def check_workers(workers):
    """Refuse a ``--workers`` below 1 before any work starts."""
    if workers is not None and workers < 1:
        raise SymgravError(f"--workers must be a positive integer; got {workers}")
