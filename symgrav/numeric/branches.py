"""Zero-temperature band integrals near and up to the Fermi points, in gmpy2 mpfr.

:class:`Branch` represents one band near one Fermi point on one line by
Chebyshev series in t (energy, slope and the integrands of Eqs. (19a), (8a),
(B7a)).  From them the cumulative integrals S_g(E) - S_g(mu) and the
Fermi-surface density D_g(E) at shifted Fermi energies E = mu + T x_k follow
by root finding and integration of the series (used by
:func:`symgrav.numeric.window.window_average`).  :func:`zero_temperature`
gives alpha and M at T = 0 along a line.  All hot loops run in gmpy2 ``mpfr``
at the current mpmath precision.
"""

from __future__ import annotations

import gmpy2
import mpmath as mp

from .window import to_mpf, to_mpfr


def _cheb_coeffs(vals, cos_tab):
    """Coefficients c_k of sum_k c_k T_k(u) interpolating vals at u_j = cos(pi j/(n-1))."""
    n = len(vals)
    m = n - 1
    period = 2 * m
    half = [v / 2 for v in (vals[0], vals[-1])]
    out = []
    for k in range(n):
        s = half[0] + (half[1] if k % 2 == 0 else -half[1])
        for j in range(1, m):
            s += vals[j] * cos_tab[(j * k) % period]
        out.append(s * 2 / m)
    out[0] /= 2
    out[-1] /= 2
    return out


def _antiderivative(c):
    n = len(c)
    ext = list(c) + [gmpy2.mpfr(0), gmpy2.mpfr(0)]
    out = [gmpy2.mpfr(0)] * (n + 1)
    for k in range(1, n + 1):
        if k == 1:
            out[1] = ext[0] - ext[2] / 2
        else:
            out[k] = (ext[k - 1] - ext[k + 1]) / (2 * k)
    return out


def _clenshaw(c, u):
    b1 = b2 = gmpy2.mpfr(0)
    u2 = 2 * u
    for ck in reversed(c[1:]):
        b1, b2 = u2 * b1 - b2 + ck, b1
    return u * b1 - b2 + c[0]


def _clenshaw_float(c, u):
    b1 = b2 = 0.0
    u2 = 2 * u
    for ck in reversed(c[1:]):
        b1, b2 = u2 * b1 - b2 + ck, b1
    return u * b1 - b2 + c[0]


class BranchError(Exception):
    """A branch cannot be represented (not monotone, series not converged): use the graded path."""


