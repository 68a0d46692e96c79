"""PythTB and TBmodels models as symgrav.TightBinding (issue 9).

References, independent of symgrav's tight-binding code:

* the libraries' own Hamiltonians and band energies (PythTB ``solve_one``/``_gen_ham``,
  TBmodels ``hamilton``/``eigenval``) at random momenta;
* the same Rashba square-lattice model read from the Wannier90 file written by hand for
  tests/data/rashba_square_hr.dat (its closed forms are checked in test_tightbinding.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import symgrav
from symgrav import SymgravError
from symgrav.tightbinding import TightBinding

HR = Path(__file__).parent / "data" / "rashba_square_hr.dat"
T_HOP, LAM, B = 0.5, 0.3, 0.25   # the model in rashba_square_hr.dat
SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]])
SZ = np.array([[1, 0], [0, -1]], dtype=complex)
RNG = np.random.default_rng(5)


def hk_reference(k):
    """H(k) of the Rashba square model, written from its formula."""
    kx, ky = k
    return (-2 * T_HOP * (np.cos(kx) + np.cos(ky)) * np.eye(2)
            + LAM * (np.sin(ky) * SX - np.sin(kx) * SY) + B * SZ)


def energies(tb, ks):
    """symgrav's band energies at Cartesian momenta ks (P, 2) of an identity lattice."""
    bands = symgrav.Susceptibilities(tb, {}, dps="double").bands
    eps, _ = bands.energies([ks[:, 0], ks[:, 1]])
    return eps.T


def pythtb_rashba(positions=((0.0, 0.0),)):
    pythtb = pytest.importorskip("pythtb")
    m = pythtb.tb_model(2, 2, [[1.0, 0.0], [0.0, 1.0]], [list(p) for p in positions], nspin=2)
    m.set_onsite([[0, 0, 0, B]])
    m.set_hop(-T_HOP * np.eye(2) + 0.5j * LAM * SY, 0, 0, [1, 0])
    m.set_hop(-T_HOP * np.eye(2) - 0.5j * LAM * SX, 0, 0, [0, 1])
    return m


def test_pythtb_model_equals_the_formula_and_the_wannier90_file():
    tb = TightBinding.from_pythtb(pythtb_rashba())
    assert tb.N == 2 and tb.dim == 2 and sorted(tb.vectors) == sorted(
        TightBinding.from_wannier90(HR).vectors)
    ks = RNG.uniform(-np.pi, np.pi, size=(6, 2))
    want = np.array([np.linalg.eigvalsh(hk_reference(k)) for k in ks])
    assert np.allclose(energies(tb, ks), want, atol=1e-14)
    got = symgrav.Susceptibilities(tb, {}, dps="double").evaluate("-1.0", "0.1")
    ref = symgrav.Susceptibilities(TightBinding.from_wannier90(HR), {},
                                   dps="double").evaluate("-1.0", "0.1")
    for key in ref:
        # 0.15 = lam/2 is a binary float in PythTB, an exact decimal in the file
        assert got[key] == pytest.approx(ref[key], rel=1e-13, abs=1e-16), key


