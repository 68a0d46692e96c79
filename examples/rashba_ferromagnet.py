"""The Rashba ferromagnet of the paper, Eq. (22): closed forms, LaTeX and Figs. 1 and 2.

    H = p^2/2m + alpha (p_y sigma_x - p_x sigma_y) + b sigma_z

(built-in model ``rashba``; hbar = m = alpha = 1, so the energy unit is
m alpha^2).  This script

1. derives the bands and the x-x and y-y components of the spin-velocity
   Berry curvature (Eq. 8b) and spin magnetic moment (Eq. 8c) in closed form
   and checks them against the paper's statements below Eq. (22):
   eps_+- = p^2/2m +- Delta, Omega_{x+-}^x = Omega_{y+-}^y = -+ hbar^2 alpha b / 4 Delta^3,
   m_{x+-}^x = m_{y+-}^y = hbar^2 alpha b / 4 Delta^2;
2. prints them in LaTeX and writes the full derivation sheet
   ``rashba_derivation.tex``;
3. reproduces Figs. 1 (b = 0.5) and 2 (b = 1.5) with
   :func:`symgrav.paper.figures.write_paper` (the library behind ``symgrav paper``):
   ``figure1.png``, ``figure2.png`` and one CSV per panel;
4. prints the Mott relation (21) at mu = -0.2, the chemical potential of the
   paper's BiTeI estimate.

Usage: ``python examples/rashba_ferromagnet.py [--fast] [--out DIR]``
(``--fast``: coarse grids and 15 digits, well under a minute; default: the
full grids of ``symgrav paper`` at 20 digits, a few minutes on two cores).
Exit status 1 if a closed form disagrees with the paper.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import mpmath as mp
import sympy as sp

import symgrav
from symgrav.fileio import write_text_atomic
from symgrav.paper.figures import write_paper


def closed_forms(model):
    """Derive Eqs. (8b), (8c) for the Rashba model; True if they equal the paper's forms."""
    hbar, m, alpha, b = sp.symbols("hbar m alpha b", positive=True)
    px, py = sp.symbols("p_x p_y", real=True)
    delta = sp.sqrt(alpha ** 2 * (px ** 2 + py ** 2) + b ** 2)
    eps = (px ** 2 + py ** 2) / (2 * m)
    mine = {str(x): x for x in (hbar, m, alpha, b, px, py)}
    paper = {
        "bands": (eps - delta, eps + delta),  # ascending: epsilon_-, epsilon_+
        "Omega": (hbar ** 2 * alpha * b / (4 * delta ** 3), -hbar ** 2 * alpha * b / (4 * delta ** 3)),
        "m": (hbar ** 2 * alpha * b / (4 * delta ** 2),) * 2,
    }
    ok = True
    derived = [("bands", "", symgrav.bands(model))]
    for comp in ("x", "y"):
        derived.append(("Omega", comp, symgrav.spin_berry_curvature(model, comp, comp)))
        derived.append(("m", comp, symgrav.spin_magnetic_moment(model, comp, comp)))
    for kind, comp, result in derived:
        label = {"bands": "bands", "Omega": f"Eq. (8b) {comp}{comp}",
                 "m": f"Eq. (8c) {comp}{comp}"}[kind]
        print(f"  {label:<14} {symgrav.latex(result)}")
        for got, want in zip(result, paper[kind]):
            got = sp.sympify(got)
            got = got.xreplace({s: mine[s.name] for s in got.free_symbols})
            if sp.simplify(got - want) != 0:
                print(f"    DISAGREES with the paper: {got} vs {want}")
                ok = False
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true",
                        help="coarse grids and 15 digits (< 1 min)")
    parser.add_argument("--out", default="rashba_ferromagnet_output",
                        help="output directory (default: ./rashba_ferromagnet_output)")
    parser.add_argument("--workers", type=int, help="worker processes for the figures")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model = symgrav.load_model("rashba")
    print(f"model {model.name}: {model.description}")

    print("\n1. Closed forms (LaTeX), checked against the text below Eq. (22):")
    ok = closed_forms(model)
    print("  closed forms agree with the paper" if ok else "  closed forms DISAGREE")

    os.makedirs(args.out, exist_ok=True)
    tex = os.path.join(args.out, "rashba_derivation.tex")
    write_text_atomic(tex, symgrav.derivation_sheet(model))
    print(f"\n2. LaTeX derivation sheet: {tex}")

    dps = 15 if args.fast else 20
    print(f"\n3. Figs. 1 and 2 ({'fast grids, ' if args.fast else ''}dps = {dps}):")
    for path in write_paper(args.out, fast=args.fast, dps=dps, workers=args.workers):
        print(f"  {path}")

    print("\n4. Mott relation (21) at mu = -0.2, b = 0.5 (natural units):")
    S = symgrav.Susceptibilities(model, model.defaults, "x", "x", dps=dps)
    for T in ("0.001", "0.01"):
        tb, mott = S.T_beta("-0.2", T), S.mott("-0.2", T)
        print(f"  T = {T:<5}  T beta (20) = {mp.nstr(tb, 10):<16}  Mott (21) = "
              f"{mp.nstr(mott, 10):<16}  ratio {mp.nstr(tb / mott, 8)}")
    print(f"\ndone in {time.perf_counter() - start:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
