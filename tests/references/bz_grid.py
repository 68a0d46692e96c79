"""Brillouin-zone reference for lattice models: numpy eigh on a periodic grid, typed by hand.

Independent of symgrav (nothing is imported from it).  A lattice model is given as numpy
callables H(kx, ky) -> (..., N, N) and its analytic derivatives dH/dkx, dH/dky, plus three
spin matrices.  On an n x n grid k_j = -pi + 2 pi j / n over [-pi, pi)^2 (the periodic
trapezoid rule, exponentially convergent for smooth periodic integrands) the measure
d^2k/(2 pi)^2 becomes the plain mean over the grid points.  With hbar = 1, V = U^+ dH/dk_i U
and S = U^+ s_a U in the eigenbasis (bands ascending),

    Omega_n = -2 sum_{m != n} Im(V_nm S_mn) / (e_n - e_m)^2         (Eq. 8b)
    m_n     =    sum_{m != n} Im(V_nm S_mn) / (e_n - e_m)           (Eq. 8c)

and a quantity with weights (w_Omega, w_m) is mean over k of sum_n [Omega_n w_Omega + m_n w_m].

:func:`converged` evaluates at n and 2n points per direction and raises
:class:`NotConverged` when the two differ by more than rtol times the size of the band
terms (mean of |Omega w_Omega| + |m w_m|).  Use it for metals at T >= 0.05 (the integrand is
analytic in a strip of width ~ pi T / v_F, so the rule converges like e^{-n pi T / v_F}) and
for insulators at any T (at T = 0 mu must lie in a gap: the step is then never on the grid).
:func:`chain_fermi_sea` does a 1D lattice model, also at T = 0 (Gauss-Legendre between
Fermi points found by bisection).
"""

from __future__ import annotations

import numpy as np

S0 = np.eye(2, dtype=complex)
SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]], dtype=complex)
SZ = np.array([[1, 0], [0, -1]], dtype=complex)
AXES = "xyz"


class NotConverged(ArithmeticError):
    """The grid values at n and 2n differ by more than the tolerance."""


def _pauli(c0, cx, cy, cz):
    """sum_a c_a sigma_a for broadcastable coefficient arrays -> (..., 2, 2)."""
    c = [np.asarray(x, dtype=float)[..., None, None] for x in (c0, cx, cy, cz)]
    return c[0] * S0 + c[1] * SX + c[2] * SY + c[3] * SZ


class LatticeInsulator:
    """symgrav/models/lattice_insulator.toml, typed by hand:

    H = t0 (cos kx + cos ky) + lam (sin ky sx - sin kx sy) + (M0 + t (cos kx + cos ky)) sz,
    s = sigma / 2.
    """

    def __init__(self, t0=0.2, lam=1.0, M0=2.0, t=0.5):
        self.t0, self.lam, self.M0, self.t = t0, lam, M0, t
        self.spin = (SX / 2, SY / 2, SZ / 2)

    def H(self, kx, ky):
        c = np.cos(kx) + np.cos(ky)
        return _pauli(self.t0 * c, self.lam * np.sin(ky), -self.lam * np.sin(kx),
                      self.M0 + self.t * c)

    def dH(self, kx, ky):
        """(dH/dkx, dH/dky)."""
        sx, sy = np.sin(kx), np.sin(ky)
        zero = np.zeros_like(sx * sy)
        return (_pauli(-self.t0 * sx, zero, -self.lam * np.cos(kx) + zero, -self.t * sx),
                _pauli(-self.t0 * sy, self.lam * np.cos(ky) + zero, zero, -self.t * sy))


