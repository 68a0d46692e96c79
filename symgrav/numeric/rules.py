"""Vector quadrature rules, written once for every backend of :mod:`symgrav.numeric.arith`.

Every quantity integrated together shares one integrand evaluation (the band
data at a momentum), so the rules here integrate a *vector* of components,
and they call the integrand with an *array* of abscissae at once (one numpy
call per batch in double precision; one call over an object array at high
precision).  An integrand is ``fun(t) -> (values, sizes)`` with ``t`` a
backend array of P points and ``values``, ``sizes`` of shape (ncomp, P):
``sizes`` are the sums of the magnitudes of the terms that make up each
value, whose integral times a few units of rounding is the floor below which
a component is rounding noise (bands that cancel each other, tails of the
occupation factors).

* :func:`integrate_pieces`: globally adaptive Gauss-Legendre on the pieces
  between breakpoints (Fermi points, band extrema), bisecting until every
  component meets the tolerance;
* :func:`periodic_trapezoid`: the trapezoid rule over one period with node
  doubling (exponentially convergent for smooth periodic integrands, as over
  a Brillouin zone);
* :func:`symgrav.numeric.tanh_sinh.tanh_sinh` (its own module): the tanh-sinh
  rule with step halving (exponentially convergent with algebraic endpoint
  singularities).

Gauss-Legendre nodes come from mpmath and are cached by (degree, precision),
as in mpmath.calculus.quadrature.  No equation of the paper is implemented
here; these integrate those of Eqs. (8a), (19a), (19b), (20), (B7a), (E1).
"""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath as mp
import numpy as np
from mpmath.calculus.quadrature import GaussLegendre

from ..errors import SymgravError

#: rounding units of the band terms below which a component counts as converged
NOISE_UNITS = 64
#: digits that double precision stands for in the rounding checks (its tolerance is 1e-13)
DOUBLE_DIGITS = 12


@lru_cache(maxsize=64)
def _gl_mpf(degree, prec):
    with mp.workprec(prec + 20):
        return tuple(GaussLegendre(mp.mp).calc_nodes(degree, prec + 20))


@lru_cache(maxsize=64)
def gauss_legendre(backend, degree):
    """Nodes and weights (backend arrays) of mpmath's Gauss-Legendre rule of this degree on [-1, 1].

    ``degree`` d gives 3 * 2^(d-1) nodes.
    """
    return _nodes_in(backend, degree)


def _nodes_in(backend, degree):
    with backend.context():
        nodes = _gl_mpf(degree, backend.prec)
        return backend.array([x for x, _ in nodes]), backend.array([w for _, w in nodes])


def _error_estimate(value, diff):
    """Error of the finer Gauss-Legendre rule from the difference of two rules (float arrays).

    Once the rules agree to better than 1e-3 relative to the piece itself,
    the error falls like rho^(-2n): doubling the nodes squares the relative
    error, so the finer rule's error is about |value| (diff/|value|)^2 (1.8
    for a safety margin).  Before that, the difference itself is the estimate.
    (Error bookkeeping runs in double precision: only the exponent range
    matters for it; the integrals themselves stay in the backend's numbers.)
    """
    size = np.abs(value)
    with np.errstate(divide="ignore", invalid="ignore"):
        refined = size * (diff / size) ** 1.8
    return np.where((size == 0) | (diff >= size / 1000), diff, refined)


