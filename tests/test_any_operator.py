"""Any operator in place of spin (issue 9 item 6): ``operator=``, momentum-dependent operators.

References, each independent of the code under test:

* Eqs. (8b), (8c) as sums over states written here with numpy: H(p) typed from the
  model's formula, velocities by central finite differences, the operator built from
  them, batched ``numpy.linalg.eigh``;
* the same SymPy lattice model converted to a :class:`TightBinding` (Fourier series of
  H and of the operator, sums over states of hoppings, not the closed forms), and the
  spin current built from the hoppings by exact matrix algebra
  (:meth:`TightBinding.spin_current`);
* a numpy polar-grid integral of Eqs. (19a), (8a) for the continuum Rashba model;
* the Zeeman route, Eq. (11c) = (13), which differentiates eigenvectors numerically.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav import Model, SymgravError, TightBinding
from symgrav.numeric.zeeman_route import mqm_zero_T_insulator

SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]])
SZ = np.array([[1, 0], [0, -1]], dtype=complex)
ONE = np.eye(2, dtype=complex)
PAULI = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
         sp.Matrix([[1, 0], [0, -1]]))


def with_operator(model, ops, **kw):
    """The model with the operators ``ops`` in place of spin."""
    return Model(model.H, model.momenta, hbar=model.hbar, lattice=model.lattice,
                 parameters=model.defaults, operator=ops, **kw)


# -- numpy references ----------------------------------------------------------------------
def rashba_h(p):
    """Eq. (22) with hbar = m = alpha = 1, b = 1/2; p: (P, 2) -> (P, 2, 2)."""
    px, py = p[:, 0, None, None], p[:, 1, None, None]
    return (px ** 2 + py ** 2) / 2 * ONE + py * SX - px * SY + 0.5 * SZ


def insulator_h(k):
    """symgrav/models/lattice_insulator.toml typed from its formula (t0, lam, M0, t defaults)."""
    kx, ky = k[:, 0, None, None], k[:, 1, None, None]
    c = np.cos(kx) + np.cos(ky)
    return 0.2 * c * ONE + np.sin(ky) * SX - np.sin(kx) * SY + (2 + 0.5 * c) * SZ


def velocity(h, k, j, step=1e-3):
    """dH/dk_j by the fourth-order central difference."""
    e = np.zeros(k.shape[1])
    e[j] = step
    return (8 * (h(k + e) - h(k - e)) - (h(k + 2 * e) - h(k - 2 * e))) / (12 * step)


def sums_over_states(H, V, S):
    """Omega (8b) and m (8c) of both bands (hbar = 1), non-degenerate bands: (2, P) each."""
    E, U = np.linalg.eigh(H)
    Ud = np.conj(np.swapaxes(U, 1, 2))
    v, s = Ud @ V @ U, Ud @ S @ U
    x = np.imag(v * np.swapaxes(s, 1, 2))                 # Im(v_nm s_mn)
    gap = E[:, :, None] - E[:, None, :]
    off = ~np.eye(2, dtype=bool)
    om = np.sum(np.where(off, -2 * x / np.where(off, gap, 1) ** 2, 0), axis=2)
    mm = np.sum(np.where(off, x / np.where(off, gap, 1), 0), axis=2)
    return E.T, om.T, mm.T


def anticommutator(v, s):
    return (v @ s + s @ v) / 2


# -- Model.spin_current ------------------------------------------------------------------
def test_model_spin_current_of_rashba_by_hand():
    """{v_x, s_a}/2 with v_x = p_x/m - alpha sigma_y, s = (hbar/2) sigma, worked out by hand."""
    m = symgrav.load_model("rashba")
    px, hbar, mass, alpha = (m.symbol(n) for n in ("p_x", "hbar", "m", "alpha"))
    px, hbar, mass, alpha = (m.to_user(s) for s in (px, hbar, mass, alpha))
    J = m.spin_current("x")
    want = (hbar * px / (2 * mass) * PAULI[0],
            hbar * px / (2 * mass) * PAULI[1] - alpha * hbar / 2 * sp.eye(2),
            hbar * px / (2 * mass) * PAULI[2])
    for got, ref in zip(J, want):
        assert sp.simplify(got - ref) == sp.zeros(2, 2)
    with pytest.raises(SymgravError, match="axis 'z' does not exist in a 2D model"):
        m.spin_current("z")


# -- (a) closed forms against numpy sums over states -------------------------------------
@pytest.mark.parametrize("name, h, j", [("rashba", rashba_h, 0), ("lattice_insulator",
                                                                  insulator_h, 1)])
def test_closed_forms_for_a_spin_current_against_numpy(name, h, j):
    """Omega (8b), m (8c) of s_a -> {v_j, s_a}/2: SymPy closed forms vs numpy sums over
    states with finite-difference velocities, every (a, i), at seeded random momenta."""
    model = symgrav.load_model(name)
    cur = with_operator(model, model.spin_current("xy"[j]))
    rng = np.random.default_rng(20261202)
    k = rng.uniform(-2.5, 2.5, size=(6, 2))
    H = h(k)
    V = [velocity(h, k, 0), velocity(h, k, 1)]
    spins = (SX / 2, SY / 2, SZ / 2)                    # hbar = 1 in both models
    subs = {s: sp.nsimplify(model.defaults[s.name]) for s in cur.parameters}
    momenta = list(cur.momenta)
    nonzero = 0
    for a in range(3):
        S = anticommutator(V[j], spins[a])
        for i in range(2):
            E, om_ref, m_ref = sums_over_states(H, V[i], S)
            om = symgrav.spin_berry_curvature(cur, "xyz"[a], "xy"[i])
            mm = symgrav.spin_magnetic_moment(cur, "xyz"[a], "xy"[i])
            f = sp.lambdify(momenta, [e.xreplace(subs) for e in list(om) + list(mm)], "numpy")
            got = np.array([np.broadcast_to(np.asarray(v, dtype=float), (len(k),))
                            for v in f(k[:, 0], k[:, 1])])
            ref = np.concatenate([om_ref, m_ref])
            nonzero += np.abs(ref).max() > 1e-3
            assert np.allclose(got, ref, rtol=1e-8, atol=1e-10), (name, a, i)
    assert nonzero >= 3             # the check bites: most components are not zero


def test_kramers_pairs_with_a_spin_current_against_numpy_projectors():
    """A PT-symmetric 4x4 lattice model (two Kramers pairs; the Dirac-type closed forms, half the
    pair sums per band) and its numeric sums over states (symgrav.numeric_geometry) with
    s_a -> {v_x, s_a}/2, against numpy projector sums with finite-difference velocities."""
    kron = sp.kronecker_product
    gam = [kron(PAULI[0], sp.eye(2))] + [kron(PAULI[2], s) for s in PAULI]
    px, py = sp.symbols("p_x p_y", real=True)
    c = sp.cos(px) + sp.cos(py)
    H = -c * sp.eye(4) + (sp.Rational(2, 5) + sp.Rational(3, 10) * c) * gam[0] \
        + sp.Rational(7, 20) * (sp.sin(py) * gam[1] - sp.sin(px) * gam[2]) + gam[3] / 4
    spin = [kron(sp.eye(2), s) / 2 for s in PAULI]
    cur = Model(H, [px, py], lattice=True,
                operator=Model(H, [px, py], lattice=True, spin=spin).spin_current("x"))
    fn = sp.lambdify([px, py], H, "numpy")

    def h(k):
        return np.array([np.array(fn(*q), dtype=complex) for q in k])
    rng = np.random.default_rng(5)
    k = rng.uniform(-2.5, 2.5, size=(3, 2))
    V = [velocity(h, k, 0), velocity(h, k, 1)]
    S = [np.array(sp.matrix2numpy(s, dtype=complex)) for s in spin]
    E, U = np.linalg.eigh(h(k))
    pairs = [(0, 1), (2, 3)]
    checked = 0
    for a in range(3):
        J = anticommutator(V[0], S[a])
        for i in range(2):
            om = symgrav.spin_berry_curvature(cur, "xyz"[a], "xy"[i])
            mm = symgrav.spin_magnetic_moment(cur, "xyz"[a], "xy"[i])
            num = symgrav.numeric_geometry(cur, {}, "xyz"[a], "xy"[i], dps=20)
            for q in range(len(k)):
                P = [U[q][:, list(p)] @ U[q][:, list(p)].conj().T for p in pairs]
                EA = [E[q][p[0]] for p in pairs]
                x = np.imag(np.trace(P[0] @ V[i][q] @ P[1] @ J[q]))   # Im tr(P_A v P_B s)
                ref_om = [-2 * x / (EA[0] - EA[1]) ** 2 / 2] * 2 + [-2 * -x / (EA[0] - EA[1]) ** 2
                                                                  / 2] * 2
                ref_m = [x / (EA[0] - EA[1]) / 2] * 2 + [-x / (EA[1] - EA[0]) / 2] * 2
                at = {px: k[q, 0], py: k[q, 1]}
                assert np.allclose([float(e.subs(at)) for e in om], ref_om, atol=1e-9)
                assert np.allclose([float(e.subs(at)) for e in mm], ref_m, atol=1e-9)
                _, _, om_n, mm_n = num.at([mp.mpf(float(c)) for c in k[q]])
                assert np.allclose([float(v) for v in om_n], ref_om, atol=1e-9)
                assert np.allclose([float(v) for v in mm_n], ref_m, atol=1e-9)
                checked += abs(x) > 1e-3
    assert checked >= 3


# -- (b) a SymPy lattice model with a k-dependent operator and its TightBinding ---------
def test_lattice_spin_current_model_equals_its_tight_binding_conversion():
    model = symgrav.load_model("lattice_insulator")
    cur = with_operator(model, model.spin_current("x"), name="current")
    tb = TightBinding.from_model(cur)
    # the operator's Fourier series equals the spin current built from the hoppings
    ref = TightBinding.from_model(model).spin_current("x")
    assert tb.spin == [None, None, None]
    def nonzero(ops):
        return {R: M for R, M in ops.items() if any(x != (0, 0) for row in M for x in row)}
    for a in range(3):
        assert nonzero(tb.operators[a]) == nonzero(ref.operators[a]) != {}
    # band data at 30 digits: closed forms (SymPy) vs sums over states of the hoppings
    bd_sp = symgrav.numeric_geometry(cur, model.defaults, "z", "y", dps=35)
    bd_tb = symgrav.numeric_geometry(tb, {}, "z", "y")
    with mp.workdps(30):
        for k in ((mp.mpf("0.3"), mp.mpf("-1.2")), (mp.mpf("2.9"), mp.mpf("0.4"))):
            a, b = bd_tb.at(k), bd_sp.at(k)
            assert max(abs(x) for x in b[2]) > 1e-5
            for x, y in zip(a[0] + a[2] + a[3], b[0] + b[2] + b[3]):
                assert abs(x - y) < mp.mpf(10) ** -25 * (1 + abs(y))
    # alpha (19a) and M (8a) of the metal at T > 0, double precision
    got = symgrav.Susceptibilities(tb, {}, a="z", i="y", dps="double").evaluate("-1.5", "0.1")
    want = symgrav.Susceptibilities(cur, model.defaults, a="z", i="y",
                                    dps="double").evaluate("-1.5", "0.1")
    for key in ("alpha", "mqm"):
        assert abs(want[key]) > 1e-4
        assert got[key] == pytest.approx(want[key], rel=1e-11), key


# -- continuum: the isotropy test sees the operator ---------------------------------------
def test_rashba_spin_current_is_anisotropic_and_matches_a_polar_grid():
    """{v_x, s_z}/2 makes Omega_z^y ~ p_x^2: not isotropic although H is, so the engine must
    not use one radial ray.  Reference: Eqs. (19a), (8a) on a numpy polar grid (Gauss-Legendre
    in p, periodic trapezoid in the angle), sums over states with finite-difference v."""
    model = symgrav.load_model("rashba")
    cur = with_operator(model, model.spin_current("x"))
    assert symgrav.Susceptibilities(model, model.defaults, dps="double").layout.kind == "radial"
    S = symgrav.Susceptibilities(cur, model.defaults, a="z", i="y", dps="double")
    assert S.layout.kind == "polar"
    with pytest.raises(SymgravError, match="not an isotropic"):   # the symbolic T = 0 route
        symgrav.zero_temperature(cur, "alpha", "z", "y", params=model.defaults)
    mu, T = 0.3, 0.2
    got = S.evaluate(str(mu), str(T))
    x, w = np.polynomial.legendre.leggauss(300)
    pmax, nth = 9.0, 64                     # f < e^-150 beyond pmax; the angle is periodic
    p, wp = (x + 1) * pmax / 2, w * pmax / 2
    th = 2 * np.pi * np.arange(nth) / nth
    P, TH = (g.ravel() for g in np.meshgrid(p, th, indexing="ij"))
    WP = np.repeat(wp, nth)
    k = np.stack([P * np.cos(TH), P * np.sin(TH)], axis=1)
    E, om, mm = sums_over_states(rashba_h(k), velocity(rashba_h, k, 1),
                                 anticommutator(velocity(rashba_h, k, 0), SZ / 2))
    xi = E - mu
    f = 1 / (np.exp(xi / T) + 1)
    G = T * np.logaddexp(0, -xi / T)
    weight = WP * P * (2 * np.pi / nth) / (2 * np.pi) ** 2
    alpha = np.sum(weight * np.sum(om * f, axis=0))
    mqm = np.sum(weight * np.sum(-om * G + mm * f, axis=0))
    assert abs(alpha) > 1e-3 and abs(mqm) > 1e-3
    assert got["alpha"] == pytest.approx(alpha, rel=1e-10)
    assert got["mqm"] == pytest.approx(mqm, rel=1e-10)


# -- the Zeeman route with a momentum-dependent operator -----------------------------------
def test_zeeman_route_couples_the_operator_at_each_momentum():
    """1D insulator H = sin k sx + (2 + cos k) sz + 0.3 cos k with s_y(k) = (2 + cos k) sy/4:
    Eq. (11c) by finite differences of eigenvectors of H(k) - B s_y(k) equals Eq. (8a) at
    T = 0 to 15 digits; with s_y frozen at k = 0 it would not."""
    k = sp.Symbol("k", real=True)
    H = sp.sin(k) * PAULI[0] + (2 + sp.cos(k)) * PAULI[2] + sp.cos(k) * 3 / 10 * sp.eye(2)
    ops = [PAULI[0] / 2, (2 + sp.cos(k)) * PAULI[1] / 4, PAULI[2] / 2]
    model = Model(H, [k], lattice=True, operator=ops)
    frozen = Model(H, [k], lattice=True, operator=[ops[0], 3 * PAULI[1] / 4, ops[2]])
    M_zeeman = mqm_zero_T_insulator(model, {}, "0", "y", "x", dps=15)
    M_8a = symgrav.Susceptibilities(model, {}, "y", "x", 20).mqm("0", 0)
    M_frozen = symgrav.Susceptibilities(frozen, {}, "y", "x", 20).mqm("0", 0)
    assert abs(M_8a) > 1e-3 and abs(M_frozen - M_8a) > 1e-3 * abs(M_8a)
    with mp.workdps(30):
        assert abs(M_zeeman - M_8a) <= mp.mpf("1e-13") * abs(M_8a)


# -- (c) the operator= alias -------------------------------------------------------------------
def test_operator_alias_of_the_sympy_model():
    model = symgrav.load_model("lattice_insulator")
    ops = model.spin_current("x")
    a = Model(model.H, model.momenta, lattice=True, spin=ops)
    b = Model(model.H, model.momenta, lattice=True, operator=ops)
    assert a.spin == b.spin
    assert list(symgrav.spin_berry_curvature(a, "z", "y")) == \
        list(symgrav.spin_berry_curvature(b, "z", "y"))
    with pytest.raises(SymgravError, match="spin= or as operator= .*not both"):
        Model(model.H, model.momenta, lattice=True, spin=ops, operator=ops)


def test_operator_alias_of_tight_binding_and_readers(tmp_path):
    from test_tightbinding import HR

    H = {(0,): [[1, 0], [0, -1]], (1,): [[0, 0.5], [0.25, 0]], (-1,): [[0, 0.25], [0.5, 0]]}
    ops = [{(1,): [[0, 1], [0, 0]], (-1,): [[0, 0], [1, 0]]}, SY / 2, SZ / 2]
    a, b = TightBinding(H, spin=ops), TightBinding(H, operator=ops)
    assert a.operators == b.operators and a.spin[0] is None and b.spin[0] is None
    with pytest.raises(SymgravError, match="not both"):
        TightBinding(H, spin=ops, operator=ops)
    R, Hs = [(0,), (1,), (-1,)], [H[(0,)], H[(1,)], H[(-1,)]]
    assert TightBinding.from_arrays(R, Hs, operator=ops).operators == a.operators
    with pytest.raises(SymgravError, match="not both"):
        TightBinding.from_arrays(R, Hs, spin=ops, operator=ops)
    # Wannier90: operator= replaces the default layout; both refused
    w_spin = TightBinding.from_wannier90(HR, spin=[SX / 2, SY / 2, SZ / 2])
    w_op = TightBinding.from_wannier90(HR, operator=[SX / 2, SY / 2, SZ / 2])
    assert w_op.operators == w_spin.operators == TightBinding.from_wannier90(HR).operators
    with pytest.raises(SymgravError, match="not both"):
        TightBinding.from_wannier90(HR, spin="interlaced", operator=[SX, SY, SZ])

    class FakeTBmodels:             # the attributes from_tbmodels reads (TBmodels 1.x)
        hop = {(0,): np.diag([0.5, -0.5]), (1,): np.array([[0, 0.5], [0.25, 0]])}
        size, dim, uc = 2, 1, None
    t_op = TightBinding.from_tbmodels(FakeTBmodels(), operator=ops)
    assert t_op.operators == TightBinding.from_tbmodels(FakeTBmodels(), spin=ops).operators
    with pytest.raises(SymgravError, match="not both"):
        TightBinding.from_tbmodels(FakeTBmodels(), spin=ops, operator=ops)
    with pytest.raises(SymgravError, match="not both"):
        TightBinding.from_pythtb(object(), spin=ops, operator=ops)


MODEL_FILE = '''
name = "current"
momenta = ["p_x", "p_y"]
[parameters]
b = 0.5
[hamiltonian]
pauli = {0 = "(p_x**2 + p_y**2)/2", x = "p_y", y = "-p_x", z = "b"}
'''


def test_operator_key_of_model_files(tmp_path):
    table = ('x = [["p_x/2", 0], [0, "p_x/2"]]\ny = [[0, "-p_y"], ["-p_y", 0]]\n'
             'z = [["p_x/2", 0], [0, "-p_x/2"]]\n')
    ok = tmp_path / "op.toml"
    ok.write_text(MODEL_FILE + "[hamiltonian.operator]\n" + table)
    same = tmp_path / "spin.toml"
    same.write_text(MODEL_FILE + "[hamiltonian.spin]\n" + table)
    a, b = symgrav.load_model(str(ok)), symgrav.load_model(str(same))
    assert a.spin == b.spin and a.spin[0] == a.spin[0].free_symbols.pop() / 2 * sp.eye(2)
    both = tmp_path / "both.toml"
    both.write_text(MODEL_FILE + "[hamiltonian.spin]\n" + table + "[operator]\n" + table)
    with pytest.raises(SymgravError, match=r"key 'operator': given together with "
                                           r"'hamiltonian.spin'"):
        symgrav.load_model(str(both))