class Lattice3D:
    """A three-dimensional two-band lattice metal, typed by hand (the model of tests/test_bz_grid.py):

    H = t0 c + lam (sin ky sx - sin kx sy) + (M0 + t c + u sin kz) sz,  c = cos kx + cos ky + cos kz,
    s = sigma / 2.  With M0 > 3 t + u the bands never touch.
    """

    dim = 3

    def __init__(self, t0=0.2, lam=1.0, M0=3.0, t=0.5, u=1 / 3):
        self.t0, self.lam, self.M0, self.t, self.u = t0, lam, M0, t, u
        self.spin = (SX / 2, SY / 2, SZ / 2)

    def H(self, kx, ky, kz):
        c = np.cos(kx) + np.cos(ky) + np.cos(kz)
        return _pauli(self.t0 * c, self.lam * np.sin(ky), -self.lam * np.sin(kx),
                      self.M0 + self.t * c + self.u * np.sin(kz))

    def dH(self, kx, ky, kz):
        """(dH/dkx, dH/dky, dH/dkz)."""
        sx, sy, sz = np.sin(kx), np.sin(ky), np.sin(kz)
        zero = np.zeros_like(sx * sy * sz)
        return (_pauli(-self.t0 * sx, zero, -self.lam * np.cos(kx) + zero, -self.t * sx),
                _pauli(-self.t0 * sy, self.lam * np.cos(ky) + zero, zero, -self.t * sy),
                _pauli(-self.t0 * sz, zero, zero, -self.t * sz + self.u * np.cos(kz)))


# -- geometry -----------------------------------------------------------------------------

def geometry(H, v, s):
    """(eps, Omega, m), each (..., N), of Hamiltonians H (..., N, N), velocity v, spin s."""
    eps, U = np.linalg.eigh(H)
    Uh = np.conj(np.swapaxes(U, -1, -2))
    V = Uh @ v @ U
    S = Uh @ s @ U
    Z = (V * np.swapaxes(S, -1, -2)).imag              # Z[n, m] = Im(V_nm S_mn)
    D = eps[..., :, None] - eps[..., None, :]          # e_n - e_m
    off = ~np.eye(eps.shape[-1], dtype=bool)
    Dsafe = np.where(off, D, 1.0)
    omega = -2 * np.sum(np.where(off, Z / Dsafe ** 2, 0.0), axis=-1)
    moment = np.sum(np.where(off, Z / Dsafe, 0.0), axis=-1)
    return eps, omega, moment


def grid_geometry(model, n, a="x", i="x"):
    """Band data on the n^d grid over [-pi, pi)^d (d = model.dim, 2 by default), (n^d, N).

    ``model.spin[a]`` is a matrix, or a callable of the momenta (k_x, k_y, ...) -> (..., N, N)
    for a momentum-dependent operator (a spin current).
    """
    d = getattr(model, "dim", 2)
    k = -np.pi + 2 * np.pi * np.arange(n) / n
    ks = [m.ravel() for m in np.meshgrid(*([k] * d), indexing="ij")]
    v = model.dH(*ks)[AXES.index(i)]
    s = model.spin[AXES.index(a)]
    return geometry(model.H(*ks), v, s(*ks) if callable(s) else s)


# -- occupations and weights -----------------------------------------------------------------

def occupation(xi, T, statistics="fermi"):
    """(f, G, df) arrays, stable for either sign of xi; T = 0: f = theta(-xi), G = -xi theta."""
    xi = np.asarray(xi, dtype=float)
    if statistics == "bose":
        if np.any(xi <= 0):
            raise ValueError("Bose statistics needs mu below every band")
        if T == 0:
            return (np.zeros_like(xi),) * 3
        x = xi / T
        f = 1 / np.expm1(x)
        # G = -T ln(1 - e^{-x}): log1p for large x, expm1 for small x (no cancellation)
        G = -T * np.where(x > 1, np.log1p(-np.exp(-x)), np.log(-np.expm1(-np.minimum(x, 1))))
        return f, G, -f * (1 + f) / T
    if statistics != "fermi":
        raise ValueError(f"unknown statistics {statistics!r}")
    if T == 0:
        occ = (xi < 0).astype(float)
        return occ, -xi * occ, np.zeros_like(xi)
    x = xi / T
    e = np.exp(-np.abs(x))
    s = e / (1 + e)
    L = T * np.log1p(e)
    below = x < 0
    return (np.where(below, 1 - s, s), np.where(below, L - xi, L),
            -e / (T * (1 + e) ** 2))


