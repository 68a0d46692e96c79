"""Fast unit tests of the numeric core, each against an independent reference.

These exercise the building blocks of the engine one by one -- occupations,
compiled weights, quadrature rules, root finders, Fermi-window forms, line
features, Fermi-surface sums -- in every number type (numpy float64, mpmath
mpf, gmpy2 mpfr), against closed forms and direct definitions written here
(mpmath's exp/log/quad/diff on the textbook formulas).  They are fast (the
whole file takes a few seconds), so mutation testing (tools/mutation/) can
run them for every mutant.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav import Quantity, QUANTITIES, SymgravError
from symgrav.numeric.arith import Float64, Mpf, Mpfr, mpf_to_mpfr, mpfr_to_mpf, to_mpf
from symgrav.numeric.fermi_window import fermi_window_rule, rules_for, window_moments
from symgrav.symbolic.sommerfeld import window_moment_exact
from symgrav.numeric.line_features import Line, LineFeatures, radial_extent
from symgrav.numeric.occupations import Occupations, check_statistics, cutoff
from symgrav.numeric.roots import illinois, newton
from symgrav.numeric.rules import (gauss_legendre, integrate_pieces, periodic_grid,
                                   periodic_trapezoid)
from symgrav.numeric.tanh_sinh import tanh_sinh
from symgrav.numeric.weights import QuantitySet, WeightSet, WindowForms

PREC = 133  # 40 digits
BACKENDS = [Float64(), Mpf(PREC), Mpfr(PREC)]
IDS = ["float64", "mpf", "mpfr"]


def tol(B):
    return 1e-14 if B.name == "float64" else mp.mpf(10) ** -36


def close(x, y, B, scale=1):
    return abs(mp.mpf(B.mpf(x)) - mp.mpf(y)) <= tol(B) * max(abs(mp.mpf(y)), scale)


# -- occupations: the textbook definitions, by mpmath -----------------------------------
def f_ref(xi, T, stats):
    s = 1 if stats == "fermi" else -1
    return 1 / (mp.exp(xi / T) + s)


def G_ref(xi, T, stats):
    # int_xi^inf f = T log(1 + e^{-xi/T}) (Fermi), -T log(1 - e^{-xi/T}) (Bose)
    if stats == "fermi":
        return T * mp.log(1 + mp.exp(-xi / T))
    return -T * mp.log(1 - mp.exp(-xi / T))


@pytest.mark.parametrize("B", BACKENDS, ids=IDS)
@pytest.mark.parametrize("stats", ["fermi", "bose"])
def test_occupations_against_definitions(B, stats):
    xs = ["-0.7", "-0.013", "0.0007", "0.02", "0.45"] if stats == "fermi" else \
        ["0.0007", "0.02", "0.45", "3.1"]
    with B.context():
        T = B.num("0.05")
        xi = B.array(xs).reshape(1, -1)
        occ = Occupations(B, stats, xi, T)
    with mp.workdps(50):
        for k, x in enumerate(xs):
            x, Tm = mp.mpf(x), mp.mpf("0.05")
            f, G = f_ref(x, Tm, stats), G_ref(x, Tm, stats)
            df = mp.diff(lambda y: f_ref(y, Tm, stats), x)
            above = bool(occ.above[0, k])
            assert above == (x >= 0 or stats == "bose")
            s, L, D = occ.s[0, k], occ.L[0, k], occ.D[0, k]
            if above:
                assert close(s, f, B) and close(L, G, B)
            else:  # below the Fermi level: f = 1 - s, G = L - xi
                assert close(s, 1 - f, B) and close(L, G + x, B)
            assert close(D, df, B, scale=abs(df) + 1)


@pytest.mark.parametrize("B", BACKENDS, ids=IDS)
def test_occupations_zero_temperature_and_cutoff(B):
    with B.context():
        xi = B.array(["-1", "0", "2"]).reshape(1, 3)
        occ = Occupations(B, "fermi", xi, B.num(0))
        assert occ.zero_T and list(occ.at_zero[0]) == [False, True, False]
        assert list(occ.above[0]) == [False, True, True]
        assert all(B.mpf(v) == 0 for a in (occ.s, occ.L, occ.D) for v in a.ravel())
        # beyond the cutoff the small terms are exact zeros, inside it they are not
        T = B.num("0.01")
        edge = cutoff(B) * 0.01
        far = B.array([-1.01 * edge, 1.01 * edge, 0.9 * edge]).reshape(1, 3)
        occ = Occupations(B, "fermi", far, T)
        assert B.mpf(occ.s[0, 0]) == 0 and B.mpf(occ.L[0, 1]) == 0
        assert B.mpf(occ.s[0, 2]) > 0
    assert cutoff(B) == pytest.approx((B.prec + 64) * math.log(2))


def test_bose_refuses_occupied_states_and_statistics_names():
    B = Mpf(PREC)
    with B.context():
        with pytest.raises(SymgravError, match="at or above a band bottom"):
            Occupations(B, "bose", B.array(["0.1", "-0.2"]).reshape(1, 2), B.num("0.1"))
        occ = Occupations(B, "bose", B.array(["0.1"]).reshape(1, 1), B.num(0))
        assert B.mpf(occ.s[0, 0]) == 0 and occ.at_zero is None
    assert check_statistics("FERMI") == "fermi"
    with pytest.raises(SymgravError, match="'fermi' or 'bose'"):
        check_statistics("boltzmann")


# -- compiled weights: the integrand against the weight expressions evaluated directly --
USER = (Quantity("xi2f", "xi**2*f", 0), Quantity("mixed", "G/3 - xi*df", "xi*f + T*df"),
        Quantity("dos", "-df", 0))


def direct(q, om, mm, xi, T, stats):
    """sum over bands of Omega w_Omega + m w_m with f, G, df from the definitions (mpmath)."""
    xs, T_, f_, G_, df_ = Quantity.symbols()
    total = mp.mpf(0)
    for o, m, x in zip(om, mm, xi):
        if T == 0:
            f, G, df = (mp.mpf(1) if x < 0 else mp.mpf(0) if x > 0 else mp.mpf(1) / 2,
                        -x if x < 0 else mp.mpf(0), mp.mpf(0))
        else:
            f, G = f_ref(x, T, stats), G_ref(x, T, stats)
            df = mp.diff(lambda y: f_ref(y, T, stats), x)
        sub = {xs: x, T_: T, f_: f, G_: G, df_: df}
        wo = mp.mpf(sp.N(q.omega.subs(sub), 60)) if q.omega != 0 else 0
        wm = mp.mpf(sp.N(q.moment.subs(sub), 60)) if q.moment != 0 else 0
        total += o * wo + m * wm
    return total


@pytest.mark.parametrize("B", BACKENDS, ids=IDS)
@pytest.mark.parametrize("T", ["0.03", "0"])
def test_integrand_against_weights(B, T):
    qs = QUANTITIES + USER
    om = ["0.3", "-1.1"]
    mm = ["0.7", "0.25"]
    xis = [["-0.05", "0.02"], ["0.001", "-0.4"], ["0", "0.3"]]
    with B.context():
        ws = WeightSet(qs, B)
        Tb = B.num(T)
        O = B.array(om * 3).reshape(3, 2).T
        M = B.array(mm * 3).reshape(3, 2).T
        X = B.array([x for col in xis for x in col]).reshape(3, 2).T
        vals, sizes = ws.integrand(O, M, X, Tb, Occupations(B, "fermi", X, Tb))
    with mp.workdps(50):
        Tm = mp.mpf(T)
        for p, col in enumerate(xis):
            for k, q in enumerate(qs):
                if Tm == 0 and q.name == "mixed":
                    continue  # checked below: T df has a T = 0 limit (0)
                ref = direct(q, [mp.mpf(o) for o in om], [mp.mpf(m) for m in mm],
                             [mp.mpf(x) for x in col], Tm, "fermi")
                assert close(vals[k, p], ref, B, scale=1e-3), (q.name, p, T)
                assert B.mpf(sizes[k, p]) >= abs(B.mpf(vals[k, p])) * (1 - 1e-12)


def test_zero_temperature_forms_and_delta_terms():
    B = Mpf(PREC)
    ws = WeightSet(QUANTITIES + USER, B)
    # (Omega, m) coefficients of -delta(xi) at T = 0: only dos (-df) has one
    assert [(B.mpf(a), B.mpf(b)) for a, b in ws.delta] == \
        [(0, 0)] * 7 + [(-1, 0)]
    assert ws.has_delta and ws.zero_T_error is None
    bad = WeightSet((Quantity("inv", "f/T", 0),), B)
    assert bad.zero_T_error is not None and not bad.has_delta
    # the T = 0 value of T beta's weight is computed: xi theta(-xi) + G = 0 at every xi
    with B.context():
        X = B.array(["-0.3", "0.2", "0"]).reshape(1, 3)
        vals, _ = ws.integrand(B.array(["1"] * 3).reshape(1, 3), B.array(["1"] * 3).reshape(1, 3),
                               X, B.num(0), Occupations(B, "fermi", X, B.num(0)))
    names = [q.name for q in QUANTITIES + USER]
    assert [B.mpf(v) for v in vals[names.index("T_beta")]] == [0, 0, 0]
    assert [B.mpf(v) for v in vals[names.index("alpha")]] == [1, 0, mp.mpf(1) / 2]
    # M: -G theta Omega + f m = xi + 1 below mu (0.7), 0 above, f(0) = 1/2 at mu
    got = [B.mpf(v) for v in vals[names.index("mqm")]]
    assert abs(got[0] - mp.mpf("0.7")) < mp.mpf(10) ** -38 and got[1:] == [0, mp.mpf(1) / 2]


def test_quantity_set_surface_only():
    assert QuantitySet((symgrav.symbolic.quantities.DALPHA_DMU,)).surface_only
    assert not QuantitySet(QUANTITIES).surface_only
    assert not QuantitySet((Quantity("inv", "f/T", 0),)).surface_only


# -- Fermi-window forms: X = sum C Z + < sum P I - sum c D > ----------------------------
def test_window_forms_by_hand():
    """For (a f + b G + c df) the coefficients follow from f = <theta>, G = <(y - xi) theta>."""
    B = Mpf(PREC)
    qs = QUANTITIES + (Quantity("xi2f", "xi**2*f", 0), Quantity("Tdf", "T*xi*df", "G"))
    wf = WindowForms(qs, B)
    assert wf.applies
    with B.context():
        y, T = B.num("0.003"), B.num("0.01")
        node = wf.node(y, T)
        const = wf.constant(T)
    # series (g, l) and the per-quantity coefficients
    index = {gl: k for k, gl in enumerate(wf.series)}
    dens = {g: len(wf.series) + k for k, g in enumerate(wf.densities)}
    cidx = {gl: k for k, gl in enumerate(wf.constants)}

    def P(q, g, l):
        return node[q][index[g, l]] if (g, l) in index else 0

    def C(q, g, l):
        return const[q][cidx[g, l]] if (g, l) in cidx else 0

    y_, T_ = mp.mpf("0.003"), mp.mpf("0.01")
    pi2 = mp.pi ** 2 / 3  # <x^2>
    # alpha: P_00 = 1, C_00 = 1
    assert P(0, 0, 0) == 1 and C(0, 0, 0) == 1
    # T beta~: xi f on Omega -> P_01 = 1 (P_00 = y - y = 0); f on m -> P_10 = 1
    assert P(1, 0, 0) == 0 and P(1, 0, 1) == 1 and P(1, 1, 0) == 1
    # M: -G -> a - b u = u: P_00 = -y, P_01 = 1, C_00 = <-T x> = 0
    assert abs(B.mpf(P(2, 0, 0)) + y_) < 1e-38 and P(2, 0, 1) == 1 and C(2, 0, 0) == 0
    # M~: density term c = y on m
    assert abs(B.mpf(node[3][dens[1]]) - y_) < 1e-38
    # T beta: P_00 = y, its constant part <T x> = 0
    assert abs(B.mpf(P(4, 0, 0)) - y_) < 1e-38 and C(4, 0, 0) == 0
    # xi^2 f: P_02 = 1, C_02 = 1; C_00 = <y^2>?  no: xi^2 f -> (y + u)^2 -> P_00 = y^2 - 2y y + y^2
    assert P(5, 0, 2) == 1 and C(5, 0, 2) == 1
    assert abs(B.mpf(P(5, 0, 0))) < 1e-38 and abs(B.mpf(P(5, 0, 1))) < 1e-38
    # T xi df on Omega: c = T y; G = <-(xi - y) theta> on m: A_1 = -1, so
    # P_10 = (-y) A_1 = y, P_11 = -1, C_10 = <T x> = 0, C_11 = -1
    assert abs(B.mpf(node[6][dens[0]]) - T_ * y_) < 1e-38
    assert abs(B.mpf(P(6, 1, 0)) - y_) < 1e-38 and P(6, 1, 1) == -1
    assert C(6, 1, 1) == -1 and C(6, 1, 0) == 0
    # a quadratic coefficient: y^2 f gives C_00 = <T^2 x^2> = T^2 pi^2/3
    wf2 = WindowForms((Quantity("y2", "T**2*f", 0),), B)
    with B.context():
        c00 = wf2.constant(B.num("0.01"))[0][0]
    assert abs(B.mpf(c00) - T_ ** 2) < 1e-38  # T^2 f: no y, constant T^2
    assert window_moment_exact(2) == sp.pi ** 2 / 3 and window_moment_exact(3) == 0
    assert window_moment_exact(4) == 7 * sp.pi ** 4 / 15
    assert pi2 > 3


def test_window_forms_refuse_nonlinear_weights():
    wf = WindowForms((Quantity("ff", "f**2", 0),), Mpf(PREC))
    assert not wf.applies and "not linear" in wf.reason
    wf = WindowForms((Quantity("r", "f/(1 + xi**2)", 0),), Mpf(PREC))
    assert not wf.applies and "polynomial" in wf.reason


def test_window_rules_for_precision():
    assert rules_for(15) == (8, 12, 16, 20) and rules_for(30) == (12, 16, 24, 32)
    with mp.workdps(30):
        xs, ws = fermi_window_rule(8)
        mom = window_moments(16)
        for j in range(16):
            assert abs(mp.fsum(w * x ** j for x, w in zip(xs, ws)) - mom[j]) < \
                mp.mpf(10) ** -25 * max(1, mom[j])


# -- quadrature rules against closed forms ------------------------------------------------
def vec(*funs):
    def fun(t):
        vals = np.array([[f(x) for x in t] for f in funs], dtype=object)
        return vals, np.abs(vals)
    return fun


@pytest.mark.parametrize("B", BACKENDS, ids=IDS)
def test_integrate_pieces_closed_forms(B):
    with B.context():
        exp = (np.exp if B.name == "float64" else np.frompyfunc(
            mp.exp if B.name == "mpf" else __import__("gmpy2").exp, 1, 1))

        def fun(t):
            vals = np.array([t ** 3, exp(-t), 1 / (1 + t * t)], dtype=object)
            return vals, np.abs(vals)
        pts = [B.num(0), B.num("0.5"), B.num(2)]
        vals, sizes = integrate_pieces(fun, pts, 3, B.num(10) ** -(B.dps - 3), B)
    exact = [mp.mpf(4), 1 - mp.exp(-2), mp.atan(2)]
    for v, e in zip(vals, exact):
        assert close(v, e, B)
    assert close(sizes[0], exact[0], B)
    x, w = gauss_legendre(B, 3)
    assert len(x) == 12 and close(np.sum(w), 2, B)


def test_integrate_pieces_gives_up_on_a_singularity():
    B = Mpf(PREC)
    with B.context(), pytest.raises(SymgravError, match="did not reach"):
        integrate_pieces(vec(lambda t: 1 / mp.sqrt(abs(t - mp.mpf("0.3")))),
                         [B.num(0), B.num(1)], 1, mp.mpf(10) ** -30, B, max_pieces=60)


@pytest.mark.parametrize("B", BACKENDS, ids=IDS)
def test_periodic_rules_closed_forms(B):
    """int_{-pi}^{pi} e^{cos t} dt = 2 pi I0(1); the product rule in 2D gives its square."""
    with B.context():
        def one(t):
            v = np.asarray(B.exp(B.cos(t))).reshape(1, -1)
            return v, v

        def two(K):
            v = np.asarray(B.exp(B.cos(K[0]) + B.cos(K[1]))).reshape(1, -1)
            return v, v
        eps = B.num(10) ** -(B.dps - 3)
        v1, _ = periodic_trapezoid(one, 1, eps, B)
        v2, _ = periodic_grid(two, 2, 1, eps, B)
    with mp.workdps(50):
        I0 = 2 * mp.pi * mp.besseli(0, 1)
        assert close(v1[0], I0, B) and close(v2[0], I0 ** 2, B)


def test_periodic_trapezoid_refuses_a_kink():
    """|sin t - 1/3| has kinks between the nodes: the trapezoid rule converges like 1/n^2."""
    B = Mpf(PREC)
    with B.context(), pytest.raises(SymgravError, match="did not converge"):
        periodic_trapezoid(vec(lambda t: abs(mp.sin(t) - mp.mpf(1) / 3)), 1,
                           mp.mpf(10) ** -30, B, max_nodes=256)
    with B.context(), pytest.raises(SymgravError, match="per dimension"):
        periodic_grid(lambda K: vec(lambda t: abs(mp.sin(t) - mp.mpf(1) / 3))(K[0]), 2, 1,
                      mp.mpf(10) ** -30, B, max_nodes=64)


def test_tanh_sinh_endpoint_singularity():
    B = Mpf(PREC)
    with B.context():
        vals, mags = tanh_sinh(vec(lambda s: mp.sqrt(1 - s), lambda s: mp.log(s)),
                               mp.mpf(0), mp.mpf(1), 2, mp.mpf(10) ** -30, B)
        assert abs(vals[0] - mp.mpf(2) / 3) < mp.mpf(10) ** -30
        assert abs(vals[1] + 1) < mp.mpf(10) ** -30
        assert abs(mags[1] - 1) < mp.mpf(10) ** -30


# -- root finders ---------------------------------------------------------------------------
@pytest.mark.parametrize("B", BACKENDS, ids=IDS)
def test_newton_and_illinois(B):
    """Roots of x^3 - c (c = 2, 5, 0.3) and of cos x - x, bracketed."""
    with B.context():
        c = B.array(["2", "5", "0.3"])
        a, b = B.array(["0", "1", "0"]), B.array(["2", "2", "1"])
        fa = a ** 3 - c
        root = newton(lambda x, i: (x ** 3 - c[i], 3 * x ** 2), a, b, fa,
                      B.array(["5", "1.5", "0.5"]), B.num(2) ** -(B.prec - 8))
        fb = b ** 3 - c
        root2 = illinois(lambda x, i: x ** 3 - c[i], a, b, fa, fb, B.num(2) ** -(B.prec - 8))
        cos = np.cos if B.name == "float64" else np.frompyfunc(mp.cos, 1, 1)
        one = illinois(lambda x, i: cos(x) - x, B.array(["0"]), B.array(["1"]),
                       B.array(["1"]), B.array([mp.cos(1) - 1]), B.num(2) ** -(B.prec - 8))
    with mp.workdps(50):
        for r, r2, cc in zip(root, root2, ("2", "5", "0.3")):
            assert close(r, mp.cbrt(mp.mpf(cc)), B) and close(r2, mp.cbrt(mp.mpf(cc)), B)
        assert close(one[0], mp.findroot(lambda x: mp.cos(x) - x, 0.7), B)


# -- conversions -------------------------------------------------------------------------
def test_conversions_exact():
    with mp.workprec(200):
        x = mp.mpf(1) / 3
        B = Mpfr(200)
        with B.context():
            assert mpfr_to_mpf(mpf_to_mpfr(x)) == x
            assert mpfr_to_mpf(mpf_to_mpfr(-x)) == -x
        assert to_mpf("1/3", "v") == x and to_mpf(sp.Rational(1, 3)) == x
        assert to_mpf("0.1") == mp.mpf("0.1")
    for bad in ("abc", True, None, "inf", float("nan"), sp.I):
        with pytest.raises(SymgravError):
            to_mpf(bad, "v")
    assert Float64().rational(1, 4) == 0.25
    with mp.workprec(60):
        assert Mpf(60).rational(1, 3) == mp.mpf(1) / 3


# -- line features and the Fermi-surface sum: Rashba closed forms --------------------------
@pytest.fixture(scope="module")
def rashba():
    model = symgrav.load_model("rashba")
    return symgrav.Susceptibilities(model, {**model.defaults, "b": "0.5"}, dps=30)


def test_fermi_points_and_extremum_of_rashba(rashba):
    """eps_- = p^2/2 - sqrt(p^2 + b^2): ring minimum at p = sqrt(1 - b^2), energy -(1 + b^2)/2;
    Fermi momenta from (Delta^2 - b^2)/2 - Delta = mu: Delta = 1 -+ r, r = sqrt(1 + b^2 + 2 mu)."""
    S, B = rashba, rashba.backend
    b, mu = mp.mpf("0.5"), mp.mpf("-0.55")
    with B.context():
        line = Line((0, 0), (1, 0), 1, power=1)
        feats = LineFeatures(S.bands, line, B.num(mu), B.num(mp.mpf(10) ** -40), B)
        r = mp.sqrt(1 + b * b + 2 * mu)
        kf = sorted(mp.sqrt((1 + s * r) ** 2 - b * b) for s in (-1, 1))
        got = sorted(B.mpf(t) for t, n, _ in feats.fermi)
        assert [n for _, n, _ in feats.fermi] == [0, 0]
        assert all(abs(g - k) < mp.mpf(10) ** -35 for g, k in zip(got, kf))
        (t, n, e), = feats.extrema
        assert n == 0 and abs(B.mpf(t) - mp.sqrt(1 - b * b)) < mp.mpf(10) ** -18
        assert abs(B.mpf(e) + (1 + b * b) / 2) < mp.mpf(10) ** -35
        # beyond |p| = 2 every band lies above mu + 0.1 (eps_-(2) = 2 - sqrt(4.25)),
        # not beyond 1 (eps_-(1) = 1/2 - sqrt(1.25) < mu + 0.1)
        hi = radial_extent(S.bands, line, mu, mp.mpf("0.1"))
        assert hi == 2
        pts = feats.breakpoints(B.num("0.001"), B.num(mu), B.num("0.05"))
        assert pts[0] == 0 and B.mpf(pts[-1]) == B.mpf(feats.hi) and len(pts) > 10
        # graded towards each Fermi point: the nearest breakpoints are T/|v_F| away
        for t, _, v in feats.fermi:
            gaps = sorted(abs(B.mpf(p - t)) for p in pts if p != t)
            assert abs(gaps[0] - mp.mpf("0.001") / abs(B.mpf(v))) < mp.mpf(10) ** -30


def test_dalpha_dmu_against_closed_form(rashba):
    """d alpha0/d mu of the hand-derived alpha0(mu) (tests/rashba_reference.py) at three regimes."""
    from rashba_reference import alpha0
    b = mp.mpf("0.5")
    for mu in ("-0.55", "0.2", "0.9"):
        with mp.workdps(50):
            ref = mp.diff(lambda m: alpha0(m, b), mp.mpf(mu))
        got = rashba.dalpha_dmu(mu)
        assert abs(got - ref) < mp.mpf(10) ** -28 * abs(ref), mu
    # the band edge at p = 0 (mu = -b in the hat, b < 1): mean of the one-sided slopes
    with mp.workdps(50):
        left = mp.diff(lambda m: alpha0(m, b), -b - mp.mpf(10) ** -20, direction=-1)
        right = mp.diff(lambda m: alpha0(m, b), -b + mp.mpf(10) ** -20, direction=1)
    assert abs(rashba.dalpha_dmu(-b) - (left + right) / 2) < mp.mpf(10) ** -15


def test_routes_and_errors(rashba):
    ev = rashba.evaluate("0.0", "0.001")
    assert ev.route == "window" and ev.decisions[-1].name == "window"
    assert [d.name for d in rashba.explain("0.3", "0")] == ["window", "graded", "bz_lines",
                                                            "bz_grid", "bz_planes",
                                                            "fermi_surface", "closed_form"]
    with pytest.raises(SymgravError, match="temperature must be >= 0"):
        rashba.evaluate(0, "-1e-3")
    with pytest.raises(SymgravError, match="route must be"):
        symgrav.Susceptibilities(rashba.model, rashba.params, route="fast")
    with pytest.raises(SymgravError, match="dps must be"):
        symgrav.Susceptibilities(rashba.model, rashba.params, dps="single")
    with pytest.raises(SymgravError, match="unique"):
        symgrav.Susceptibilities(rashba.model, rashba.params, quantities=USER[:1] * 2)


# -- band data: the sum over states of Eqs. (8b), (8c) against numpy, written here ---------
def _three_band():
    """A coupled 3x3 model (no closed form: the numeric sum over states) with spin-1 matrices."""
    kx, ky = sp.symbols("k_x k_y", real=True)
    H = sp.Matrix([[sp.cos(kx), sp.sin(ky) / 2, sp.Rational(3, 10)],
                   [sp.sin(ky) / 2, 1 + sp.cos(ky) / 3, sp.sin(kx) / 4 - sp.I * sp.sin(ky) / 5],
                   [sp.Rational(3, 10), sp.sin(kx) / 4 + sp.I * sp.sin(ky) / 5, -1 + sp.cos(kx)]])
    r = 1 / sp.sqrt(2)
    Sx = sp.Matrix([[0, r, 0], [r, 0, r], [0, r, 0]])
    Sy = sp.Matrix([[0, -sp.I * r, 0], [sp.I * r, 0, -sp.I * r], [0, sp.I * r, 0]])
    Sz = sp.diag(1, 0, -1)
    model = symgrav.Model(H, [kx, ky], spin=[Sx, Sy, Sz], lattice=True, name="three")
    Hn = sp.lambdify([kx, ky], H, "numpy")
    dHn = sp.lambdify([kx, ky], H.diff(kx), "numpy")
    Sn = np.array(sp.matrix2numpy(Sx, dtype=complex))
    return model, Hn, dHn, Sn


def _sum_over_states_ref(Hn, dHn, Sn, k):
    """Omega_n = -2 sum_m Im(v_nm s_mn)/(e_n - e_m)^2, m_n = sum_m Im(v_nm s_mn)/(e_n - e_m)."""
    E, U = np.linalg.eigh(np.array(Hn(*k), dtype=complex))
    v = U.conj().T @ np.array(dHn(*k), dtype=complex) @ U
    s = U.conj().T @ Sn @ U
    om = np.zeros(3)
    mm = np.zeros(3)
    for n in range(3):
        for m in range(3):
            if m != n:
                x = np.imag(v[n, m] * s[m, n])
                om[n] += -2 * x / (E[n] - E[m]) ** 2
                mm[n] += x / (E[n] - E[m])
    grad = np.real(np.diag(v))
    return E, grad, om, mm


@pytest.mark.parametrize("kind", ["float64", "mpf"])
def test_sum_over_states_against_numpy(kind):
    model, Hn, dHn, Sn = _three_band()
    bd = symgrav.numeric_geometry(model, {}, "x", "x", dps=30)
    assert not bd.closed_form
    ks = [(0.3, -1.1), (2.0, 0.7), (-0.4, 2.9)]
    B = Float64() if kind == "float64" else Mpf(PREC)
    with B.context():
        K = [B.array([k[0] for k in ks]), B.array([k[1] for k in ks])]
        eps, grads, om, mm = bd.evaluate(B, K)
    for q, k in enumerate(ks):
        E, g, o, m = _sum_over_states_ref(Hn, dHn, Sn, k)
        for n in range(3):
            for got, want in ((eps[n, q], E[n]), (grads[n, 0, q], g[n]), (om[n, q], o[n]),
                              (mm[n, q], m[n])):
                assert abs(float(got) - want) < 1e-11 * (1 + abs(want))
    # the single-point form (mpf lists) and the double-precision scan agree too
    with mp.workdps(30):
        e1, g1, o1, m1 = bd.at((mp.mpf("0.3"), mp.mpf("-1.1")))
    E, g, o, m = _sum_over_states_ref(Hn, dHn, Sn, ks[0])
    assert max(abs(float(a) - b) for a, b in zip(o1, o)) < 1e-11
    e2, g2 = bd.energies([np.array([0.3]), np.array([-1.1])])
    assert np.allclose(e2[:, 0], E, atol=1e-13) and np.allclose(g2[:, 0, 0], g, atol=1e-12)
    # the sum rule sum_n Omega_n = 0 (Eq. 8b is antisymmetric in n, m up to the gap squared)
    assert abs(sum(float(x) for x in o1)) < 1e-12


def test_degenerate_point_takes_the_projector_form():
    """Two bands meet at k = 0 (coupled by v and s).  There the two form one subspace A:
    each gets half of -2 Im tr(P_A v P_B s)/(E_A - E_B)^2 (the projector form of
    PHYSICS.md), computed here from the matrices without symgrav; away from k = 0 the
    plain sums over states hold."""
    kx = sp.Symbol("k_x", real=True)
    sk = sp.sin(kx)
    # a coupled 3x3 block (numeric route) whose two lower bands meet at k = 0
    H = sp.Matrix([[0, sk, sk / 10], [sk, 0, 0], [sk / 10, 0, 5]])
    sy = sp.Matrix([[0, -sp.I, -sp.I], [sp.I, 0, 0], [sp.I, 0, 0]])   # couples A and B too
    model = symgrav.Model(H, [kx], spin=[sy, sy, sy], lattice=True)
    bd = symgrav.numeric_geometry(model, {}, "x", "x", dps=20)
    assert not bd.closed_form
    # at k = 0: H = diag(0, 0, 5); v = dH/dk; subspace A = the two zero-energy states
    v = np.array([[0, 1, 0.1], [1, 0, 0], [0.1, 0, 0]], dtype=complex)
    s = np.array(sy.tolist(), dtype=complex)
    PA, PB = np.diag([1.0, 1.0, 0.0]), np.diag([0.0, 0.0, 1.0])
    omA = -2 * np.imag(np.trace(PA @ v @ PB @ s)) / (0 - 5) ** 2
    mA = np.imag(np.trace(PA @ v @ PB @ s)) / (0 - 5)
    omB = -2 * np.imag(np.trace(PB @ v @ PA @ s)) / (5 - 0) ** 2
    mB = np.imag(np.trace(PB @ v @ PA @ s)) / (5 - 0)
    assert omA != 0 and mA != 0
    for B in (Float64(), Mpf(80)):
        with B.context():
            eps, _, om, mm = bd.evaluate(B, [B.array([0])])
        got = [float(B.mpf(x)) for x in list(om[:, 0]) + list(mm[:, 0])]
        assert got == pytest.approx([omA / 2, omA / 2, omB, mA / 2, mA / 2, mB], abs=1e-12)
        with B.context():  # away from k = 0 the bands are split and the values finite
            eps, _, om, _ = bd.evaluate(B, [B.array(["0.3"])])
        assert all(mp.isfinite(B.mpf(x)) for x in om[:, 0])


def test_si_scale_model_is_refused():
    """The Rashba model in SI numbers (momenta ~1e-25 kg m/s): refused with the reason."""
    model = symgrav.load_model("rashba")
    params = {"hbar": "1.054571817e-34", "m": "9.1e-32", "alpha": "6e5", "b": "3e-21"}
    S = symgrav.Susceptibilities(model, params, dps=15)
    with pytest.raises(SymgravError, match="momentum scale"):
        S.alpha("1e-21", 0)


def test_explain_reasons():
    """The reasons, without computing (evaluate=False) and after computing, at T = 0 and T > 0."""
    model = symgrav.load_model("rashba")
    S = symgrav.Susceptibilities(model, model.defaults, dps=20)
    static = {d.name: d for d in S.explain("0.1", "0", evaluate=False)}
    assert static["window"].reason == "T = 0 (no thermal window to average over)"
    assert static["graded"].applies and static["graded"].reason == "may apply (not evaluated)"
    assert static["bz_lines"].reason == "continuum model (rays: graded)"
    assert static["fermi_surface"].reason.startswith("the quantities have Fermi-sea parts")
    hot = {d.name: d for d in S.explain("0.0", "0.001")}
    assert hot["window"].applies and hot["window"].reason == "applies"
    assert hot["graded"].reason == "applies (not needed: window was taken first)"
    assert hot["fermi_surface"].reason == "T > 0 (the Fermi-surface sum is the T = 0 limit)"


def test_mott_value_in_both_number_types():
    """(21): pi^2 T^2 / 3 times d alpha0/d mu of the hand-derived closed form."""
    from rashba_reference import alpha0
    model = symgrav.load_model("rashba")
    with mp.workdps(40):
        b, mu, T = mp.mpf("0.5"), mp.mpf("0.2"), mp.mpf("0.001")
        want = mp.pi ** 2 * T ** 2 / 3 * mp.diff(lambda m: alpha0(m, b), mu)
    for dps, rel in ((20, mp.mpf(10) ** -18), ("double", 1e-12)):
        S = symgrav.Susceptibilities(model, {**model.defaults, "b": "0.5"}, dps=dps)
        with mp.workdps(40):
            assert abs(S.mott("0.2", "0.001") - want) < rel * abs(want), dps
        assert S.mott("0.2", 0) == 0


def _moment_sea(mu, b):
    """Z_m(mu) = sum_n int p dp/(2 pi) m theta(mu - eps) = (b/8 pi) sum ln(Delta) over the occupied
    Delta intervals of tests/rashba_reference.py (m = b/(4 Delta^2), p dp = Delta dDelta)."""
    disc = 1 + b * b + 2 * mu
    if disc <= 0:
        return mp.mpf(0)
    r = mp.sqrt(disc)
    total = mp.mpf(0)
    for a, c in ((max(b, 1 - r), 1 + r), (b, max(b, r - 1))):
        if c > a:
            total += mp.log(c / a)
    return b / (8 * mp.pi) * total


def test_moment_density_at_a_band_edge():
    """A weight (0, -df): at T = 0 the density sum_n int m delta(mu - eps); at mu = -b (b < 1) a
    band edge sits at p = 0, where the engine takes the mean of the one-sided slopes of Z_m."""
    model = symgrav.load_model("rashba")
    q = Quantity("mdos", 0, "-df")
    S = symgrav.Susceptibilities(model, {**model.defaults, "b": "0.5"}, dps=25, quantities=[q])
    b = mp.mpf("0.5")
    with mp.workdps(40):
        h = mp.mpf(10) ** -12
        left = (_moment_sea(-b, b) - _moment_sea(-b - h, b)) / h
        right = (_moment_sea(-b + h, b) - _moment_sea(-b, b)) / h
        regular = mp.diff(lambda m: _moment_sea(m, b), mp.mpf("0.2"))
    assert abs(left - right) > mp.mpf("1e-3") * abs(left)  # a genuine kink
    got = S.evaluate(-b, 0)["mdos"]
    assert abs(got - (left + right) / 2) < mp.mpf(10) ** -9 * abs(got)
    assert abs(S.evaluate("0.2", 0)["mdos"] - regular) < mp.mpf(10) ** -22 * abs(regular)


def test_tanh_sinh_fine_ends_and_failure():
    """Abscissae near the ends go to ``fine`` (twice the precision); a divergence is reported."""
    B = Mpf(PREC)
    calls = []

    def fine(xs):
        calls.append(mp.mp.prec)
        vals = np.array([[mp.sqrt(1 - x) for x in xs]], dtype=object)
        return vals, np.abs(vals)
    with B.context():
        vals, _ = tanh_sinh(vec(lambda s: mp.sqrt(1 - s)), mp.mpf(0), mp.mpf(1), 1,
                            mp.mpf(10) ** -30, B, fine=fine)
        assert abs(vals[0] - mp.mpf(2) / 3) < mp.mpf(10) ** -30
    assert calls and all(p == 2 * PREC for p in calls)
    with B.context(), pytest.raises(SymgravError,
                                    match="tanh-sinh rule did not converge across a Fermi-surface"):
        tanh_sinh(vec(lambda s: 1 / s), mp.mpf(0), mp.mpf(1), 1, mp.mpf(10) ** -30, B,
                  max_level=3)


def test_window_route_temperature_dependent_weights():
    """(T^2 f, 0) is T^2 alpha: its Fermi-window constant part C_00(T) = T^2 depends on T;
    checked against T^2 times the hand-derived closed-form alpha (tests/rashba_reference.py)."""
    from rashba_reference import reference
    model = symgrav.load_model("rashba")
    q = Quantity("T2alpha", "T**2*f", 0)
    S = symgrav.Susceptibilities(model, {**model.defaults, "b": "0.5"}, dps=25, quantities=[q])
    ev = S.evaluate("0.0", "0.001")
    assert ev.route == "window"
    with mp.workdps(40):
        T = mp.mpf("0.001")
        want = T ** 2 * reference(mp.mpf(0), T, mp.mpf("0.5"))["alpha"]
        assert abs(ev["T2alpha"] - want) < mp.mpf(10) ** -24 * abs(want)


def test_split_bands_are_not_mistaken_for_degenerate():
    """A gap of 1e-15 is a split pair at dps 30 (the threshold is 10^-(working dps / 2)):
    finite values, equal to the two-level closed form |Omega| = 2 |Im(v s)| / gap^2."""
    kx = sp.Symbol("k_x", real=True)
    g = sp.Rational(1, 10 ** 15)
    H = sp.Matrix([[g / 2, kx / 100, 0], [kx / 100, -g / 2, 0], [0, 0, 5]]) + \
        sp.Matrix([[0, 0, kx / 50], [0, 0, 0], [kx / 50, 0, 0]])
    sy = sp.Matrix([[0, -sp.I, 0], [sp.I, 0, 0], [0, 0, 0]])
    model = symgrav.Model(H, [kx], spin=[sy, sy, sy], lattice=True)
    bd = symgrav.numeric_geometry(model, {}, "x", "x", dps=40)
    assert not bd.closed_form
    B = Mpf(mp.libmp.dps_to_prec(40))
    with B.context():
        _, _, om, _ = bd.evaluate(B, [B.array([0])])
        # at k = 0: the 2x2 block g/2 sigma_z, v = sigma_x / 100, s = sigma_y: Im(v_01 s_10) = 1/100
        want = 2 * (mp.mpf(1) / 100) / mp.mpf(10) ** -30
        assert abs(abs(B.mpf(om[0, 0])) - want) < mp.mpf(10) ** -20 * want


def test_band_bottom_at_mu_in_three_dimensions():
    """An isotropic 3D model with its band bottom at p = 0 exactly at mu: the Fermi-surface
    term there vanishes (the measure p^2 dp), d alpha/d mu is 0 (Omega = 0 here)."""
    px, py, pz = sp.symbols("p_x p_y p_z", real=True)
    H = (px ** 2 + py ** 2 + pz ** 2) / 2 * sp.eye(2) + sp.Rational(1, 2) * sp.diag(1, -1)
    S = symgrav.Susceptibilities(symgrav.Model(H, [px, py, pz]), {}, dps=20,
                                 quantities=[Quantity("dos", "-df", 0)])
    assert S.isotropic
    assert S.dalpha_dmu("-0.5") == 0
    assert S.evaluate("-0.5", 0)["dos"] == 0


def test_van_hove_point_gives_an_infinite_density_only_where_it_enters():
    """At the ring minimum of eps_- (mu = -(1 + b^2)/2) the Fermi velocity vanishes on a circle:
    the density (-df, 0) diverges; the Fermi-sea quantities stay finite (here 0: nothing is
    occupied below the minimum)."""
    model = symgrav.load_model("rashba")
    S = symgrav.Susceptibilities(model, {**model.defaults, "b": "0.5"}, dps=20,
                                 quantities=[Quantity("dos", "-df", 0)])
    ev = S.evaluate("-0.625", 0)
    assert ev["dos"] == mp.inf
    assert ev["alpha"] == 0 and ev["mqm"] == 0


def test_block_model_closed_forms_against_numpy():
    """A 2x2 + 1x1 block model whose spin couples the blocks: the closed forms of (8b), (8c) and
    (24a, b) use the band projectors of the 2x2 block across blocks; checked against a numpy
    sum over states written here."""
    kx, ky = sp.symbols("k_x k_y", real=True)
    H = sp.Matrix([[kx ** 2 / 2 + 1, kx - sp.I * ky, 0],
                   [kx + sp.I * ky, kx ** 2 / 2 - 1, 0],
                   [0, 0, ky ** 2 / 3 + sp.Rational(1, 4)]])
    S = [sp.Matrix([[0, 0, 1], [0, 1, sp.I / 2], [1, -sp.I / 2, 0]]),
         sp.Matrix([[1, 0, -sp.I], [0, 0, 1], [sp.I, 1, -1]]),
         sp.diag(1, -1, 0)]
    model = symgrav.Model(H, [kx, ky], spin=S, name="block")
    with pytest.warns(symgrav.SymgravWarning, match="block by block"):
        energies = sp.lambdify([kx, ky], list(symgrav.bands(model)), "numpy")
    Hn = sp.lambdify([kx, ky], H, "numpy")

    def order(k, E):
        """numpy's index of each closed-form band (the closed forms list them block by block)."""
        return [int(np.argmin(np.abs(E - e))) for e in energies(*k)]
    dHn = [sp.lambdify([kx, ky], H.diff(k), "numpy") for k in (kx, ky)]
    for a, ai in (("x", 0), ("y", 1)):
        om = symgrav.spin_berry_curvature(model, a, "x")
        mm = symgrav.spin_magnetic_moment(model, a, "x")
        assert om.equation == "8b" and mm.equation == "8c"
        f_om = sp.lambdify([kx, ky], list(om), "numpy")
        f_mm = sp.lambdify([kx, ky], list(mm), "numpy")
        Sn = np.array(sp.matrix2numpy(S[ai], dtype=complex))
        for k in ((0.4, -0.3), (1.3, 0.8)):
            E, U = np.linalg.eigh(np.array(Hn(*k), dtype=complex))
            v = U.conj().T @ np.array(dHn[0](*k), dtype=complex) @ U
            s = U.conj().T @ Sn @ U
            for c, n in enumerate(order(k, E)):
                x = [np.imag(v[n, m] * s[m, n]) for m in range(3)]
                ref_om = sum(-2 * x[m] / (E[n] - E[m]) ** 2 for m in range(3) if m != n)
                ref_mm = sum(x[m] / (E[n] - E[m]) for m in range(3) if m != n)
                assert abs(complex(f_om(*k)[c]) - ref_om) < 1e-12 * (1 + abs(ref_om)), (a, k, n)
                assert abs(complex(f_mm(*k)[c]) - ref_mm) < 1e-12 * (1 + abs(ref_mm)), (a, k, n)
    # Eq. (24a, b) in the plane of the two momenta: numpy sum over states with A, B = dH/dk
    bc = symgrav.berry_curvature(model, "x", "y")
    mc = symgrav.magnetic_moment(model, "x", "y")
    assert bc.equation == "24a" and mc.equation == "24b"
    assert bc.quantity == "Omega_param" and mc.quantity == "m_param"
    f_bc = sp.lambdify([kx, ky], list(bc), "numpy")
    f_mc = sp.lambdify([kx, ky], list(mc), "numpy")
    k = (0.4, -0.3)
    E, U = np.linalg.eigh(np.array(Hn(*k), dtype=complex))
    A = U.conj().T @ np.array(dHn[0](*k), dtype=complex) @ U
    Bm = U.conj().T @ np.array(dHn[1](*k), dtype=complex) @ U
    for c, n in enumerate(order(k, E)):
        x = [np.imag(A[n, m] * Bm[m, n]) for m in range(3)]
        ref_bc = sum(-2 * x[m] / (E[n] - E[m]) ** 2 for m in range(3) if m != n)
        ref_mc = sum(x[m] / (E[n] - E[m]) for m in range(3) if m != n)
        assert abs(complex(f_bc(*k)[c]) - ref_bc) < 1e-12 * (1 + abs(ref_bc))
        assert abs(complex(f_mc(*k)[c]) - ref_mc) < 1e-12 * (1 + abs(ref_mc))


