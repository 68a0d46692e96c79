"""Lines of momentum space and where the physics is on them: band extrema and Fermi points.

A line is a radial ray p = t n (t >= 0) of a continuum model or a
Brillouin-zone line k = k0 + t e_x (t in [-pi, pi)) of a lattice model.  On
each line the band extrema and the Fermi points (roots of eps_n(t) = mu) are
located: a double-precision scan brackets them and the vectorized solvers of
:mod:`symgrav.numeric.roots` refine them at the working precision.  The
integrals of Eqs. (8a), (19a), (19b), (20), (B7a) along the line are split
there (:meth:`LineFeatures.breakpoints`) and graded geometrically towards
each Fermi point on the thermal scale T / |v_F|, so that steps and peaks of
width T are resolved at any T.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ..errors import SymgravError
from .roots import illinois, newton


class Line:
    """A line in momentum space with its measure.

    Parameters
    ----------
    origin, direction : tuple of mpf
        k(t) = origin + t * direction.
    weight : mpf
        Angular / transverse weight times the measure 1/(2 pi hbar)^d.
    power : int
        Radial Jacobian t**power (continuum rays); 0 for lattice lines.
    periodic : bool
        True for a lattice line t in [-pi, pi).
    """

    def __init__(self, origin, direction, weight, power=0, periodic=False):
        self.origin = tuple(mp.mpf(o) for o in origin)
        self.direction = tuple(mp.mpf(d) for d in direction)
        self.weight = mp.mpf(weight)
        self.power = int(power)
        self.periodic = bool(periodic)
        self.key = (self.origin, self.direction, self.power, self.periodic, self.weight)
        self._cache = {}

    def _consts(self, B):
        key = (B.name, B.prec)
        if key not in self._cache:
            with B.context():
                self._cache[key] = ([B.num(o) for o in self.origin],
                                    [B.num(d) for d in self.direction], B.num(self.weight))
        return self._cache[key]

    def points(self, B, t):
        """Momenta k(t) (list of dim backend arrays) at the backend array t."""
        org, drc, _ = self._consts(B)
        return [o + t * d for o, d in zip(org, drc)]

    def slope(self, B, grads):
        """d eps / dt = grad . direction, (N, P) from gradients (N, dim, P)."""
        _, drc, _ = self._consts(B)
        out = grads[:, 0, :] * drc[0]
        for j in range(1, len(drc)):
            out = out + grads[:, j, :] * drc[j]
        return out

    def backend_weight(self, B):
        """The line weight as a backend scalar."""
        return self._consts(B)[2]


def scan_points(line, t_hi):
    """Double-precision abscissae of the scan that brackets extrema and Fermi points."""
    if line.periodic:
        return np.linspace(-np.pi, np.pi, 513)
    lin = np.linspace(0.0, t_hi, 1025)
    geo = np.geomspace(t_hi * 1e-9, t_hi, 257)
    return np.unique(np.concatenate([lin, geo]))


def scan(bd, line, ts):
    """Band energies and slopes d eps/dt (N, S) in double precision at the abscissae ts."""
    K = [float(o) + ts * float(d) for o, d in zip(line.origin, line.direction)]
    eps, grads = bd.energies(K)
    slope = np.einsum("njq,j->nq", grads, np.array([float(d) for d in line.direction]))
    return eps, slope


_SCALE_MESSAGE = (
    "the bands vary on the momentum scale |p| ~ {t:.3g}: the integration assumes "
    "momenta of order 1 (scans and root tolerances are absolute there); express the "
    "model in units where hbar, the Fermi momentum and the energies are O(1) (for "
    "example hbar = m = alpha = 1) and convert the results with symgrav.units")


def radial_extent(bd, line, mu, margin):
    """Smallest t_hi (a power of two) beyond which every band lies above mu + margin.

    Raises
    ------
    SymgravError
        When some band stays below mu + margin out to |p| = 2^66 (the
        occupied states are unbounded), or when the model's momentum scale
        is far from 1 (e.g. SI numbers).
    """
    mu_f, margin_f = float(mu), float(margin)

    def beyond(ts):
        """For each t: every band above mu + margin and rising on [t, 8t]."""
        ts = np.asarray(ts, dtype=float)
        grid = (ts[:, None] * np.array([1.0, 2.0, 4.0, 8.0])).ravel()
        eps, slope = scan(bd, line, grid)
        eps = eps.reshape(eps.shape[0], len(ts), 4)
        slope = slope.reshape(eps.shape)
        ok = ((eps - mu_f > margin_f + 1e-12 * abs(mu_f)).all(axis=(0, 2))
              & (slope > 0).all(axis=(0, 2)) & (np.diff(eps, axis=2) > 0).all(axis=(0, 2)))
        return ok, eps

    t = 1.0
    for _ in range(64):
        ok, eps = beyond([t])
        eps = eps[:, 0, :]
        if ok[0]:
            if t == 1.0:
                small = beyond(2.0 ** -np.arange(1, 201))[0]
                t = 1.0 if small.all() else 2.0 ** -int(np.argmin(small))
                if t < 2.0 ** -20:
                    _check_momentum_scale(bd, line, mu_f, margin_f, t)
            if t >= 2.0 ** 40:
                raise SymgravError(_SCALE_MESSAGE.format(t=t))
            return mp.mpf(t)
        t *= 2
    # eps[:, -1] was sampled at 8 t of the last iteration, i.e. at 4 t now
    low = int(np.argmin(eps[:, -1]))
    raise SymgravError(
        f"band {low} does not rise above the chemical potential as |p| grows "
        f"(epsilon = {eps[low, -1]:.4g} at |p| = {4 * t:.3g}): the occupied states are "
        "unbounded, so the Fermi-sea integrals diverge")


def _check_momentum_scale(bd, line, mu_f, margin_f, t_hi):
    """Refuse models whose momentum scale is far from 1 (e.g. SI units).

    A tiny occupied region is physical near a band bottom; but when the
    bands already move by the model's energy scale within |p| < 2^-20, the
    model is written in units where the absolute tolerances are too coarse.
    """
    eps0, _ = scan(bd, line, np.array([0.0]))
    scale = max(abs(mu_f), float(np.max(np.abs(eps0))), margin_f)
    if scale == 0:
        return
    ts = t_hi * 2.0 ** np.arange(0, 80)
    ts = ts[ts <= 2.0 ** -20]
    eps, _ = scan(bd, line, ts)
    moved = np.max(np.abs(eps - eps0), axis=0) >= scale
    if np.any(moved):
        raise SymgravError(_SCALE_MESSAGE.format(t=float(ts[np.argmax(moved)])))


def band_values(bd, B, line, t, bands):
    """(eps_n(t), d eps_n/dt, Omega_n, m_n) for band ``bands[j]`` at ``t[j]`` (backend arrays)."""
    eps, grads, om, mm = bd.evaluate(B, line.points(B, t))
    cols = np.arange(len(t))
    slope = line.slope(B, grads)
    return eps[bands, cols], slope[bands, cols], om[bands, cols], mm[bands, cols]


class LineFeatures:
    """Band extrema and Fermi points of every band on one line, at a backend's precision.

    Attributes
    ----------
    lo, hi : backend scalars
        Integration range of t.
    fermi : list of (t, band, slope)
        Fermi points with the band index and d epsilon / dt there.
    extrema : list of (t, band, energy)
        Interior band extrema.
    emin : backend scalar
        Lowest band energy found on the line.
    """

    def __init__(self, bd, line, mu, margin, backend):
        B = backend
        self.line, self.backend = line, B
        tol = B.num(2) ** (-(B.prec - 10))
        if line.periodic:
            self.lo, self.hi = -B.num(mp.pi), B.num(mp.pi)
            t_hi = np.pi
        else:
            hi = radial_extent(bd, line, mu, margin)
            self.lo, self.hi = B.num(0), B.num(hi)
            t_hi = float(hi)
        ts = scan_points(line, t_hi)
        key = ("line features", line.key, t_hi, B.name, B.prec)
        if key not in bd.cache:
            if len(bd.cache) > 50000:
                bd.cache.clear()
            bd.cache[key] = self._per_band(bd, B, line, ts, tol)
        per_band = bd.cache[key]
        eps_scan = bd.cache[key + ("scan",)] if key + ("scan",) in bd.cache else None
        if eps_scan is None:
            eps_scan = scan(bd, line, ts)[0]
            bd.cache[key + ("scan",)] = eps_scan
        self.extrema, self.fermi = [], []
        emin = None
        brackets = []
        mu_f = float(mu)
        for n, (ends, evals) in enumerate(per_band):
            self.extrema += [(c, n, e) for c, (e, _) in zip(ends[1:-1], evals[1:-1])]
            vals = [(e - mu, sl) for e, sl in evals]
            low = min(e for e, _ in evals)
            emin = low if emin is None or low < emin else emin
            sg = eps_scan[n] - mu_f
            cross = np.nonzero(sg[:-1] * sg[1:] < 0)[0]
            for (a, (fa, sa)), (b, (fb, _)) in zip(zip(ends, vals), zip(ends[1:], vals[1:])):
                if fa == 0:
                    self.fermi.append((a, n, sa))
                if fa * fb < 0:
                    x0 = (a + b) / 2
                    af, bf = float(a), float(b)
                    for q in cross:
                        if af <= ts[q] and ts[q + 1] <= bf:
                            x0 = B.num(float(ts[q] - sg[q] * (ts[q + 1] - ts[q])
                                             / (sg[q + 1] - sg[q])))
                            break
                    brackets.append((a, b, fa, n, x0))
            if vals[-1][0] == 0 and not line.periodic:
                self.fermi.append((ends[-1], n, vals[-1][1]))
        if brackets:
            bands = np.array([x[3] for x in brackets])

            def fun(x, idx):
                e, sl, _, _ = band_values(bd, B, line, x, bands[idx])
                return e - mu, sl

            roots = newton(fun, B.pack([x[0] for x in brackets]),
                           B.pack([x[1] for x in brackets]), B.pack([x[2] for x in brackets]),
                           B.pack([x[4] for x in brackets]), tol)
            _, slopes, _, _ = band_values(bd, B, line, roots, bands)
            self.fermi += [(r, int(n), s) for r, n, s in zip(roots, bands, slopes)]
        self.emin = emin

    @staticmethod
    def _per_band(bd, B, line, ts, tol):
        """Per band: piece ends (line ends and interior extrema) and (energy, slope) there."""
        _, slope = scan(bd, line, ts)
        N = bd.nbands
        ends = [[] for _ in range(N)]
        brackets = []
        for n in range(N):
            s = slope[n]
            flat = np.nonzero(s[1:-1] == 0)[0] + 1
            ends[n] += [B.num(float(ts[q])) for q in flat]
            change = np.nonzero((s[:-1] * s[1:] < 0) & (s[:-1] != 0))[0]
            brackets += [(n, B.num(float(ts[q])), B.num(float(ts[q + 1]))) for q in change]
        if brackets:
            bands = np.array([b[0] for b in brackets])
            a = B.pack([b[1] for b in brackets])
            b = B.pack([b[2] for b in brackets])
            _, fa, _, _ = band_values(bd, B, line, a, bands)
            _, fb, _, _ = band_values(bd, B, line, b, bands)
            change = np.asarray(fa * fb < 0, dtype=bool)
            roots = np.array(np.where(np.asarray(abs(fa) < abs(fb), dtype=bool), a, b),
                             dtype=a.dtype)
            if np.any(change):
                idx = np.nonzero(change)[0]

                def fun(x, j):
                    return band_values(bd, B, line, x, bands[idx][j])[1]

                roots[idx] = illinois(fun, a[idx], b[idx], fa[idx], fb[idx], tol)
            for n, r in zip(bands, roots):
                ends[n].append(r)
        if line.periodic:
            lo, hi = -B.num(mp.pi), B.num(mp.pi)
        else:
            lo, hi = B.num(0), B.num(float(ts[-1]))
        out = []
        all_t, all_n = [], []
        for n in range(N):
            ends[n] = [lo] + sorted(ends[n]) + [hi]
            all_t += ends[n]
            all_n += [n] * len(ends[n])
        e, sl, _, _ = band_values(bd, B, line, B.pack(all_t), np.array(all_n))
        k = 0
        for n in range(N):
            m = len(ends[n])
            out.append((ends[n], list(zip(e[k:k + m], sl[k:k + m]))))
            k += m
        return out

    def breakpoints(self, T, mu, margin):
        """Split points for the line integral at temperature T (backend scalars).

        Fermi points always; band extrema only where their energy lies
        within the thermal window |eps - mu| < margin; at T > 0 points graded
        geometrically on the scale T / |v_F| out to the edge of the window.
        """
        pts = {self.lo, self.hi}
        pts.update(t for t, _, e in self.extrema if abs(e - mu) < margin)
        pts.update(t for t, _, _ in self.fermi)
        if T > 0:
            span = self.hi - self.lo
            for t, _, v in self.fermi:
                delta = T / abs(v) if v != 0 else T ** 0.5
                reach = min(span, 2 * margin / abs(v) if v != 0 else span)
                step = delta
                while step < reach:
                    for x in (t - step, t + step):
                        if self.lo < x < self.hi:
                            pts.add(x)
                    step *= 2
        return sorted(pts)