def builtin_weights(statistics="fermi"):
    """{name: (w_Omega, w_m)} of Eqs. (19a), (19b), (8a), (B7a), (20); None means 0.

    The weight of Eq. (20), xi f + G, is evaluated as L - xi s below the Fermi level
    (s = 1 - f = e/(1+e), L = T ln(1 + e), e = e^{-|xi|/T}): no cancellation.
    """
    def t_beta(xi, T, f, G, df):
        if T == 0:
            return np.zeros_like(xi)
        if statistics == "bose":
            return xi * f + G
        x = xi / T
        e = np.exp(-np.abs(x))
        s, L = e / (1 + e), T * np.log1p(e)
        return np.where(x < 0, L - xi * s, xi * s + L)

    return {
        "alpha": (lambda xi, T, f, G, df: f, None),
        "T_beta_kubo": (lambda xi, T, f, G, df: xi * f, lambda xi, T, f, G, df: f),
        "mqm": (lambda xi, T, f, G, df: -G, lambda xi, T, f, G, df: f),
        "mqm_aux": (lambda xi, T, f, G, df: xi * f, lambda xi, T, f, G, df: f + xi * df),
        "T_beta": (t_beta, None),
    }


# -- integrals --------------------------------------------------------------------------------

def band_sums(geom, mu, T, weights, statistics="fermi", node_weights=None):
    """{name: (value, magnitude)}: sum over states of the weights with node weights (mean)."""
    eps, omega, moment = geom
    xi = eps - mu
    f, G, df = occupation(xi, T, statistics)
    nw = np.full(eps.shape[0], 1 / eps.shape[0]) if node_weights is None else node_weights
    out = {}
    for name, (wo, wm) in weights.items():
        a = omega * wo(xi, T, f, G, df) if wo is not None else np.zeros_like(xi)
        c = moment * wm(xi, T, f, G, df) if wm is not None else np.zeros_like(xi)
        out[name] = (float(np.sum(nw * np.sum(a + c, axis=-1))),
                     float(np.sum(nw * np.sum(np.abs(a) + np.abs(c), axis=-1))))
    return out


def fermi_sea(model, mu, T, weights, n, statistics="fermi", a="x", i="x"):
    """{name: value} on the n x n grid (no convergence check; see :func:`converged`)."""
    geom = grid_geometry(model, n, a, i)
    return {k: v[0] for k, v in band_sums(geom, mu, T, weights, statistics).items()}


def converged(model, mu, T, weights, n=64, rtol=1e-12, statistics="fermi", a="x", i="x",
              gap_margin=0.05):
    """({name: value at n}, {name: value at 2n}); raises NotConverged if they differ.

    The tolerance is rtol times the size of the band terms (the mean of
    |Omega w_Omega| + |m w_m|, at least the |value|): the absolute accuracy any quantity,
    cancelling or not, can have in double precision.  At T = 0 mu must lie at least
    gap_margin inside a gap (the step is never resolved by a grid).
    """
    out = []
    for nn in (n, 2 * n):
        geom = grid_geometry(model, nn, a, i)
        if T == 0 and np.min(np.abs(geom[0] - mu)) < gap_margin:
            raise ValueError(f"T = 0 and mu = {mu} is not inside a gap: a grid cannot resolve "
                             "the Fermi surface (use T >= 0.05)")
        out.append(band_sums(geom, mu, T, weights, statistics))
    lo, hi = out
    for name in weights:
        diff = abs(lo[name][0] - hi[name][0])
        scale = max(hi[name][1], abs(hi[name][0]))
        if diff > rtol * scale:
            raise NotConverged(f"{name}: grid {n} -> {2 * n} changed by {diff:.3e} "
                               f"(> {rtol:g} x {scale:.3e}) at mu = {mu}, T = {T}")
    return ({k: v[0] for k, v in lo.items()}, {k: v[0] for k, v in hi.items()})


# -- 1D lattice models ------------------------------------------------------------------------

def chain_H(k):
    """H(k) of the two-band chain used by the tests: cos k / 5 + sin k sx + (2 + cos k / 2) sz."""
    c, s = np.cos(k), np.sin(k)
    return _pauli(c / 5, 0 * k, s, 2 + c / 2)


def chain_dH(k):
    """dH/dk of :func:`chain_H`."""
    c, s = np.cos(k), np.sin(k)
    return _pauli(-s / 5, 0 * k, c, -s / 2)


