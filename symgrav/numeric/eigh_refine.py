"""Hermitian eigendecompositions at any precision: numpy's eigh refined (Ogita-Aishima).

A batch of Hermitian matrices A (numpy object arrays of gmpy2 ``mpc``) is
diagonalised once in double precision (``numpy.linalg.eigh``); the eigenvectors
X are then refined in gmpy2 arithmetic at the context's precision by the
iteration of T. Ogita and K. Aishima, "Iterative refinement for symmetric
eigenvalue decomposition", Japan J. Indust. Appl. Math. 35 (2018) 1007, written
for Hermitian A (X^T -> X^H):

    R = I - X^H X,   S = X^H A X,   lam_i = Re S_ii / (1 - Re R_ii),
    delta = 2 (||S - diag(lam)|| + ||A|| ||R||),
    E_ij = (S_ij + lam_j R_ij) / (lam_j - lam_i)   where |lam_i - lam_j| > delta,
    E_ij = R_ij / 2                               elsewhere (one cluster),
    X <- X + X E.

Each step roughly doubles the correct digits (53 -> 106 -> 212 bits ...), and
clustered or degenerate eigenvalues only need their invariant subspace: inside
a cluster the step just re-orthonormalises.  A point counts as converged when
X is orthonormal to ``tau`` and |S_ij| <= tau ||A|| for every pair farther apart
than the caller's cluster width (a backward error of tau ||A||, what a
backward-stable eigensolver at that precision delivers); the X returned is
that checked X, with its Rayleigh quotients lam.  Points that do not converge
within the iteration limit are flagged, for the caller's fallback (mpmath's
eigh).  No equation of the paper: the eigenpairs behind the sums over states
of Eqs. (8b), (8c) (:mod:`symgrav.numeric.states`).
"""

from __future__ import annotations

import math

import gmpy2
import numpy as np

__all__ = ["complex_parts", "max_iterations", "refine_eigh", "to_complex128", "to_mpc"]

#: elementwise gmpy2 conversions on object arrays
to_mpc = np.frompyfunc(gmpy2.mpc, 1, 1)
_REAL = np.frompyfunc(lambda z: z.real, 1, 1)
_IMAG = np.frompyfunc(lambda z: z.imag, 1, 1)
_COMPLEX = np.frompyfunc(complex, 1, 1)
_MPFR = np.frompyfunc(gmpy2.mpfr, 1, 1)


def complex_parts(z):
    """(Re z, Im z) of an object array of mpc, as object arrays of mpfr (no equation)."""
    return _REAL(z), _IMAG(z)


def to_complex128(z):
    """An object array of mpc rounded to complex128 (the double-precision start; no equation)."""
    return _COMPLEX(z).astype(complex)


def max_iterations(prec):
    """Refinement steps allowed at ``prec`` bits: the doublings from 53 bits, plus three."""
    return max(1, math.ceil(math.log2(max(prec, 53) / 50))) + 3


def _diag(M):
    return np.diagonal(M, axis1=1, axis2=2)


def refine_eigh(A, cluster, tau, maxit=None):
    """Eigenvalues and eigenvectors of Hermitian matrices at the gmpy2 context's precision.

    The Ogita-Aishima refinement of the module docstring, started from
    ``numpy.linalg.eigh`` in double precision.  No equation of the paper (the
    eigenpairs of H(k) behind Eqs. 8b, 8c).

    Parameters
    ----------
    A : object array (P, N, N) of gmpy2 mpc
        Hermitian matrices.
    cluster : mpfr or float
        Relative width of one subspace: eigenvalues closer than
        ``cluster * max(1, ||A||)`` need no resolution, only orthonormal vectors.
    tau : mpfr
        Convergence threshold: |I - X^H X| <= tau entrywise and
        |(X^H A X)_ij| <= tau ||A|| for every pair farther apart than ``cluster``.
    maxit : int, optional
        Refinement steps before giving up (default :func:`max_iterations`).

    Returns
    -------
    E : object array (P, N) of mpfr
        Eigenvalues, ascending (columns of X in the same order).
    X : object array (P, N, N) of mpc
    ok : bool array (P,)
        False where the refinement did not converge (E, X there: the last iterate).
    """
    P, N, _ = A.shape
    prec = gmpy2.get_context().precision
    maxit = max_iterations(prec) if maxit is None else int(maxit)
    E0, X0 = np.linalg.eigh(to_complex128(A))
    X = to_mpc(X0)                                         # exact copies of the doubles
    # ||A||_2 from the double eigenvalues (a scale: 16 digits are plenty)
    norm = _MPFR(np.max(np.abs(E0), axis=1) if N else np.zeros(P))
    width = gmpy2.mpfr(cluster) * np.maximum(1, norm) / 2
    floor = gmpy2.mpfr(2) ** (8 - prec) * N                # rounding level of S, R (relative)
    eye = np.zeros((N, N), dtype=object)
    eye[...] = gmpy2.mpc(0)
    for n in range(N):
        eye[n, n] = gmpy2.mpc(1)
    E = np.empty((P, N), dtype=object)
    ok = np.zeros(P, dtype=bool)
    active = np.arange(P)
    for step in range(maxit + 1):
        Xa, Aa = X[active], A[active]
        Xh = np.conj(np.swapaxes(Xa, 1, 2))
        R = eye - Xh @ Xa
        S = Xh @ (Aa @ Xa)
        lam = _REAL(_diag(S)) / (1 - _REAL(_diag(R)))
        E[active] = lam
        absR = np.max(np.abs(R), axis=(1, 2))
        absS = np.abs(S - lam[:, :, None] * eye)           # |S - diag(lam)|
        nrm = norm[active]
        gap = np.abs(lam[:, :, None] - lam[:, None, :])
        far = (gap >= width[active, None, None]).astype(bool)
        small = (absS <= tau * nrm[:, None, None]).astype(bool)
        done = (absR <= tau).astype(bool) & np.all(~far | small, axis=(1, 2))
        ok[active[done]] = True
        if step == maxit or np.all(done):
            break
        keep = ~done
        active, Xa, R, S, lam, gap = (x[keep] for x in (active, Xa, R, S, lam, gap))
        absR, absS, nrm = absR[keep], absS[keep], nrm[keep]
        # delta: ||S - D||_2 <= N max|.|, ||R||_2 likewise; never below the rounding level
        delta = 2 * N * (np.max(absS, axis=(1, 2)) + nrm * absR)
        delta = np.maximum(delta, floor * np.maximum(nrm, 1))
        resolved = (gap > delta[:, None, None]).astype(bool)
        den = np.where(resolved, lam[:, None, :] - lam[:, :, None], 1)      # lam_j - lam_i
        corr = np.where(resolved, (S + lam[:, None, :] * R) / den, R / 2)
        X[active] = Xa + Xa @ corr
    order = np.argsort(E, axis=1, kind="stable")
    E = np.take_along_axis(E, order, axis=1)
    X = np.take_along_axis(X, order[:, None, :], axis=2)
    return E, X, ok
