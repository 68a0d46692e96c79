"""Anisotropic 3D continuum path (spherical shells of rays, symgrav.numeric.layout).

Model: the Rashba ferromagnet with a free third direction,

    H = p^2/2m + alpha (p_y sigma_x - p_x sigma_y) + b sigma_z,   p = (p_x, p_y, p_z),

hbar = m = alpha = 1, b = 3/2 (Fig. 2).  Omega (8b) and m (8c) depend on p_x, p_y only and
eps_+- = eps_2D,+-(p_x, p_y) + p_z^2/2, so the model is not isotropic (the
library integrates it over u = cos(theta) and phi, ray by ray), while the
measure d^3p/(2 pi)^3 = d^2p/(2 pi)^2 dp_z/(2 pi) factorizes.  At T = 0 every
Fermi-sea integral is therefore a p_z integral of the 2D zero-temperature
closed forms of tests/rashba_reference.py at the shifted chemical potential:

    alpha_3D(mu) = (1/pi) int_0^pmax dz alpha0(mu - z^2/2),
    M_3D(mu)     = (1/pi) int_0^pmax dz M0(mu - z^2/2),

pmax = sqrt(2 (mu + b)) (below the band bottom -b nothing is occupied),
an independent one-dimensional mp.quad split where mu - z^2/2 crosses a kink
of the 2D functions.  (The integrand of M0 -Omega (mu - eps) + m shifts the
same way, since mu - eps = (mu - z^2/2) - eps_2D.)
"""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from rashba_reference import alpha0, kinks, mqm0
from symgrav import Model, Susceptibilities

px, py, pz = sp.symbols("p_x p_y p_z", real=True)
SX = sp.Matrix([[0, 1], [1, 0]])
SY = sp.Matrix([[0, -sp.I], [sp.I, 0]])
SZ = sp.Matrix([[1, 0], [0, -1]])
B = sp.Rational(3, 2)
H = (px ** 2 + py ** 2 + pz ** 2) / 2 * sp.eye(2) + (py * SX - px * SY) + B * SZ

DPS = 15


def reference(mu, b=mp.mpf(1.5)):
    """(alpha, M) at T = 0 by the p_z integral of the 2D closed forms."""
    bottom = kinks(b)[0]
    if mu <= bottom:
        return mp.mpf(0), mp.mpf(0)
    pts = sorted({mp.mpf(0)} | {mp.sqrt(2 * (mu - k)) for k in kinks(b) if k < mu})
    a = mp.quad(lambda z: alpha0(mu - z * z / 2, b), pts) / mp.pi
    m = mp.quad(lambda z: mqm0(mu - z * z / 2, b), pts) / mp.pi
    return a, m


def test_anisotropic_3d_against_pz_integral():
    s = Susceptibilities(Model(H, [px, py, pz]), {}, dps=DPS)
    assert not s.isotropic
    window = {d.name: d for d in s.explain("0", "0.01", evaluate=False)}["window"]
    assert not window.applies and "anisotropic" in window.reason
    r = s.evaluate("0", 0)
    assert r.route == "graded"
    assert r["T_beta"] == 0 and r["T_beta_kubo"] == r["mqm"]
    with mp.workdps(DPS + 15):
        a, m = reference(mp.mpf(0))
        assert abs(r["alpha"] - a) <= mp.mpf(10) ** -(DPS - 1) * abs(a), (r["alpha"], a)
        assert abs(r["mqm"] - m) <= mp.mpf(10) ** -(DPS - 1) * abs(m), (r["mqm"], m)
