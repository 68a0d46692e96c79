"""Low-temperature gravito-ME response of the Rashba ferromagnet (b = 0.5): Eqs. (18), (20), (21), (6).

* Eq. (20) against Eq. (18) (T beta = T beta~ - M) at T = 1e-10, where T beta ~ 1e-22
  is a cancellation of O(1e-2) numbers: only arbitrary precision can do it.
* The Mott relation (21) with its T^2 correction.  By App. E, T beta is the window
  average <x alpha0(mu + x)>; for mu far (>> T) from the kinks of alpha0 the
  Sommerfeld expansion gives
      T beta = alpha0' <x^2> + alpha0''' <x^4>/3! + alpha0^(5) <x^6>/5! + ...,
      <x^2> = pi^2 T^2/3,  <x^4> = 7 pi^4 T^4/15,  <x^6> = 31 pi^6 T^6/21,
  so T beta / Mott - 1 = c T^2 + O(T^4) with c = (7 pi^2/30) alpha0'''/alpha0'.
  The derivatives of the closed form alpha0 of tests/rashba_reference.py are an
  independent route (no momentum integral at all).
* d alpha/d mu of (E1) (a Fermi-surface sum) against a central finite difference
  of alpha(mu, T = 0) (a Fermi-sea integral) and against alpha0'.
* Relation (6): M~ = d(beta M)/d beta, by numeric differentiation in beta.

Chemical potentials and temperatures are Python floats (exact binary numbers),
so the library and the test arithmetic see the same values.
"""

from __future__ import annotations

import mpmath as mp
import pytest

import symgrav
from rashba_reference import alpha0

B = 0.5
DPS = 60
MUS = (-0.2, 1.0)           # gap region; two-band region (mu > b)
TS = (1e-4, 1e-6, 1e-10)

_SUSC = {}


def susc(dps):
    if dps not in _SUSC:
        model = symgrav.load_model("rashba")
        params = dict(model.defaults)
        params["b"] = B
        _SUSC[dps] = symgrav.Susceptibilities(model, params, dps=dps)
    return _SUSC[dps]


def alpha0_derivs(mu, n, dps=100):
    """[alpha0, alpha0', ..., alpha0^(n)] at mu from the closed form (reference route)."""
    with mp.workdps(dps):
        return list(mp.diffs(lambda e: alpha0(e, mp.mpf(B)), mp.mpf(mu), n))


@pytest.mark.parametrize("mu", MUS)
def test_eq20_equals_kubo_minus_mqm_at_1e_10(mu):
    r = susc(DPS).evaluate(mu, 1e-10)
    with mp.workdps(DPS + 10):
        tb20 = r["T_beta"]
        tb18 = r["T_beta_kubo"] - r["mqm"]
        if mu < B:
            # in the gap the cancellation is real: T beta~ and M are ~1e20 times T beta
            assert abs(r["mqm"]) > 1e15 * abs(tb20)
        else:
            # two-band region: M0 = 0 identically, so M ~ e^{-(mu - b)/T} vanishes and
            # T beta~ = T beta + M is itself O(T^2)
            assert abs(r["mqm"]) < mp.mpf(10) ** -40 * abs(tb20)
        assert abs(tb20 - tb18) <= mp.mpf(10) ** -35 * abs(tb20), (tb20, tb18)


@pytest.mark.parametrize("mu", MUS)
def test_eq20_matches_sommerfeld_series_at_1e_10(mu):
    """T beta at T = 1e-10 to 45 digits against the Sommerfeld series of the closed form.

    The series through T^6 is exact to O(T^8 alpha0^(7)) ~ 1e-80 relative here (the
    nearest kink of alpha0 is 0.3 away from mu = -0.2 and 0.5 from mu = 1.0).
    """
    T = 1e-10
    d = alpha0_derivs(mu, 5)
    r = susc(DPS).evaluate(mu, T)
    with mp.workdps(100):
        T_ = mp.mpf(T)
        pi = mp.pi
        series = (d[1] * pi**2 * T_**2 / 3 + d[3] / 6 * 7 * pi**4 * T_**4 / 15
                  + d[5] / 120 * 31 * pi**6 * T_**6 / 21)
        assert abs(r["T_beta"] - series) <= mp.mpf(10) ** -45 * abs(series), \
            (r["T_beta"], series)


