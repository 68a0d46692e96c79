"""Transverse integrals over a family of lines that crosses a Fermi surface.

A two-dimensional integral is done as an integral over a transverse
parameter s (k_y for the Brillouin-zone lines of a lattice model, the polar
angle for the rays of an anisotropic continuum model) of line integrals
F(s) (:mod:`symgrav.numeric.lines`).  F is analytic in s except where a line
touches the Fermi surface: there an extremum of a band along the line has the
energy mu, two Fermi points merge, and at T = 0 F has a square-root branch
point (at T > 0 the branch point moves off the real axis by ~T / |de/ds|).
The periodic trapezoid rule then converges only algebraically.

:func:`critical_parameters` finds these tangency points: a double-precision
scan over s counts the Fermi points of every band on each line; where the
count changes, the extremum energy of that band along the line is followed
and its crossing of mu is refined at the working precision.
:func:`transverse_integral` integrates F over the pieces between them with a
vector tanh-sinh rule, which converges exponentially for integrands with
algebraic endpoint singularities (Takahasi and Mori; mpmath's ``quad`` uses
the same rule).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ..errors import SymgravError
from .lines import LineFeatures, _illinois, _np_bands, _scan_points, radial_extent
from .quadrature import periodic_trapezoid


def _fermi_counts(bd, line, mu, margin):
    """Number of Fermi points of each band on a line, from a double-precision scan."""
    t_hi = 1.0 if line.periodic else float(radial_extent(bd, line, mu, margin))
    ts = _scan_points(line, t_hi)
    eps, _ = _np_bands(bd, line, ts)
    sign = np.sign(eps - float(mu))
    if line.periodic:
        sign = np.concatenate([sign, sign[:, :1]], axis=1)
    return tuple(int(c) for c in np.sum(sign[:, 1:] * sign[:, :-1] < 0, axis=1))


def _nearest_extremum(bd, line, band, mu, margin):
    """Energy minus mu of the extremum of ``band`` along ``line`` closest in energy to mu.

    On a Brillouin-zone line the point t = -pi = pi, where the line wraps, is
    a candidate too when the band is stationary there (LineFeatures lists
    interior extrema only).
    """
    feats = LineFeatures(bd, line, mu, margin)
    energies = [energy for _, n, energy in feats.extrema if n == band]
    if line.periodic:
        e, g, _, _ = bd.at(line.point(feats.lo))
        slope = sum(gi * di for gi, di in zip(g[band], line.direction))
        if abs(slope) <= mp.mpf(10) ** (-(mp.mp.dps // 2)) * (1 + abs(e[band])):
            energies.append(e[band])
    if not energies:
        return None
    return min((x - mu for x in energies), key=abs)


def critical_parameters(bd, line_of, lo, hi, mu, margin, nscan=257):
    """Transverse parameters s in (lo, hi) where a line is tangent to the Fermi surface.

    At these s an extremum of a band energy along the line ``line_of(s)``
    equals mu (Eq. 19a-20 integrands are then non-analytic in s at T = 0).

    Parameters
    ----------
    bd : BandData
    line_of : callable
        s (mpf) -> :class:`~symgrav.numeric.lines.Line`.
    lo, hi : mpf
        Range of s.
    mu, margin : mpf
        Chemical potential and the thermal margin of :class:`LineFeatures`.
    nscan : int
        Points of the double-precision scan.

    Returns
    -------
    list of mpf
        Sorted tangency parameters, refined and kept at twice the working
        precision (arithmetic at the working precision rounds them).
    """
    with mp.workprec(2 * mp.mp.prec):
        return _critical_parameters(bd, line_of, mp.mpf(lo), mp.mpf(hi), mu, margin, nscan)


def _critical_parameters(bd, line_of, lo, hi, mu, margin, nscan):
    grid = [lo + (hi - lo) * j / (nscan - 1) for j in range(nscan)]
    counts = [_fermi_counts(bd, line_of(s), mu, margin) for s in grid]
    tol = mp.mpf(10) ** (-(mp.mp.dps - 3))
    found = []
    for j in range(nscan - 1):
        for band, (c0, c1) in enumerate(zip(counts[j], counts[j + 1])):
            if c0 == c1:
                continue
            a, b = grid[j], grid[j + 1]

            def g(s, band=band):
                val = _nearest_extremum(bd, line_of(s), band, mu, margin)
                if val is None:
                    raise SymgravError("lost a band extremum while locating a Fermi-surface "
                                       "tangency; the band is too flat along the lines")
                return val

            ga, gb = g(a), g(b)
            if ga == 0:
                found.append(a)
            elif gb == 0:
                found.append(b)
            elif ga * gb < 0:
                found.append(_illinois(g, a, b, ga, gb, tol))
            else:
                # two tangencies (or a tangency and an extremum swap) inside one
                # scan cell: bisect the cell on the Fermi-point count instead
                found.extend(_bisect_counts(bd, line_of, a, b, mu, margin, band, c0, tol))
    return sorted(set(found))


def _bisect_counts(bd, line_of, a, b, mu, margin, band, c_left, tol):
    """Where the Fermi-point count of ``band`` changes in [a, b] (bisection, one change)."""
    for _ in range(4 * mp.mp.prec):
        if b - a <= tol * (1 + abs(a)):
            break
        m = (a + b) / 2
        if _fermi_counts(bd, line_of(m), mu, margin)[band] == c_left:
            a = m
        else:
            b = m
    return [(a + b) / 2]


def _ts_level(a, b, h, first, tmax):
    """Nodes of the tanh-sinh rule on [a, b] with step h: (dist, side, weight).

    A node lies at ``b - dist`` (side +1), ``a + dist`` (side -1) or at the
    midpoint (side 0).  ``first``: all nodes k h (k integer) of the first
    level; otherwise only the odd multiples (the new nodes when h is halved).
    """
    half = (b - a) / 2
    out = []
    k = 0 if first else 1
    step = 1 if first else 2
    pi2 = mp.pi / 2
    while True:
        t = k * h
        if t > tmax:
            break
        u = pi2 * mp.sinh(t)
        # 1 - tanh(u) = 2 / (exp(2u) + 1), accurate near the endpoints
        dist = 2 * half / (mp.exp(2 * u) + 1)
        w = h * pi2 * mp.cosh(t) * half / mp.cosh(u) ** 2
        if t == 0:
            out.append((half, 0, w))
        else:
            out.append((dist, 1, w))
            out.append((dist, -1, w))
        k += step
    return out


def tanh_sinh_vector(fun, a, b, ncomp, eps, max_level=12, fine=False):
    """Integrate a vector function over [a, b] by the tanh-sinh rule with step halving.

    The error of the rule with step h/2 is about the square of the relative
    difference between the h and h/2 rules (doubling of digits, as in
    mpmath's ``quad``); halving stops once that estimate is below ``eps``
    relative to the size of each component.

    With ``fine=True`` (zero temperature, where the occupations are steps)
    the nodes within (b - a) 2^(-prec/4) of an end are evaluated at twice
    the working precision: there two Fermi points of a line are so close
    that rounding of the band energy blurs which side of mu a momentum is
    on.  ``a`` and ``b`` should then carry twice the working precision (see
    :func:`critical_parameters`).  Nodes within (b - a) 2^-prec of an end
    are dropped (their weight is below the working precision).

    Raises
    ------
    SymgravError
        When ``max_level`` halvings do not reach the tolerance.
    """
    prec = mp.mp.prec
    tmax = mp.mpf(mp.log(4 * prec))  # weights beyond are below 2^-prec
    sums = [mp.mpf(0)] * ncomp
    mags = [mp.mpf(0)] * ncomp
    length = b - a
    skip = length * mp.mpf(2) ** (-prec)
    near = length * mp.mpf(2) ** (-(prec // 4)) if fine else mp.mpf(0)

    def add(nodes):
        for dist, side, w in nodes:
            if side and dist < skip:
                continue
            if side and dist < near:
                with mp.workprec(2 * prec):
                    vals = fun(b - dist if side > 0 else a + dist)
            else:
                vals = fun(b - dist if side > 0 else a + dist)
            for k in range(ncomp):
                sums[k] += w * vals[k]
                mags[k] += w * abs(vals[k])

    h = mp.mpf(1) / 2
    add(_ts_level(a, b, h, True, tmax))
    prev = list(sums)
    tiny = mp.mpf(2) ** (-2 * prec)
    for _ in range(max_level):
        # the rule with step h/2: the h rule's sum halved plus the new (odd) nodes
        for k in range(ncomp):
            sums[k] /= 2
            mags[k] /= 2
        h /= 2
        add(_ts_level(a, b, h, False, tmax))
        # floor: see periodic_trapezoid (noise of the occupation-factor tails)
        floor = max(tiny, max(mags) * mp.mpf(2) ** (-(prec + 56)))
        if all(abs(c - p) <= max(sz * eps ** (1 / mp.mpf(1.8)), floor)
               for c, p, sz in zip(sums, prev, mags)):
            return [+x for x in sums]
        prev = list(sums)
    raise SymgravError("tanh-sinh rule did not converge across a Fermi-surface tangency")


def transverse_integral(fun, critical, ncomp, eps, period=None, fine=False):
    """Integral of a periodic vector function over one period, split at ``critical``.

    The period [-pi, pi) (or [-period/2, period/2)) is cut at the sorted
    tangency parameters of :func:`critical_parameters`, where the transverse
    integrand of the Fermi-sea integrals (19a), (19b), (8a), (B7a), (20) has
    its branch points; the pieces between consecutive ones, the last one
    wrapping around the period, are integrated by :func:`tanh_sinh_vector`
    (``fine``: see there).
    """
    with mp.workprec(2 * mp.mp.prec):
        period = 2 * mp.pi if period is None else +period
        crit = sorted(critical)
        if not crit:
            raise SymgravError("transverse_integral needs at least one critical parameter")
        ends = crit + [crit[0] + period]

    def wrapped(s):
        return fun(s - period if s >= period / 2 else s)

    total = [mp.mpf(0)] * ncomp
    for a, b in zip(ends, ends[1:]):
        if b > a:
            vals = tanh_sinh_vector(wrapped, a, b, ncomp, eps, fine=fine)
            total = [x + y for x, y in zip(total, vals)]
    return total


def integrate_family(bd, line_of, per_line, mu, margin, ncomp, eps, period=None,
                     steps=False):
    """Integrate ``per_line(line_of(s))`` over one period of the transverse parameter s.

    Without Fermi-surface tangencies (insulators, or Fermi surfaces that every
    line crosses transversally) the integrand is analytic and periodic and the
    periodic trapezoid rule converges exponentially; otherwise the period is
    split at the tangencies (:func:`critical_parameters`) and integrated by
    :func:`transverse_integral`.  This is the transverse integral of the
    Brillouin-zone integrals of Eqs. (19a), (19b), (8a), (B7a), (20) and of
    the Fermi-surface integral (E1) in two dimensions.

    Parameters
    ----------
    bd : BandData
    line_of : callable
        s -> Line, for s in [-period/2, period/2).
    per_line : callable
        Line -> list of ``ncomp`` values.
    mu, margin : mpf
        Chemical potential and thermal margin (see :class:`LineFeatures`).
    ncomp : int
    eps : mpf
        Relative tolerance.
    period : mpf, optional
        2 pi by default.
    steps : bool
        The occupations are exact steps (T = 0): lines very close to a
        tangency are evaluated at twice the precision (:func:`tanh_sinh_vector`).

    Returns
    -------
    list of mpf
    """
    period = 2 * mp.pi if period is None else period
    crit = critical_parameters(bd, line_of, -period / 2, period / 2, mu, margin)
    if not crit:
        return periodic_trapezoid(lambda s: per_line(line_of(s)), ncomp, eps, period=period)
    return transverse_integral(lambda s: per_line(line_of(s)), crit, ncomp, eps, period=period,
                               fine=steps)
