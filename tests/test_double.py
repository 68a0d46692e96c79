"""Double-precision sweeps (symgrav.numeric.double.sweep_double) against the mpmath engine.

Tolerances: rtol 1e-9 with an absolute floor of 1e-14 (the quantities are
O(1e-2) here; where one cancels to ~0, e.g. M in the two-band regime of the
Rashba model, double precision leaves ~1e-17).  T_beta is evaluated from
Eq. (20) directly and keeps its *relative* accuracy however small it is; the
difference T_beta~ - M (Eq. 18) is good only to ~1e-12 absolute in double
precision (a documented limitation), which is what the consistency test
checks.
"""

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav import SymgravError
from symgrav.numeric.double import NAMES, fermi_weights_np, sweep_double
from symgrav.numeric.statistics import fermi_weights

RTOL = 1e-9
ATOL = 1e-14

# Rashba b = 0.5: band bottom -0.625 (ring at p = sqrt(3)/2), Mexican-hat top -0.5,
# upper band bottom +0.5.
RASHBA_MUS = {
    "band bottom": -0.62,
    "mexican hat": -0.55,
    "gap": 0.0,
    "two-band": 0.7,
}


@pytest.fixture(scope="module")
def rashba():
    model = symgrav.load_model("rashba")
    return model, symgrav.Susceptibilities(model, model.defaults, dps=20)


@pytest.mark.parametrize("T", [0, 1e-3, 1e-2])
def test_rashba_against_mpmath(rashba, T):
    model, S = rashba
    mus = np.array(list(RASHBA_MUS.values()))
    got = sweep_double(model, model.defaults, mus, T)
    for j, mu in enumerate(mus):
        ref = S.evaluate(repr(float(mu)), T)
        for name in NAMES:
            want = float(ref[name])
            assert got[name][j] == pytest.approx(want, rel=RTOL, abs=ATOL), (name, mu, T)
        # T beta from Eq. (20) is accurate relative to itself, not only to the floor
        want = float(ref["T_beta"])
        assert got["T_beta"][j] == pytest.approx(want, rel=RTOL, abs=1e-22), (mu, T)


@pytest.mark.parametrize("T", [0, 1e-4, 1e-3, 1e-2])
def test_T_beta_equals_kubo_minus_mqm_to_double_precision(T):
    """Eq. (18) = Eq. (20) only to ~1e-12 absolute in double precision (documented)."""
    model = symgrav.load_model("rashba")
    mus = np.linspace(-0.62, 1.3, 9)
    got = sweep_double(model, model.defaults, mus, T)
    diff = got["T_beta_kubo"] - got["mqm"] - got["T_beta"]
    assert np.max(np.abs(diff)) < 1e-12
    if T == 0:
        assert np.all(got["T_beta"] == 0)
        np.testing.assert_array_equal(got["T_beta_kubo"], got["mqm"])
        np.testing.assert_array_equal(got["mqm_aux"], got["mqm"])


def test_rashba_band_bottom_edge_and_below():
    """Below every band everything is 0 at T = 0; just above the ring minimum alpha is small."""
    model = symgrav.load_model("rashba")
    got = sweep_double(model, model.defaults, [-0.7, -0.6249], 0)
    for name in NAMES:
        assert got[name][0] == 0
    assert 0 < got["alpha"][1] < 1e-3


def test_shapes_and_empty():
    model = symgrav.load_model("rashba")
    got = sweep_double(model, model.defaults, 0.3, 1e-3)
    assert got["alpha"].shape == ()
    got2 = sweep_double(model, model.defaults, [[0.3, 0.7], [0.0, -0.3]], 1e-3)
    assert got2["alpha"].shape == (2, 2)
    assert got2["alpha"][0, 0] == pytest.approx(float(got["alpha"]), rel=1e-13)
    assert sweep_double(model, model.defaults, [], 0)["mqm"].shape == (0,)


def test_lattice_insulator_in_gap():
    """alpha of the lattice insulator at half filling; 30-digit reference from Susceptibilities."""
    model = symgrav.load_model("lattice_insulator")
    ref = -0.00540435288246022365356960028305  # Susceptibilities(dps=30).alpha(0, 0)
    got = sweep_double(model, model.defaults, [0.0], 0)
    assert got["alpha"][0] == pytest.approx(ref, rel=1e-12)
    # inside a gap of 1.2 the thermal corrections at T = 0.01 are ~e^-60
    hot = sweep_double(model, model.defaults, [0.0], 1e-2)
    assert hot["alpha"][0] == pytest.approx(ref, rel=1e-12)
    assert abs(hot["T_beta"][0]) < 1e-20


def test_lattice_metal_finite_T_and_T0_error():
    """A 2D lattice metal converges at T = 0.02 and is refused quickly at T = 0."""
    model = symgrav.load_model("lattice_insulator")
    got = sweep_double(model, model.defaults, [1.7, 0.0], 0.02)  # gap edge 0.6 = 30 T
    assert got["alpha"][1] == pytest.approx(-0.00540435288246022365, rel=1e-12)
    assert np.all(np.isfinite(got["T_beta"])) and got["T_beta"][0] != 0
    diff = got["T_beta_kubo"] - got["mqm"] - got["T_beta"]
    assert np.max(np.abs(diff)) < 1e-12
    with pytest.raises(SymgravError, match="algebraically"):
        sweep_double(model, model.defaults, [1.7], 0)


def _chain():
    k = sp.Symbol("k_x", real=True)
    H = sp.cos(k) / 5 * sp.eye(2) + sp.Matrix(
        [[2 + sp.cos(k) / 2, -sp.I * sp.sin(k)], [sp.I * sp.sin(k), -2 - sp.cos(k) / 2]])
    return symgrav.Model(H, (k,), lattice=True, name="chain")


