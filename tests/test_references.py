"""The independent references of tests/references/ checked on their own (no symgrav import).

* rashba_radial (radial mpmath integral of any weights) against the hand-derived closed
  forms of tests/rashba_reference.py (an energy-space route: Delta as variable, Fermi-window
  averages of zero-temperature functions) to 30 digits at mp.dps 40, in every regime of both
  figures (b = 0.5, 1.5) at T = 0, 1e-3, 5e-2; weights the package does not ship
  (xi^2 f, 0), (0, xi f) against an energy integral of closed forms; mqm_aux against
  relation (6) by differentiating the closed form in T; the Fermi-surface term
  (df -> -delta) against d alpha0/d mu; Bose statistics against the closed form alpha0
  averaged with the Bose window -f_B'.
* the occupations (f, G, df) of both references against their definitions, evaluated by
  brute force (mp.quad for G = int f, mp.diff for f') at high precision.
* bz_grid: Omega_n, m_n of its sum over states against the Rashba closed forms (Eq. 22) and
  against the gauge-invariant Berry phase of a small plaquette in (k_i, h) space with
  H(h) = H + h s_a (no sum over states); the sum rule sum_n Omega_n = 0; grid convergence
  (and that the check fails when it should); alpha constant and -dM/dmu = alpha (Eq. 4) in
  the gap; Eq. (18) and relation (6) on the grid; the 1D chain quadrature.
"""

import mpmath as mp
import numpy as np
import pytest

from rashba_reference import alpha0, kinks, mqm0, reference, window
from references import bz_grid as Z
from references import rashba_radial as R

# (b, mu) in every regime: b = 0.5 band bottom (ring minimum -0.625), Mexican hat
# (-0.625 < mu < -0.5), gap of the upper band (|mu| < b), two bands; b = 1.5 (no hat).
CASES = [(0.5, "-0.62"), (0.5, "-0.55"), (0.5, "0.0"), (0.5, "0.7"),
         (1.5, "-1.45"), (1.5, "0.0"), (1.5, "2.0")]
TEMPS = ["0", "0.001", "0.05"]
# 30 digits relative; absolute floor 1e-32: the band terms are at most ~0.1 here (every
# integral of |Omega| is <= 1/(8 pi)), so 1e-32 is 1e-31 of them.  Needed where a quantity
# cancels to ~0: M0(mu) = 0 exactly for mu > b (two-band regime), so M there is ~1e-50.
REL, FLOOR = mp.mpf("1e-30"), mp.mpf("1e-32")


def close(got, want, rel=REL, floor=FLOOR):
    return abs(got - want) <= rel * abs(want) + floor


@pytest.mark.parametrize("T", TEMPS)
@pytest.mark.parametrize("b, mu", CASES)
def test_radial_builtins_against_closed_forms(b, mu, T):
    with mp.workdps(40):
        got = R.builtins(mu, T, b)
        want = reference(mu, T, mp.mpf(b))
        for name in ("alpha", "mqm", "T_beta_kubo", "T_beta"):
            assert close(got[name], want[name]), (name, b, mu, T, got[name], want[name])
        if T == "0":
            assert got["T_beta"] == 0
            assert close(got["mqm_aux"], want["mqm"])     # M~ = M at T = 0 (B7a, 8a)


@pytest.mark.parametrize("mu, T", [("0.0", "0.05"), ("-0.55", "0.01"), ("0.7", "0.02")])
def test_radial_mqm_aux_against_relation_6(mu, T):
    """M~ = d(beta M)/d beta = M - T dM/dT, with M the closed form (Eqs. 6, B7a)."""
    b = mp.mpf("0.5")
    with mp.workdps(40):
        mu, T = mp.mpf(mu), mp.mpf(T)
        M = lambda t: window(lambda e: mqm0(e, b), mu, t, b)  # noqa: E731
        want = M(T) - T * mp.diff(M, T)
        got = R.fermi_sea(mu, T, b, *R.builtin_weights()["mqm_aux"])
        assert close(got, want), (mu, T, got, want)


