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
:func:`at_critical_energy` refines them at the integral's precision
(:func:`refine`) and tells whether mu is at their energy and whether (E1)
diverges there (saddles whose integrands do not cancel); the engine then
takes the mean of the one-sided limits, or +-inf
(:meth:`symgrav.Susceptibilities.dalpha_dmu`).
"""

from __future__ import annotations

import warnings
from collections import namedtuple

import mpmath as mp
import numpy as np

from ..errors import SymgravWarning
from .arith import Mpf, Mpfr


#: relative tolerance (of the band's spread over the scan) within which a saddle energy is mu
AT_MU = 1e-12

#: mu at stationary points of the bands (:func:`at_critical_energy`)
Critical = namedtuple("Critical", "distance divergence band k kind")


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
    list of (int, (float, float), str, float)
        Band index, momentum, kind ("saddle point", "local maximum",
        "local minimum") and the band's spread over the scan of each
        stationary point with |energy - mu| <= :data:`AT_MU` times that
        spread (duplicates from neighbouring scan points removed).
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
                    b == band and np.allclose(np.cos(q - ks), 1, atol=1e-9) for b, q, _, _ in found):
                kind = "saddle point" if np.linalg.det(hess) < 0 else \
                    "local maximum" if hess[0, 0] < 0 else "local minimum"
                found.append((band, ks, kind, spread))
    return [(b, (float(q[0]), float(q[1])), kind, w) for b, q, kind, w in found]


def refine(bd, B, band, k0, steps=60):
    """A stationary point of ``band`` at the precision of backend B, from a double estimate.

    Newton steps on the band gradient (exact band data at B's precision),
    the Hessian by central differences of the gradient with step
    2^(-prec/3) (relative error ~2^(-2 prec/3): the iteration still converges,
    the point to rounding).

    Parameters
    ----------
    bd : BandData or TightBindingBands
    B : Backend
    band : int
    k0 : (float, float)

    Returns
    -------
    k : (mpf, mpf)
    energy : mpf
    hessian : mp.matrix (2 x 2)
    omega, moment : mpf
        Omega (8b) and m (8c) of the band at k.
    """
    with B.context():
        k = [mp.mpf(float(c)) for c in k0]
        h = mp.ldexp(mp.mpf(1), -(B.prec // 3))
        for _ in range(steps):
            pts = [k, (k[0] + h, k[1]), (k[0] - h, k[1]), (k[0], k[1] + h), (k[0], k[1] - h)]
            eps, grad, om, mm = bd.evaluate(B, [B.array([p[0] for p in pts]),
                                                B.array([p[1] for p in pts])])
            g = [[B.mpf(x) for x in grad[band][i]] for i in range(2)]
            hess = mp.matrix([[(g[i][1] - g[i][2]) / (2 * h), (g[i][3] - g[i][4]) / (2 * h)]
                              for i in range(2)])
            hess = (hess + hess.T) / 2
            if mp.det(hess) == 0:
                break
            step = mp.lu_solve(hess, mp.matrix([g[0][0], g[1][0]]))
            k = [k[0] - step[0], k[1] - step[1]]
            if max(abs(step[0]), abs(step[1])) <= mp.ldexp(mp.mpf(1), 8 - B.prec) * (
                    1 + abs(k[0]) + abs(k[1])):
                break
        eps, _, om, mm = bd.evaluate(B, [B.array([k[0]]), B.array([k[1]])])
        return (k[0], k[1]), B.mpf(eps[band][0]), hess, B.mpf(om[band][0]), B.mpf(mm[band][0])


def at_critical_energy(bd, B, mu, coefficients):
    """The stationary points of 2D lattice bands whose energy is mu at B's precision.

    Candidates come from :func:`critical_points_at` (double precision), each
    is refined by :func:`refine`; mu counts as their energy when the two are
    within 4 x 2^(-prec/2) (spread + |mu|), spread the largest spread of their bands
    (the integrals at mu +- twice that distance resolve the pockets there to
    ~2^(-prec/2), the working precision when B carries twice the digits).

    Parameters
    ----------
    bd : BandData or TightBindingBands
        A two-dimensional lattice model.
    B : Backend
        At least 106 bits.
    mu : mpf
    coefficients : (c_Omega, c_m)
        The delta-term coefficients of d alpha / d mu (Eq. E1):
        the Fermi-surface integrand is -(c_Omega Omega + c_m m) / |v|.

    Returns
    -------
    Critical or None
        None when mu is off every stationary energy; otherwise the distance
        within which mu counts as at one, and the sign of the logarithmic
        divergence of (E1) (0 when it converges): near saddle points (E1) is
        sum_c g_c ln(1 / |mu - eps_c|) / (2 pi^2 sqrt|det Hess_c|) plus a
        bounded part, g = -(c_Omega Omega + c_m m), so it diverges unless the
        sum of g_c / sqrt|det Hess_c| over the saddles vanishes; with the first
        stationary point's band, momentum and kind (the first saddle's when
        (E1) diverges).
    """
    points = critical_points_at(bd, float(mu))
    if not points:
        return None
    with B.context():
        spread = max(w for _, _, _, w in points)
        # the bands' spread and |mu| set the scale: a mu typed from a printed double energy
        # is a few units of 2^-53 |mu| off it, inside this distance at 106 bits
        distance = mp.ldexp(spread + abs(mu), 2 - B.prec // 2)
        co, cm = (B.mpf(c) for c in coefficients)
        log_coefficient, size, first, saddle = mp.mpf(0), mp.mpf(0), None, None
        for band, k0, kind, _ in points:
            k, energy, hess, om, mm = refine(bd, B, band, k0)
            if abs(energy - mu) > distance:
                continue
            first = first or (band, k, kind)
            if kind == "saddle point":
                saddle = saddle or (band, k, kind)
                term = -(co * om + cm * mm) / mp.sqrt(abs(mp.det(hess)))
                log_coefficient += term
                size += abs(term)
        if first is None:
            return None
        diverges = abs(log_coefficient) > mp.ldexp(size, -(B.prec // 2))
        if diverges:
            return Critical(distance, int(mp.sign(log_coefficient)), *saddle)
        return Critical(distance, 0, *first)


def surface_integral(bd, B, mu, weights, integral):
    """d alpha / d mu (Eq. E1) at mu, with the convention at critical energies of 2D lattices.

    Off the energies of stationary points of the bands, ``integral(mu, B)``.
    At one (:func:`at_critical_energy`, at B's precision or at least 106
    bits): the mean of the one-sided limits, ``integral`` at mu -+ 2 d
    (d the distance within which mu counts as at the energy), where Fermi
    pockets appear or vanish and (E1) steps; +-inf, with a SymgravWarning
    naming the point, at saddle points whose integrands do not cancel (the
    density of states diverges logarithmically).

    Parameters
    ----------
    bd : BandData or TightBindingBands
    B : Backend
    mu : mpf
    weights : callable
        Backend -> WeightSet of d alpha / d mu (its ``delta`` coefficients).
    integral : callable
        ``integral(mu, backend) -> mpf``, the Fermi-surface integral.

    Returns
    -------
    mpf
    """
    if not (bd.dim == 2 and bd.lattice):
        return integral(mu, B)
    fine = B if B.prec >= 106 else Mpfr(106) if bd.supports(Mpfr(106)) else Mpf(106)
    crit = at_critical_energy(bd, fine, mu, weights(fine).delta[0])
    if crit is None:
        return integral(mu, B)
    if crit.divergence:
        warnings.warn(
            f"d alpha/d mu (Eq. E1) is {'+' if crit.divergence > 0 else '-'}inf at "
            f"mu = {mp.nstr(mu, 12)}, the energy of a {crit.kind} of band {crit.band} at "
            f"k = ({mp.nstr(crit.k[0], 6)}, {mp.nstr(crit.k[1], 6)}): the density of states "
            "diverges logarithmically there", SymgravWarning, stacklevel=4)
        return crit.divergence * mp.inf
    with fine.context():
        below, above = (integral(mu + x, fine) for x in (-2 * crit.distance, 2 * crit.distance))
        return (below + above) / 2
