"""(b) Band geometry of the Rashba ferromagnet, Eq. (22) and the text below it.

Paper statement: for H = p^2/2m + alpha (p_y sigma_x - p_x sigma_y) + b sigma_z,
s = (hbar/2) sigma,

    eps_+-(p) = p^2/2m +- Delta,  Delta = sqrt((alpha p)^2 + b^2),
    Omega^x_{x+-} = Omega^y_{y+-} = -+ hbar^2 alpha b / (4 Delta^3),
    m^x_{x+-}     = m^y_{y+-}     =    hbar^2 alpha b / (4 Delta^2).

The model is typed in as in the paper (p_x, p_y real; alpha, b, m, hbar
positive) and run through symgrav.bands, spin_berry_curvature and
spin_magnetic_moment.  The remaining components (a, i) are reported too:
(x, y) and (y, x) vanish, (z, x) and (z, y) are odd in p and drop out of
every momentum integral.

Run:  python derivations/b_rashba.py [--out DIR]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sympy as sp  # noqa: E402

from _common import Derivation, parse_args  # noqa: E402


def main(argv=None):
    args = parse_args(argv, __doc__.splitlines()[0])
    import symgrav

    D = Derivation(__file__, "Rashba ferromagnet, Eq. (22)",
                   "eps_+- = p^2/2m +- Delta, Omega^x_{x+-} = Omega^y_{y+-} = -+ hbar^2 alpha b/"
                   "4Delta^3, m^x_{x+-} = m^y_{y+-} = hbar^2 alpha b/4Delta^2")
    px, py = sp.symbols("p_x p_y", real=True)
    alpha, b, m, hbar = sp.symbols("alpha b m hbar", positive=True)
    sx = sp.Matrix([[0, 1], [1, 0]])
    sy = sp.Matrix([[0, -sp.I], [sp.I, 0]])
    sz = sp.Matrix([[1, 0], [0, -1]])
    H = (px ** 2 + py ** 2) / (2 * m) * sp.eye(2) + alpha * (py * sx - px * sy) + b * sz
    model = symgrav.Model(H, (px, py), hbar=hbar)

    p2 = px ** 2 + py ** 2
    Delta = sp.sqrt(alpha ** 2 * p2 + b ** 2)
    eps = symgrav.bands(model)
    D.check("symgrav.bands returns two bands", len(eps) == 2)
    D.check_equal("eps_- = p^2/2m - Delta (lower band)", eps[0], p2 / (2 * m) - Delta)
    D.check_equal("eps_+ = p^2/2m + Delta (upper band)", eps[1], p2 / (2 * m) + Delta)

    Om_paper = (hbar ** 2 * alpha * b / (4 * Delta ** 3), -hbar ** 2 * alpha * b / (4 * Delta ** 3))
    m_paper = hbar ** 2 * alpha * b / (4 * Delta ** 2)

    Om, mm = {}, {}
    for a in "xyz":
        for i in "xy":
            Om[a, i] = symgrav.spin_berry_curvature(model, a, i)
            mm[a, i] = symgrav.spin_magnetic_moment(model, a, i)

    for a in "xy":
        for n, lab in enumerate("-+"):
            D.check_equal(f"Omega^{a}_{{{a}{lab}}} = {'+' if lab == '-' else '-'}"
                          f"hbar^2 alpha b/(4 Delta^3)", Om[a, a][n], Om_paper[n])
            D.check_equal(f"m^{a}_{{{a}{lab}}} = hbar^2 alpha b/(4 Delta^2)", mm[a, a][n], m_paper)

    # the other components
    for a, i in (("x", "y"), ("y", "x")):
        D.check(f"Omega^{i}_{{{a}+-}} = m^{i}_{{{a}+-}} = 0",
                all(sp.simplify(e) == 0 for e in tuple(Om[a, i]) + tuple(mm[a, i])))
    # Omega^i_{z+-} = -+ Z_i/Delta^3, m^i_{z+-} = Z_i/Delta^2 with Z_x = -hbar^2 alpha^2 p_y/4,
    # Z_y = +hbar^2 alpha^2 p_x/4 (from d.(d_i d x c_z), d = (alpha p_y, -alpha p_x, b))
    Z = {"x": -hbar ** 2 * alpha ** 2 * py / 4, "y": hbar ** 2 * alpha ** 2 * px / 4}
    Zs = {"x": "-hbar^2 alpha^2 p_y/4", "y": "hbar^2 alpha^2 p_x/4"}
    for i in "xy":
        for n, lab in enumerate("-+"):
            sg = (-1, 1)[n]
            D.check_equal(f"Omega^{i}_{{z{lab}}} = {'-+'[1 - n]}({Zs[i]})/Delta^3",
                          Om["z", i][n], -sg * Z[i] / Delta ** 3)
            D.check_equal(f"m^{i}_{{z{lab}}} = ({Zs[i]})/Delta^2", mm["z", i][n], Z[i] / Delta ** 2)
    # odd in p: they vanish after the angular integration
    flip = {px: -px, py: -py}
    for i in "xy":
        D.check(f"Omega^{i}_z and m^{i}_z are odd under p -> -p (no contribution to "
                f"alpha_z^{i}, M_z^{i}, T beta_z^{i})",
                all(sp.simplify(e.xreplace(flip) + e) == 0
                    for e in tuple(Om["z", i]) + tuple(mm["z", i])))

    D.info("all components (a = spin, i = velocity), compact form, Delta = sqrt(alpha^2 p^2 + b^2):")
    for a in "xyz":
        for i in "xy":
            D.info(f"  Omega^{i}_{a}(-,+) = {sp.sstr(tuple(Om[a, i].compact))};  "
                   f"m^{i}_{a}(-,+) = {sp.sstr(tuple(mm[a, i].compact))}")

    # LaTeX
    D.note(r"Rashba ferromagnet $\mathcal H=p^2/2m"
           r"+\alpha(p_y\sigma_x-p_x\sigma_y)+b\sigma_z$, $\vec s=(\hbar/2)\vec\sigma$, "
           r"$\Delta=\sqrt{(\alpha p)^2+b^2}$. Output of \texttt{symgrav}:")
    D.band_equation(r"\left(\epsilon_-,\ \epsilon_+\right)", eps, "symgrav.bands")
    for a in "xyz":
        for i in "xy":
            D.band_equation(r"\left(\Omega^{%s}_{%s-},\ \Omega^{%s}_{%s+}\right)" % (i, a, i, a),
                            Om[a, i], f"Eq. (8b), a={a}, i={i}")
            D.band_equation(r"\left(m^{%s}_{%s-},\ m^{%s}_{%s+}\right)" % (i, a, i, a),
                            mm[a, i], f"Eq. (8c), a={a}, i={i}")
    D.note(r"in agreement with $\Omega^x_{x\pm}=\Omega^y_{y\pm}=\mp\hbar^2\alpha b/4\Delta^3$ "
           r"and $m^x_{x\pm}=m^y_{y\pm}=\hbar^2\alpha b/4\Delta^2$ below Eq.~(22).")
    D.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