@pytest.mark.parametrize("mu, T", [("0.0", "0"), ("-0.55", "0"), ("0.7", "0"), ("-0.62", "0"),
                                   ("0.0", "0.001"), ("-0.55", "0.05")])
def test_radial_fermi_surface_term(mu, T):
    """Weight (-df, 0) is d alpha / d mu at any T; at T = 0 it is the delta-function term (E1)."""
    b = mp.mpf("0.5")
    with mp.workdps(40):
        mu, T = mp.mpf(mu), mp.mpf(T)
        if T == 0:
            want = mp.diff(lambda m: alpha0(m, b), mu)
        else:
            want = mp.diff(lambda m: window(lambda e: alpha0(e, b), m, T, b), mu)
        got = R.fermi_sea(mu, T, b, lambda xi, T, f, G, df: -df, None, delta_coeff=(-1, 0))
        assert close(got, want), (mu, T, got, want)
        if T == 0:   # without the delta term the pointwise T = 0 limit of df is 0
            assert R.fermi_sea(mu, T, b, lambda xi, T, f, G, df: -df, None) == 0


def _moment_sum(E, b):
    """N(E) = sum_n int p dp/(2 pi) m_n theta(E - eps_n) = (b/8 pi) sum ln(Delta_hi/Delta_lo)
    over the occupied Delta intervals I- = (max(b, 1 - r), 1 + r), I+ = (b, max(b, r - 1))."""
    r2 = 1 + b * b + 2 * E
    if r2 <= 0:
        return mp.mpf(0)
    r = mp.sqrt(r2)
    ivs = [(max(b, 1 - r), 1 + r), (b, max(b, r - 1))]
    return b / (8 * mp.pi) * sum(mp.log(hi / lo) for lo, hi in ivs if hi > lo)


@pytest.mark.parametrize("b, mu, T", [(0.5, "-0.55", "0"), (0.5, "0.7", "0"),
                                      (0.5, "-0.55", "0.001"), (0.5, "0.0", "0.05"),
                                      (0.5, "0.7", "0.001"), (1.5, "0.0", "0.05")])
def test_radial_user_weights_energy_representation(b, mu, T):
    """Weights the package does not ship, (xi^2 f, 0) and (0, xi f), in an energy route:
    X = -int dE [w_Omega'(E - mu) alpha0(E) + w_m'(E - mu) N(E)] (w(inf) = 0), with the
    closed forms alpha0 (tests/rashba_reference.py) and N (above).  T = 0: w' = 2 xi theta(-xi)
    and theta(-xi) (the xi^2 delta, xi delta terms vanish)."""
    with mp.workdps(40):
        b, mu, T = mp.mpf(b), mp.mpf(mu), mp.mpf(T)
        top = mu if T == 0 else mu + 50 * mp.log(10) * T
        grade = [] if T == 0 else [mu + s * c * T for c in (1, 4, 16, 64) for s in (-1, 1)]
        pts = sorted({R.band_bottom(b), top} | {e for e in kinks(b) + grade
                                                if R.band_bottom(b) < e < top})

        def dw(xi):          # (d/dxi of xi^2 f, d/dxi of xi f)
            f, _, df = R.fermi(xi, T)
            return 2 * xi * f + xi * xi * df, f + xi * df

        want_q = -mp.quad(lambda E: dw(E - mu)[0] * alpha0(E, b), pts)
        want_q2 = -mp.quad(lambda E: dw(E - mu)[1] * _moment_sum(E, b), pts)
        got = R.fermi_sea_many(mu, T, b, {"q": (lambda xi, T, f, G, df: xi * xi * f, None),
                                          "q2": (None, lambda xi, T, f, G, df: xi * f)})
        assert close(got["q"], want_q), (got["q"], want_q)
        assert close(got["q2"], want_q2), (got["q2"], want_q2)


