"""Eqs. (8b), (8c) as sums over states, from the Hamiltonian and operator matrices at momenta.

For band data without closed forms (N-band SymPy models, tight-binding models)
the spin-velocity Berry curvature and the spin magnetic moment are

    Omega_n = -2 hbar sum_{m not in A(n)} Im(v_nm s_mn) / (e_n - e_m)^2      (8b)
    m_n     =    hbar sum_{m not in A(n)} Im(v_nm s_mn) / (e_n - e_m)        (8c)

in the eigenbasis of H, where A(n) is the degenerate subspace of band n (the
bands whose energies agree with e_n to half the working digits).  This is the
projector form of docs/conventions.md ("Degenerate bands"): the sum over n in A,
-2 hbar sum_{B != A} Im tr(P_A v P_B s) / (E_A - E_B)^2, is gauge invariant,
and every band of A is given that sum divided by |A| (the bands of A share
one energy, so any Fermi-sea integral is unchanged).  Terms inside A do not
exist in (8c) (the factor e_m - e_n of (24b) kills them) and cancel in pairs
in (8b) (Im(v_nm s_mn) is odd, the denominator even, in n <-> m).  Band
energies and gradients <n|dH/dk_j|n> are averaged over A too (the bands of A then
share their Fermi points exactly) (exact when dH is a multiple
of the identity on A, as in Kramers pairs of PT-symmetric crystals).
Where bands of different subspaces merge only at isolated momenta the values
there are the merged subspace's; whether the integral converges around such
a point is the quadrature's to decide (it reports a singular integrand).
:func:`states_float` works on batches of momenta with numpy; :func:`states_mp`
on one momentum with mpmath at the current precision; :func:`states_batch` on
batches at any precision (gmpy2 object arrays, eigenpairs from
:func:`~symgrav.numeric.eigh_refine.refine_eigh`), the same subspaces as
:func:`states_mp`.
"""

from __future__ import annotations

import gmpy2
import mpmath as mp
import numpy as np

from .arith import mpf_to_mpfr
from .eigh_refine import complex_parts

#: degenerate subspaces: energies equal to this relative tolerance (double precision)
DEGENERACY_TOLERANCE_FLOAT = 1e-8
#: values of (8b), (8c) within this many ulps of the size of their terms are rounding noise
#: (:func:`states_float`)
NOISE_ULPS = 64


