"""Band geometry of Eqs. (8b), (8c): closed forms checked against independent references.

References used here never call symgrav:

* hand-derived closed forms for the Rashba model (Eq. 22 and the text below it),
  themselves checked against the numeric sum over states;
* a NumPy sum over states at a point: ``numpy.linalg.eigh`` of H, the velocity
  matrix from the analytic derivative (``sympy.diff`` then ``lambdify``, or a
  central finite difference), and Eqs. (8b), (8c) written as

      Omega_n = -2 hbar sum_{m!=n} Im(<n|v|m><m|s|n>) / (e_n - e_m)^2
      m_n     =    hbar sum_{m!=n} Im(<n|v|m><m|s|n>) / (e_n - e_m)

  (i hbar X + c.c. = -2 hbar Im X;  -(i hbar/2) X/de + c.c. = hbar Im X/de).

All randomness is seeded.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav import (Model, SymgravError, SymgravWarning, bands, spin_berry_curvature,
                     spin_magnetic_moment)
from symgrav.symbolic.geometry import closed_form_band_data

AX = ("x", "y", "z")
SIGMA = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
         sp.Matrix([[1, 0], [0, -1]]))
RTOL = 1e-9


# ---------------------------------------------------------------------------
# independent numeric reference
# ---------------------------------------------------------------------------

def sorted_args(*objs):
    """All free symbols of the given SymPy objects, sorted by name (lambdify order)."""
    syms = set()
    for o in objs:
        syms |= sp.sympify(o).free_symbols if not isinstance(o, sp.MatrixBase) else o.free_symbols
    return sorted(syms, key=lambda s: s.name)


def sum_over_states(Hn, vs, ss, hbar, skip_degenerate=False):
    """Omega[a][i][n], m[a][i][n] from Eqs. (8b), (8c) by eigh at one point.

    Hn: (N,N) complex array; vs: list of velocity matrices (one per momentum axis);
    ss: three spin matrices; hbar: float.
    """
    e, U = np.linalg.eigh(Hn)
    N = len(e)
    Vt = [U.conj().T @ v @ U for v in vs]
    St = [U.conj().T @ s @ U for s in ss]
    om = np.zeros((3, len(vs), N))
    mm = np.zeros((3, len(vs), N))
    for a in range(3):
        for i in range(len(vs)):
            for n in range(N):
                for m in range(N):
                    if m == n:
                        continue
                    x = Vt[i][n, m] * St[a][m, n]
                    de = e[n] - e[m]
                    if abs(de) < 1e-9:
                        assert skip_degenerate, "unexpected degeneracy in the reference"
                        # degenerate pair: the matrix element must vanish
                        assert abs(x) < 1e-10
                        continue
                    om[a, i, n] += -2 * hbar * x.imag / de ** 2
                    mm[a, i, n] += hbar * x.imag / de
    return e, om, mm


class NumericModel:
    """Lambdified H, dH/dp_i and spin matrices of a model written in SymPy."""

    def __init__(self, H, momenta, spin, hbar):
        self.momenta = tuple(momenta)
        self.args = sorted_args(H, *spin, sp.Matrix([hbar]), sp.Matrix([list(momenta)]))
        self.H = sp.lambdify(self.args, H, "numpy")
        self.dH = [sp.lambdify(self.args, H.diff(p), "numpy") for p in momenta]
        self.spin = [sp.lambdify(self.args, s, "numpy") for s in spin]
        self.hbar = sp.lambdify(self.args, hbar, "numpy")
        self.N = H.rows

    def mat(self, f, vals):
        return np.array(f(*vals), dtype=complex).reshape(self.N, self.N)

    def reference(self, vals, skip_degenerate=False, finite_difference=False):
        Hn = self.mat(self.H, vals)
        if finite_difference:
            vs = [self._fd_velocity(vals, k) for k in range(len(self.momenta))]
        else:
            vs = [self.mat(f, vals) for f in self.dH]
        ss = [self.mat(f, vals) for f in self.spin]
        return sum_over_states(Hn, vs, ss, float(self.hbar(*vals)), skip_degenerate)

    def _fd_velocity(self, vals, k, h=1e-3):
        """8th-order central difference of H along momentum k."""
        pos = self.args.index(self.momenta[k])
        coef = {1: 4 / 5, 2: -1 / 5, 3: 4 / 105, 4: -1 / 280}
        out = np.zeros((self.N, self.N), dtype=complex)
        for j, c in coef.items():
            for sgn in (1, -1):
                v = list(vals)
                v[pos] = vals[pos] + sgn * j * h
                out += sgn * c * self.mat(self.H, v)
        return out / h

    def gap_ok(self, vals, min_gap):
        e = np.linalg.eigvalsh(self.mat(self.H, vals))
        return np.min(np.diff(e)) > min_gap


def random_point(rng, nm, lo=-1.5, hi=1.5, plo=0.5, phi=1.5, min_gap=0.05):
    """Random values for nm.args: momenta in [lo, hi], parameters in [plo, phi]."""
    for _ in range(200):
        vals = [rng.uniform(lo, hi) if s in nm.momenta else rng.uniform(plo, phi)
                for s in nm.args]
        if nm.gap_ok(vals, min_gap):
            return vals
    raise RuntimeError("could not find a non-degenerate point")


def lambdify_bands(expr_tuple, args):
    fs = [sp.lambdify(args, e, "numpy") for e in expr_tuple]
    return lambda vals: np.array([complex(f(*vals)) for f in fs])


def check_against_reference(model, nm, rng, npoints=3, finite_difference=False):
    """Compare every Omega_a^i, m_a^i of symgrav with the sum over states."""
    dim = len(nm.momenta)
    om_f = {}
    m_f = {}
    for a in AX:
        for i in AX[:dim]:
            om_f[a, i] = lambdify_bands(spin_berry_curvature(model, a, i), nm.args)
            m_f[a, i] = lambdify_bands(spin_magnetic_moment(model, a, i), nm.args)
    en_f = lambdify_bands(bands(model), nm.args)
    for _ in range(npoints):
        vals = random_point(rng, nm)
        e, om, mm = nm.reference(vals, finite_difference=finite_difference)
        en = en_f(vals)
        assert np.allclose(en.imag, 0, atol=1e-12)
        # bands ascending, equal to the eigenvalues
        np.testing.assert_allclose(en.real, e, rtol=1e-10, atol=1e-12)
        scale = max(np.max(np.abs(om)), np.max(np.abs(mm)), 1.0)
        rtol = 1e-6 if finite_difference else RTOL
        for ka, a in enumerate(AX):
            for ki, i in enumerate(AX[:dim]):
                got_o = om_f[a, i](vals)
                got_m = m_f[a, i](vals)
                assert np.allclose(got_o.imag, 0, atol=1e-12 * scale)
                assert np.allclose(got_m.imag, 0, atol=1e-12 * scale)
                np.testing.assert_allclose(got_o.real, om[ka, ki], rtol=rtol,
                                           atol=rtol * 1e-3 * scale,
                                           err_msg=f"Omega a={a} i={i} at {vals}")
                np.testing.assert_allclose(got_m.real, mm[ka, ki], rtol=rtol,
                                           atol=rtol * 1e-3 * scale,
                                           err_msg=f"m a={a} i={i} at {vals}")


# ---------------------------------------------------------------------------
# Rashba model, Eq. (22)
# ---------------------------------------------------------------------------

def rashba_H(px, py, alpha, b, m):
    """p^2/2m + alpha (p_y sigma_x - p_x sigma_y) + b sigma_z."""
    p2 = px ** 2 + py ** 2
    return (p2 / (2 * m) * sp.eye(2) + alpha * (py * SIGMA[0] - px * SIGMA[1])
            + b * SIGMA[2])


def rashba_expected(px, py, alpha, b, hbar):
    """Hand-derived closed forms, bands (-, +).

    d = (alpha p_y, -alpha p_x, b), s_a = (hbar/2) sigma_a.  With
    T_a^i = d.(d_i d x e_a) = e_a.(d x d_i d):
        d x d_x d = (alpha b, 0, -alpha^2 p_y),  d x d_y d = (0, alpha b, alpha^2 p_x).
    Omega_{a-+}^i = +-hbar^2 T_a^i/(4 Delta^3),   m_{a+-}^i = hbar^2 T_a^i/(4 Delta^2).
    x,x and y,y are the paper's forms below Eq. (22); these closed forms are
    checked numerically against the sum over states in test_rashba_expected_is_right.
    """
    D = sp.sqrt(alpha ** 2 * (px ** 2 + py ** 2) + b ** 2)
    T = {("x", "x"): alpha * b, ("y", "x"): 0, ("z", "x"): -alpha ** 2 * py,
         ("x", "y"): 0, ("y", "y"): alpha * b, ("z", "y"): alpha ** 2 * px}
    om, mm = {}, {}
    for key, t in T.items():
        om[key] = (hbar ** 2 * t / (4 * D ** 3), -hbar ** 2 * t / (4 * D ** 3))
        mm[key] = (hbar ** 2 * t / (4 * D ** 2), hbar ** 2 * t / (4 * D ** 2))
    return om, mm


def rashba_symbols(assumptions):
    px, py = sp.symbols("p_x p_y", **({"real": True} if assumptions else {}))
    alpha, b, m, hbar = sp.symbols("alpha b m hbar", **({"positive": True} if assumptions else {}))
    return px, py, alpha, b, m, hbar


def test_paper_forms_below_eq22():
    """Omega_{x+-}^x = Omega_{y+-}^y = -+hbar^2 alpha b/4Delta^3, m = hbar^2 alpha b/4Delta^2."""
    px, py, alpha, b, m, hbar = rashba_symbols(True)
    model = Model(rashba_H(px, py, alpha, b, m), [px, py], hbar=hbar)
    D = sp.sqrt((alpha * sp.sqrt(px ** 2 + py ** 2)) ** 2 + b ** 2)
    for a in ("x", "y"):
        om = spin_berry_curvature(model, a, a)
        mm = spin_magnetic_moment(model, a, a)
        # band 0 = epsilon_-, band 1 = epsilon_+
        assert sp.simplify(om[0] - hbar ** 2 * alpha * b / (4 * D ** 3)) == 0
        assert sp.simplify(om[1] + hbar ** 2 * alpha * b / (4 * D ** 3)) == 0
        for n in range(2):
            assert sp.simplify(mm[n] - hbar ** 2 * alpha * b / (4 * D ** 2)) == 0
    en = bands(model)
    assert sp.simplify(en[0] - ((px ** 2 + py ** 2) / (2 * m) - D)) == 0
    assert sp.simplify(en[1] - ((px ** 2 + py ** 2) / (2 * m) + D)) == 0


def test_rashba_expected_is_right():
    """The hand-derived closed forms agree with the NumPy sum over states."""
    px, py, alpha, b, m, hbar = rashba_symbols(True)
    H = rashba_H(px, py, alpha, b, m)
    spin = [hbar / 2 * s for s in SIGMA]
    nm = NumericModel(H, (px, py), spin, hbar)
    om_e, mm_e = rashba_expected(px, py, alpha, b, hbar)
    rng = np.random.default_rng(22)
    for _ in range(5):
        vals = random_point(rng, nm)
        _, om, mm = nm.reference(vals)
        for ka, a in enumerate(AX):
            for ki, i in enumerate(AX[:2]):
                for n in range(2):
                    f_o = sp.lambdify(nm.args, om_e[a, i][n])
                    f_m = sp.lambdify(nm.args, mm_e[a, i][n])
                    assert f_o(*vals) == pytest.approx(om[ka, ki, n], rel=RTOL, abs=1e-13)
                    assert f_m(*vals) == pytest.approx(mm[ka, ki, n], rel=RTOL, abs=1e-13)


@pytest.mark.parametrize("assumptions", [True, False], ids=["positive", "plain"])
def test_rashba_all_components(assumptions):
    px, py, alpha, b, m, hbar = rashba_symbols(assumptions)
    H = rashba_H(px, py, alpha, b, m)
    om_e, mm_e = rashba_expected(px, py, alpha, b, hbar)
    t0 = time.perf_counter()
    model = Model(H, [px, py], hbar=hbar)
    got = {}
    for a in AX:
        for i in ("x", "y"):
            got[a, i] = (spin_berry_curvature(model, a, i), spin_magnetic_moment(model, a, i))
    elapsed = time.perf_counter() - t0
    assert elapsed < 30, f"12 Rashba components took {elapsed:.1f} s (hang guard)"
    for (a, i), (om, mm) in got.items():
        assert len(om) == 2 and len(mm) == 2
        for n in range(2):
            for res, exp in ((om[n], om_e[a, i][n]), (mm[n], mm_e[a, i][n])):
                exp = sp.sympify(exp)
                # results are in the user's own symbols
                assert res.free_symbols <= {px, py, alpha, b, hbar}, res.free_symbols
                assert sp.simplify(res - exp) == 0, (a, i, n, res, exp)
                assert sp.count_ops(res) <= 2 * sp.count_ops(exp), (a, i, n, res)


def test_rashba_plain_symbols_numeric():
    """Plain symbols (no assumptions) give the same numbers as the sum over states."""
    px, py, alpha, b, m, hbar = rashba_symbols(False)
    H = rashba_H(px, py, alpha, b, m)
    model = Model(H, [px, py], hbar=hbar)
    nm = NumericModel(H, (px, py), [hbar / 2 * s for s in SIGMA], hbar)
    check_against_reference(model, nm, np.random.default_rng(7), npoints=4)


# ---------------------------------------------------------------------------
# random two-band models
# ---------------------------------------------------------------------------

def rand_rational(rng, lo=-3, hi=3, den=3, nonzero=True):
    while True:
        q = sp.Rational(int(rng.integers(lo, hi + 1)), int(rng.integers(1, den + 1)))
        if q != 0 or not nonzero:
            return q


def rand_function(rng, ps, params, nterms, trig=True):
    """Random real function: rational coefficients times monomials, sin, cos."""
    expr = sp.Integer(0)
    weights = [0.2, 0.3, 0.2, 0.1, 0.1, 0.1] if trig else [0.3, 0.4, 0.3, 0, 0, 0]
    for _ in range(nterms):
        kind = rng.choice(6, p=weights)
        p = ps[rng.integers(len(ps))]
        q = ps[rng.integers(len(ps))]
        if kind == 0:
            f = sp.Integer(1)
        elif kind == 1:
            f = p
        elif kind == 2:
            f = p * q
        elif kind == 3:
            f = sp.sin(p)
        elif kind == 4:
            f = sp.cos(p)
        else:
            f = sp.sin(p) * sp.cos(q) if p != q else sp.cos(2 * p)
        if params and rng.random() < 0.25:
            f = f * params[rng.integers(len(params))]
        expr += rand_rational(rng) * f
    return expr


def random_two_band(rng, dim, plain=False, with_param=True, trig=True):
    ps = sp.symbols("p_x p_y p_z", **({} if plain else {"real": True}))[:dim]
    g = sp.Symbol("g", **({} if plain else {"real": True}))
    params = [g] if with_param else []
    h00 = rand_function(rng, ps, params, 1, trig)
    h11 = rand_function(rng, ps, params, 2, trig)
    re = rand_function(rng, ps, params, 1, trig)
    im = rand_function(rng, ps, params, 1, trig)
    # make sure the off-diagonal element depends on momentum (non-trivial geometry)
    re += rand_rational(rng) * ps[0]
    im += rand_rational(rng) * (sp.cos(ps[-1]) if trig else ps[-1] ** 2)
    H = sp.Matrix([[h00, re + sp.I * im], [re - sp.I * im, h11]])
    return H, ps, g


def random_hermitian_2x2(rng, param=None):
    a, d = rand_rational(rng, nonzero=False), rand_rational(rng, nonzero=False)
    c, s = rand_rational(rng), rand_rational(rng, nonzero=False)
    if param is not None and rng.random() < 0.5:
        c = c * param
    return sp.Matrix([[a, c + sp.I * s], [c - sp.I * s, d]])


def random_cases():
    """(seed, dim, kind of spin, plain symbols?, kind of hbar) for 20 random models."""
    cases = []
    rng = np.random.default_rng(20240310)
    for k in range(20):
        dim = (1, 2, 3)[k % 3]
        spin_kind = "default" if k % 2 == 0 else "random"
        plain = k % 5 == 4
        hbar_kind = ("number", "symbol", "one")[k % 3 if k % 4 else 1]
        trig = k % 4 in (0, 1)
        cases.append((int(rng.integers(1 << 30)), dim, spin_kind, plain, hbar_kind, trig))
    return cases


def build_random_model(seed, dim, spin_kind, plain, hbar_kind, trig):
    rng = np.random.default_rng(seed)
    H, ps, g = random_two_band(rng, dim, plain, trig=trig)
    t = sp.Symbol("t", **({} if plain else {"real": True}))
    if hbar_kind == "number":
        hbar = sp.Rational(int(rng.integers(1, 5)), int(rng.integers(1, 4)))
    elif hbar_kind == "symbol":
        hbar = sp.Symbol("hbar", **({} if plain else {"positive": True}))
    else:
        hbar = sp.Integer(1)
    if spin_kind == "default":
        spin = [hbar / 2 * s for s in SIGMA]
        model = Model(H, ps, hbar=hbar)
    else:
        spin = [random_hermitian_2x2(rng, t) for _ in range(3)]
        model = Model(H, ps, hbar=hbar, spin=spin)
    return model, H, ps, spin, hbar, rng


@pytest.mark.parametrize("case", random_cases(), ids=lambda c: f"seed{c[0]}-d{c[1]}-{c[2]}"
                         f"{'-plain' if c[3] else ''}-hbar_{c[4]}{'-trig' if c[5] else '-poly'}")
def test_random_two_band_vs_sum_over_states(case):
    model, H, ps, spin, hbar, rng = build_random_model(*case)
    nm = NumericModel(H, ps, spin, hbar)
    check_against_reference(model, nm, rng, npoints=3)


def test_reference_finite_difference_agrees():
    """The analytic-derivative reference agrees with an 8th-order finite difference."""
    case = random_cases()[4]
    model, H, ps, spin, hbar, rng = build_random_model(*case)
    nm = NumericModel(H, ps, spin, hbar)
    check_against_reference(model, nm, rng, npoints=2, finite_difference=True)


# ---------------------------------------------------------------------------
# basis change H -> U H U^dagger, s -> U s U^dagger
# ---------------------------------------------------------------------------

def cayley_unitary(rng, n):
    """Exact unitary (1 - iK)(1 + iK)^{-1} with a random rational Hermitian K."""
    K = sp.zeros(n, n)
    for r in range(n):
        K[r, r] = rand_rational(rng, nonzero=False)
        for c in range(r + 1, n):
            z = rand_rational(rng, nonzero=False) + sp.I * rand_rational(rng, nonzero=False)
            K[r, c] = z
            K[c, r] = sp.conjugate(z)
    U = (sp.eye(n) - sp.I * K) * (sp.eye(n) + sp.I * K).inv()
    U = U.applyfunc(lambda z: sp.nsimplify(sp.expand(z)))
    assert (U * U.H).applyfunc(sp.expand) == sp.eye(n)
    assert U != sp.eye(n)
    return U


def rotate(U, M):
    return (U * M * U.H).applyfunc(sp.expand)


def test_basis_change_rashba_exact():
    px, py, alpha, b, m, hbar = rashba_symbols(True)
    H = rashba_H(px, py, alpha, b, m)
    spin = [hbar / 2 * s for s in SIGMA]
    U = cayley_unitary(np.random.default_rng(5), 2)
    m0 = Model(H, [px, py], hbar=hbar)
    m1 = Model(rotate(U, H), [px, py], hbar=hbar, spin=[rotate(U, s) for s in spin])
    assert m1.H != H
    for a in AX:
        for i in ("x", "y"):
            for f in (spin_berry_curvature, spin_magnetic_moment):
                r0, r1 = f(m0, a, i), f(m1, a, i)
                for n in range(2):
                    assert sp.simplify(r0[n] - r1[n]) == 0, (f.__name__, a, i, n)
    for n in range(2):
        assert sp.simplify(bands(m0)[n] - bands(m1)[n]) == 0


@pytest.mark.parametrize("index", [0, 2, 7, 11])
def test_basis_change_random_models(index):
    case = random_cases()[index]
    model, H, ps, spin, hbar, rng = build_random_model(*case)
    U = cayley_unitary(rng, 2)
    H1 = rotate(U, H)
    spin1 = [rotate(U, s) for s in spin]
    model1 = Model(H1, ps, hbar=hbar, spin=spin1)
    nm = NumericModel(H, ps, spin, hbar)
    nm1 = NumericModel(H1, ps, spin1, hbar)
    assert nm.args == nm1.args
    dim = len(ps)
    for _ in range(2):
        vals = random_point(rng, nm)
        for a in AX:
            for i in AX[:dim]:
                for f in (spin_berry_curvature, spin_magnetic_moment):
                    v0 = lambdify_bands(f(model, a, i), nm.args)(vals)
                    v1 = lambdify_bands(f(model1, a, i), nm.args)(vals)
                    np.testing.assert_allclose(v1, v0, rtol=RTOL, atol=1e-12)
        # and the rotated model against its own sum over states
        e1, om1, mm1 = nm1.reference(vals)
        e0, om0, mm0 = nm.reference(vals)
        np.testing.assert_allclose(om1, om0, rtol=1e-8, atol=1e-12)


# ---------------------------------------------------------------------------
# N-band: block-diagonal models
# ---------------------------------------------------------------------------

def _block_bands_match(model, nm, vals):
    """Map symgrav band k -> eigh index, by energy (bands are non-degenerate here)."""
    en = lambdify_bands(bands(model), nm.args)(vals).real
    e = np.linalg.eigvalsh(nm.mat(nm.H, vals))
    order = []
    for k, ek in enumerate(en):
        hits = np.flatnonzero(np.abs(e - ek) < 1e-9 * max(1, abs(ek)))
        assert len(hits) == 1, (k, ek, e)
        order.append(int(hits[0]))
    assert sorted(order) == list(range(len(e)))
    return en, order


def four_band_blocks(spin_kind, permute=False):
    px, py = sp.symbols("p_x p_y", real=True)
    alpha, hbar = sp.symbols("alpha hbar", positive=True)
    H = sp.diag(rashba_H(px, py, alpha, sp.Rational(1, 2), 1),
                rashba_H(px, py, 2 * alpha, sp.Rational(3, 2), 2) + sp.eye(2) / 3)
    if spin_kind == "block":
        spin = [hbar / 2 * sp.diag(s, s) for s in SIGMA]
    elif spin_kind == "kron":
        # sigma_a (x) 1: spin acts on the block index
        spin = [hbar / 2 * sp.kronecker_product(s, sp.eye(2)) for s in SIGMA]
    else:
        rng = np.random.default_rng(44)
        spin = []
        for _ in range(3):
            S = sp.zeros(4, 4)
            for r in range(4):
                S[r, r] = rand_rational(rng, nonzero=False)
                for c in range(r + 1, 4):
                    z = rand_rational(rng) + sp.I * rand_rational(rng, nonzero=False)
                    S[r, c], S[c, r] = z, sp.conjugate(z)
            spin.append(S)
    if permute:  # interleave the blocks: rows (0, 2) and (1, 3)
        P = sp.zeros(4, 4)
        for r, c in enumerate((0, 2, 1, 3)):
            P[r, c] = 1
        H = P * H * P.T
        spin = [P * s * P.T for s in spin]
    return H, (px, py), spin, hbar


_FOUR_BAND_CACHE = {}


def four_band_model(spin_kind, permute):
    """Model and every (a, i) result, built once per module (symgrav caches per model)."""
    key = (spin_kind, permute)
    if key not in _FOUR_BAND_CACHE:
        H, ps, spin, hbar = four_band_blocks(spin_kind, permute)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = Model(H, ps, hbar=hbar, spin=spin)
            results = {(a, i): (spin_berry_curvature(model, a, i),
                                spin_magnetic_moment(model, a, i))
                       for a in AX for i in ("x", "y")}
            en = bands(model)
        warned = any(issubclass(w.category, SymgravWarning) for w in caught)
        _FOUR_BAND_CACHE[key] = (model, H, ps, spin, hbar, results, en, warned)
    return _FOUR_BAND_CACHE[key]


@pytest.mark.parametrize("spin_kind,permute", [("block", False), ("kron", True),
                                               ("random", True)])
def test_four_band_block_diagonal(spin_kind, permute):
    model, H, ps, spin, hbar, results, en_sym, warned = four_band_model(spin_kind, permute)
    nm = NumericModel(H, ps, spin, hbar)
    rng = np.random.default_rng(1234)
    for _ in range(4):
        vals = random_point(rng, nm)
        en, order = _block_bands_match(model, nm, vals)
        if not warned:
            # convention: ascending bands; a departure must be announced
            assert np.all(np.diff(en) >= 0), en
        e, om, mm = nm.reference(vals)
        for ka, a in enumerate(AX):
            for ki, i in enumerate(("x", "y")):
                om_s = lambdify_bands(results[a, i][0], nm.args)(vals)
                mm_s = lambdify_bands(results[a, i][1], nm.args)(vals)
                assert len(om_s) == 4 and len(mm_s) == 4
                np.testing.assert_allclose(om_s.real, om[ka, ki, order], rtol=RTOL, atol=1e-12)
                np.testing.assert_allclose(mm_s.real, mm[ka, ki, order], rtol=RTOL, atol=1e-12)
    assert len(en_sym) == 4


def test_four_band_closed_form_block_spin():
    """Block spin: each band carries the Rashba value of its own block (closed form)."""
    model, H, (px, py), spin, hbar, results, en, _ = four_band_model("block", False)
    alpha = sp.Symbol("alpha", positive=True)
    om, mm = results["x", "x"][0], results["z", "y"][1]
    om1, mm1 = rashba_expected(px, py, alpha, sp.Rational(1, 2), hbar)
    om2, mm2 = rashba_expected(px, py, 2 * alpha, sp.Rational(3, 2), hbar)
    p2 = px ** 2 + py ** 2
    D1 = sp.sqrt(alpha ** 2 * p2 + sp.Rational(1, 4))
    D2 = sp.sqrt(4 * alpha ** 2 * p2 + sp.Rational(9, 4))
    expected = {  # energy -> (Omega_x^x, m_z^y)
        "1-": (p2 / 2 - D1, om1["x", "x"][0], mm1["z", "y"][0]),
        "1+": (p2 / 2 + D1, om1["x", "x"][1], mm1["z", "y"][1]),
        "2-": (p2 / 4 + sp.Rational(1, 3) - D2, om2["x", "x"][0], mm2["z", "y"][0]),
        "2+": (p2 / 4 + sp.Rational(1, 3) + D2, om2["x", "x"][1], mm2["z", "y"][1]),
    }
    matched = set()
    for n in range(4):
        key = [k for k, v in expected.items() if sp.simplify(en[n] - v[0]) == 0]
        assert len(key) == 1, en[n]
        matched.add(key[0])
        _, eo, em = expected[key[0]]
        assert sp.simplify(om[n] - eo) == 0
        assert sp.simplify(mm[n] - em) == 0
    assert len(matched) == 4


def test_three_by_three_block_raises_quickly():
    px, py = sp.symbols("p_x p_y", real=True)
    H = sp.Matrix([[px, 1, 0], [1, py, sp.I * px], [0, -sp.I * px, -px]])
    spin = [sp.eye(3), sp.diag(1, 0, -1), sp.Matrix([[0, 1, 0], [1, 0, 1], [0, 1, 0]])]
    model = Model(H, [px, py], spin=spin)
    t0 = time.perf_counter()
    for f in (spin_berry_curvature, spin_magnetic_moment):
        with pytest.raises(SymgravError, match="numeric"):
            f(model, "x", "x")
    with pytest.raises(SymgravError, match="numeric"):
        bands(model)
    assert time.perf_counter() - t0 < 10


def test_four_band_with_coupled_three_block_raises():
    px = sp.Symbol("p_x", real=True)
    H = sp.diag(sp.Matrix([[px, 1, 0], [1, 0, px], [0, px, -px]]), sp.Matrix([[2]]))
    model = Model(H, [px], spin=[sp.eye(4)] * 3)
    t0 = time.perf_counter()
    with pytest.raises(SymgravError, match=r"(?s)size 3.*numeric"):
        spin_berry_curvature(model, "z", "x")
    assert time.perf_counter() - t0 < 10


@pytest.mark.parametrize("spin_kind", ["block", "kron"])
def test_degenerate_decoupled_blocks(spin_kind):
    """Two identical decoupled blocks: every band doubly degenerate, no coupling, no NaN."""
    px, py = sp.symbols("p_x p_y", real=True)
    alpha, b, m, hbar = sp.symbols("alpha b m hbar", positive=True)
    h = rashba_H(px, py, alpha, b, m)
    H = sp.diag(h, h)
    if spin_kind == "block":
        spin = [hbar / 2 * sp.diag(s, s) for s in SIGMA]
    else:
        spin = [hbar / 2 * sp.kronecker_product(s, sp.eye(2)) for s in SIGMA]
    model = Model(H, [px, py], hbar=hbar, spin=spin)
    om_e, mm_e = rashba_expected(px, py, alpha, b, hbar)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SymgravWarning)
        en = bands(model)
        nm = NumericModel(H, (px, py), spin, hbar)
        rng = np.random.default_rng(99)
        for a in AX:
            for i in ("x", "y"):
                om = spin_berry_curvature(model, a, i)
                mm = spin_magnetic_moment(model, a, i)
                assert len(om) == 4
                for n in range(4):
                    assert not om[n].has(sp.nan, sp.zoo, sp.oo)
                    assert not mm[n].has(sp.nan, sp.zoo, sp.oo)
                    # which Rashba band is this? (lower iff energy has -Delta)
                    lower = sp.simplify(en[n] - bands(Model(h, [px, py], hbar=hbar))[0]) == 0
                    k = 0 if lower else 1
                    if spin_kind == "block":
                        assert sp.simplify(om[n] - om_e[a, i][k]) == 0
                        assert sp.simplify(mm[n] - mm_e[a, i][k]) == 0
                    else:  # spin acts on the conserved block index
                        assert sp.simplify(om[n]) == 0 and sp.simplify(mm[n]) == 0
        # numeric: finite, and equal to the sum over states that skips the
        # (vanishing) degenerate pairs
        for _ in range(3):
            vals = random_point(rng, nm, min_gap=-1)
            e, omr, mmr = nm.reference(vals, skip_degenerate=True)
            en_num = lambdify_bands(en, nm.args)(vals).real
            assert np.all(np.isfinite(en_num))
            for ka, a in enumerate(AX):
                for ki, i in enumerate(("x", "y")):
                    om_s = lambdify_bands(spin_berry_curvature(model, a, i), nm.args)(vals).real
                    mm_s = lambdify_bands(spin_magnetic_moment(model, a, i), nm.args)(vals).real
                    assert np.all(np.isfinite(om_s)) and np.all(np.isfinite(mm_s))
                    # compare as energy-sorted multisets (degenerate pairs are equal)
                    idx = np.argsort(en_num, kind="stable")
                    np.testing.assert_allclose(np.sort(en_num), e, rtol=1e-10, atol=1e-12)
                    np.testing.assert_allclose(om_s[idx], omr[ka, ki], rtol=RTOL, atol=1e-12)
                    np.testing.assert_allclose(mm_s[idx], mmr[ka, ki], rtol=RTOL, atol=1e-12)


def test_bands_ascending_random_points():
    """Two-band bands(model) is ascending and equals eigvalsh at random points."""
    rng = np.random.default_rng(31)
    for case in random_cases()[:6]:
        model, H, ps, spin, hbar, _ = build_random_model(*case)
        nm = NumericModel(H, ps, spin, hbar)
        f = lambdify_bands(bands(model), nm.args)
        for _ in range(5):
            vals = random_point(rng, nm, min_gap=-1)
            en = f(vals).real
            assert en[0] <= en[1]
            np.testing.assert_allclose(en, np.linalg.eigvalsh(nm.mat(nm.H, vals)),
                                       rtol=1e-10, atol=1e-12)


def test_results_are_band_tuples_with_metadata():
    px, py, alpha, b, m, hbar = rashba_symbols(True)
    model = Model(rashba_H(px, py, alpha, b, m), [px, py], hbar=hbar)
    om = spin_berry_curvature(model, "z", "y")
    mm = spin_magnetic_moment(model, 2, 1)  # integer axes are accepted too
    assert isinstance(om, tuple) and len(om) == 2
    assert (om.quantity, om.a, om.i) == ("Omega", "z", "y")
    assert (mm.quantity, mm.a, mm.i) == ("m", "z", "y")
    assert symgrav.spin_berry_curvature is spin_berry_curvature


@pytest.mark.parametrize("assumptions", [True, False])
def test_closed_form_band_data_in_internal_symbols(assumptions):
    """closed_form_band_data: bands, Eq. (8b) and Eq. (8c) in the model's internal symbols."""
    px, py, alpha, b, m, hbar = rashba_symbols(assumptions)
    model = Model(rashba_H(px, py, alpha, b, m), [px, py], hbar=hbar)
    energies, omega, moment = closed_form_band_data(model, "x", "y")
    assert all(isinstance(t, tuple) and len(t) == 2 for t in (energies, omega, moment))
    used = set().union(*(sp.sympify(e).free_symbols for e in energies + omega + moment))
    assert used <= model.symbols_real and all(s.is_real for s in used)
    assert tuple(map(model.to_user, energies)) == tuple(bands(model))
    assert tuple(map(model.to_user, omega)) == tuple(spin_berry_curvature(model, "x", "y"))
    assert tuple(map(model.to_user, moment)) == tuple(spin_magnetic_moment(model, 0, 1))
    assert model.H_real == model.to_internal(model.H)
    assert model.momenta_real == tuple(model.momentum(k) for k in "xy")
    assert model.hbar_real == model.to_internal(hbar)
    assert model.spin_real == tuple(model.to_internal(s) for s in model.spin)


