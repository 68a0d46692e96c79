"""Band data at any precision, batched (issue 9): refined eigenpairs against mpmath's eigh.

:meth:`TightBindingBands.evaluate` at mpmath precision builds H(k), dH, V, S for whole
batches of momenta in gmpy2 and refines numpy's double-precision eigenvectors
(Ogita-Aishima, :mod:`symgrav.numeric.eigh_refine`).  The reference here is independent of
that code: H(k) and its derivatives summed per momentum with mpmath (``mp.expj``), then
:func:`symgrav.numeric.states.states_mp` (``mp.eigh`` and its own loops) at a higher
precision than the one tested.  Models: a random Hermitian 3-band model in 2D with a
non-orthogonal lattice, the Kramers-degenerate PT-symmetric antiferromagnet of
tests/test_degenerate.py, and a model whose two bands are 1e-12 apart at every k.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import gmpy2
import mpmath as mp
import numpy as np
import pytest

import symgrav
from symgrav.numeric.arith import Mpf
from symgrav.numeric.eigh_refine import refine_eigh, to_mpc
from symgrav.numeric.states import states_mp
from symgrav.numeric.tb_bands import TightBindingBands

import test_degenerate as pt


def reference(tb, a, i, k, dps):
    """(energies, gradients, Omega, m) at one reduced momentum k: mpmath sums, mp.eigh."""
    with mp.workdps(dps):
        A = [[mp.mpf(x.numerator) / x.denominator for x in row] for row in tb.lattice_vectors]
        k = [mp.mpf(c) for c in k]
        N, d = tb.N, tb.dim

        def num(p):
            return mp.mpc(mp.mpf(p[0].numerator) / p[0].denominator,
                          mp.mpf(p[1].numerator) / p[1].denominator)

        H, V = mp.zeros(N, N), mp.zeros(N, N)
        dH = [mp.zeros(N, N) for _ in range(d)]
        iv = "xyz".index(i)
        for n, M in tb.hoppings.items():
            Mm = mp.matrix([[num(x) for x in row] for row in M])
            ph = mp.expj(mp.fsum(kj * nj for kj, nj in zip(k, n)))
            H += ph * Mm
            for j in range(d):
                dH[j] += (1j * n[j] * ph) * Mm
            V += (1j * mp.fsum(n[j] * A[j][iv] for j in range(d)) * ph) * Mm
        S = mp.zeros(N, N)
        ops = tb.operators["xyz".index(a)]
        for n, M in ops.items():
            S += mp.expj(mp.fsum(kj * nj for kj, nj in zip(k, n))) * mp.matrix(
                [[num(x) for x in row] for row in M])
        vals = states_mp(H, dH, V, S, mp.mpf(1))
    return (vals[:N], [vals[N + d * n:N + d * (n + 1)] for n in range(N)],
            vals[N + N * d:2 * N + N * d], vals[2 * N + N * d:])


def random_model(seed=5, N=3):
    """A random Hermitian 3-band model: hoppings on R = 0, +-e1, +-e2, +-(e1 + e2)."""
    rng = np.random.default_rng(seed)

    def frac(x):
        return Fraction(int(round(x * 1000)), 1000)

    hop = {}
    for R in [(1, 0), (0, 1), (1, 1)]:
        M = [[(frac(rng.normal()), frac(rng.normal())) for _ in range(N)] for _ in range(N)]
        hop[R] = [[complex(*map(float, M[r][c])) for c in range(N)] for r in range(N)]
        hop[tuple(-x for x in R)] = [[complex(float(M[c][r][0]), -float(M[c][r][1]))
                                      for c in range(N)] for r in range(N)]
    D = [[(frac(rng.normal()), frac(rng.normal())) for _ in range(N)] for _ in range(N)]
    hop[(0, 0)] = [[complex(float(D[r][c][0] + D[c][r][0]), float(D[r][c][1] - D[c][r][1]))
                    for c in range(N)] for r in range(N)]
    spin = [np.diag([1, -1, 0]), np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]),
            np.array([[0, -1j, 0], [1j, 0, 0], [0, 0, 0.5]])]
    return symgrav.TightBinding(hop, spin=spin, lattice=[["1", "0"], ["1/2", "3/4"]])


def near_degenerate_model(gap=Fraction(1, 10 ** 12)):
    """Two bands exactly ``gap`` apart at every k: H = -(cos kx + cos ky) + (gap/2) d.sigma,
    d = (sin ky, 0, cos ky) (a unit vector)."""
    q = gap / 4                 # cos ky -> q on R = +-e2, sin ky sigma_x -> -+i q sigma_x
    hop = {(1, 0): [[-0.5, 0], [0, -0.5]], (-1, 0): [[-0.5, 0], [0, -0.5]]}
    for R, sgn in (((0, 1), 1), ((0, -1), -1)):
        hop[R] = [[-Fraction(1, 2) + q, -sgn * 1j * q], [-sgn * 1j * q, -Fraction(1, 2) - q]]
    return symgrav.TightBinding(hop)


MODELS = {
    "random": lambda: random_model(),
    "kramers": pt.model,
}


def check(tb, a, i, dps, ks, digits, sizes=(1, 1, 1, 1)):
    """Every value at every k within 10^-digits of the reference, relative to
    max(1, max |reference|, size): ``sizes`` of the terms of (eps, grad, Omega, m)."""
    bands = TightBindingBands(tb, a, i)
    B = Mpf(int(dps * 3.3219280948873626) + 1)
    with B.context():
        K = [B.pack([mp.mpf(k[j]) for k in ks]) for j in range(tb.dim)]
        eps, grads, om, mm = bands.evaluate(B, K)
    for q, k in enumerate(ks):
        ref = reference(tb, a, i, k, dps + 20)
        got = ([e[q] for e in eps], [[g[j][q] for j in range(tb.dim)] for g in grads],
               [o[q] for o in om], [m[q] for m in mm])
        for name, x, y, size in zip(("eps", "grad", "Omega", "m"), got, ref, sizes):
            x, y = np.ravel(np.array(x, dtype=object)), np.ravel(np.array(y, dtype=object))
            scale = max(1, size, max(abs(v) for v in y))
            err = max(abs(u - v) for u, v in zip(x, y)) / scale
            assert err < mp.mpf(10) ** (-digits), (name, k, mp.nstr(err, 3))


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("dps", [30, 50])
def test_refined_band_data_match_mpmath_eigh(name, dps):
    rng = np.random.default_rng(11)
    ks = [[mp.mpf(str(x)) for x in row] for row in rng.uniform(-np.pi, np.pi, size=(4, 2))]
    ks.append([mp.mpf(0), mp.mpf(0)])
    for a, i in (("x", "x"), ("z", "y")):
        check(MODELS[name](), a, i, dps, ks, dps - 1)


@pytest.mark.parametrize("dps", [30, 50])
def test_refined_band_data_gap_1e_12(dps):
    """Bands 1e-12 apart: Omega ~ 1/gap.  A sum over states carries the rounding of its
    terms, |v| |s| / gap^2 in (8b) and |v| |s| / gap in (8c) (about 1e24 and 1e12 here,
    with any eigensolver at that precision: an off-diagonal v_nm that vanishes exactly
    is a rounding error over gap^2), so Omega and m are compared relative to those sizes."""
    tb = near_degenerate_model()
    rng = np.random.default_rng(2)
    ks = [[mp.mpf(str(x)) for x in row] for row in rng.uniform(-np.pi, np.pi, size=(4, 2))]
    for a, i in (("y", "y"), ("y", "x"), ("z", "y")):
        check(tb, a, i, dps, ks, dps - 1, sizes=(1, 1, mp.mpf(10) ** 24, mp.mpf(10) ** 12))


def test_unconverged_points_fall_back_to_mpmath_eigh(monkeypatch):
    """No refinement steps allowed: every point is flagged and redone with mp.eigh."""
    import symgrav.numeric.tb_bands as tbb

    flagged = []

    def no_steps(A, cluster, tau):
        E, X, ok = refine_eigh(A, cluster, tau, maxit=0)
        flagged.append(int(np.sum(~ok)))
        return E, X, ok

    monkeypatch.setattr(tbb, "refine_eigh", no_steps)
    ks = [[mp.mpf("0.3"), mp.mpf("-1.1")], [mp.mpf("2.5"), mp.mpf("0.7")]]
    check(pt.model(), "x", "y", 30, ks, 29)
    assert flagged == [len(ks)]


def test_refine_eigh_flags_what_it_cannot_converge():
    rng = np.random.default_rng(4)
    with gmpy2.context(gmpy2.get_context(), precision=200):
        A = to_mpc(rng.normal(size=(3, 4, 4)) + 1j * rng.normal(size=(3, 4, 4)))
        A = (A + np.conj(np.swapaxes(A, 1, 2))) / 2
        tau = gmpy2.mpfr(2) ** -190
        assert not refine_eigh(A, 1e-30, tau, maxit=1)[2].any()     # 53 -> 106 bits only
        E, X, ok = refine_eigh(A, 1e-30, tau)
        assert ok.all()
        R = np.eye(4) - np.conj(np.swapaxes(X, 1, 2)) @ X
        assert max(abs(z) for z in R.ravel()) < tau
        assert max(abs(z) for z in (A @ X - X * E[:, None, :]).ravel()) < 8 * tau * 4


def test_gmpy2_backend_gives_the_mpmath_backend_values():
    from symgrav.numeric.arith import Mpfr

    bands = TightBindingBands(MODELS["random"](), "z", "y")
    ks = [[0.4, -2.0], [1.5, 3.0]]
    out = {}
    for B in (Mpf(120), Mpfr(120)):
        with B.context():
            K = [B.array([k[j] for k in ks]) for j in range(2)]
            out[B.name] = [np.ravel(x) for x in bands.evaluate(B, K)]
    with mp.workprec(120):
        for x, y in zip(out["mpf"], out["mpfr"]):
            assert all(u == Mpfr(120).mpf(v) for u, v in zip(x, y))


def test_one_band_1d_three_dimensions_and_a_momentum_dependent_operator():
    """N = 1 in 1D; a 3D model on a non-orthogonal lattice; the spin current {v_x, s_z}/2."""
    one = symgrav.TightBinding({(0,): [[0.3]], (1,): [[-0.5]], (-1,): [[-0.5]]},
                               spin=[[[1]], [[0]], [[2]]])
    check(one, "z", "x", 30, [[mp.mpf("0.4")], [mp.mpf("-2.1")]], 29)
    hop = {(0, 0, 0): [[0.2, 0.1j], [-0.1j, -0.2]]}
    M = np.array([[-0.5, 0.3], [0.1j, 0.25]])
    for R in [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1)]:
        hop[R], hop[tuple(-x for x in R)] = M.tolist(), M.conj().T.tolist()
    three = symgrav.TightBinding(hop, lattice=[["1", "0", "0"], ["0", "2", "0"],
                                               ["1/2", "1/2", "1"]])
    check(three, "y", "z", 40, [[mp.mpf("0.4"), mp.mpf("1.3"), mp.mpf("-0.2")],
                                [mp.mpf(1), mp.mpf(2), mp.mpf(3)]], 39)
    hr = Path(__file__).parent / "data" / "rashba_square_hr.dat"
    cur = symgrav.TightBinding.from_wannier90(hr, spin="interlaced").spin_current("x")
    check(cur, "z", "y", 30, [[mp.mpf("0.4"), mp.mpf("1.3")]], 29)