@pytest.mark.parametrize("b, mu, T", [(0.5, "-1.0", "0.05"), (0.5, "-1.0", "0.2"),
                                      (1.5, "-2.0", "0.1")])
def test_radial_bose_against_closed_form(b, mu, T):
    """X = -int dE w'(E - mu) alpha0(E) for the Omega-only weights: alpha (w = f) and
    T beta (w = xi f + G, w' = xi f'), with the Bose -f'(x) = f (1 + f) / T."""
    with mp.workdps(40):
        b, mu, T = mp.mpf(b), mp.mpf(mu), mp.mpf(T)

        def mfp(x):
            f = 1 / mp.expm1(x / T)
            return f * (1 + f) / T

        pts = [R.band_bottom(b)] + [k for k in kinks(b) if k > R.band_bottom(b)] + [mp.inf]
        want_a = mp.quad(lambda E: alpha0(E, b) * mfp(E - mu), pts)
        want_tb = mp.quad(lambda E: (E - mu) * alpha0(E, b) * mfp(E - mu), pts)
        got = R.builtins(mu, T, b, statistics="bose")
        assert close(got["alpha"], want_a), (got["alpha"], want_a)
        assert close(got["T_beta"], want_tb), (got["T_beta"], want_tb)
        # Eq. (18) T beta = T beta~ - M holds for bosons too
        assert close(got["T_beta_kubo"] - got["mqm"], got["T_beta"], rel=mp.mpf("1e-35"))
    with pytest.raises(ValueError):
        R.builtins("-0.5", "0.1", 0.5, statistics="bose")   # mu above the band bottom


def _defs(xi, T, statistics):
    """(f, G, df) by brute force from the definitions, at the current precision."""
    sign = 1 if statistics == "fermi" else -1
    occ = lambda z: 1 / (mp.exp(z / T) + sign)  # noqa: E731
    grade = [c * T for c in (1, 4, 16, 64, 256, 1024)]
    pts = {xi} | {xi + g for g in grade} | {s * g for g in grade for s in (-1, 1)} | {0}
    # normalised by f(xi) so that quad's absolute tolerance is a relative one
    G = occ(xi) * mp.quad(lambda z: occ(z) / occ(xi), sorted(p for p in pts if p >= xi) + [mp.inf])
    with mp.workdps(400):     # f' ~ e^{-700} beside f ~ 1: difference quotients need the digits
        df = mp.diff(occ, xi)
    return occ(xi), G, df


@pytest.mark.parametrize("statistics, xs", [
    ("fermi", [-700, -30, -1.5, -1e-9, 0, 2e-9, 0.7, 40, 700]),
    ("bose", [1e-6, 0.3, 2.5, 40, 700])])
@pytest.mark.parametrize("T", [1e-3, 0.25])
def test_occupations_against_definitions(statistics, xs, T):
    for x in xs:
        with mp.workdps(60):
            xi, Tm = mp.mpf(x) * mp.mpf(T), mp.mpf(T)
            want = _defs(xi, Tm, statistics)
        with mp.workdps(40):
            got = R.occupation(mp.mpf(x) * mp.mpf(T), mp.mpf(T), statistics)
            for g, w in zip(got, want):
                assert abs(g - w) <= mp.mpf("1e-35") * abs(w) + mp.mpf(10) ** -330, (x, g, w)
        got_np = Z.occupation(np.array([x * T]), T, statistics)
        for g, w in zip(got_np, want):
            assert float(g[0]) == pytest.approx(float(w), rel=1e-13, abs=1e-300), (x, g, w)
    # T = 0: the steps
    f, G, df = Z.occupation(np.array([-1.0, 1.0]), 0.0)
    assert f.tolist() == [1, 0] and G.tolist() == [1, 0] and not df.any()
    assert R.fermi(mp.mpf(-2), 0) == (1, 2, 0) and R.fermi(mp.mpf(2), 0) == (0, 0, 0)


