"""Susceptibilities(..., dps="double") against independent references (replaces test_double.py).

References: the hand-derived closed forms of tests/rashba_reference.py (alpha, M, T beta~,
T beta of the Rashba model, Eq. 22), tests/references/rashba_radial.py (M~, Eq. B7a) and
tests/references/bz_grid.py (lattice models on a converged k grid; 1D chains by
Gauss-Legendre between Fermi points).  Nothing here compares the engine with itself.

Tolerances.  Double mode promises ~1e-12 relative accuracy with an absolute floor of ~1e-14
times the size of the band terms where a quantity cancels to ~0 (e.g. M = 0 exactly for
mu > b at T = 0 in the Rashba model, while each band contributes ~0.03).  The tests use
RTOL = 1e-10 and ATOL = 1e-15: for the Rashba model every band term is below ~0.1 (the
integral of |Omega| over all p is 1/(8 pi) = 0.04 for any b, the m terms are
(b/8 pi) ln(Delta_F/b) ~ 0.03), so 1e-15 is 1e-14 of them.  T beta is computed from its
own weight (Eq. 20) and keeps its relative accuracy however small it is: floor 1e-25.
"""

import math

import mpmath as mp
import pytest
import sympy as sp

import symgrav
from symgrav import SymgravError
from rashba_reference import reference
from chain_model import chain_model
from references import bz_grid as Z
from references import rashba_radial as R

RTOL, ATOL = 1e-10, 1e-15
NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")
# b = 0.5: band bottom -0.625 (ring at p = sqrt(3)/2), Mexican-hat top -0.5, upper band +0.5
RASHBA = [(0.5, "-0.62"), (0.5, "-0.55"), (0.5, "0.0"), (0.5, "0.7"),
          (1.5, "-1.45"), (1.5, "0.0"), (1.5, "2.0")]

_cache = {}


def double(model_name, b=None):
    if (model_name, b) not in _cache:
        model = symgrav.load_model(model_name)
        params = dict(model.defaults) if b is None else {**model.defaults, "b": b}
        _cache[model_name, b] = symgrav.Susceptibilities(model, params, dps="double")
    return _cache[model_name, b]


def closed(mu, T, b):
    with mp.workdps(30):
        ref = reference(mu, T, mp.mpf(b))
        ref["mqm_aux"] = R.fermi_sea(mu, T, b, *R.builtin_weights()["mqm_aux"])
    return {k: float(v) for k, v in ref.items()}


def assert_floats(got):
    for name in NAMES:
        assert type(got[name]) is float, (name, type(got[name]))


@pytest.mark.parametrize("T", ["0", "0.001", "0.01"])
@pytest.mark.parametrize("b, mu", RASHBA)
def test_rashba_against_closed_forms(b, mu, T):
    got = double("rashba", b).evaluate(mu, T)
    assert_floats(got)
    want = closed(mu, T, b)
    for name in ("alpha", "T_beta_kubo", "mqm", "mqm_aux"):
        assert got[name] == pytest.approx(want[name], rel=RTOL, abs=ATOL), (
            name, b, mu, T, got.route)
    assert got["T_beta"] == pytest.approx(want["T_beta"], rel=RTOL, abs=1e-25), got.route


@pytest.mark.parametrize("b, mu", RASHBA)
def test_rashba_T_beta_low_T_is_relative(b, mu):
    """At T = 1e-4, T beta ~ 1e-9 of the band terms: still 1e-8 relative (own weight, Eq. 20)."""
    got = double("rashba", b).evaluate(mu, "0.0001")
    with mp.workdps(30):
        want = float(reference(mu, "0.0001", mp.mpf(b))["T_beta"])
    assert want != 0
    assert got["T_beta"] == pytest.approx(want, rel=1e-8, abs=0), (b, mu, got.route)


