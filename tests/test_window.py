"""The Fermi-window route (App. E): Gauss rule for -f', fast path vs graded path vs reference.

``Susceptibilities.evaluate`` first tries the Fermi-window route of
:mod:`symgrav.numeric.window_route` (zero-temperature values at mu plus Gauss-rule
averages over the window w(x) = -f'(x) of zero-temperature functions at
mu + T x_k) and falls back to the graded momentum-space integration near
band extrema and wherever the route does not apply.  Here:

* the Gauss rule is exact on polynomials of degree 2N - 1 and its closed-form
  recurrence agrees with Chebyshev's algorithm on the moments;
* the fast route agrees with the graded path (forced with route="graded") and with the
  independent closed-form reference of tests/rashba_reference.py to 30
  digits at dps = 40, in every regime of the Rashba ferromagnet it takes;
* it is not taken (falls back) within X T of a band extremum or band edge,
  X e^-X = 10^-(dps+6) (X = 110.6 at dps = 40), and the first chemical
  potentials beyond that threshold are already exact to 30 digits;
* 1D continuum models (two rays; one asymmetric) agree with the graded path;
* Bose statistics, lattice models and T = 0 never take it.
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

import symgrav
from rashba_reference import reference
from symgrav import Model, Susceptibilities
from symgrav.numeric.fermi_window import fermi_window_rule, recurrence, window_moments

DPS = 40
DIGITS = 30
KEYS = ("alpha", "mqm", "T_beta_kubo", "T_beta")
ALL_KEYS = KEYS + ("mqm_aux",)

_S = {}


def rashba(b, graded=False):
    """Susceptibilities of the Rashba model; graded=True forces the graded route."""
    key = (b, graded)
    if key not in _S:
        model = symgrav.load_model("rashba")
        params = dict(model.defaults)
        params["b"] = b
        _S[key] = Susceptibilities(model, params, dps=DPS,
                                   route="graded" if graded else "auto")
    return _S[key]


def takes_window(s, mu, T):
    return s.evaluate(mu, T).route == "window"


def recurrence_from_moments(n):
    """Recurrence coefficients of the polynomials orthogonal for the Fermi window w(x).

    Chebyshev's algorithm on the moments (Eq. E2) of ``window_moments``, an
    independent route to the recurrence; it loses about log2(mu_2n) bits, so
    call it at a generous precision.

    Returns
    -------
    a, b : list of mpf
        p_{k+1} = (x - a_k) p_k - b_k p_{k-1}, k < n (b_0 = mu_0).
    """
    mom = window_moments(2 * n + 1)
    sig_prev = [mp.mpf(0)] * (2 * n + 1)
    sig = list(mom)
    a, b = [mom[1] / mom[0]], [mom[0]]
    for k in range(1, n):
        new = [mp.mpf(0)] * (2 * n + 1)
        for m in range(k, 2 * n - k + 1):
            new[m] = sig[m + 1] - a[k - 1] * sig[m] - b[k - 1] * sig_prev[m]
        a.append(new[k + 1] / new[k] - sig[k] / sig[k - 1])
        b.append(new[k] / sig[k - 1])
        sig_prev, sig = sig, new
    return a, b



# ---------------------------------------------------------------------------
# the Gauss rule
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("n", [4, 8, 12, 16, 24, 32])
def test_rule_exact_on_polynomials(n):
    with mp.workdps(50):
        xs, ws = fermi_window_rule(n)
        mom = window_moments(2 * n)
        assert all(w > 0 for w in ws)
        assert all(abs(x + y) < mp.mpf(10) ** -45 * (1 + abs(x)) for x, y in zip(xs, xs[::-1]))
        for j in range(2 * n):
            got = mp.fsum(w * x ** j for x, w in zip(xs, ws))
            scale = mom[j] if j % 2 == 0 else mom[j - 1] * (1 + xs[-1])
            assert abs(got - mom[j]) <= mp.mpf(10) ** -45 * scale, (n, j)
        # ... and not for degree 2N (a Gauss rule is exact to 2N - 1 only)
        got = mp.fsum(w * x ** (2 * n) for x, w in zip(xs, ws))
        assert abs(got - window_moments(2 * n + 1)[2 * n]) > mp.mpf(10) ** -10 * got


def test_moments_are_sommerfeld_coefficients():
    with mp.workdps(40):
        mom = window_moments(7)
        assert mom[0] == 1 and mom[1] == mom[3] == mom[5] == 0
        assert abs(mom[2] - mp.pi ** 2 / 3) < mp.mpf(10) ** -38
        assert abs(mom[4] - 7 * mp.pi ** 4 / 15) < mp.mpf(10) ** -36
        # direct quadrature of x^4 / (4 cosh^2(x/2))
        direct = 2 * mp.quad(lambda x: x ** 4 / (4 * mp.cosh(x / 2) ** 2), [0, 20, 60, 200])
        assert abs(direct - mom[4]) < mp.mpf(10) ** -30


def test_recurrence_closed_form():
    with mp.workprec(800):
        a, b = recurrence_from_moments(30)
        assert all(abs(x) < mp.mpf(10) ** -150 for x in a)
        for k in range(1, 30):
            assert abs(b[k] - recurrence(k)) < mp.mpf(10) ** -100 * b[k]


# ---------------------------------------------------------------------------
# fast route vs graded path vs reference (Rashba ferromagnet)
# ---------------------------------------------------------------------------
# (b, mu, T, regime); every case here takes the window route (asserted)
FAST = [
    (0.5, 0.0, 1e-3, "gap"),
    (0.5, 0.3, 1e-3, "gap"),
    (0.5, 1.0, 1e-3, "two-band"),
    (0.5, -0.6, 1e-4, "bottom"),           # 0.025 above the ring minimum -0.625
    (0.5, -0.55, 1e-4, "hat"),             # two Fermi circles of eps_-
    (0.5, 0.52, 1e-4, "two-band"),         # 200 T above the anticrossing
    (1.5, -1.45, 1e-4, "bottom"),
    (1.5, 0.45, 1e-3, "gap"),
    (1.5, 0.0, 1e-2, "gap"),
    (1.5, 2.5, 1e-3, "two-band"),
]


def _check(lib, ref, key, regime, alpha):
    # M vanishes identically at T = 0 in the two-band region (see
    # test_susceptibilities._floor): absolute floor |alpha| there
    floor = abs(alpha) if key in ("mqm", "mqm_aux") and regime == "two-band" else 0
    return abs(lib - ref) <= mp.mpf(10) ** -DIGITS * max(abs(ref), floor)


@pytest.mark.parametrize("b, mu, T, regime", FAST,
                         ids=[f"b{b}-mu{mu:g}-T{T:g}-{r}" for b, mu, T, r in FAST])
def test_fast_route_against_graded_and_reference(b, mu, T, regime):
    s = rashba(b)
    assert takes_window(s, mu, T), "expected the Fermi-window route"
    fast = s.evaluate(mu, T)
    graded = rashba(b, graded=True).evaluate(mu, T)
    with mp.workdps(50):
        ref = reference(mp.mpf(mu), mp.mpf(T), mp.mpf(b))
        bad = [k for k in KEYS if not _check(fast[k], ref[k], k, regime, ref["alpha"])]
        bad += [f"{k} (graded)" for k in ALL_KEYS
                if not _check(fast[k], graded[k], k, regime, graded["alpha"])]
    assert not bad, {k: (fast[k.split()[0]], ref.get(k), graded[k.split()[0]]) for k in bad}


# chemical potentials within X T of an extremum / band edge: graded path
NEAR = [
    (0.5, 0.5, 1e-3),          # anticrossing mu = b exactly
    (0.5, -0.5, 1e-3),         # top of the Mexican hat
    (0.5, -0.6, 1e-3),         # 25 T above the ring minimum
    (0.5, 0.5 + 105e-3, 1e-3),  # D = 105 < X
    (0.5, 0.0, 1e-2),          # D = 50 from both +-b
    (1.5, -1.45, 1e-3),        # 50 T above the band bottom
    (0.5, 2.5, 5e-2),          # D = 40
    # far from every extremum (D = 120), but at T = 0.05 the window spans +-3
    # in energy and the 24- and 32-node rules differ by 3e-41 in T beta:
    # not converged to dps + 3 digits, so the graded path is used
    (0.5, 6.5, 5e-2),
]


@pytest.mark.parametrize("b, mu, T", NEAR, ids=[f"b{b}-mu{mu:g}-T{T:g}" for b, mu, T in NEAR])
def test_fallback_near_band_extrema(b, mu, T):
    assert not takes_window(rashba(b), mu, T)
    # ... and evaluate still gives the graded values
    assert rashba(b).evaluate(mu, T) == rashba(b, graded=True).evaluate(mu, T)


def test_threshold_is_enough():
    """The first chemical potential past the threshold X T is already exact."""
    T = 1e-3
    s = rashba(0.5)
    with mp.workdps(DPS + 10):
        X = mp.log(10) * (DPS + 6)
        X += mp.log(X)
    assert 110 < X < 111
    mu = 0.5 + 111 * T
    assert takes_window(s, mu, T)
    lib = s.evaluate(mu, T)
    with mp.workdps(50):
        ref = reference(mp.mpf(mu), mp.mpf(T), mp.mpf(0.5))
        for k in ("alpha", "T_beta"):   # M vanishes here (two-band region)
            assert abs(lib[k] - ref[k]) <= mp.mpf(10) ** -(DIGITS + 5) * abs(ref[k]), k


# ---------------------------------------------------------------------------
# 1D continuum models: two rays
# ---------------------------------------------------------------------------
p = sp.Symbol("p_x", real=True)
SY = sp.Matrix([[0, -sp.I], [sp.I, 0]])
SZ = sp.Matrix([[1, 0], [0, -1]])


@pytest.mark.parametrize("gamma, mu, T", [(0, 0.1, 1e-3), (0, 1.0, 1e-3), ("0.3", 0.2, 1e-3),
                                          ("0.3", 1.2, 1e-3)])
def test_one_dimensional_against_graded(gamma, mu, T):
    g, b = sp.sympify(gamma), sp.Rational(1, 2)
    H = (p ** 2 / 2 + g * p) * sp.eye(2) + p * SY + b * SZ
    fast = Susceptibilities(Model(H, [p]), {}, dps=DPS)
    graded = Susceptibilities(Model(H, [p]), {}, dps=DPS, route="graded")
    assert takes_window(fast, mu, T)
    a, c = fast.evaluate(mu, T), graded.evaluate(mu, T)
    with mp.workdps(50):
        for k in ALL_KEYS:
            scale = max(abs(c[k]), abs(c["alpha"]) * mp.mpf(10) ** -10)
            assert abs(a[k] - c[k]) <= mp.mpf(10) ** -DIGITS * scale, (k, a[k], c[k])


# ---------------------------------------------------------------------------
# where the route is never taken
# ---------------------------------------------------------------------------
def test_zero_temperature_and_statistics_and_lattice_use_graded_path():
    s = rashba(0.5)
    assert not takes_window(s, 0.0, 0)
    model = symgrav.load_model("rashba")
    bose = Susceptibilities(model, {**model.defaults, "b": 0.5}, dps=20, statistics="bose")
    why = {d.name: d for d in bose.explain(-1, "0.1")}["window"]
    assert not why.applies and "Bose" in why.reason
    assert bose.evaluate(-1, "0.1").route == "graded"
    lat = symgrav.load_model("lattice_insulator")
    S = Susceptibilities(lat, lat.defaults, dps=20)
    why = {d.name: d for d in S.explain(0, "0.1")}["window"]
    assert not why.applies and "lattice" in why.reason
    assert S.evaluate(0, "0.1").route == "bz_lines"


def test_upper_band_fermi_point_just_beyond_the_lower_ring_minimum():
    """b = 1/2: the upper band crosses mu at |p| = 0.88, just beyond the ring minimum of the lower
    band at |p| = sqrt(1 - b^2) = 0.866, whose energy -(1 + b^2)/2 lies far from mu.  The
    upper band's branch may extend below |p| = 0.866 (only its own extrema bound it): the
    window route applies and agrees with the closed-form reference; so does the refusal
    next to a band edge, with the edge eps_+(0) = b and X = ln 10 (dps + 6) + ln X quoted."""
    model = symgrav.load_model("rashba")
    S = Susceptibilities(model, {**model.defaults, "b": "0.5"}, dps=20)
    t = mp.mpf("0.88")
    mu = t * t / 2 + mp.sqrt(t * t + mp.mpf("0.25"))
    ev = S.evaluate(mu, "0.01")
    assert ev.route == "window"
    with mp.workdps(30):
        want = reference(mu, mp.mpf("0.01"), mp.mpf("0.5"))
    scale = max(abs(want[key]) for key in KEYS)  # M nearly cancels here
    for key in KEYS:
        assert abs(ev[key] - want[key]) <= mp.mpf(10) ** -18 * scale, key
    X = mp.log(10) * 26
    X += mp.log(X)
    why = {d.name: d.reason for d in S.explain("0.51", "0.001")}["window"]
    assert why == (f"a band edge or extremum at 0.5 lies within {mp.nstr(X, 3)} T of mu "
                   "(the window average would feel its kink)")


def test_refusal_when_the_rules_do_not_converge():
    """mu = 6.5, T = 0.05, dps = 40 (the last case of NEAR): far from every extremum, but the
    window spans +-3 in energy and successive rules differ beyond dps + 3 digits."""
    why = {d.name: d.reason for d in rashba(0.5).explain(6.5, 5e-2)}["window"]
    assert why == "successive Fermi-window rules do not agree"
