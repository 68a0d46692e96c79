"""The tanh-sinh rule with step halving, for integrands with algebraic endpoint singularities.

Across a line tangent to a Fermi surface the transverse integrand of a
two-dimensional family of lines has square-root branch points (Fermi-sea
integrals) or inverse-square-root singularities (the Fermi-surface sums of
Eq. E1) at the ends of its panels; the tanh-sinh substitution makes both
converge exponentially (as in mpmath's ``quad``).  Integrands follow the
convention of :mod:`symgrav.numeric.rules` (``fun(t) -> (values, sizes)``
on backend arrays).  No equation of the paper is implemented here; this
integrates those of Eqs. (8a), (19a), (19b), (20), (B7a), (E1) in 2D.
"""

from __future__ import annotations

import mpmath as mp

from ..errors import SymgravError
from .rules import NOISE_UNITS


def _ts_nodes(backend, a, b, h, first, tmax):
    """Abscissae (as distances from an end), sides and weights of one tanh-sinh level."""
    half = (b - a) / 2
    dist, side, wts = [], [], []
    k = 0 if first else 1
    step = 1 if first else 2
    pi2 = mp.pi / 2
    while True:
        t = k * h
        if t > tmax:
            break
        u = pi2 * mp.sinh(t)
        # 1 - tanh(u) = 2 / (exp(2u) + 1), accurate near the endpoints
        dst = 2 * half / (mp.exp(2 * u) + 1)
        w = h * pi2 * mp.cosh(t) * half / mp.cosh(u) ** 2
        if t == 0:
            dist.append(half), side.append(0), wts.append(w)
        else:
            dist += [dst, dst]
            side += [1, -1]
            wts += [w, w]
        k += step
    return dist, side, wts


def tanh_sinh(fun, a, b, ncomp, eps, backend, max_level=12, fine=None, singular=False):
    """Integrate a vector function over [a, b] by the tanh-sinh rule with step halving.

    The error of the rule with step h/2 is about the square of the relative
    difference between the h and h/2 rules (doubling of digits, as in
    mpmath's ``quad``); halving stops once that estimate is below ``eps``
    relative to the size of each component, or below the rounding floor.
    Abscissae within (b - a) 2^-prec of an end are dropped (their weight is
    below the working precision).  ``a`` and ``b`` are mpf (they may carry
    more precision than the backend, see ``fine``).

    Parameters
    ----------
    fun : callable
        ``fun(t) -> (values, sizes)`` on a backend array (see the module docstring).
    fine : callable, optional
        ``fine(t) -> (values, sizes)`` for abscissae within
        (b - a) 2^(-prec/4) of an end, called with mpf at twice the precision
        (at T = 0 two Fermi points of a line are so close there that rounding
        of the band energy blurs which side of mu a momentum is on).
    singular : bool
        The integrand may have inverse-square-root singularities at the ends
        (the Fermi-surface sums of Eq. E1 across a tangency).  Dropping the
        abscissae within d = (b - a) 2^-prec of an end would then cost
        ~2^(-prec/2) of the integral, and cutting the rule off where its
        summand is ~sqrt(d) makes it converge only like the step: instead
        they take f(end +- d) sqrt(d / distance), the 1/sqrt law continued
        from one evaluation at distance d per end (by ``fine`` if given),
        which is exact to O(d^(3/2)) there (to O(d f) for a bounded f).
        Only with ``fine`` (at the working precision f is not resolved
        that close to a tangency; the nodes are then dropped).

    Returns
    -------
    values, sizes : lists of mpf

    Raises
    ------
    SymgravError
        When ``max_level`` halvings do not reach the tolerance.
    """
    B = backend
    prec = B.prec
    sums = [mp.mpf(0)] * ncomp
    mags = [mp.mpf(0)] * ncomp
    with mp.workprec(2 * prec):
        length = b - a
        skip = length * mp.ldexp(mp.mpf(1), -prec)
        near = length * mp.ldexp(mp.mpf(1), -(prec // 4)) if fine is not None else mp.mpf(0)
        tmax = mp.log(4 * prec)

    edge = {}      # side -> (values, sizes) at distance skip from that end (singular)

    def at_edge(sd):
        if sd not in edge:
            with mp.workprec(2 * prec):
                x = b - skip if sd > 0 else a + skip
            if fine is not None:
                with mp.workprec(2 * prec):
                    vals, sizes = fine([x])
            else:
                with B.context():
                    vals, sizes = fun(B.array([x]))
            edge[sd] = ([B.mpf(v[0]) for v in vals], [abs(B.mpf(s[0])) for s in sizes])
        return edge[sd]

    def add(level):
        dist, side, wts = level
        regular, close = [], []
        with mp.workprec(2 * prec):
            for dst, sd, w in zip(dist, side, wts):
                if sd and dst < skip:
                    if singular and fine is not None and dst > 0:
                        vals, sizes = at_edge(sd)
                        scale = w * mp.sqrt(skip / dst)
                        for k in range(ncomp):
                            sums[k] += vals[k] * scale
                            mags[k] += sizes[k] * scale
                    continue
                x = (b - dst if sd > 0 else a + dst) if sd else a + dst
                (close if sd and dst < near else regular).append((x, w))
        for group, f in ((regular, fun), (close, fine)):
            if not group:
                continue
            if f is fine:
                with mp.workprec(2 * prec):
                    vals, sizes = f([x for x, _ in group])
            else:
                with B.context():
                    vals, sizes = f(B.array([x for x, _ in group]))
            for k in range(ncomp):
                sums[k] += mp.fsum(B.mpf(v) * w for v, (_, w) in zip(vals[k], group))
                mags[k] += mp.fsum(abs(B.mpf(v)) * w for v, (_, w) in zip(sizes[k], group))

    h = mp.mpf(1) / 2
    with mp.workprec(2 * prec):
        add(_ts_nodes(B, a, b, h, True, tmax))
    prev = list(sums)
    noise = NOISE_UNITS * mp.ldexp(mp.mpf(1), -prec)
    tiny = mp.ldexp(mp.mpf(1), -2 * prec)
    accept = eps ** (1 / mp.mpf(1.8))
    for _ in range(max_level):
        sums = [s / 2 for s in sums]
        mags = [m / 2 for m in mags]
        h /= 2
        with mp.workprec(2 * prec):
            add(_ts_nodes(B, a, b, h, False, tmax))
        floor = max(tiny, max(mags) * noise)
        if all(abs(c - p) <= max(sz * accept, floor) for c, p, sz in zip(sums, prev, mags)):
            return sums, mags
        prev = list(sums)
    raise SymgravError("tanh-sinh rule did not converge across a Fermi-surface tangency")
