"""Tight-binding models (issue 9, first part): the container, the Wannier90 readers, the engine.

References, independent of the tight-binding code path:

* the same Hamiltonian typed as a SymPy ``lattice=True`` model, whose closed forms of
  Eqs. (8b), (8c) the engine integrates by another route (lambdified closed forms, not
  a sum over states of hoppings);
* hoppings derived by hand from the Fourier series H(k) = sum_R e^{i k.R} H(R);
* the dimensional scaling of a lattice of spacing a: velocity x a, measure / a^d.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav import SymgravError
from symgrav.tightbinding import TightBinding

DATA = Path(__file__).parent / "data"
HR = DATA / "rashba_square_hr.dat"


def rashba_square_sympy():
    """H(k) = -2 t (cos kx + cos ky) + lam (sin ky sx - sin kx sy) + b sz, t = 1/2, lam = 3/10,
    b = 1/4: the model written into tests/data/rashba_square_hr.dat."""
    kx, ky = sp.symbols("k_x k_y", real=True)
    t, lam, b = sp.Rational(1, 2), sp.Rational(3, 10), sp.Rational(1, 4)
    sx, sy, sz = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
    H = -2 * t * (sp.cos(kx) + sp.cos(ky)) * sp.eye(2) + lam * (sp.sin(ky) * sx - sp.sin(kx) * sy) \
        + b * sz
    return symgrav.Model(H, [kx, ky], lattice=True, name="rashba_square")


def test_hoppings_of_a_sympy_lattice_model_by_hand():
    """lattice_insulator: H = M0 sz + (t sz + t0) (cos kx + cos ky) + lam (-sin kx sy? ...) read
    off its TOML; here only the Fourier rule is checked: cos k -> 1/2 on R = +-1, i sin k -> +-1/2."""
    model = symgrav.load_model("lattice_insulator")
    tb = TightBinding.from_model(model)
    assert tb.vectors == [(-1, 0), (0, -1), (0, 0), (0, 1), (1, 0)]
    H = {R: [[complex(float(a), float(b)) for a, b in row] for row in M]
         for R, M in tb.hoppings.items()}
    # H00 = M0 + (t + t0)(cos kx + cos ky): R = (1, 0) carries (t + t0)/2 = 7/20
    assert tb.hoppings[(1, 0)][0][0] == (Fraction(7, 20), 0)
    assert tb.hoppings[(0, 0)][0][0] == (Fraction(2), 0) and tb.hoppings[(0, 0)][1][1] == (-2, 0)
    # H01 = i lam sin kx + lam sin ky: R = (1, 0) -> lam/2, R = (0, 1) -> lam/(2i) = -i lam/2
    assert H[(1, 0)][0][1] == 0.5 and H[(0, 1)][0][1] == -0.5j
    assert H[(-1, 0)][0][1] == -0.5 and H[(0, -1)][0][1] == 0.5j


def test_wannier90_file_equals_the_sympy_model():
    tb = TightBinding.from_wannier90(HR)
    assert tb.dim == 2 and tb.N == 2 and tb.name == "rashba_square"
    # the (1, 0) block is written doubled with degeneracy 2: divided back
    assert tb.hoppings[(1, 0)][0][0] == (Fraction(-1, 2), 0)
    assert tb.hoppings[(1, 0)][0][1] == (Fraction(3, 20), 0)
    ref = rashba_square_sympy()
    # band data at a few momenta: sum over states of hoppings vs the closed forms (8b, 8c)
    bd_tb = symgrav.Susceptibilities(tb, {}, dps="double").bands
    bd_sp = symgrav.numeric_geometry(ref, {}, "x", "x")
    with mp.workdps(30):
        for k in ((mp.mpf("0.3"), mp.mpf("-1.2")), (mp.mpf("2.9"), mp.mpf("0.4"))):
            a, b = bd_tb.at(k), bd_sp.at(k)
            for x, y in zip(a[0] + a[2] + a[3], b[0] + b[2] + b[3]):
                assert abs(x - y) < mp.mpf(10) ** -25 * (1 + abs(y))
    # the susceptibilities of a metal at T = 0.1 and of the gap at T = 0, double precision
    S_tb = symgrav.Susceptibilities(tb, {}, dps="double")
    S_sp = symgrav.Susceptibilities(ref, {}, dps="double")
    for mu, T in (("-1.0", "0.1"), ("0.0", "0")):
        got, want = S_tb.evaluate(mu, T), S_sp.evaluate(mu, T)
        assert got.route == "bz_lines"
        for key in want:
            assert got[key] == pytest.approx(want[key], rel=1e-11, abs=1e-15), (mu, T, key)
    assert S_tb.evaluate("-1.0", "0.1")["alpha"] != 0  # the exchange term breaks time reversal


def test_lattice_spacing_scales_as_dimensional_analysis():
    """Lattice constant a: v = dH/dk scales by a, the measure d^2k/(2 pi)^2 by 1/a^2, so
    alpha (Omega ~ v) scales by 1/a and M (Omega G ~ v, m f ~ v) by 1/a too."""
    tb1 = TightBinding.from_wannier90(HR)
    tb2 = TightBinding.from_wannier90(HR, lattice=[[2, 0], [0, 2]])
    assert tb2.cell_volume() == 4
    a = symgrav.Susceptibilities(tb1, {}, dps="double").evaluate("-1.0", "0.1")
    b = symgrav.Susceptibilities(tb2, {}, dps="double").evaluate("-1.0", "0.1")
    for key in a:
        assert b[key] == pytest.approx(a[key] / 2, rel=1e-12, abs=1e-17), key


def test_tb_dat_reader(tmp_path):
    """The same model in _tb.dat layout (lattice vectors in the file, blocks per R)."""
    hr = TightBinding.from_wannier90(HR)
    lines = ["written by symgrav's tests", "1.0 0.0 0.0", "0.0 1.0 0.0", "0.0 0.0 5.0",
             "2", str(len(hr.vectors)), " ".join("1" for _ in hr.vectors)]
    for R in hr.vectors:
        lines += ["", f"{R[0]} {R[1]} 0"]
        for n in range(2):
            for m in range(2):
                re, im = hr.hoppings[R][m][n]
                lines.append(f"{m + 1} {n + 1} {float(re):.6f} {float(im):.6f}")
    path = tmp_path / "sq_tb.dat"
    path.write_text("\n".join(lines) + "\n")
    tb = TightBinding.from_wannier90(path)
    assert tb.hoppings == hr.hoppings and tb.dim == 2
    assert tb.lattice_vectors == [[1, 0], [0, 1]]


@pytest.mark.parametrize("edit, message", [
    (lambda L: L[:3], r"unexpected end of file"),
    (lambda L: L[:1] + ["two"] + L[2:], r"_hr\.dat:2: expected 1 integer\(s\) \(num_wann\)|"
                                         r"num_wann: not an integer"),
    (lambda L: L[:4] + [L[4].replace("-0.500000", "-0.5x")] + L[5:],
     r"_hr\.dat:5: Re H: '-0\.5x' is not a decimal number"),
    (lambda L: L[:4] + [L[4].replace("    1    1  -0.5", "    3    1  -0.5")] + L[5:],
     r":5: orbital index out of range 1\.\.2"),
    (lambda L: L[:4] + [L[5]] + L[5:], r"given twice"),
    (lambda L: L[:4] + [L[4].replace("-0.500000", "-0.400000")] + L[5:], r"not Hermitian"),
])
def test_malformed_files_give_one_line(tmp_path, edit, message):
    lines = HR.read_text().splitlines()
    path = tmp_path / "bad_hr.dat"
    path.write_text("\n".join(edit(lines)) + "\n")
    with pytest.raises(SymgravError, match=message) as exc:
        TightBinding.from_wannier90(path)
    assert "\n" not in str(exc.value) and str(path) in str(exc.value)


def test_container_errors():
    H0 = [[1, 0], [0, -1]]
    with pytest.raises(SymgravError, match="missing"):
        TightBinding({(0,): H0, (1,): [[0, 1], [0, 0]]})
    with pytest.raises(SymgravError, match="not Hermitian"):
        TightBinding({(0,): [[1, 1j], [1j, 0]]})
    with pytest.raises(SymgravError, match="give spin"):
        TightBinding({(0,): np.eye(4)})
    with pytest.raises(SymgravError, match="even number"):
        TightBinding({(0,): np.eye(3)}, spin="block")
    with pytest.raises(SymgravError, match="beyond dim"):
        TightBinding({(0, 0): H0, (0, 1): H0, (0, -1): H0}, dim=1)
    with pytest.raises(SymgravError, match="no parameters"):
        symgrav.Susceptibilities(TightBinding({(0,): H0}), {"b": 1})
    with pytest.raises(SymgravError, match="must end in _hr.dat"):
        TightBinding.from_wannier90(DATA / "nothing.txt")
    tb = TightBinding.from_arrays([[0], [1], [-1]], [H0, [[0, 0.5], [0.5, 0]],
                                                    [[0, 0.5], [0.5, 0]]])
    assert tb.dim == 1 and tb.hoppings[(1,)][0][1] == (Fraction(1, 2), 0)
    # block and interlaced spin layouts: s_z = diag(1, 1, -1, -1)/2 and diag(1, -1, 1, -1)/2
    four = {(0,): np.diag([1, 2, 3, 4])}
    blk = TightBinding(four, spin="block").spin[2]
    inter = TightBinding(four, spin="interlaced").spin[2]
    assert [blk[k][k][0] for k in range(4)] == [Fraction(1, 2)] * 2 + [Fraction(-1, 2)] * 2
    assert [inter[k][k][0] for k in range(4)] == [Fraction(1, 2), Fraction(-1, 2)] * 2


def test_small_values_are_not_taken_for_rounding_noise():
    """An exchange of 1e-9 makes Omega and m ~1e-9 of the band terms: the double-precision
    sums over states keep them (only rounding-level values become zeros), against the
    closed forms of the same SymPy model."""
    kx, ky = sp.symbols("k_x k_y", real=True)
    sx, sy, sz = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
    b = sp.Rational(1, 10 ** 9)
    H = -(sp.cos(kx) + sp.cos(ky)) * sp.eye(2) + sp.Rational(3, 10) * (
        sp.sin(ky) * sx - sp.sin(kx) * sy) + b * sz
    model = symgrav.Model(H, [kx, ky], lattice=True, name="weak_exchange")
    S = symgrav.Susceptibilities(TightBinding.from_model(model), {}, dps="double")
    K = [np.array([0.3, 1.1]), np.array([-0.7, 0.4])]
    _, _, om, mm = S.bands.evaluate(S.backend, K)
    ref = symgrav.numeric_geometry(model, {}, "x", "x")
    for q in range(2):
        with mp.workdps(30):
            _, _, o, m = ref.at((mp.mpf(K[0][q]), mp.mpf(K[1][q])))
        assert 0 < abs(float(o[0])) < 1e-7
        assert np.allclose(om[:, q], [float(x) for x in o], rtol=1e-6, atol=0)
        assert np.allclose(mm[:, q], [float(x) for x in m], rtol=1e-6, atol=0)


def test_number_refusals_name_the_entry():
    """An infinite or NaN hopping (float or mpmath) is refused with the entry named (it once
    recursed without end); an mpmath number is read as the binary number it is."""
    H0 = [[1, 0], [0, -1]]
    for bad, shown in ((float("inf"), "inf"), (mp.mpf("-inf"), "-inf"), (float("nan"), "nan")):
        with pytest.raises(SymgravError, match=rf"^hopping at R = \(0,\): {shown} is not a "
                                               r"finite real number$"):
            TightBinding({(0,): [[bad, 0], [0, -1]]})
    with pytest.raises(SymgravError, match=r"^hopping at R = \(0,\): 'x' is not a decimal "
                                           r"number$"):
        TightBinding({(0,): [["x", 0], [0, -1]]})
    tb = TightBinding({(0,): [[mp.mpf("0.25"), 0], [0, -1]]})
    assert tb.hoppings[(0,)][0][0] == (Fraction(1, 4), 0)
    for R in (("a",), (0.5,)):
        with pytest.raises(SymgravError, match=rf"^lattice vector \({R[0]!r},\) is not a tuple "
                                               r"of integers$"):
            TightBinding({R: H0})
    with pytest.raises(SymgravError, match=r"^dim must be 1, 2 or 3; got 4$"):
        TightBinding({(0,): H0}, dim=4)


def test_spin_current_without_hoppings_along_the_axis_is_zero():
    """A 2D model whose hoppings all have R_y = 0: v_y = sum_R i R_y e^{ik.R} H(R) = 0, so the
    spin currents {v_y, s_a}/2 are zero matrices (on R = 0)."""
    H0, T1 = [[1, 0], [0, -1]], [[0, "0.5"], [0, 0]]
    tb = TightBinding({(0, 0): H0, (1, 0): T1, (-1, 0): [[0, 0], ["0.5", 0]]}, dim=2)
    cur = tb.spin_current("y")
    zero = [[(Fraction(0), Fraction(0))] * 2 for _ in range(2)]
    assert cur.operators == [{(0, 0): zero}] * 3
    assert cur.spin == [zero] * 3


def test_from_model_keeps_the_model_spin_and_refuses_what_is_not_a_fourier_sum():
    """The model's own spin matrices (here s = (sigma_z, sigma_x, sigma_y)/2, not the default)
    become the operators; a non-lattice model and a half-integer harmonic are refused."""
    kx, ky = sp.symbols("k_x k_y", real=True)
    sx, sy, sz = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
    H = -sp.cos(kx) * sp.eye(2) + sp.sin(ky) * sx + sz / 4
    model = symgrav.Model(H, [kx, ky], lattice=True, spin=[sz / 2, sx / 2, sy / 2])
    tb = TightBinding.from_model(model)
    h = Fraction(1, 2)
    assert tb.spin[0] == [[(h, 0), (0, 0)], [(0, 0), (-h, 0)]]
    assert tb.spin[1] == [[(0, 0), (h, 0)], [(h, 0), (0, 0)]]
    with pytest.raises(SymgravError, match=r"^from_model needs a SymPy Model with lattice=True$"):
        TightBinding.from_model(symgrav.Model(H, [kx, ky]))
    half = symgrav.Model(-sp.cos(kx / 2) * sp.eye(2) + sz / 4, [kx, ky], lattice=True)
    with pytest.raises(SymgravError, match=r"is not a finite Fourier sum over integer lattice "
                                           r"vectors with numeric coefficients$"):
        TightBinding.from_model(half)


def test_wannier90_reader_passes_spin_and_the_file_lattice(tmp_path):
    """read(spin=three matrices) gives those operators; a _tb.dat file's own lattice vectors
    (here spacing 5/2, read exactly) become the model's; a short R line names what it expected."""
    sz, sx = [[0.5, 0], [0, -0.5]], [[0, 0.5], [0.5, 0]]
    tb = TightBinding.from_wannier90(HR, spin=[sz, sx, [[0, -0.5j], [0.5j, 0]]])
    assert tb.spin[0] == [[(Fraction(1, 2), 0), (0, 0)], [(0, 0), (Fraction(-1, 2), 0)]]
    hr = TightBinding.from_wannier90(HR)
    lines = ["header", "2.5 0.0 0.0", "0.0 2.5 0.0", "0.0 0.0 5.0",
             "2", str(len(hr.vectors)), " ".join("1" for _ in hr.vectors)]
    for R in hr.vectors:
        lines += ["", f"{R[0]} {R[1]} 0"]
        lines += [f"{m + 1} {n + 1} {float(hr.hoppings[R][m][n][0]):.6f} "
                  f"{float(hr.hoppings[R][m][n][1]):.6f}" for n in range(2) for m in range(2)]
    path = tmp_path / "wide_tb.dat"
    path.write_text("\n".join(lines) + "\n")
    tb = TightBinding.from_wannier90(path)
    assert tb.lattice_vectors == [[Fraction(5, 2), 0], [0, Fraction(5, 2)]]
    assert tb.hoppings == hr.hoppings
    bad = tmp_path / "short_tb.dat"
    bad.write_text("\n".join(lines[:8] + ["0 0"] + lines[9:]) + "\n")
    with pytest.raises(SymgravError, match=r"short_tb\.dat:9: expected 3 integer\(s\) \(lattice "
                                           r"vector R\); got 2$"):
        TightBinding.from_wannier90(bad)


def test_cell_volume_of_a_fractional_lattice():
    """|det A| of a1 = (5/2, 0), a2 = (1/2, 1/2): 5/2 * 1/2 - 0 * 1/2 = 5/4, exactly (the
    decimals are read as the fractions they are)."""
    tb = TightBinding({(0, 0): [[1, 0], [0, -1]], (1, 0): [[0, 1], [0, 0]],
                       (-1, 0): [[0, 0], [1, 0]]}, dim=2, lattice=[["2.5", "0"], ["0.5", "0.5"]])
    assert tb.cell_volume() == sp.Rational(5, 4)