@pytest.mark.parametrize("mu", ["-0.62", "0.0", "0.7", "1.3"])
def test_zero_T_identities(mu):
    """T = 0: T beta = 0 (Eq. 20 weight vanishes), T beta~ = M~ = M (weights coincide)."""
    got = double("rashba").evaluate(mu, 0)
    assert got["T_beta"] == 0
    for name in ("T_beta_kubo", "mqm_aux"):
        assert got[name] == pytest.approx(got["mqm"], rel=1e-13, abs=ATOL), (name, got.route)


def test_rashba_band_bottom_edge_and_below():
    """Below every band everything is 0 at T = 0; just above the ring minimum alpha is small."""
    S = double("rashba")
    below = S.evaluate("-0.7", 0)
    assert all(below[name] == 0 for name in NAMES), below
    edge = S.evaluate("-0.6249", 0)
    assert 0 < edge["alpha"] < 1e-3
    assert edge["alpha"] == pytest.approx(closed("-0.6249", "0", 0.5)["alpha"], rel=RTOL)


# -- lattice models -------------------------------------------------------------------------------

@pytest.mark.parametrize("mu, T, n", [(0.0, 0.0, 64), (0.0, 0.1, 64), (-1.5, 0.1, 128),
                                      (1.7, 0.1, 128)])
def test_lattice_insulator_against_grid(mu, T, n):
    """bz_grid converged to 1e-13 of the band terms (n -> 2n): tolerance RTOL + 1e-14 x terms."""
    W = Z.builtin_weights()
    _, ref = Z.converged(Z.LatticeInsulator(), mu, T, W, n=n, rtol=1e-13)
    size = Z.band_sums(Z.grid_geometry(Z.LatticeInsulator(), 2 * n), mu, T, W)
    got = double("lattice_insulator").evaluate(mu, T)
    assert_floats(got)
    for name in NAMES:
        assert got[name] == pytest.approx(ref[name], rel=RTOL, abs=1e-14 * size[name][1]), (
            name, mu, T, got.route)


def test_lattice_insulator_in_gap():
    """Inside the gap (-1.4, 0.6) the thermal corrections at T = 0.01 are ~e^-60."""
    S = double("lattice_insulator")
    cold, hot = S.evaluate(0.0, 0), S.evaluate(0.0, 0.01)
    _, ref = Z.converged(Z.LatticeInsulator(), 0.0, 0.0, Z.builtin_weights(), n=64)
    assert cold["alpha"] == pytest.approx(ref["alpha"], rel=1e-12)
    assert hot["alpha"] == pytest.approx(ref["alpha"], rel=1e-12)
    assert abs(hot["T_beta"]) < 1e-20


def _chain():
    return chain_model(), Z.chain_H, Z.chain_dH


@pytest.mark.parametrize("T", [0, 1e-2])
def test_lattice_chain_metal(T):
    """1D chain: lower band [-2.32, -1.7], upper [1.3, 2.7]; mu inside each band."""
    model, H, dH = _chain()
    S = symgrav.Susceptibilities(model, {}, dps="double")
    for mu in (-2.0, 1.9):
        got = S.evaluate(mu, T)
        ref = Z.chain_fermi_sea(H, dH, Z.SX / 2, mu, T, Z.builtin_weights())
        for name in NAMES:
            assert got[name] == pytest.approx(ref[name], rel=RTOL, abs=ATOL), (
                name, mu, T, got.route)


@pytest.mark.parametrize("mu", [-1.7, 1.3])
def test_lattice_chain_band_edge_on_the_zone_boundary(mu):
    """T = 0 with mu exactly at a band edge at k = pi (the top of the lower band, the bottom of
    the upper): the Fermi point is on the zone boundary, where the periodic trapezoid rule
    would sample the step at every level; the line is integrated between its breakpoints."""
    model, H, dH = _chain()
    ref = Z.chain_fermi_sea(H, dH, Z.SX / 2, mu, 0, Z.builtin_weights())
    for dps in ("double", 20):
        got = symgrav.Susceptibilities(model, {}, dps=dps).evaluate(str(mu), 0)
        for name in NAMES:
            assert float(got[name]) == pytest.approx(ref[name], rel=RTOL, abs=ATOL), (
                name, mu, dps)


