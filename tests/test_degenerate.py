"""Kramers-degenerate bands: a PT-symmetric antiferromagnet (issue 9, item 3).

H(k) = -2t (cos kx + cos ky) + (m0 + t1 (cos kx + cos ky)) tau_x
       + lam tau_z (sin ky sigma_x - sin kx sigma_y) + J tau_z sigma_z,

two sublattices (tau) with staggered Rashba coupling and staggered exchange (a Neel
state): PT symmetric, so every band is a Kramers pair.  H = eps + d.Gamma with four
anticommuting Gamma = (tau_x, tau_z sigma_x, tau_z sigma_y, tau_z sigma_z); the projectors
P_pm = (1 pm d.Gamma/|d|)/2 are closed forms.  Reference: the projector form of (8b),
(8c) (PHYSICS.md, "Degenerate bands") evaluated with those closed-form projectors,
written here without symgrav and without diagonalisation, summed on a dense k-grid at
finite T (convergence asserted).
"""

from __future__ import annotations

import numpy as np
import pytest

import symgrav

T_, T1, M0, LAM, J = 0.5, 0.3, 0.4, 0.35, 0.25
S0 = np.eye(2)
SIG = [np.array([[0, 1], [1, 0]], dtype=complex), np.array([[0, -1j], [1j, 0]]),
       np.array([[1, 0], [0, -1]], dtype=complex)]
TX, TZ = SIG[0], SIG[2]
GAMMA = [np.kron(TX, S0), np.kron(TZ, SIG[0]), np.kron(TZ, SIG[1]), np.kron(TZ, SIG[2])]
SPIN = [np.kron(np.eye(2), s) / 2 for s in SIG]          # uniform spin, interlaced order


def hoppings():
    """H(R) of the model: cos k -> 1/2 on R = +-e, sin k -> +-1/(2i)."""
    h = {R: np.zeros((4, 4), dtype=complex) for R in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]}
    h[(0, 0)] += M0 * GAMMA[0] + J * GAMMA[3]
    for R, sgn in (((1, 0), 1), ((-1, 0), -1)):
        h[R] += -T_ * np.eye(4) + T1 / 2 * GAMMA[0] - LAM * sgn / 2j * GAMMA[2]
    for R, sgn in (((0, 1), 1), ((0, -1), -1)):
        h[R] += -T_ * np.eye(4) + T1 / 2 * GAMMA[0] + LAM * sgn / 2j * GAMMA[1]
    return h


def model():
    return symgrav.TightBinding({R: M.tolist() for R, M in hoppings().items()},
                                spin="interlaced", name="pt_afm")


def projector_data(kx, ky, a, i):
    """(E_-, E_+), Omega and m of each Kramers pair, summed over the pair, closed-form P.

    ``kx``, ``ky``: arrays of P momenta; every entry of the result is an array of P values.
    """
    kx, ky = np.atleast_1d(kx), np.atleast_1d(ky)
    c = np.cos(kx) + np.cos(ky)
    eps = -2 * T_ * c
    zero, one = np.zeros_like(kx), np.ones_like(kx)
    d = np.stack([M0 + T1 * c, LAM * np.sin(ky), -LAM * np.sin(kx), J * one])      # (4, P)
    dd = [np.stack([-T1 * np.sin(kx), zero, -LAM * np.cos(kx), zero]),
          np.stack([-T1 * np.sin(ky), LAM * np.cos(ky), zero, zero])]
    deps = [2 * T_ * np.sin(kx), 2 * T_ * np.sin(ky)]
    G = np.array(GAMMA)                                                              # (4, 4, 4)
    ax = "xyz".index(i)
    v = deps[ax][:, None, None] * np.eye(4) + np.einsum("gp,gij->pij", dd[ax], G)
    s = SPIN["xyz".index(a)]
    nd = np.linalg.norm(d, axis=0)
    dG = np.einsum("gp,gij->pij", d / nd, G)
    P = {-1: (np.eye(4) - dG) / 2, 1: (np.eye(4) + dG) / 2}
    E = {-1: eps - nd, 1: eps + nd}
    tr = {A: np.einsum("pij,pjk,pkl,li->p", P[A], v, P[-A], s) for A in P}
    om = {A: -2 * np.imag(tr[A]) / (E[A] - E[-A]) ** 2 for A in P}
    mm = {A: np.imag(tr[A]) / (E[A] - E[-A]) for A in P}
    return E, om, mm