def test_pythtb_energies_match_pythtb_with_orbital_positions():
    """Two spinful orbitals at different positions, an interorbital hopping: the band
    energies (independent of the position convention) equal PythTB's own."""
    pythtb = pytest.importorskip("pythtb")
    m = pythtb.tb_model(2, 2, [[1.0, 0.0], [0.3, 1.2]], [[0.0, 0.0], [0.5, 0.25]], nspin=2)
    m.set_onsite([[0.1, 0, 0, 0.3], [-0.4, 0.2, 0, 0]])
    m.set_hop(-0.7 * np.eye(2) + 0.2j * SY, 0, 1, [0, 0])
    m.set_hop(-0.3 * np.eye(2) - 0.1j * SX, 0, 1, [1, 0])
    m.set_hop(0.25 * np.eye(2) + 0.05j * SZ, 1, 1, [0, 1])
    tb = TightBinding.from_pythtb(m)
    assert tb.N == 4 and tb.lattice_vectors[1] == [0.3, 1.2]
    # PythTB's state order is (orbital, spin): s_z = diag(1/2, -1/2, 1/2, -1/2)
    assert [tb.spin[2][n][n] for n in range(4)] == [(0.5, 0), (-0.5, 0), (0.5, 0), (-0.5, 0)]
    kred = RNG.uniform(-0.5, 0.5, size=(5, 2))
    bands = symgrav.Susceptibilities(tb, {}, dps="double").bands
    eps, _ = bands.energies([2 * np.pi * kred[:, 0], 2 * np.pi * kred[:, 1]])
    want = np.array([np.sort(np.asarray(m.solve_one(k)).reshape(-1)) for k in kred])
    assert np.allclose(eps.T, want, atol=1e-13)
    # with every orbital at the origin PythTB's H(k) is the Wannier90-convention one
    m0 = pythtb.tb_model(2, 2, [[1.0, 0.0], [0.3, 1.2]], [[0.0, 0.0], [0.0, 0.0]], nspin=2)
    m0._hoppings, m0._site_energies = m._hoppings, m._site_energies
    for k in kred:
        H = sum(np.exp(2j * np.pi * np.dot(k, R)) * np.array(
            [[complex(float(a), float(b)) for a, b in row] for row in M])
            for R, M in tb.hoppings.items())
        assert np.allclose(H, m0._gen_ham(k).reshape(4, 4), atol=1e-14)


def test_pythtb_refusals():
    pythtb = pytest.importorskip("pythtb")
    slab = pythtb.tb_model(1, 2, [[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.0]], nspin=2)
    with pytest.raises(SymgravError, match="dim_k = 1 < dim_r = 2: give lattice="):
        TightBinding.from_pythtb(slab)
    one = pythtb.tb_model(2, 2, [[1.0, 0.0], [0.0, 1.0]], [[0, 0], [0.5, 0], [0, 0.5]])
    with pytest.raises(SymgravError, match="give spin"):
        TightBinding.from_pythtb(one)
    with pytest.raises(SymgravError, match="from_pythtb needs a pythtb.tb_model; got dict"):
        TightBinding.from_pythtb({})
    with pytest.raises(SymgravError, match="from_tbmodels needs a tbmodels.Model; got list"):
        TightBinding.from_tbmodels([])


def test_tbmodels_model_equals_tbmodels_hamiltonian():
    tbmodels = pytest.importorskip("tbmodels")
    m = tbmodels.Model(on_site=[B, -B], pos=[[0, 0], [0, 0]], occ=1,
                       uc=[[1.0, 0.0], [0.0, 1.0]])
    hx = -T_HOP * np.eye(2) + 0.5j * LAM * SY
    hy = -T_HOP * np.eye(2) - 0.5j * LAM * SX
    for R, h in (((1, 0), hx), ((0, 1), hy)):
        for a in range(2):
            for b in range(2):
                if h[a, b]:
                    m.add_hop(h[a, b], a, b, R)
    tb = TightBinding.from_tbmodels(m)
    kred = RNG.uniform(-0.5, 0.5, size=(5, 2))
    for k in kred:
        H = sum(np.exp(2j * np.pi * np.dot(k, R)) * np.array(
            [[complex(float(a), float(b)) for a, b in row] for row in M])
            for R, M in tb.hoppings.items())
        assert np.allclose(H, m.hamilton(k, convention=2), atol=1e-14)
        assert np.allclose(H, hk_reference(2 * np.pi * k), atol=1e-14)


class FakeTBModels:
    """The attributes of a TBmodels model (hop stores half: H(k) = sum hop e^{ikR} + h.c.)."""

    def __init__(self):
        self.size, self.dim, self.uc = 2, 1, None
        self.hop = {(0,): np.diag([B / 2, -B / 2]).astype(complex),
                    (1,): np.array([[-T_HOP, 0.2], [0.1j, -T_HOP]])}


