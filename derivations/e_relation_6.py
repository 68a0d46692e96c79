"""(e) Relation (6), M~ = d(beta M)/d beta, between Eq. (B7a) and Eq. (8a), band by band.

Paper statement: the auxiliary MQM (B7a)

    M~ = sum_n int { Omega_n f_n xi_n + m_n [f_n + f'_n xi_n] },   xi_n = eps_n - mu,

and the MQM (8a)

    M  = sum_n int [ -Omega_n int_{xi_n}^oo f(z) dz + m_n f_n ]

satisfy M~ = d(beta M)/d beta at fixed mu and p (beta = 1/T), for Bose and Fermi
statistics f(xi) = 1/(e^{beta xi} -+ 1).  Since Omega_n, m_n do not depend on beta it
suffices, band by band, that

    d/d beta [ -beta int_xi^oo f(z) dz ] = f(xi) xi            (Omega weight)
    d/d beta [  beta f(xi) ]             = f(xi) + xi f'(xi)   (m weight, f' = df/dxi)

with int_xi^oo f = (1/beta) ln(1 + e^{-beta xi}) (Fermi) and -(1/beta) ln(1 - e^{-beta xi})
(Bose, xi > 0).  The script derives these integrals (antiderivative + limit), checks both
weights with simplify(...) == 0, and notes that (6) determines M from M~ only up
to C T (C independent of T); for fermions, beta M_band = -Omega_n ln 2 + int_0^beta M~_band.

Run:  python derivations/e_relation_6.py [--out DIR]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sympy as sp  # noqa: E402

from _common import Derivation, parse_args  # noqa: E402


def main(argv=None):
    args = parse_args(argv, __doc__.splitlines()[0])
    D = Derivation(__file__, "Relation (6) between Eqs. (B7a) and (8a)",
                   "M~_a^i = d(beta M_a^i)/d beta (Eq. 6), Fermi and Bose statistics")
    beta = sp.Symbol("beta", positive=True)
    Om, m = sp.symbols("Omega_n m_n", real=True)

    stats = {
        # name: (xi symbol, sign s in f = 1/(e^{beta xi} + s), claimed int_xi^oo f)
        "Fermi": (sp.Symbol("xi", real=True), 1,
                  lambda xi: sp.log(1 + sp.exp(-beta * xi)) / beta),
        "Bose": (sp.Symbol("xi", positive=True), -1,
                 lambda xi: -sp.log(1 - sp.exp(-beta * xi)) / beta),
    }
    results = {}
    for name, (xi, s, tail_of) in stats.items():
        z = sp.Symbol("z", positive=True) if name == "Bose" else sp.Symbol("z", real=True)

        def f(e):
            return 1 / (sp.exp(beta * e) + s)

        # int_xi^oo f(z) dz from the antiderivative -tail_of(z) and its limit at z -> oo
        anti = -tail_of(z)
        D.check_zero(f"{name}: d/dz[-(int_z^oo f)] = f(z) for the claimed closed form",
                     anti.diff(z) - f(z))
        lim = sp.limit(anti, z, sp.oo)
        D.check(f"{name}: the closed form of int_z^oo f vanishes as z -> oo", lim == 0)
        tail = lim - anti.subs(z, xi)
        D.check_zero(f"{name}: int_xi^oo f(z) dz = "
                     + ("(1/beta) ln(1+e^{-beta xi})" if s == 1 else
                        "-(1/beta) ln(1-e^{-beta xi})"), tail - tail_of(xi))

        fxi = f(xi)
        fprime = sp.diff(fxi, xi)                   # f' = df/dxi at fixed beta
        # Omega weight: d/dbeta[-beta int_xi^oo f] = f xi
        w_om_M = -tail
        w_om_Mt = fxi * xi
        D.check_zero(f"{name}: d/dbeta[-beta int_xi^oo f(z) dz] - f(xi) xi = 0",
                     sp.diff(beta * w_om_M, beta) - w_om_Mt)
        # m weight: d/dbeta[beta f] = f + xi f'
        w_m_M = fxi
        w_m_Mt = fxi + xi * fprime
        D.check_zero(f"{name}: d/dbeta[beta f(xi)] - [f(xi) + xi f'(xi)] = 0",
                     sp.diff(beta * w_m_M, beta) - w_m_Mt)
        # whole band integrand, (8a) -> (B7a)
        M_band = -Om * tail + m * fxi                       # Eq. (8a) integrand
        Mt_band = Om * fxi * xi + m * (fxi + fprime * xi)   # Eq. (B7a) integrand
        D.check_zero(f"{name}: band integrand of (B7a) = d/dbeta[beta x band integrand of (8a)]",
                     sp.diff(beta * M_band, beta) - Mt_band)
        results[name] = (tail, M_band, Mt_band)

    # Eq. (6) alone fixes M from M~ only up to a solution C/beta = C T of the homogeneous
    # equation d(beta M)/dbeta = 0 (C independent of beta).  For (8a) with fermions the
    # integration constant is explicit: beta M_band = -Omega_n ln 2 + int_0^beta M~_band dbeta'.
    C = sp.Symbol("C", real=True)
    D.check_zero("homogeneous solution: d/dbeta[beta (C/beta)] = 0, so (6) determines M up to C T",
                 sp.diff(beta * (C / beta), beta))
    tail, M_band, Mt_band = results["Fermi"]
    lim0 = sp.limit(beta * M_band, beta, 0, "+")
    D.check_equal("Fermi: lim_{beta->0} beta M_band = -Omega_n ln 2", lim0, -Om * sp.log(2))
    D.check_zero("Fermi: beta M_band = -Omega_n ln 2 + int_0^beta M~_band dbeta' "
                 "(same beta-derivative, same value as beta -> 0)",
                 sp.diff(beta * M_band - lim0, beta) - Mt_band)

    # LaTeX
    D.note(r"$f(\xi)=1/(e^{\beta\xi}\pm1)$ (Fermi/Bose), $f'=\partial f/\partial\xi$, "
           r"$\xi=\epsilon_n-\mu$.")
    D.equation(r"\int_\xi^\infty dz\,f(z)",
               r"\frac1\beta\ln\!\left(1+e^{-\beta\xi}\right)\ \text{(Fermi)},\qquad"
               r"-\frac1\beta\ln\!\left(1-e^{-\beta\xi}\right)\ \text{(Bose)}")
    D.equation(r"\frac{\partial}{\partial\beta}\Big[-\beta\int_\xi^\infty dz\,f(z)\Big]",
               r"f(\xi)\,\xi", "Omega weight")
    D.equation(r"\frac{\partial}{\partial\beta}\big[\beta f(\xi)\big]",
               r"f(\xi)+\xi f'(\xi)", "m weight")
    D.equation(r"\tilde M^i_a = \frac{\partial(\beta M^i_a)}{\partial\beta}",
               r"\frac{g\mu_B}{\hbar}\sum_n\int\frac{d^dp}{(2\pi\hbar)^d}\Big\{\Omega^i_{an}f_n"
               r"(\epsilon_n-\mu)+m^i_{an}\big[f_n+f'_n(\epsilon_n-\mu)\big]\Big\}",
               "Eq. (6) applied to Eq. (8a) gives Eq. (B7a)")
    D.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
