"""One band near one Fermi point, as Chebyshev series: the zero-temperature functions of App. E.

:class:`Branch` represents band n near its Fermi point t_F on one line by
Chebyshev series in t of xi = eps_n - mu, of d eps_n / dt, and of the
integrands g xi^l t^p (g = Omega_n of Eq. 8b or m_n of Eq. 8c, l = 0..L,
p the line's radial power).  From them follow, at shifted Fermi energies
E = mu + y (the nodes of the Fermi-window rule), by root finding and
integration of the series:

    I_gl(y) = sum over the branch of int g xi^l [theta(y - xi) - theta(-xi)] t^p dt,
    D_g(y)  = g t^p / |d eps / dt|  at xi = y   (the Fermi-surface density).

These are the pieces of the Fermi-window route
(:mod:`symgrav.numeric.window_route`).  Works in any backend; the hot loops
run on backend scalars (gmpy2 mpfr at high precision).
"""

from __future__ import annotations

from functools import lru_cache

import mpmath as mp
import numpy as np


class BranchError(Exception):
    """A branch cannot be represented (not monotone, series not converged): use another route."""


@lru_cache(maxsize=64)
def _cos_table(B, m):
    """cos(pi k / m), k < 2m, as backend scalars (cached per backend and m)."""
    return _cosines(B, m)


def _cosines(B, m):
    with B.context():
        return tuple(B.num(mp.cos(mp.pi * k / m)) for k in range(2 * m))


@lru_cache(maxsize=64)
def _cheb_matrix(B, m):
    """M with c = M @ values: Chebyshev coefficients from values at u_j = cos(pi j/m)."""
    return _interpolation_matrix(B, m)


def _interpolation_matrix(B, m):
    tab = _cos_table(B, m)
    dtype = float if B.name == "float64" else object
    M = np.empty((m + 1, m + 1), dtype=dtype)
    ends, inner = B.rational(1, m), B.rational(2, m)
    for k in range(m + 1):
        for j in range(m + 1):
            M[k, j] = (ends if j in (0, m) else inner) * tab[(j * k) % (2 * m)]
    M[0, :] = M[0, :] / 2
    M[m, :] = M[m, :] / 2
    return M


def _cheb_coeffs(rows, B):
    """Coefficients c_k of sum_k c_k T_k(u) interpolating each row at u_j = cos(pi j/(n-1))."""
    m = len(rows[0]) - 1
    dtype = float if B.name == "float64" else object
    V = np.array(rows, dtype=dtype).T
    return list((_cheb_matrix(B, m) @ V).T)


def _antiderivative(c, zero):
    n = len(c)
    ext = list(c) + [zero, zero]
    out = [zero] * (n + 1)
    for k in range(1, n + 1):
        out[k] = ext[0] - ext[2] / 2 if k == 1 else (ext[k - 1] - ext[k + 1]) / (2 * k)
    return out


def _clenshaw(c, u, zero):
    b1 = b2 = zero
    u2 = 2 * u
    for ck in reversed(c[1:]):
        b1, b2 = u2 * b1 - b2 + ck, b1
    return u * b1 - b2 + c[0]


