"""Vector-valued quadrature at arbitrary precision.

All susceptibilities share one integrand evaluation (band energies and
geometry at a momentum), so the rules here integrate a *vector* of
components at once: a globally adaptive Gauss-Legendre rule for pieces of a
line, and a periodic trapezoid rule (exponentially convergent for smooth
periodic integrands, as over a Brillouin zone) with node doubling.

Nodes are computed by mpmath's Gauss-Legendre rule and cached by
(degree, precision), as in mpmath.calculus.quadrature.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath as mp
from mpmath.calculus.quadrature import GaussLegendre

from ..errors import SymgravError


@lru_cache(maxsize=32)
def _gl_nodes(degree, prec):
    return tuple(GaussLegendre(mp.mp).calc_nodes(degree, prec))


def _gl(fun, a, b, degree, ncomp):
    prec = mp.mp.prec
    half = (b - a) / 2
    mid = (b + a) / 2
    acc = [mp.mpf(0)] * ncomp
    for x, w in _gl_nodes(degree, prec):
        vals = fun(mid + half * x)
        for k in range(ncomp):
            acc[k] += w * vals[k]
    return [half * v for v in acc]


@lru_cache(maxsize=32)
def _gl_nodes_mpfr(degree, prec):
    import gmpy2
    from .window import to_mpfr
    with gmpy2.context(gmpy2.get_context(), precision=prec):
        return tuple((to_mpfr(x), to_mpfr(w)) for x, w in _gl_nodes(degree, prec))


def _gl_mpfr(fun, a, b, degree, ncomp):
    """:func:`_gl` for an integrand on gmpy2 mpfr (t and values mpfr); result in mpf."""
    import gmpy2
    from .window import to_mpf, to_mpfr
    prec = mp.mp.prec
    with gmpy2.context(gmpy2.get_context(), precision=prec):
        a, b = to_mpfr(a), to_mpfr(b)
        half = (b - a) / 2
        mid = (b + a) / 2
        acc = [gmpy2.mpfr(0)] * ncomp
        for x, w in _gl_nodes_mpfr(degree, prec):
            vals = fun(mid + half * x)
            for k in range(ncomp):
                acc[k] += w * vals[k]
        return [to_mpf(half * v) for v in acc]


def _error_estimate(value, diff):
    """Error of the finer Gauss-Legendre rule from the difference of two rules.

    Once the rules agree to better than 1e-3 relative to the piece itself,
    the error falls like rho^(-2n): doubling the nodes squares the relative
    error, so the finer rule's error is about |value| (diff/|value|)^2 (1.8
    for a safety margin).  Before that, the difference itself is the estimate.
    """
    size = abs(value)
    if size == 0 or diff >= size / 1000:
        return diff
    return size * (diff / size) ** mp.mpf(1.8)


def integrate_pieces(fun, breakpoints, ncomp, eps, degree=3, max_pieces=4000, mpfr=False):
    """Integrate a vector function over consecutive breakpoints, adaptively.

    Each piece is integrated with Gauss-Legendre rules of 3*2^(degree-1) and
    3*2^degree nodes.  Their relative difference d estimates the error of the
    finer rule as about d^2 once d is small (exponential convergence doubles
    the digits when the nodes double; see :func:`_error_estimate`).  Pieces
    whose estimate exceeds ``eps`` times the sum of absolute piece values of
    that component over the line (shared among the pieces) are bisected until
    every component meets it.

    Parameters
    ----------
    fun : callable
        ``fun(t) -> sequence of ncomp mpf``.
    breakpoints : sequence of mpf
        Sorted interval ends; the integrand should be smooth between them.
    ncomp : int
    eps : mpf
        Relative tolerance per component.
    mpfr : bool
        When True, ``fun`` takes and returns gmpy2 mpfr numbers and the
        Gauss-Legendre sums run in mpfr at the current precision (the
        adaptive bookkeeping stays in mpf).

    Returns
    -------
    list of mpf
        The integrals of the ncomp components.

    Raises
    ------
    SymgravError
        When the tolerance is not met within ``max_pieces`` pieces.
    """
    pts = sorted(set(breakpoints))
    todo = [(pts[k], pts[k + 1]) for k in range(len(pts) - 1) if pts[k + 1] > pts[k]]
    done = []  # (a, b, value, err)
    rule = _gl_mpfr if mpfr else _gl
    while True:
        for a, b in todo:
            lo = rule(fun, a, b, degree, ncomp)
            hi = rule(fun, a, b, degree + 1, ncomp)
            done.append((a, b, hi, [abs(h - l) for h, l in zip(hi, lo)]))
        scale = [sum(abs(p[2][k]) for p in done) for k in range(ncomp)]
        tiny = mp.mpf(2) ** (-2 * mp.mp.prec)
        npieces = len(done)
        floor = [max(s * eps / mp.sqrt(npieces), tiny) for s in scale]
        bad, keep = [], []
        for piece in done:
            a, b, val, err = piece
            if any(_error_estimate(val[k], err[k]) > floor[k] for k in range(ncomp)):
                bad.append(piece)
            else:
                keep.append(piece)
        if not bad:
            break
        if npieces + len(bad) > max_pieces:
            raise SymgravError(
                "adaptive quadrature did not reach the requested precision "
                f"({len(bad)} pieces still inaccurate after {npieces}); the integrand "
                "may be singular (degenerate bands?) or the precision too high")
        todo = []
        for a, b, _, _ in bad:
            m = (a + b) / 2
            todo += [(a, m), (m, b)]
        done = keep
    return [sum(p[2][k] for p in done) for k in range(ncomp)]


def _trapezoid_converged(d, d0, size, eps, tiny):
    """Stopping rule of :func:`periodic_trapezoid` for one component.

    d = |T_2n - T_n| ~ err(n) and d0 = |T_n - T_n/2| ~ err(n/2).  The error
    of the trapezoid rule falls like rho^-n, so err(2n) ~ err(n) rho^-n and
    rho^-n/2 ~ d / d0: the measured rate predicts err(2n) ~ d (d/d0)^2.
    Accept when that (times a safety factor 100, and only in the geometric
    regime d <= d0/8) is below eps * size, or, as before, when
    (d/size)^1.8 <= eps (err(2n) ~ err(n)^2, mpmath's tanh-sinh estimate).
    """
    if d <= max(size * eps ** (1 / mp.mpf(1.8)), tiny):
        return True
    if d0 is None or d0 == 0 or d > d0 / 8:
        return False
    return 100 * d * (d / d0) ** 2 <= eps * size


def periodic_trapezoid(fun, ncomp, eps, n0=16, max_nodes=2 ** 14, period=None):
    """Integrate a smooth periodic vector function over one period [-pi, pi).

    The trapezoid rule converges exponentially for analytic periodic
    integrands.  Nodes are doubled (reusing the old ones) until the error of
    the finest rule, predicted from the last two differences at the measured
    rate of convergence (:func:`_trapezoid_converged`), is below ``eps``
    relative to the size (integral of the absolute value) of each component.

    Raises
    ------
    SymgravError
        When ``max_nodes`` nodes do not reach the tolerance.
    """
    period = mp.mpf(2) * mp.pi if period is None else period
    start = -period / 2
    n = n0
    sums = [mp.mpf(0)] * ncomp
    mags = [mp.mpf(0)] * ncomp

    def add(t):
        vals = fun(t)
        for k in range(ncomp):
            sums[k] += vals[k]
            mags[k] += abs(vals[k])

    for j in range(n):
        add(start + period * j / n)
    prev = [s * period / n for s in sums]
    last_diff = None
    tiny = mp.mpf(2) ** (-2 * mp.mp.prec)
    noise = mp.mpf(2) ** (-(mp.mp.prec + 56))
    while n < max_nodes:
        for j in range(n):
            add(start + period * (2 * j + 1) / (2 * n))
        n *= 2
        cur = [s * period / n for s in sums]
        size = [m * period / n for m in mags]
        diff = [abs(c - p) for c, p in zip(cur, prev)]
        # a component made only of the 2^-(prec+64) tails of the occupation
        # factors beyond the exact-step cutoff is rounding noise, not smooth:
        # it counts as converged below that level relative to the largest one
        floor = max(tiny, max(size) * noise)
        if n >= 32 and all(_trapezoid_converged(d, d0, sz, eps, floor)
                           for d, d0, sz in zip(diff, last_diff or [None] * ncomp, size)):
            return cur
        prev, last_diff = cur, diff
    raise SymgravError(
        f"periodic trapezoid rule did not converge with {max_nodes} nodes; the "
        "integrand is not smooth (a Fermi surface on a lattice at low T?)")
