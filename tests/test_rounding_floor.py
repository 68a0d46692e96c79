"""Components that are zero to rounding come out as ~0, not as a refusal (issue 9, issue 11 item 6).

The spin current {v_x, s_a}/2 of ``lattice_insulator`` as a TightBinding operator: on the line
k_y = -pi, sin(float pi) ~ 1e-16 and the Fourier sums of V and S cancel to far below the
rounding of their terms.  Every (a, i) at mu = -1.5, T = 0.1 (a metal) is checked against a
converged numpy grid over the Brillouin zone in which the operator is written here
(tests/references/bz_grid.py), to 1e-12 of the size of the band terms (the double-precision
promise of tests/test_double_mode.py: the exact value of five of the six is 0, odd in k_y).
"""

from __future__ import annotations

import numpy as np
import pytest

import symgrav
from symgrav.numeric.arith import Float64
from symgrav.numeric.states import NOISE_ULPS, states_float
from references import bz_grid as Z

MU, T = -1.5, 0.1
NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")


class SpinCurrent(Z.LatticeInsulator):
    """lattice_insulator with the operators {v_x, sigma_a / 2}/2, v_x = dH/dk_x (numpy)."""

    def __init__(self):
        super().__init__()
        self.spin = tuple(self._current(s) for s in (Z.SX / 2, Z.SY / 2, Z.SZ / 2))

    def _current(self, s):
        def op(kx, ky):
            vx = self.dH(kx, ky)[0]
            return (vx @ s + s @ vx) / 2
        return op


@pytest.fixture(scope="module")
def spin_current_tb():
    return symgrav.TightBinding.from_model(symgrav.load_model("lattice_insulator")).spin_current("x")


@pytest.mark.parametrize("a, i", [(a, i) for a in "xyz" for i in "xy"])
def test_spin_current_components_against_the_grid(spin_current_tb, a, i):
    model = SpinCurrent()
    weights = Z.builtin_weights()
    _, ref = Z.converged(model, MU, T, weights, n=96, rtol=1e-12, a=a, i=i)
    sizes = Z.band_sums(Z.grid_geometry(model, 192, a, i), MU, T, weights)
    got = symgrav.Susceptibilities(spin_current_tb, {}, a=a, i=i, dps="double").evaluate(
        str(MU), str(T))
    for name in NAMES:
        size = sizes[name][1]
        assert size > 1e-6                                   # the band terms exist
        assert abs(got[name] - ref[name]) <= 1e-12 * size, (name, got[name], ref[name], size)


def test_zero_to_rounding_is_an_exact_zero_on_the_zone_boundary(spin_current_tb):
    """At k_y = -pi (float) Omega_x^y of the spin current is odd in k_y and ~1e-16 of its band
    terms; the entries of S = -t0 sin k_x sigma_x / 2 near k_x = -pi are sums of terms of size
    t0 / 2 that cancel: the sums over states give exact zeros there (values below
    NOISE_ULPS of the sizes of their terms), and the sizes bound the reference values."""
    kx = np.linspace(-np.pi, np.pi, 4001)
    ky = np.full_like(kx, -np.pi)
    bands = symgrav.Susceptibilities(spin_current_tb, {}, a="x", i="y", dps="double").bands
    _, _, om, mm, om_size, mm_size, _ = bands.evaluate(Float64(), [kx, ky],
                                                       sizes=True)
    model = SpinCurrent()
    _, om_ref, mm_ref = Z.geometry(model.H(kx, ky), model.dH(kx, ky)[1], model.spin[0](kx, ky))
    assert np.all(om == 0) and np.all(mm == 0)
    unit = NOISE_ULPS * np.finfo(float).eps
    assert np.all(np.abs(om_ref.T) <= unit * om_size)
    assert np.all(np.abs(mm_ref.T) <= unit * mm_size)


def test_term_sizes_bound_the_values_away_from_the_boundary():
    """The sizes of the terms bound |Omega_n| and |m_n| of the sums over states at any k
    (default magnitudes: the norms of H, V, S), checked against the numpy reference."""
    rng = np.random.default_rng(3)
    kx, ky = rng.uniform(-np.pi, np.pi, (2, 500))
    model = SpinCurrent()
    H, V, S = model.H(kx, ky), model.dH(kx, ky)[1], model.spin[2](kx, ky)
    _, _, om, mm, om_size, mm_size, _ = states_float(H, [], V, S, 1.0, sizes=True)
    _, om_ref, mm_ref = Z.geometry(H, V, S)
    assert np.allclose(om, om_ref.T, rtol=1e-10, atol=1e-14)
    assert np.all(np.abs(om_ref.T) <= om_size) and np.all(np.abs(mm_ref.T) <= mm_size)
