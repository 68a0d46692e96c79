"""Certified enclosures at T > 0 (issue 10 item 5): Arb Fermi-window integrals of the closed forms.

Every enclosure must contain a 40-digit value computed independently here: the
radial momentum integral of the Rashba model (Eq. 22; hbar = m = alpha = 1) with
the band data of /work/shared/PHYSICS.md (Omega_{x,+-}^x = -+ b / 4 Delta^3,
m_+- = b / 4 Delta^2), the Fermi function and its integral G written in this
file, and the weights of Eqs. (19a), (19b), (8a), (20), by mpmath quad at
workdps(45); and be narrower than 10^-(dps - 5) relative.  The T = 1e-10 Mott
ratio must contain the value of the Sommerfeld series of low_temperature_series.
Skipped without python-flint.
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

import symgrav
from symgrav import SymgravError
from symgrav.cli import main

flint = pytest.importorskip("flint")

from symgrav.numeric.rigorous_window import (Enclosure, enclosure,  # noqa: E402
                                             mott_ratio_enclosure)
from symgrav.numeric.rigorous import arb_value  # noqa: E402
from symgrav.numeric.tail_bound import power_bound, window_tail  # noqa: E402

RASHBA = symgrav.load_model("rashba")


def _fermi_parts(xi, T):
    """(f, G, xi f + G) of the Fermi function, each without cancellation."""
    if xi >= 0:
        s = 1 / (mp.exp(xi / T) + 1)
        L = T * mp.log1p(mp.exp(-xi / T))
        return s, L, xi * s + L
    s = 1 / (mp.exp(-xi / T) + 1)          # 1 - f
    L = T * mp.log1p(mp.exp(xi / T))
    return 1 - s, L - xi, L - xi * s


def radial_reference(name, mu, T, b):
    """int d^2p/(2pi)^2 sum_n [Omega_n w_Omega + m_n w_m] for the Rashba model, by quad."""
    def integrand(p):
        D = mp.sqrt(p * p + b * b)
        total = mp.mpf(0)
        for sign in (-1, 1):                 # eps_-+ = p^2/2 -+ Delta
            xi = p * p / 2 + sign * D - mu
            om, mm = -sign * b / (4 * D ** 3), b / (4 * D ** 2)
            f, G, tb = _fermi_parts(xi, T)
            df = -f * (1 - f) / T
            w = {"alpha": om * f, "T_beta": om * tb, "mqm": -om * G + mm * f,
                 "T_beta_kubo": om * xi * f + mm * f,
                 "mqm_aux": om * xi * f + mm * (f + xi * df)}[name]
            total += w
        return p * total / (2 * mp.pi)

    points = {mp.mpf(0)}
    if b < 1:
        points.add(mp.sqrt(1 - b * b))       # the ring minimum of eps_-
    disc = 1 + b * b + 2 * mu
    if disc > 0:
        r = mp.sqrt(disc)
        for D in (1 + r, 1 - r, -1 + r):     # Delta at the Fermi momenta
            if D > b:
                pf = mp.sqrt(D * D - b * b)
                for c in (0, 1, 4, 16, 64, 256):
                    for s in (-1, 1):
                        if pf + s * c * T > 0:
                            points.add(pf + s * c * T)
    pts = sorted(points)
    return mp.quad(integrand, pts + [pts[-1] + 1, mp.inf])


def _mpf(fraction):
    return mp.mpf(fraction.numerator) / fraction.denominator


def _exact_value(x):
    return flint.arb(mp.nstr(x, 60, min_fixed=-mp.inf, max_fixed=mp.inf))


#: (b, mu, T, quantities): the Mexican hat below and between the band bottoms (M~ of Eq. B7a
#: has a Fermi-surface term, 1/sqrt singular at the ring bottom -5/8: also mu there), both bands
#: occupied (M ~ exp(-(mu - b)/T) = 1e-21 there, below the 40-digit absolute accuracy of the
#: radial quadrature of its O(1e-2) band terms, so not M), and b > m alpha^2
CASES = [("1/2", "-1/5", "1/100", ("alpha", "T_beta", "mqm", "T_beta_kubo", "mqm_aux")),
         ("1/2", "-5/8", "1/50", ("mqm_aux",)),
         ("1/2", "13/10", "1/50", ("alpha", "T_beta")),
         ("3/2", "2/5", "1/1000", ("mqm", "T_beta_kubo"))]


@pytest.mark.parametrize("b,mu,T,names", CASES)
def test_enclosures_contain_the_radial_integral(b, mu, T, names):
    params = {"b": b}
    dps = 30
    for name in names:
        ball = enclosure(RASHBA, name, mu, T, params=params, dps=dps)
        with mp.workdps(45):
            ref = radial_reference(name, mp.mpf(sp.Rational(mu)), mp.mpf(sp.Rational(T)),
                                   mp.mpf(sp.Rational(b)))
        assert ball.contains(ref), (name, b, mu, T, ball, ref)
        assert _mpf(ball.radius) < mp.mpf(10) ** (-dps + 5) * abs(ref), (name, ball, ref)
        assert ball.lower <= ball.mid <= ball.upper


def test_tiny_value_above_both_bands_against_the_hand_formulas():
    """M = 2.2e-21 at mu = 1.3 (exponentially small above both bands): relative digits."""
    import rashba_reference as hand
    ball = enclosure(RASHBA, "mqm", "13/10", "1/50", params={"b": "1/2"}, dps=30)
    with mp.workdps(50):
        ref = hand.reference(mp.mpf(13) / 10, mp.mpf(1) / 50, mp.mpf(1) / 2)["mqm"]
    assert ball.contains(ref)
    assert _mpf(ball.radius) < mp.mpf(10) ** -25 * abs(ref)


def test_forty_digits():
    with mp.workdps(45):
        ref = radial_reference("T_beta", mp.mpf("-0.2"), mp.mpf("0.01"), mp.mpf("0.5"))
    ball = enclosure(RASHBA, "T_beta", "-0.2", "0.01", params={"b": "0.5"}, dps=40)
    assert ball.contains(ref)
    assert _mpf(ball.radius) < mp.mpf(10) ** -35 * abs(ref)


@pytest.mark.parametrize("mu", ["-1/5", "-9/16", "1"])
def test_mott_ratio_at_1e_minus_10_contains_the_sommerfeld_series(mu):
    T = sp.Rational(1, 10 ** 10)
    params = {"hbar": 1, "m": 1, "alpha": 1, "b": sp.Rational(1, 2)}
    ratio = mott_ratio_enclosure(RASHBA, mu, "1e-10", params={"b": "1/2"}, dps=30)
    series = symgrav.low_temperature_series(RASHBA, "T_beta", 3, params=params)
    Tsym = [s for s in series.free_symbols if s.name == "T"][0]
    musym = [s for s in series.free_symbols if s.name == "mu"][0]
    c1 = series.coeff(Tsym, 2)
    at = {musym: sp.Rational(mu), Tsym: T}
    value = ((series - c1 * Tsym ** 2) / (c1 * Tsym ** 2)).subs(at).evalf(70)
    with mp.workdps(70):
        v = mp.mpf(str(value))
    assert ratio.contains(v), (ratio, v)
    assert 0 < _mpf(ratio.radius) < mp.mpf(10) ** -25 * abs(v)  # relative to ratio - 1


def test_zero_temperature_matches_the_closed_form_enclosure():
    ball = enclosure(RASHBA, "alpha", "-1/5", 0, params={"b": "1/2"}, dps=30)
    with mp.workdps(45):
        ref = radial_reference("alpha", mp.mpf("-0.2"), mp.mpf("1e-30"), mp.mpf("0.5"))
    assert ball.contains(ref)


def test_power_bound_and_tail_hold_at_sample_points():
    E = sp.Symbol("E_F", real=True)
    expr = E * sp.sqrt(8 * E - 4 * sp.sqrt(8 * E + 5) + 9) - sp.log(E + 3) / sp.sqrt(E) \
        + sp.atan(E) * E ** 2
    C, p = power_bound(expr, E, 4, lambda x: arb_value(x, {}, flint), flint)
    f = sp.lambdify(E, expr, "mpmath")
    with mp.workdps(30):
        Cm = mp.mpf(C.str(40, radius=False))
        power = mp.mpf(p.numerator) / p.denominator
        for x in [4, 5, 10, 100, 10 ** 4, 10 ** 8, 10 ** 20]:
            assert abs(f(mp.mpf(x))) <= Cm * mp.mpf(x) ** power, x
        mu, T, Ec = mp.mpf("0.3"), mp.mpf("0.05"), 4
        # int_Ec^oo e^(-(E - mu)/T) C E^p dE / T = C e^(mu/T) T^p Gamma(p + 1, Ec/T)
        exact = Cm * mp.exp(mu / T) * T ** power * mp.gammainc(power + 1, Ec / T)
        bound = window_tail(C, p, Ec, flint.arb("0.3"), flint.arb("0.05"), flint)
        upper = mp.mpf(bound.str(40, radius=False))
        assert exact <= upper * (1 + mp.mpf(10) ** -20)
        if p.denominator == 1:       # then the bound is the integral itself
            assert upper <= exact * (1 + mp.mpf(10) ** -12)   # arb at 53 bits here


def test_refusals():
    with pytest.raises(SymgravError, match="exact"):
        enclosure(RASHBA, "alpha", -0.2, "0.01")
    with pytest.raises(SymgravError, match="T must be"):
        enclosure(RASHBA, "alpha", "-0.2", "-1/100")
    with pytest.raises(SymgravError, match="not a Fermi-window average"):
        enclosure(RASHBA, symgrav.Quantity("f_squared", "f**2", 0), "-0.2", "0.01", dps=15)
    with pytest.raises(SymgravError, match="not finite"):
        Enclosure(flint.arb("nan"))


def test_cli_verify_rigorous(capsys):
    assert main(["verify", "rashba", "--rigorous", "--mu", "-0.2", "--dps", "20",
                 "--temperature", "1/100"]) == 0
    out = capsys.readouterr().out
    assert "T_beta/Mott - 1" in out and "mu = -0.2, T = 1e-10" in out
    line = [x for x in out.splitlines() if x.strip().startswith("T_beta (20)")][0]
    with mp.workdps(45):
        ref = radial_reference("T_beta", mp.mpf("-0.2"), mp.mpf("0.01"), mp.mpf("0.5"))
    assert flint.arb(line.split(None, 2)[2]).contains(_exact_value(ref))
    assert main(["verify", "rashba", "--rigorous", "--check", "mott"]) == 2
    assert main(["verify", "rashba", "--rigorous", "--param", "b=0.3x"]) == 2
    assert main(["verify", "rashba", "--rigorous", "--mu", "0.1x"]) == 2
    assert main(["verify", "lattice_insulator", "--rigorous"]) == 2
    assert main(["verify", "rashba", "--temperature", "0.1"]) == 2


def test_one_dimensional_wire_against_the_graded_route():
    """A 1D Rashba wire: every band extremum is a 1D van Hove point (1/sqrt in M~, Eq. B7a).

    The reference is the engine's graded momentum-space route (the Fermi function on rays,
    no closed form) at 40 digits.
    """
    p, m, lam, b = sp.symbols("p m lambda b", real=True)
    H = p ** 2 / (2 * m) * sp.eye(2) + lam * p * sp.Matrix([[0, -sp.I], [sp.I, 0]]) \
        + b * sp.Matrix([[1, 0], [0, -1]])
    model = symgrav.Model(H, [p], parameters={"m": 1, "lambda": 1, "b": "2/5"})
    eng = symgrav.Susceptibilities(model, {"m": 1, "lambda": 1, "b": "2/5"}, dps=40,
                                   route="graded")
    ref = eng.evaluate("-0.3", "0.01")
    # alpha: bounded at the non-dyadic ring bottom -29/50 (its ball enters the radius);
    # M~: unbounded there and at -2/5 (the s-substitution on both sides)
    for name in ("alpha", "mqm_aux"):
        ball = enclosure(model, name, "-3/10", "1/100", dps=30)
        assert ball.contains(ref[name]), (name, ball, ref[name])
        assert _mpf(ball.radius) < mp.mpf(10) ** -25 * abs(ref[name])
