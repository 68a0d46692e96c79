"""Issue 11 item 6, engine side: true answers where the input is extreme but the answer exists.

Each case is compared with something independent of the engine (the radial
mpmath reference of tests/references, a numpy sum over states, a closed form)
and runs in bounded time.
"""

import time

import mpmath as mp
import pytest

from symgrav import Susceptibilities, load_model

from references import rashba_radial


# -- tiny gaps: b -> 0 is a smooth limit ------------------------------------------------
@pytest.mark.parametrize("mu, T", [("0.25", "0.01"), ("0.25", "0"), ("-0.25", "0.01")])
def test_tiny_gap_against_radial_reference(mu, T):
    """Rashba with b = 1e-20 at 30 digits.  Each band's curvature integrates to O(1) while
    their sum is O(b): 20 digits cancel.  Before, the engine kept only ~20 digits of the
    sum (M at mu = 0.25, T = 0.01 was off by 1e-22 of the scale, failing relation (6) and
    Eq. (18) in ``verify``); now every quantity holds 30 digits of the scale."""
    model = load_model("rashba")
    start = time.monotonic()
    S = Susceptibilities(model, dict(model.defaults, b="1e-20"), dps=30)
    got = S.evaluate(mu, T)
    assert time.monotonic() - start < 60
    with mp.workdps(45):
        b = mp.mpf("1e-20")
        want = rashba_radial.builtins(mp.mpf(mu), mp.mpf(T), b)
        scale = max(abs(v) for v in want.values())
        assert scale > b / 100                  # the quantities are O(b), not zero
        for name, value in want.items():
            assert abs(mp.mpf(got[name]) - value) <= mp.mpf("1e-29") * scale, name


# -- mu exactly at a van Hove energy of a 2D lattice model ------------------------------------
# lattice_insulator: the lower band is stationary at (pi, 0) and (0, pi) with energy
# -t0 * 0 - (M0 + t * 0) = -2 (typed from the model file: cos pi + cos 0 = 0): local maxima
# (the band's top is -1.4 at (pi, pi); its saddle points are at -2.05), where the density of
# states steps and the lines through them touch the Fermi surface at one point.
VAN_HOVE = -2.0


def _lattice():
    from references import bz_grid

    return bz_grid, bz_grid.LatticeInsulator()


def _engine(dps):
    model = load_model("lattice_insulator")
    return Susceptibilities(model, dict(model.defaults), dps=dps)


def test_mu_at_van_hove_energy_T0_against_line_family_reference():
    """T = 0, mu at the saddle energy: the lines through the saddles do not change the
    Fermi-point count, so the transverse integral had no split there and the periodic
    trapezoid rule failed after 16384 nodes; now the engine splits at stationary points
    of the bands.  Reference: numpy lines (Gauss-Legendre between Fermi points) graded in
    ky onto the saddles and the tangencies it finds itself."""
    import numpy as np

    ref, model = _lattice()
    start = time.monotonic()
    S = _engine("double")
    got = S.evaluate(str(VAN_HOVE), 0)
    assert time.monotonic() - start < 60
    kinks = [-np.pi, 0.0, np.pi] + ref.tangencies(model, VAN_HOVE, nky=257, nkx=513)
    want = ref.family_fermi_sea(model, VAN_HOVE, 0, ref.builtin_weights(), kinks,
                                levels=10, order=8, ratio=0.3, panels=2)
    scale = max(abs(v) for v in want.values())
    for name, value in want.items():
        assert abs(got[name] - value) <= 1e-10 * scale, name


@pytest.mark.parametrize("T, n", [("0.05", 128), ("0.02", 512),
                                  pytest.param("0.01", 1024, marks=pytest.mark.slow)])
def test_mu_at_van_hove_energy_finite_T_against_grid(T, n, dps="double"):
    """mu at the critical energy, T = 0.05 ... 0.01: the converged numpy grid of
    tests/references (n and 2n points per direction; the occupations vary on the scale
    T / |v|, so n ~ 10 / T).  The engine takes about a second at every T; the reference ~4 s
    at T = 0.02 and ~17 s at T = 0.01 (marked slow: python -m pytest -m slow)."""
    ref, model = _lattice()
    start = time.monotonic()
    S = _engine(dps)
    got = S.evaluate(str(VAN_HOVE), T)
    assert time.monotonic() - start < 60
    _, want = ref.converged(model, VAN_HOVE, float(T), ref.builtin_weights(), n=n, rtol=1e-11)
    scale = max(abs(v) for v in want.values())
    for name, value in want.items():
        assert abs(float(got[name]) - value) <= 1e-10 * scale, name


