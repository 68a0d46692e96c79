"""Rashba ferromagnet: alpha (19a), M (8a), T beta~ (19b), T beta (20), M~ (B7a) against hand-derived references.

The reference (tests/rashba_reference.py) takes a different route from the
library: closed-form zero-temperature functions alpha0(mu), M0(mu) of the
chemical potential, averaged over the Fermi window -f'(x) (the linearity in the
occupations used in App. E), with the energy as integration variable.  The
library integrates Omega, m and the occupation weights over momentum.

Every regime of the spectrum eps_+- = p^2/2 +- sqrt(p^2 + b^2) (hbar = m = alpha = 1)
is visited at every temperature T in {1e-3, 1e-2, 5e-2} at least once across
b = 0.5 (Fig. 1) and b = 1.5 (Fig. 2):

* near the band bottom      b = 0.5: bottom -(1 + b^2)/2 = -0.625;  b = 1.5: bottom -b = -1.5
* Mexican hat               b = 0.5 only, -0.625 < mu < -0.5 (two Fermi circles of eps_-)
* gap                       -b < mu < b (one Fermi circle of eps_-)
* anticrossing mu = +-b     exactly, and within T of it
* two-band region           mu > b

The auxiliary MQM M~ (B7a) is checked the same way against a window average derived
here from relation (6) (reference_mqm_aux).

Chemical potentials and temperatures are Python floats (exact binary numbers)
so the library and the reference see the same mpf.
"""

from __future__ import annotations

import mpmath as mp
import pytest

import symgrav
from rashba_reference import alpha0, mqm0, reference, window

DPS = 40          # library precision
REF_DPS = 50      # reference precision (10 guard digits over the comparison)
DIGITS = 30       # required agreement
KEYS = ("alpha", "mqm", "T_beta_kubo", "T_beta")

T1, T2, T3 = 1e-3, 1e-2, 5e-2
TS = (T1, T2, T3)

_SUSC = {}


def susc(b):
    """One Susceptibilities object per b (the evaluation cache is per object)."""
    if b not in _SUSC:
        model = symgrav.load_model("rashba")
        params = dict(model.defaults)
        params["b"] = b
        _SUSC[b] = symgrav.Susceptibilities(model, params, a="x", i="x", dps=DPS)
    return _SUSC[b]


# (b, mu, T, regime label)
CASES = []
for _T in TS:
    CASES += [
        (0.5, -0.6, _T, "bottom"),
        (0.5, -0.55, _T, "hat"),
        (0.5, 0.0, _T, "gap"),
        (0.5, 0.5, _T, "anticrossing+b"),
        (0.5, 1.0, _T, "two-band"),
        (1.5, -1.45, _T, "bottom"),
        (1.5, 0.45, _T, "gap"),           # 0.3 b
        (1.5, 1.5, _T, "anticrossing+b"),
    ]
CASES += [
    # mu = -b: top of the Mexican hat (b = 0.5), band bottom (b = 1.5)
    (0.5, -0.5, T1, "anticrossing-b"),
    (0.5, -0.5 + T2 / 2, T2, "near-anticrossing-b"),
    (0.5, 0.5 - T3 / 3, T3, "near-anticrossing+b"),
    (0.5, 0.15, T2, "gap"),               # 0.3 b
    (0.5, 2.5, T3, "two-band"),
    (1.5, -1.5, T2, "anticrossing-b"),
    (1.5, -1.5 + T3 / 2, T3, "near-anticrossing-b"),
    (1.5, 1.5 + T1 / 2, T1, "near-anticrossing+b"),
    (1.5, 0.0, T3, "gap"),
    (1.5, 2.5, T1, "two-band"),
    (1.5, 2.5, T3, "two-band"),
]


def _floor(key, ref, regime):
    """Honest absolute floor (before the factor 10^-DIGITS) for a quantity that may vanish.

    * M and M~ in the two-band region (mu > b): M0(mu) = 0 identically there (the eps_-
      and eps_+ shells cancel: F(I-) - F(I+) = 1 - (b^2 + 2 mu)/(r^2 - 1) = 0 with
      r^2 = 1 + b^2 + 2 mu), so at T > 0 M and M~ are only the exponentially small tail
      of the Fermi window that reaches mu = b (5e-21 at mu = 2.5, T = 0.05; 5e-60 at
      mu = 1, T = 1e-3).  The library obtains them as the sum of the two bands'
      integrals of -Omega G + m f, each of size ~ b/8pi ~ |alpha| (the cancellation
      happens between the bands), with a relative tolerance 10^-(dps+3) on each: the
      absolute accuracy achievable is ~10^-30 |alpha|, not 10^-30 |M|.
    * Everything else is compared purely relatively: alpha0 > 0 wherever a band is
      occupied, M0 != 0 for mu <= b, and alpha0 varies with mu in every regime, so
      T beta = <x alpha0(mu + x)> is a genuine O(T^2) quantity (~1e-8 at T = 1e-3).
    """
    if key in ("mqm", "mqm_aux") and regime == "two-band":
        return abs(ref["alpha"])
    return mp.mpf(0)


