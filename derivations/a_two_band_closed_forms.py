"""(a) Two-band closed forms of the spin-velocity Berry curvature and spin magnetic moment.

Paper statement (Eqs. 8b, 8c for H = d0 + d.sigma, spin s_a = c0 + c_a.sigma):

    Omega_{an}^i = -s_n hbar d.(d_i d x c_a) / (2 Delta^3),
    m_{an}^i     =      hbar d.(d_i d x c_a) / (2 Delta^2),

Delta = |d|, s_n = -1 for the lower band and +1 for the upper band.

Part 1 evaluates the sums over states of Eqs. (8b) and (8c) from the band
projectors P_+- = (1 +- d.sigma/Delta)/2 for a completely generic two-band
Hamiltonian (d0, d_x, d_y, d_z arbitrary real functions of p_x, p_y, p_z) and a
generic spin operator, for all nine (a, i), and compares with the closed forms.

Part 2 is an independent check of the toolkit: for a concrete random
polynomial 2x2 model with a non-standard spin operator,
symgrav.spin_berry_curvature / spin_magnetic_moment are compared, at random
rational momenta, with the sums over states built here from SymPy
eigenvectors (exact arithmetic, no projector identity used).

Run:  python derivations/a_two_band_closed_forms.py [--out DIR]
"""

from __future__ import annotations

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sympy as sp  # noqa: E402

from _common import Derivation, parse_args  # noqa: E402

I = sp.I
ONE = sp.eye(2)
PAULI = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -I], [I, 0]]), sp.Matrix([[1, 0], [0, -1]]))
AXES = "xyz"


def _vec_sigma(c0, c):
    return c0 * ONE + sum((ck * s for ck, s in zip(c, PAULI)), sp.zeros(2, 2))


def _triple(a, b, c):
    """a . (b x c)."""
    return sp.Matrix(a).dot(sp.Matrix(b).cross(sp.Matrix(c)))


def _zero_mod(expr, Dl, S):
    """Exact zero test for a rational function of symbols and Dl, given Dl^2 = S (Dl != 0)."""
    num = sp.numer(sp.together(sp.expand(expr)))
    return sp.expand(sp.rem(sp.expand(num), Dl ** 2 - S, Dl)) == 0


