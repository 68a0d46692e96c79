"""Berry curvature and magnetic moment in parameter space, Eqs. (24a), (24b), and (C5c).

Independent references (none of them calls symgrav):

* NumPy sum over states at a point, from (24a,b) with
  <m|d_l u_n> = <m|d_l H|n>/(e_n - e_m) (m != n):

      Omega_{n;l1 l2} = -2 hbar^2 sum_{m!=n} Im(<n|d1 H|m><m|d2 H|n>) / (e_n - e_m)^2
      m_{n;l1 l2}     =    hbar^2 sum_{m!=n} Im(<n|d1 H|m><m|d2 H|n>) / (e_n - e_m)

* a Wilson loop (discrete Berry phase, no derivative of H at all) around a
  circle, against the flux of symgrav's curvature through the disc;
* the Chern number of the massive Dirac model by numerical quadrature.

Relation (C5c).  With H_B = H - B.s (natural units g mu_B/hbar = 1), d_{B^a} H = -s_a,
so for m != n, <m|d_{B^a} u_n> = -<m|s_a|u_n>/(e_n - e_m).  Inserting into (24a):

    Omega_{n;p_i B^a} = i hbar^2 sum <n|v^i|m><m|(-s_a)|n>/(e_n-e_m)^2 + c.c.
                      = -hbar [i hbar sum <n|v^i|m><m|s_a|n>/(e_n-e_m)^2 + c.c.]
                      = -hbar Omega_{an}^i                                   (8b)

and likewise from (24b) m_{n;p_i B^a} = -hbar m_{an}^i (8c).  Hence
Omega_{an}^i = -(1/hbar) Omega_{n;p_i B^a}|_{B=0},  m_{an}^i = -(1/hbar) m_{n;p_i B^a}|_{B=0}.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from symgrav import (Model, bands, berry_curvature, magnetic_moment, spin_berry_curvature,
                     spin_magnetic_moment)

SIGMA = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
         sp.Matrix([[1, 0], [0, -1]]))
AX = ("x", "y", "z")
RTOL = 1e-9


def sorted_args(*mats):
    syms = set()
    for M in mats:
        syms |= sp.Matrix(M).free_symbols
    return sorted(syms, key=lambda s: s.name)


def param_sum_over_states(Hn, d1, d2, hbar):
    """(energies, Omega_n, m_n) of Eqs. (24a), (24b) by eigh at one point."""
    e, U = np.linalg.eigh(Hn)
    A = U.conj().T @ d1 @ U
    B = U.conj().T @ d2 @ U
    N = len(e)
    om, mm = np.zeros(N), np.zeros(N)
    for n in range(N):
        for m in range(N):
            if m != n:
                x = (A[n, m] * B[m, n]).imag
                om[n] += -2 * hbar ** 2 * x / (e[n] - e[m]) ** 2
                mm[n] += hbar ** 2 * x / (e[n] - e[m])
    return e, om, mm


def numeric(expr_tuple, args):
    fs = [sp.lambdify(args, e, "numpy") for e in expr_tuple]
    return lambda vals: np.array([float(np.real(f(*vals))) for f in fs])


# ---------------------------------------------------------------------------
# massive Dirac model H = v (p_x sigma_x + p_y sigma_y) + Delta sigma_z
# ---------------------------------------------------------------------------

px, py = sp.symbols("p_x p_y", real=True)
v, Dl = sp.symbols("v Delta", real=True)
hbar = sp.Symbol("hbar", positive=True)
E = sp.sqrt(v ** 2 * (px ** 2 + py ** 2) + Dl ** 2)
H_DIRAC = v * (px * SIGMA[0] + py * SIGMA[1]) + Dl * SIGMA[2]


def dirac_model():
    return Model(H_DIRAC, [px, py], hbar=hbar)


def test_dirac_berry_curvature_closed_form():
    """Omega_{-+;p_x p_y} = +-hbar^2 v^2 Delta / (2 E^3); m_{+-;p_x p_y} = hbar^2 v^2 Delta/(2 E^2).

    Hand derivation: d = (v p_x, v p_y, Delta), d.(d_x d x d_y d) = v^2 Delta; the sign
    is fixed independently by test_dirac_sign_by_sum_over_states and by the
    Wilson loop in test_dirac_flux_equals_wilson_loop.
    """
    model = dirac_model()
    om = berry_curvature(model, "x", "y")
    mm = magnetic_moment(model, "x", "y")
    assert len(om) == 2
    assert sp.simplify(om[0] - hbar ** 2 * v ** 2 * Dl / (2 * E ** 3)) == 0
    assert sp.simplify(om[1] + hbar ** 2 * v ** 2 * Dl / (2 * E ** 3)) == 0
    for n in range(2):
        assert sp.simplify(mm[n] - hbar ** 2 * v ** 2 * Dl / (2 * E ** 2)) == 0
    # symbols and axis names are interchangeable
    om_sym = berry_curvature(model, px, py)
    assert all(sp.simplify(a - b) == 0 for a, b in zip(om, om_sym))
    # antisymmetry in (lambda1, lambda2), zero on the diagonal
    om_yx = berry_curvature(model, "y", "x")
    mm_yx = magnetic_moment(model, "y", "x")
    for n in range(2):
        assert sp.simplify(om[n] + om_yx[n]) == 0
        assert sp.simplify(mm[n] + mm_yx[n]) == 0
        assert sp.simplify(berry_curvature(model, "x", "x")[n]) == 0


def test_dirac_sign_by_sum_over_states():
    model = dirac_model()
    args = sorted_args(H_DIRAC, [hbar])
    om_f = numeric(berry_curvature(model, "x", "y"), args)
    mm_f = numeric(magnetic_moment(model, "x", "y"), args)
    om_hand = sp.lambdify(args, hbar ** 2 * v ** 2 * Dl / (2 * E ** 3))
    Hf = sp.lambdify(args, H_DIRAC)
    dxf = sp.lambdify(args, H_DIRAC.diff(px))
    dyf = sp.lambdify(args, H_DIRAC.diff(py))
    rng = np.random.default_rng(2024)
    for _ in range(6):
        vals = {"Delta": rng.uniform(-1.5, 1.5), "hbar": rng.uniform(0.5, 2),
                "p_x": rng.uniform(-2, 2), "p_y": rng.uniform(-2, 2), "v": rng.uniform(0.5, 2)}
        x = [vals[s.name] for s in args]
        mats = [np.array(f(*x), dtype=complex) for f in (Hf, dxf, dyf)]
        e, om, mm = param_sum_over_states(*mats, vals["hbar"])
        np.testing.assert_allclose(om_f(x), om, rtol=RTOL, atol=1e-14)
        np.testing.assert_allclose(mm_f(x), mm, rtol=RTOL, atol=1e-14)
        # the lower band has the sign of Delta: Omega_- = +hbar^2 v^2 Delta/(2E^3)
        assert om[0] == pytest.approx(om_hand(*x), rel=1e-10)
        assert np.sign(om[0]) == np.sign(vals["Delta"])


def _berry_phase_lower(vv, dd, R, npts=4000):
    """Discrete Berry phase of the lower band around |p| = R, counter-clockwise.

    gamma = -arg prod_j <u_j|u_{j+1}> is gauge invariant; it equals the flux
    of i<d_x u|d_y u> + c.c. (no hbar) through the disc, modulo 2 pi.
    """
    prod = 1.0 + 0j
    th = np.linspace(0, 2 * np.pi, npts, endpoint=False)
    us = []
    for t in th:
        Hn = np.array([[dd, vv * R * np.exp(-1j * t)], [vv * R * np.exp(1j * t), -dd]])
        _, U = np.linalg.eigh(Hn)
        us.append(U[:, 0])
    for j in range(npts):
        prod *= np.vdot(us[j], us[(j + 1) % npts])
    return -np.angle(prod)


@pytest.mark.parametrize("vv,dd,hb", [(1.0, 0.7, 1.0), (1.3, -0.4, 0.8), (0.6, 1.1, 1.7)])
def test_dirac_flux_equals_wilson_loop(vv, dd, hb):
    """Flux of symgrav's Omega_- through |p| < R, divided by hbar^2, is the Berry phase."""
    model = dirac_model()
    om = berry_curvature(model, "x", "y")[0]
    f = sp.lambdify([px, py], om.subs({v: vv, Dl: dd, hbar: hb}), "mpmath")
    for R in (0.5, 1.0, 3.0):
        # 2D quadrature in polar coordinates (no isotropy assumed)
        flux = mpmath.quad(lambda r, t: r * f(r * mpmath.cos(t), r * mpmath.sin(t)),
                           [0, R], [0, 2 * mpmath.pi])
        flux = float(flux) / hb ** 2
        gamma = _berry_phase_lower(vv, dd, R)
        assert np.exp(1j * flux) == pytest.approx(np.exp(1j * gamma), abs=1e-5), (R, flux, gamma)
        # and the closed-form flux pi Delta (1/|Delta| - 1/sqrt(v^2 R^2 + Delta^2))
        assert flux == pytest.approx(np.pi * dd * (1 / abs(dd) - 1 / np.hypot(vv * R, dd)),
                                     rel=1e-8)


