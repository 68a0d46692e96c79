"""Eqs. (8b), (8c) as sums over states, from the Hamiltonian and operator matrices at momenta.

For band data without closed forms (N-band SymPy models, tight-binding models)
the spin-velocity Berry curvature and the spin magnetic moment are

    Omega_n = -2 hbar sum_{m != n} Im(v_nm s_mn) / (e_n - e_m)^2      (8b)
    m_n     =    hbar sum_{m != n} Im(v_nm s_mn) / (e_n - e_m)        (8c)

in the eigenbasis of H (gauge invariant: each term is a product of matrix
elements between the same pair of states), with Hellmann-Feynman band
gradients <n|dH/dk_j|n>.  A pair of bands closer than the working precision's
half-digits and coupled by v and s makes (8b), (8c) singular: an error naming
the momentum.  :func:`states_float` works on batches of momenta with numpy;
:func:`states_mp` on one momentum with mpmath at the current precision.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ..errors import SymgravError

_SINGULAR = "and coupled by v and s: Omega (8b) and m (8c) are singular there"


def states_float(H, dH, V, S, hbar, where):
    """Band data of a batch of momenta in double precision.

    Parameters
    ----------
    H : complex array (P, N, N)
    dH : list of ``dim`` complex arrays (P, N, N)
        Derivatives along the integration coordinates (for the band gradients).
    V, S : complex arrays (P, N, N)
        Velocity (dH/dk_i) and the operator s_a.
    hbar : float
    where : callable
        q -> list of the coordinates of momentum q (for the error message).

    Returns
    -------
    eps (N, P), grads (N, dim, P), omega (N, P), moment (N, P)
        ``omega`` and ``moment`` are None when V is None (energies only).
    """
    N = H.shape[-1]
    E, U = np.linalg.eigh(H)
    Ud = np.conj(np.swapaxes(U, 1, 2))
    grads = np.stack([np.real(np.diagonal(Ud @ d @ U, axis1=1, axis2=2)).T for d in dH],
                     axis=1) if dH else np.empty((N, 0, H.shape[0]))
    if V is None:
        return E.T, grads, None, None
    v = Ud @ V @ U
    s = Ud @ S @ U
    x = np.imag(v * np.swapaxes(s, 1, 2))          # x[n, m] = Im(v_nm s_mn)
    gap = E[:, :, None] - E[:, None, :]
    scale = np.maximum(1.0, np.max(np.abs(E), axis=1))[:, None, None]
    tol = 1e-8 * scale
    small = np.abs(gap) < tol
    offdiag = ~np.eye(N, dtype=bool)[None]
    coupled = np.abs(v) * np.abs(np.swapaxes(s, 1, 2)) >= tol
    if np.any(small & offdiag & coupled):
        q = int(np.argwhere((small & offdiag & coupled).any(axis=(1, 2)))[0, 0])
        raise SymgravError(f"bands are degenerate at k = {where(q)} {_SINGULAR}")
    use = offdiag & ~small
    g = np.where(use, gap, 1.0)
    om = np.sum(np.where(use, -2 * hbar * x / g ** 2, 0.0), axis=2).T
    mm = np.sum(np.where(use, hbar * x / g, 0.0), axis=2).T
    return E.T, grads, om, mm


def states_mp(H, dH, V, S, hbar, k):
    """Band data at one momentum with mpmath (current precision).

    Parameters
    ----------
    H, V, S : mpmath matrices (N x N)
    dH : list of mpmath matrices (the derivatives along the integration coordinates)
    hbar : mpf
    k : sequence
        The momentum (for the error message).

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
    grads = [mp.re((cols[n].H * d * cols[n])[0]) for n in range(N) for d in dH]
    tol = mp.mpf(10) ** (-(mp.mp.dps // 2))
    scale = max(mp.mpf(1), max(abs(e) for e in E))
    om, mm = [], []
    for n in range(N):
        o = m_ = mp.mpf(0)
        for m in range(N):
            if m == n:
                continue
            x = mp.im(vmat[n][m] * smat[m][n])
            gap = E[n] - E[m]
            if abs(gap) < tol * scale:
                if abs(vmat[n][m]) * abs(smat[m][n]) < tol * scale:
                    continue
                raise SymgravError(
                    f"bands {n} and {m} are degenerate at k = {[mp.nstr(c, 8) for c in k]} "
                    f"{_SINGULAR}")
            o += -2 * hbar * x / gap ** 2
            m_ += hbar * x / gap
        om.append(o)
        mm.append(m_)
    return list(E) + grads + om + mm
