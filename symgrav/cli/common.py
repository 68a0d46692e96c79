"""Subcommands of the ``symgrav`` command line, one module each."""

import argparse
import sys
import warnings

from ..errors import SymgravError
from ..limits import exceeded, limit


def one_line(text):
    """Collapse whitespace and escape control characters (no terminal tricks).

    Plain text bookkeeping; implements no equation of the paper.

    Parameters
    ----------
    text : object
        Converted with ``str``.

    Returns
    -------
    str
        One printable line (``"unknown error"`` when empty).
    """
    text = " ".join(str(text).split()) or "unknown error"
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def run_reporting_warnings(func, args):
    """Run ``func(args)``; print collected warnings once each after success.

    Plain command-line bookkeeping; implements no equation of the paper.  A
    SymgravError is re-raised with its message on one line, and no warnings
    are printed then (only the error line).

    Parameters
    ----------
    func : callable
        A subcommand's ``_run(args) -> int``.
    args : argparse.Namespace

    Returns
    -------
    int
        What ``func`` returns.
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


def check_dps(dps, double=False):
    """Refuse a ``--dps`` below 15 (None, meaning the command's default, passes).

    Plain input checking; implements no equation of the paper.

    Parameters
    ----------
    dps : int, "double" or None
    double : bool
        The command accepts ``"double"`` (IEEE double precision, see
        :func:`dps_arg`); the message then says so.

    Raises
    ------
    SymgravError
        ``dps < 15``, or above the ``MAX_DPS`` budget of :mod:`symgrav.limits`.
    """
    if double and dps == "double":
        return
    if dps is not None and dps < 15:
        alternative = " or 'double'" if double else ""
        raise SymgravError(f"--dps must be an integer >= 15{alternative}; got {dps}")
    if dps is not None and dps > limit("MAX_DPS"):
        raise exceeded(f"--dps {dps}", f"{dps} digits", "MAX_DPS")


def dps_arg(text):
    """argparse type of ``--dps``: an integer, or ``double`` for IEEE double precision.

    Plain command-line parsing; implements no equation of the paper.

    Parameters
    ----------
    text : str

    Returns
    -------
    int or "double"

    Raises
    ------
    argparse.ArgumentTypeError
        Neither an integer nor ``double``.
    """
    text = text.strip()
    if text.lower() == "double":
        return "double"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: give an integer >= 15 "
                                         "or 'double'") from None


def add_parallel_options(parser):
    """Add ``--workers N`` and ``--no-progress`` (see :func:`symgrav.parallel.parallel_map`).

    Plain command-line bookkeeping; implements no equation of the paper.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    """
    parser.add_argument("--workers", metavar="N", type=int,
                        help="worker processes (default: the usable CPUs; 1: no pool)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def check_workers(workers):
    """Refuse a ``--workers`` below 1 before any work starts.

    Plain input checking; implements no equation of the paper.

    Parameters
    ----------
    workers : int or None
        None means the default (the usable CPUs).

    Raises
    ------
    SymgravError
        ``workers < 1``.
    """
    if workers is not None and workers < 1:
        raise SymgravError(f"--workers must be a positive integer; got {workers}")


def _builtin_names():
    try:
        from ..symbolic.modelfile import builtin_models
        return list(builtin_models())
    except Exception:  # the help text must never break the command line
        return []


def add_model_argument(parser, tight_binding=True):
    """Add the positional ``MODEL`` argument (and ``--spin`` for Wannier90 files).

    Plain command-line bookkeeping; implements no equation of the paper.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    tight_binding : bool
        Whether the command takes Wannier90 ``_hr.dat`` / ``_tb.dat`` files
        (then ``--spin`` is added).
    """
    names = _builtin_names()
    builtin = f" (built-in: {', '.join(names)})" if names else ""
    wannier = ", or a Wannier90 seedname_hr.dat / _tb.dat file" if tight_binding else ""
    parser.add_argument("model", metavar="MODEL",
                        help="built-in model name or path to a .toml model file" + wannier
                        + builtin)
    if tight_binding:
        parser.add_argument("--spin", choices=("interlaced", "block"), default=None,
                            help="order of the spin-1/2 Wannier functions of an _hr.dat/_tb.dat "
                                 "MODEL: interlaced (orb1 up, orb1 down, ...) or block (all up, "
                                 "then all down); default: a two-band file is one spin-1/2 pair")


def load_model_arg(spec, spin=None, tight_binding=True):
    """The model named by a ``MODEL`` argument: a built-in name, a .toml or a Wannier90 file.

    Plain bookkeeping around :func:`symgrav.load_model` and
    :meth:`symgrav.TightBinding.from_wannier90`; implements no equation of the paper.

    Parameters
    ----------
    spec : str
        Built-in model name, path to a model file, or (when ``tight_binding``)
        a ``seedname_hr.dat`` / ``seedname_tb.dat`` file.
    spin : {"interlaced", "block"}, optional
        The ``--spin`` option (Wannier90 files only).
    tight_binding : bool
        Whether the command accepts Wannier90 files.

    Returns
    -------
    Model or TightBinding

    Raises
    ------
    SymgravError
        For every problem, also the ones the readers do not anticipate (a
        hostile file never causes a traceback).
    """
    try:
        from ..symbolic.modelfile import load_model
        from ..workflows.grid import is_wannier90_path, model_of
    except ImportError as exc:
        raise SymgravError(f"cannot load models: {exc}") from None
    wannier = is_wannier90_path(spec)
    if wannier and not tight_binding:
        raise SymgravError(f"{spec}: a Wannier90 tight-binding model has no closed forms; use "
                           "symgrav compute or verify for it")
    if spin is not None and not wannier:
        raise SymgravError("--spin applies to Wannier90 files (_hr.dat, _tb.dat) only")
    try:
        return model_of(spec, spin=spin) if wannier else load_model(spec)
    except SymgravError:
        raise
    except (OSError, ValueError, TypeError, KeyError, RecursionError) as exc:
        # the readers promise SymgravError; never let a hostile file cause a traceback
        raise SymgravError(f"cannot load model {spec!r}: {type(exc).__name__}: {exc}") from None
