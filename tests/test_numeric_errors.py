"""Every input error of the numeric layer (Susceptibilities) is a SymgravError naming the problem.

Each case is fast (dps 15-20, errors raised before or at the first line scan).
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

import symgrav
from symgrav import Model, Susceptibilities, SymgravError

px, py = sp.symbols("p_x p_y", real=True)
SX = sp.Matrix([[0, 1], [1, 0]])
SY = sp.Matrix([[0, -sp.I], [sp.I, 0]])
P2 = px**2 + py**2


@pytest.fixture(scope="module")
def rashba():
    return symgrav.load_model("rashba")


@pytest.fixture(scope="module")
def params(rashba):
    return dict(rashba.defaults)


@pytest.fixture(scope="module")
def susc(rashba, params):
    return Susceptibilities(rashba, params, dps=20)


def test_valid_setup_works(susc):
    """The error tests below start from this valid setup (so each tests one defect)."""
    with mp.workdps(20):
        assert susc.alpha(0, 0) > 0


# ---------------------------------------------------------------------------
# parameters, precision, statistics, axes
# ---------------------------------------------------------------------------

def test_missing_parameter(rashba, params):
    p = dict(params)
    del p["b"]
    with pytest.raises(SymgravError, match=r"no value given for parameter.*'b'"):
        Susceptibilities(rashba, p)


def test_unknown_parameter(rashba, params):
    with pytest.raises(SymgravError, match=r"unknown parameter 'c'"):
        Susceptibilities(rashba, dict(params, c=1))


@pytest.mark.parametrize("value", ["xyz", None, float("inf"), float("nan")],
                         ids=["string", "None", "inf", "nan"])
def test_bad_parameter_value(rashba, params, value):
    with pytest.raises(SymgravError, match=r"parameter b = .*(not a real number|not finite)"):
        Susceptibilities(rashba, dict(params, b=value))


@pytest.mark.parametrize("dps", [14, 0, -5, 30.0, "30", None, 40.5],
                         ids=["14", "0", "negative", "float", "str", "None", "fraction"])
def test_bad_dps(rashba, params, dps):
    with pytest.raises(SymgravError, match=r"dps must be an integer >= 15"):
        Susceptibilities(rashba, params, dps=dps)


def test_dps_15_is_allowed(rashba, params):
    Susceptibilities(rashba, params, dps=15)


@pytest.mark.parametrize("stat", ["boltzmann", "", "fermion", None])
def test_unknown_statistics(rashba, params, stat):
    with pytest.raises(SymgravError, match=r"statistics must be 'fermi' or 'bose'"):
        Susceptibilities(rashba, params, statistics=stat)


def test_not_a_model(params):
    with pytest.raises(SymgravError, match=r"expected a symgrav.Model"):
        Susceptibilities("rashba", params)


@pytest.mark.parametrize("a", ["w", "X", 3, None])
def test_bad_spin_component(rashba, params, a):
    with pytest.raises(SymgravError, match=r"spin component a must be one of"):
        Susceptibilities(rashba, params, a=a)


@pytest.mark.parametrize("i", ["w", 5])
def test_bad_momentum_axis(rashba, params, i):
    with pytest.raises(SymgravError, match=r"momentum axis i must be one of"):
        Susceptibilities(rashba, params, i=i)


def test_axis_z_in_2d_model(rashba, params):
    with pytest.raises(SymgravError, match=r"momentum axis 'z' does not exist in a 2D model"):
        Susceptibilities(rashba, params, i="z")


# ---------------------------------------------------------------------------
# mu and T
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("T", [-1e-3, -1, "-1e-30"], ids=["-1e-3", "-1", "-1e-30"])
@pytest.mark.parametrize("method", ["evaluate", "alpha", "mqm", "mqm_aux", "T_beta",
                                    "T_beta_kubo", "beta", "mott"])
def test_negative_temperature(susc, method, T):
    with pytest.raises(SymgravError, match=r"temperature must be >= 0"):
        getattr(susc, method)(0, T)


@pytest.mark.parametrize("mu", ["abc", "", None, 1j, [0.1]], ids=["abc", "empty", "None",
                                                                   "complex", "list"])
def test_bad_mu(susc, mu):
    with pytest.raises(SymgravError, match=r"mu = .* is not a real number"):
        susc.alpha(mu, 0.01)
    with pytest.raises(SymgravError, match=r"mu = .* is not a real number"):
        susc.dalpha_dmu(mu)


@pytest.mark.parametrize("mu", ["inf", "-inf", "nan", float("inf")])
def test_non_finite_mu(susc, mu):
    with pytest.raises(SymgravError, match=r"mu = .* is not finite"):
        susc.alpha(mu, 0.01)


@pytest.mark.parametrize("T", ["hot", "nan", "inf", None])
def test_bad_temperature_value(susc, T):
    with pytest.raises(SymgravError, match=r"T = .* is not (a real number|finite)"):
        susc.alpha(0, T)


# ---------------------------------------------------------------------------
# models whose Fermi sea is not finite
# ---------------------------------------------------------------------------

UNBOUNDED = {
    # lower band -p^2/2 (a hole band falling forever), coupled to the upper one
    "inverted-hole-band": sp.diag(-P2 / 2, P2 / 2) + sp.Rational(1, 5) * (px * SX + py * SY),
    # a single band eps = -p^2 (no coupling at all)
    "eps=-p^2": sp.diag(-P2, 1 + P2),
    # a band that saturates below mu: eps -> 0^- as p -> oo, so at mu = 0 the whole
    # plane is occupied (infinite density)
    "saturating": sp.diag(-1 / (1 + P2), P2 / 2 + 1) + sp.Rational(1, 5) * (px * SX + py * SY),
}


@pytest.mark.parametrize("T", [0, 0.01])
@pytest.mark.parametrize("name", list(UNBOUNDED))
def test_unbounded_occupied_band(name, T):
    model = Model(UNBOUNDED[name], [px, py])
    s = Susceptibilities(model, {}, dps=15)
    with pytest.raises(SymgravError, match=r"unbounded"):
        s.evaluate(0, T)


def test_saturating_band_fine_when_mu_below_saturation():
    """The same saturating model is legal when mu lies below the saturation value 0."""
    model = Model(UNBOUNDED["saturating"], [px, py])
    s = Susceptibilities(model, {}, dps=15)
    with pytest.raises(SymgravError, match=r"unbounded"):
        s.evaluate("0.5", 0)
    r = s.evaluate("-0.5", 0)
    with mp.workdps(15):
        assert all(mp.isfinite(v) for v in r.values())


def test_unbounded_dalpha_dmu():
    model = Model(UNBOUNDED["eps=-p^2"], [px, py])
    s = Susceptibilities(model, {}, dps=15)
    with pytest.raises(SymgravError, match=r"unbounded"):
        s.dalpha_dmu(0)


# ---------------------------------------------------------------------------
# Bose statistics need mu below every band
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mu", [0, -0.625, "-0.6", 2.0], ids=["gap", "at-bottom", "hat",
                                                               "two-band"])
@pytest.mark.parametrize("T", [0, 0.05])
def test_bose_mu_above_band_bottom(rashba, params, mu, T):
    s = Susceptibilities(rashba, params, dps=20, statistics="bose")
    with pytest.raises(SymgravError, match=r"Bose statistics.*band bottom"):
        s.evaluate(mu, T)


def test_bose_dalpha_dmu_mu_above_bottom(rashba, params):
    s = Susceptibilities(rashba, params, dps=20, statistics="bose")
    with pytest.raises(SymgravError, match=r"Bose statistics"):
        s.dalpha_dmu(0)
