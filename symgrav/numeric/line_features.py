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

    def constants(self, B):
        """(origin, direction, weight) as backend scalars (memoized per backend)."""
        key = (B.name, B.prec)
        if key not in self._cache:
            with B.context():
                self._cache[key] = ([B.num(o) for o in self.origin],
                                    [B.num(d) for d in self.direction], B.num(self.weight))
        return self._cache[key]

    def points(self, B, t):
        """Momenta k(t) (list of dim backend arrays) at the backend array t."""
        org, drc, _ = self.constants(B)
        return [o + t * d for o, d in zip(org, drc)]

    def slope(self, B, grads):
        """d eps / dt = grad . direction, (N, P) from gradients (N, dim, P)."""
        _, drc, _ = self.constants(B)
        out = grads[:, 0, :] * drc[0]
        for j in range(1, len(drc)):
            out = out + grads[:, j, :] * drc[j]
        return out

    def backend_weight(self, B):
        """The line weight as a backend scalar."""
        return self.constants(B)[2]


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


def band_slopes(bd, B, line, t, bands):
    """(eps_n(t), d eps_n/dt) for band ``bands[j]`` at ``t[j]``: :func:`band_values` without
    Omega and m (band data without closed forms skip the sums over states in double precision)."""
    if B.name == "float64" and not getattr(bd, "closed_form", True):
        eps, grads = bd.energies(line.points(B, t))
        cols = np.arange(len(t))
        return eps[bands, cols], line.slope(B, grads)[bands, cols]
    return band_values(bd, B, line, t, bands)[:2]


class LineBatch:
    """Points on several lines at once, each with its line's origin and direction.

    Has :meth:`Line.points` and :meth:`Line.slope` with one origin and
    direction per point, so that :func:`band_values` evaluates the points
    of many lines in one call of the band data.

    Parameters
    ----------
    origins, directions : lists of ``dim`` backend arrays (one entry per point)
    """

    def __init__(self, origins, directions):
        self._org, self._drc = list(origins), list(directions)

    @classmethod
    def of(cls, B, lines, which):
        """The batch whose point j lies on ``lines[which[j]]``."""
        consts = [line.constants(B) for line in lines]
        dim = len(consts[0][0])
        return cls([B.pack([consts[w][0][j] for w in which]) for j in range(dim)],
                   [B.pack([consts[w][1][j] for w in which]) for j in range(dim)])

    def subset(self, idx):
        """The batch of the points ``idx``."""
        return LineBatch([o[idx] for o in self._org], [d[idx] for d in self._drc])

    def points(self, B, t):
        """Momenta (list of dim backend arrays) at the backend array t (one t per point)."""
        return [o + t * d for o, d in zip(self._org, self._drc)]

    def slope(self, B, grads):
        """d eps / dt, (N, P), as :meth:`Line.slope`."""
        out = grads[:, 0, :] * self._drc[0]
        for j in range(1, len(self._drc)):
            out = out + grads[:, j, :] * self._drc[j]
        return out


#: most k-points x bands^2 in one double-precision scan of several lines
SCAN_BATCH = 2 ** 18


def scan_lines(bd, lines, ts_list, slopes=True):
    """:func:`scan` of several lines (each with its abscissae), in as few calls as fit in memory.

    With ``slopes=False`` the slopes are None (band energies only, cheaper).
    """
    out, k = [], 0
    while k < len(lines):
        j, npts = k, 0
        while j < len(lines) and (j == k or (npts + len(ts_list[j])) * bd.nbands ** 2
                                  <= SCAN_BATCH):
            npts += len(ts_list[j])
            j += 1
        dim = len(lines[k].origin)
        K = [np.concatenate([float(line.origin[c]) + ts * float(line.direction[c])
                             for line, ts in zip(lines[k:j], ts_list[k:j])]) for c in range(dim)]
        eps, grads = bd.energies(K, gradients=slopes)
        q = 0
        for line, ts in zip(lines[k:j], ts_list[k:j]):
            out.append((eps[:, q:q + len(ts)], None if not slopes else np.einsum(
                "njq,j->nq", grads[:, :, q:q + len(ts)],
                np.array([float(d) for d in line.direction]))))
            q += len(ts)
        k = j
    return out