# d alpha/d mu (E1) at and next to the critical energies: tests/test_van_hove_mott.py


# -- one long evaluation shows progress ---------------------------------------------------
def test_one_long_evaluation_shows_progress(monkeypatch, capsys):
    """A bar on standard error counts the lines integrated; it appears after a delay (set to
    zero here), never for progress=False, and not for a short evaluation at the default."""
    import symgrav.numeric.progress as progress

    model = load_model("rashba")
    S = Susceptibilities(model, dict(model.defaults), dps="double")
    S.evaluate("0.25", "0.01")
    assert capsys.readouterr().err == ""          # off by default
    S.progress = True
    S.evaluate("0.3", "0.01")                     # well under the 2 s delay
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(progress, "DELAY", 0)
    S.evaluate("0.35", "0.01")
    err = capsys.readouterr().err
    assert "rashba mu=0.35 T=0.01" in err and "steps" in err


# -- bz_scan writes no NaN: the Mott column is omitted, honestly ---------------------------
def test_bz_scan_omits_the_mott_column_and_writes_no_nan(tmp_path):
    """The Mott value (21) is a T = 0 Fermi-surface integral that a grid cannot do: the table
    has no ``mott`` column (listed in metadata["omitted"]) instead of a column of NaN; the
    file reads back; the values agree with the converged numpy grid of tests/references."""
    import symgrav
    from symgrav.workflows.sweep_io import SweepResult

    ref, model = _lattice()
    res = symgrav.bz_scan("lattice_insulator", mu="-1.5", T="0.3", workers=1, progress=False,
                          dps="double")
    assert "mott" not in res.columns and "mott" not in res.rows[0]
    assert res.metadata["omitted"] == ["mott"]
    out = tmp_path / "scan.csv"
    res.to_csv(out)
    text = out.read_text()
    assert "nan" not in text.lower().replace("nan for bose", "")
    back = SweepResult.read_csv(out)
    assert back.columns == res.columns and len(back.rows) == 1
    _, want = ref.converged(model, -1.5, 0.3, ref.builtin_weights(), n=64, rtol=1e-11)
    scale = max(abs(v) for v in want.values())
    for name, value in want.items():
        assert abs(float(back.rows[0][name]) - value) <= 1e-10 * scale, name


# -- a four-band insulator with mu deep in its gap ------------------------------------------
@pytest.mark.parametrize("a, i", [("x", "x"), ("x", "y")])
def test_four_band_insulator_deep_in_the_gap(monkeypatch, a, i):
    """The PT-symmetric antiferromagnet of tests/test_degenerate.py made insulating (no
    hopping t, m0 = 1, exchange J = 0.6: Kramers pairs at +-|d|, |d| >= sqrt(0.4^2 + 0.6^2),
    a gap of 1.44) with mu = 0 in the middle, T = 0: the answer from the filled bands (the
    issue reported 'a Fermi surface on a lattice at low T?' for a 4-band insulator deep in a
    gap of 1.4; this one answers, also on the base of this branch).  Reference: the
    closed-form projector sum on a midpoint grid at T = 1e-3, where the occupations are steps
    to e^-700; x-y is zero by symmetry and must come out as zero, not as a failed quadrature
    of rounding noise."""
    import test_degenerate as D

    monkeypatch.setattr(D, "T_", 0.0)
    monkeypatch.setattr(D, "J", 0.6)
    monkeypatch.setattr(D, "M0", 1.0)
    start = time.monotonic()
    got = Susceptibilities(D.model(), {}, a=a, i=i, dps="double").evaluate("0", "0")
    assert time.monotonic() - start < 60
    coarse, fine = D.grid_reference(0.0, 1e-3, a, i, 48), D.grid_reference(0.0, 1e-3, a, i, 64)
    assert max(abs(x - y) for x, y in zip(coarse, fine)) < 1e-13      # converged reference
    scale = 0.02                                        # |alpha| of the x-x component
    assert abs(got["alpha"] - fine[0]) <= 1e-11 * scale
    assert abs(got["mqm"] - fine[1]) <= 1e-11 * scale
    assert got["T_beta"] == 0 and got["mqm_aux"] == got["mqm"] == got["T_beta_kubo"]