class Branch:
    """One band near one Fermi point of a line, as Chebyshev series in t.

    On [t_a, t_b] (chosen so that xi = eps_n - mu covers [-reach, reach])
    the series represent xi, d eps_n/dt and g xi^l t^p (module docstring).
    Their degree is doubled until the last coefficients fall below ``tol``
    relative to the largest one.

    Parameters
    ----------
    bd : BandData
    B : Backend
    line : Line
    band : int
    t_f, slope : backend scalars
        Fermi point at mu and d eps/dt there (nonzero).
    mu, reach : backend scalars
        Chemical potential and the energy half-width to cover.
    lo, hi : backend scalars
        Allowed range of t on the line.
    tol : backend scalar
        Relative tolerance of the series.
    series : list of (g, l)
        The integrands g xi^l t^p to represent (g = 0: Omega, 1: m).
    densities : list of int
        The densities D_g to provide.

    Raises
    ------
    BranchError
        When the band is not monotone on the span or the series do not converge.
    """

    def __init__(self, bd, B, line, band, t_f, slope, mu, reach, lo, hi, tol, series,
                 densities, max_nodes=129):
        self.B, self.bd, self.line, self.band = B, bd, line, band
        self.sign = 1 if slope > 0 else -1
        self.series, self.densities = list(series), list(densities)
        self.zero = B.num(0)
        self._mu = mu
        width = B.num("1.3") * reach / abs(slope)
        for _ in range(6):
            ta, tb = max(lo, t_f - width), min(hi, t_f + width)
            self.mid, self.half = (ta + tb) / 2, (tb - ta) / 2
            if self._build(reach, tol, max_nodes):
                break
            if ta == lo and tb == hi:
                raise BranchError("span limited by the line ends")
            width *= 2
        else:
            raise BranchError("the span does not cover the Fermi window")
        self.u_f = self.root(self.zero)
        self._base = [_clenshaw(c, self.u_f, self.zero) for c in self._int]
        self._w = line.backend_weight(B)

    def _sample(self, us):
        """Series values at the abscissae u (list): xi, slope, then g xi^l t^p."""
        B = self.B
        t = self.mid + self.half * B.pack(us)
        eps, grads, om, mm = self.bd.evaluate(B, self.line.points(B, t))
        n = self.band
        xi = eps[n] - self._mu
        slope = self.line.slope(B, grads)[n]
        jac = t ** self.line.power if self.line.power else np.ones(len(us), dtype=object)
        g = (om[n] * jac, mm[n] * jac)
        rows = [xi, slope] + [g[k] * xi ** l if l else g[k] for k, l in self.series] + \
            [g[k] for k in self.densities]
        return [list(r) for r in rows]

    def _build(self, reach, tol, max_nodes):
        B = self.B
        m = 16
        cos_tab = _cos_table(B, m)
        samples = self._sample([cos_tab[j] for j in range(m + 1)])
        while True:
            if not all(s * self.sign > 0 for s in samples[1]):
                raise BranchError("band not monotone on the span")
            series = [list(c) for c in _cheb_coeffs(samples, B)]
            if all(max(abs(c[-1]), abs(c[-2]), abs(c[-3])) <= tol * max(abs(x) for x in c)
                   for c in series):
                break
            if 2 * m + 1 > max_nodes:
                raise BranchError("Chebyshev series did not converge")
            m *= 2
            cos_tab = _cos_table(B, m)
            new = self._sample([cos_tab[j] for j in range(1, m, 2)])
            samples = [[old[j // 2] if j % 2 == 0 else fresh[j // 2] for j in range(m + 1)]
                       for old, fresh in zip(samples, new)]
        self._xi, self._slope = series[0], series[1]
        count = len(self.series)
        self._density = series[2 + count:]
        self._int = [_antiderivative(c, self.zero) for c in series[2:2 + count]]
        self._xi_f = [float(c) for c in self._xi]
        self._dxi_f = [float(c * self.half) for c in self._slope]
        lo_xi, hi_xi = samples[0][-1], samples[0][0]  # u = -1, u = +1
        if self.sign < 0:
            lo_xi, hi_xi = hi_xi, lo_xi
        return lo_xi <= -reach and hi_xi >= reach

    def root(self, y):
        """u in [-1, 1] with xi(u) = y, by double-precision then working-precision Newton steps."""
        yf = float(y)
        u, a, b = 0.0, -1.0, 1.0
        for _ in range(60):
            fu = _clenshaw(self._xi_f, u, 0.0) - yf
            if (fu > 0) == (self.sign > 0):
                b = u
            else:
                a = u
            du = _clenshaw(self._dxi_f, u, 0.0)
            nu = u - fu / du if du else (a + b) / 2
            if not a <= nu <= b:
                nu = (a + b) / 2
            if abs(nu - u) < 1e-15:
                u = nu
                break
            u = nu
        B = self.B
        u = B.num(u)
        small = B.num(2) ** (-(B.prec // 2 + 8))
        for _ in range(12):
            step = (_clenshaw(self._xi, u, self.zero) - y) / \
                (_clenshaw(self._slope, u, self.zero) * self.half)
            u -= step
            if abs(step) < small:
                break
        else:
            raise BranchError("Newton iteration on the series did not converge")
        if abs(u) > 1:
            raise BranchError("Fermi point outside the span")
        return u

    def at(self, y):
        """[I_gl(y) for (g, l) in series] + [D_g(y) for g in densities].

        Backend scalars, each times the line weight (module docstring).
        """
        u = self.root(y)
        z = self.zero
        scale = self.half * self.sign * self._w
        out = [(_clenshaw(c, u, z) - b0) * scale for c, b0 in zip(self._int, self._base)]
        speed = abs(_clenshaw(self._slope, u, z))
        out += [_clenshaw(c, u, z) * self._w / speed for c in self._density]
        return out