# -- bz_grid ----------------------------------------------------------------------------------

def test_grid_geometry_against_rashba_closed_forms():
    """Eq. (22): Omega_x^x = +-b/(4 Delta^3) (band 0 +), m_x^x = b/(4 Delta^2); also y, y."""
    rng = np.random.default_rng(1)
    px, py = rng.uniform(-2, 2, 50), rng.uniform(-2, 2, 50)
    for b in (0.5, 1.5):
        one, zero = np.ones_like(px), np.zeros_like(px)
        H = Z._pauli((px ** 2 + py ** 2) / 2, py, -px, b * one)
        vx, vy = Z._pauli(px, zero, -one, zero), Z._pauli(py, one, zero, zero)
        D = np.sqrt(px ** 2 + py ** 2 + b * b)
        for v, s in ((vx, Z.SX / 2), (vy, Z.SY / 2)):
            eps, om, mm = Z.geometry(H, v, s)
            np.testing.assert_allclose(eps, np.stack([(px**2 + py**2) / 2 - D,
                                                      (px**2 + py**2) / 2 + D], -1), rtol=1e-13)
            np.testing.assert_allclose(om[:, 0], b / (4 * D ** 3), rtol=1e-12)
            np.testing.assert_allclose(om[:, 1], -b / (4 * D ** 3), rtol=1e-12)
            np.testing.assert_allclose(mm, np.stack([b / (4 * D**2)] * 2, -1), rtol=1e-12)


@pytest.mark.parametrize("a, i", [("x", "x"), ("y", "x"), ("z", "y"), ("x", "y")])
def test_grid_omega_against_berry_phase_plaquette(a, i):
    """Omega_n = Berry curvature in (k_i, h) with H(h) = H + h s_a, from the phase of
    <u1|u2><u2|u3><u3|u4><u4|u1> around a plaquette of side d (gauge invariant, no sum over
    states): F = -arg / d^2 + O(d^2); d = 1e-3 gives ~1e-6 relative."""
    model = Z.LatticeInsulator()
    s = model.spin[Z.AXES.index(a)]
    rng = np.random.default_rng(2)
    d = 1e-3
    for k in rng.uniform(-np.pi, np.pi, (6, 2)):
        def states(dk, h):
            kk = k + (dk if i == "x" else 0.0, dk if i == "y" else 0.0)
            return np.linalg.eigh(model.H(kk[0], kk[1]) + h * s)[1]
        corners = [states(-d / 2, -d / 2), states(d / 2, -d / 2), states(d / 2, d / 2),
                   states(-d / 2, d / 2)]
        v = model.dH(k[0], k[1])["xy".index(i)]
        _, om, _ = Z.geometry(model.H(k[0], k[1]), v, s)
        for n in range(2):
            prod = 1.0 + 0j
            for u1, u2 in zip(corners, corners[1:] + corners[:1]):
                prod *= np.vdot(u1[:, n], u2[:, n])
            F = -np.angle(prod) / d ** 2
            assert F == pytest.approx(om[n], rel=1e-5, abs=1e-9), (a, i, k, n)


def test_grid_sum_rule():
    eps, om, mm = Z.grid_geometry(Z.LatticeInsulator(), 64)
    assert np.max(np.abs(om.sum(axis=-1))) <= 1e-14 * np.max(np.abs(om))
    assert np.all(eps[:, 0] < eps[:, 1])                      # bands ascending
    assert np.max(eps[:, 0]) < -1.39 and np.min(eps[:, 1]) > 0.59   # gap (-1.4, 0.6)


