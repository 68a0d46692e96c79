"""``symgrav bitei [--json]``: the paper's BiTeI estimate recomputed from material constants.

Runs :func:`symgrav.bitei.bitei_estimate` (hbar alpha = 3.85 eV Angstrom,
m = 0.1 m_e, g = 63, B = 10 T, mu / m alpha^2 = -0.2, T = 20 K, Delta T = 2 K,
L_y = 1 um; CODATA constants from scipy.constants) and prints a table of
quantity, computed value and the paper's value, or with ``--json`` one JSON
object with the keys ``m_alpha2_K``, ``b_K``, ``b_over_m_alpha2``,
``coefficient``, ``M_over_muB``, ``M_over_muB_full``,
``T_mott_1pct_over_m_alpha2``, ``T_mott_1pct_K`` and more (see
:class:`symgrav.bitei.BiTeIEstimate`).  Exit status 0, or 2 for input errors.
"""

from __future__ import annotations

import json

from .common import check_dps, run_reporting_warnings

NAME = "bitei"


def add_parser(subparsers):
    """Register ``bitei`` on the ``symgrav`` subparsers (see :mod:`symgrav.cli`).

    Plain command-line bookkeeping ({add_parser, run} protocol of :mod:`symgrav.cli.main`);
    the subcommand computes the paper's BiTeI estimate (Eqs. 20, 21, E1).
    """
    parser = subparsers.add_parser(
        NAME, help="the paper's BiTeI estimate of the gravito-ME magnetization",
        description="Recompute the experimental estimate of the paper for BiTeI from the "
                    "material constants (hbar alpha = 3.85 eV A, m = 0.1 m_e, g = 63, "
                    "B = 10 T, mu/m alpha^2 = -0.2, T = 20 K, Delta T = 2 K, L_y = 1 um): "
                    "m alpha^2 and b in K, b/m alpha^2, the coefficient C of "
                    "M_x/mu_B = C T Delta T L_y (K^-2 m^-1), M_x/mu_B from the Mott "
                    "relation (21) and from the full Eq. (20), and the temperature at which "
                    "beta departs from its Mott value by 1 %.  Signs: moment "
                    "+(g mu_B/hbar) s, -d_x T = Delta T/L_x.")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of the table")
    parser.add_argument("--dps", metavar="D", type=int, default=20,
                        help="decimal digits of the band integrals (default 20, >= 15)")
    parser.set_defaults(func=run)
    return parser


def _run(args):
    from ..paper.bitei import bitei_estimate, format_table

    check_dps(args.dps)
    est = bitei_estimate(dps=args.dps)
    if args.json:
        print(json.dumps(est.as_dict(), indent=2))
    else:
        print(format_table(est))
    return 0


def run(args):
    """Execute ``symgrav bitei``; returns 0.

    Plain command-line bookkeeping around
    :func:`symgrav.paper.bitei.bitei_estimate` (Eqs. 20, 21, E1).
    """
    return run_reporting_warnings(_run, args)
