"""Line features (radial extent, scan, Fermi points, extrema, breakpoints) against closed forms.

Each test builds a small model whose bands along the line are written out here
(polynomials in |p|), so the expected radial extent, Fermi points, extrema and
refusal numbers follow from the formulas, not from the engine.  They target
branches the physics tests do not reach (tools/mutation/NOTES.md, "Results").
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav import SymgravError
from symgrav.numeric.arith import Mpf
from symgrav.numeric.line_features import Line, LineFeatures, radial_extent

px, py = sp.symbols("p_x p_y", real=True)
S2 = px ** 2 + py ** 2
SZ = sp.diag(1, -1)
B = Mpf(mp.libmp.dps_to_prec(30))
TINY = mp.mpf(10) ** -40
RAY = Line((0, 0), (1, 0), 1, power=1)
RAY1 = Line((0,), (1,), 1)


def _bands(H, momenta=(px, py)):
    return symgrav.numeric_geometry(symgrav.Model(H, list(momenta)), {}, dps=30)


def test_radial_extent_sees_a_pocket_between_the_sampled_momenta():
    """eps(s) = s - 20/(1 + (s - 16)^2) -+ 1/2 (s = p^2) dips below mu = 0 only near |p| = 4:
    every band lies above mu at |p| = 1, 2, 5, 8 and rises there.  Beyond the returned
    extent no band may lie below mu: checked on a dense grid of the formula."""
    e = S2 - 20 / (1 + (S2 - 16) ** 2)
    bd = _bands(e * sp.eye(2) + SZ / 2)
    hi = radial_extent(bd, RAY, mp.mpf(0), mp.mpf(0))
    p = np.linspace(float(hi), 64 * float(hi), 200001)
    s = p * p
    assert np.all(s - 20 / (1 + (s - 16) ** 2) - 0.5 > 0)
    assert hi == 8  # the smallest power of two beyond the pocket (eps_-(4) = -4.5)


def test_radial_extent_refuses_a_momentum_scale_of_2_to_the_40():
    """eps = p^2 2^-78 -+ 1 at mu = 0: the lower band crosses mu at |p| = 2^39 exactly, so the
    smallest power of two beyond it is 2^40 = 1.1e12, at the cap: the scale is refused."""
    bd = _bands(S2 / sp.Integer(2) ** 78 * sp.eye(2) + SZ)
    with pytest.raises(SymgravError, match=r"^the bands vary on the momentum scale "
                                           r"\|p\| ~ 1\.1e\+12: the integration assumes"):
        radial_extent(bd, RAY, mp.mpf(0), mp.mpf(0))


def test_tiny_occupied_region_names_the_momentum_where_the_bands_move():
    """eps = p^2 -+ 2^-70, mu = 2^-61: the occupied disc ends at |p| ~ 2^-30.5, so the radial
    extent is 2^-30 = 9.31e-10, and the bands move by the energy scale |mu| there already
    (eps(2^-30) - eps(0) = 2^-60 > mu): the scale check quotes 9.31e-10."""
    bd = _bands(S2 * sp.eye(2) + SZ / sp.Integer(2) ** 70)
    mu = mp.mpf(2) ** -61
    want = 2.0 ** np.ceil(np.log2(np.sqrt(2.0 ** -61 + 2.0 ** -70)))
    assert f"{want:.3g}" == "9.31e-10"
    with pytest.raises(SymgravError, match=r"momentum scale \|p\| ~ 9\.31e-10:"):
        radial_extent(bd, RAY, mu, mp.mpf(0))


def test_unbounded_band_quotes_its_energy_at_the_momentum_named():
    """diag(p, -p, 3) in 1D: the bands of the two 1x1 blocks cannot be ordered symbolically
    (listed block by block), so band 1 (-p) is the one that falls; the refusal quotes
    eps_1 = -|p| at the |p| it names (the largest momentum sampled, 2^66)."""
    spin = [sp.eye(3), sp.diag(1, 0, -1), sp.Matrix([[0, 1, 0], [1, 0, 1], [0, 1, 0]])]
    model = symgrav.Model(sp.diag(px, -px, 3), [px], spin=spin)
    bd = symgrav.numeric_geometry(model, {}, dps=30)
    with pytest.raises(SymgravError) as err:
        radial_extent(bd, RAY1, mp.mpf(0), mp.mpf(0))
    text = str(err.value)
    assert text.startswith("band 1 does not rise above the chemical potential as |p| grows")
    far = 2.0 ** 66
    assert f"(epsilon = {-far:.4g} at |p| = {far:.3g}): the occupied states are unbounded" \
        in text


def test_fermi_point_just_below_the_radial_extent():
    """eps = p^2 -+ 1/4, mu = 0.9999^2 - 1/4: the lower band crosses mu at |p| = 0.9999, within
    the last 1/1024 of the extent |p| < 1; the upper band at sqrt(mu - 1/4)."""
    bd = _bands(S2 * sp.eye(2) + SZ / 4)
    with B.context():
        kf = mp.mpf("0.9999")
        mu = kf ** 2 - mp.mpf(1) / 4
        feats = LineFeatures(bd, RAY, B.num(mu), B.num(TINY), B)
        assert feats.hi == 1
        got = sorted((n, B.mpf(t)) for t, n, _ in feats.fermi)
        assert [n for n, _ in got] == [0, 1]
        assert abs(got[0][1] - kf) < mp.mpf(10) ** -25
        assert abs(got[1][1] - mp.sqrt(mu - mp.mpf(1) / 4)) < mp.mpf(10) ** -25


def test_narrow_pair_of_extrema_is_found():
    """eps = t^3/3 - 2 t^2 + t1 t2 t -+ 1/4 along +p (1D), eps' = (t - t1)(t - t2) with
    t1, t2 = 1.98, 2.02: a maximum and a minimum 0.04 apart on a line of extent 4."""
    t1, t2 = sp.Rational(99, 50), sp.Rational(101, 50)
    e = px ** 3 / 3 - (t1 + t2) / 2 * px ** 2 + t1 * t2 * px
    bd = _bands(e * sp.eye(2) + SZ / 4, momenta=(px,))
    with B.context():
        feats = LineFeatures(bd, RAY1, B.num(3), B.num(TINY), B)
        assert feats.hi == 4
        ext = sorted((n, B.mpf(t)) for t, n, _ in feats.extrema)
    assert [n for n, _ in ext] == [0, 0, 1, 1]
    for (_, t), want in zip(ext, [t1, t2, t1, t2]):
        assert abs(t - mp.mpf(sp.Rational(want))) < mp.mpf(10) ** -12


def test_breakpoints_at_unit_fermi_velocity():
    """eps = p -+ 1/4 (1D): both Fermi velocities are exactly 1, so the nearest graded
    breakpoints lie T / |v_F| = T from each Fermi point (not sqrt(T))."""
    bd = _bands(px * sp.eye(2) + SZ / 4, momenta=(px,))
    T = mp.mpf("0.001")
    with B.context():
        feats = LineFeatures(bd, RAY1, B.num("0.5"), B.num(TINY), B)
        pts = feats.breakpoints(B.num(T), B.num("0.5"), B.num("0.05"))
        fermi = sorted((B.mpf(t), B.mpf(v)) for t, _, v in feats.fermi)
        assert [t for t, _ in fermi] == [mp.mpf("0.25"), mp.mpf("0.75")]
        assert all(v == 1 for _, v in fermi)
        for t, _ in fermi:
            gaps = sorted(abs(B.mpf(p) - t) for p in pts if B.mpf(p) != t)
            assert abs(gaps[0] - T) < mp.mpf(10) ** -25


def test_lines_prepared_together_have_the_closed_form_fermi_points():
    """Bands -2 cos k_x - 2 cos k_y -+ 1/2 (a tight-binding model, double precision): on the
    k_x line at k_y the Fermi points of band -+ are cos k_x = -(mu +- 1/2 + 2 cos k_y) / 2 and
    the only interior extremum is k_x = 0.  Lines located together (prepare_lines: one band
    call per root iteration for all lines) and each line alone give these, to 1e-13."""
    from symgrav.numeric.arith import Float64
    from symgrav.numeric.line_features import prepare_lines
    from symgrav.numeric.tb_bands import TightBindingBands

    H = {(0, 0): [[0.5, 0], [0, -0.5]], (1, 0): np.eye(2) * -1, (-1, 0): np.eye(2) * -1,
         (0, 1): np.eye(2) * -1, (0, -1): np.eye(2) * -1}
    tb = symgrav.TightBinding(H, dim=2)
    F = Float64()
    mu = -1.0
    kys = [0.3, 1.1, 1.7, 2.5, -2.9]
    lines = [Line((0, ky), (1, 0), 1, periodic=True) for ky in kys]
    together = TightBindingBands(tb, "x", "x")
    LineFeatures(together, lines[0], mu + 0.25, 1e-16, F)        # its scan is memoized ...
    together.cache.update({j: None for j in range(50001)})     # ... and the memo overflows
    prepare_lines(together, F, lines, mu, 1e-16)
    for ky, line in zip(kys, lines):
        for bd in (together, TightBindingBands(tb, "x", "x")):
            feats = LineFeatures(bd, line, mu, 1e-16, F)
            want = []
            for band, shift in ((0, -0.5), (1, 0.5)):
                c = -(mu - shift + 2 * np.cos(ky)) / 2
                if abs(c) < 1:
                    want += [(-np.arccos(c), band), (np.arccos(c), band)]
            got = sorted((float(t), n) for t, n, _ in feats.fermi)
            assert len(got) == len(want), ky
            for (t, n), (t0, n0) in zip(got, sorted(want)):
                assert n == n0 and abs(t - t0) < 1e-13, ky
            assert sorted((n, abs(float(t)) < 1e-13) for t, n, _ in feats.extrema) == \
                [(0, True), (1, True)]