def test_every_band_is_a_kramers_pair_and_pointwise_projector_values():
    tb = model()
    rng = np.random.default_rng(3)
    ks = rng.uniform(-np.pi, np.pi, size=(6, 2))
    for a, i in (("x", "x"), ("x", "y"), ("y", "x"), ("z", "y")):
        S = symgrav.Susceptibilities(tb, {}, a=a, i=i, dps="double")
        eps, _, om, mm = S.bands.evaluate(S.backend, [ks[:, 0], ks[:, 1]])
        E, o, m = projector_data(ks[:, 0], ks[:, 1], a, i)
        assert np.allclose(eps, [E[-1], E[-1], E[1], E[1]], atol=1e-13)
        # each band of a pair carries half of the pair's gauge-invariant sum
        assert np.allclose(om, [o[-1] / 2, o[-1] / 2, o[1] / 2, o[1] / 2], atol=1e-12), (a, i)
        assert np.allclose(mm, [m[-1] / 2, m[-1] / 2, m[1] / 2, m[1] / 2], atol=1e-12), (a, i)


def grid_reference(mu, T, a, i, n):
    """alpha (19a) and M (8a) on an n x n midpoint grid from :func:`projector_data`."""
    ks = 2 * np.pi * (np.arange(n) + 0.5) / n - np.pi
    kx, ky = (x.ravel() for x in np.meshgrid(ks, ks, indexing="ij"))
    E, o, m = projector_data(kx, ky, a, i)
    alpha = mqm = 0.0
    for A in (-1, 1):
        xi = E[A] - mu
        f = 0.5 * (1 - np.tanh(xi / (2 * T)))
        G = T * np.logaddexp(0, -xi / T)                  # int_xi^inf f
        alpha += np.sum(o[A] * f)
        mqm += np.sum(-o[A] * G + m[A] * f)               # Eq. (8a): (-G, f)
    return alpha / n ** 2, mqm / n ** 2


@pytest.mark.parametrize("a, i", [("x", "x"), ("y", "y")])
def test_kramers_metal_against_the_projector_sum_on_a_grid(a, i):
    mu, T = -0.6, 0.15
    coarse = grid_reference(mu, T, a, i, 90)
    fine = grid_reference(mu, T, a, i, 130)
    assert np.allclose(coarse, fine, rtol=1e-9, atol=1e-13)       # converged reference
    got = symgrav.Susceptibilities(model(), {}, a=a, i=i, dps="double").evaluate(str(mu), str(T))
    assert abs(fine[0]) > 1e-4                                      # the response exists
    assert got["alpha"] == pytest.approx(fine[0], rel=1e-9, abs=1e-13)
    assert got["mqm"] == pytest.approx(fine[1], rel=1e-9, abs=1e-13)


def test_symmetry_forbidden_component_is_zero_not_noise():
    """Omega_{xy} of this model integrates to zero (the grid sum of the projector form is
    ~1e-20); the sums over states round to exact zeros there instead of feeding rounding
    noise to the quadrature (which cannot converge on noise)."""
    ref = grid_reference(-0.6, 0.15, "x", "y", 40)
    assert max(abs(x) for x in ref) < 1e-15
    got = symgrav.Susceptibilities(model(), {}, a="x", i="y", dps="double").evaluate("-0.6",
                                                                                     "0.15")
    assert all(abs(v) < 1e-15 for v in got.values())