def integrate_pieces(fun, breakpoints, ncomp, eps, backend, degree=3, max_pieces=4000):
    """Integrate a vector function over consecutive breakpoints, adaptively.

    Each piece is integrated with Gauss-Legendre rules of 3*2^(degree-1) and
    3*2^degree nodes; their difference estimates the error of the finer rule
    (:func:`_error_estimate`).  Pieces whose estimate exceeds ``eps`` times
    the sum of absolute piece values of that component over the whole range
    (shared among the pieces), and the rounding floor, are bisected until
    every component meets it.  All pieces of a round are evaluated in one
    call of ``fun``.

    Parameters
    ----------
    fun : callable
        ``fun(t) -> (values, sizes)``, see the module docstring.
    breakpoints : sequence of backend scalars
        Sorted interval ends; the integrand should be smooth between them.
    ncomp : int
    eps : float or backend scalar
        Relative tolerance per component.
    backend : Backend

    Returns
    -------
    values, sizes : lists of backend scalars
        The integrals of the components and of their sizes.

    Raises
    ------
    SymgravError
        When the tolerance is not met within ``max_pieces`` pieces.
    """
    B = backend
    pts = sorted(set(breakpoints))
    todo = [(pts[k], pts[k + 1]) for k in range(len(pts) - 1) if pts[k + 1] > pts[k]]
    lo_x, lo_w = gauss_legendre(B, degree)
    hi_x, hi_w = gauss_legendre(B, degree + 1)
    xs = np.concatenate([lo_x, hi_x])
    nl, nh = len(lo_x), len(hi_x)
    noise = NOISE_UNITS * 2.0 ** -B.prec
    tiny = 2.0 ** (-2 * B.prec)
    eps = float(eps)
    dtype = float if B.name == "float64" else object
    values, errors, sizes, ends = [], [], [], []   # per piece: backend values, float arrays
    while True:
        if todo:
            a = np.array([p[0] for p in todo], dtype=dtype)
            b = np.array([p[1] for p in todo], dtype=dtype)
            half, mid = (b - a) / 2, (b + a) / 2
            t = (mid[:, None] + half[:, None] * xs[None, :]).reshape(-1)
            vals, szs = fun(t)
            vals = vals.reshape(ncomp, len(todo), nl + nh)
            szs = szs.reshape(ncomp, len(todo), nl + nh)
            lo = (vals[:, :, :nl] * lo_w).sum(axis=2) * half
            hi = (vals[:, :, nl:] * hi_w).sum(axis=2) * half
            sz = (szs[:, :, nl:] * hi_w).sum(axis=2) * half
            hi_f = np.asarray(hi, dtype=float)
            err_f = np.abs(hi_f - np.asarray(lo, dtype=float))
            diff = np.abs(hi - lo)
            err_f = np.maximum(err_f, np.asarray(diff, dtype=float))
            sz_f = np.abs(np.asarray(sz, dtype=float))
            for p in range(len(todo)):
                values.append((hi[:, p], sz[:, p]))
                errors.append(_error_estimate(hi_f[:, p], err_f[:, p]))
                sizes.append((np.abs(hi_f[:, p]), sz_f[:, p]))
                ends.append(todo[p])
        absval = np.array([s[0] for s in sizes])
        total = np.array([s[1] for s in sizes])
        npieces = len(values)
        floor = np.maximum(np.maximum(absval.sum(axis=0) * eps / math.sqrt(npieces),
                                      noise * total.sum(axis=0)), tiny)
        bad = np.any(np.array(errors) > floor[None, :], axis=1)
        if not np.any(bad):
            break
        nbad = int(np.sum(bad))
        if npieces + nbad > max_pieces:
            raise SymgravError(
                "adaptive quadrature did not reach the requested precision "
                f"({nbad} pieces still inaccurate after {npieces}); the integrand "
                "may be singular (degenerate bands?) or the precision too high")
        todo = []
        for k in np.nonzero(bad)[0]:
            a_, b_ = ends[k]
            m = (a_ + b_) / 2
            todo += [(a_, m), (m, b_)]
        keep = np.nonzero(~bad)[0]
        values = [values[k] for k in keep]
        errors = [errors[k] for k in keep]
        sizes = [sizes[k] for k in keep]
        ends = [ends[k] for k in keep]
    return ([sum((v[0][k] for v in values), B.zero) for k in range(ncomp)],
            [sum((v[1][k] for v in values), B.zero) for k in range(ncomp)])


