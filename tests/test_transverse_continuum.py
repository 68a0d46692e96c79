"""An anisotropic continuum model whose Fermi surface is not star-shaped about p = 0.

The Rashba ferromagnet shifted in momentum, p_x -> p_x - 3, is not isotropic
about the origin, so symgrav integrates it over polar rays; at mu = -0.55
(Mexican-hat annulus, b = 0.5) the origin lies outside the Fermi surface and
rays touch it tangentially, which the transverse splitting of
:mod:`symgrav.numeric.transverse` must handle.  A shift of momentum changes
no Fermi-sea or Fermi-surface integral, so every result must equal the
unshifted model's, which symgrav computes by an independent route (one
radial line, isotropy).
"""

import mpmath as mp
import pytest
import sympy as sp

import symgrav

NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")
MU = "-0.55"


@pytest.fixture(scope="module")
def pair():
    px, py = sp.symbols("p_x p_y", real=True)
    sx, sy, sz = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
    X = px - 3
    H = (X ** 2 + py ** 2) / 2 * sp.eye(2) + (py * sx - X * sy) + sp.Rational(1, 2) * sz
    shifted = symgrav.Susceptibilities(symgrav.Model(H, [px, py], name="shifted"), {}, dps=15)
    rashba = symgrav.load_model("rashba")
    radial = symgrav.Susceptibilities(rashba, rashba.defaults, dps=15)
    assert not shifted.isotropic and radial.isotropic
    return shifted, radial


@pytest.mark.parametrize("T", ["0", "0.05"])
def test_shifted_equals_unshifted(pair, T):
    shifted, radial = pair
    got, ref = shifted.evaluate(MU, T), radial.evaluate(MU, T)
    for name in NAMES:
        assert abs(got[name] - ref[name]) <= mp.mpf("1e-14") * abs(ref["alpha"]), name


def test_shifted_fermi_surface_integral(pair):
    shifted, radial = pair
    got, ref = shifted.dalpha_dmu(MU), radial.dalpha_dmu(MU)
    assert abs(got - ref) <= mp.mpf("1e-14") * abs(ref)
