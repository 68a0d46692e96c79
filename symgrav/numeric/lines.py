"""Integration along one line of momentum space, split where the physics is.

A line is a radial ray p = t * n (t >= 0) of a continuum model or a
Brillouin-zone line k = k0 + t * e_x (t in [-pi, pi)) of a lattice model.
On each line the band extrema and the Fermi points (roots of
epsilon_n(t) = mu) are located: a double-precision scan brackets them and a
safeguarded Newton / Illinois iteration refines them at the working
precision.  The line integral is then split at these points, with pieces
graded geometrically towards each Fermi point on the thermal scale T/|v_F|,
so that steps and peaks of width T are resolved at any T.
"""

from __future__ import annotations

import gmpy2
import mpmath as mp
import numpy as np

from ..errors import SymgravError

#: number of components integrated together: alpha, T beta~, M, M~, T beta
NCOMP = 5


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
        self.origin = tuple(origin)
        self.direction = tuple(direction)
        self.weight = weight
        self.power = power
        self.periodic = periodic

    def point(self, t):
        return tuple(o + t * d for o, d in zip(self.origin, self.direction))


def _slope(grad, direction):
    return sum(g * d for g, d in zip(grad, direction))


def _scan_points(line, t_hi):
    if line.periodic:
        return np.linspace(-np.pi, np.pi, 513)
    lin = np.linspace(0.0, t_hi, 1025)
    geo = np.geomspace(t_hi * 1e-9, t_hi, 257)
    return np.unique(np.concatenate([lin, geo]))


def _np_bands(bd, line, ts):
    K = [float(o) + ts * float(d) for o, d in zip(line.origin, line.direction)]
    with np.errstate(all="ignore"):
        eps, grads = bd.energies_np(K)
    slope = np.einsum("njq,j->nq", grads, np.array([float(d) for d in line.direction]))
    return eps, slope


def radial_extent(bd, line, mu, margin):
    """Smallest t_hi (a power of two) beyond which every band lies above mu + margin.

    Raises
    ------
    SymgravError
        When some band stays below mu + margin out to |p| ~ 1e18: the
        occupied band is unbounded (below, or never rises above mu).
    """
    mu_f, margin_f = float(mu), float(margin)

    def beyond(ts):
        """For each t: every band above mu + margin and rising on [t, 8t]."""
        ts = np.asarray(ts, dtype=float)
        grid = (ts[:, None] * np.array([1.0, 2.0, 4.0, 8.0])).ravel()
        eps, slope = _np_bands(bd, line, grid)
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
                t = _shrink(beyond)
                if t < 2.0 ** -20:
                    _check_momentum_scale(bd, line, mu_f, margin_f, t)
            if t >= 2.0 ** 40:
                raise SymgravError(_SCALE_MESSAGE.format(t=t))
            return mp.mpf(t)
        t *= 2
    low = int(np.argmin(eps[:, -1]))
    raise SymgravError(
        f"band {low} does not rise above the chemical potential as |p| grows "
        f"(epsilon = {eps[low, -1]:.4g} at |p| = {t:.3g}): the occupied states are "
        "unbounded, so the Fermi-sea integrals diverge")


_SCALE_MESSAGE = (
    "the bands vary on the momentum scale |p| ~ {t:.3g}: the integration assumes "
    "momenta of order 1 (scans and root tolerances are absolute there); express the "
    "model in units where hbar, the Fermi momentum and the energies are O(1) (for "
    "example hbar = m = alpha = 1) and convert the results with symgrav.units")


def _shrink(beyond):
    """Smallest t = 2^-m (m <= 200) with every band above mu + margin beyond t, ..., 1.

    Returns 1.0 when that holds all the way down to 2^-200 (nothing occupied
    on the ray).  ``beyond`` is evaluated on all 200 candidates in one call.
    """
    ok = beyond(2.0 ** -np.arange(1, 201))[0]
    if ok.all():
        return 1.0
    return 2.0 ** -int(np.argmin(ok))  # the leading run of True has this length