def cancellation_bits(values, sizes, prec, dps, amplified=None):
    """Extra working bits needed because the bands' terms cancel (rounding bookkeeping).

    ``sizes`` are the integrals of the magnitudes of the terms that make up
    each value (module docstring), so every value carries a rounding error
    of about NOISE_UNITS 2^-prec max(sizes).  The results are meant to hold
    ``dps`` digits relative to S = max |values| (the scale of the evaluation:
    a component much smaller than the others, or zero by symmetry, is
    accurate relative to that scale).  The working precision carries
    :data:`~symgrav.numeric.arith.GUARD` digits for ordinary cancellation;
    when the terms are so much larger than the results that the rounding
    error exceeds 10^-(dps+1) S (two nearly degenerate bands whose curvatures
    cancel: Rashba with b -> 0, where each band's integral stays O(1) while
    their sum is O(b)), this returns the bits that bring it to 10^-(dps+3) S
    with a margin; else 0.  When S is itself within 1000 times the rounding
    error the loss cannot be measured (every value is noise: a component zero
    by symmetry) and this returns 0 -- unless ``amplified`` says the band
    data themselves were ill-conditioned (double precision, nearly degenerate
    bands, kappa = energy / gap): their terms are then ~kappa times the values
    they cancel to, and this returns the bits that bring the rounding to
    2^-prec of sizes / kappa.  No equation of the paper.

    Parameters
    ----------
    values, sizes : sequences of numbers (mpf or float)
    prec : int
        Working precision in bits.
    dps : int
        Decimal digits wanted.
    amplified : float, optional
        Double precision only: the largest factor by which the rounding of the
        band data exceeded the floor (weights.rounding_amplification); 0 bits
        when it is 1 (well-conditioned band data are left as they are).

    Returns
    -------
    int
    """
    noise = NOISE_UNITS * mp.ldexp(mp.mpf(1), -prec)
    scale = max((abs(mp.mpf(v)) for v in values), default=mp.mpf(0))
    big = max((abs(mp.mpf(s)) for s in sizes), default=mp.mpf(0))
    err = noise * big
    if amplified is not None and amplified <= 1:
        return 0
    if scale == 0 or scale <= 1000 * err:
        if amplified is None:
            return 0
        # kappa = NOISE_UNITS * amplified: the terms of nearly degenerate bands are ~kappa
        # times what they cancel to, so the rounding is brought to 2^-prec of sizes / kappa
        return int(mp.ceil(mp.log(NOISE_UNITS * mp.mpf(amplified) ** 2, 2))) + 16
    if err <= mp.mpf(10) ** (-(dps + 1)) * scale:
        return 0
    return int(mp.ceil(mp.log(err / (mp.mpf(10) ** (-(dps + 3)) * scale), 2))) + 16


def trapezoid_converged(d, d0, size, eps, floor):
    """Stopping rule of :func:`periodic_trapezoid` for one component (mpf arguments).

    d = |T_2n - T_n| ~ err(n) and d0 = |T_n - T_n/2| ~ err(n/2).  The error
    of the trapezoid rule falls like rho^-n, so err(2n) ~ err(n) rho^-n and
    rho^-n/2 ~ d / d0: the measured rate predicts err(2n) ~ d (d/d0)^2.
    Accept when that (times a safety factor 100, and only in the geometric
    regime d <= d0/8) is below eps * size, or when (d/size)^1.8 <= eps
    (err(2n) ~ err(n)^2, mpmath's tanh-sinh estimate), or below the floor.
    """
    if d <= max(size * eps ** (1 / mp.mpf(1.8)), floor):
        return True
    if d0 is None or d0 == 0 or d > d0 / 8:
        return False
    return 100 * d * (d / d0) ** 2 <= eps * size


