"""(d) The pi^2/3 of the Mott relation, Eq. (21), from the Sommerfeld expansion (App. E).

Paper statement (Eq. E2 and Eq. 21):

    T beta = int d eps [alpha(eps) - alpha(-oo)] (-f'(eps - mu)) (eps - mu)
           = (pi T)^2/3 d alpha/d mu (mu, T=0) + ...,   i.e.  beta = (pi^2 T/3q) d alpha/d mu.

With x = (eps - mu)/T and phi(x) = 1/(e^x + 1) the Fermi moments are
I_k = int_{-oo}^{oo} (-phi'(x)) x^k dx.  The script proves

  * I_0 = 1,  I_1 = I_3 = 0 (-phi' is even),
  * I_2 = pi^2/3 exactly: -phi'(x) = sum_k (-1)^{k+1} k e^{-k|x|}, int_0^oo x^2 e^{-kx} = 2/k^3,
    so I_2 = 4 sum_k (-1)^{k+1}/k^2 = 4 eta(2) = pi^2/3  (and I_4 = 48 eta(4) = 7 pi^4/15),
  * the integration by parts of Eq. (E2): w'(xi) = xi f'(xi) for w = f xi + int_xi^oo f,
  * the Sommerfeld expansion of int dx A(mu + T x) (-phi'(x)) T x for a generic smooth
    A(eps) = alpha(eps) - alpha(-oo):  (pi^2 T^2/3) A'(mu) + 0 * T^3 + (7 pi^4/90) T^4 A'''(mu) + ...

Run:  python derivations/d_mott_sommerfeld.py [--out DIR]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sympy as sp  # noqa: E402

from _common import Derivation, parse_args  # noqa: E402


def moment_series(k_power, x, k):
    """I_{k_power} = 2 sum_k (-1)^{k+1} k int_0^oo x^p e^{-kx} dx for even p (exact)."""
    inner = sp.integrate(x ** k_power * sp.exp(-k * x), (x, 0, sp.oo))
    return sp.Sum(2 * (-1) ** (k + 1) * k * inner, (k, 1, sp.oo)).doit()


def main(argv=None):
    args = parse_args(argv, __doc__.splitlines()[0])
    D = Derivation(__file__, "Mott relation from the Sommerfeld expansion, App. E",
                   "T beta = int d eps [alpha(eps)-alpha(-oo)] (-f'(eps-mu)) (eps-mu) = "
                   "(pi T)^2/3 d alpha/d mu + ...  (Eqs. E2, 21)")
    x = sp.Symbol("x", real=True)
    xp = sp.Symbol("x", positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    u = sp.Symbol("u", positive=True)
    phi = 1 / (sp.exp(x) + 1)
    mphi1 = -sp.diff(phi, x)                        # -phi'(x) = e^x/(e^x+1)^2

    # --- symmetry and normalisation ---------------------------------------------
    D.check_zero("-phi'(x) = e^x/(e^x+1)^2 = 1/(4 cosh^2(x/2))",
                 (mphi1 - 1 / (4 * sp.cosh(x / 2) ** 2)).rewrite(sp.exp))
    D.check_zero("-phi'(x) is even, so I_1 = int (-phi') x dx = I_3 = 0 (odd integrands)",
                 mphi1.subs(x, -x) - mphi1)
    D.check("I_0 = int (-phi') dx = phi(-oo) - phi(oo) = 1",
            sp.limit(phi, x, -sp.oo) - sp.limit(phi, x, sp.oo) == 1)

    # --- -phi'(x) for x > 0 as a series in u = e^{-x} ------------------------------
    ser = sp.Sum((-1) ** (k + 1) * k * u ** k, (k, 1, sp.oo)).doit()
    reps = {}
    for pw in ser.atoms(sp.Piecewise):
        val, cond = pw.args[0]
        assert cond in (u < 1, u <= 1, sp.Abs(u) < 1), cond
        reps[pw] = val
    ser = ser.xreplace(reps)
    D.check_zero("sum_k (-1)^{k+1} k u^k = u/(1+u)^2 for 0 < u < 1", ser - u / (1 + u) ** 2)
    D.check_zero("-phi'(x) = u/(1+u)^2 with u = e^{-x}",
                 mphi1.subs(x, xp) - (u / (1 + u) ** 2).subs(u, sp.exp(-xp)))

    # --- the moments ----------------------------------------------------------------
    D.check_equal("int_0^oo x^2 e^{-kx} dx = 2/k^3",
                  sp.integrate(xp ** 2 * sp.exp(-k * xp), (xp, 0, sp.oo)), 2 / k ** 3)
    eta2 = sp.Sum((-1) ** (k + 1) / k ** 2, (k, 1, sp.oo)).doit()
    D.check_equal("eta(2) = sum (-1)^{k+1}/k^2 = pi^2/12", eta2, sp.pi ** 2 / 12)
    I2 = moment_series(2, xp, k)
    D.check("I_2 = int_{-oo}^{oo} (-phi'(x)) x^2 dx = 2 * 2 * eta(2) = pi^2/3 (exact)",
            sp.simplify(I2 - sp.pi ** 2 / 3) == 0, detail=f"got {I2}")
    I4 = moment_series(4, xp, k)
    D.check("I_4 = int (-phi') x^4 dx = 48 eta(4) = 7 pi^4/15",
            sp.simplify(I4 - 7 * sp.pi ** 4 / 15) == 0, detail=f"got {I4}")
    import mpmath
    mpmath.mp.dps = 30
    g = lambda t, p: t ** p / (4 * mpmath.cosh(t / 2) ** 2)  # noqa: E731
    q2 = mpmath.quad(lambda t: g(t, 2), [-mpmath.inf, 0, mpmath.inf])
    q1 = mpmath.quad(lambda t: g(t, 1), [-mpmath.inf, 0, mpmath.inf])
    D.check("numerical cross-check (30 digits): I_2 = pi^2/3, I_1 = 0",
            abs(q2 - mpmath.pi ** 2 / 3) < mpmath.mpf(10) ** -25 and abs(q1) < 1e-25,
            detail=f"I2 = {q2}, I1 = {q1}")
    moments = {0: sp.Integer(1), 1: sp.Integer(0), 2: I2, 3: sp.Integer(0), 4: I4,
               5: sp.Integer(0)}   # odd moments vanish

    # --- integration by parts of Eq. (E2) -------------------------------------------
    T = sp.Symbol("T", positive=True)
    xi = sp.Symbol("xi", real=True)
    f = 1 / (sp.exp(xi / T) + 1)
    w = f * xi + T * sp.log(1 + sp.exp(-xi / T))     # f xi + int_xi^oo f  (see script c)
    D.check_zero("w'(xi) = xi f'(xi), hence int d eps alpha'(eps) w(eps-mu) = "
                 "int d eps [alpha(eps)-alpha(-oo)] (-f'(eps-mu)) (eps-mu)  (w(+-oo) = 0)",
                 sp.diff(w, xi) - xi * sp.diff(f, xi))
    D.check("w(xi) -> 0 for xi -> +oo and xi -> -oo (boundary terms vanish)",
            sp.limit(w, xi, sp.oo) == 0 and sp.limit(w, xi, -sp.oo) == 0)
    D.check_zero("(-f'(xi)) d xi = (-phi'(x)) dx with xi = T x",
                 (-sp.diff(f, xi)).subs(xi, T * x) * T - mphi1)

    # --- Sommerfeld expansion of T beta -----------------------------------------------
    mu = sp.Symbol("mu", real=True)
    A = sp.Function("A")                                # A(eps) = alpha(eps, T=0) - alpha(-oo)
    taylor = sp.series(A(mu + T * x), T, 0, 5).removeO()   # A(mu + T x) to O(T^4)
    integrand = sp.expand(taylor * T * x)                # times (eps - mu), measure (-phi') dx
    poly = sp.Poly(integrand, x)
    Tbeta = sum(coeff * moments[deg] for (deg,), coeff in poly.terms())
    Tbeta = sp.expand(sp.simplify(Tbeta.doit()))
    Ap = sp.Derivative(A(mu), mu)
    lead = sp.pi ** 2 * T ** 2 / 3 * Ap
    D.check_zero("T beta = int dx A(mu + T x)(-phi'(x)) T x: the T^0 and T^1 terms vanish",
                 Tbeta.coeff(T, 0) + Tbeta.coeff(T, 1))
    D.check_zero("T^2 term = (pi^2 T^2/3) dA/dmu = (pi^2 T^2/3) d alpha/d mu",
                 Tbeta.coeff(T, 2) * T ** 2 - lead.doit())
    D.check_zero("T^3 term vanishes (I_1 = I_3 = 0), so the correction is O(T^4)",
                 Tbeta.coeff(T, 3))
    t4 = Tbeta.coeff(T, 4)
    D.check_zero("T^4 term = (7 pi^4/90) A'''(mu)",
                 t4 - 7 * sp.pi ** 4 / 90 * sp.diff(A(mu), mu, 3))
    D.check_zero("T^5 term vanishes (I_5 = 0): the next correction is O(T^6)", Tbeta.coeff(T, 5))
    D.info(f"T beta = {sp.sstr(Tbeta)}")
    D.info("=> beta = T beta / T = (pi^2 T/3) d alpha/d mu (mu, T=0) + O(T^3)   [q = 1]")

    # an exactly solvable case: A(eps) = eps^3 gives T beta = pi^2 T^2 mu^2 + 7 pi^4 T^4/15
    exact = sum(sp.expand((mu + T * x) ** 3 * T * x).coeff(x, n) * moments[n] for n in range(5))
    D.check_equal("check A(eps) = eps^3: T beta = pi^2 mu^2 T^2 + 7 pi^4 T^4/15 exactly",
                  exact, sp.pi ** 2 * mu ** 2 * T ** 2 + 7 * sp.pi ** 4 * T ** 4 / 15)

    # LaTeX
    D.note(r"With $x=(\epsilon-\mu)/T$ and $\varphi(x)=1/(e^x+1)$:")
    D.equation(r"\int_{-\infty}^{\infty}dx\,[-\varphi'(x)]\,x", 0)
    D.equation(r"\int_{-\infty}^{\infty}dx\,[-\varphi'(x)]\,x^2",
               r"4\sum_{k\ge1}\frac{(-1)^{k+1}}{k^2} = 4\eta(2) = " + sp.latex(I2))
    D.equation(r"\int_{-\infty}^{\infty}dx\,[-\varphi'(x)]\,x^4", I4)
    D.equation(r"T\beta^i_a = \frac1q\int d\epsilon\,[\alpha^i_a(\epsilon)-\alpha^i_a(-\infty)]"
               r"\,[-f'(\epsilon-\mu)](\epsilon-\mu)",
               r"\frac{\pi^2T^2}{3q}\frac{\partial\alpha^i_a}{\partial\mu}"
               r"+\frac{7\pi^4T^4}{90q}\frac{\partial^3\alpha^i_a}{\partial\mu^3}+O(T^6)",
               "Eq. (E2)")
    D.equation(r"\beta^i_a", r"\frac{\pi^2T}{3q}\frac{\partial\alpha^i_a}{\partial\mu}(\mu,T=0)",
               "Eq. (21), Mott relation")
    D.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