def test_quantity_dimensions_units_and_exact_weights():
    """Energy dimension n of hbar L^(1-d) E^n: Omega ~ hbar L/E, m ~ hbar L, xi, T, G ~ E, df ~ 1/E."""
    assert [q.energy_power for q in QUANTITIES] == [-1, 0, 0, 0, 0]
    assert symgrav.symbolic.quantities.DALPHA_DMU.energy_power == -2
    cases = {("xi**2*f", 0): 1, (0, "xi*f"): 1, ("G", 0): 0, (0, "f"): 0, ("df", 0): -2,
             ("xi*f", "f"): 0, ("f", "f"): None, ("xi**2*f + f", 0): None, (0, "f + xi*f"): None}
    for (wo, wm), n in cases.items():
        assert Quantity("q", wo, wm).energy_power == n, (wo, wm)
    assert QUANTITIES[0].unit == "hbar L^(1-d) E^-1 q"
    assert QUANTITIES[2].unit == "hbar L^(1-d)"
    assert Quantity("q", "xi**2*f", 0).unit == "hbar L^(1-d) E^1"
    assert Quantity("q", "f", "f").unit.startswith("natural units (weights of mixed")
    # binary floats become the exact rationals they are
    q = Quantity("half", sp.Float(0.5) * Quantity.symbols()[2], 0)
    assert q.omega == sp.Rational(1, 2) * Quantity.symbols()[2]
    # names other than the weight variables are refused by the parser itself
    with pytest.raises(SymgravError, match="unknown name 'p'"):
        Quantity("q", "p*f", 0)
    # coefficients may depend on T in any way for the Fermi-window route, not on xi
    assert Quantity("q", "f/T", 0).window_form()[0] is not None
    assert Quantity("q", "f/(1 + xi**2)", 0).window_form()[1].endswith("not polynomial in xi")


