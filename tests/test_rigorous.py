"""Certified T = 0 enclosures (issue 10 item 5, T = 0 part): Arb balls of the closed forms.

Every ball must contain the value of the hand-derived Rashba formulas of
tests/rashba_reference.py (independent of SymPy and of the library) computed at 50 digits,
and be narrower than 10^-(dps - 5) relative.  Skipped without python-flint.
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

import symgrav
from symgrav import SymgravError

flint = pytest.importorskip("flint")

import rashba_reference as ref  # noqa: E402

RASHBA = symgrav.load_model("rashba")


def as_arb(x):
    return flint.arb(mp.nstr(x, 60, min_fixed=-mp.inf, max_fixed=mp.inf))


@pytest.mark.parametrize("b", ["1/2", "3/2"])
def test_enclosures_contain_the_hand_formulas(b):
    params = {"hbar": 1, "m": 1, "alpha": 1, "b": b}
    forms = {"alpha": ref.alpha0, "mqm": ref.mqm0}
    mus = ["-0.6", "-0.56", "-0.2", "0.7", "1.3"] if b == "1/2" else ["-1.2", "0.4", "2.2"]
    for dps in (30, 45):
        for name, hand in forms.items():
            expr = symgrav.zero_temperature(RASHBA, name, params=params)
            for mu in mus:
                ball = symgrav.zero_temperature_enclosure(expr, mu, dps=dps)
                with mp.workdps(60):
                    exact = hand(mp.mpf(sp.Rational(mu)), mp.mpf(sp.Rational(b)))
                with flint.ctx.workdps(70):
                    assert ball.contains(as_arb(exact)) or (exact == 0 and ball.contains(0)), \
                        (name, mu, ball, exact)
                    scale = max(abs(exact), mp.mpf(10) ** -10)
                    assert ball.rad() < as_arb(mp.mpf(10) ** (-dps + 5) * scale), (name, mu)


def test_enclosure_refusals():
    expr = symgrav.zero_temperature(RASHBA, "alpha", params={"hbar": 1, "m": 1, "alpha": 1,
                                                            "b": "1/2"})
    with pytest.raises(SymgravError, match="band edge"):
        symgrav.zero_temperature_enclosure(expr, "-0.5")
    with pytest.raises(SymgravError, match="exact"):
        symgrav.zero_temperature_enclosure(expr, -0.2)
    free = symgrav.zero_temperature(RASHBA, "alpha", params={"hbar": 1, "m": 1, "alpha": 1})
    with pytest.raises(SymgravError, match="substitute"):
        symgrav.zero_temperature_enclosure(free, "0.1")