def periodic_trapezoid(fun, ncomp, eps, backend, n0=16, max_nodes=2 ** 14, period=None,
                       message=None):
    """Integrate a smooth periodic vector function over one period [-period/2, period/2).

    Nodes are doubled (reusing the old ones) until the error of the finest
    rule, predicted from the last two differences at the measured rate of
    convergence (:func:`trapezoid_converged`), is below ``eps`` relative to
    the size (integral of the absolute values) of each component, or below
    the rounding floor.

    Parameters
    ----------
    fun : callable
        ``fun(t) -> (values, sizes)`` on a backend array of abscissae.
    period : backend scalar, optional
        Default 2 pi.

    Returns
    -------
    values, sizes : lists of backend scalars

    Raises
    ------
    SymgravError
        When ``max_nodes`` nodes do not reach the tolerance.
    """
    B = backend
    with B.context():
        period = B.num(2 * mp.pi) if period is None else period
    start = -period / 2
    n = n0
    sums = np.array([B.num(0)] * ncomp, dtype=object)
    mags = np.array([B.num(0)] * ncomp, dtype=object)
    noise = NOISE_UNITS * B.mpf(B.epsilon)
    tiny = mp.ldexp(mp.mpf(1), -2 * B.prec)

    def add(idx, denom):
        nonlocal sums, mags
        t = start + period * B.array(idx) / denom if B.name != "float64" else \
            start + period * np.asarray(idx, dtype=float) / denom
        vals, sizes = fun(t)
        sums = sums + np.sum(vals, axis=1)
        mags = mags + np.sum(sizes, axis=1)

    add(list(range(n)), n)
    prev = [B.mpf(s * period / n) for s in sums]
    last = None
    while n < max_nodes:
        add([2 * j + 1 for j in range(n)], 2 * n)
        n *= 2
        cur = [B.mpf(s * period / n) for s in sums]
        size = [B.mpf(abs(m) * period / n) for m in mags]
        diff = [abs(c - p) for c, p in zip(cur, prev)]
        floor = max(tiny, max(size) * noise)
        if n >= 32 and all(trapezoid_converged(d, d0, sz, eps, floor)
                           for d, d0, sz in zip(diff, last or [None] * ncomp, size)):
            return [s * period / n for s in sums], [m * period / n for m in mags]
        prev, last = cur, diff
    raise SymgravError(message or (
        f"periodic trapezoid rule did not converge with {max_nodes} nodes; the "
        "integrand is not smooth (a Fermi surface on a lattice at low T?)"))


def periodic_grid(fun, dim, ncomp, eps, backend, n0=16, max_nodes=2 ** 9, message=None,
                  min_nodes=32):
    """The product trapezoid rule over [-pi, pi)^dim with node doubling in every direction.

    For an integrand that is analytic and periodic in every momentum (a
    lattice model with no Fermi surface nearby: an insulator, or a metal far
    above the node spacing) this converges exponentially, like
    :func:`periodic_trapezoid` in one dimension; every level is one call of
    ``fun`` on the new points of the grid (the old ones are reused).  The
    stopping rule is that of :func:`periodic_trapezoid`.

    Parameters
    ----------
    fun : callable
        ``fun(K) -> (values, sizes)``, K a list of ``dim`` backend arrays.
    dim : int
    max_nodes : int
        Most nodes per direction.
    min_nodes : int
        Fewest nodes per direction at which convergence may be accepted (a
        metal at T > 0 needs nodes finer than the thermal width of its
        occupations before the differences mean anything).

    Returns
    -------
    values, sizes : lists of backend scalars (the averages over the zone
    times (2 pi)^dim, i.e. the integrals)
    """
    B = backend
    sums = np.array([B.zero] * ncomp, dtype=object)
    mags = np.array([B.zero] * ncomp, dtype=object)
    with B.context():
        two_pi = B.num(2 * mp.pi)
    volume = two_pi ** dim
    noise = NOISE_UNITS * float(2.0 ** -B.prec)
    tiny = 2.0 ** (-2 * B.prec)
    n, prev, last = n0, None, None
    old = None
    while True:
        idx = np.indices((n,) * dim).reshape(dim, -1)
        new = np.ones(idx.shape[1], dtype=bool) if old is None else np.any(idx % 2 == 1, axis=0)
        pts = idx[:, new]
        if B.name == "float64":
            K = [-np.pi + 2 * np.pi * row / n for row in pts]
        else:
            K = [-two_pi / 2 + two_pi * B.array([int(x) for x in row]) / n for row in pts]
        vals, sizes = fun(K)
        sums = sums + np.sum(vals, axis=1)
        mags = mags + np.sum(sizes, axis=1)
        old = n
        cur = [float(x) for x in sums / n ** dim]
        size = [abs(float(x)) for x in mags / n ** dim]
        if prev is not None:
            diff = [abs(c - p) for c, p in zip(cur, prev)]
            floor = max(tiny, max(size) * noise)
            if n >= min_nodes and all(trapezoid_converged(d, d0, sz, float(eps), floor)
                               for d, d0, sz in zip(diff, last or [None] * ncomp, size)):
                return ([s * volume / n ** dim for s in sums],
                        [m * volume / n ** dim for m in mags])
            last = diff
        prev = cur
        if 2 * n > max_nodes:
            raise SymgravError(message or (
                f"product trapezoid rule did not converge with {n} nodes per dimension"))
        n *= 2
