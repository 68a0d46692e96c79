"""Lattice insulator (built-in "lattice_insulator", defaults): alpha (19a) and the ME relation (4).

H = t0 (cos kx + cos ky) + lam (sin ky sigma_x - sin kx sigma_y) + (M0 + t (cos kx + cos ky)) sigma_z,
s = sigma/2 (hbar = 1), measure d^2k/(2 pi)^2 over [-pi, pi)^2.  With the defaults the
lower band tops out at -1.4 (k = 0) and the upper band starts at 0.6 (k = (pi, pi)), so
-1.4 < mu < 0.6 is the gap.

* alpha at T = 0 in the gap against an independent double-precision computation:
  Omega of the lower band from a numpy eigendecomposition of the 2x2 Bloch matrix and
  the sum over states of Eq. (8b), integrated with the periodic trapezoid rule on a
  400 x 400 grid (exponentially convergent for the analytic periodic integrand).
* Eq. (4), -q dM/dmu = alpha for an insulator at T = 0 (q = 1): in the gap
  M(mu) = int [Omega_- (eps_- - mu) + m_-] is exactly linear in mu, so a finite
  difference between two gap values is exact up to quadrature error.

One Susceptibilities object at dps 30 serves all tests (two lattice evaluations, the
expensive part, ~8 s each).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

import symgrav

DPS = 30
MU1, MU2 = -1.0, 0.4          # both in the gap (-1.4, 0.6); exact binary floats


@pytest.fixture(scope="module")
def model():
    return symgrav.load_model("lattice_insulator")


@pytest.fixture(scope="module")
def results(model):
    s = symgrav.Susceptibilities(model, dict(model.defaults), a="x", i="x", dps=DPS)
    return {mu: s.evaluate(mu, 0) for mu in (MU1, MU2)}


def numpy_bands_and_alpha(params, n=400):
    """(max eps_-, min eps_+, alpha) by numpy on an n x n periodic grid (independent route)."""
    t0, lam, M0, t = (float(params[k]) for k in ("t0", "lam", "M0", "t"))
    k = -np.pi + 2 * np.pi * np.arange(n) / n
    kx, ky = np.meshgrid(k, k, indexing="ij")
    one = np.eye(2, dtype=complex)
    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    sy = np.array([[0, -1j], [1j, 0]], dtype=complex)
    sz = np.array([[1, 0], [0, -1]], dtype=complex)
    c = np.cos(kx) + np.cos(ky)

    def field(scalar, mat):
        return scalar[..., None, None] * mat

    H = (field(t0 * c, one) + field(lam * np.sin(ky), sx) + field(-lam * np.sin(kx), sy)
         + field(M0 + t * c, sz))
    # velocity v^x = dH/dk_x
    vx = (field(-t0 * np.sin(kx), one) + field(-lam * np.cos(kx), sy)
          + field(-t * np.sin(kx), sz))
    E, U = np.linalg.eigh(H)                       # ascending: band 0 = lower band
    Ud = np.conj(np.swapaxes(U, -1, -2))
    V = Ud @ vx @ U                                 # <n|v^x|m>
    S = Ud @ (sx / 2) @ U                           # <n|s_x|m>
    # Eq. (8b) for n = 0, m = 1:  i hbar <0|v|1><1|s|0> / (E0 - E1)^2 + c.c.
    omega = -2 * np.imag(V[..., 0, 1] * S[..., 1, 0]) / (E[..., 0] - E[..., 1]) ** 2
    alpha = omega.sum() * (2 * np.pi / n) ** 2 / (2 * np.pi) ** 2
    return E[..., 0].max(), E[..., 1].min(), alpha


def test_alpha_in_gap_against_numpy(model, results):
    top, bottom, alpha_np = numpy_bands_and_alpha(model.defaults)
    assert top < MU1 < MU2 < bottom                # both chemical potentials in the gap
    assert abs(top - (-1.4)) < 1e-12 and abs(bottom - 0.6) < 1e-12
    # trapezoid 400^2 on an analytic periodic integrand + double-precision rounding
    # of 1.6e5 terms: ~1e-13 relative; require 1e-10
    with mp.workdps(DPS):
        for mu in (MU1, MU2):
            a = results[mu]["alpha"]
            assert abs(a - mp.mpf(alpha_np)) <= 1e-10 * abs(alpha_np), (mu, a, alpha_np)
        assert abs(alpha_np) > 1e-3                 # not a vanishing quantity


def test_alpha_constant_in_gap(results):
    with mp.workdps(DPS + 10):
        a1, a2 = results[MU1]["alpha"], results[MU2]["alpha"]
        assert abs(a1 - a2) <= mp.mpf(10) ** -25 * abs(a1)


def test_me_relation_4(results):
    """-dM/dmu = alpha in the gap at T = 0, to 25 digits at dps 30."""
    with mp.workdps(DPS + 10):
        r1, r2 = results[MU1], results[MU2]
        slope = (r2["mqm"] - r1["mqm"]) / (mp.mpf(MU2) - mp.mpf(MU1))
        alpha = r1["alpha"]
        # M changes appreciably between the two points (the test is not 0 = 0)
        assert abs(r2["mqm"] - r1["mqm"]) > mp.mpf("1e-3") * abs(r1["mqm"])
        assert abs(-slope - alpha) <= mp.mpf(10) ** -25 * abs(alpha), (slope, alpha)


def test_insulator_zero_temperature_identities(results):
    """T = 0: T beta = 0 exactly; T beta~ and M~ equal M exactly (same integrand)."""
    for r in results.values():
        assert r["T_beta"] == 0
        assert r["T_beta_kubo"] == r["mqm"]
        assert r["mqm_aux"] == r["mqm"]
