"""d alpha / d mu (Eq. E1, the Mott value) at and next to the energies of stationary points
of 2D lattice bands (issue 11 item 6: "mu exactly at a critical energy works").

The model is lattice_insulator with an extra u cos k_x (u = 0.1) in the identity part: it
leaves the eigenvectors, and with them Omega (8b), unchanged and splits the energies of the
two maxima of the lower band, -2 at (pi, 0) and (0, pi) (whose pockets cancel in (E1) for
u = 0), to -2.1 and -1.9.  References, each independent of the engine's Fermi-surface sum:

* a Richardson-extrapolated central difference of alpha(mu, T = 0) (the Fermi-sea route);
* the pocket of a local maximum: (E1) steps by Omega / (2 pi sqrt(det Hess)) there,
  with Omega and the Hessian from the numpy sum over states of tests/references;
* a saddle: (E1) grows like sum_c Omega_c ln(1/|mu - eps_c|) / (2 pi^2 sqrt|det Hess_c|).
"""

import warnings
from importlib import resources

import mpmath as mp
import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar

from symgrav import Susceptibilities, SymgravWarning
from symgrav.symbolic.modelfile import loads_model

from references import bz_grid

MODEL_FILE = resources.files("symgrav").joinpath("models", "lattice_insulator.toml")
U = 0.1
MAXIMUM = -1.9          # the lower band at (0, pi): u - (M0 + t (1 - 1)) = 0.1 - 2


def _tilted_text(shift=""):
    text = MODEL_FILE.read_text()
    text = text.replace('pauli = {0 = "t0*(cos(k_x) + cos(k_y))"',
                        'pauli = {0 = "t0*(cos(k_x) + cos(k_y)) + u*cos(k_x)"')
    text = text.replace("t = 0.5", f"t = 0.5\nu = {U}")
    text = text.replace('name = "lattice_insulator"', 'name = "tilted"')
    if shift:
        text = text.replace("cos(k_y)", f"cos(k_y + {shift})").replace(
            "sin(k_y)", f"sin(k_y + {shift})").replace('name = "tilted"', 'name = "shifted"')
    return text


@pytest.fixture(scope="module")
def engine():
    model = loads_model(_tilted_text())
    return Susceptibilities(model, dict(model.defaults), dps="double")


class Tilted(bz_grid.LatticeInsulator):
    """The tilted model typed in numpy (the identity part does not enter Omega)."""

    def H(self, kx, ky):
        return super().H(kx, ky) + U * np.cos(kx)[..., None, None] * np.eye(2)


def _lower(model, kx, ky):
    return np.linalg.eigvalsh(model.H(np.array(kx), np.array(ky)))[0]


def _hessian(model, k, h=1e-4):
    e = [[_lower(model, k[0] + i * h, k[1] + j * h) for j in (-1, 0, 1)] for i in (-1, 0, 1)]
    hxx = (e[2][1] - 2 * e[1][1] + e[0][1]) / h ** 2
    hyy = (e[1][2] - 2 * e[1][1] + e[1][0]) / h ** 2
    hxy = (e[2][2] - e[2][0] - e[0][2] + e[0][0]) / (4 * h * h)
    return np.array([[hxx, hxy], [hxy, hyy]])


def _omega(model, k):
    _, om, _ = bz_grid.geometry(model.H(np.array(k[0]), np.array(k[1])),
                                model.dH(np.array(k[0]), np.array(k[1]))[0], model.spin[0])
    return om[0]


def _richardson_slope(S, mu, h):
    """alpha'(mu) from central differences at h, h/2, h/4 (errors ~h and ~h^2 removed)."""
    def central(step):
        return (S.alpha(mu + step, 0) - S.alpha(mu - step, 0)) / (2 * step)
    c = [central(h / 2 ** j) for j in range(3)]
    r1 = [2 * c[1] - c[0], 2 * c[2] - c[1]]          # a kink: an O(h) term too
    return (4 * r1[1] - r1[0]) / 3


def test_at_a_local_maximum_the_mean_of_the_one_sided_limits(engine):
    """mu = -1.9, the top of a pocket around (0, pi): before, refused ('d alpha/d mu is not
    evaluated at ...'); now the mean of the one-sided limits, which is what the central
    difference of alpha sees at the kink.  The one-sided values differ by the pocket's
    Omega / (2 pi sqrt(det Hess)) = 0.0203 (numpy), 3600 times the tolerance below."""
    num = Tilted()
    k = (0.0, np.pi)
    assert abs(_lower(num, *k) - MAXIMUM) < 1e-15
    hess = _hessian(num, k)
    assert np.all(np.linalg.eigvalsh(hess) < 0)                 # a local maximum
    step = _omega(num, k) / (2 * np.pi * np.sqrt(np.linalg.det(hess)))
    assert abs(step) > 0.02

    got = engine.dalpha_dmu(str(MAXIMUM))
    want = _richardson_slope(engine, MAXIMUM, 1e-3)
    assert abs(got - want) <= 5e-7 * abs(step), (got, want)

    below, above = engine.dalpha_dmu(MAXIMUM - 1e-7), engine.dalpha_dmu(MAXIMUM + 1e-7)
    assert abs((below - above) - step) <= 1e-5 * abs(step), (below - above, step)
    assert abs(got - (below + above) / 2) <= 1e-5 * abs(step)