def test_closed_form_band_data_without_closed_form():
    px = sp.Symbol("p_x", real=True)
    model = Model(sp.Matrix([[px, 1, 0], [1, 0, px], [0, px, -px]]), [px],
                  spin=[sp.eye(3)] * 3)
    with pytest.raises(SymgravError) as direct:
        spin_berry_curvature(model, "z", "x")
    with pytest.raises(SymgravError) as public:
        closed_form_band_data(model, "z", "x")
    assert str(public.value) == str(direct.value)


def test_axis_errors_name_the_index_and_moment_has_band_labels():
    """One-line refusals say which index is wrong (spin component a or momentum axis i), for
    the closed forms and the numeric band data; m (8c) carries the band labels of Omega."""
    model = symgrav.load_model("rashba")
    for fn in (symgrav.spin_berry_curvature, symgrav.spin_magnetic_moment):
        with pytest.raises(symgrav.SymgravError, match="^spin component a must be one of"):
            fn(model, "w", "x")
        with pytest.raises(symgrav.SymgravError, match="^momentum axis i must be one of"):
            fn(model, "x", "w")
    with pytest.raises(symgrav.SymgravError, match="^spin component a must be one of"):
        symgrav.numeric_geometry(model, model.defaults, "w", "x")
    with pytest.raises(symgrav.SymgravError, match="^momentum axis i must be one of"):
        symgrav.numeric_geometry(model, model.defaults, "x", "w")
    with pytest.raises(symgrav.SymgravError, match="^spin component a must be one of"):
        closed_form_band_data(model, "w", "x")
    with pytest.raises(symgrav.SymgravError, match="^momentum axis i must be one of"):
        closed_form_band_data(model, "x", "w")
    assert symgrav.spin_magnetic_moment(model, "x", "y").labels == ("-", "+")
    assert symgrav.spin_berry_curvature(model, "x", "y").labels == ("-", "+")