@pytest.mark.parametrize("b, mu, T, regime", CASES,
                         ids=[f"b{b}-mu{mu:g}-T{T:g}-{r}" for b, mu, T, r in CASES])
def test_against_reference(b, mu, T, regime):
    lib = susc(b).evaluate(mu, T)
    with mp.workdps(REF_DPS):
        ref = reference(mp.mpf(mu), mp.mpf(T), mp.mpf(b))
        tol = mp.mpf(10) ** (-DIGITS)
        bad = []
        for key in KEYS:
            err = abs(lib[key] - ref[key])
            bound = tol * max(abs(ref[key]), _floor(key, ref, regime))
            if not err <= bound:
                bad.append(f"{key}: lib {mp.nstr(lib[key], 35)} ref {mp.nstr(ref[key], 35)} "
                           f"|diff| {mp.nstr(err, 3)} > {mp.nstr(bound, 3)}")
    assert not bad, f"b={b} mu={mu} T={T} ({regime}):\n" + "\n".join(bad)


def reference_mqm_aux(mu, T, b):
    """M~ (B7a) by the Fermi-window route, derived here from relation (6).

    With M = int de M0(e) beta k(beta (e - mu)), k(y) = e^y / (e^y + 1)^2 = -f'/beta,
    M~ = d(beta M)/d beta = int de M0(e) beta k(y) [2 + y k'(y)/k(y)], y = beta (e - mu),
    and k'/k = -tanh(y/2):  M~ = < M0(mu + x) (2 - (x/T) tanh(x/2T)) >.
    (The kernel integrates to 1, so M~ = M0 at T = 0.)
    """
    mu, T, b = mp.mpf(mu), mp.mpf(T), mp.mpf(b)
    return window(lambda e: mqm0(e, b) * (2 - (e - mu) / T * mp.tanh((e - mu) / (2 * T))),
                  mu, T, b)




@pytest.mark.parametrize("b, mu, T, regime", CASES,
                         ids=[f"b{b}-mu{mu:g}-T{T:g}-{r}" for b, mu, T, r in CASES])
def test_mqm_aux_against_reference(b, mu, T, regime):
    """M~ of (B7a) to 30 digits (floor as for M in the two-band region, see _floor)."""
    lib = susc(b).evaluate(mu, T)
    with mp.workdps(REF_DPS):
        ref = reference_mqm_aux(mu, T, b)
        scale = max(abs(ref), _floor("mqm_aux", lib, regime))
        err = abs(lib["mqm_aux"] - ref)
        assert err <= mp.mpf(10) ** -DIGITS * scale, \
            f"M~ lib {mp.nstr(lib['mqm_aux'], 40)} ref {mp.nstr(ref, 40)} |diff| {mp.nstr(err, 3)}"


def test_results_have_requested_precision():
    s = susc(0.5)
    val = s.alpha(-0.6, T1)
    assert isinstance(val, mp.mpf)
    with mp.workdps(DPS):
        assert mp.mpf(val) == val          # already rounded to DPS digits
    with mp.workdps(DPS - 5):
        assert mp.mpf(val) != val          # ... and carries more than DPS - 5 of them


# ---------------------------------------------------------------------------
# T = 0: exact step-function limit
# ---------------------------------------------------------------------------

T0_CASES = [(0.5, mu) for mu in (-0.6, -0.55, -0.5, 0.0, 0.5, 1.0, 2.5)] + \
           [(1.5, mu) for mu in (-1.45, -1.5, 0.45, 1.5, 2.5)]


@pytest.mark.parametrize("b, mu", T0_CASES, ids=[f"b{b}-mu{mu:g}" for b, mu in T0_CASES])
def test_zero_temperature_exact(b, mu):
    s = susc(b)
    r = s.evaluate(mu, 0)
    # Eq. (20) at T = 0: xi f + G = 0 for every xi, so T beta vanishes identically
    assert r["T_beta"] == 0
    assert s.T_beta(mu, 0) == 0 and s.beta(mu, 0) == 0
    # (19b) and (B7a) at T = 0 have the same integrand as (8a): (Omega xi + m) theta(-xi)
    assert r["T_beta_kubo"] == r["mqm"]
    assert r["mqm_aux"] == r["mqm"]
    # T = 0 values against the closed forms
    with mp.workdps(REF_DPS):
        a0 = alpha0(mp.mpf(mu), mp.mpf(b))
        m0 = mqm0(mp.mpf(mu), mp.mpf(b))
        tol = mp.mpf(10) ** (-DIGITS)
        assert abs(r["alpha"] - a0) <= tol * abs(a0)
        # M0 = 0 exactly for mu >= b (two-band region; at mu = b the eps_+ shell is
        # empty and F(I-) = 0): floor 1e-30 |alpha| there, as in _floor
        floor = abs(a0) if mu >= b else 0
        assert abs(r["mqm"] - m0) <= tol * max(abs(m0), floor)