# -- nearly degenerate bands in double precision: never a silently wrong number ---------------
# A chain whose two bands are split by 2e-6 ... 3.5e-6 everywhere:
#   H = -cos k + B (cos k / 3 sx + sin k sy + (1 + cos k / 2) sz),  B = 1e-6,  s = sigma / 2.
# Omega_n ~ 1/B and m_n ~ 1 cancel between the two bands; double-precision eigenvectors are
# off by ~1e-16 / B, so the sums over states of the two bands carried errors of ~1e-5 of the
# answers (M = 8.5e-6 with mu above both bands, where it is exactly 0).
TINY = "1/1000000"


def _tiny_chain(tight_binding=False):
    import sympy as sp

    import symgrav

    k = sp.Symbol("k_x", real=True)
    b = sp.Rational(TINY)
    sx, sy, sz = (sp.Matrix(m) for m in ([[0, 1], [1, 0]], [[0, -sp.I], [sp.I, 0]],
                                          [[1, 0], [0, -1]]))
    H = -sp.cos(k) * sp.eye(2) + b * (sp.cos(k) / 3 * sx + sp.sin(k) * sy
                                      + (1 + sp.cos(k) / 2) * sz)
    model = symgrav.Model(H, (k,), lattice=True, name="tiny_chain")
    return symgrav.TightBinding.from_model(model) if tight_binding else model


def _tiny_chain_reference(mu, T, n):
    """The five built-ins at 40 digits by the periodic trapezoid rule over n points: mpmath
    eigenvectors of the 2 x 2 matrix typed here, Eqs. (8b), (8c) as sums over states, the
    weights of Eqs. (19a), (19b), (8a), (B7a), (20) (T > 0: the integrand is analytic)."""
    with mp.workdps(40):
        b, mu, T = mp.mpf(1) / 10 ** 6, mp.mpf(mu), mp.mpf(T)
        sx = mp.matrix([[0, 1], [1, 0]])
        sy = mp.matrix([[0, -1j], [1j, 0]])
        sz = mp.matrix([[1, 0], [0, -1]])
        one = mp.eye(2)
        total = [mp.mpf(0)] * 5
        for j in range(n):
            k = -mp.pi + 2 * mp.pi * j / n
            H = -mp.cos(k) * one + b * (mp.cos(k) / 3 * sx + mp.sin(k) * sy
                                       + (1 + mp.cos(k) / 2) * sz)
            V = mp.sin(k) * one + b * (-mp.sin(k) / 3 * sx + mp.cos(k) * sy - mp.sin(k) / 2 * sz)
            E, Q = mp.eigh(H)
            for n_, m_ in ((0, 1), (1, 0)):
                u, w = Q[:, n_], Q[:, m_]
                x = mp.im((u.H * V * w)[0] * (w.H * (sx / 2) * u)[0])
                gap = E[n_] - E[m_]
                om, mm = -2 * x / gap ** 2, x / gap
                xi = E[n_] - mu
                f = 1 / (mp.exp(xi / T) + 1)
                G = T * mp.log1p(mp.exp(-xi / T))       # -G: the weight of M (8a)
                df = -f * (1 - f) / T
                for q, (wo, wm) in enumerate(((f, 0), (xi * f, f), (-G, f),
                                              (xi * f, f + xi * df), (xi * f + G, 0))):
                    total[q] += (om * wo + mm * wm) / n
        return dict(zip(("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta"), total))


def test_nearly_degenerate_bands_filled_give_zero_in_double_precision():
    """mu above both bands at T = 0: every quantity is exactly 0 (Omega and m summed over a
    complete set of bands cancel at every k: sum_n Omega_n = 0, sum_n (xi_n Omega_n + m_n) = 0).
    The sums over states (tight-binding form) in double precision gave M = 8.5e-6 and the
    closed forms 1.1e-11, silently; now the double path measures the rounding of its band data
    (amplified by energy / gap ~ 1e6), warns, and redoes the integral at higher precision."""
    from symgrav import SymgravWarning

    for tight_binding in (True, False):
        S = Susceptibilities(_tiny_chain(tight_binding), {}, dps="double")
        start = time.monotonic()
        with pytest.warns(SymgravWarning, match="nearly degenerate bands"):
            got = S.evaluate("5", "0")
        assert time.monotonic() - start < 30
        # about 1e-13 of the model's |alpha| inside the bands (0.085)
        assert all(abs(float(v)) <= 1e-14 for v in got.values()), got


