"""Your own model end to end: a Rashba-Dresselhaus ferromagnet typed as a SymPy matrix.

    H = p^2/2m + lambda_R (p_y sigma_x - p_x sigma_y)
               + lambda_D (p_x sigma_x - p_y sigma_y) + b sigma_z

is not one of the built-in models and is not isotropic (the Dresselhaus term
breaks the rotation symmetry of Eq. 22), so symgrav integrates it over polar
lines rather than one radial line.  The script

1. derives the closed forms of the spin-velocity Berry curvature (8b) and the
   spin magnetic moment (8c) for every component and prints them (and, with
   ``--latex FILE``, a LaTeX derivation sheet);
2. checks the closed forms against a direct sum over the eigenstates of H at
   a random momentum (numpy ``eigh``, an independent route);
3. evaluates alpha (19a), the spin MQM (8a), the Kubo T beta~ (19b) and the
   corrected T beta (20) at one chemical potential and temperature, and checks
   Eq. (18), T beta = T beta~ - M, and the Mott relation (21) at low T.

It exits with status 1 if a check fails.

Usage: ``python examples/custom_two_band.py [--fast] [--latex FILE]`` (``--fast``:
15 digits, well under a minute; default 20 digits).
"""

from __future__ import annotations

import argparse
import sys
import time

import mpmath as mp
import numpy as np
import sympy as sp

import symgrav
from symgrav.fileio import write_text_atomic

SIGMA = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
         sp.Matrix([[1, 0], [0, -1]]))


def build_model():
    """The Rashba-Dresselhaus ferromagnet as a symgrav.Model (spin (hbar/2) sigma)."""
    p_x, p_y = sp.symbols("p_x p_y", real=True)
    lam_r, lam_d, b, m = sp.symbols("lambda_R lambda_D b m", positive=True)
    sx, sy, sz = SIGMA
    H = ((p_x**2 + p_y**2) / (2 * m) * sp.eye(2) + lam_r * (p_y * sx - p_x * sy)
         + lam_d * (p_x * sx - p_y * sy) + b * sz)
    return symgrav.Model(H, [p_x, p_y], name="rashba_dresselhaus")


def sum_over_states(model, params, k, a, i):
    """Omega_n and m_n of Eqs. (8b, 8c) at momentum k from numpy eigenvectors (hbar = 1)."""
    subs = {model.symbol(name): value for name, value in params.items()}
    ps = model.momenta
    H = sp.Matrix(model.H).subs(subs)
    h = np.array(H.subs(dict(zip(ps, k))).evalf(), dtype=complex)
    dH = sp.diff(H, ps["xy".index(i)])
    v = np.array(dH.subs(dict(zip(ps, k))).evalf(), dtype=complex)
    s = np.array((SIGMA["xyz".index(a)] / 2).evalf(), dtype=complex)
    e, u = np.linalg.eigh(h)
    S, V = u.conj().T @ s @ u, u.conj().T @ v @ u
    # Omega_n = -2 sum_l Im(<n|v|l><l|s|n>)/(e_n - e_l)^2, m_n = sum_l Im(...)/(e_n - e_l)
    omega, moment = [], []
    for n in range(2):
        o = sum(-2 * (V[n, l] * S[l, n]).imag / (e[n] - e[l]) ** 2 for l in range(2) if l != n)
        mm = sum((V[n, l] * S[l, n]).imag / (e[n] - e[l]) for l in range(2) if l != n)
        omega.append(o)
        moment.append(mm)
    return omega, moment


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="15 digits (< 1 min)")
    parser.add_argument("--latex", metavar="FILE", help="write a LaTeX derivation sheet")
    args = parser.parse_args(argv)
    dps = 15 if args.fast else 20
    t_start = time.perf_counter()
    ok = True

    model = build_model()
    params = {"lambda_R": 1, "lambda_D": "0.3", "b": "0.5", "m": 1}
    print(f"model: {model.name}, H =")
    sp.pprint(model.H)

    # 1. closed forms, Eqs. (8b), (8c)
    print("\nclosed forms (lower band, upper band):")
    for a in "xy":
        for i in "xy":
            om = symgrav.spin_berry_curvature(model, a, i)
            print(f"  Omega_{a}^{i} (8b) = {om.compact}")
    mx = symgrav.spin_magnetic_moment(model, "x", "x")
    print(f"  m_x^x     (8c) = {mx.compact}")
    for sym, value in mx.definitions.items():
        print(f"  with {sym} = {value}")
    print(f"  LaTeX: {symgrav.latex(mx)}")
    if args.latex:
        write_text_atomic(args.latex, symgrav.derivation_sheet(model))
        print(f"  LaTeX derivation sheet written to {args.latex}")

    # 2. closed forms against a numpy sum over states at a random momentum
    rng = np.random.default_rng(1)
    k = tuple(rng.uniform(-1.5, 1.5, size=2))
    worst = 0.0
    for a, i in (("x", "x"), ("x", "y"), ("y", "y")):
        omega, moment = sum_over_states(model, params, k, a, i)
        subs = {model.symbol(n): sp.Rational(str(v)) for n, v in params.items()}
        subs.update(dict(zip(model.momenta, k)))
        cf_om = [float(x.subs(subs)) for x in symgrav.spin_berry_curvature(model, a, i)]
        cf_m = [float(x.subs(subs)) for x in symgrav.spin_magnetic_moment(model, a, i)]
        for x, y in zip(cf_om + cf_m, omega + moment):
            worst = max(worst, abs(x - y) / max(abs(y), 1e-300))
    good = worst < 1e-10
    ok = ok and good
    print(f"\nclosed forms vs numpy sum over states at k = ({k[0]:.3f}, {k[1]:.3f}): "
          f"max relative difference {worst:.1e}  {'PASS' if good else 'FAIL'}")

    # 3. susceptibilities at mu = -0.2, Eqs. (19a), (8a), (19b), (20), (18), (21)
    S = symgrav.Susceptibilities(model, params, "x", "x", dps=dps)
    mu, T = "-0.2", "0.01"
    ev = S.evaluate(mu, T)
    print(f"\nmu = {mu}, T = {T}, dps = {dps}, component xx (natural units):")
    for key, eq in (("alpha", "19a"), ("mqm", "8a"), ("T_beta_kubo", "19b"),
                    ("T_beta", "20")):
        print(f"  {key:<12} ({eq:>3}) = {mp.nstr(ev[key], dps)}")
    with mp.workdps(dps):
        d18 = abs(ev["T_beta_kubo"] - ev["mqm"] - ev["T_beta"])
        good = d18 <= mp.mpf(10) ** (-(dps - 3)) * abs(ev["mqm"])
    ok = ok and good
    print(f"  Eq. (18): |T beta~ - M - T beta| = {mp.nstr(d18, 2)}  {'PASS' if good else 'FAIL'}")

    T_low = "0.001"
    tb, mott = S.T_beta(mu, T_low), S.mott(mu, T_low)
    with mp.workdps(dps):
        rel = abs(tb / mott - 1)
        good = rel < mp.mpf("0.01")
    ok = ok and good
    print(f"  Mott (21) at T = {T_low}: T beta = {mp.nstr(tb, 10)}, "
          f"(pi^2 T^2/3) dalpha/dmu = {mp.nstr(mott, 10)}, ratio - 1 = {mp.nstr(rel, 2)}  "
          f"{'PASS' if good else 'FAIL'}")

    print(f"\n{'all checks PASS' if ok else 'a check FAILED'} "
          f"({time.perf_counter() - t_start:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