# -- continuum models without closed forms in the engine -----------------------------------------

def _rashba_matrix(px, py, b=sp.Rational(1, 2)):
    sx = sp.Matrix([[0, 1], [1, 0]])
    sy = sp.Matrix([[0, -sp.I], [sp.I, 0]])
    sz = sp.Matrix([[1, 0], [0, -1]])
    return (px ** 2 + py ** 2) / 2 * sp.eye(2) + py * sx - px * sy + b * sz, (sx, sy, sz)


@pytest.mark.parametrize("T", ["0", "0.001"])
def test_four_band_model(T):
    """A coupled 4x4: H = H_R (x) 1 + 1 (x) (0.3 tau_z + 0.4 tau_x), s = (sigma/2) (x) 1.
    Its bands are the Rashba bands shifted by +-E0 = +-0.5 with the Rashba Omega, m, so
    every quantity is the closed form at mu - E0 plus the one at mu + E0."""
    px, py = sp.symbols("p_x p_y", real=True)
    HR, sig = _rashba_matrix(px, py)
    tau = sp.Rational(3, 10) * sp.Matrix([[1, 0], [0, -1]]) + sp.Rational(2, 5) * sp.Matrix(
        [[0, 1], [1, 0]])
    H = sp.kronecker_product(HR, sp.eye(2)) + sp.kronecker_product(sp.eye(2), tau)
    spin = [sp.kronecker_product(s / 2, sp.eye(2)) for s in sig]
    S = symgrav.Susceptibilities(symgrav.Model(H, (px, py), spin=spin, name="rashba_x2"), {},
                                 dps="double")
    for mu in ("-0.3", "0.2", "0.9", "1.6"):
        got = S.evaluate(mu, T)
        lo = closed(str(mp.mpf(mu) - mp.mpf("0.5")), T, 0.5)
        hi = closed(str(mp.mpf(mu) + mp.mpf("0.5")), T, 0.5)
        for name in NAMES:
            assert got[name] == pytest.approx(lo[name] + hi[name], rel=RTOL, abs=2 * ATOL), (
                name, mu, T, got.route)


@pytest.mark.parametrize("T", ["0", "0.001"])
def test_anisotropic_continuum(T):
    """H_R(lam p_x, p_y), lam = 3/2: p_x' = lam p_x scales v_x by lam and the measure by
    1/lam, so alpha_x^x etc. equal the Rashba closed forms."""
    px, py = sp.symbols("p_x p_y", real=True)
    HR, _ = _rashba_matrix(sp.Rational(3, 2) * px, py)
    S = symgrav.Susceptibilities(symgrav.Model(HR, (px, py), name="stretched"), {},
                                 dps="double")
    for mu in ("-0.55", "0.0", "0.7"):
        got = S.evaluate(mu, T)
        want = closed(mu, T, 0.5)
        for name in NAMES:
            assert got[name] == pytest.approx(want[name], rel=RTOL, abs=ATOL), (
                name, mu, T, got.route)


def test_errors():
    model = symgrav.load_model("rashba")
    S = symgrav.Susceptibilities(model, model.defaults, dps="double")
    for mu, T in ((0.0, -1e-3), (math.nan, 1e-3), (0.0, math.inf), (math.inf, 0.1)):
        with pytest.raises(SymgravError):
            S.evaluate(mu, T)
    for dps in ("single", 14, 2.5, None):
        with pytest.raises(SymgravError):
            symgrav.Susceptibilities(model, model.defaults, dps=dps)
    with pytest.raises(SymgravError):
        symgrav.Susceptibilities("rashba", {}, dps="double")
    with pytest.raises(SymgravError):
        symgrav.Susceptibilities(model, {}, dps="double")           # missing parameters
    p = sp.Symbol("p", real=True)                                   # occupied band unbounded
    down = symgrav.Model(sp.Matrix([[-p ** 2, p], [p, p ** 2]]), (p,))
    with pytest.raises(SymgravError, match="unbounded"):
        symgrav.Susceptibilities(down, {}, dps="double").evaluate(0.0, 0)