def test_nearly_degenerate_bands_thermal_tail_against_mpmath_sum_over_states():
    """mu = 2 above both bands at T = 0.1: the quantities are the thermal tails, ~3e-5.  The
    double-precision closed forms were off by 4e-8 of alpha (the two bands' f Omega cancel to
    1e-10 of themselves); now 1e-12 of the largest value.  Reference: the sums over states of
    the typed 2 x 2 matrix at 40 digits on 96 and 192 points (converged to 1e-18)."""
    from symgrav import SymgravWarning

    coarse, want = _tiny_chain_reference(2, "0.1", 96), _tiny_chain_reference(2, "0.1", 192)
    scale = max(abs(v) for v in want.values())
    assert scale > 1e-5
    assert all(abs(coarse[k] - want[k]) < mp.mpf(10) ** -18 * scale for k in want)
    S = Susceptibilities(_tiny_chain(), {}, dps="double")
    with pytest.warns(SymgravWarning, match="nearly degenerate bands"):
        got = S.evaluate("2", "0.1")
    for name, value in want.items():
        assert abs(got[name] - value) <= 1e-12 * scale, name


def test_well_conditioned_double_runs_are_left_alone():
    """Gaps of order the band energies: no amplification, no warning, no redo (the values are
    those of the plain double-precision integral: the test chain against its numpy reference)."""
    import warnings

    from chain_model import chain_model

    from references import bz_grid

    S = Susceptibilities(chain_model(), {}, dps="double")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = S.evaluate("-2", "0.1")
    want = bz_grid.chain_fermi_sea(bz_grid.chain_H, bz_grid.chain_dH, bz_grid.SX / 2, -2.0, 0.1,
                                   bz_grid.builtin_weights())
    scale = max(abs(v) for v in want.values())
    for name, value in want.items():
        assert abs(got[name] - value) <= 1e-12 * scale, name


def test_nearly_degenerate_bands_on_the_zone_grid_are_refused_in_double_precision():
    """The product grid (route bz_grid, 3D lattices by default) runs in worker processes and
    cannot redo its chunks at higher precision: with bands split by ~2e-6 and mu above both
    at T = 0 (every value is 0 by the sum rule of the test above) it refuses in one line,
    instead of returning rounding noise; on the Brillouin-zone lines the same model is redone
    at higher precision (closed forms, or the tight-binding conversion's sums over states, in
    gmpy2) and gives 0 to 1e-14."""
    import sympy as sp

    import symgrav
    from symgrav import SymgravError, SymgravWarning

    kx, ky = sp.symbols("k_x k_y", real=True)
    sx, sy, sz = (sp.Matrix(m) for m in ([[0, 1], [1, 0]], [[0, -sp.I], [sp.I, 0]],
                                          [[1, 0], [0, -1]]))
    H = -(sp.cos(kx) + sp.cos(ky)) / 2 * sp.eye(2) + sp.Rational(TINY) * (
        sp.sin(kx) * sx + sp.sin(ky) * sy + (1 + sp.cos(kx) / 2) * sz)
    model = symgrav.Model(H, (kx, ky), lattice=True, name="tiny_square")
    start = time.monotonic()
    with pytest.raises(SymgravError, match="nearly degenerate bands.*use dps=20"):
        Susceptibilities(model, {}, dps="double", route="bz_grid").evaluate("3", "0")
    assert time.monotonic() - start < 10
    with pytest.warns(SymgravWarning, match="nearly degenerate bands"):
        got = Susceptibilities(model, {}, dps="double").evaluate("3", "0")
    assert all(abs(float(v)) <= 1e-14 for v in got.values()), got
    # as sums over states (the tight-binding conversion) the lines are redone with the
    # batched gmpy2 band data (numeric/eigh_refine.py; seconds): 0 to 1e-14 as well
    start = time.monotonic()
    with pytest.warns(SymgravWarning, match="nearly degenerate bands"):
        got = Susceptibilities(symgrav.TightBinding.from_model(model), {},
                               dps="double").evaluate("3", "0")
    assert all(abs(float(v)) <= 1e-14 for v in got.values()), got
    assert time.monotonic() - start < 30
