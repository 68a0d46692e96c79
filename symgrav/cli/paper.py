"""``symgrav paper --out DIR``: reproduce Figs. 1 and 2 of the paper (Rashba ferromagnet).

Runs :func:`symgrav.paper.write_paper`: the arbitrary-precision
susceptibilities (Eqs. 8a, 19a, 19b, 20, 21) of the Rashba ferromagnet,
Eq. (22), for b = 0.5 (Fig. 1) and b = 1.5 (Fig. 2) on the paper's grids,
computed in parallel with a progress bar, written as ``figureN.png`` and
``figureNa.csv``, ``figureNb.csv``, ``figureNc.csv`` in DIR (atomically).
Errors a user can fix exit with status 2 (one line, through :mod:`symgrav.cli`).
"""

from __future__ import annotations

import sys
import time

from .common import (add_parallel_options, check_dps, check_workers, dps_arg,
                     run_reporting_warnings)

NAME = "paper"


def add_parser(subparsers):
    """Register ``paper`` on the ``symgrav`` subparsers (see :mod:`symgrav.cli`).

    Plain command-line bookkeeping ({add_parser, run} protocol of :mod:`symgrav.cli.main`);
    the subcommand computes Figs. 1 and 2 (Eqs. 8a, 19a, 19b, 20, 21).
    """
    from ..paper.figures import DEFAULT_DPS

    parser = subparsers.add_parser(
        NAME, help="reproduce Figs. 1 and 2 of the paper (PNG + CSV per panel)",
        description="Reproduce Figs. 1 (b = 0.5) and 2 (b = 1.5) of Shitade, Daido, Yanase: "
                    "the Rashba ferromagnet, Eq. (22), with energy unit m alpha^2 = 1.  "
                    "Panel (a): T beta~ (19b), M (8a), T beta (20) versus mu at T = 0.001; "
                    "(b): alpha (19a) and (pi^2/3) d alpha/d mu (21) at T = 0 and beta/T at "
                    "T = 0.001; (c): beta versus T for several mu.  Writes figureN.png and "
                    "figureNa.csv, figureNb.csv, figureNc.csv (values in the paper's figure "
                    "units) into DIR.  Needs matplotlib.  Time (measured 2026-12-02 on two idle "
                    "cores with 'time symgrav paper --out paper'): 14 s wall, 24 s CPU; with "
                    "--fast 4.4 s; several times longer on a loaded machine.")
    parser.add_argument("--out", metavar="DIR", required=True,
                        help="output directory (created if missing)")
    parser.add_argument("--figure", metavar="N", type=int, action="append", choices=(1, 2),
                        help="only this figure (1 or 2; repeatable; default both)")
    parser.add_argument("--dps", metavar="D", type=dps_arg, default=DEFAULT_DPS,
                        help=f"decimal digits of the arbitrary-precision evaluation "
                             f"(default {DEFAULT_DPS}, at least 15), or 'double': IEEE double "
                             "precision at numpy speed, values written with 15 digits")
    parser.add_argument("--fast", action="store_true",
                        help="coarse grids (mu step 0.1/0.2, three T in panel c): 4.4 s "
                             "instead of 14 s (see above), for tests and previews")
    add_parallel_options(parser)
    parser.set_defaults(func=run)
    return parser


def _run(args):
    from ..paper.figures import write_paper

    check_dps(args.dps, double=True)
    check_workers(args.workers)
    start = time.perf_counter()
    paths = write_paper(args.out, figures=args.figure or (1, 2), fast=args.fast,
                        dps=args.dps, workers=args.workers, progress=not args.no_progress)
    for path in paths:
        print(path)
    print(f"symgrav paper: {len(paths)} files in {time.perf_counter() - start:.0f} s "
          f"(dps = {args.dps}{', fast grids' if args.fast else ''})", file=sys.stderr)
    return 0


def run(args):
    """Execute ``symgrav paper``; returns 0 on success.

    Plain command-line bookkeeping around
    :func:`symgrav.paper.figures.write_paper` (Eqs. 8a, 19a, 19b, 20, 21).
    """
    return run_reporting_warnings(_run, args)