def test_singular_point_is_reported_with_its_momentum():
    """Rashba with b = 0: Delta = |p| vanishes at p = 0, Omega ~ 1/Delta^3 is singular there."""
    model = symgrav.load_model("rashba")
    bd = symgrav.numeric_geometry(model, {**model.defaults, "b": 0}, "x", "x", dps=20)
    for B in (Float64(), Mpf(80)):
        with B.context():
            bd.evaluate(B, [B.array(["0.5", "0.25"]), B.array(["0", "0.1"])])
            with pytest.raises(SymgravError, match=r"singular at k = \['0\.0', '0\.0'\] \(bands"):
                bd.evaluate(B, [B.array(["0.5", "0", "0.25"]), B.array(["0.3", "0", "0.1"])])


def test_quantity_metadata_and_messages():
    xi, T, f, G, df = Quantity.symbols()
    q = Quantity("my_q", xi * f, 0)
    assert q.label == r"\mathrm{my\_q}" and q.description == "my_q: weights (f*xi, 0)"
    assert q.charge is False and Quantity("c", f, 0, charge=True).charge is True
    assert Quantity("d", f, 0, description="mine", label="L", unit="u").description == "mine"
    with pytest.raises(SymgravError, match=r"quantity 'q': the omega weight must be a SymPy "
                                           r"expression or a string; got list"):
        Quantity("q", [f], 0)
    with pytest.raises(SymgravError, match="quantity 'q': the moment weight must be real and "
                                           "finite"):
        Quantity("q", f, sp.oo * f)
    with pytest.raises(SymgravError, match="quantity 'q': the omega weight uses"):
        Quantity("q", sp.Symbol("p") * f, 0)
    with pytest.raises(SymgravError, match="both weights are zero"):
        Quantity("q", 0, 0)


