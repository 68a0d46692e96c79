"""route="closed_form": window averages of the closed-form T = 0 functions (issue 10 item 4).

Compared with the engine's own routes (graded rays, Fermi-window Chebyshev branches), which
integrate the band data over momentum and never use the closed forms, at 30 digits: far from
band edges, next to them (where the route splits the window at the exact edges), at T = 0, for
the Rashba model in both regimes; and refusals with their reasons.  (The route is
dimension-agnostic; the 1D closed forms themselves are tested in test_closed_forms.py.)
"""

from __future__ import annotations

import mpmath as mp
import pytest

import symgrav
from symgrav import SymgravError, Susceptibilities
from chain_model import chain_model

RASHBA = symgrav.load_model("rashba")
NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")


def agree(a, b):
    with mp.workdps(40):
        scale = max(abs(b[k]) for k in NAMES)
        for k in NAMES:
            assert abs(a[k] - b[k]) <= mp.mpf(10) ** -27 * max(abs(b[k]), scale * 1e-6), \
                (k, a[k], b[k])


@pytest.mark.parametrize("b, points", [
    ("1/2", [("-0.2", "0.001"), ("-0.52", "0.01"), ("0.3", "0")]),
    ("3/2", [("-1.45", "0.02")])])
def test_closed_form_route_against_engine(b, points):
    params = {"hbar": 1, "m": 1, "alpha": 1, "b": b}
    cf = Susceptibilities(RASHBA, params, dps=30, route="closed_form")
    ref = Susceptibilities(RASHBA, params, dps=30)
    for mu, T in points:
        got = cf.evaluate(mu, T)
        assert got.route == "closed_form"
        agree(got, ref.evaluate(mu, T))


def test_closed_form_route_refusals():
    lattice = symgrav.load_model("lattice_insulator")
    with pytest.raises(SymgravError, match="closed_form.*lattice"):
        Susceptibilities(lattice, lattice.defaults, dps=30, route="closed_form").evaluate(0, 0)
    with pytest.raises(SymgravError, match="Bose"):
        Susceptibilities(RASHBA, RASHBA.defaults, dps=30, statistics="bose",
                         route="closed_form").evaluate("-2", "0.1")
    auto = Susceptibilities(RASHBA, RASHBA.defaults, dps=30)
    assert auto.evaluate("0.1", "0.01").route != "closed_form"     # not for a few points


def test_auto_takes_closed_forms_in_long_runs(monkeypatch):
    """auto: closed_form after CLOSED_FORM_AFTER evaluations (here 3), same values; never in
    double precision, and a model without closed forms keeps its routes."""
    import symgrav.numeric.engine as engine
    monkeypatch.setattr(engine, "CLOSED_FORM_AFTER", 3)
    auto = Susceptibilities(RASHBA, RASHBA.defaults, dps=30)
    ref = Susceptibilities(RASHBA, RASHBA.defaults, dps=30, route="graded")
    routes = [auto.evaluate(mu, "0.01").route for mu in ("0.1", "0.2", "0.3", "0.4", "0.45")]
    assert "closed_form" not in routes[:3] and routes[3:] == ["closed_form"] * 2
    agree(auto.evaluate("0.45", "0.01"), ref.evaluate("0.45", "0.01"))
    taken = {d.name: d.reason for d in auto.explain("0.45", "0.01")}
    assert taken["closed_form"] == "applies"
    double = Susceptibilities(RASHBA, RASHBA.defaults, dps="double")
    assert all(double.evaluate(mu, "0.01").route != "closed_form" for mu in ("0.1",) * 5)
    lat = Susceptibilities(chain_model(), {}, dps=20)      # a lattice: no closed forms
    assert all(lat.evaluate(mu, "0.5").route != "closed_form" for mu in ("0", "0.1", "0.2",
                                                                           "0.3", "0.4"))


def test_band_edges_at_zero_temperature():
    """T = 0 with mu exactly at each band edge (-5/8: the ring bottom, -1/2, 1/2): the
    Fermi-surface basis term (singular there) has a zero coefficient at T = 0 and is not
    evaluated; values agree with the graded route."""
    cf = Susceptibilities(RASHBA, RASHBA.defaults, dps=30, route="closed_form")
    ref = Susceptibilities(RASHBA, RASHBA.defaults, dps=30, route="graded")
    for mu in ("-0.625", "-0.5", "0.5"):
        agree(cf.evaluate(mu, "0"), ref.evaluate(mu, "0"))


def test_below_every_band_to_the_digits_of_the_tail():
    """mu below the band bottom (-5/8): the values are exponentially small tails (1e-29 ..
    1e-36 at T = 1e-3); the route integrates them around the edge, to their own digits."""
    cf = Susceptibilities(RASHBA, RASHBA.defaults, dps=30, route="closed_form")
    ref = Susceptibilities(RASHBA, RASHBA.defaults, dps=30, route="graded")
    for mu in ("-0.69", "-0.7"):
        got, want = cf.evaluate(mu, "0.001"), ref.evaluate(mu, "0.001")
        for k in NAMES:
            assert abs(got[k] - want[k]) <= mp.mpf(10) ** -24 * abs(want[k]), (mu, k)
