"""The Fourier sums of tight-binding band data (tb_bands.fourier_sum) against a plain sum over R.

The reference is written here: H(kappa) = sum_R e^{i kappa.R} H(R), one point and one
vector at a time.  The separable route (one direction at a time, for points that share
their leading coordinates) and the direct one must both give it, on product grids, on
the chunks of the zone grid (GridScan), on unsorted and scattered points.
"""

from __future__ import annotations

import numpy as np
import pytest

from symgrav import SymgravError
from symgrav.numeric.tb_bands import fourier_sum


def reference(n, coef, K):
    out = np.zeros((K.shape[1], coef.shape[1]), dtype=complex)
    for p in range(K.shape[1]):
        for R, c in zip(n, coef):
            out[p] += np.exp(1j * float(np.dot(R, K[:, p]))) * c
    return out


def random_terms(rng, vectors, M):
    n = np.array(vectors, dtype=int)
    coef = rng.normal(size=(len(n), M)) + 1j * rng.normal(size=(len(n), M))
    return n, coef


def grid(nodes, d):
    ax = -np.pi + 2 * np.pi * np.arange(nodes) / nodes
    return np.array([m.ravel() for m in np.meshgrid(*([ax] * d), indexing="ij")])


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("method", ["auto", "separable", "direct"])
def test_product_grid_equals_the_plain_sum(d, method):
    rng = np.random.default_rng(d)
    box = [v for v in np.ndindex(*([5] * d))]
    n, coef = random_terms(rng, [tuple(x - 2 for x in v) for v in box], 6)
    K = grid(6 if d == 3 else 12, d)
    want = reference(n, coef, K)
    got = fourier_sum(n, coef, K, groups=2, method=method)
    assert got.shape == (2, K.shape[1], 3)
    np.testing.assert_allclose(np.concatenate([got[0], got[1]], axis=1), want,
                               rtol=0, atol=1e-12 * np.abs(want).max())


@pytest.mark.parametrize("method", ["auto", "separable"])
def test_unsorted_and_partial_points(method):
    """The odd-index points of a level, shuffled, with a box that is not centred."""
    rng = np.random.default_rng(7)
    vectors = [(a, b, c) for a in range(-1, 3) for b in range(-2, 2) for c in range(0, 3)]
    n, coef = random_terms(rng, vectors, 4)
    m = 8
    idx = np.array(np.unravel_index(np.arange(m ** 3), (m,) * 3))
    idx = idx[:, np.any(idx % 2 == 1, axis=0)]
    K = -np.pi + 2 * np.pi * idx / m
    K = K[:, rng.permutation(K.shape[1])]
    np.testing.assert_allclose(fourier_sum(n, coef, K, method=method)[0],
                               reference(n, coef, K), rtol=0, atol=1e-12 * np.abs(coef).sum())


def test_scattered_points_and_sparse_vectors():
    """Where the separable sum does not pay (auto: the direct sum) the values are the same."""
    rng = np.random.default_rng(3)
    K = rng.uniform(-np.pi, np.pi, size=(3, 40))
    n, coef = random_terms(rng, [(0, 0, 0), (7, 0, 0), (0, -6, 0), (0, 0, 9), (3, 3, 3)], 5)
    want = reference(n, coef, K)
    for method in ("auto", "separable", "direct"):
        np.testing.assert_allclose(fourier_sum(n, coef, K, method=method)[0], want,
                                   rtol=0, atol=1e-12 * np.abs(coef).sum())


def test_zone_grid_chunks_match_the_band_data_of_single_points(tmp_path):
    """H(k) of a 3D tight-binding model on GridScan's chunks equals the plain sum at each point."""
    from symgrav.numeric.arith import Float64
    from symgrav.numeric.bz_grid import GridScan
    from symgrav.numeric.tb_bands import TightBindingBands
    from symgrav.tightbinding import TightBinding

    rng = np.random.default_rng(11)
    hop = {}
    for R in [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)]:
        if R in hop:
            continue
        M = (rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))) * 0.3
        if R == (0, 0, 0):
            M = M + M.conj().T
        hop[R] = M
        hop[tuple(-x for x in R)] = M.conj().T
    tb = TightBinding.from_arrays(list(hop), [hop[R] for R in hop])
    bands = TightBindingBands(tb, "x", "x")
    scan = GridScan(bands, 5, Float64(53), 1e-6)
    K = np.array(next(iter(scan.level_chunks(16, False))))
    eps, _ = bands.energies(tuple(K))
    n = np.array(list(hop))
    H = reference(n, np.array([hop[tuple(R)].ravel() for R in n]), K).reshape(-1, 2, 2)
    np.testing.assert_allclose(eps, np.linalg.eigvalsh(H).T, rtol=0, atol=1e-13)


def test_bad_method():
    with pytest.raises(SymgravError, match="method must be"):
        fourier_sum(np.zeros((1, 2), int), np.ones((1, 1), complex), np.zeros((2, 3)),
                    method="fft")