def test_closed_forms_run_in_gmpy2_and_agree_with_mpmath():
    """The Rashba closed forms of (8b), (8c) (square roots to odd powers among them) pass
    the gmpy2 check, so the engine integrates them in mpfr numbers; the values agree with
    the mpmath form of the same closed forms at a point away from the check point.  A
    tight-binding model (sums over states, batched in gmpy2: tests/test_mp_bands.py) runs in
    mpfr numbers too."""
    model = symgrav.load_model("rashba")
    S = symgrav.Susceptibilities(model, model.defaults, dps=30)
    assert S.backend.name == "mpfr" and S.bands.supports(Mpfr(200))
    B, M = Mpfr(200), Mpf(200)
    k = [mp.mpf("-0.83"), mp.mpf("0.41")]
    with B.context():
        got = S.bands.evaluate(B, [B.pack([B.num(c)]) for c in k])
    with mp.workprec(200):
        want = S.bands.evaluate(M, [M.pack([c]) for c in k])
        for g, w in zip(np.concatenate([np.ravel(x) for x in got]),
                        np.concatenate([np.ravel(x) for x in want])):
            # parameters rounded at the engine's working precision (dps 30 + guard)
            assert isinstance(g, type(B.num(1))) and abs(B.mpf(g) - w) < mp.mpf(10) ** -33
    tb = symgrav.TightBinding({(0,): [[1, 0], [0, -1]], (1,): [[0, "0.5"], ["0.5", 0]],
                               (-1,): [[0, "0.5"], ["0.5", 0]]})
    assert symgrav.Susceptibilities(tb, {}, dps=20).backend.name == "mpfr"