def test_tbmodels_half_storage_is_completed_by_the_conjugate():
    tb = TightBinding.from_tbmodels(FakeTBModels())
    assert tb.dim == 1 and tb.hoppings[(0,)][0][0] == (B, 0)
    assert tb.name == "tbmodels" and TightBinding.from_tbmodels(FakeTBModels(), name="chain").name \
        == "chain"
    assert [[complex(float(a), float(b)) for a, b in row] for row in tb.hoppings[(-1,)]] == \
        [[-T_HOP, -0.1j], [0.2, -T_HOP]]
    k = 0.7
    H = sum(np.exp(1j * k * R[0]) * np.array([[complex(float(a), float(b)) for a, b in row]
                                              for row in M]) for R, M in tb.hoppings.items())
    f = FakeTBModels()
    half = f.hop[(0,)] + np.exp(1j * k) * f.hop[(1,)]
    assert np.allclose(H, half + half.conj().T, atol=1e-15)


# -- the command line takes Wannier90 files ---------------------------------------------------
def test_cli_compute_reads_a_wannier90_file(tmp_path, capsys):
    """``symgrav compute seedname_hr.dat`` against the same model typed in SymPy (closed
    forms of (8b), (8c), another route than the sum over states of the hoppings)."""
    from symgrav.cli import main
    from test_tightbinding import rashba_square_sympy

    out = tmp_path / "tb.csv"
    assert main(["compute", str(HR), "--spin", "interlaced", "--mu=-1.0,0.0", "--T", "0.1",
                 "--dps", "double", "--out", str(out), "--no-progress"]) == 0
    rows = [line.split(",") for line in out.read_text().splitlines() if not line.startswith("#")]
    header, data = rows[0], rows[1:]
    S = symgrav.Susceptibilities(rashba_square_sympy(), {}, dps="double")
    for row in data:
        values = dict(zip(header, row))
        want = S.evaluate(values["mu"], values["T"])
        for key in ("alpha", "mqm", "T_beta"):
            assert float(values[key]) == pytest.approx(want[key], rel=1e-11, abs=1e-15), key


@pytest.mark.parametrize("argv, message", [
    (["derive", str(HR)], "has no closed forms; use symgrav compute or verify"),
    (["compute", "rashba", "--spin", "block", "--mu", "0", "--T", "0"],
     r"--spin applies to Wannier90 files \(_hr.dat, _tb.dat\) only"),
    (["compute", str(HR), "--param", "t=1", "--mu", "0", "--T", "0"],
     "unknown parameter; the model's parameters are none"),
])
def test_cli_tight_binding_refusals(argv, message, capsys):
    from symgrav.cli import main

    assert main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and re.search(message, err), err


def test_tensor_of_a_tight_binding_model_equals_the_sympy_model():
    """Every component and its symmetry classification, against the SymPy model's closed
    forms (the tensor symmetries are found from the band data in each case)."""
    from test_tightbinding import rashba_square_sympy

    tb = symgrav.tensor(TightBinding.from_wannier90(HR), {}, "-1.0", "0.1", dps="double")
    ref = symgrav.tensor(rashba_square_sympy(), {}, "-1.0", "0.1", dps="double")
    assert set(tb.zero) == set(ref.zero) == {("x", "y"), ("y", "x"), ("z", "x"), ("z", "y")}
    assert set(tb.values) == set(ref.values)
    for comp, want in ref.values.items():
        for key, value in want.items():
            assert tb.values[comp][key] == pytest.approx(value, rel=1e-11, abs=1e-15), comp
    assert tb.values[("x", "x")]["alpha"] != 0