@pytest.mark.parametrize("mu", MUS)
def test_mott_ratio_has_T2_correction(mu):
    """T beta / Mott - 1 = c T^2 with one c at T = 1e-4, 1e-6, 1e-10 (Eq. 21 + Sommerfeld)."""
    s = susc(DPS)
    d = alpha0_derivs(mu, 3)
    cs = {}
    for T in TS:
        tb = s.T_beta(mu, T)
        mott = s.mott(mu, T)
        with mp.workdps(DPS + 10):
            T_ = mp.mpf(T)
            # mott is exactly (pi^2 T^2 / 3) d alpha/d mu of (E1)
            assert abs(mott - mp.pi**2 * T_**2 / 3 * s.dalpha_dmu(mu)) <= \
                mp.mpf(10) ** -(DPS - 2) * abs(mott)
            assert abs(s.beta(mu, T) - tb / T_) <= mp.mpf(10) ** -(DPS - 1) * abs(tb / T_)
            cs[T] = (tb / mott - 1) / T_**2
    with mp.workdps(100):
        c0 = 7 * mp.pi**2 / 30 * d[3] / d[1]
    with mp.workdps(DPS):
        # the T^2 correction is visible and of the Sommerfeld size at every T
        # (c1 T^2 / c0 ~ 1e-6 at T = 1e-4: c(T) = c0 + c1 T^2 + ...)
        assert abs(c0) > 1
        assert abs(cs[1e-4] - c0) <= 1e-4 * abs(c0)
        assert abs(cs[1e-6] - c0) <= 1e-8 * abs(c0)
        # at T = 1e-10: c T^2 ~ 1e-19 is resolved to ~1e-35 (dps 60): c to >= 15 digits
        assert abs(cs[1e-10] - c0) <= mp.mpf(10) ** -15 * abs(c0)
        # the same c at all three temperatures ("a few digits" at 1e-4)
        assert abs(cs[1e-4] - cs[1e-10]) <= 1e-4 * abs(cs[1e-10])
        assert abs(cs[1e-6] - cs[1e-10]) <= 1e-8 * abs(cs[1e-10])
        # ... and the correction is genuinely T^2: c(1e-4) - c0 ~ 1e4 (c(1e-6) - c0)
        r = (cs[1e-4] - c0) / (cs[1e-6] - c0)
        assert 0.9e4 < r < 1.1e4, r


@pytest.mark.parametrize("mu", MUS)
def test_dalpha_dmu_against_finite_difference_and_reference(mu):
    s = susc(DPS)
    da = s.dalpha_dmu(mu)
    # central difference of alpha(mu, 0) with h = 2^-40 ~ 9e-13: mu +- h are exact binary
    # numbers (53-bit mu plus a power of two), so the library sees exactly these points.
    # Truncation h^2 alpha'''/6 ~ 1e-24 relative, rounding 1e-60/h ~ 1e-48.
    with mp.workdps(DPS + 10):
        h = mp.ldexp(1, -40)
        mup, mum = mp.mpf(mu) + h, mp.mpf(mu) - h
    ap, am = s.alpha(mup, 0), s.alpha(mum, 0)
    d = alpha0_derivs(mu, 1)
    with mp.workdps(DPS + 10):
        fd = (ap - am) / (2 * h)
        assert abs(fd - da) <= mp.mpf(10) ** -20 * abs(da), (fd, da)
        assert abs(d[1] - da) <= mp.mpf(10) ** -(DPS - 5) * abs(d[1]), (d[1], da)
        # alpha(mu, 0) itself against the closed form
        assert abs(s.alpha(mu, 0) - d[0]) <= mp.mpf(10) ** -(DPS - 5) * abs(d[0])


def test_relation_6_by_beta_derivative():
    """M~ = d(beta M)/d beta (Eq. 6) at T = 0.02, mu = -0.2, to 20 digits at dps = 40.

    Central difference with h = 1e-12 beta: truncation (h/beta)^2 ~ 1e-24, rounding of
    the 40-digit M values 1e-40 / 1e-12 ~ 1e-28.
    """
    s = susc(40)
    mu, T = -0.2, 0.02
    with mp.workdps(40):
        beta0 = 1 / mp.mpf(T)
        h = beta0 * mp.mpf(10) ** -12

        def g(beta):
            return beta * s.mqm(mu, 1 / beta)

        deriv = mp.diff(g, beta0, h=h)
        aux = s.mqm_aux(mu, T)
        M = s.mqm(mu, T)
        # M~ differs from M at this T (so the test is not trivially M = M~)
        assert abs(aux - M) > mp.mpf(10) ** -10 * abs(M)
        assert abs(deriv - aux) <= mp.mpf(10) ** -20 * abs(aux), (deriv, aux)