def _extent(bd, line, mu, margin):
    """Integration range of t on ``line`` as floats' upper end t_hi (pi for a BZ line)."""
    return np.pi if line.periodic else float(radial_extent(bd, line, mu, margin))


def _per_band(bd, B, lines, ts_list, tol):
    """Per line and band: piece ends (line ends and interior extrema) and (energy, slope) there.

    Also the double-precision scan energies of every line.  The extrema of
    all lines are refined together (one band-data call per iteration).
    """
    scans = scan_lines(bd, lines, ts_list)
    N = bd.nbands
    ends = [[[] for _ in range(N)] for _ in lines]
    brackets = []
    for ln, ((_, slope), ts) in enumerate(zip(scans, ts_list)):
        for n in range(N):
            s = slope[n]
            flat = np.nonzero(s[1:-1] == 0)[0] + 1
            ends[ln][n] += [B.num(float(ts[q])) for q in flat]
            change = np.nonzero((s[:-1] * s[1:] < 0) & (s[:-1] != 0))[0]
            brackets += [(ln, n, B.num(float(ts[q])), B.num(float(ts[q + 1]))) for q in change]
    if brackets:
        which = np.array([b[0] for b in brackets])
        bands = np.array([b[1] for b in brackets])
        a = B.pack([b[2] for b in brackets])
        b = B.pack([b[3] for b in brackets])
        batch = LineBatch.of(B, lines, np.concatenate([which, which]))
        _, fab = band_slopes(bd, B, batch, np.concatenate([a, b]), np.concatenate([bands, bands]))
        fa, fb = fab[:len(a)], fab[len(a):]
        change = np.asarray(fa * fb < 0, dtype=bool)
        roots = np.array(np.where(np.asarray(abs(fa) < abs(fb), dtype=bool), a, b),
                         dtype=a.dtype)
        if np.any(change):
            idx = np.nonzero(change)[0]
            sub = batch.subset(idx)

            def fun(x, j):
                return band_slopes(bd, B, sub.subset(j), x, bands[idx][j])[1]

            roots[idx] = illinois(fun, a[idx], b[idx], fa[idx], fb[idx], tol)
        for ln, n, r in zip(which, bands, roots):
            ends[ln][n].append(r)
    all_t, all_n, all_l = [], [], []
    for ln, (line, ts) in enumerate(zip(lines, ts_list)):
        if line.periodic:
            lo, hi = -B.num(mp.pi), B.num(mp.pi)
        else:
            lo, hi = B.num(0), B.num(float(ts[-1]))
        for n in range(N):
            ends[ln][n] = [lo] + sorted(ends[ln][n]) + [hi]
            all_t += ends[ln][n]
            all_n += [n] * len(ends[ln][n])
            all_l += [ln] * len(ends[ln][n])
    e, sl = band_slopes(bd, B, LineBatch.of(B, lines, all_l), B.pack(all_t), np.array(all_n))
    out, k = [], 0
    for ln in range(len(lines)):
        per = []
        for n in range(N):
            m = len(ends[ln][n])
            per.append((ends[ln][n], list(zip(e[k:k + m], sl[k:k + m]))))
            k += m
        out.append((per, scans[ln][0]))
    return out


