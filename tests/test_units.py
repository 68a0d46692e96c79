"""symgrav.units: the SI conversion checked by a second route, the dimensional analysis.

The same physical Rashba system (22) is evaluated twice by
:class:`symgrav.Susceptibilities`: once with hbar = m = alpha = 1 and b, mu, T
in units of m alpha^2, once with the parameters as they are (non-unit
numbers, or plain SI numbers for BiTeI).  Converted by :class:`MaterialUnits`
the two must agree; that checks every power of the energy and length units and
of hbar in :mod:`symgrav.units` against the band integrals themselves.
"""

import math

import mpmath as mp
import pytest
from scipy import constants as sc

import symgrav
from symgrav import SymgravError
from symgrav.units import (HBAR, K_B, M_E, MU_B, MaterialUnits, parse_quantity,
                           zeeman_energy)

QUANTITIES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")


def _all(sus, mu, T):
    """Every natural-unit result of Susceptibilities at (mu, T), plus beta, mott, dalpha_dmu."""
    out = dict(sus.evaluate(mu, T))
    out["beta"] = sus.beta(mu, T)
    out["mott"] = sus.mott(mu, T)
    out["dalpha_dmu"] = sus.dalpha_dmu(mu)
    return out


def _compare(route1, units1, route2, units2, rel=1e-12):
    for q in route1:
        a = units1.to_si(q, route1[q])
        b = units2.to_si(q, route2[q])
        assert a == pytest.approx(b, rel=rel, abs=0), q
        assert a != 0, q


@pytest.fixture(scope="module")
def rashba():
    return symgrav.load_model("rashba")


def test_scaling_law_non_unit_parameters(rashba):
    """hbar = 1.3, m = 0.7, alpha = 2.1 (a 'lab' system with E = L = 1) vs hbar = m = alpha = 1."""
    hbar, m, alpha, b, mu, T = 1.3, 0.7, 2.1, 0.9, -0.6, 0.25
    E = m * alpha ** 2                      # energy unit m alpha^2, in lab units
    L = hbar / (m * alpha)                  # length unit hbar / (m alpha), in lab units
    direct = symgrav.Susceptibilities(rashba, {"hbar": hbar, "m": m, "alpha": alpha, "b": b},
                                      dps=20)
    natural = symgrav.Susceptibilities(rashba, {"hbar": 1, "m": 1, "alpha": 1,
                                                "b": mp.mpf(b) / E}, dps=20)
    r2 = _all(direct, mu, T)
    r1 = _all(natural, mp.mpf(mu) / E, mp.mpf(T) / E)
    # both unit systems share g and q; the lab's hbar is the number 1.3
    u1 = MaterialUnits(energy=E, length=L, dim=2, g=2.0)
    u2 = MaterialUnits(energy=1, length=1, dim=2, g=2.0, hbar_value=hbar)
    _compare(r1, u1, r2, u2)


def test_scaling_law_bitei_in_mev_nm_ps(rashba):
    """The BiTeI units (from_mass_velocity) against a computation in meV, nm, ps.

    In the system (meV, nm, ps) BiTeI's hbar, m, alpha, b are O(1) numbers
    (hbar = 0.658 meV ps, m alpha^2 = 194 meV), so Susceptibilities evaluates
    the model as it is, without the hbar = m = alpha = 1 rescaling.
    """
    meV, nm, ps = 1e-3 * sc.electron_volt, 1e-9, 1e-12
    hbar = sc.hbar / (meV * ps)
    m = 0.1 * sc.m_e / (meV * ps ** 2 / nm ** 2)
    alpha = 3.85 * sc.electron_volt * sc.angstrom / (meV * nm) / hbar
    E = m * alpha ** 2
    b, mu, T = 0.3 * E, -0.2 * E, 0.05 * E
    direct = symgrav.Susceptibilities(
        rashba, {"hbar": repr(hbar), "m": repr(m), "alpha": repr(alpha), "b": repr(b)},
        dps=20)
    r2 = _all(direct, repr(mu), repr(T))
    natural = symgrav.Susceptibilities(rashba, {"hbar": 1, "m": 1, "alpha": 1, "b": "0.3"},
                                       dps=20)
    r1 = _all(natural, "-0.2", "0.05")
    u1 = MaterialUnits.from_mass_velocity("0.1 m_e", hbar_velocity="3.85 eV angstrom",
                                          dim=2, g=63)
    u2 = MaterialUnits(energy="1 meV", length="1 nm", dim=2, g=63, hbar_value=hbar)
    _compare(r1, u1, r2, u2, rel=1e-10)
    assert u1.temperature == pytest.approx(E * meV / sc.k, rel=1e-13)
    assert u1.length == pytest.approx(hbar / (m * alpha) * nm, rel=1e-13)


