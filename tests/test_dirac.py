"""Dirac-type 4x4 models: Eqs. (8b), (8c) summed over Kramers pairs in closed form (issue 10, item 6).

H = eps 1 + sum_a d_a Gamma_a with anticommuting Gamma = (tau_x, tau_z sigma_x, tau_z sigma_y,
tau_z sigma_z): a PT-symmetric antiferromagnet, every band a Kramers pair.  The closed forms of
symgrav.spin_berry_curvature / spin_magnetic_moment (half the pair sum per band) are compared
with a numeric projector sum written here with numpy eigenvectors (no symgrav), and with
symgrav.numeric_geometry (the sums over states of symgrav/numeric/states.py), at random
momenta, for a continuum and a lattice model.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import sympy as sp

import symgrav

kron = sp.kronecker_product
S0, SX = sp.eye(2), sp.Matrix([[0, 1], [1, 0]])
SY, SZ = sp.Matrix([[0, -sp.I], [sp.I, 0]]), sp.Matrix([[1, 0], [0, -1]])
GAMMA = [kron(SX, S0), kron(SZ, SX), kron(SZ, SY), kron(SZ, SZ)]
SPIN = [kron(S0, s) / 2 for s in (SX, SY, SZ)]
px, py = sp.symbols("p_x p_y", real=True)


def continuum():
    m0, lam, J, t = sp.symbols("m0 lambda J t", real=True)
    H = t * (px ** 2 + py ** 2) * sp.eye(4) + m0 * GAMMA[0] + lam * (py * GAMMA[1] - px * GAMMA[2]) \
        + J * GAMMA[3]
    return symgrav.Model(H, [px, py], spin=SPIN), {"m0": "0.4", "lambda": "0.7", "J": "0.3",
                                                     "t": "0.5"}


def lattice():
    t, t1, m0, lam, J = sp.symbols("t t1 m0 lambda J", real=True)
    c = sp.cos(px) + sp.cos(py)
    H = -2 * t * c * sp.eye(4) + (m0 + t1 * c) * GAMMA[0] \
        + lam * (sp.sin(py) * GAMMA[1] - sp.sin(px) * GAMMA[2]) + J * GAMMA[3]
    return symgrav.Model(H, [px, py], spin=SPIN, lattice=True), \
        {"t": "0.5", "t1": "0.3", "m0": "0.4", "lambda": "0.35", "J": "0.25"}


def projector_sums(model, params, point, a, i):
    """Per band: half the Kramers-pair sums of (8b), (8c) from numpy eigenvectors."""
    subs = {model.symbol(k): sp.Rational(v) for k, v in params.items()}
    subs.update({p: sp.Float(x, 20) for p, x in zip(model.momenta_real, point)})
    H = np.array(model.H_real.xreplace(subs).evalf(20), dtype=complex)
    V = np.array(model.H_real.diff(model.momentum(i)).xreplace(subs).evalf(20), dtype=complex)
    S = np.array(model.spin_real["xyz".index(a)].evalf(20), dtype=complex)
    E, U = np.linalg.eigh(H)
    v, s = U.conj().T @ V @ U, U.conj().T @ S @ U
    om, mm = np.zeros(4), np.zeros(4)
    for n in range(4):
        for m in range(4):
            if abs(E[n] - E[m]) < 1e-9:
                continue
            im = np.imag(v[n, m] * s[m, n])
            om[n] += -2 * im / (E[n] - E[m]) ** 2
            mm[n] += im / (E[n] - E[m])
    pairs = [(0, 1), (2, 3)]
    return E, [om[list(p)].mean() for p in pairs for _ in p], \
        [mm[list(p)].mean() for p in pairs for _ in p]


@pytest.mark.parametrize("build", [continuum, lattice], ids=["continuum", "lattice"])
def test_pair_sums_against_numeric_projectors(build):
    model, params = build()
    rng = random.Random(5)
    num = {(a, i): symgrav.numeric_geometry(model, params, a, i, dps=20)
           for a in "xyz" for i in "xy"}
    subs = {model.to_user(model.symbol(k)): sp.Rational(v) for k, v in params.items()}
    for _ in range(3):
        point = (rng.uniform(-1.2, 1.2), rng.uniform(-1.2, 1.2))
        at = dict(subs)
        at.update({px: sp.Float(point[0], 20), py: sp.Float(point[1], 20)})
        for a in "xyz":
            for i in "xy":
                om = symgrav.spin_berry_curvature(model, a, i)
                mm = symgrav.spin_magnetic_moment(model, a, i)
                E, om_ref, mm_ref = projector_sums(model, params, point, a, i)
                eps = [float(e.xreplace(at)) for e in symgrav.bands(model)]
                assert np.allclose(eps, E, atol=1e-12)
                assert np.allclose([float(x.xreplace(at)) for x in om], om_ref, atol=1e-11)
                assert np.allclose([float(x.xreplace(at)) for x in mm], mm_ref, atol=1e-11)
                _, _, om_s, mm_s = num[a, i].at(point)
                assert np.allclose([float(x) for x in om_s], om_ref, atol=1e-11)
                assert np.allclose([float(x) for x in mm_s], mm_ref, atol=1e-11)


def test_dirac_closed_form_is_compact_and_paired():
    model, _ = continuum()
    om = symgrav.spin_berry_curvature(model, "x", "x")
    lam, J = [s for s in model.parameters if s.name in ("lambda", "J")]
    Delta = [s for s in om.definitions][0]
    # like Eq. (22) with b -> J on each sublattice: -+ J lambda / 4 Delta^3 per band
    assert sp.simplify(om.compact[0] - lam * J / (4 * Delta ** 3)) == 0
    assert om.compact[0] == om.compact[1] and om.compact[2] == om.compact[3]
    # the anomalous Hall curvature (24a) summed over a Kramers pair vanishes (PT symmetry)
    assert all(sp.simplify(x) == 0 for x in symgrav.berry_curvature(model, "x", "y"))


def test_not_dirac_still_refused():
    """A coupled 4x4 whose traceless part does not square to a multiple of 1."""
    H = kron(SX * px + SZ, S0) + kron(S0, SZ * sp.Rational(3, 10) + SX * sp.Rational(2, 5))
    model = symgrav.Model(H, [px], spin=[kron(s, S0) / 2 for s in (SX, SY, SZ)])
    with pytest.raises(symgrav.SymgravError, match="Dirac-type"):
        symgrav.spin_berry_curvature(model, "x", "x")
