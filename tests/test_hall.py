"""Hall conductivity, Eq. (25), through the engine (issue 9, item 5).

References, independent of the engine:

* the Chern number of the Qi-Wu-Zhang model by the lattice link-variable method of
  Fukui, Hatsugai and Suzuki (J. Phys. Soc. Jpn. 74, 1674 (2005)): an exact integer on a
  coarse grid, no derivatives, no sum over states; 2 pi sigma^{xy} = C (PHYSICS.md);
* in a metal at T > 0, a dense uniform k-grid sum of the Kubo formula of Omega (24a)
  written here in numpy (the periodic trapezoid rule converges geometrically for this
  smooth integrand; the convergence is asserted).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav import SymgravError

SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]])
SZ = np.array([[1, 0], [0, -1]], dtype=complex)


def qwz(m):
    """H = sin kx sx + sin ky sy + (m + cos kx + cos ky) sz as hoppings (exact halves)."""
    h = {(0, 0): m * SZ,
         (1, 0): (SZ - 1j * SX) / 2, (-1, 0): (SZ + 1j * SX) / 2,
         (0, 1): (SZ - 1j * SY) / 2, (0, -1): (SZ + 1j * SY) / 2}
    return symgrav.TightBinding({R: [[complex(x) for x in row] for row in M]
                                 for R, M in h.items()})


def qwz_h(m, kx, ky):
    return np.sin(kx) * SX + np.sin(ky) * SY + (m + np.cos(kx) + np.cos(ky)) * SZ


def chern_fhs(m, n=40):
    """Fukui-Hatsugai-Suzuki Chern number of the lower band (link variables)."""
    ks = 2 * np.pi * np.arange(n) / n
    u = np.empty((n, n, 2), dtype=complex)
    for a, kx in enumerate(ks):
        for b, ky in enumerate(ks):
            u[a, b] = np.linalg.eigh(qwz_h(m, kx, ky))[1][:, 0]

    def link(d):
        shifted = np.roll(u, -1, axis=d)
        z = np.einsum("abi,abi->ab", u.conj(), shifted)
        return z / np.abs(z)

    U1, U2 = link(0), link(1)
    F = np.angle(U1 * np.roll(U2, -1, axis=0) / np.roll(U1, -1, axis=1) / U2)
    return F.sum() / (2 * np.pi)


def sigma_grid(m, mu, T, n):
    """-sum_n int d^2k/(2 pi)^2 Omega_{n;kx ky} f_n on an n x n grid, Kubo formula."""
    ks = 2 * np.pi * (np.arange(n) + 0.5) / n - np.pi
    kx, ky = np.meshgrid(ks, ks, indexing="ij")
    kx, ky = kx.ravel(), ky.ravel()
    H = (np.sin(kx)[:, None, None] * SX + np.sin(ky)[:, None, None] * SY
         + (m + np.cos(kx) + np.cos(ky))[:, None, None] * SZ)
    vx = np.cos(kx)[:, None, None] * SX - np.sin(kx)[:, None, None] * SZ
    vy = np.cos(ky)[:, None, None] * SY - np.sin(ky)[:, None, None] * SZ
    E, U = np.linalg.eigh(H)
    Ud = np.conj(np.swapaxes(U, 1, 2))
    a, b = Ud @ vx @ U, Ud @ vy @ U
    gap = E[:, 0] - E[:, 1]
    om0 = -2 * np.imag(a[:, 0, 1] * b[:, 1, 0]) / gap ** 2
    f = 1 / (np.exp((E - mu) / T) + 1)
    total = om0 * f[:, 0] - om0 * f[:, 1]          # Omega_upper = -Omega_lower
    return -total.mean() * (2 * np.pi) ** 2 / (2 * np.pi) ** 2


@pytest.mark.parametrize("m", [1, -1, 3])
def test_chern_number_of_an_insulator(m):
    C = chern_fhs(m)
    assert abs(C - round(C)) < 1e-9 and abs(round(C)) == (1 if abs(m) < 2 else 0)
    sigma = symgrav.hall_conductivity(qwz(m), mu=0, T=0, dps="double")
    assert abs(2 * math.pi * sigma - round(C)) < 1e-12, (m, sigma, C)


def test_metal_at_finite_temperature_against_a_dense_grid():
    m, mu, T = 1, "1.5", "0.1"
    coarse, fine = sigma_grid(m, 1.5, 0.1, 200), sigma_grid(m, 1.5, 0.1, 300)
    assert abs(coarse - fine) < 1e-11 * abs(fine)          # the reference has converged
    got = symgrav.hall_conductivity(qwz(m), mu=mu, T=T, dps="double")
    assert got == pytest.approx(fine, rel=1e-10)
    assert 0 < abs(2 * math.pi * got) < 1                    # partly filled: not quantised
    assert symgrav.hall_conductivity(qwz(m), mu=mu, T=T, i="y", j="x", dps="double") == \
        pytest.approx(-got, rel=1e-12)
    assert symgrav.hall_conductivity(qwz(m), mu=mu, T=T, i="x", j="x", dps="double") == 0


def test_sympy_lattice_model_is_converted():
    kx, ky = sp.symbols("k_x k_y", real=True)
    mm = sp.Symbol("m", real=True)
    s = [sp.Matrix(x) for x in ([[0, 1], [1, 0]], [[0, -sp.I], [sp.I, 0]], [[1, 0], [0, -1]])]
    H = sp.sin(kx) * s[0] + sp.sin(ky) * s[1] + (mm + sp.cos(kx) + sp.cos(ky)) * s[2]
    model = symgrav.Model(H, [kx, ky], lattice=True, name="qwz")
    sigma = symgrav.hall_conductivity(model, {"m": 1}, mu=0, T=0, dps="double")
    assert abs(2 * math.pi * sigma - round(chern_fhs(1))) < 1e-12


def test_refusals():
    with pytest.raises(SymgravError, match="needs a lattice model"):
        symgrav.hall_conductivity("rashba", mu=0, T=0)
    with pytest.raises(SymgravError, match="velocity axis 'z' does not exist in a 2D model"):
        symgrav.hall_conductivity(qwz(1), mu=0, T=0, j="z", dps="double")
    with pytest.raises(SymgravError, match="operator='velocity' needs a TightBinding"):
        symgrav.Susceptibilities(symgrav.load_model("rashba"), {}, operator="velocity")