# ---------------------------------------------------------------------------
# Part 1: generic two-band model
# ---------------------------------------------------------------------------
def generic_part(D):
    p = sp.symbols("p_x p_y p_z", real=True)
    hbar = sp.Symbol("hbar", positive=True)
    d0 = sp.Function("d_0", real=True)(*p)
    d = [sp.Function(f"d_{k}", real=True)(*p) for k in AXES]
    H = _vec_sigma(d0, d)
    # generic spin operators s_a = c0_a + c_a . sigma (constants)
    c0 = [sp.Symbol(f"c_{{0{a}}}", real=True) for a in AXES]
    c = [[sp.Symbol(f"c_{{{a}{k}}}", real=True) for k in AXES] for a in AXES]
    spins = [_vec_sigma(c0[k], c[k]) for k in range(3)]

    # After differentiating, the functions and their derivatives are renamed to plain
    # real symbols (d_k and e_k = d_{p_i} d_k) so that the algebra stays polynomial;
    # Delta = |d| is a symbol Dl with the side relation Dl^2 = d.d.
    dsym0 = sp.Symbol("d_0", real=True)
    dsym = [sp.Symbol(f"d_{k}", real=True) for k in AXES]
    esym0 = sp.Symbol("e_0", real=True)
    esym = [sp.Symbol(f"e_{k}", real=True) for k in AXES]
    Dl = sp.Symbol("Delta", positive=True)
    S = sum(x ** 2 for x in dsym)

    def zero(expr):
        return _zero_mod(expr, Dl, S)

    Hs = _vec_sigma(dsym0, dsym)
    dhat_sigma = _vec_sigma(0, [x / Dl for x in dsym])
    P = ((ONE - dhat_sigma) / 2, (ONE + dhat_sigma) / 2)   # lower, upper
    eps = (dsym0 - Dl, dsym0 + Dl)
    sgn = (-1, 1)

    # projector sanity: P_n^2 = P_n, P_- + P_+ = 1, P_- P_+ = 0, H P_n = eps_n P_n
    ok = all(zero(e) for n in range(2) for e in (P[n] * P[n] - P[n]))
    ok &= all(zero(e) for e in (P[0] + P[1] - ONE))
    ok &= all(zero(e) for e in (P[0] * P[1]))
    ok &= all(zero(e) for n in range(2) for e in (Hs * P[n] - eps[n] * P[n]))
    D.check("P_+- = (1 +- d.sigma/Delta)/2 are complementary orthogonal projectors with "
            "H P_+- = (d0 +- Delta) P_+-", ok)

    for ki, i in enumerate(AXES):
        ren = {sp.Derivative(d0, p[ki]): esym0, d0: dsym0}
        for k in range(3):
            ren[sp.Derivative(d[k], p[ki])] = esym[k]
            ren[d[k]] = dsym[k]
        v = H.diff(p[ki]).xreplace(ren)             # velocity v^i = dH/dp_i
        D.check(f"v^{i} = dH/dp_{i} = d_{{p_{i}}} d0 + d_{{p_{i}}} d.sigma",
                v == _vec_sigma(esym0, esym) and not v.has(sp.Function))
        for ka, a in enumerate(AXES):
            t = _triple(dsym, esym, c[ka])           # d . (d_i d x c_a)
            for n in range(2):
                m = 1 - n
                # sum over the states of the band of <n|A|m><m|B|n> = tr(P_n A P_m B)
                X = sp.expand((P[n] * v * P[m] * spins[ka]).trace())
                Xc = sp.expand((P[n] * spins[ka] * P[m] * v).trace())
                gap = eps[n] - eps[m]                         # = 2 s_n Delta
                # Eq. (8b): Omega = i hbar X / gap^2 + c.c.
                Om = (I * hbar * X - I * hbar * Xc) / gap ** 2
                # Eq. (8c): m = -(i hbar/2) X / gap + c.c.
                mm = (-I * hbar * X + I * hbar * Xc) / (2 * gap)
                Om_cf = -sgn[n] * hbar * t / (2 * Dl ** 3)
                m_cf = hbar * t / (2 * Dl ** 2)
                checks = (sp.expand(sp.conjugate(X) - Xc) == 0,    # Xc is the c.c. of X
                          zero((X - Xc) / (2 * I) - sgn[n] * t / Dl),
                          zero(Om - Om_cf), zero(mm - m_cf))
                if not all(checks):
                    D.check(f"generic two-band closed form, a={a}, i={i}, band {n}", False,
                            detail=f"checks {checks}")
    D.check("generic H = d0 + d.sigma, s_a = c0 + c_a.sigma: Im tr(P_n v^i P_m s_a) = "
            "s_n d.(d_i d x c_a)/Delta (all 9 (a,i), both bands)", True)
    D.check("sum over states of Eq. (8b) = -s_n hbar d.(d_i d x c_a)/(2 Delta^3) and of "
            "Eq. (8c) = hbar d.(d_i d x c_a)/(2 Delta^2) (all 9 (a,i), both bands; "
            "d0 and c0 drop out)", True)

    trip = r"\mathbf{d}\cdot(\partial_{p_i}\mathbf{d}\times\mathbf{c}_a)"
    D.note(r"For $\mathcal{H}=d_0+\mathbf{d}\cdot\boldsymbol\sigma$ and "
           r"$s_a=c_{0a}+\mathbf{c}_a\cdot\boldsymbol\sigma$, with "
           r"$P_\pm=(1\pm\hat{\mathbf d}\cdot\boldsymbol\sigma)/2$ and "
           r"$\epsilon_\pm=d_0\pm\Delta$, the sums over states of Eqs.~(8b), (8c) are")
    D.equation(r"\operatorname{Im}\operatorname{tr}(P_n v^i P_m s_a)",
               r"s_n\,\frac{" + trip + r"}{\Delta}", "projector identity")
    D.equation(r"\Omega^i_{an}", r"-s_n\,\frac{\hbar\," + trip + r"}{2\Delta^3}", "Eq. (8b)")
    D.equation(r"m^i_{an}", r"\frac{\hbar\," + trip + r"}{2\Delta^2}", "Eq. (8c)")
    D.note(r"with $s_n=-1$ ($+1$) for the lower (upper) band.")