def _check_momentum_scale(bd, line, mu_f, margin_f, t_hi):
    """Refuse models whose momentum scale is far from 1 (e.g. SI units).

    A tiny occupied region is physical near a band bottom (mu just above
    it); but when the bands already move by the model's energy scale
    (|mu|, |epsilon_n(0)|, the thermal margin) within |p| < 2^-20, the model
    is written in units where the absolute tolerances of the scans and root
    searches are too coarse.
    """
    eps0, _ = _np_bands(bd, line, np.array([0.0]))
    scale = max(abs(mu_f), float(np.max(np.abs(eps0))), margin_f)
    if scale == 0:
        return
    ts = t_hi * 2.0 ** np.arange(0, 80)
    ts = ts[ts <= 2.0 ** -20]
    eps, _ = _np_bands(bd, line, ts)
    moved = np.max(np.abs(eps - eps0), axis=0) >= scale
    if np.any(moved):
        raise SymgravError(_SCALE_MESSAGE.format(t=float(ts[np.argmax(moved)])))


def _newton_root(fun, a, b, fa, fb, tol, x0=None):
    """Root of fun in [a, b] with fa, fb of opposite sign; fun(t) -> (value, slope).

    Safeguarded Newton from x0 (default: the midpoint), bisecting whenever a
    step leaves the bracket.
    """
    x = x0 if x0 is not None and a < x0 < b else (a + b) / 2
    for _ in range(200):
        fx, dx = fun(x)
        if fx == 0:
            return x
        if (fx < 0) == (fa < 0):
            a, fa = x, fx
        else:
            b, fb = x, fx
        nx = x - fx / dx if dx != 0 else None
        if nx is not None and abs(nx - x) <= tol * (1 + abs(nx)):
            return nx  # converged (the step may round onto a bracket end)
        if nx is None or not a < nx < b:
            nx = (a + b) / 2
        if abs(nx - x) <= tol * (1 + abs(nx)) or b - a <= tol * (1 + abs(x)):
            return nx
        x = nx
    return x


def _illinois(fun, a, b, fa, fb, tol):
    """Root of a scalar function bracketed in [a, b] (Illinois false position)."""
    side = 0
    for _ in range(400):
        c = (a * fb - b * fa) / (fb - fa)
        fc = fun(c)
        if fc == 0 or abs(b - a) <= tol * (1 + abs(c)):
            return c
        if (fc < 0) == (fb < 0):
            b, fb = c, fc
            if side == -1:
                fa /= 2
            side = -1
        else:
            a, fa = c, fc
            if side == 1:
                fb /= 2
            side = 1
    return (a + b) / 2


