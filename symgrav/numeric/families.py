"""Transverse integrals over a family of lines that crosses a Fermi surface.

A two-dimensional integral is done as an integral over a transverse
parameter s (k_y for the Brillouin-zone lines of a lattice model, the polar
angle for the rays of an anisotropic continuum model) of line integrals
F(s) (:mod:`symgrav.numeric.line_integral`).  F is analytic in s except where
a line touches the Fermi surface: there an extremum of a band along the line
has the energy mu, two Fermi points merge, and at T = 0 F has a square-root
branch point (at T > 0 it moves off the real axis by ~T / |de/ds|), so the
periodic trapezoid rule would converge only algebraically.

:func:`critical_parameters` finds these tangencies: a double-precision scan
over s counts the Fermi points of every band on each line; where the count
changes, the extremum energy of that band along the line is followed and its
crossing of mu is refined at twice the working precision.
:func:`integrate_family` integrates F over the pieces between them with the
tanh-sinh rule (:func:`symgrav.numeric.tanh_sinh.tanh_sinh`), which converges
exponentially with algebraic endpoint singularities; without tangencies it
uses the periodic trapezoid rule.  These are the transverse integrals of
Eqs. (8a), (19a), (19b), (20), (B7a) and of the Fermi-surface integral (E1)
in two dimensions.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ..errors import SymgravError
from .line_features import (LineFeatures, band_values, prepare_lines, radial_extent,
                            scan_lines, scan_points)
from .roots import illinois
from .rules import periodic_trapezoid
from .tanh_sinh import tanh_sinh


def _fermi_counts(bd, lines, mu, margin):
    """Number of Fermi points of each band on each line, from a double-precision scan."""
    ts_list = [scan_points(line, 1.0 if line.periodic else
                           float(radial_extent(bd, line, mu, margin))) for line in lines]
    out = []
    for line, (eps, _) in zip(lines, scan_lines(bd, lines, ts_list, slopes=False)):
        sign = np.sign(eps - float(mu))
        if line.periodic:
            sign = np.concatenate([sign, sign[:, :1]], axis=1)
        out.append(tuple(int(c) for c in np.sum(sign[:, 1:] * sign[:, :-1] < 0, axis=1)))
    return out


def _nearest_extremum(bd, B, line, band, mu, margin):
    """Energy minus mu of the extremum of ``band`` along ``line`` closest in energy to mu.

    On a Brillouin-zone line the point t = -pi = pi, where the line wraps, is
    a candidate too when the band is stationary there.
    """
    feats = LineFeatures(bd, line, mu, margin, B)
    energies = [e for _, n, e in feats.extrema if n == band]
    if line.periodic:
        e, sl, _, _ = band_values(bd, B, line, B.pack([feats.lo]), np.array([band]))
        if abs(sl[0]) <= B.num(10) ** (-(B.dps // 2)) * (1 + abs(e[0])):
            energies.append(e[0])
    if not energies:
        return None
    return min((x - mu for x in energies), key=abs)


def critical_parameters(bd, B2, line_of, lo, hi, mu, margin, nscan=257):
    """Transverse parameters s in (lo, hi) where a line is tangent to the Fermi surface.

    At these s an extremum of a band energy along ``line_of(s)`` equals mu.

    Parameters
    ----------
    bd : BandData
    B2 : Backend
        The backend at twice the working precision (the tangencies are found
        and kept at that precision: arithmetic at the working precision
        rounds them).
    line_of : callable
        s (mpf) -> Line.
    lo, hi, mu, margin : mpf

    Returns
    -------
    list of mpf
        Sorted tangency parameters.
    """
    with B2.context():
        lo, hi, mu2, margin2 = (mp.mpf(x) for x in (lo, hi, mu, margin))
        grid = [lo + (hi - lo) * j / (nscan - 1) for j in range(nscan)]
        counts = _fermi_counts(bd, [line_of(s) for s in grid], mu2, margin2)
        tol = mp.mpf(10) ** (-(mp.mp.dps - 3))
        mu_b, margin_b = B2.num(mu2), B2.num(margin2)
        found = []
        for j in range(nscan - 1):
            for band, (c0, c1) in enumerate(zip(counts[j], counts[j + 1])):
                if c0 == c1:
                    continue
                a, b = grid[j], grid[j + 1]

                def g(s, band=band):
                    val = _nearest_extremum(bd, B2, line_of(s), band, mu_b, margin_b)
                    if val is None:
                        raise SymgravError("lost a band extremum while locating a Fermi-surface "
                                           "tangency; the band is too flat along the lines")
                    return B2.mpf(val)

                ga, gb = g(a), g(b)
                if ga == 0:
                    found.append(a)
                elif gb == 0:
                    found.append(b)
                elif ga * gb < 0:
                    def vec(x, _idx, g=g):
                        return np.array([g(v) for v in x], dtype=object)
                    root = illinois(vec, np.array([a], dtype=object), np.array([b], dtype=object),
                                    np.array([ga], dtype=object), np.array([gb], dtype=object),
                                    tol)
                    found.append(root[0])
                else:
                    # two tangencies (or a tangency and an extremum swap) in one scan cell:
                    # bisect the cell on the Fermi-point count instead
                    for _ in range(4 * mp.mp.prec):
                        if b - a <= tol * (1 + abs(a)):
                            break
                        m = (a + b) / 2
                        if _fermi_counts(bd, [line_of(m)], mu2, margin2)[0][band] == c0:
                            a = m
                        else:
                            b = m
                    found.append((a + b) / 2)
        found += _stationary_parameters(bd, B2, line_of, grid, mu_b, margin_b, margin2)
        # one tangency found by both searches: keep one (the two refinements differ by
        # the rounding of the extremum energy over its slope in s, far above tol)
        merged, apart = [], mp.sqrt(tol)
        for s in sorted(found):
            if not merged or s - merged[-1] > apart * (1 + abs(s)):
                merged.append(s)
        return merged


#: energy window, relative to a band's spread over the scan, of the stationary points that
#: split the transverse integral at T = 0 (their kink or near-kink sits at mu within it);
#: at T > 0 the window is at least a twentieth of the thermal margin (a few T)
STATIONARY_WINDOW = 1e-3


def _stationary_parameters(bd, B2, line_of, grid, mu_b, margin_b, margin):
    """Transverse parameters of the Brillouin-zone lines through stationary points near mu.

    A saddle point (van Hove point) or extremum of a band in two dimensions at
    the energy mu makes two Fermi points of the line through it merge and
    part again without changing their number, so :func:`critical_parameters`'
    count does not see it; F(s) has a kink there (T = 0) or a near-kink (a
    stationary energy within a small window of mu, or T > 0).  Candidates are
    points of the double-precision scan that are extrema along both t and s
    with an energy within the window; s is refined as the zero of dg/ds, g
    the extremum energy along the line (central differences at B2's precision,
    Illinois).  Twice the working precision as in the caller.
    """
    lines = [line_of(s) for s in grid[:-1]]     # periodic in s: the last is the first
    if not lines[0].periodic:
        return []   # rays of a continuum model: not searched (Brillouin-zone lines only)
    ts_list = [scan_points(line, 1.0) for line in lines]
    scans = scan_lines(bd, lines, ts_list, slopes=False)
    E = np.stack([eps for eps, _ in scans])[:, :, :-1]   # (ns, nbands, nt); t = pi is -pi
    mu_f, found = float(mu_b), []
    h = mp.ldexp(mp.mpf(1), -(mp.mp.prec // 3))
    tol = mp.mpf(10) ** (-(mp.mp.dps - 3))
    for band in range(E.shape[1]):
        A = E[:, band, :]
        # at T > 0 (margin ~ 50 T) only points within a few T of mu make F(s) nearly
        # singular; farther ones leave it analytic and the trapezoid rule fast
        window = max(float(margin) / 20, STATIONARY_WINDOW * float(np.ptp(A)))
        dt = [A - np.roll(A, 1, axis=1), np.roll(A, -1, axis=1) - A]
        ds = [A - np.roll(A, 1, axis=0), np.roll(A, -1, axis=0) - A]
        stationary = (dt[0] * dt[1] <= 0) & (ds[0] * ds[1] <= 0)
        slack = 2 * np.max(np.abs(np.stack(dt + ds)), axis=0)
        for j in sorted(set(np.nonzero(stationary & (np.abs(A - mu_f) <= window + slack))[0])):

            def g(s, band=band):
                val = _nearest_extremum(bd, B2, line_of(s), band, mu_b, margin_b)
                return None if val is None else B2.mpf(val)

            def dg(s):
                lo, hi = g(s - h), g(s + h)
                return None if lo is None or hi is None else (hi - lo) / (2 * h)
            a, b = grid[j - 1] if j else grid[0] - (grid[1] - grid[0]), grid[j + 1]
            da, db, dm = dg(a), dg(b), dg(grid[j])
            if None in (da, db, dm):
                continue
            if abs(dm) <= h * (1 + abs(g(grid[j]))):
                sc = grid[j]
            elif da * db < 0:
                def vec(x, _idx):
                    return np.array([dg(v) for v in x], dtype=object)
                sc = illinois(vec, np.array([a], dtype=object), np.array([b], dtype=object),
                              np.array([da], dtype=object), np.array([db], dtype=object),
                              tol)[0]
            else:
                continue
            gc = g(sc)
            if gc is not None and abs(gc) <= window:
                found.append(grid[0] + (sc - grid[0]) % (grid[-1] - grid[0]))
                found += _pocket_tangents(g, sc, gc, grid, tol)
    return found


def _pocket_tangents(g, sc, gc, grid, tol):
    """The two lines tangent to a small Fermi pocket around a stationary point.

    Near the line s = sc through a stationary point, the extremum energy
    along the line minus mu is g(s) ~ gc + g''(sc) (s - sc)^2 / 2; where gc
    and g'' have opposite signs the lines s = sc +- sqrt(-2 gc / g'') touch
    the Fermi surface (a pocket around an extremum of the band, or the
    Fermi lines next to a saddle).  A pocket narrower than the scan spacing
    of :func:`critical_parameters` has no scan line inside, so its count
    never changes there: the tangencies are bracketed here from this
    quadratic estimate and refined by Illinois' method (the tangencies of
    larger pockets come out of both searches and are merged by the caller).
    """
    if gc == 0:
        return []
    h = mp.ldexp(mp.mpf(1), -(mp.mp.prec // 4))
    lo, hi = g(sc - h), g(sc + h)
    if lo is None or hi is None:
        return []
    curv = (lo - 2 * gc + hi) / h ** 2
    if curv == 0 or curv * gc > 0:
        return []
    width = mp.sqrt(-2 * gc / curv)
    if width >= grid[1] - grid[0]:
        return []           # wide enough for the scan lines to see it
    out = []
    for direction in (1, -1):
        far = sc + direction * 2 * width
        gf = g(far)
        if gf is None or gf * gc >= 0:
            continue

        def vec(x, _idx):
            return np.array([g(v) for v in x], dtype=object)
        root = illinois(vec, np.array([sc], dtype=object), np.array([far], dtype=object),
                        np.array([gc], dtype=object), np.array([gf], dtype=object), tol)[0]
        out.append(grid[0] + (root - grid[0]) % (grid[-1] - grid[0]))
    return out


def stack_lines(per_line, line_of, ss, ncomp):
    """``per_line(line_of(s))`` for every s of ss, as (values, sizes) arrays (ncomp, len(ss))."""
    vals, sizes = [], []
    for s in ss:
        v, z = per_line(line_of(s))
        vals.append(v)
        sizes.append(z)
    return (np.array(vals, dtype=object).T.reshape(ncomp, len(ss)),
            np.array(sizes, dtype=object).T.reshape(ncomp, len(ss)))


def integrate_family(bd, B, B2, line_of, per_line, mu, margin, ncomp, eps, period=None,
                     fine_line=None, singular=False):
    """Integrate ``per_line(line_of(s))`` over one period of the transverse parameter s.

    Without Fermi-surface tangencies the integrand is analytic and periodic
    and the periodic trapezoid rule converges exponentially; otherwise the
    period is split at the tangencies (:func:`critical_parameters`) and the
    pieces, the last one wrapping around, are integrated by the tanh-sinh rule.

    Parameters
    ----------
    bd : BandData
    B, B2 : Backend
        Working backend and the one at twice its precision.
    line_of : callable
        s -> Line, for s in [-period/2, period/2).
    per_line : callable
        Line -> (values, sizes) lists of ``ncomp`` backend scalars.
    mu, margin : mpf
    ncomp : int
    eps : mpf
        Relative tolerance.
    period : mpf, optional
        2 pi by default.
    fine_line : callable, optional
        Line -> (values, sizes) at twice the precision, for lines within
        rounding distance of a tangency (zero temperature: the occupations
        are exact steps there).
    singular : bool
        ``per_line`` has inverse-square-root singularities at the tangencies
        (Fermi-surface sums, Eq. E1): see :func:`~symgrav.numeric.tanh_sinh.tanh_sinh`.

    Returns
    -------
    values, sizes : lists of mpf
    """
    period = 2 * mp.pi if period is None else period
    crit = critical_parameters(bd, B2, line_of, -period / 2, period / 2, mu, margin)

    def fun(ss):
        with B.context():
            lines = [line_of(B.mpf(s)) for s in ss]
            prepare_lines(bd, B, lines, B.num(mu), B.num(margin))
            return stack_lines(per_line, lambda line: line, lines, ncomp)

    if not crit:
        vals, sizes = periodic_trapezoid(fun, ncomp, eps, B, period=B.num(period))
        return [B.mpf(v) for v in vals], [B.mpf(s) for s in sizes]
    with B2.context():
        period2 = 2 * mp.pi if period is None else mp.mpf(period)
        ends = list(crit) + [crit[0] + period2]

    def wrapped(ss):
        return fun(np.array([s - B.num(period) if s >= B.num(period) / 2 else s for s in ss],
                            dtype=object))

    def at_twice_precision(ss):
        lines = [line_of(s - period2 if s >= period2 / 2 else s) for s in ss]
        with B2.context():
            prepare_lines(bd, B2, lines, B2.num(mu), B2.num(margin))
        vals, sizes = zip(*[fine_line(line) for line in lines])
        return (np.array(vals, dtype=object).T, np.array(sizes, dtype=object).T)
    fine = at_twice_precision if fine_line is not None else None

    total, mags = [mp.mpf(0)] * ncomp, [mp.mpf(0)] * ncomp
    for a, b in zip(ends, ends[1:]):
        if b > a:
            vals, sizes = tanh_sinh(wrapped, a, b, ncomp, eps, B, fine=fine, singular=singular)
            total = [x + y for x, y in zip(total, vals)]
            mags = [x + y for x, y in zip(mags, sizes)]
    return total, mags