def states_float(H, dH, V, S, hbar, magnitudes=None, sizes=False):
    """Band data of a batch of momenta in double precision (Eqs. 8b, 8c as sums over states).

    Parameters
    ----------
    H : complex array (P, N, N)
    dH : list of ``dim`` complex arrays (P, N, N)
        Derivatives along the integration coordinates (for the band gradients);
        empty with V None: energies only (eigenvalues without eigenvectors).
    V, S : complex arrays (P, N, N)
        Velocity (dH/dk_i) and the operator s_a.
    hbar : float
    magnitudes : pair (|V|, |S|) of floats or arrays (P,), optional
        Sizes of the terms that make up the entries of V and S, whose rounding
        is eps times these (a Fourier series sum_R e^{ik.R} M(R) carries the
        rounding of sum_R |M(R)|, however far its terms cancel at k).  Default:
        the Frobenius norms of V and S at each momentum.
    sizes : bool
        Also return the magnitudes of the terms of (8b) and (8c).

    Returns
    -------
    eps (N, P), grads (N, dim, P), omega (N, P), moment (N, P)
        ``omega`` and ``moment`` are None when V is None (energies only).
    omega_size (N, P), moment_size (N, P)
        With ``sizes``: sum_m 2 |hbar| u_nm / (e_n - e_m)^2 and
        sum_m |hbar| u / |e_n - e_m| over the other subspaces, with
        u = |V| |S|, which bounds |Im(v_nm s_mn)| and, times eps, the rounding
        that v_nm s_mn inherits from the entries of V and S.  Values of (8b),
        (8c) within ``NOISE_ULPS`` ulps of these sizes are rounding noise and
        returned as exact zeros (with or without ``sizes``); the sizes are
        what the quadrature's rounding floor needs (:mod:`symgrav.numeric.rules`).
    amplification (N, P)
        With ``sizes``: max(1, kappa / NOISE_ULPS) over the bands m coupled to
        n (|Im(v_nm s_mn)| above rounding), kappa = max|e| / |e_n - e_m|: the
        factor by which the rounding of nearly degenerate eigenvectors exceeds
        the floor (:meth:`symgrav.numeric.weights.WeightSet.integrand`).
    """
    N = H.shape[-1]
    if V is None and not dH:                  # energies only: no eigenvectors needed
        E, U = np.linalg.eigvalsh(H), None
    else:
        E, U = np.linalg.eigh(H)
    scale = np.maximum(1.0, np.max(np.abs(E), axis=1))[:, None]
    # group label of every band: a new subspace starts where the sorted energies step
    step = np.diff(E, axis=1) >= DEGENERACY_TOLERANCE_FLOAT * scale
    label = np.concatenate([np.zeros((E.shape[0], 1), dtype=int), np.cumsum(step, axis=1)],
                           axis=1)
    same = label[:, :, None] == label[:, None, :]                       # (P, N, N)
    size = same.sum(axis=2)                                             # (P, N)
    simple = bool(np.all(size == 1))             # no degeneracy anywhere: nothing to average

    def average(x):                                                     # x: (P, N)
        return x if simple else np.einsum("pnm,pm->pn", same, x) / size

    # <n|d|n> = sum_ij conj(U_in) d_ij U_jn: the diagonal only, not the product Ud d U
    grads = np.stack([average(np.real(np.sum(np.conj(U) * (d @ U), axis=1))).T
                      for d in dH], axis=1) if dH else np.empty((N, 0, H.shape[0]))
    Eg = average(E)       # one energy per subspace: its bands share their Fermi points
    if V is None:
        return Eg.T, grads, None, None
    Ud = np.conj(np.swapaxes(U, 1, 2))
    v = Ud @ V @ U
    s = Ud @ S @ U
    x = np.imag(v * np.swapaxes(s, 1, 2))          # x[n, m] = Im(v_nm s_mn)
    gap = np.where(same, 1.0, E[:, :, None] - E[:, None, :])
    om = average(np.sum(np.where(same, 0.0, -2 * hbar * x / gap ** 2), axis=2))
    mm = average(np.sum(np.where(same, 0.0, hbar * x / gap), axis=2))
    # the size u of the terms, whose eps multiple is their rounding error; values below
    # NOISE_ULPS of it are zero to working precision (an exact zero, not noise)
    if magnitudes is None:
        magnitudes = [np.linalg.norm(M, axis=(1, 2)) for M in (V, S)]
    vmag, smag = (np.broadcast_to(np.asarray(m, dtype=float), E.shape[:1]) for m in magnitudes)
    u = (abs(hbar) * vmag * smag)[:, None, None]
    om_size = average(np.sum(np.where(same, 0.0, 2 * u / gap ** 2), axis=2))
    mm_size = average(np.sum(np.where(same, 0.0, u / np.abs(gap)), axis=2))
    ulps = NOISE_ULPS * np.finfo(float).eps
    om = np.where(np.abs(om) <= ulps * om_size, 0.0, om)
    mm = np.where(np.abs(mm) <= ulps * mm_size, 0.0, mm)
    if sizes:
        # eigenvectors are off by ~eps kappa, kappa = E / |e_n - e_m|, towards band m: where
        # that exceeds the NOISE_ULPS of the floor for a pair that is coupled (not rounding
        # noise: crossings of uncoupled bands mix harmlessly), band n's sizes grow by it
        kappa = np.max(np.abs(E), axis=1)[:, None, None] / np.abs(gap)
        coupled = ~same & (np.abs(x) > ulps * u)
        amp = average(np.max(np.where(coupled, np.maximum(kappa / NOISE_ULPS, 1.0), 1.0),
                             axis=2))
        return Eg.T, grads, om.T, mm.T, om_size.T, mm_size.T, amp.T
    return Eg.T, grads, om.T, mm.T


