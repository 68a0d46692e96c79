"""Band data of a tight-binding model: H(k), its derivatives and the sums over states of (8b), (8c).

For a :class:`~symgrav.tightbinding.TightBinding` with hoppings H(R) on
integer vectors n (Cartesian R = sum_j n_j a_j), the engine integrates over
the reduced momenta kappa_j = k . a_j in [-pi, pi)^d, where

    H(kappa)           = sum_n e^{i kappa.n} H(n),
    dH/dkappa_j        = sum_n i n_j e^{i kappa.n} H(n)       (the line slopes),
    v_i = dH/dk_i      = sum_n i R_i e^{i kappa.n} H(n)        (the velocity of Eq. 8b),

and the Cartesian measure d^dk/(2 pi)^d is d^d kappa / ((2 pi)^d |det A|)
(:attr:`TightBindingBands.cell_factor`).  The operator s_a is the model's
(spin by default; a momentum-dependent one, such as a spin current, is a
Fourier series sum_n e^{i kappa.n} S(n) like H).  Omega (8b) and m (8c) come from the sums over states of
:mod:`symgrav.numeric.states`: batched numpy in double precision, mpmath at
any precision (the hoppings are rounded once, from their exact values).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ..errors import SymgravError
from ..symbolic.model import AXES, axis_index
from .arith import Mpf
from .states import states_float, states_mp


#: the separable sum is used when the box of the vectors n has at most this many times nR cells
BOX_FILL = 4
#: ... and the points share their leading coordinates: at least this many points per prefix
POINTS_PER_PREFIX = 8


def fourier_sum(n, coef, K, groups=1, method="auto"):
    """The Fourier series sum_n e^{i kappa.n} c(n) at the reduced momenta K (double precision).

    The hoppings' series H(kappa) = sum_n e^{i kappa.n} H(n) of the module
    docstring (the Fourier series below Eq. 25 of docs/conventions.md; the
    matrices of Eqs. 8b, 8c), and its derivatives, whose coefficients
    i n_j H(n) are further columns of ``coef``.  On points that share their leading coordinates (a
    product grid, or the chunks of one: :class:`symgrav.numeric.bz_grid.GridScan`)
    the sum is taken one direction at a time, e^{i kappa.n} = prod_j e^{i kappa_j n_j}:
    first over n_1 for each distinct kappa_1, then over n_2 for each distinct
    (kappa_1, kappa_2), and so on, so a point costs about (width of the last
    direction) terms instead of nR.  Elsewhere (scattered points, sparse vectors)
    it is one matrix product with the phases e^{i kappa.n} of every point.

    Parameters
    ----------
    n : int array (nR, d)
        The integer vectors.
    coef : complex array (nR, M)
        One row of coefficients per vector.
    K : float array (d, P)
    groups : int
        The columns are ``groups`` blocks of M / groups (several matrices side by side).
    method : {"auto", "separable", "direct"}
        ``"auto"``: separable where it pays (see above), else direct.

    Returns
    -------
    complex array (groups, P, M / groups)
        Block g of the columns at every point (contiguous: one matrix after another).
    """
    if method not in ("auto", "separable", "direct"):
        raise SymgravError(f"method must be 'auto', 'separable' or 'direct'; got {method!r}")
    nR, d = n.shape
    P = K.shape[1]
    M = coef.shape[1] // groups
    if nR == 0:
        return np.zeros((groups, P, M), dtype=complex)
    lo = n.min(axis=0)
    shape = tuple(int(x) for x in n.max(axis=0) - lo + 1)
    if method == "direct" or (method == "auto" and not _pays(shape, nR, K)):
        return _direct(n, coef, K, groups)
    dense = np.zeros(shape + (coef.shape[1],), dtype=complex)
    dense[tuple((n - lo).T)] = coef
    axes = [np.arange(lo[j], lo[j] + shape[j]) for j in range(d)]
    order = np.lexsort(K[::-1])                      # by kappa_1, then kappa_2, ...
    inorder = bool(np.all(order[1:] > order[:-1]))
    Ks = K if inorder else K[:, order]
    out = np.empty((groups, P, M), dtype=complex)
    _separable(dense, Ks, axes, 0, 0, P, out)
    if inorder:
        return out
    res = np.empty_like(out)
    res[:, order] = out
    return res


def _pays(shape, nR, K):
    """Whether the separable sum is cheaper: a dense box of vectors, points sharing prefixes."""
    d, P = K.shape
    box = int(np.prod(shape))
    if d == 1 or box > BOX_FILL * nR or P < POINTS_PER_PREFIX:
        return False
    prefix = np.unique(K[:d - 1], axis=1).shape[1]
    first = np.unique(K[0]).size
    return prefix * POINTS_PER_PREFIX <= P and first * (box // shape[0]) <= P


def _direct(n, coef, K, groups):
    P = K.shape[1]
    out = (np.exp(1j * (n @ K)).T @ coef).reshape(P, groups, -1)
    return np.ascontiguousarray(out.transpose(1, 0, 2))


def _separable(block, K, axes, j, start, stop, out):
    """Contract direction j of ``block`` (L_j, ..., L_d, M) at the sorted points start:stop."""
    nj = axes[j]
    k = K[j, start:stop]
    if j == len(axes) - 1:
        # einsum, not BLAS: many small products, where a threaded BLAS spends more than it saves
        val = np.einsum("pl,lm->pm", np.exp(1j * np.outer(k, nj)), block)
        out[:, start:stop] = val.reshape(len(k), out.shape[0], -1).transpose(1, 0, 2)
        return
    if j == len(axes) - 2:
        # the last two directions as a tensor product: two large matrix products, then
        # the points taken from the (kappa_j, kappa_last) table
        u1, inv1 = np.unique(k, return_inverse=True)
        u2, inv2 = np.unique(K[j + 1, start:stop], return_inverse=True)
        if len(u1) * len(u2) <= 2 * (stop - start):
            L2, M = block.shape[1], block.shape[2]
            part = np.exp(1j * np.outer(u1, nj)) @ block.reshape(len(nj), -1)     # (u1, L2 M)
            part = np.ascontiguousarray(part.reshape(len(u1), L2, M).transpose(1, 0, 2))
            table = (np.exp(1j * np.outer(u2, axes[j + 1])) @ part.reshape(L2, -1)
                     ).reshape(len(u2), len(u1), M)
            val = table[inv2, inv1]                                               # (p, M)
            out[:, start:stop] = val.reshape(len(k), out.shape[0], -1).transpose(1, 0, 2)
            return
    cut = np.flatnonzero(k[1:] != k[:-1]) + 1                    # runs of equal kappa_j
    first = np.concatenate([[0], cut])
    part = np.exp(1j * np.outer(k[first], nj)) @ block.reshape(len(nj), -1)
    part = part.reshape((len(first),) + block.shape[1:])
    ends = np.concatenate([cut, [len(k)]])
    for a, (s0, s1) in enumerate(zip(first, ends)):
        _separable(part[a], K, axes, j + 1, start + s0, start + s1, out)


class TightBindingBands:
    """Numeric band data of a tight-binding model (the interface of :class:`~.banddata.BandData`).

    Parameters
    ----------
    model : TightBinding
    a, i : {"x", "y", "z"}
        Operator component and (Cartesian) momentum direction.
    operator : {"spin", "velocity"}
        The operator s_a of Eqs. (8b), (8c): the model's (``"spin"``) or the
        velocity v_a = dH/dk_a, which turns (8b) into the Berry curvature
        Omega_{n; k_i k_a} of Eq. (24a) (hbar = 1).
    """

    closed_form = False
    lattice = True

    def __init__(self, model, a, i, operator="spin"):
        self.model = model
        self.a = AXES[axis_index(a, "spin component a")]
        self.i = AXES[axis_index(i, "momentum axis i")]
        self.dim, self.nbands = model.dim, model.N
        if axis_index(self.i) >= self.dim:
            raise SymgravError(f"momentum axis {self.i!r} does not exist in a {self.dim}D model")
        if operator not in ("spin", "velocity"):
            raise SymgravError(f"operator must be 'spin' or 'velocity'; got {operator!r}")
        self.operator = operator
        if operator == "velocity" and axis_index(self.a) >= self.dim:
            raise SymgravError(f"velocity axis {self.a!r} does not exist in a {self.dim}D model")
        self.values = {}
        self.hbar = mp.mpf(1)
        self.cache = {}
        self._n, H = model.matrices()
        A = np.array([[float(x) for x in row] for row in model.lattice_vectors])
        self._R = self._n @ A                                   # Cartesian lattice vectors
        self._H = H
        ops = model.operators[axis_index(self.a)]
        self._Sn = np.array(sorted(ops), dtype=int).reshape(len(ops), self.dim)
        self._Sm = np.array([[[complex(float(x), float(y)) for x, y in row] for row in ops[R]]
                             for R in sorted(ops)])
        self.cell_factor = 1 / mp.mpf(str(model.cell_volume()))
        self._mp = {}
        self._stack = {}
        self._magnitudes = None

    def supports(self, backend):
        """Double precision and mpmath; no gmpy2 form (no closed forms)."""
        return backend.name != "mpfr"

    # -- double precision --------------------------------------------------------
    def _float_stack(self, geometry):
        """Coefficients (nR, m N^2) of H, dH/dkappa_j (, V, and S for the velocity operator)."""
        key = geometry
        if key not in self._stack:
            N, n = self.nbands, self._n
            coef = [np.ones(len(n))] + [1j * n[:, j] for j in range(self.dim)]
            if geometry:
                coef.append(1j * self._R[:, axis_index(self.i)])
                if self.operator == "velocity":
                    coef.append(1j * self._R[:, axis_index(self.a)])
            flat = self._H.reshape(len(n), N * N)
            self._stack[key] = np.concatenate([c[:, None] * flat for c in coef], axis=1)
        return self._stack[key]

    def _float_matrices(self, K, geometry=True):
        """H, [dH/dkappa_j], V, S at the reduced momenta K (P, N, N) in one matrix product.

        V and S are None when ``geometry`` is false (energies and gradients only).
        """
        K = np.array([np.asarray(c, dtype=float).reshape(-1) for c in K])    # (d, P)
        N, P, d = self.nbands, K.shape[1], self.dim
        stack = self._float_stack(geometry)
        mats = fourier_sum(self._n, stack, K, stack.shape[1] // (N * N)).reshape(-1, P, N, N)
        H, dH = mats[0], [mats[1 + j] for j in range(d)]
        if not geometry:
            return K, H, dH, None, None
        V = mats[1 + d]
        if self.operator == "velocity":
            S = mats[2 + d]
        else:
            S = fourier_sum(self._Sn, self._Sm.reshape(len(self._Sm), N * N), K)[0].reshape(P, N, N)
        return K, H, dH, V, S

    def energies(self, K, gradients=True):
        """Band energies (N, P) and gradients dE/dkappa (N, dim, P) in double precision.

        With ``gradients=False`` the gradients are None (eigenvalues only).
        """
        shape = np.shape(K[0])
        _, H, dH, _, _ = self._float_matrices(K, geometry=False)
        eps, grads, _, _ = states_float(H, dH if gradients else [], None, None, 1.0)
        N = self.nbands
        return (eps.reshape((N,) + shape),
                grads.reshape((N, self.dim) + shape) if gradients else None)

    def magnitudes(self):
        """(|V|, |S|): Frobenius norms of sum_R |M(R)| (entrywise) of v_i and s_a.

        Every entry of M(kappa) = sum_n e^{i kappa.n} M(n) is a sum of terms of
        these sizes, so in double precision it carries their rounding at every
        kappa, also where the terms cancel (e.g. sin k at k = pi).
        """
        if self._magnitudes is None:
            absH = np.abs(self._H)
            if self.operator == "velocity":
                S = np.abs(self._R[:, axis_index(self.a)])[:, None, None] * absH
            else:
                S = np.abs(self._Sm)
            V = np.abs(self._R[:, axis_index(self.i)])[:, None, None] * absH
            self._magnitudes = tuple(float(np.linalg.norm(np.sum(M, axis=0))) for M in (V, S))
        return self._magnitudes

    def evaluate(self, backend, K, sizes=False):
        """(eps, grads, Omega (8b), m (8c)) at reduced momenta K, as backend arrays.

        With ``sizes``, also the sizes of the terms of (8b), (8c) and their
        amplification (rounding scale, :func:`~symgrav.numeric.states.states_float`)
        in double precision, None at higher precision.
        """
        if backend.name == "float64":
            _, H, dH, V, S = self._float_matrices(K)
            return states_float(H, dH, V, S, 1.0, self.magnitudes(), sizes=sizes)
        out = self._evaluate_mp(backend, K)
        return out + (None,) * 3 if sizes else out

    # -- arbitrary precision ---------------------------------------------------------
    def _exact(self):
        key = mp.mp.prec
        if key not in self._mp:
            model = self.model
            Rs = model.vectors
            A = [[mp.mpf(x.numerator) / x.denominator for x in row] for row in model.lattice_vectors]

            def num(p):
                return mp.mpc(mp.mpf(p[0].numerator) / p[0].denominator,
                              mp.mpf(p[1].numerator) / p[1].denominator)
            mats = [mp.matrix([[num(x) for x in row] for row in model.hoppings[R]]) for R in Rs]
            cart = [[mp.fsum(n[j] * A[j][c] for j in range(self.dim)) for c in range(self.dim)]
                    for n in Rs]
            ops = model.operators[axis_index(self.a)]
            S = [(R, mp.matrix([[num(x) for x in row] for row in ops[R]])) for R in sorted(ops)]
            self._mp[key] = (Rs, mats, cart, S)
        return self._mp[key]

    def _evaluate_mp(self, backend, K):
        Rs, mats, cart, Sterms = self._exact()
        N, d, iv = self.nbands, self.dim, axis_index(self.i)
        ia = axis_index(self.a) if self.operator == "velocity" else None
        P = len(K[0])
        arr = np.empty((3 * N + N * d, P), dtype=object)
        for q, k in enumerate(zip(*K)):
            k = [backend.mpf(c) for c in k]
            H = mp.zeros(N, N)
            dH = [mp.zeros(N, N) for _ in range(d)]
            V = mp.zeros(N, N)
            S = mp.zeros(N, N)
            if ia is None:
                for n, M in Sterms:
                    S += (mp.expj(mp.fsum(kj * nj for kj, nj in zip(k, n))) if any(n) else 1) * M
            for n, M, R in zip(Rs, mats, cart):
                ph = mp.expj(mp.fsum(kj * nj for kj, nj in zip(k, n)))
                H += ph * M
                for j in range(d):
                    if n[j]:
                        dH[j] += (1j * n[j] * ph) * M
                if R[iv]:
                    V += (1j * R[iv] * ph) * M
                if ia is not None and R[ia]:
                    S += (1j * R[ia] * ph) * M
            arr[:, q] = states_mp(H, dH, V, S, self.hbar)
        return (arr[:N], arr[N:N + N * d].reshape(N, d, P), arr[N + N * d:2 * N + N * d],
                arr[2 * N + N * d:])

    def at(self, k):
        """Band data at one reduced momentum (mpf lists), like :meth:`BandData.at`."""
        B = Mpf(mp.mp.prec)
        eps, grads, om, mm = self.evaluate(B, [B.pack([mp.mpf(c)]) for c in k])
        return ([e[0] for e in eps], [[g[j][0] for j in range(self.dim)] for g in grads],
                [o[0] for o in om], [m[0] for m in mm])
