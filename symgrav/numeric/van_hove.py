"""Critical points of two-dimensional lattice bands at a given energy (van Hove points).

Where a band of a 2D model is stationary, grad eps_n(k_c) = 0, with energy
eps_c = mu, the Fermi surface of d alpha / d mu, Eq. (E1), passes through a
point of zero velocity: at a saddle the density of states, and with it the
integral int dl g / |v|, diverges logarithmically (two saddles can cancel each
other's divergence; the integral at mu = eps_c itself then converges only
conditionally); at a local extremum a Fermi pocket of area ~ |mu - eps_c|
appears on one side, so (E1) steps by g(k_c) / (2 pi sqrt(det Hess)) there and
its value at eps_c is a matter of convention.  Brillouin-zone lines through
such a point see a double root of eps - mu, which rounding turns into a
Fermi point of zero slope, an infinite density, on every line within
sqrt(rounding) of it.  The Fermi-sea integrals (8a), (19a,b), (20), (B7a)
are continuous there and need no such care.

:func:`critical_points_at` finds the stationary points of every band whose
energy is mu to double-precision rounding: the grid points of an n x n scan
of the Brillouin zone that are extrema along both axes, refined by Newton
steps on the band gradient (Hessian by central differences of the gradient).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ..errors import SymgravError

#: relative tolerance (of the band's spread over the scan) within which a saddle energy is mu
AT_MU = 1e-12


def _newton(bd, band, k, steps=30, h=1e-5):
    """Stationary point of ``band`` near k (float pair) and its Hessian, or (None, None)."""
    k = np.array(k, dtype=float)
    for _ in range(steps):
        pts = [k, k + (h, 0), k - (h, 0), k + (0, h), k - (0, h)]
        _, g = bd.energies([np.array([p[0] for p in pts]), np.array([p[1] for p in pts])])
        g = g[band]                                                   # (2, 5)
        hess = np.array([(g[:, 1] - g[:, 2]) / (2 * h), (g[:, 3] - g[:, 4]) / (2 * h)]).T
        hess = (hess + hess.T) / 2
        try:
            step = np.linalg.solve(hess, g[:, 0])
        except np.linalg.LinAlgError:
            return None, None
        k = k - step
        if np.max(np.abs(step)) <= 1e-14 * (1 + np.max(np.abs(k))):
            return k, hess
    return None, None


def critical_points_at(bd, mu, n=128):
    """Stationary points of the bands of a 2D lattice model with energy mu (double precision).

    Parameters
    ----------
    bd : BandData or TightBindingBands
        A two-dimensional lattice model (momenta in [-pi, pi)^2).
    mu : float
    n : int
        Scan points per direction.

    Returns
    -------
    list of (int, (float, float), str)
        Band index, momentum and kind ("saddle point", "local maximum",
        "local minimum") of each stationary point with |energy - mu| <=
        :data:`AT_MU` times the band's spread (duplicates from neighbouring
        scan points removed).
    """
    k = -np.pi + 2 * np.pi * np.arange(n) / n
    KX, KY = np.meshgrid(k, k, indexing="ij")
    eps, _ = bd.energies([KX.ravel(), KY.ravel()], gradients=False)
    found = []
    for band in range(eps.shape[0]):
        A = eps[band].reshape(n, n)
        spread = float(np.ptp(A)) or 1.0
        dx = [A - np.roll(A, 1, axis=0), np.roll(A, -1, axis=0) - A]
        dy = [A - np.roll(A, 1, axis=1), np.roll(A, -1, axis=1) - A]
        # candidates: extrema along each axis (the Hessian tells saddles from extrema)
        stationary = (dx[0] * dx[1] <= 0) & (dy[0] * dy[1] <= 0)
        slack = 2 * np.max(np.abs(np.stack(dx + dy)), axis=0)
        for i, j in zip(*np.nonzero(stationary & (np.abs(A - mu) <= slack))):
            ks, hess = _newton(bd, band, (k[i], k[j]))
            if ks is None:
                continue
            ks = (ks + np.pi) % (2 * np.pi) - np.pi
            e = float(bd.energies([ks[:1], ks[1:]], gradients=False)[0][band][0])
            if abs(e - mu) <= AT_MU * spread and not any(
                    b == band and np.allclose(np.cos(q - ks), 1, atol=1e-9) for b, q, _ in found):
                kind = "saddle point" if np.linalg.det(hess) < 0 else \
                    "local maximum" if hess[0, 0] < 0 else "local minimum"
                found.append((band, ks, kind))
    return [(b, (float(q[0]), float(q[1])), kind) for b, q, kind in found]


def check_not_critical(bd, mu):
    """Refuse d alpha / d mu (E1) at the energy of a stationary point of a 2D lattice band.

    Parameters
    ----------
    bd : BandData or TightBindingBands
        A two-dimensional lattice model.
    mu : mpf

    Raises
    ------
    SymgravError
        One line naming the band, the kind of stationary point and its
        momentum (:func:`critical_points_at`).
    """
    for n, k, kind in critical_points_at(bd, float(mu))[:1]:
        what = "diverges" if kind == "saddle point" else "steps"
        raise SymgravError(
            f"d alpha/d mu (Eq. E1, the Mott value) is not evaluated at mu = {mp.nstr(mu, 12)}, "
            f"the energy of a {kind} of band {n} at k = ({k[0]:.6g}, {k[1]:.6g}): the Fermi "
            f"surface has a point of zero velocity there (the density of states {what}); "
            "evaluate it at a mu off this energy")