def test_grid_convergence_and_its_failure():
    model, W = Z.LatticeInsulator(), Z.builtin_weights()
    Z.converged(model, 0.0, 0.0, W, n=64)          # insulator, any T
    Z.converged(model, 0.0, 0.1, W, n=64)
    Z.converged(model, -1.5, 0.05, W, n=128)       # metal at T >= 0.05
    lo, hi = Z.converged(model, -1.5, 0.1, W, n=128)
    assert set(lo) == set(hi) == set(W) and all(isinstance(v, float) for v in hi.values())
    with pytest.raises(Z.NotConverged):            # the check has teeth
        Z.converged(model, -1.5, 0.05, W, n=16)
    with pytest.raises(ValueError, match="gap"):   # a grid cannot do a Fermi surface at T = 0
        Z.converged(model, -1.5, 0.0, W, n=32)


def test_grid_insulator_gap_relations():
    """In the gap at T = 0: alpha does not depend on mu and -dM/dmu = alpha (Eq. 4)."""
    model, W = Z.LatticeInsulator(), Z.builtin_weights()
    geom = Z.grid_geometry(model, 128)
    vals = {mu: Z.band_sums(geom, mu, 0.0, W) for mu in (-1.0, -0.5, 0.0, 0.5)}
    alpha = vals[0.0]["alpha"][0]
    assert alpha == pytest.approx(-0.00540435288246022, rel=1e-13)   # 30-digit engine value
    for mu, v in vals.items():
        assert v["alpha"][0] == pytest.approx(alpha, rel=1e-14)
        assert v["T_beta"][0] == 0
        assert v["mqm"][0] - vals[0.0]["mqm"][0] == pytest.approx(-alpha * mu, rel=1e-12)
    cold = Z.band_sums(geom, 0.0, 0.01, W)                 # e^{-0.6 / 0.01}: nothing moves
    assert cold["alpha"][0] == pytest.approx(alpha, rel=1e-14)
    assert abs(cold["T_beta"][0]) < 1e-20


def test_grid_eq18_and_relation_6():
    """T beta = T beta~ - M (Eq. 18) and M~ = d(beta M)/d beta (relation 6) in the metal."""
    model, W = Z.LatticeInsulator(), Z.builtin_weights()
    geom = Z.grid_geometry(model, 128)
    mu, T = -1.5, 0.1
    v = {k: x[0] for k, x in Z.band_sums(geom, mu, T, W).items()}
    assert v["T_beta_kubo"] - v["mqm"] == pytest.approx(v["T_beta"], rel=1e-12, abs=1e-17)
    h = 1e-3
    bM = [beta * Z.band_sums(geom, mu, 1 / beta, {"mqm": W["mqm"]})["mqm"][0]
          for beta in (1 / T - h, 1 / T + h)]
    # central difference: truncation h^2 |d^3(beta M)/d beta^3| / 6 ~ 1e-9, rounding 1e-16 / h
    assert (bM[1] - bM[0]) / (2 * h) == pytest.approx(v["mqm_aux"], rel=1e-7)


def _chain():
    return Z.chain_H, Z.chain_dH


def test_chain_quadrature():
    """1D: Gauss-Legendre pieces against a periodic trapezoid (T = 0.05, both converge
    exponentially) and the T -> 0 limit (Sommerfeld: O(T^2))."""
    H, dH = _chain()
    W = Z.builtin_weights()
    for mu in (-2.0, 1.9):
        gl = Z.chain_fermi_sea(H, dH, Z.SX / 2, mu, 0.05, W)
        k = -np.pi + 2 * np.pi * np.arange(4096) / 4096
        tr = Z.band_sums(Z.geometry(H(k), dH(k), Z.SX / 2), mu, 0.05, W)
        for name in W:
            assert gl[name] == pytest.approx(tr[name][0], rel=1e-12, abs=1e-16), (mu, name)
        zero = Z.chain_fermi_sea(H, dH, Z.SX / 2, mu, 0.0, W)
        cold = Z.chain_fermi_sea(H, dH, Z.SX / 2, mu, 1e-4, W)
        for name in ("alpha", "mqm"):
            assert cold[name] == pytest.approx(zero[name], rel=1e-6), (mu, name)