def _features(bd, B, lines, mu, margin):
    """(lo, hi, extrema, fermi, emin) of every line at mu, Fermi points refined together."""
    tol = B.num(2) ** (-(B.prec - 10))
    t_his = [_extent(bd, line, mu, margin) for line in lines]
    ts_list = [scan_points(line, t_hi) for line, t_hi in zip(lines, t_his)]
    keys = [("line features", line.key, t_hi, B.name, B.prec) for line, t_hi in zip(lines, t_his)]
    if len(bd.cache) > 50000:
        bd.cache.clear()
    todo = [j for j, key in enumerate(keys) if key not in bd.cache]
    if todo:
        for j, item in zip(todo, _per_band(bd, B, [lines[j] for j in todo],
                                           [ts_list[j] for j in todo], tol)):
            bd.cache[keys[j]] = item
    mu_f = float(mu)
    out, brackets = [], []
    for ln, (line, key, ts) in enumerate(zip(lines, keys, ts_list)):
        per_band, eps_scan = bd.cache[key]
        extrema, fermi, emin, wrap = [], [], None, []
        for n, (ends, evals) in enumerate(per_band):
            extrema += [(c, n, e) for c, (e, _) in zip(ends[1:-1], evals[1:-1])]
            e0, s0 = evals[0]
            if line.periodic and abs(s0) <= B.num(2) ** (-(B.prec // 2)) * (1 + abs(e0)):
                wrap.append((n, e0))
            vals = [(e - mu, sl) for e, sl in evals]
            low = min(e for e, _ in evals)
            emin = low if emin is None or low < emin else emin
            sg = eps_scan[n] - mu_f
            cross = np.nonzero(sg[:-1] * sg[1:] < 0)[0]
            for (a, (fa, sa)), (b, (fb, _)) in zip(zip(ends, vals), zip(ends[1:], vals[1:])):
                if fa == 0:
                    fermi.append((a, n, sa))
                if fa * fb < 0:
                    x0 = (a + b) / 2
                    af, bf = float(a), float(b)
                    for q in cross:
                        if af <= ts[q] and ts[q + 1] <= bf:
                            x0 = B.num(float(ts[q] - sg[q] * (ts[q + 1] - ts[q])
                                             / (sg[q + 1] - sg[q])))
                            break
                    brackets.append((a, b, fa, n, x0, ln))
            if vals[-1][0] == 0 and not line.periodic:
                fermi.append((ends[-1], n, vals[-1][1]))
        if line.periodic:
            lo, hi = -B.num(mp.pi), B.num(mp.pi)
        else:
            lo, hi = B.num(0), B.num(t_his[ln])
        out.append((lo, hi, extrema, fermi, emin, wrap))
    if brackets:
        bands = np.array([x[3] for x in brackets])
        batch = LineBatch.of(B, lines, [x[5] for x in brackets])

        def fun(x, idx):
            e, sl = band_slopes(bd, B, batch.subset(idx), x, bands[idx])
            return e - mu, sl

        roots = newton(fun, B.pack([x[0] for x in brackets]),
                       B.pack([x[1] for x in brackets]), B.pack([x[2] for x in brackets]),
                       B.pack([x[4] for x in brackets]), tol)
        _, slopes = band_slopes(bd, B, batch, roots, bands)
        for r, n, s, x in zip(roots, bands, slopes, brackets):
            out[x[5]][3].append((r, int(n), s))
    return out


def _features_key(B, line, mu, margin):
    """Cache key of a line's features (a Brillouin-zone line's do not depend on the margin)."""
    return ("features", line.key, B.name, B.prec, mu, None if line.periodic else margin)


def prepare_lines(bd, B, lines, mu, margin):
    """Compute the features of many lines at once (vectorized), for :class:`LineFeatures`.

    The band extrema and Fermi points of all ``lines`` are located together
    (one band-data call per scan or root iteration instead of one per line);
    :class:`LineFeatures` of any of these lines at the same (mu, margin,
    backend) then takes them from the band data's cache.
    """
    keys = [_features_key(B, line, mu, margin) for line in lines]
    todo = [j for j, key in enumerate(keys) if key not in bd.cache]
    if todo:
        for j, feats in zip(todo, _features(bd, B, [lines[j] for j in todo], mu, margin)):
            bd.cache[keys[j]] = feats


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
    wrap : list of (band, energy)
        Bands stationary at the point t = -pi = pi where a Brillouin-zone line
        wraps (an extremum there is not interior, so not in ``extrema``).

    Notes
    -----
    Lines prepared together by :func:`prepare_lines` are taken from the
    cache; otherwise the line is done alone (the same code).
    """

    def __init__(self, bd, line, mu, margin, backend):
        B = backend
        self.line, self.backend = line, B
        got = bd.cache.get(_features_key(B, line, mu, margin))
        if got is None:
            got = _features(bd, B, [line], mu, margin)[0]
        self.lo, self.hi, extrema, fermi, self.emin, wrap = got
        self.extrema, self.fermi, self.wrap = list(extrema), list(fermi), list(wrap)

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
