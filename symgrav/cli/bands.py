"""``symgrav bands MODEL --path G-X-M-G --out bands.png``: the band structure along a path.

Draws :func:`symgrav.plot.bands` (band energies in ascending order along a
path of named momenta: G = Γ, X, Y, Z, M, R, K as for square, cubic and
hexagonal lattices, or ``--point NAME=k1,k2``) and writes it atomically in the
format of the extension (PNG, PDF, SVG, ...).  Needs the ``plot`` extra.
"""

from __future__ import annotations

import sys

from ..errors import SymgravError, require
from .common import add_model_argument, load_model_arg, run_reporting_warnings
from .verify import parse_params

NAME = "bands"


def parse_points(items):
    """``["A=0.5,0", ...]`` -> ``{"A": (0.5, 0.0)}``.

    Plain parsing of ``--point``; implements no equation of the paper.

    Raises
    ------
    SymgravError
        Not ``NAME=NUMBER,NUMBER...``.
    """
    out = {}
    for item in items or ():
        name, sep, coords = item.partition("=")
        try:
            values = tuple(float(x) for x in coords.split(","))
        except ValueError:
            values = ()
        if not sep or not name.strip() or not values:
            raise SymgravError(f"--point must be NAME=K1,K2,...; got {item!r}")
        out[name.strip()] = values
    return out


def add_output_arguments(parser, default):
    """``--param``, ``--out`` for the picture commands (``bands``, ``map``).

    Plain command-line bookkeeping; implements no equation of the paper.
    """
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="override a parameter of the model (repeatable)")
    parser.add_argument("--out", metavar="FILE", default=default,
                        help=f"picture to write, format by extension: .png, .pdf, .svg, ... "
                             f"(default {default})")


def picture_inputs(args, command):
    """The model and parameters of a picture command, after checking for matplotlib.

    Plain command-line bookkeeping; implements no equation of the paper.

    Returns
    -------
    model, params
    """
    require("matplotlib", "plot", command)
    model = load_model_arg(args.model, spin=args.spin)
    return model, parse_params(args.param, model)


def write_figure(fig, path):
    """Save a figure with :func:`symgrav.plot.save` and say so on standard error.

    Plain file output; implements no equation of the paper.
    """
    from ..plot import save

    save(fig, path)
    print(f"symgrav: wrote {path}", file=sys.stderr)


def add_parser(subparsers):
    """Register ``bands`` on the ``symgrav`` subparsers (see :mod:`symgrav.cli`).

    Plain command-line bookkeeping; the picture shows the band energies that
    enter Eqs. (8b), (8c).
    """
    parser = subparsers.add_parser(
        NAME, help="band structure along a path of named momenta (a picture)",
        description="Band energies (ascending) along a path of named momenta: G (Gamma), "
                    "X, Y, Z, M, R as for square and cubic lattices, M and K for a "
                    "hexagonal lattice, X, Y, M at |k| = --extent for a continuum model, or "
                    "your own --point.  Reduced coordinates (fractions of the reciprocal "
                    "vectors) for Wannier90 models.")
    add_model_argument(parser)
    parser.add_argument("--path", default="G-X-M-G", help="point names joined by '-' "
                        "(default G-X-M-G)")
    parser.add_argument("--point", action="append", default=[], metavar="NAME=K1,K2",
                        help="a point of your own (repeatable)")
    parser.add_argument("--mu", type=float, default=None, help="draw this chemical potential")
    parser.add_argument("--extent", type=float, default=1.0,
                        help="|k| of X, M of a continuum model (default 1)")
    parser.add_argument("--n", type=int, default=200, help="samples along the path (default 200)")
    add_output_arguments(parser, "bands.png")
    parser.set_defaults(func=run)
    return parser


def _run(args):
    model, params = picture_inputs(args, "symgrav bands")
    from ..plot import bands

    fig = bands(model, params, path=args.path, points=parse_points(args.point), n=args.n,
                extent=args.extent, mu=args.mu)
    write_figure(fig, args.out)
    return 0


def run(args):
    """Execute ``symgrav bands``; returns 0.

    Plain command-line bookkeeping around :func:`symgrav.plot.bands`.
    """
    return run_reporting_warnings(_run, args)
