"""``symgrav bitei``: placeholder while it is being written (replaced this session)."""

from ..errors import SymgravError


def add_parser(sub):
    """Register the subcommand."""
    p = sub.add_parser("bitei", help="(being written)")
    p.set_defaults(func=run)


def run(args):
    """Not written yet."""
    raise SymgravError("symgrav bitei is not written yet")