def test_lattice_energy_unit():
    """A lattice model in eV and the same model in meV give the same SI values."""
    model = symgrav.load_model("lattice_insulator")
    p = {k: mp.mpf(v) for k, v in model.defaults.items()}
    ev = symgrav.Susceptibilities(model, p, dps=15).evaluate("-1.5", "0.2")
    mev = symgrav.Susceptibilities(model, {k: 1000 * v for k, v in p.items()},
                                   dps=15).evaluate("-1500", "200")
    u_ev = MaterialUnits.lattice("4 angstrom", "1 eV", dim=2, g=2)
    u_mev = MaterialUnits.lattice("4 angstrom", "1 meV", dim=2, g=2)
    _compare(ev, u_ev, mev, u_mev, rel=1e-10)


@pytest.mark.parametrize("dim, exp", [(1, 0), (2, -1), (3, -2)])
def test_length_power_and_unit_names(dim, exp):
    u = MaterialUnits(energy="1 eV", length="2 nm", dim=dim, g=2)
    assert u.factor("T_beta") == pytest.approx(2 * MU_B * (2e-9) ** exp, rel=1e-14)
    assert u.factor("beta", moment="muB") == pytest.approx(
        2 * (2e-9) ** exp * sc.k / sc.electron_volt, rel=1e-14)
    assert u.factor("alpha") == pytest.approx(
        -sc.e * 2 * MU_B * (2e-9) ** exp / sc.electron_volt, rel=1e-14)
    unit = u.unit("T_beta")
    assert unit == ("J T^-1" if dim == 1 else f"J T^-1 m^{exp}")
    assert u.unit("beta", moment="muB").startswith("mu_B")


def test_parse_quantity():
    assert parse_quantity("3.85 eV angstrom", "energy*length") == pytest.approx(
        3.85 * sc.electron_volt * 1e-10, rel=1e-15)
    assert parse_quantity("3.85 eV \u00c5", "energy*length") == parse_quantity(
        (3.85, "eV*AA"), "energy*length")
    assert parse_quantity("20 K", "temperature") == pytest.approx(20 * sc.k)
    assert parse_quantity("1 \u00b5m", "length") == pytest.approx(1e-6)
    assert parse_quantity("0.1 m_e", "mass") == pytest.approx(0.1 * M_E)
    assert parse_quantity(2.5, "length") == 2.5
    assert zeeman_energy(2, "1 T") == pytest.approx(MU_B)
    assert K_B == sc.k and HBAR == sc.hbar


@pytest.mark.parametrize("call, match", [
    (lambda: parse_quantity("1 furlong", "length"), "unknown unit"),
    (lambda: parse_quantity("1 eV", "length"), "not a unit of length"),
    (lambda: parse_quantity("abc", "length"), "not a number"),
    (lambda: parse_quantity("nan m", "length"), "not finite"),
    (lambda: parse_quantity("1 m", "colour"), "unknown kind"),
    (lambda: MaterialUnits.from_mass_velocity("-0.1 m_e", hbar_velocity="1 eV nm"),
     "mass must be positive"),
    (lambda: MaterialUnits.from_mass_velocity("0.1 m_e"), "exactly one"),
    (lambda: MaterialUnits.from_mass_velocity("0.1 m_e", velocity="1 m", dim=2),
     "not a unit of velocity"),
    (lambda: MaterialUnits("1 eV", "-1 nm", 2), "length unit must be positive"),
    (lambda: MaterialUnits("1 eV", "1 nm", 4), "dim must be"),
    (lambda: MaterialUnits("1 eV", "1 nm", 2, hbar_value=0), "hbar_value must be positive"),
    (lambda: MaterialUnits("1 eV", "1 nm", 2).to_si("kappa", 1), "unknown quantity"),
    (lambda: MaterialUnits("1 eV", "1 nm", 2).to_si("T_beta", 1, moment="G"), "moment"),
    (lambda: MaterialUnits("1 eV", "1 nm", 2).to_natural("1 T", "field"), "kind"),
])
def test_errors(call, match):
    with pytest.raises(SymgravError, match=match):
        call()


