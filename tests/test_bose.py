"""Bose statistics, f(xi) = 1/(e^{xi/T} - 1), on a gapped Rashba model with mu below both bands.

    H = (p^2/2m + E0) + alpha (p_y sigma_x - p_x sigma_y) + b sigma_z,   s = (hbar/2) sigma

with hbar = 0.9, m = 1.3, alpha = 0.8, b = 0.5, E0 = 1 (non-unit values, so every
factor of hbar, m, alpha is exercised).  The lowest energy is E0 - alpha^2 m/2 - b^2/(2 alpha^2 m)
= 1 - 0.416 - 0.150 = 0.434 (at alpha p = sqrt((alpha^2 m)^2 - b^2)), above the chemical
potentials mu = 0 and 0.3 used here.

The independent computation is a direct mp.quad over |p| of the band sums, with
the closed forms of PHYSICS.md
    eps_+- = p^2/2m + E0 +- Delta,  Delta = sqrt((alpha p)^2 + b^2),
    Omega_+- = -+ hbar^2 alpha b / (4 Delta^3),  m_+- = hbar^2 alpha b / (4 Delta^2),
the measure d^2p/(2 pi hbar)^2 = p dp / (2 pi hbar^2) after the angle, and the Bose
weights written out from their definitions:
    f = 1/(e^{xi/T} - 1),   G = int_xi^oo f = -T ln(1 - e^{-xi/T}),
    f' = -(1/T) e^{xi/T}/(e^{xi/T} - 1)^2.
Integrands (paper, per band):
    alpha (19a) Omega f;  T beta~ (19b) (Omega xi + m) f;  M (8a) -Omega G + m f;
    M~ (B7a) Omega xi f + m (f + xi f');  T beta (20) Omega (xi f + G).
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

from symgrav import Model, Susceptibilities

px, py = sp.symbols("p_x p_y", real=True)
hb, m, al, b, E0 = sp.symbols("hbar m alpha b E0", positive=True)
SX = sp.Matrix([[0, 1], [1, 0]])
SY = sp.Matrix([[0, -sp.I], [sp.I, 0]])
SZ = sp.Matrix([[1, 0], [0, -1]])
H = ((px**2 + py**2) / (2 * m) + E0) * sp.eye(2) + al * (py * SX - px * SY) + b * SZ
PARAMS = {"hbar": "0.9", "m": "1.3", "alpha": "0.8", "b": "0.5", "E0": "1"}

DPS = 30
DIGITS = 15
KEYS = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")
CASES = [(mu, T) for mu in ("0", "0.3") for T in (0.05, 0.2)]

_S = []


def susc():
    if not _S:
        _S.append(Susceptibilities(Model(H, [px, py], hbar=hb), PARAMS, dps=DPS,
                                   statistics="bose"))
    return _S[0]


def reference(mu, T, dps=40):
    """Direct radial quadrature of the five integrals (independent of the library)."""
    with mp.workdps(dps):
        hb_, m_, al_, b_, E0_ = (mp.mpf(PARAMS[k]) for k in ("hbar", "m", "alpha", "b", "E0"))
        mu, T = mp.mpf(mu), mp.mpf(T)

        def integrand(p, k):
            D = mp.sqrt((al_ * p) ** 2 + b_ ** 2)
            total = mp.mpf(0)
            for s in (+1, -1):
                xi = p ** 2 / (2 * m_) + E0_ + s * D - mu
                assert xi > 0
                om = -s * hb_ ** 2 * al_ * b_ / (4 * D ** 3)
                mm = hb_ ** 2 * al_ * b_ / (4 * D ** 2)
                ex = mp.exp(xi / T)
                f = 1 / (ex - 1)
                G = -T * mp.log(1 - 1 / ex)
                fp = -ex / (ex - 1) ** 2 / T
                total += (om * f,
                          (om * xi + mm) * f,
                          -om * G + mm * f,
                          om * xi * f + mm * (f + xi * fp),
                          om * (xi * f + G))[k]
            return total * p / (2 * mp.pi * hb_ ** 2)

        return {key: mp.quad(lambda p: integrand(p, k), [0, 1, 3, 10, mp.inf])
                for k, key in enumerate(KEYS)}


def test_bands_lie_above_mu():
    """Sanity of the setup: the band minimum (closed form) is above every mu used."""
    with mp.workdps(30):
        hb_, m_, al_, b_, E0_ = (mp.mpf(PARAMS[k]) for k in ("hbar", "m", "alpha", "b", "E0"))
        emin = E0_ - al_ ** 2 * m_ / 2 - b_ ** 2 / (2 * al_ ** 2 * m_)
        assert emin > mp.mpf("0.43")
        # numerically: eps_- on a fine radial grid never goes below emin
        for j in range(2001):
            p = mp.mpf(j) / 500
            e = p ** 2 / (2 * m_) + E0_ - mp.sqrt((al_ * p) ** 2 + b_ ** 2)
            assert e >= emin - mp.mpf(10) ** -25


@pytest.mark.parametrize("mu, T", CASES)
def test_against_direct_quadrature(mu, T):
    lib = susc().evaluate(mu, T)
    ref = reference(mu, T)
    with mp.workdps(40):
        for key in KEYS:
            # none of the five vanishes here (all are O(1e-6 .. 1e-2)): relative comparison
            assert abs(lib[key] - ref[key]) <= mp.mpf(10) ** -DIGITS * abs(ref[key]), \
                (key, lib[key], ref[key])


@pytest.mark.parametrize("mu, T", CASES)
def test_T_beta_is_kubo_minus_mqm(mu, T):
    """Eq. (18), Tb = Tb~ - M, holds for Bose statistics too (G is int_xi^oo f)."""
    r = susc().evaluate(mu, T)
    with mp.workdps(DPS + 10):
        assert abs(r["T_beta"] - (r["T_beta_kubo"] - r["mqm"])) <= \
            mp.mpf(10) ** -(DPS - 5) * abs(r["T_beta"])


@pytest.mark.parametrize("mu", ["0", "0.3"])
def test_relation_6_bose(mu):
    """M~ = d(beta M)/d beta (Eq. 6) at T = 0.2 (beta = 5).

    Central difference with h = 1e-8 beta: truncation ~ (h/beta)^2 ~ 1e-16, rounding of the
    30-digit values 1e-30 / 1e-8 = 1e-22; require 12 digits.
    """
    s = susc()
    T = 0.2
    with mp.workdps(DPS):
        beta0 = 1 / mp.mpf(T)
        deriv = mp.diff(lambda beta: beta * s.mqm(mu, 1 / beta), beta0, h=beta0 * mp.mpf(10) ** -8)
        aux = s.mqm_aux(mu, T)
        assert abs(deriv - aux) <= mp.mpf(10) ** -12 * abs(aux), (deriv, aux)


def test_zero_temperature_bose_is_empty():
    """At T = 0 with mu below every band no boson is present: all five integrals vanish."""
    r = susc().evaluate("0.3", 0)
    assert all(v == 0 for v in r.values()), r