def chain_fermi_sea(H, dH, s, mu, T, weights, statistics="fermi", panels=16, order=48):
    """{name: value} of a 1D lattice model, int_{-pi}^{pi} dk/(2 pi) sum_n [...].

    H(k), dH(k) -> (..., N, N) numpy callables, s the spin matrix.  The line is split at the
    Fermi points of every band (sign changes on a 4096-point scan, refined by bisection to
    machine precision) and, for T > 0, where a band crosses mu +- T (1/4, 1, 4, 16, 64);
    each piece is cut into ``panels`` equal panels with an ``order``-point Gauss-Legendre
    rule.  Raises NotConverged unless the result with twice the panels agrees to 1e-13.
    """
    scan = np.linspace(-np.pi, np.pi, 4097)
    e_scan = np.linalg.eigvalsh(H(scan))
    cuts = {-np.pi, np.pi}
    grade = (0.25, 1, 4, 16, 64)
    levels = [mu] + ([] if T == 0 else [mu + s * c * T for c in grade for s in (-1, 1)])
    for band in range(e_scan.shape[1]):
        for level in levels:
            g = e_scan[:, band] - level
            for j in np.nonzero(np.sign(g[:-1]) * np.sign(g[1:]) < 0)[0]:
                lo, hi = scan[j], scan[j + 1]
                for _ in range(80):
                    mid = 0.5 * (lo + hi)
                    if (np.linalg.eigvalsh(H(np.array([mid])))[0, band] - level) * g[j] > 0:
                        lo = mid
                    else:
                        hi = mid
                cuts.add(0.5 * (lo + hi))
    cuts = np.array(sorted(cuts))
    x, w = np.polynomial.legendre.leggauss(order)

    def run(npan):
        nodes, wts = [], []
        for a0, b0 in zip(cuts[:-1], cuts[1:]):
            edges = np.linspace(a0, b0, npan + 1)
            for a1, b1 in zip(edges[:-1], edges[1:]):
                nodes.append(0.5 * (b1 - a1) * x + 0.5 * (a1 + b1))
                wts.append(0.5 * (b1 - a1) * w / (2 * np.pi))
        k, nw = np.concatenate(nodes), np.concatenate(wts)
        return band_sums(geometry(H(k), dH(k), s), mu, T, weights, statistics, nw)

    one, two = run(panels), run(2 * panels)
    for name in weights:
        if abs(one[name][0] - two[name][0]) > 1e-13 * max(two[name][1], 1e-300):
            raise NotConverged(f"{name}: chain quadrature did not converge")
    return {k: v[0] for k, v in two.items()}


# -- 2D lattice models at T = 0 with mu at a critical energy -----------------------------------

def tangencies(model, mu, nky=1025, nkx=1025):
    """ky in (-pi, pi) where the number of Fermi points on the line ky = const changes.

    The count comes from sign changes of every band minus mu on an nkx-point kx scan; each
    change between two ky of an nky-point scan is bisected to machine precision.  (A line
    through a saddle point at mu does not change the count: give those ky by hand.)
    """
    kx = np.linspace(-np.pi, np.pi, nkx)

    def count(ky):
        e = np.linalg.eigvalsh(model.H(kx, ky + 0 * kx)) - mu
        return tuple(int(c) for c in np.sum(e[:-1] * e[1:] < 0, axis=0))
    kys = np.linspace(-np.pi, np.pi, nky)
    counts = [count(k) for k in kys]
    found = []
    for j in range(nky - 1):
        if counts[j] != counts[j + 1]:
            lo, hi = kys[j], kys[j + 1]
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                if count(mid) == counts[j]:
                    lo = mid
                else:
                    hi = mid
            found.append(0.5 * (lo + hi))
    return found