# ---------------------------------------------------------------------------
# Part 2: concrete random model, symgrav vs eigenvector sum over states
# ---------------------------------------------------------------------------
def _random_poly(rng, p, degree=2):
    monos = sorted(sp.itermonomials(p, degree), key=sp.default_sort_key)
    # sparse: each monomial present with probability 1/2 (keeps the exact algebra quick)
    return sum(rng.choice((-3, -2, -1, 1, 2, 3)) * mono for mono in monos if rng.random() < 0.5)


def _eigenpairs(Hn):
    """Exact eigenpairs (ascending energy, normalised vectors) of a numeric 2x2 matrix."""
    pairs = []
    for val, mult, vecs in Hn.eigenvects():
        if mult != 1:
            raise AssertionError("degenerate point; pick another")
        u = vecs[0]
        u = u / sp.sqrt(sp.simplify((u.H * u)[0, 0]))
        pairs.append((val, u))
    pairs.sort(key=lambda t: float(sp.N(t[0])))
    return pairs


def _eigensum(pairs, vn, sn, hbar):
    """Omega_n and m_n of Eqs. (8b), (8c) as literal sums over eigenstates."""
    Om, mm = [], []
    for n, (en, un) in enumerate(pairs):
        tot_o = tot_m = sp.Integer(0)
        for m, (em, um) in enumerate(pairs):
            if m == n:
                continue
            x = (un.H * vn * um)[0, 0] * (um.H * sn * un)[0, 0]
            o = I * hbar * x / (en - em) ** 2
            mo = -I * hbar * x / (2 * (en - em))
            tot_o += o + sp.conjugate(o)
            tot_m += mo + sp.conjugate(mo)
        Om.append(tot_o)
        mm.append(tot_m)
    return Om, mm


