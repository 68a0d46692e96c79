"""``symgrav map MODEL --quantity omega``: Omega or m over a momentum plane (a picture).

Draws :func:`symgrav.plot.geometry_map` -- the spin-velocity Berry curvature
Omega_{an}^i (Eq. 8b) or the spin magnetic moment m_{an}^i (Eq. 8c) of one
band, or summed over the bands below ``--mu`` -- over the Brillouin zone of a
lattice model or a window of a continuum model, and writes it atomically
(PNG, PDF, SVG, ... by extension).  ``--fermi-surface`` draws the contours
eps_n = mu instead.  Needs the ``plot`` extra.
"""

from __future__ import annotations

from ..errors import SymgravError
from .bands import add_output_arguments, picture_inputs, write_figure
from .common import add_model_argument, run_reporting_warnings
from .derive import parse_component

NAME = "map"


def add_parser(subparsers):
    """Register ``map`` on the ``symgrav`` subparsers (see :mod:`symgrav.cli`).

    Plain command-line bookkeeping; the picture shows Eq. (8b) or (8c).
    """
    parser = subparsers.add_parser(
        NAME, help="map of Omega (8b) or m (8c) over momentum space, or a Fermi surface",
        description="Omega_{an}^i (Eq. 8b) or m_{an}^i (Eq. 8c) of one band (--band) or "
                    "summed over the bands below --mu (T = 0), over the Brillouin zone of a "
                    "lattice model or [-W, W]^2 of a continuum model; --fermi-surface draws "
                    "the contours eps_n = --mu.")
    add_model_argument(parser)
    parser.add_argument("--quantity", choices=("omega", "moment"), default="omega",
                        help="Omega (8b) or m (8c) (default omega)")
    parser.add_argument("--component", default="xx", metavar="AI",
                        help="spin component a and momentum axis i (default xx)")
    parser.add_argument("--band", type=int, default=None, help="one band (0 = lowest)")
    parser.add_argument("--mu", type=float, default=None,
                        help="sum over the bands below mu (or the Fermi level)")
    parser.add_argument("--fermi-surface", action="store_true",
                        help="draw the Fermi surface at --mu instead")
    parser.add_argument("--window", type=float, default=None, metavar="W",
                        help="momenta in [-W, W] (default: the zone, or W = 1 for a continuum)")
    parser.add_argument("--n", type=int, default=81, help="grid points per axis (default 81)")
    add_output_arguments(parser, "map.png")
    parser.set_defaults(func=run)
    return parser


def _run(args):
    model, params = picture_inputs(args, "symgrav map")
    from ..plot import fermi_surface, geometry_map

    window = None if args.window is None else (-args.window, args.window)
    if args.fermi_surface:
        if args.mu is None:
            raise SymgravError("--fermi-surface needs --mu")
        fig = fermi_surface(model, params, args.mu, n=max(args.n, 2), window=window)
    else:
        a, i = parse_component(args.component)
        fig = geometry_map(model, params, args.quantity, a, i, band=args.band, mu=args.mu,
                           n=args.n, window=window)
    write_figure(fig, args.out)
    return 0


def run(args):
    """Execute ``symgrav map``; returns 0.

    Plain command-line bookkeeping around :func:`symgrav.plot.geometry_map`
    (Eqs. 8b, 8c) and :func:`symgrav.plot.fermi_surface`.
    """
    return run_reporting_warnings(_run, args)