def family_fermi_sea(model, mu, T, weights, kinks, levels=10, ratio=0.2, order=10,
                     panels=4, statistics="fermi", a="x", i="x"):
    """{name: value} of a 2D lattice model as int dky/(2 pi) of :func:`chain_fermi_sea` lines.

    For mu at a critical energy (a saddle point of a band: van Hove), where the line
    integral F(ky) over kx is not analytic at the ky of the lines through the saddles and
    of the lines tangent to the Fermi surface (:func:`tangencies`), which a grid or the
    periodic trapezoid rule converges to only algebraically.  ``kinks``: the ky in
    [-pi, pi] where F is not smooth (both -pi and pi for a saddle on the zone edge).  Each
    interval between kinks is halved and each half graded geometrically towards its kink
    (panel ends at the kink + (half width) ratio^j, j <= ``levels``, and one panel down to
    the kink), with an ``order``-point Gauss-Legendre rule per panel; each line is a
    :func:`chain_fermi_sea` with ``panels`` panels (checked against twice as many).
    """
    ax, ai = AXES.index(a), AXES.index(i)
    kinks = sorted(set(kinks))
    x, w = np.polynomial.legendre.leggauss(order)
    nodes, wts = [], []
    for k0, k1 in zip(kinks[:-1], kinks[1:]):
        mid = 0.5 * (k0 + k1)
        for kink, end in ((k0, mid), (k1, mid)):
            half = end - kink
            edges = [kink] + [kink + half * ratio ** j for j in range(levels, -1, -1)]
            for e0, e1 in zip(edges[:-1], edges[1:]):
                nodes.append(0.5 * (e1 - e0) * x + 0.5 * (e0 + e1))
                wts.append(0.5 * abs(e1 - e0) * w / (2 * np.pi))
    total = {name: 0.0 for name in weights}
    for ky, wy in zip(np.concatenate(nodes), np.concatenate(wts)):
        line = chain_fermi_sea(lambda k: model.H(k, ky + 0 * k),
                               lambda k: model.dH(k, ky + 0 * k)[ai], model.spin[ax],
                               mu, T, weights, statistics, panels=panels, order=24)
        for name in weights:
            total[name] += wy * line[name]
    return total


def family_fermi_surface(model, mu, kinks, order=40, nkx=1025, a="x", i="x"):
    """d alpha / d mu at T = 0 (Eq. E1) of a 2D lattice model: int d^2k/(2 pi)^2 Omega delta.

    Each line ky = const: the Fermi points of every band from sign changes on an nkx-point kx
    scan, refined by Brent's method on the band energy, each contributing
    Omega_n / |d eps_n / d kx| (the slope by Hellmann-Feynman, <n| dH/dkx |n>).  Between
    neighbouring ``kinks`` (the ky of lines tangent to the Fermi surface, where the line sum
    has inverse-square-root singularities) ky = k0 + (k1 - k0)(1 - cos theta) / 2 removes
    them, and theta in [0, pi] takes an ``order``-point Gauss-Legendre rule.
    """
    from scipy.optimize import brentq

    ax, ai = AXES.index(a), AXES.index(i)
    kx = np.linspace(-np.pi, np.pi, nkx)
    x, w = np.polynomial.legendre.leggauss(order)

    def line(ky):
        total = 0.0
        e = np.linalg.eigvalsh(model.H(kx, ky + 0 * kx)) - mu          # (nkx, N)
        for n in range(e.shape[1]):
            for j in np.nonzero(e[:-1, n] * e[1:, n] < 0)[0]:
                kf = brentq(lambda k: np.linalg.eigvalsh(model.H(np.array([k]), np.array([ky])))[0, n]
                            - mu, kx[j], kx[j + 1], xtol=1e-15, rtol=1e-15)
                kf_, ky_ = np.array([kf]), np.array([ky])
                H = model.H(kf_, ky_)
                v = model.dH(kf_, ky_)
                _, U = np.linalg.eigh(H)
                slope = np.real(np.conj(U[0, :, n]) @ v[0][0] @ U[0, :, n])
                _, om, _ = geometry(H, v[ai], model.spin[ax])
                total += om[0, n] / abs(slope)
        return total

    kinks = sorted(set(kinks))
    value = 0.0
    for k0, k1 in zip(kinks[:-1], kinks[1:]):
        theta = np.pi * (x + 1) / 2
        for th, wt in zip(theta, w):
            ky = k0 + (k1 - k0) * (1 - np.cos(th)) / 2
            value += wt * np.pi / 2 * (k1 - k0) * np.sin(th) / 2 * line(ky)
    return value / (2 * np.pi) ** 2