def concrete_part(D, seed=20240310, npoints=2):
    import symgrav

    rng = random.Random(seed)
    p = sp.symbols("p_x p_y p_z", real=True)
    hbar = sp.Symbol("hbar", positive=True)
    d0 = _random_poly(rng, p)
    d = [_random_poly(rng, p) for _ in range(3)]
    H = _vec_sigma(d0, d)
    # a non-standard spin: s_a = (hbar/2) (r0 + r_a . sigma) with random rationals
    c = []
    spins = []
    for _ in range(3):
        r0 = sp.Rational(rng.randint(-3, 3), rng.randint(1, 3))
        r = [sp.Rational(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(3)]
        c.append([hbar / 2 * x for x in r])
        spins.append(hbar / 2 * _vec_sigma(r0, r))
    model = symgrav.Model(H, p, hbar=hbar, spin=spins)
    D.info(f"random model (seed {seed}): d0 = {d0}")
    D.info(f"  d = ({d[0]}, {d[1]}, {d[2]})")

    Delta = sp.sqrt(sum(x ** 2 for x in d))
    points = []
    while len(points) < npoints:
        pt = {q: sp.Rational(rng.randint(-7, 7), rng.randint(1, 4)) for q in p}
        if Delta.xreplace(pt) != 0:
            points.append(pt)

    eig = [_eigenpairs(H.xreplace(pt)) for pt in points]
    n_cmp = n_nonzero = 0
    checked_delta = set()
    for ka, a in enumerate(AXES):
        for ki, i in enumerate(AXES):
            Om_tk = symgrav.spin_berry_curvature(model, a, i)
            m_tk = symgrav.spin_magnetic_moment(model, a, i)
            assert len(Om_tk) == 2 and len(m_tk) == 2
            # symbolic: toolkit == closed form with this d and c.  The comparison is made
            # on the toolkit's compact form (rational in the abbreviation Delta), after
            # checking Delta^2 = d.d and that the values are the compact form with Delta
            # substituted -- cancelling sqrt(quartic)^3 directly takes minutes.
            (Dl, Dv), = Om_tk.definitions.items()
            if Dv not in checked_delta:
                if sp.expand(Dv ** 2 - sum(x ** 2 for x in d)) != 0:
                    D.check(f"symgrav Delta^2 = d.d (a={a}, i={i})", False, detail=str(Dv))
                checked_delta.add(Dv)
            t = _triple(d, [x.diff(p[ki]) for x in d], c[ka])
            for n, sg in enumerate((-1, 1)):
                for res, cf in ((Om_tk, -sg * hbar * t / (2 * Dl ** 3)),
                                (m_tk, hbar * t / (2 * Dl ** 2))):
                    subst = res.compact[n].xreplace({Dl: Dv})
                    same_values = res[n] == subst or sp.expand(res[n] - subst) == 0
                    # both sides are polynomials over a power of Delta: clear it and expand
                    if not (same_values and sp.expand((res.compact[n] - cf) * Dl ** 3) == 0):
                        D.check(f"symgrav closed form {res.quantity}, a={a}, i={i}, band {n}",
                                False, detail=f"{res.compact[n]} vs {cf}")
            # numeric-exact: toolkit == eigenvector sum over states at random points
            vsym = H.diff(p[ki])
            for pt, pairs in zip(points, eig):
                Om_ev, m_ev = _eigensum(pairs, vsym.xreplace(pt), spins[ka], hbar)
                for n in range(2):
                    for tk, ev, name in ((Om_tk[n], Om_ev[n], "Omega"), (m_tk[n], m_ev[n], "m")):
                        # s_a carries hbar and Eqs. (8b), (8c) one more: both sides ~ hbar^2
                        diff = sp.expand((tk.xreplace(pt) - ev) / hbar ** 2)
                        assert not diff.free_symbols, diff.free_symbols
                        val = sp.N(diff, 60)
                        exact = diff == 0 or sp.radsimp(sp.simplify(diff)) == 0
                        if not (abs(val) < sp.Float("1e-45") and exact):
                            D.check(f"symgrav vs eigenvectors: {name} a={a} i={i} band {n} "
                                    f"at {pt}", False, detail=f"difference {val}")
                        n_cmp += 1
                        n_nonzero += bool(abs(sp.N(sp.expand(ev / hbar ** 2), 30)) > sp.Float("1e-20"))
    D.check(f"the comparison is not vacuous: {n_nonzero} of {n_cmp} eigenvector sums are "
            "non-zero", n_nonzero >= n_cmp // 2)
    D.check("symgrav.spin_berry_curvature/spin_magnetic_moment of the random polynomial "
            "model equal the closed forms symbolically (9 (a,i) x 2 bands)", True)
    D.check(f"... and equal the sums over states of Eqs. (8b), (8c) built from SymPy "
            f"eigenvectors at {npoints} random rational momenta ({n_cmp} exact comparisons)",
            True)
    D.note(r"Independent check: for the random polynomial model with "
           r"$d_0=" + sp.latex(d0) + r"$, $\mathbf d=(" + ",\,".join(sp.latex(x) for x in d)
           + r")$ and a non-standard spin operator, \texttt{symgrav.spin\_berry\_curvature} "
           r"and \texttt{spin\_magnetic\_moment} agree exactly with the sums over "
           r"eigenvectors at " + str(npoints) + r" random rational momenta.")
    D.band_equation(r"\left(\Omega^x_{x-},\ \Omega^x_{x+}\right)",
                    symgrav.spin_berry_curvature(model, "x", "x"),
                    "example output of the toolkit for the random model")


def main(argv=None):
    args = parse_args(argv, __doc__.splitlines()[0])
    D = Derivation(__file__, "Two-band closed forms of Eqs. (8b), (8c)",
                   "Omega_n = -s_n hbar d.(d_i d x c_a)/(2 Delta^3), "
                   "m_n = hbar d.(d_i d x c_a)/(2 Delta^2) for H = d0 + d.sigma")
    generic_part(D)
    concrete_part(D)
    D.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
