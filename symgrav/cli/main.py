"""Command-line interface: ``symgrav SUBCOMMAND ...`` (also ``python -m symgrav``).

Each subcommand lives in its own module ``symgrav/cli/<name>.py`` with
``add_parser(subparsers)`` and ``run(args) -> int``.  Errors a user can fix
(:class:`SymgravError`) are printed as one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"symgrav.cli.{name}")
        module.add_parser(sub)
    return parser


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
        print(f"symgrav: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symgrav: interrupted", file=sys.stderr)
        return 130