def test_engine_argument_refusals_name_the_problem():
    model = symgrav.load_model("rashba")
    with pytest.raises(SymgravError, match=r"^quantities must be symgrav.Quantity objects; "
                                           r"got str$"):
        symgrav.Susceptibilities(model, model.defaults, quantities=["alpha"])
    tb = symgrav.TightBinding({(0,): [[1, 0], [0, -1]], (1,): [[0, "0.5"], ["0.5", 0]],
                               (-1,): [[0, "0.5"], ["0.5", 0]]})
    with pytest.raises(SymgravError, match=r"^a tight-binding model has no parameters; got "
                                           r"\['b', 't'\]$"):
        symgrav.Susceptibilities(tb, {"t": 1, "b": 2})


def test_refusals_quote_the_numbers():
    """A forced route that does not apply names mu and T (10 digits); Bose statistics above a
    band bottom names the band's lowest energy: the minimum of the lower Rashba band,
    -(1 + b^2)/2 = -0.625 at p^2 = 1 - b^2 for b = 1/2 (m = alpha = 1)."""
    model = symgrav.load_model("rashba")
    third = mp.mpf(1) / 3
    S = symgrav.Susceptibilities(model, model.defaults, dps=20, route="fermi_surface")
    with pytest.raises(SymgravError, match=r"^route 'fermi_surface' does not apply at mu = "
                                           r"0\.3333333333, T = 0\.3333333333: T > 0"):
        S.evaluate(third, third)
    B = symgrav.Susceptibilities(model, model.defaults, dps=20, statistics="bose")
    with pytest.raises(SymgravError, match=r"mu = 0\.5 lies above a band bottom \(a band "
                                           r"reaches -0\.625\); choose mu below every band"):
        B.evaluate("0.5", "0.1")
