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
:mod:`symgrav.numeric.states`: batched numpy in double precision; at any
precision batched too, in gmpy2 numbers (the hoppings rounded once, from their
exact values), with numpy's eigenvectors refined to the working precision
(:mod:`symgrav.numeric.eigh_refine`) and mpmath's eigh where that fails.
"""

from __future__ import annotations

import gmpy2
import mpmath as mp
import numpy as np

from ..errors import SymgravError
from ..symbolic.model import AXES, axis_index
from .arith import Mpf, mpf_to_mpfr, mpfr_to_mpf
from .eigh_refine import complex_parts, refine_eigh, to_mpc
from .states import states_batch, states_float, states_mp


#: bits carried above the backend's precision by the batched arbitrary-precision path
EXTRA_BITS = 24
#: the refined eigenpairs' backward error: 2^-(prec + TAU_BITS) ||H|| at the backend's prec bits
TAU_BITS = 12
_ZERO = gmpy2.mpc(0)
_SIN_COS = np.frompyfunc(gmpy2.sin_cos, 1, 2)
_MPC = np.frompyfunc(gmpy2.mpc, 2, 1)
_TO_MPF = np.frompyfunc(mpfr_to_mpf, 1, 1)
_ROUND = np.frompyfunc(lambda x: +x, 1, 1)
#: a momentum (mpf, mpfr or float) as mpfr, exactly (the context's precision is higher)
_TO_MPFR = np.frompyfunc(lambda x: gmpy2.mpfr(x) if isinstance(x, (float, type(_ZERO.real)))
                         else mpf_to_mpfr(mp.mpf(x)), 1, 1)


def _mp_matrix(M):
    """An (N, N) object array of gmpy2 mpc as an mpmath matrix (current mpmath precision)."""
    return mp.matrix([[mp.mpc(mpfr_to_mpf(z.real), mpfr_to_mpf(z.imag)) for z in row]
                      for row in M])


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
        """Every backend: numpy in double precision, gmpy2 (or mpmath) numbers at any precision."""
        return True

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
        """Columns of the Fourier sums at the gmpy2 context's precision (rounded once, exactly).

        For H and dH/dkappa_j: the upper triangle of the coefficients H(n), i n_j H(n)
        (all are Hermitian), each column as a list of (row of n, coefficient) over its
        nonzero coefficients; for the operator (spin) its own vectors and all N^2 entries.
        """
        key = gmpy2.get_context().precision
        if key not in self._mp:
            model, N, d = self.model, self.nbands, self.dim

            def num(p):
                re, im = (gmpy2.mpfr(gmpy2.mpq(x.numerator, x.denominator)) for x in p)
                return re if not im else gmpy2.mpc(re, im)

            def columns(vectors, mats, entries, derivatives):
                cols = []
                for factor in [None] + list(range(d if derivatives else 0)):
                    for r, c in entries:
                        col = []
                        for q, (n, M) in enumerate(zip(vectors, mats)):
                            x = M[r][c]
                            if factor is not None:
                                x = (0, 0) if not n[factor] else x
                            if x[0] or x[1]:
                                z = num(x)
                                col.append((q, z if factor is None else
                                            gmpy2.mpc(0, n[factor]) * z))
                        cols.append(col)
                return cols

            Rs = model.vectors
            upper = list(zip(*np.triu_indices(N)))
            hop = columns(Rs, [model.hoppings[R] for R in Rs], upper, True)
            ops = model.operators[axis_index(self.a)]
            Sn = sorted(ops)
            full = [(r, c) for r in range(N) for c in range(N)]
            spin = columns(Sn, [ops[R] for R in Sn], full, False) \
                if self.operator == "spin" else None
            A = [[gmpy2.mpfr(gmpy2.mpq(x.numerator, x.denominator)) for x in row]
                 for row in model.lattice_vectors]
            self._mp[key] = (Rs, hop, Sn, spin, A)
        return self._mp[key]

    @staticmethod
    def _phases(vectors, K):
        """e^{i kappa.n} for every vector n and momentum (object array (nR, P)); None at n = 0."""
        out = []
        for n in vectors:
            if not any(n):
                out.append(None)
                continue
            theta = sum(nj * k for nj, k in zip(n, K) if nj)
            s, c = _SIN_COS(theta)
            out.append(_MPC(c, s))
        return out

    @staticmethod
    def _sum_columns(cols, phases, P):
        """Each column sum_n c(n) e^{i kappa.n} (object arrays (P,)), from its nonzero terms."""
        out = []
        for col in cols:
            acc = np.full(P, _ZERO, dtype=object)
            for q, z in col:
                acc = acc + (z if phases[q] is None else phases[q] * z)
            out.append(acc)
        return out

    def _mp_matrices(self, K):
        """H, [dH/dkappa_j], V, S at K (object arrays (P, N, N) of mpc, gmpy2 context)."""
        Rs, hop, Sn, spin, A = self._exact()
        N, d, P = self.nbands, self.dim, len(K[0])
        ph = self._phases(Rs, K)
        sums = self._sum_columns(hop, ph, P)
        iu = np.triu_indices(N)
        T = len(iu[0])
        mats = []
        for g in range(1 + d):
            M = np.empty((P, N, N), dtype=object)
            for t, (r, c) in enumerate(zip(*iu)):
                x = sums[g * T + t]
                if r == c:
                    M[:, r, r] = to_mpc(complex_parts(x)[0])     # Hermitian: a real diagonal
                else:
                    M[:, r, c], M[:, c, r] = x, np.conj(x)
            mats.append(M)
        H, dH = mats[0], mats[1:]

        def cartesian(axis):                    # v_axis = sum_j A[j][axis] dH/dkappa_j
            terms = [(A[j][axis], dH[j]) for j in range(d) if A[j][axis]]
            out = terms[0][1] if terms[0][0] == 1 else terms[0][0] * terms[0][1]
            for a, M in terms[1:]:
                out = out + (M if a == 1 else a * M)
            return out

        V = cartesian(axis_index(self.i))
        if spin is None:
            S = cartesian(axis_index(self.a))
        else:
            S = np.stack(self._sum_columns(spin, self._phases(Sn, K), P), axis=1)
            S = S.reshape(P, N, N)
        return H, dH, V, S

    def _evaluate_mp(self, backend, K):
        """Band data at any precision, batched: gmpy2 Fourier sums, refined eigenpairs.

        The work runs at ``EXTRA_BITS`` above the backend's precision and is rounded
        to it; points where the refinement does not converge
        (:func:`~symgrav.numeric.eigh_refine.refine_eigh`) are redone with
        mpmath's eigh (:func:`~symgrav.numeric.states.states_mp`).
        """
        N, d, P = self.nbands, self.dim, len(K[0])
        with backend.context():
            with gmpy2.context(gmpy2.get_context(), precision=backend.prec + EXTRA_BITS):
                Kg = [_TO_MPFR(np.asarray(k, dtype=object).reshape(P)) for k in K]
                H, dH, V, S = self._mp_matrices(Kg)
                E, X, ok = refine_eigh(H, gmpy2.mpfr(10) ** (-(backend.dps // 2)),
                                       gmpy2.mpfr(2) ** (-backend.prec - TAU_BITS))
                out = states_batch(E, X, dH, V, S, gmpy2.mpfr(1), backend.dps)
            flat = np.concatenate([out[0], out[1].reshape(N * d, P), out[2], out[3]])
            # rounded once to the backend's precision (its context)
            arr = _TO_MPF(flat) if backend.name == "mpf" else _ROUND(flat)
            for q in np.flatnonzero(~ok):                  # no convergence: mpmath's eigh
                mpm = [_mp_matrix(M[q]) for M in [H] + dH + [V, S]]
                vals = states_mp(mpm[0], mpm[1:1 + d], mpm[1 + d], mpm[2 + d], self.hbar)
                arr[:, q] = [backend.num(v) for v in vals]
        return (arr[:N], arr[N:N + N * d].reshape(N, d, P), arr[N + N * d:2 * N + N * d],
                arr[2 * N + N * d:])

    def at(self, k):
        """Band data at one reduced momentum (mpf lists), like :meth:`BandData.at`."""
        B = Mpf(mp.mp.prec)
        eps, grads, om, mm = self.evaluate(B, [B.pack([mp.mpf(c)]) for c in k])
        return ([e[0] for e in eps], [[g[j][0] for j in range(self.dim)] for g in grads],
                [o[0] for o in om], [m[0] for m in mm])
