"""A lattice insulator: the ME relation (4) and Eq. (13) = Eq. (8a) at zero temperature.

The built-in model ``lattice_insulator`` (``symgrav/models/lattice_insulator.toml``),

    H = t0 (cos k_x + cos k_y) + lam (sin k_y sigma_x - sin k_x sigma_y)
        + (M0 + t (cos k_x + cos k_y)) sigma_z,

breaks inversion and time reversal, so alpha_x^x (Eq. 19a) is nonzero; with
the defaults the two bands are separated by a gap of 2.  For mu in the gap at
T = 0 the paper states

* Eq. (4), -dM/dmu = alpha: the spin MQM (8a) is exactly linear in mu inside
  the gap with slope -alpha;
* Eq. (13) = Eq. (8a): the spin MQM obtained from the spin density of a
  nonuniform system, Eq. (11c), which needs only the momentum and
  Zeeman-field derivatives of the Bloch states, equals the thermodynamic
  formula (8a).

This script evaluates both sides (the second through the finite-difference
route of :func:`symgrav.numeric.zeeman_route.mqm_zero_T_insulator`, which
never uses the Berry curvature or moment of Eqs. 8b, 8c), prints them and
exits with status 1 if one disagrees beyond 10^-(dps-5) relative.

Usage: ``python examples/lattice_insulator.py [--fast]`` (``--fast``: 15
digits and one chemical potential, well under a minute; default: 30 digits
and three chemical potentials across the gap, about two minutes).
"""

from __future__ import annotations

import argparse
import sys
import time

import mpmath as mp

import symgrav
from symgrav.numeric.zeeman_route import mqm_zero_T_insulator
from symgrav.workflows.verify import band_features


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true",
                        help="15 digits and one chemical potential (< 1 min)")
    args = parser.parse_args(argv)
    dps = 15 if args.fast else 30
    t_start = time.perf_counter()

    model = symgrav.load_model("lattice_insulator")
    S = symgrav.Susceptibilities(model, model.defaults, "x", "x", dps)
    _, ranges = band_features(S)
    (_, top), (bottom, _) = ranges  # lower band maximum, upper band minimum
    with mp.workdps(dps + 10):
        centre = (top + bottom) / 2
        gap = bottom - top
        mus = [centre] if args.fast else [centre - gap / 4, centre, centre + gap / 4]
        mus = [mp.mpf(mp.nstr(m, 6)) for m in mus]
        delta = mp.mpf(mp.nstr(gap / 16, 1))
        tol = mp.mpf(10) ** (-(dps - 5))
        print(f"model {model.name}: {model.description}")
        print(f"parameters {model.defaults}; gap [{mp.nstr(top, 6)}, {mp.nstr(bottom, 6)}] "
              f"(sampled); dps = {dps}; T = 0; tolerance {mp.nstr(tol, 1)} relative")
        ok = True
        for mu in mus:
            ev = S.evaluate(mu, 0)
            alpha, M = ev["alpha"], ev["mqm"]
            Mm, Mp = S.mqm(mu - delta, 0), S.mqm(mu + delta, 0)
            slopes = [-(M - Mm) / delta, -(Mp - M) / delta]
            d_me = max(abs(s - alpha) for s in slopes) / abs(alpha)
            M_zeeman = mqm_zero_T_insulator(model, None, mu, "x", "x", dps)
            d_13 = abs(M_zeeman - M) / abs(M)
            print(f"\nmu = {mp.nstr(mu, 6)}")
            print(f"  alpha_x^x (19a)                = {mp.nstr(alpha, dps)}")
            for side, s in zip(("left ", "right"), slopes):
                label = f"-dM/dmu, {side} (dmu = {mp.nstr(delta, 2)})"
                print(f"  {label:<31}= {mp.nstr(s, dps)}")
            print(f"  Eq. (4)  relative difference   = {mp.nstr(d_me, 2)}   "
                  + ("PASS" if d_me <= tol else "FAIL"))
            print(f"  M_x^x (8a), Fermi sea          = {mp.nstr(M, dps)}")
            print(f"  M_x^x (11c)/(13), Zeeman route = {mp.nstr(M_zeeman, dps)}")
            print(f"  Eq. (13) relative difference   = {mp.nstr(d_13, 2)}   "
                  + ("PASS" if d_13 <= tol else "FAIL"))
            ok = ok and d_me <= tol and d_13 <= tol
    print(f"\n{'all checks PASS' if ok else 'a check FAILED'} "
          f"({time.perf_counter() - t_start:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