@pytest.mark.parametrize("T", [0, 1e-2])
def test_lattice_chain_metal_against_mpmath(T):
    model = _chain()
    S = symgrav.Susceptibilities(model, {}, dps=20)
    mus = [-2.3, 1.9]
    got = sweep_double(model, {}, mus, T)
    for j, mu in enumerate(mus):
        ref = S.evaluate(mu, T)
        for name in NAMES:
            assert got[name][j] == pytest.approx(float(ref[name]), rel=RTOL, abs=ATOL), (name, mu)


def _rashba_matrix(px, py, b=sp.Rational(1, 2)):
    sx = sp.Matrix([[0, 1], [1, 0]])
    sy = sp.Matrix([[0, -sp.I], [sp.I, 0]])
    sz = sp.Matrix([[1, 0], [0, -1]])
    return (px ** 2 + py ** 2) / 2 * sp.eye(2) + py * sx - px * sy + b * sz, (sx, sy, sz)


@pytest.mark.parametrize("T", [0, 1e-3])
def test_sum_over_states_four_band_model(T):
    """No closed form (a coupled 4x4 block): two Rashba copies shifted by +-E0.

    H = H_R (x) 1 + 1 (x) (0.3 tau_z + 0.4 tau_x), s = (sigma/2) (x) 1, so every
    quantity is the Rashba value at mu - E0 plus the one at mu + E0, E0 = 0.5.
    """
    px, py = sp.symbols("p_x p_y", real=True)
    HR, sig = _rashba_matrix(px, py)
    tau = sp.Rational(3, 10) * sp.Matrix([[1, 0], [0, -1]]) + sp.Rational(2, 5) * sp.Matrix(
        [[0, 1], [1, 0]])
    H = sp.kronecker_product(HR, sp.eye(2)) + sp.kronecker_product(sp.eye(2), tau)
    spin = [sp.kronecker_product(s / 2, sp.eye(2)) for s in sig]
    four = symgrav.Model(H, (px, py), spin=spin, name="rashba_x2")
    rashba = symgrav.load_model("rashba")
    mus = np.array([-0.3, 0.2, 0.9, 1.6])
    got = sweep_double(four, {}, mus, T)
    lo = sweep_double(rashba, rashba.defaults, mus - 0.5, T)
    hi = sweep_double(rashba, rashba.defaults, mus + 0.5, T)
    for name in NAMES:
        np.testing.assert_allclose(got[name], lo[name] + hi[name], rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize("T", [0, 1e-3])
def test_anisotropic_continuum_rays(T):
    """H_R(lam p_x, p_y) is anisotropic; alpha_x^x etc. equal the Rashba values (scaling)."""
    px, py = sp.symbols("p_x p_y", real=True)
    HR, _ = _rashba_matrix(sp.Rational(3, 2) * px, py)
    aniso = symgrav.Model(HR, (px, py), name="stretched")
    rashba = symgrav.load_model("rashba")
    mus = np.array([-0.55, 0.0, 0.7])
    got = sweep_double(aniso, {}, mus, T)
    ref = sweep_double(rashba, rashba.defaults, mus, T)
    for name in NAMES:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-10, atol=1e-15)


def test_fermi_weights_match_mpmath():
    xs = [-800.0, -30.0, -1.5, -1e-9, 0.0, 2e-9, 0.7, 40.0, 900.0]
    for T in (1e-3, 0.25):
        f, G, w, xfp = fermi_weights_np(np.array(xs) * T, T)
        for k, x in enumerate(xs):
            with mp.workdps(30):
                ref = fermi_weights(mp.mpf(x * T), mp.mpf(T))
            for got, want in zip((f[k], G[k], w[k], xfp[k]), ref):
                assert got == pytest.approx(float(want), rel=1e-13, abs=1e-300)
    f, G, w, xfp = fermi_weights_np(np.array([-1.0, 0.0, 1.0]), 0.0)
    np.testing.assert_array_equal(f, [1, 0.5, 0])
    np.testing.assert_array_equal(G, [1, 0, 0])
    assert not w.any() and not xfp.any()


def test_errors():
    model = symgrav.load_model("rashba")
    with pytest.raises(SymgravError):
        sweep_double(model, model.defaults, [0.0], -1e-3)
    with pytest.raises(SymgravError):
        sweep_double(model, model.defaults, [math.nan], 1e-3)
    with pytest.raises(SymgravError):
        sweep_double(model, model.defaults, [0.0], math.inf)
    with pytest.raises(SymgravError):
        sweep_double("rashba", {}, [0.0], 0)
    with pytest.raises(SymgravError):
        sweep_double(model, {}, [0.0], 0)  # missing parameters
    # an occupied band unbounded below
    p = sp.Symbol("p", real=True)
    down = symgrav.Model(sp.Matrix([[-p ** 2, p], [p, p ** 2]]), (p,))
    with pytest.raises(SymgravError, match="unbounded"):
        sweep_double(down, {}, [0.0], 0)
    # anisotropic 3D continuum: not supported in double precision
    px, py, pz = sp.symbols("p_x p_y p_z", real=True)
    H3 = sp.Matrix([[px ** 2 + py ** 2 + pz ** 2 + 1, py - sp.I * px],
                    [py + sp.I * px, px ** 2 + py ** 2 + pz ** 2 - 1]])
    with pytest.raises(SymgravError, match="3D"):
        sweep_double(symgrav.Model(H3, (px, py, pz)), {}, [2.0], 0)