def test_at_a_saddle_plus_infinity_and_the_logarithm_next_to_it(engine):
    """The two saddles of the lower band on k_y = pi (k_x = +-1.3242) have the same energy and
    the same Omega: (E1) diverges there (+inf, with a warning naming the point) and grows like
    C ln(1/|mu - eps_c|) next to it, C = 2 Omega / (2 pi^2 sqrt|det Hess|) from numpy."""
    num = Tilted()
    # along k_y = pi the lower band goes from -1.9 (k_x = 0) down to the saddle and up to -1.5
    res = minimize_scalar(lambda kx: _lower(num, kx, np.pi), bounds=(1.0, 1.6),
                          method="bounded", options={"xatol": 1e-12})
    k = (res.x, np.pi)
    energy = float(_lower(num, *k))
    hess = _hessian(num, k)
    assert np.linalg.det(hess) < 0                                # a saddle
    C = 2 * _omega(num, k) / (2 * np.pi ** 2 * np.sqrt(-np.linalg.det(hess)))

    with pytest.warns(SymgravWarning, match="saddle point of band 0"):
        assert engine.dalpha_dmu(repr(energy)) == np.inf
    with mp.workdps(30):
        near, far = (engine.dalpha_dmu(mp.mpf(energy) + x) for x in (mp.mpf("1e-11"),
                                                                     mp.mpf("1e-6")))
    want = C * np.log(1e5)
    assert abs((near - far) - want) <= 1e-3 * abs(want), (near - far, want)


def test_next_to_a_critical_energy_in_bounded_time():
    """lattice_insulator at mu = -2.00001, -1.99 (and -2.0001): dalpha_dmu did not finish in 150 s
    (the tangencies of the pocket around (pi, 0) were located at the lines' own precision,
    ~1e-29 off, and the lines nearer to them than that saw a Fermi point of zero slope).
    Now a few seconds each, equal to the central difference of alpha(mu, 0)."""
    import time

    model = loads_model(MODEL_FILE.read_text())
    S = Susceptibilities(model, dict(model.defaults), dps="double")
    for mu in (-2.00001, -1.99):
        start = time.monotonic()
        got = S.dalpha_dmu(mu)
        assert time.monotonic() - start < 60
        h = 0.1 * abs(mu + 2)                   # within one side of -2
        if mu < -2:   # alpha nearly linear in the pocket's range: one central difference
            want = (S.alpha(mu + h, 0) - S.alpha(mu - h, 0)) / (2 * h)
        else:
            want = _richardson_slope(S, mu, h)
        assert abs(got - want) <= 1e-6 * abs(want), (mu, got, want)


def test_tangent_lines_of_a_pocket_narrower_than_the_scan():
    """mu = -1.9 - 1e-8: a pocket of radius ~1e-4 around (0, pi + 0.3) (the model shifted by
    0.3 in k_y, so no scan line passes through it).  The two tangent lines are found (before:
    missed, and the tanh-sinh rule spun on the hidden 1/sqrt singularities); reference:
    numpy's root of max over k_x of the lower band minus mu, in k_y."""
    from symgrav.numeric import families
    from symgrav.numeric.line_features import Line

    mu = MAXIMUM - 1e-8
    model = loads_model(_tilted_text(shift="3/10"))
    S = Susceptibilities(model, dict(model.defaults), dps="double")
    num = Tilted()

    def top(ky):          # ky of the shifted model: k_y + 0.3 of the numpy one
        res = minimize_scalar(lambda kx: -_lower(num, kx, ky + 0.3), bounds=(-0.5, 0.5),
                              method="bounded", options={"xatol": 1e-13})
        return -res.fun - mu
    centre = np.pi - 0.3
    want = [brentq(top, centre - 1e-3, centre, xtol=1e-15),
            brentq(top, centre, centre + 1e-3, xtol=1e-15)]
    B2 = S.backend2
    with mp.workprec(106):
        def line_of(s):
            return Line((mp.mpf(0), s), (1, 0), 1, periodic=True)
        crit = families.critical_parameters(S.bands, B2, line_of, -mp.pi, mp.pi, mp.mpf(mu),
                                            S.margin(B2, 0))
    for w in want:
        assert min(abs(float(c) - w) for c in crit) < 1e-9, (w, crit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = S.dalpha_dmu(mu)
    h = 1e-10
    fd = (S.alpha(mu + h, 0) - S.alpha(mu - h, 0)) / (2 * h)
    assert abs(got - fd) <= 1e-4 * abs(fd), (got, fd)


def test_fermi_surface_sum_of_a_tight_binding_model_keeps_its_digits():
    """d alpha/d mu (E1) of the Rashba square-lattice Wannier90 file (sums over states of the
    hoppings, double precision) against the same model typed in SymPy (closed forms, dps 20):
    before, 2e-8 / 4e-8 off (the lines next to the tangencies in double precision, the
    nodes within 2^-53 of them dropped across a 1/sqrt singularity); now 1e-12."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_tb_adapters import HR
    from test_tightbinding import rashba_square_sympy

    from symgrav.cli.common import load_model_arg

    tb = Susceptibilities(load_model_arg(str(HR), spin="interlaced"), {}, dps="double")
    ref = Susceptibilities(rashba_square_sympy(), {}, dps=20)
    for mu in ("-1.0", "0.0"):
        want = ref.dalpha_dmu(mu)
        assert abs(tb.dalpha_dmu(mu) - float(want)) <= 1e-12 * abs(want), mu