def test_to_natural_round_trip():
    u = MaterialUnits.from_mass_velocity("0.1 m_e", hbar_velocity="3.85 eV angstrom", g=63)
    x = u.to_natural("20 K", "temperature")
    assert u.to_kelvin(x) == pytest.approx(20, rel=1e-14)
    assert u.to_joule(x) == pytest.approx(20 * sc.k, rel=1e-14)
    assert u.to_natural("1 um", "length") * u.length == pytest.approx(1e-6, rel=1e-14)
    assert math.isclose(u.momentum * u.length, sc.hbar, rel_tol=1e-14)


# -- user quantities (issue 8): the SI factor from Quantity.energy_power and .charge ---------

USER = (symgrav.Quantity("xi2f", "xi**2*f", 0),        # E^2 on Omega (hbar L/E): n = 1
        symgrav.Quantity("mxif", 0, "xi*f"),            # E on m (hbar L): n = 1
        symgrav.Quantity("xidf", "xi*df", 0, charge=True),   # E^0 on Omega: n = -1, with q
        symgrav.Quantity("Tf2", 0, "T**2*f"))           # E^2 on m: n = 2


def test_user_quantity_factor_by_hand():
    """(xi^2 f, 0): Omega ~ hbar L / E, xi^2 ~ E^2, measure L^-d -> hbar L^(1-d) E^1, so the SI
    factor is g mu_B L_u^(1-d) E_u / hbar_value (the g mu_B / hbar of Eq. 19 restored)."""
    g, E, L, hv = 2.5, 3e-21, 2e-9, 1.3
    xi2f, mxif, xidf, tf2 = USER
    assert [q.energy_power for q in USER] == [1, 1, -1, 2]
    for dim in (1, 2, 3):
        u = MaterialUnits(energy=E, length=L, dim=dim, g=g, hbar_value=hv)
        by_hand = g * MU_B * L ** (1 - dim) * E / hv
        assert u.factor(xi2f) == pytest.approx(by_hand, rel=1e-14)
        assert u.factor(mxif) == pytest.approx(by_hand, rel=1e-14)
        assert u.factor(xidf) == pytest.approx(-sc.e * by_hand / E ** 2, rel=1e-14)
        assert u.factor(tf2) == pytest.approx(by_hand * E, rel=1e-14)
        assert u.to_si(xi2f, "0.5") == pytest.approx(0.5 * by_hand, rel=1e-14)
        m = "" if dim == 1 else f" m^{1 - dim}"
        assert u.unit(xi2f) == f"J T^-1{m} J"
        assert u.unit(xidf) == f"J T^-1{m} V^-1"           # like alpha (19a)
        assert u.unit(tf2, moment="muB") == f"mu_B{m} J^2"
    u = MaterialUnits("1 eV", "1 nm", 2)
    # by name, when the quantity is passed along (e.g. SweepResult.quantities)
    assert u.to_si("xi2f", 2, quantities=USER) == u.to_si(xi2f, 2)
    with pytest.raises(SymgravError, match="unknown quantity"):
        u.to_si("xi2f", 2)
    with pytest.raises(SymgravError, match="no SI unit"):
        u.factor(symgrav.Quantity("mixed", "f + xi*f", 0))
    # built-ins as objects give what their names give
    for q in symgrav.QUANTITIES:
        assert u.factor(q) == u.factor(q.name) and u.unit(q) == u.unit(q.name)


def test_scaling_law_user_quantities(rashba):
    """The second route for user quantities: the same Rashba system in two unit systems
    (as test_scaling_law_non_unit_parameters) agrees in SI for every energy power."""
    hbar, m, alpha, b, mu, T = 1.3, 0.7, 2.1, 0.9, -0.6, 0.25
    E, L = m * alpha ** 2, hbar / (m * alpha)
    direct = symgrav.Susceptibilities(rashba, {"hbar": hbar, "m": m, "alpha": alpha, "b": b},
                                      dps=20, quantities=USER)
    natural = symgrav.Susceptibilities(rashba, {"hbar": 1, "m": 1, "alpha": 1,
                                                "b": mp.mpf(b) / E}, dps=20, quantities=USER)
    r2, r1 = direct.evaluate(mu, T), natural.evaluate(mp.mpf(mu) / E, mp.mpf(T) / E)
    u1 = MaterialUnits(energy=E, length=L, dim=2, g=2.0)
    u2 = MaterialUnits(energy=1, length=1, dim=2, g=2.0, hbar_value=hbar)
    for q in USER:
        a, c = u1.to_si(q, r1[q.name]), u2.to_si(q, r2[q.name])
        assert a == pytest.approx(c, rel=1e-12, abs=0) and a != 0, q.name