def states_mp(H, dH, V, S, hbar):
    """Band data at one momentum with mpmath (current precision).

    Parameters
    ----------
    H, V, S : mpmath matrices (N x N)
    dH : list of mpmath matrices (the derivatives along the integration coordinates)
    hbar : mpf

    Returns
    -------
    list
        N energies, N * dim gradients (band-major), N values of Omega (8b), N of m (8c).
    """
    N = H.rows
    E, Q = mp.eigh(H)
    cols = [Q[:, n] for n in range(N)]
    vmat = [[(cols[n].H * V * cols[m])[0] for m in range(N)] for n in range(N)]
    smat = [[(cols[n].H * S * cols[m])[0] for m in range(N)] for n in range(N)]
    tol = degeneracy_tolerance(mp.mp.dps) * max(mp.mpf(1), max(abs(e) for e in E))
    label = [0]
    for n in range(1, N):
        label.append(label[-1] + (E[n] - E[n - 1] >= tol))
    groups = [[m for m in range(N) if label[m] == label[n]] for n in range(N)]

    def average(values):
        return [mp.fsum(values[m] for m in groups[n]) / len(groups[n]) for n in range(N)]

    grads = [average([mp.re((cols[n].H * d * cols[n])[0]) for n in range(N)]) for d in dH]
    om, mm = [], []
    for n in range(N):
        o = m_ = mp.mpf(0)
        for m in range(N):
            if label[m] == label[n]:
                continue
            x = mp.im(vmat[n][m] * smat[m][n])
            gap = E[n] - E[m]
            o += -2 * hbar * x / gap ** 2
            m_ += hbar * x / gap
        om.append(o)
        mm.append(m_)
    return (average(list(E)) + [grads[j][n] for n in range(N) for j in range(len(dH))]
            + average(om) + average(mm))


def degeneracy_tolerance(dps):
    """Relative width of a degenerate subspace at ``dps`` digits: 10^-(dps // 2) (mpf).

    Energies closer than this times max(1, max |e|) are one subspace A(n) of
    Eqs. (8b), (8c) (module docstring).
    """
    return mp.mpf(10) ** (-(dps // 2))


def states_batch(E, X, dH, V, S, hbar, dps):
    """Band data of a batch of momenta at any precision from eigenpairs (Eqs. 8b, 8c).

    The sums over states of :func:`states_mp` with the same subspaces A(n)
    (:func:`degeneracy_tolerance` at ``dps`` digits), computed on whole
    batches with gmpy2 object arrays at the gmpy2 context's precision.

    Parameters
    ----------
    E : object array (P, N) of mpfr
        Eigenvalues of H, ascending at every point.
    X : object array (P, N, N) of mpc
        Orthonormal eigenvectors (columns), in the order of E.
    dH : list of ``dim`` object arrays (P, N, N) of mpc
        Derivatives of H along the integration coordinates.
    V, S : object arrays (P, N, N) of mpc
        Velocity dH/dk_i and the operator s_a.
    hbar : mpfr
    dps : int
        Decimal digits of the subspace tolerance (those of the caller's backend).

    Returns
    -------
    eps (N, P), grads (N, dim, P), omega (N, P), moment (N, P)
        Object arrays of mpfr: energies and gradients averaged over A(n),
        Omega (8b) and m (8c) in projector form.
    """
    P, N = E.shape
    zero = gmpy2.mpfr(0)
    tol = mpf_to_mpfr(degeneracy_tolerance(dps)) * np.maximum(1, np.max(np.abs(E), axis=1))
    step = ((E[:, 1:] - E[:, :-1]) >= tol[:, None]).astype(bool)
    label = np.concatenate([np.zeros((P, 1), dtype=int), np.cumsum(step, axis=1)], axis=1)
    same = label[:, :, None] == label[:, None, :]                       # (P, N, N)
    size = same.sum(axis=2)                                             # (P, N)
    simple = bool(np.all(size == 1))

    def average(x):                                                     # x: (P, N) objects
        if simple:
            return x
        return np.sum(np.where(same, x[:, None, :], zero), axis=2) / size

    Xh = np.conj(np.swapaxes(X, 1, 2))
    # <n|d|n> = sum_ij conj(X_in) d_ij X_jn: the diagonal only
    grads = [average(complex_parts(np.sum(np.conj(X) * (d @ X), axis=1))[0]) for d in dH]
    v = Xh @ V @ X
    s = Xh @ S @ X
    x = complex_parts(v * np.swapaxes(s, 1, 2))[1]                     # Im(v_nm s_mn)
    gap = np.where(same, 1, E[:, :, None] - E[:, None, :])
    om = average(np.sum(np.where(same, zero, -2 * hbar * x / gap ** 2), axis=2))
    mm = average(np.sum(np.where(same, zero, hbar * x / gap), axis=2))
    grads = np.stack(grads, axis=1) if dH else np.empty((P, 0, N), dtype=object)
    return (average(E).T, np.transpose(grads, (2, 1, 0)), om.T, mm.T)