class LineFeatures:
    """Band extrema and Fermi points of every band on one line.

    Attributes
    ----------
    lo, hi : mpf
        Integration range of t.
    fermi : list of (t, band, slope)
        Fermi points with the band index and d epsilon / dt there.
    extrema : list of (t, band, energy)
        Interior band extrema.
    emin : mpf
        Lowest band energy found on the line.
    """

    def __init__(self, bd, line, mu, margin):
        self.line = line
        tol = mp.mpf(10) ** (-(mp.mp.dps - 3))
        if line.periodic:
            self.lo, self.hi = -mp.pi, mp.pi
        else:
            self.lo = mp.mpf(0)
            self.hi = radial_extent(bd, line, mu, margin)
        ts = _scan_points(line, float(self.hi))
        eps_np, slope_np = _np_bands(bd, line, ts)

        def t_mp(q):
            if q == len(ts) - 1:
                return mp.pi if line.periodic else self.hi
            if q == 0 and line.periodic:
                return -mp.pi
            return mp.mpf(float(ts[q]))

        def energy(n, t):
            e, g, _, _ = bd.at(line.point(t))
            return e[n] - mu, _slope(g[n], line.direction)

        # band extrema (and the energies at the piece ends) do not depend on
        # mu: cached on the band data per line, range and precision
        cache = bd.__dict__.setdefault("_extrema_cache", {})
        key = (line.origin, line.direction, self.hi, mp.mp.prec)
        if key not in cache:
            if len(cache) > 50000:
                cache.clear()
            cache[key] = self._extrema(bd, line, ts, slope_np, t_mp, energy, tol)
        per_band = cache[key]
        self.extrema, self.fermi = [], []
        emin = mp.inf
        mu_f = float(mu)
        for n, (ends, evals) in enumerate(per_band):
            self.extrema += [(c, n, e) for c, (e, _) in zip(ends[1:-1], evals[1:-1])]
            vals = [(e - mu, sl) for e, sl in evals]
            emin = min([emin] + [e for e, _ in evals])
            sg = eps_np[n] - mu_f
            cross = np.nonzero(sg[:-1] * sg[1:] < 0)[0]
            for (a, (fa, sa)), (b, (fb, _)) in zip(zip(ends, vals), zip(ends[1:], vals[1:])):
                if fa == 0:
                    self.fermi.append((a, n, sa))
                if fa * fb < 0:
                    x0 = None
                    fa_f, fb_f = float(a), float(b)
                    for q in cross:
                        if fa_f <= ts[q] and ts[q + 1] <= fb_f:
                            x0 = mp.mpf(float(ts[q] - sg[q] * (ts[q + 1] - ts[q]) / (sg[q + 1] - sg[q])))
                            break
                    r = _newton_root(lambda t: energy(n, t), a, b, fa, fb, tol, x0)
                    self.fermi.append((r, n, energy(n, r)[1]))
            if vals[-1][0] == 0 and not line.periodic:
                self.fermi.append((ends[-1], n, vals[-1][1]))
        self.emin = emin

    @staticmethod
    def _extrema(bd, line, ts, slope_np, t_mp, energy, tol):
        """Per band: piece ends (line ends and interior extrema) and (energy, slope) there."""
        out = []
        for n in range(bd.nbands):
            ends = [t_mp(0)]
            s = slope_np[n]
            for q in range(len(ts) - 1):
                if s[q] == 0 and 0 < q:
                    ends.append(t_mp(q))
                elif s[q] * s[q + 1] < 0:
                    a, b = t_mp(q), t_mp(q + 1)
                    fa, fb = energy(n, a)[1], energy(n, b)[1]
                    if fa * fb < 0:
                        c = _illinois(lambda t: energy(n, t)[1], a, b, fa, fb, tol)
                    else:
                        c = a if abs(fa) < abs(fb) else b
                    ends.append(c)
            ends.append(t_mp(len(ts) - 1))
            evals = []
            for t in ends:
                e, g, _, _ = bd.at(line.point(t))
                evals.append((e[n], _slope(g[n], line.direction)))  # absolute energy
            out.append((ends, evals))
        return out

    def breakpoints(self, T, mu, margin):
        """Split points for the line integral at temperature T.

        Fermi points always; band extrema only where their energy lies within
        the thermal window |epsilon - mu| < margin, where the occupation
        varies on the scale sqrt(T) around them.
        """
        pts = {self.lo, self.hi}
        pts.update(t for t, _, e in self.extrema if abs(e - mu) < margin)
        fermi = sorted(t for t, _, _ in self.fermi)
        pts.update(fermi)
        if T > 0:
            for t, _, v in self.fermi:
                delta = T / abs(v) if v != 0 else mp.sqrt(T)
                # grade geometrically out to the edge of the thermal window
                # (|xi| = margin); beyond it the weights are exact steps
                reach = min(self.hi - self.lo, 2 * margin / abs(v) if v != 0 else self.hi - self.lo)
                step = delta
                while step < reach:
                    for x in (t - step, t + step):
                        if self.lo < x < self.hi:
                            pts.add(x)
                    step *= 2
        return sorted(pts)


def _fermi_steps_mpfr(xi, T):
    """:func:`~symgrav.numeric.statistics.fermi_weights` at T = 0, in mpfr."""
    zero = gmpy2.mpfr(0)
    if xi < 0:
        return gmpy2.mpfr(1), -xi, zero, zero
    if xi > 0:
        return zero, zero, zero, zero
    return gmpy2.mpfr(0.5), zero, zero, zero


def _mpfr_integrand(bd, line, mu, T, weights):
    """The integrand of :func:`line_integral` on gmpy2 mpfr t (None when unavailable)."""
    from .statistics import bose_weights, bose_weights_mpfr, fermi_weights, fermi_weights_mpfr
    from .window import to_mpf, to_mpfr
    if not bd.has_mpfr or (T == 0 and weights is not fermi_weights):
        return None
    if T == 0:
        wfr = _fermi_steps_mpfr
    elif weights is fermi_weights:
        wfr = fermi_weights_mpfr
    elif weights is bose_weights:
        wfr = bose_weights_mpfr
    else:
        return None
    prec = mp.mp.prec
    with gmpy2.context(gmpy2.get_context(), precision=prec):
        org = [to_mpfr(o) for o in line.origin]
        drc = [to_mpfr(mp.mpf(d)) for d in line.direction]
        mu_fr, T_fr = to_mpfr(mu), to_mpfr(T)
    N, d, power = bd.nbands, bd.dim, line.power

    def integrand(tf):
        vals = bd.at_mpfr([o + tf * c for o, c in zip(org, drc)])
        if not all(gmpy2.is_finite(v) for v in vals):
            bd.at(line.point(to_mpf(tf)))  # raises the documented error
        zero = gmpy2.mpfr(0)
        a = k = mq = ma = tb = zero
        for n in range(N):
            xi = vals[n] - mu_fr
            f, G, w, xfp = wfr(xi, T_fr)
            o, m = vals[N + N * d + n], vals[2 * N + N * d + n]
            of = o * f
            a += of
            k += of * xi + m * f
            mq += m * f - o * G
            ma += of * xi + m * (f + xfp)
            tb += o * w
        if power:
            jac = tf ** power
            return [a * jac, k * jac, mq * jac, ma * jac, tb * jac]
        return [a, k, mq, ma, tb]
    return integrand