@pytest.mark.parametrize("vv,dd,hb", [(1.0, 0.5, 1.0), (2.0, -1.5, 0.7), (0.7, 2.0, 1.3)])
def test_dirac_half_quantized_chern_number(vv, dd, hb):
    """C_n = (1/2 pi hbar^2) int d^2p Omega_{n;p_x p_y} = +-sign(Delta)/2.

    k = p/hbar turns (24a) into the usual i<d_kx u|d_ky u> + c.c., and
    d^2k/(2 pi) = d^2p/(2 pi hbar^2).  Equivalently the lower-band Hall
    conductivity (25) is -(q^2/h) C_-.
    """
    model = dirac_model()
    om = berry_curvature(model, "x", "y")
    subs = {v: vv, Dl: dd, hbar: hb}
    for n, sign in ((0, 1), (1, -1)):
        f = sp.lambdify([px, py], om[n].subs(subs), "mpmath")
        val = mpmath.quad(lambda r, t: r * f(r * mpmath.cos(t), r * mpmath.sin(t)),
                          [0, 1, 10, mpmath.inf], [0, 2 * mpmath.pi])
        C = float(val) / (2 * np.pi * hb ** 2)
        assert C == pytest.approx(sign * np.sign(dd) * 0.5, abs=1e-8)


