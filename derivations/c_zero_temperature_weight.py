"""(c) The thermal weight of Eq. (20) is T times the entropy per state, and vanishes at T = 0.

Paper statement (Eq. 20 and the sentence after it): the gravito-ME susceptibility

    T beta = sum_n int Omega_n w(eps_n - mu),   w(xi) = f(xi) xi + int_xi^oo f(z) dz,

"vanishes at zero temperature".  For the Fermi distribution f = 1/(e^{xi/T}+1):

  1. int_xi^oo f(z) dz = T ln(1 + e^{-xi/T})                 (antiderivative + limit)
  2. w(xi) = T s(f(xi)),  s(f) = -f ln f - (1-f) ln(1-f)      (entropy per state);
     with x = xi/T both w/T and s equal ln(1+e^x) - (1-f) x
  3. w(xi) -> 0 as T -> 0+ for fixed xi > 0 and for fixed xi < 0 (sympy limit),
     and w > 0 (s is an entropy)
  4. w(xi) = int_xi^oo (-f'(z)) z dz  (the integration by parts of Eq. E2)
  5. int_{-oo}^{oo} w(xi) dxi = (pi^2/3) T^2  (so w -> 0 pointwise but is a peak of
     width ~T and height ~T ln 2 at the Fermi surface).

Run:  python derivations/c_zero_temperature_weight.py [--out DIR]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sympy as sp  # noqa: E402

from _common import Derivation, parse_args  # noqa: E402


def _branch_below_one(expr, u):
    """Replace the Piecewise of a summed power series by its |u| < 1 branch."""
    reps = {}
    for pw in expr.atoms(sp.Piecewise):
        val, cond = pw.args[0]
        if cond not in (u < 1, u <= 1, sp.Abs(u) < 1, sp.Abs(u) <= 1):
            raise AssertionError(f"unexpected convergence condition {cond}")
        reps[pw] = val
    return expr.xreplace(reps)


def main(argv=None):
    args = parse_args(argv, __doc__.splitlines()[0])
    D = Derivation(__file__, "Zero-temperature limit of the weight in Eq. (20)",
                   "T beta = sum_n int Omega_n [f_n (eps_n - mu) + int_{eps_n-mu}^oo f] "
                   "vanishes at zero temperature")
    T = sp.Symbol("T", positive=True)
    xi, z = sp.symbols("xi z", real=True)
    x = sp.Symbol("x", real=True)

    def f(e):
        return 1 / (sp.exp(e / T) + 1)

    # 1. int_xi^oo f(z) dz
    Fz = -T * sp.log(1 + sp.exp(-z / T))          # antiderivative of f
    D.check_zero("d/dz[-T ln(1+e^{-z/T})] = f(z)", Fz.diff(z) - f(z))
    D.check("-T ln(1+e^{-z/T}) -> 0 as z -> oo", sp.limit(Fz, z, sp.oo) == 0)
    tail = sp.limit(Fz, z, sp.oo) - Fz.subs(z, xi)   # = int_xi^oo f(z) dz
    D.check_equal("int_xi^oo f(z) dz = T ln(1+e^{-xi/T})", tail, T * sp.log(1 + sp.exp(-xi / T)))
    w = f(xi) * xi + tail

    # 2. w = T s(f)
    phi = 1 / (sp.exp(x) + 1)                       # f as a function of x = xi/T
    s = -phi * sp.log(phi) - (1 - phi) * sp.log(1 - phi)
    common = sp.log(1 + sp.exp(x)) - (1 - phi) * x
    D.check_zero("s(f) = -f ln f - (1-f) ln(1-f) = ln(1+e^x) - (1-f) x",
                 sp.expand_log(s - common, force=True))
    D.check_zero("w(xi)/T at xi = xT equals ln(1+e^x) - (1-f) x",
                 sp.expand_log((w / T).subs(xi, x * T) - common, force=True))
    D.check_zero("hence w(xi) = T s(f(xi))", sp.expand_log(w - T * s.subs(x, xi / T), force=True))
    # independent route: same derivative in x and same value at x = 0
    D.check_zero("d/dx (w/T) = d/dx s(f) = x f'(x)  [s'(f) = ln((1-f)/f) = x]",
                 sp.expand_log(sp.diff((w / T).subs(xi, x * T), x) - sp.diff(s, x), force=True))
    D.check("w/T = s = ln 2 at x = 0", sp.simplify((w / T).subs(xi, 0) - sp.log(2)) == 0
            and sp.simplify(s.subs(x, 0) - sp.log(2)) == 0)
    D.check_zero("s is even in x (particle-hole symmetry f(-x) = 1 - f(x))",
                 sp.expand_log(s.subs(x, -x) - s, force=True))

    # 3. T -> 0+
    xp = sp.Symbol("xi", positive=True)
    xn = sp.Symbol("xi", negative=True)
    D.check("lim_{T->0+} w(xi) = 0 for fixed xi > 0", sp.limit(w.subs(xi, xp), T, 0, "+") == 0)
    D.check("lim_{T->0+} w(xi) = 0 for fixed xi < 0", sp.limit(w.subs(xi, xn), T, 0, "+") == 0)
    D.check("lim_{T->0+} w(0) = lim T ln 2 = 0", sp.limit(w.subs(xi, 0), T, 0, "+") == 0)
    # w > 0: s = f ln(1+e^x) + (1-f) ln(1+e^{-x}), a sum of products of positive factors
    one_minus = sp.exp(x) / (sp.exp(x) + 1)
    pos = phi * sp.log(1 + sp.exp(x)) + one_minus * sp.log(1 + sp.exp(-x))
    D.check_zero("s = f ln(1+e^x) + (1-f) ln(1+e^{-x})", sp.expand_log(s - pos, force=True))
    D.check("every factor f, 1-f, ln(1+e^x), ln(1+e^-x) is positive for real x, so w > 0",
            all(q.is_positive for q in (phi, one_minus, sp.log(1 + sp.exp(x)),
                                        sp.log(1 + sp.exp(-x)))))

    # 4. w = int_xi^oo (-f'(z)) z dz
    G = -z * f(z) + Fz                              # antiderivative of -f'(z) z
    D.check_zero("d/dz[-z f(z) + int^z f] = -f'(z) z", G.diff(z) - (-f(z).diff(z) * z))
    D.check("-z f(z) - T ln(1+e^{-z/T}) -> 0 as z -> oo", sp.limit(G, z, sp.oo) == 0)
    D.check_zero("w(xi) = int_xi^oo (-f'(z)) z dz (integration by parts, Eq. E2)",
                 sp.limit(G, z, sp.oo) - G.subs(z, xi) - w)

    # 5. int w dxi = T^2 int s dx = 2 T^2 int_0^oo [ln(1+e^{-x}) + x/(e^x+1)] dx
    xpos = sp.Symbol("x", positive=True)
    D.check_zero("for x > 0: s = ln(1+e^{-x}) + x/(e^x+1)",
                 sp.expand_log(s.subs(x, xpos) - (sp.log(1 + sp.exp(-xpos))
                                                  + xpos / (sp.exp(xpos) + 1)), force=True))
    k = sp.Symbol("k", integer=True, positive=True)
    u = sp.Symbol("u", positive=True)     # u = e^{-x} in (0, 1)
    ser_log = _branch_below_one(sp.Sum((-1) ** (k + 1) * u ** k / k, (k, 1, sp.oo)).doit(), u)
    ser_f = _branch_below_one(sp.Sum((-1) ** (k + 1) * u ** k, (k, 1, sp.oo)).doit(), u)
    D.check_zero("ln(1+u) = sum_k (-1)^{k+1} u^k/k for 0 < u < 1", ser_log - sp.log(1 + u))
    D.check_zero("1/(e^x+1) = u/(1+u) = sum_k (-1)^{k+1} u^k for 0 < u < 1", ser_f - u / (1 + u))
    I_log = sp.Sum((-1) ** (k + 1) / k * sp.integrate(sp.exp(-k * xpos), (xpos, 0, sp.oo)),
                   (k, 1, sp.oo)).doit()
    I_f = sp.Sum((-1) ** (k + 1) * sp.integrate(xpos * sp.exp(-k * xpos), (xpos, 0, sp.oo)),
                 (k, 1, sp.oo)).doit()
    D.check_equal("int_0^oo ln(1+e^{-x}) dx = sum (-1)^{k+1}/k^2 = pi^2/12", I_log, sp.pi ** 2 / 12)
    D.check_equal("int_0^oo x/(e^x+1) dx = sum (-1)^{k+1}/k^2 = pi^2/12", I_f, sp.pi ** 2 / 12)
    total = T ** 2 * 2 * (I_log + I_f)
    D.check_equal("int_{-oo}^{oo} w(xi) dxi = T^2 int s dx = (pi^2/3) T^2", total,
                  sp.pi ** 2 * T ** 2 / 3)
    import mpmath
    num = mpmath.quad(lambda t: mpmath.log(1 + mpmath.e ** t) - t / (1 + mpmath.e ** (-t)),
                      [-mpmath.inf, 0, mpmath.inf])
    D.check("numerical cross-check: int s(x) dx = pi^2/3 to 1e-12",
            abs(num - mpmath.pi ** 2 / 3) < 1e-12, detail=f"quad = {num}")

    # LaTeX
    D.note(r"Fermi statistics, $f(\xi)=1/(e^{\xi/T}+1)$, $x=\xi/T$.")
    D.equation(r"\int_\xi^\infty dz\,f(z)", T * sp.log(1 + sp.exp(-xi / T)))
    D.equation(r"w(\xi)\equiv f(\xi)\,\xi+\int_\xi^\infty dz\,f(z)",
               r"T\left[\ln(1+e^{x})-(1-f)\,x\right]"
               r" = T\left[-f\ln f-(1-f)\ln(1-f)\right] = T\,s(f)", "Eq. (20) weight")
    D.equation(r"w(\xi)", r"\int_\xi^\infty dz\,[-f'(z)]\,z", "integration by parts, Eq. (E2)")
    D.equation(r"\lim_{T\to0^+} w(\xi)", r"0\quad(\xi>0,\ \xi<0,\ \xi=0)")
    D.equation(r"\int_{-\infty}^{\infty} d\xi\, w(\xi)", total)
    D.note(r"Hence $T\beta^i_a=\sum_n\int\Omega^i_{an}\,T s(f_n)$ is $T$ times an "
           r"entropy-weighted Berry curvature and vanishes at $T=0$.")
    D.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