def line_integral(bd, feats, mu, T, weights, eps, margin):
    """The five Fermi-sea integrals along one line (times the line weight).

    Components: alpha (19a), T beta~ (19b), M (8a), M~ (B7a), T beta (20),
    each summed over bands.  The integrand runs in gmpy2 ``mpfr`` when the
    band data have a gmpy2 form (:attr:`BandData.has_mpfr`; Bose statistics
    at T > 0 only).
    """
    line = feats.line
    power = line.power

    def integrand(t):
        e, _, om, mm = bd.at(line.point(t))
        out = [mp.mpf(0)] * NCOMP
        for n in range(len(e)):
            xi = e[n] - mu
            f, G, w, xfp = weights(xi, T)
            o, m = om[n], mm[n]
            out[0] += o * f
            out[1] += (o * xi + m) * f
            out[2] += -o * G + m * f
            out[3] += o * xi * f + m * (f + xfp)
            out[4] += o * w
        if power:
            jac = t ** power
            out = [v * jac for v in out]
        return out

    fast = _mpfr_integrand(bd, line, mu, T, weights)
    pts = feats.breakpoints(T, mu, margin)
    # trapezoid where the line has no Fermi point and no band extremum within 20 T
    # of mu: such an extremum gives a bump of width ~sqrt(T) along the line,
    # farther ones leave the integrand analytic in a strip of width ~sqrt(20 T)
    near = T > 0 and any(abs(e - mu) <= 20 * T for _, _, e in feats.extrema)
    periodic = line.periodic and (len(pts) == 2 or (T > 0 and not feats.fermi and not near))
    if periodic:
        # no Fermi point: the integrand is smooth and periodic along the line
        from .quadrature import periodic_trapezoid
        if fast is not None:
            from .window import to_mpf, to_mpfr
            prec = mp.mp.prec

            def on_mpf(t):  # the gmpy2 integrand, called with mpf
                with gmpy2.context(gmpy2.get_context(), precision=prec):
                    return [to_mpf(v) for v in fast(to_mpfr(t))]
            vals = periodic_trapezoid(on_mpf, NCOMP, eps)
        else:
            vals = periodic_trapezoid(integrand, NCOMP, eps)
    else:
        from .quadrature import integrate_pieces
        if fast is not None:
            vals = integrate_pieces(fast, pts, NCOMP, eps, mpfr=True)
        else:
            vals = integrate_pieces(integrand, pts, NCOMP, eps)
    return [v * line.weight for v in vals]


def fermi_surface_sum(bd, feats):
    """Sum over the Fermi points of a line of t^power Omega_n / |d epsilon_n/dt| (Eq. E1).

    Returns mp.inf when a Fermi point has zero velocity (a band extremum at
    the chemical potential, where d alpha/d mu diverges).
    """
    total = mp.mpf(0)
    line = feats.line
    for t, n, slope in feats.fermi:
        _, _, om, _ = bd.at(line.point(t))
        if slope != 0:
            jac = t ** line.power if line.power else 1
            total += jac * om[n] / abs(slope)
        elif t == 0 and not line.periodic and line.power >= 1:
            # band edge at p = 0 exactly at mu: alpha0 has a kink there; the
            # Sommerfeld expansion (E2) sees the mean of the one-sided slopes,
            # i.e. half of lim p Omega / |eps'| = Omega(0) / |eps''(0)| in 2D
            # (the 3D limit p^2 Omega / |eps'| vanishes)
            if line.power == 1:
                h = mp.mpf(2) ** (-mp.mp.prec // 3)
                _, g, _, _ = bd.at(line.point(h))
                curvature = abs(_slope(g[n], line.direction)) / h
                total += om[n] / curvature / 2
        else:
            return mp.inf  # d alpha / d mu diverges (van Hove point at mu)
    return total * line.weight