# ---------------------------------------------------------------------------
# (C5c): Omega_{an}^i = -(1/hbar) Omega_{n;p_i B^a}|_{B=0}, same for m
# ---------------------------------------------------------------------------

Bs = sp.symbols("B_x B_y B_z", real=True)


def zeeman(H, spin):
    """H_B = H - B.s in natural units g mu_B/hbar = 1."""
    return H - sum((b * s for b, s in zip(Bs, spin)), sp.zeros(H.rows, H.cols))


def rashba_H(alpha, b, m):
    p2 = px ** 2 + py ** 2
    return p2 / (2 * m) * sp.eye(2) + alpha * (py * SIGMA[0] - px * SIGMA[1]) + b * SIGMA[2]


def test_c5c_rashba_symbolic():
    alpha, b, m = sp.symbols("alpha b m", positive=True)
    H = rashba_H(alpha, b, m)
    spin = [hbar / 2 * s for s in SIGMA]
    model = Model(H, [px, py], hbar=hbar)
    model_B = Model(zeeman(H, spin), [px, py], hbar=hbar)
    at0 = {B: 0 for B in Bs}
    checked = 0
    for ka, a in enumerate(AX):
        for i, p in (("x", px), ("y", py)):
            om = spin_berry_curvature(model, a, i)
            mm = spin_magnetic_moment(model, a, i)
            om_B = berry_curvature(model_B, p, Bs[ka])
            mm_B = magnetic_moment(model_B, i, Bs[ka])
            for n in range(2):
                assert sp.simplify(om[n] + om_B[n].subs(at0) / hbar) == 0, (a, i, n)
                assert sp.simplify(mm[n] + mm_B[n].subs(at0) / hbar) == 0, (a, i, n)
                checked += 1
    assert checked == 12
    # the relation is not trivially satisfied: Omega^x_x is nonzero
    assert sp.simplify(spin_berry_curvature(model, "x", "x")[0]) != 0


def _rand_q(rng, nonzero=True):
    while True:
        q = sp.Rational(int(rng.integers(-3, 4)), int(rng.integers(1, 4)))
        if q != 0 or not nonzero:
            return q


