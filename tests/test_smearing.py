"""A T = 0 scan, then any T by the exact Fermi-window convolution (issue 9 item 4, App. E).

References independent of the code under test: the numpy Gauss-Legendre sum over
states of a 1D chain at finite T (tests/references/bz_grid.py, chain_fermi_sea) and
SymPy's closed-form alpha(mu) at T = 0 (Eq. 19a) averaged over -f' by mpmath
quadrature written here.
"""

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav.errors import SymgravError
from symgrav.workflows.smearing import zero_temperature_scan

from chain_model import chain_model
from references import bz_grid as Z

NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")


def _chain():
    return chain_model(), Z.chain_H, Z.chain_dH


def _chain_scan(n):
    model, H, dH = _chain()
    # bands [-2.32, -1.7] and [1.3, 2.7]: the scan covers both (exact tails); the band
    # extrema (k = 0, k = pi and the lower band's minimum) are kinks
    kk = np.linspace(-np.pi, np.pi, 20001)
    low = np.linalg.eigvalsh(H(kk))[:, 0]
    kinks = [float(low.min()), -2.3, -1.7, 1.3, 2.7]
    scan = zero_temperature_scan(model, {}, np.linspace(-3, 3.5, n) + 0.0013, kinks=kinks)
    return scan, H, dH


@pytest.fixture(scope="module")
def chain_scan():
    return _chain_scan(651)


@pytest.fixture(scope="module")
def chain_scan_fine():
    return _chain_scan(1301)[0]


def test_chain_insulator_exact(chain_scan):
    """mu in the gap and above every band: the convolution, with the polynomial tail of the
    Z_gk above the bands beyond the scan, is exact."""
    scan, H, dH = chain_scan
    assert scan.starts_below and all(c is not None for c in scan.top.values())
    # mu = 0: every band edge > 26 T away; mu = 3.3: above both bands, 4 T below the scan's
    # end, 12 T above the square-root edge at 2.7, whose interpolation leaves up to 8.2e-9
    # (measured, M~; the five values are ~1e-7 there, ~1e-2 at mu = 0).  The tail beyond the
    # scan is the polynomial of the Z_gk above the bands, here zero to 1e-15 (sum rules:
    # sum_n Omega_n = sum_n m_n = 0), so this model cannot show whether it is added.
    got = scan.smear([0.0, 3.3], 0.05)
    for j, (mu, tol) in enumerate(((0.0, 1e-15), (3.3, 3e-8))):
        ref = Z.chain_fermi_sea(H, dH, Z.SX / 2, mu, 0.05, Z.builtin_weights())
        for name in NAMES:
            assert got[name][j] == pytest.approx(ref[name], rel=1e-11, abs=tol), (mu, name)


@pytest.mark.parametrize("mu", [-2.0, 1.9])
def test_chain_metal(chain_scan, chain_scan_fine, mu):
    """Metals: only the interpolation between scan energies remains.

    The 1D band edges are square-root points of the Z_gk, where piecewise interpolation
    converges slowly; measured worst errors, relative to the largest of the five values:
    9e-6 with 651 energies, 3e-6 with 1301.
    """
    scan, H, dH = chain_scan
    ref = Z.chain_fermi_sea(H, dH, Z.SX / 2, mu, 0.05, Z.builtin_weights())
    scale = max(abs(ref[name]) for name in NAMES)
    for grid, bound in ((scan, 3e-5), (chain_scan_fine, 1e-5)):
        got = grid.smear([mu], 0.05)
        for name in NAMES:
            assert abs(got[name][0] - ref[name]) <= bound * scale, (name, len(grid.energies))


def test_rashba_alpha_against_closed_form():
    """alpha(mu, T) = int (-f') alpha0: SymPy's alpha0 and mpmath quadrature (smooth region)."""
    model = symgrav.load_model("rashba")
    mu0 = sp.Symbol("mu", real=True)
    alpha0 = sp.lambdify(mu0, symgrav.zero_temperature(model, "alpha", params=model.defaults),
                         "mpmath")
    T, mu = mp.mpf("0.01"), mp.mpf("0.2")
    with mp.workdps(20):
        ref = mp.quad(lambda x: alpha0(mu + T * x) / (4 * mp.cosh(x / 2) ** 2),
                      [-60, -10, -2, 0, 2, 10, 60])
    scan = zero_temperature_scan(model, model.defaults, np.linspace(-1.0, 1.5, 501),
                                 kinks=(-0.625, -0.5, 0.5), quantities=[symgrav.QUANTITIES[0]])
    got = scan.smear([0.2], 0.01)
    assert list(got) == ["alpha"]
    assert got["alpha"][0] == pytest.approx(float(ref), rel=1e-9)
    assert abs(got["alpha"][0] - float(ref)) <= got.error["alpha"][0] + 1e-15


def test_errors(chain_scan):
    scan = chain_scan[0]
    with pytest.raises(SymgravError, match="T > 0"):
        scan.smear([0.0], 0)
    with pytest.raises(SymgravError, match="kind"):
        scan.smear([0.0], 0.1, kind="spline")
    model = symgrav.load_model("rashba")
    with pytest.raises(SymgravError, match="increasing"):
        zero_temperature_scan(model, model.defaults, [0.1, 0.0] * 4)
    short = zero_temperature_scan(model, model.defaults, np.linspace(-1.0, 0.5, 16))
    with pytest.raises(SymgravError, match="extend the scan upwards"):
        short.smear([0.3], 0.01)     # Rashba bands are unbounded: mu + 81 T must be inside
    with pytest.raises(SymgravError, match="not a Fermi-window average"):
        zero_temperature_scan(model, model.defaults, np.linspace(0, 1, 8),
                              quantities=[symgrav.Quantity("sq", "f**2", 0)])


def test_user_quantity_and_the_tail_above_the_bands():
    """A quantity the package does not ship, weights (xi^2 f, 0): Z_02 above the bands is
    the quadratic sum_n int Omega_n (eps_n - E)^2 (here 0.048 at E -> its constant), which
    the convolution adds beyond the scan's end (mu = 3.45, 1 T below it); reference: the
    chain's sum over states with that weight written here."""
    H, dH = Z.chain_H, Z.chain_dH
    q = symgrav.Quantity("q2", "xi**2*f", 0)
    kk = np.linspace(-np.pi, np.pi, 20001)
    low = np.linalg.eigvalsh(H(kk))[:, 0]
    scan = zero_temperature_scan(chain_model(), {}, np.linspace(-3, 3.5, 651) + 0.0013,
                                 quantities=[q], kinks=[float(low.min()), -2.3, -1.7, 1.3, 2.7])
    weights = {"q2": (lambda xi, T, f, G, df: xi ** 2 * f, None)}
    for mu in (0.0, 3.45):
        ref = Z.chain_fermi_sea(H, dH, Z.SX / 2, mu, 0.05, weights)["q2"]
        assert scan.smear([mu], 0.05)["q2"][0] == pytest.approx(ref, rel=1e-8), mu