class Branch:
    """One band near one Fermi point of a line, as Chebyshev series in t.

    On [t_a, t_b] (chosen so that xi = eps_n - mu covers [-reach, reach]) the
    series represent xi, d eps_n/dt, and the integrands t^p Omega_n,
    t^p Omega_n xi, t^p m_n of Eqs. (19a), (8a), (B7a) (p = the line's radial
    power).  Their degree is doubled until the last coefficients fall below
    ``tol`` relative to the largest one.  Raises :class:`BranchError` when the
    band is not monotone on the span or the series do not converge.

    Parameters
    ----------
    bd : BandData
        With :attr:`BandData.has_mpfr`.
    line : Line
    band : int
    t_f, slope : mpf
        Fermi point at mu and d eps/dt there (nonzero).
    mu, reach : mpf
        Chemical potential and the energy half-width to cover.
    lo, hi : mpf
        Allowed range of t on the line.
    tol : mpf
        Relative tolerance of the series.
    """

    def __init__(self, bd, line, band, t_f, slope, mu, reach, lo, hi, tol, max_nodes=129):
        self.sign = 1 if slope > 0 else -1
        self.weight = line.weight
        prec = mp.mp.prec
        self.prec = prec
        N, d = bd.nbands, bd.dim
        self._idx = (band, N + band * d, N + N * d + band, 2 * N + N * d + band)
        width = 1.3 * reach / abs(slope)
        for _ in range(6):
            ta, tb = max(lo, t_f - width), min(hi, t_f + width)
            with gmpy2.context(gmpy2.get_context(), precision=prec):
                self._mu = to_mpfr(mu)
                self._org = [to_mpfr(o) for o in line.origin]
                self._dir = [to_mpfr(mp.mpf(c)) for c in line.direction]
                self._power = line.power
                self.bd = bd
                self.mid, self.half = to_mpfr((ta + tb) / 2), to_mpfr((tb - ta) / 2)
                cover = self._build(to_mpfr(reach), to_mpfr(tol), max_nodes)
            if cover:
                break
            if ta == lo and tb == hi:
                raise BranchError("span limited by the line ends")
            width *= 2
        else:
            raise BranchError("the span does not cover the Fermi window")
        with gmpy2.context(gmpy2.get_context(), precision=prec):
            self.u_f = self.root(gmpy2.mpfr(0))
            self._base = [_clenshaw(c, self.u_f) for c in self._int]
            self._w = to_mpfr(self.weight)

    def _sample(self, u):
        t = self.mid + self.half * u
        vals = self.bd.at_mpfr([o + t * c for o, c in zip(self._org, self._dir)])
        ie, ig, io, im = self._idx
        xi = vals[ie] - self._mu
        slope = sum(vals[ig + j] * c for j, c in enumerate(self._dir))
        jac = t ** self._power if self._power else gmpy2.mpfr(1)
        om, mm = vals[io] * jac, vals[im] * jac
        out = (xi, slope, om, om * xi, mm)
        if not all(gmpy2.is_finite(v) for v in out):
            raise BranchError("singular band data on the span")
        return out

    def _build(self, reach, tol, max_nodes):
        m = 16
        pi = gmpy2.const_pi()
        cos_tab = [gmpy2.cos(pi * k / m) for k in range(2 * m)]
        samples = [self._sample(cos_tab[j]) for j in range(m + 1)]
        while True:
            slopes = [s[1] for s in samples]
            if not all(s * self.sign > 0 for s in slopes):
                raise BranchError("band not monotone on the span")
            series = [_cheb_coeffs([s[q] for s in samples], cos_tab) for q in range(5)]
            ok = True
            for c in series:
                big = max(abs(x) for x in c)
                if max(abs(c[-1]), abs(c[-2]), abs(c[-3])) > tol * big:
                    ok = False
            if ok:
                break
            if 2 * m + 1 > max_nodes:
                raise BranchError("Chebyshev series did not converge")
            m *= 2
            cos_tab = [gmpy2.cos(pi * k / m) for k in range(2 * m)]
            new = [self._sample(cos_tab[j]) for j in range(1, m, 2)]
            merged = []
            for j in range(m + 1):
                merged.append(samples[j // 2] if j % 2 == 0 else new[j // 2])
            samples = merged
        self._xi, self._slope, om, omx, mm = series
        self._m = mm
        self._int = [_antiderivative(c) for c in (om, omx, mm)]
        self._xi_f = [float(c) for c in self._xi]
        self._dxi_f = [float(c * self.half) for c in self._slope]
        lo_xi, hi_xi = samples[-1][0], samples[0][0]  # u = -1, u = +1
        if self.sign < 0:
            lo_xi, hi_xi = hi_xi, lo_xi
        return lo_xi <= -reach and hi_xi >= reach

    def root(self, y):
        """u in [-1, 1] with xi(u) = y (mpfr), by float then mpfr Newton steps."""
        yf = float(y)
        u = 0.0
        a, b = -1.0, 1.0
        for _ in range(60):
            fu = _clenshaw_float(self._xi_f, u) - yf
            if (fu > 0) == (self.sign > 0):
                b = u
            else:
                a = u
            du = _clenshaw_float(self._dxi_f, u)
            nu = u - fu / du if du else (a + b) / 2
            if not a <= nu <= b:
                nu = (a + b) / 2
            if abs(nu - u) < 1e-15:
                u = nu
                break
            u = nu
        u = gmpy2.mpfr(u)
        small = gmpy2.mpfr(2) ** (-(self.prec // 2 + 8))
        for _ in range(12):
            step = (_clenshaw(self._xi, u) - y) / (_clenshaw(self._slope, u) * self.half)
            u -= step
            if abs(step) < small:
                break
        else:
            raise BranchError("Newton iteration on the series did not converge")
        if abs(u) > 1:
            raise BranchError("Fermi point outside the span")
        return u

    def at(self, y):
        """(dS_Omega, dS_{Omega xi}, dS_m, D_m) at Fermi energy mu + y (mpfr in, mpfr out).

        dS_g = S_g(mu + y) - S_g(mu) of this branch; D_m = t^p m / |d eps/dt| at
        the shifted Fermi point (the Fermi-surface density entering Eq. B7a).
        """
        u = self.root(y)
        scale = self.half * self.sign * self._w
        out = [(_clenshaw(c, u) - b0) * scale for c, b0 in zip(self._int, self._base)]
        out.append(_clenshaw(self._m, u) * self._w / abs(_clenshaw(self._slope, u)))
        return out


def zero_temperature(bd, feats, mu, eps, degree=3):
    """alpha(mu, T=0) (19a) and M(mu, T=0) (8a, = Eq. 13 for insulators) along one line.

    The Fermi sea at T = 0: sum over occupied bands of t^p Omega_n and
    t^p (Omega_n (eps_n - mu) + m_n), integrated between the line start and
    the last Fermi point with the Fermi points as breakpoints
    (:func:`~symgrav.numeric.quadrature.integrate_pieces`); the integrand
    runs in gmpy2 mpfr.  Continuum rays only (``bd.has_mpfr`` required).

    Returns
    -------
    (mpf, mpf)
        The two integrals times the line weight.
    """
    from .quadrature import integrate_pieces
    line = feats.line
    if not feats.fermi:
        end = feats.hi
    else:
        end = max(t for t, _, _ in feats.fermi)
    pts = sorted({feats.lo, end} | {t for t, _, _ in feats.fermi})
    prec = mp.mp.prec
    N, d, power = bd.nbands, bd.dim, line.power
    with gmpy2.context(gmpy2.get_context(), precision=prec):
        org = [to_mpfr(o) for o in line.origin]
        drc = [to_mpfr(mp.mpf(c)) for c in line.direction]
        mu_fr = to_mpfr(mu)

    def integrand(tf):
        vals = bd.at_mpfr([o + tf * c for o, c in zip(org, drc)])
        if not all(gmpy2.is_finite(v) for v in vals):
            bd.at(line.point(to_mpf(tf)))  # raises the documented error
        a = m = gmpy2.mpfr(0)
        for n in range(N):
            xi = vals[n] - mu_fr
            if xi < 0:
                o = vals[N + N * d + n]
                a += o
                m += o * xi + vals[2 * N + N * d + n]
        if power:
            jac = tf ** power
            return [a * jac, m * jac]
        return [a, m]

    if len(pts) < 2 or pts[-1] == pts[0]:
        return mp.mpf(0), mp.mpf(0)
    a, m = integrate_pieces(integrand, pts, 2, eps, degree=degree, mpfr=True)
    return a * line.weight, m * line.weight