def random_two_band_model(seed):
    """Random 2D two-band H (polynomial and trigonometric) with random Hermitian spin."""
    rng = np.random.default_rng(seed)
    g = sp.Symbol("g", real=True)

    def term():
        p = (px, py)[rng.integers(2)]
        f = (sp.Integer(1), p, px * py, sp.sin(p), sp.cos(p), g * p)[rng.integers(6)]
        return _rand_q(rng) * f

    d0 = term()
    dx = term() + _rand_q(rng) * px
    dy = term() + _rand_q(rng) * sp.cos(py)
    dz = term() + _rand_q(rng) * g
    H = d0 * sp.eye(2) + dx * SIGMA[0] + dy * SIGMA[1] + dz * SIGMA[2]
    t = sp.Symbol("t", real=True)
    spin = []
    for _ in range(3):
        a, d = _rand_q(rng, False), _rand_q(rng, False)
        c, s = _rand_q(rng) * (t if rng.random() < 0.4 else 1), _rand_q(rng, False)
        spin.append(sp.Matrix([[a, c + sp.I * s], [c - sp.I * s, d]]))
    hb = sp.Rational(int(rng.integers(1, 4)), int(rng.integers(1, 3)))
    return H, spin, hb


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_c5c_random_two_band_numeric(seed):
    H, spin, hb = random_two_band_model(seed)
    model = Model(H, [px, py], hbar=hb, spin=spin)
    model_B = Model(zeeman(H, spin), [px, py], hbar=hb, spin=spin)
    args = sorted_args(zeeman(H, spin), *spin)
    Hf = sp.lambdify(args, zeeman(H, spin))
    rng = np.random.default_rng(seed + 100)
    points = []
    while len(points) < 3:
        vals = {s: (0.0 if s in Bs else rng.uniform(-1.5, 1.5)) for s in args}
        e = np.linalg.eigvalsh(np.array(Hf(*vals.values()), dtype=complex))
        if e[1] - e[0] > 0.1:
            points.append([vals[s] for s in args])
    for ka, a in enumerate(AX):
        for i, p in (("x", px), ("y", py)):
            pairs = ((spin_berry_curvature(model, a, i), berry_curvature(model_B, p, Bs[ka])),
                     (spin_magnetic_moment(model, a, i), magnetic_moment(model_B, p, Bs[ka])))
            for direct, param in pairs:
                f_direct = numeric(direct, args)
                f_param = numeric(param, args)
                for x in points:
                    lhs = f_direct(x)
                    rhs = -f_param(x) / float(hb)
                    np.testing.assert_allclose(lhs, rhs, rtol=RTOL, atol=1e-12,
                                               err_msg=f"a={a} i={i}")
                    assert np.all(np.isfinite(lhs))
    # not vacuous: some component is non-zero at the first point
    assert np.max(np.abs(numeric(spin_berry_curvature(model, "z", "x"), args)(points[0]))) > 1e-6


@pytest.mark.parametrize("seed", [21, 22])
def test_param_space_random_vs_sum_over_states(seed):
    """(24a), (24b) for (p_x, p_y) and (p_x, g) against the NumPy sum over states."""
    H, spin, hb = random_two_band_model(seed)
    g = sp.Symbol("g", real=True)
    model = Model(H, [px, py], hbar=hb, spin=spin)
    args = sorted_args(H)
    Hf = sp.lambdify(args, H)
    dfs = {s: sp.lambdify(args, H.diff(s)) for s in (px, py, g)}
    rng = np.random.default_rng(seed)
    for l1, l2 in ((px, py), (px, g), (g, py)):
        om_f = numeric(berry_curvature(model, l1, l2), args)
        mm_f = numeric(magnetic_moment(model, l1, l2), args)
        en_f = numeric(bands(model), args)
        done = 0
        while done < 3:
            x = [rng.uniform(-1.5, 1.5) for _ in args]
            Hn = np.array(Hf(*x), dtype=complex)
            e = np.linalg.eigvalsh(Hn)
            if e[1] - e[0] < 0.1:
                continue
            d1 = np.array(dfs[l1](*x), dtype=complex).reshape(2, 2)
            d2 = np.array(dfs[l2](*x), dtype=complex).reshape(2, 2)
            e, om, mm = param_sum_over_states(Hn, d1, d2, float(hb))
            np.testing.assert_allclose(en_f(x), e, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(om_f(x), om, rtol=RTOL, atol=1e-12)
            np.testing.assert_allclose(mm_f(x), mm, rtol=RTOL, atol=1e-12)
            done += 1