def test_blocks_are_sorted_by_provable_energy_order():
    """diag(p^2 + 2, p^2 + 1, p^2): three 1x1 blocks whose energies are provably ordered; the
    bands come out in ascending order p^2 < p^2 + 1 < p^2 + 2 (the diagonal entries)."""
    px, py = sp.symbols("p_x p_y", real=True)
    p2 = px ** 2 + py ** 2
    spin = [sp.eye(3), sp.diag(1, 0, -1), sp.Matrix([[0, 1, 0], [1, 0, 1], [0, 1, 0]])]
    model = Model(sp.diag(p2 + 2, p2 + 1, p2), [px, py], spin=spin)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SymgravWarning)
        got = bands(model)
    assert [sp.simplify(e - w) for e, w in zip(got, (p2, p2 + 1, p2 + 2))] == [0, 0, 0]


def test_coupled_block_refusal_names_the_block_and_the_way_out():
    px, py = sp.symbols("p_x p_y", real=True)
    H = sp.Matrix([[px, 1, 0], [1, py, sp.I * px], [0, -sp.I * px, -px]])
    spin = [sp.eye(3), sp.diag(1, 0, -1), sp.Matrix([[0, 1, 0], [1, 0, 1], [0, 1, 0]])]
    with pytest.raises(SymgravError) as err:
        bands(Model(H, [px, py], spin=spin))
    assert str(err.value) == (
        "no closed form: H has a coupled block of size 3 (rows [0, 1, 2]); closed forms exist "
        "for two-band models, for models that split into decoupled 1x1 and 2x2 blocks and for "
        "Dirac-type 4x4 models (H - tr H/4 squaring to a multiple of 1). "
        "Evaluate the sums over states numerically instead (symgrav.numeric_geometry, "
        "symgrav.Susceptibilities)")