# -- momentum-dependent operators ---------------------------------------------------------
def spin_current_grid(a, mu, T, n):
    """alpha of direction y with s_a -> {v_x, s_a}/2 (a spin Hall response) for the Rashba
    square model on an n x n grid (numpy, from the formula of H(k); the reference of the
    next test)."""
    ks = 2 * np.pi * (np.arange(n) + 0.5) / n - np.pi
    total = 0.0
    s = [SX / 2, SY / 2, SZ / 2]["xyz".index(a)]
    for kx in ks:
        for ky in ks:
            H = hk_reference((kx, ky))
            vx = 2 * T_HOP * np.sin(kx) * np.eye(2) - LAM * np.cos(kx) * SY
            vy = 2 * T_HOP * np.sin(ky) * np.eye(2) + LAM * np.cos(ky) * SX
            op = (vx @ s + s @ vx) / 2
            E, U = np.linalg.eigh(H)
            v, o = U.conj().T @ vy @ U, U.conj().T @ op @ U
            om0 = -2 * np.imag(v[0, 1] * o[1, 0]) / (E[0] - E[1]) ** 2
            f = 1 / (np.exp((E - mu) / T) + 1)
            total += om0 * (f[0] - f[1])
    return total / n ** 2


def test_spin_current_operator_against_a_grid():
    tb = TightBinding.from_wannier90(HR)
    cur = tb.spin_current("x")
    assert cur.spin == [None, None, None] and (1, 0) in cur.operators[2]
    ref = [spin_current_grid("z", -1.0, 0.3, n) for n in (60, 90)]
    assert abs(ref[0] - ref[1]) < 1e-10 * abs(ref[1]) and abs(ref[1]) > 1e-4
    got = symgrav.Susceptibilities(cur, {}, a="z", i="y", dps="double").evaluate("-1.0", "0.3")
    assert got["alpha"] == pytest.approx(ref[1], rel=1e-9)


def test_operator_hoppings_must_be_hermitian():
    H = {(0,): [[1, 0], [0, -1]]}
    S = {(1,): [[0, 1], [0, 0]]}
    eye = [[1, 0], [0, 1]]
    with pytest.raises(SymgravError, match=r"s_x\(\(-1,\)\) is missing"):
        TightBinding(H, spin=[S, eye, eye])
    with pytest.raises(SymgravError, match="spin_current: axis 'y' does not exist in a 1D"):
        TightBinding(H).spin_current("y")


def test_spin_current_in_working_precision_against_numpy():
    """The momentum-dependent operator J = {v_x, s_z}/2 in mpmath (20 digits, the S(R) of
    every R summed with its phase): Omega (8b) and m (8c) at one momentum equal the numpy sum
    over states of H(k) written from its formula, v_x = 2t sin kx - lam cos kx sigma_y,
    v_y = 2t sin ky + lam cos ky sigma_x, Omega_n = -2 sum_m Im(v_nm J_mn) / (E_n - E_m)^2,
    m_n = sum_m Im(v_nm J_mn) / (E_n - E_m) (v = v_y)."""
    import mpmath as mp
    from symgrav.numeric.tb_bands import TightBindingBands
    bands = TightBindingBands(TightBinding.from_wannier90(HR).spin_current("x"), "z", "y")
    k = (0.37, -1.21)
    with mp.workdps(20):
        eps, _, om, mm = bands.at(k)
    vx = 2 * T_HOP * np.sin(k[0]) * np.eye(2) - LAM * np.cos(k[0]) * SY
    vy = 2 * T_HOP * np.sin(k[1]) * np.eye(2) + LAM * np.cos(k[1]) * SX
    J = (vx @ SZ + SZ @ vx) / 4
    E, U = np.linalg.eigh(hk_reference(k))
    v, s = U.conj().T @ vy @ U, U.conj().T @ J @ U
    for n, m in ((0, 1), (1, 0)):
        x = np.imag(v[n, m] * s[m, n])
        assert float(eps[n]) == pytest.approx(E[n], abs=1e-14)
        assert float(om[n]) == pytest.approx(-2 * x / (E[n] - E[m]) ** 2, rel=1e-12)
        assert float(mm[n]) == pytest.approx(x / (E[n] - E[m]), rel=1e-12)
    assert abs(float(om[0])) > 1e-3
