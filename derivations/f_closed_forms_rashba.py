"""(f) alpha(mu) at T = 0 for Eq. (22) in every regime, and the T^2, T^4 Mott coefficients.

Paper statement (Eqs. 19a, 21, E2; Figs. 1, 2): the magnetoelectric
susceptibility of the Rashba ferromagnet is a Fermi-sea integral; at low T,
T beta = (pi^2 T^2/3) d alpha/d mu + O(T^4).  Here, with hbar = m = alpha = 1:

* symgrav.zero_temperature derives alpha0(mu) as a Piecewise over the band
  edges -(1 + b^2)/2 (bottom of the Mexican hat, b < 1 only), -b and +b
  (the gap), for b = 1/2 (Fig. 1) and b = 3/2 (Fig. 2);
* every branch is checked against the numeric engine (Susceptibilities,
  30 digits, T = 0) at a mu inside it, and against the hand integral
  alpha0 = (b/8 pi) [int_{I-} dD/D^2 - int_{I+} dD/D^2] over the occupied
  Delta intervals (written out below, independent of the library);
* symgrav.low_temperature_series gives T beta = c1 T^2 + c2 T^4 + O(T^6) with
  c1 = (pi^2/3) alpha0' (the Mott relation, Eq. 21) and
  c2 = (7 pi^4/90) alpha0''' (its first correction), checked symbolically
  branch by branch, and the residual T beta - c1 T^2 - c2 T^4 of the engine
  shrinks like T^6.

Run:  python derivations/f_closed_forms_rashba.py [--out DIR]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mpmath as mp  # noqa: E402
import sympy as sp  # noqa: E402

from _common import Derivation, parse_args  # noqa: E402


def hand_alpha0(mu, b):
    """(b/8 pi)[int_{I-} dD/D^2 - int_{I+} dD/D^2], I-+ the occupied Delta intervals."""
    disc = 1 + b * b + 2 * mu
    if disc <= 0:
        return mp.mpf(0)
    r = mp.sqrt(disc)
    lower, upper = (max(b, 1 - r), 1 + r), (b, max(b, -1 + r))

    def inv(lo, hi):
        return 1 / lo - 1 / hi if hi > lo else mp.mpf(0)
    return b / (8 * mp.pi) * (inv(*lower) - inv(*upper))


def main(argv=None):
    args = parse_args(argv, __doc__.splitlines()[0])
    import symgrav

    D = Derivation(__file__, "alpha(mu) at T = 0 and the Mott coefficients, Eq. (22)",
                   "T beta = (pi^2 T^2/3) d alpha/d mu + O(T^4) (Eq. 21); alpha at T = 0 from "
                   "Eq. (19a) for the Rashba ferromagnet in both regimes of Figs. 1, 2")
    model = symgrav.load_model("rashba")
    mu, T = sp.Symbol("mu", real=True), sp.Symbol("T", real=True)
    regimes = {"1/2": ("b < m alpha^2 (Mexican hat, Fig. 1)",
                       [sp.Rational(-5, 8), sp.Rational(-1, 2), sp.Rational(1, 2)],
                       ["-0.7", "-0.56", "-0.2", "1.3"]),
               "3/2": ("b > m alpha^2 (Fig. 2)", [sp.Rational(-3, 2), sp.Rational(3, 2)],
                       ["-1.7", "0.4", "2.2"])}
    tol = mp.mpf(10) ** -25
    D.note(r"Rashba ferromagnet, Eq.~(22), $\hbar = m = \alpha = 1$ (energy unit $m\alpha^2$), "
           r"natural units of the toolkit. Output of \texttt{symgrav.zero\_temperature} and "
           r"\texttt{symgrav.low\_temperature\_series}:")
    for b, (title, edges, mus) in regimes.items():
        params = {"hbar": 1, "m": 1, "alpha": 1, "b": b}
        alpha = symgrav.zero_temperature(model, "alpha", params=params)
        found = [c.rhs for _, c in alpha.args if c is not sp.true]
        D.check(f"b = {b}, {title}: branches at the band edges {edges}", found == edges)
        eng = symgrav.Susceptibilities(model, params, dps=30)
        f = sp.lambdify([mu], alpha, "mpmath")
        with mp.workdps(30):
            for m in mus:
                num = eng.evaluate(m, 0)["alpha"]
                val = f(mp.mpf(m))
                D.check(f"b = {b}, mu = {m}: closed form = engine (30 digits) = hand integral",
                        abs(val - num) <= tol and abs(val - hand_alpha0(mp.mpf(m),
                                                                        mp.mpf(sp.Rational(b))))
                        <= tol, f"{val} vs {num}")
        series = symgrav.low_temperature_series(model, "T_beta", 2, params=params)
        c1, c2 = series.coeff(T, 2), series.coeff(T, 4)
        d1, d3 = sp.diff(alpha, mu), sp.diff(alpha, mu, 3)
        for (e1, _), (e2, _), (e3, _), (e4, _) in zip(c1.args, d1.args, c2.args, d3.args):
            D.check_zero(f"b = {b}: c1 = (pi^2/3) alpha0' on a branch", e1 - sp.pi ** 2 / 3 * e2)
            D.check_zero(f"b = {b}: c2 = (7 pi^4/90) alpha0''' on a branch",
                         e3 - 7 * sp.pi ** 4 / 90 * e4)
        g = sp.lambdify([mu, T], series, "mpmath")
        m = mus[-2]
        with mp.workdps(30):
            Ts = [mp.mpf("0.01"), mp.mpf("0.005")]
            res = [eng.evaluate(m, t)["T_beta"] - g(mp.mpf(m), t) for t in Ts]
            rate = mp.log(abs(res[0] / res[1])) / mp.log(2)
        D.check(f"b = {b}, mu = {m}: engine T beta - c1 T^2 - c2 T^4 ~ T^6 "
                f"(slope {mp.nstr(rate, 4)})", abs(rate - 6) < 0.2)
        label = r"$b < m\alpha^2$ (Fig.~1)" if b == "1/2" else r"$b > m\alpha^2$ (Fig.~2)"
        D.note(f"Regime {label}, $b = {b}$:")
        D.equation(r"\alpha^x_x(\mu)\big|_{T=0}", alpha)
        D.equation(r"c_1 = \frac{\pi^2}{3}\,\partial_\mu\alpha^x_x", c1)
        D.equation(r"c_2 = \frac{7\pi^4}{90}\,\partial_\mu^3\alpha^x_x", c2)
    D.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
