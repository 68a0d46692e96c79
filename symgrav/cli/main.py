"""Command-line interface: ``symgrav SUBCOMMAND ...`` (also ``python -m symgrav``).

Each subcommand lives in its own module ``symgrav/cli/<name>.py`` with
``add_parser(subparsers)`` and ``run(args) -> int``.  Every failure is one
line on stderr and a non-zero exit: errors a user can fix
(:class:`SymgravError`) exit with status 2, anything unexpected (a bug, an
exhausted resource) with status 3 and the exception's type and message;
``--debug`` (before or after the subcommand) prints the traceback too.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from ..version import __version__
from ..errors import SymgravError

#: subcommand modules under symgrav.commands, in the order shown by --help
COMMANDS = ("derive", "compute", "verify", "paper", "bitei", "bands", "map")


def build_parser():
    """The argparse parser of the ``symgrav`` command with every subcommand.

    Plain command-line bookkeeping; implements no equation of the paper.

    Returns
    -------
    argparse.ArgumentParser
        With the subcommands of :data:`COMMANDS`, in that order.
    """
    parser = argparse.ArgumentParser(
        prog="symgrav",
        description="Band geometry of spin responses (spin MQM, gravito-ME effect).")
    parser.add_argument("--version", action="version", version=f"symgrav {__version__}")
    debug_help = "on an error, print the Python traceback before the one-line message"
    parser.add_argument("--debug", action="store_true", help=debug_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"symgrav.cli.{name}")
        module.add_parser(sub)
    for subparser in sub.choices.values():
        # SUPPRESS: a subcommand without --debug keeps the top-level value
        subparser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                               help=debug_help)
    return parser


def _unexpected(exc):
    """One line for an exception that is not a SymgravError (a bug or a resource limit)."""
    from .common import one_line

    if isinstance(exc, MemoryError):
        return "out of memory (the model or the requested grid is too large)"
    if isinstance(exc, RecursionError):
        return "expression nested too deeply to process (RecursionError)"
    text = one_line(exc) if str(exc).strip() else "no message"
    if len(text) > 300:
        text = text[:297] + "..."
    return (f"internal error: {type(exc).__name__}: {text} (please report it; --debug shows "
            "the traceback)")


def main(argv=None):
    """Run the command line; returns the exit status.

    Plain command-line bookkeeping; the subcommands name the equations they
    compute.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when ``verify`` finds a failing check, 2 for a
        :class:`SymgravError` (printed as one line) or a missing subcommand,
        3 for any other exception (one line; the traceback with ``--debug``),
        130 when interrupted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except SymgravError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"symgrav: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symgrav: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # every failure is one line (issue 11 item 4)
        if args.debug:
            traceback.print_exc()
        print(f"symgrav: error: {_unexpected(exc)}", file=sys.stderr)
        return 3
