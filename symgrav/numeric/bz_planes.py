"""A three-dimensional Brillouin-zone mean as an integral over planes (the route ``bz_planes``).

The Fermi-sea integrals of Eqs. (8a), (19a), (19b), (20), (B7a) over
d^3k / (2 pi)^3 are written as an outer integral over the momentum k_perp
normal to a family of planes of the plane integrals F(k_perp): each plane is
integrated like a two-dimensional lattice model by the Brillouin-zone lines
(:func:`symgrav.numeric.families.integrate_family`: lines split at the Fermi
points, the transverse integral split at Fermi-surface tangencies), on the 3D
model's own band data with k_perp held fixed, so any T >= 0 is resolved.

F is analytic in k_perp except where a plane becomes tangent to the Fermi
surface (an extremum of a band over the plane crosses mu: F has a kink at
T = 0, rounded over ~T / |d eps / d k_perp| at T > 0) and, more weakly, where a
saddle point of a band in the plane crosses mu.  :func:`tangent_planes` finds
the first kind on a coarse grid (refined by local minimisation and Brent's
method); the outer integral (:func:`adaptive_gauss_kronrod`, the 21-point
Gauss-Kronrod rule on panels bisected adaptively) starts from panels split
there.  All planes of a refinement round go to one call of a ``mapper``, so
they can be computed by any ``concurrent.futures`` executor.  Double
precision only.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
from scipy.optimize import brentq, minimize

from ..errors import SymgravError
from .families import integrate_family
from .line_features import Line
from .line_integral import integrate_line
from .progress import advance
from .rules import NOISE_UNITS

__all__ = ["GK21", "adaptive_gauss_kronrod", "plane_integral", "plane_integrals",
           "tangent_planes"]

#: the planes are normal to this momentum unless told otherwise
NORMALS = ("x", "y", "z")
#: most panels of the outer rule before it gives up
MAX_PANELS = 2000
#: nodes per direction of the scan that locates the tangent planes
TANGENT_SCAN = 48

#: the 21-point Kronrod extension of the 10-point Gauss-Legendre rule on [-1, 1]:
#: (nodes, Kronrod weights, Gauss weights of the odd-indexed nodes); QUADPACK's qk21 table
GK21 = (
    np.array([-0.995657163025808080735527280689003, -0.973906528517171720077964012084452,
              -0.930157491355708226001207180059508, -0.865063366688984510732096688423493,
              -0.780817726586416897063717578345042, -0.679409568299024406234327365114874,
              -0.562757134668604683339000099272694, -0.433395394129247190799265943165784,
              -0.294392862701460198131126603103866, -0.148874338981631210884826001129720, 0.0,
              0.148874338981631210884826001129720, 0.294392862701460198131126603103866,
              0.433395394129247190799265943165784, 0.562757134668604683339000099272694,
              0.679409568299024406234327365114874, 0.780817726586416897063717578345042,
              0.865063366688984510732096688423493, 0.930157491355708226001207180059508,
              0.973906528517171720077964012084452, 0.995657163025808080735527280689003]),
    np.array([0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
              0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
              0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
              0.123491976262065851077958109831074, 0.134709217311473325928054001771707,
              0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
              0.149445554002916905664936468389821, 0.147739104901338491374841515972068,
              0.142775938577060080797094273138717, 0.134709217311473325928054001771707,
              0.123491976262065851077958109831074, 0.109387158802297641899210590325805,
              0.093125454583697605535065465083366, 0.075039674810919952767043140916190,
              0.054755896574351996031381300244580, 0.032558162307964727478818972459390,
              0.011694638867371874278064396062192]),
    np.array([0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
              0.219086362515982043995534934228163, 0.269266719309996355091226921569469,
              0.295524224714752870173892994651338, 0.295524224714752870173892994651338,
              0.269266719309996355091226921569469, 0.219086362515982043995534934228163,
              0.149451349150580593145776339657697, 0.066671344308688137593568809893332]),
)


def adaptive_gauss_kronrod(fun, breakpoints, ncomp, eps, noise=0.0, max_panels=MAX_PANELS):
    """Integrate a vector function over consecutive breakpoints by adaptive GK21 panels.

    Each panel is integrated by the 21-point Kronrod rule; its error is
    QUADPACK's estimate from the difference with the embedded 10-point Gauss
    rule.  While the summed error of some component exceeds ``eps`` times
    the magnitude of its integral (and the panels' rounding floor, ``noise``
    times the integral of the sizes), the panels with the largest errors are
    bisected; all new panels of a round are evaluated in one call of ``fun``.
    No equation of the paper: the outer k_perp integral of the 3D measure.

    Parameters
    ----------
    fun : callable
        ``fun(t) -> (values, sizes)``: float arrays of shape (ncomp, len(t));
        sizes are the magnitudes of the terms (for the rounding floor).
    breakpoints : sequence of float
        Sorted ends of the first panels.
    ncomp : int
    eps : float
        Relative tolerance per component.
    noise : float
        Relative accuracy of ``fun`` itself (with respect to its sizes).
    max_panels : int

    Returns
    -------
    values, sizes, errors : float arrays of shape (ncomp,)
    evaluations : int
        Points at which ``fun`` was evaluated.

    Raises
    ------
    SymgravError
        When the tolerance is not met within ``max_panels`` panels.
    """
    x, wk, wg = GK21
    pts = sorted(set(float(b) for b in breakpoints))
    todo = [(a, b) for a, b in zip(pts, pts[1:]) if b > a]
    panels = []   # (a, b, value (ncomp,), size (ncomp,), error (ncomp,))
    evaluations = 0
    while True:
        if todo:
            a = np.array([p[0] for p in todo])
            b = np.array([p[1] for p in todo])
            half, mid = (b - a) / 2, (b + a) / 2
            t = (mid[:, None] + half[:, None] * x[None, :]).reshape(-1)
            vals, sizes = fun(t)
            evaluations += len(t)
            vals = np.asarray(vals, dtype=float).reshape(ncomp, len(todo), len(x))
            if not np.all(np.isfinite(vals)):
                bad = t[np.nonzero(~np.all(np.isfinite(vals.reshape(ncomp, -1)), axis=0))[0][0]]
                raise SymgravError(f"the integrand is not finite at {bad:.17g} (a divergence "
                                   "of the integral over planes)")
            sizes = np.asarray(sizes, dtype=float).reshape(ncomp, len(todo), len(x))
            kron = (vals * wk).sum(axis=2) * half
            gauss = (vals[:, :, 1::2] * wg).sum(axis=2) * half
            size = (np.abs(sizes) * wk).sum(axis=2) * half
            mean = kron / (2 * half)
            resasc = (np.abs(vals - mean[:, :, None]) * wk).sum(axis=2) * half
            err = np.abs(kron - gauss)
            with np.errstate(divide="ignore", invalid="ignore"):
                scaled = resasc * np.minimum(1.0, (200 * err / resasc) ** 1.5)
            err = np.where((resasc > 0) & (err > 0), scaled, err)
            # rounding: the planes are only good to ``noise`` of their sizes
            err = np.maximum(err, 50 * np.finfo(float).eps * size)
            for p in range(len(todo)):
                panels.append((todo[p][0], todo[p][1], kron[:, p], size[:, p], err[:, p]))
            todo = []
        value = np.sum([p[2] for p in panels], axis=0)
        size = np.sum([p[3] for p in panels], axis=0)
        error = np.sum([p[4] for p in panels], axis=0)
        target = np.maximum(eps * np.abs(value), noise * size)
        over = error > target
        if not np.any(over):
            return value, size, error, evaluations
        # bisect the panels that carry the largest share of the excess of any component
        share = np.array([np.max(np.where(over, p[4] / np.maximum(target, 1e-300), 0.0))
                          for p in panels])
        worst = np.argsort(share)[::-1]
        need = np.sum(np.where(over, error - target, 0.0) / np.maximum(target, 1e-300))
        chosen, acc = [], 0.0
        for k in worst:
            chosen.append(k)
            acc += share[k]
            if acc >= need or share[k] < share[worst[0]] / 16:
                break
        if len(panels) + len(chosen) > max_panels:
            raise SymgravError(
                f"the integral over planes did not converge with {len(panels)} panels "
                f"(error {np.max(error / np.maximum(target, 1e-300)):.1e} x the tolerance)")
        keep = [p for k, p in enumerate(panels) if k not in set(chosen)]
        for k in chosen:
            a, b = panels[k][0], panels[k][1]
            todo += [(a, (a + b) / 2), ((a + b) / 2, b)]
        panels = keep


def _axes(normal):
    if normal not in NORMALS:
        raise SymgravError(f"normal must be one of {', '.join(NORMALS)}; got {normal!r}")
    ax = NORMALS.index(normal)
    along, across = [j for j in range(3) if j != ax]
    return ax, along, across


def tangent_planes(bands, mu, normal="z", n=TANGENT_SCAN):
    """The k_perp in [-pi, pi) where a band's extremum over the plane k_perp = const equals mu.

    A double-precision scan on an n^3 grid gives each band's minimum and
    maximum over each plane; where one of them crosses mu between two
    neighbouring planes, the extremum is refined by local minimisation
    (BFGS from the best grid point, analytic gradients) and the crossing by
    Brent's method.  These are the planes tangent to the Fermi surface of
    the 3D integrals (Eqs. 8a, 19a, 19b, 20, B7a), where F(k_perp) has a kink.

    Parameters
    ----------
    bands : BandData or TightBindingBands
        A 3D lattice model.
    mu : float
    normal : {"x", "y", "z"}
    n : int

    Returns
    -------
    list of float
        Sorted.
    """
    ax, along, across = _axes(normal)
    h = 2 * np.pi / n
    axis = -np.pi + h * np.arange(n)
    u, v = (m.ravel() for m in np.meshgrid(axis, axis, indexing="ij"))

    def point(kp, u, v):
        k = [None] * 3
        k[ax], k[along], k[across] = np.full_like(u, kp), u, v
        return k
    # band energies plane by plane (n^2 points at a time): (bands, planes, n^2)
    eps = np.stack([bands.energies(point(kp, u, v))[0] for kp in axis], axis=1)
    mu = float(mu)
    found = []

    def extremum(kp, band, sign, start):
        def f(uv):
            e, g = bands.energies(point(kp, uv[:1], uv[1:]))
            return sign * e[band, 0], sign * np.array([g[band, along, 0], g[band, across, 0]])
        res = minimize(f, start, jac=True, method="BFGS", options={"gtol": 1e-13})
        return sign * res.fun

    for band in range(eps.shape[0]):
        for sign, pick in ((1, np.argmin), (-1, np.argmax)):
            ext = sign * np.min(sign * eps[band], axis=1)
            s = np.sign(ext - mu)
            for j in np.nonzero(s * np.roll(s, -1) < 0)[0]:
                a, b = axis[j], axis[j] + h
                ja, jb = j, (j + 1) % n
                starts = [np.array(np.unravel_index(pick(eps[band, jj]), (n, n)), dtype=float)
                          * h - np.pi for jj in (ja, jb)]

                def g(kp, starts=starts, band=band, sign=sign):
                    return min((extremum(kp, band, sign, st) for st in starts),
                               key=lambda e: sign * e) - mu
                ga, gb = g(a), g(b)
                if ga * gb < 0:
                    r = brentq(g, a, b, xtol=1e-13)
                    found.append((r + np.pi) % (2 * np.pi) - np.pi)
    return sorted(found)


def plane_integral(engine, qset, kp, mu, T, backend, normal="z", lines=None, B2=None):
    """The plane k_perp = kp of the 3D Fermi-sea integrals, as a 2D Brillouin-zone integral.

    Lines along the first in-plane momentum, the transverse in-plane momentum
    integrated by :func:`symgrav.numeric.families.integrate_family` (split at
    tangencies of the lines to the Fermi surface), every line by
    :func:`symgrav.numeric.line_integral.integrate_line`, all with the 3D
    model's band data at k_perp = kp (Eqs. 8a, 19a, 19b, 20, B7a and user
    quantities, weighted by 1/(2 pi)^3: the outer integral over k_perp gives
    the 3D mean).

    Parameters
    ----------
    engine : Susceptibilities
    qset : QuantitySet
    kp : float or mpf
    mu, T : mpf
    backend : Backend
    normal : {"x", "y", "z"}
    lines : callable, optional
        ``lines(B) -> per_line``, ``per_line(Line) -> (values, sizes)`` in
        backend B's scalars, for another line integrand (the Fermi-surface
        sums of Eq. E1, singular where lines touch the Fermi surface: the
        ends of their panels follow the 1/sqrt law,
        :func:`~symgrav.numeric.tanh_sinh.tanh_sinh` with ``singular``);
        default: the Fermi-sea integrals above.
    B2 : Backend, optional
        For tangencies and the lines next to them (default: the engine's
        ``backend2``).

    Returns
    -------
    values, sizes : lists of mpf
    """
    ax, along, across = _axes(normal)
    B, B2 = backend, B2 or engine.backend2
    margin = engine.margin(B, T)
    meas = engine.layout.measure
    direction = tuple(1 if j == along else 0 for j in range(3))
    kp = mp.mpf(kp)

    def line_of(s):
        origin = [mp.mpf(0)] * 3
        origin[ax], origin[across] = kp, s
        return Line(origin, direction, meas, periodic=True)

    sea = sea_lines(engine, qset, mu, T)
    lines = lines or sea
    per_line = lines(B)
    fine_b2 = lines(B2) if T == 0 else None

    def fine(line):
        with B2.context():
            vals, sizes = fine_b2(line)
            return [B2.mpf(v) for v in vals], [B2.mpf(s) for s in sizes]
    advance()
    return integrate_family(engine.bands, B, B2, line_of, per_line, mu, margin,
                            len(qset.quantities), engine.tolerance(),
                            fine_line=fine if fine_b2 is not None else None,
                            singular=lines is not sea)


def sea_lines(engine, qset, mu, T):
    """``B -> per_line``: the Fermi-sea line integrals of ``qset`` at (mu, T) in backend B.

    (:func:`symgrav.numeric.line_integral.integrate_line`: Eqs. 8a, 19a, 19b,
    20, B7a and user quantities along one line, times its weight.)
    """
    def at(B):
        ctx = engine.line_context(qset, B)
        mu_b, T_b, margin_b = B.num(mu), B.num(T), B.num(engine.margin(B, T))

        def per_line(line):
            with B.context():
                return integrate_line(ctx, engine.line_features(B, line, mu, T), mu_b, T_b,
                                      margin_b)
        return per_line
    return at


def plane_integrals(engine, qset, mu, T, backend, normal="z", mapper=None, rtol=None,
                    stats=None, lines=None, B2=None):
    """The 3D Fermi-sea integrals of ``qset`` at (mu, T) as integrals over planes (mpf list).

    (Eqs. 8a, 19a, 19b, 20, B7a and user quantities.)  The outer integral over
    k_perp in [-pi, pi) is :func:`adaptive_gauss_kronrod` on panels split at
    the tangent planes (:func:`tangent_planes`; the integrand is periodic, so the
    last panel wraps around through k_perp = pi), each plane :func:`plane_integral`.

    Parameters
    ----------
    engine : Susceptibilities
        A 3D lattice model in double precision.
    qset : QuantitySet
    mu, T : mpf
    backend : Backend
    normal : {"x", "y", "z"}
        The planes are normal to this momentum.
    mapper : callable, optional
        ``mapper(kps) -> [plane_integral(...) values for each kp]`` (lists of
        ``len(qset.quantities)`` numbers), computed anywhere; default: here,
        one plane after the other.
    rtol : float, optional
        Relative tolerance of the outer integral (default: the engine's).
    stats : dict, optional
        Filled with ``planes`` (the planes integrated), ``tangents`` and ``error``.
    lines : callable, optional
        The line integrand of every plane (:func:`plane_integral`); the
        Fermi-surface sums of Eq. (E1) give d alpha / d mu at T = 0.
    B2 : Backend, optional
        Passed to :func:`plane_integral`.

    Returns
    -------
    list of mpf

    Raises
    ------
    SymgravError
        The outer rule does not converge within :data:`MAX_PANELS` panels.
    """
    B = backend
    ws = qset.weights(B)
    if T == 0 and ws.zero_T_error is not None:
        raise SymgravError(str(ws.zero_T_error))
    nq = len(qset.quantities)
    eps = float(rtol) if rtol is not None else float(engine.tolerance())
    tangents = tangent_planes(engine.bands, float(mu), normal)
    # F is periodic in k_perp: the panels run from tangent to tangent, the last one wrapping
    ends = tangents + [tangents[0] + 2 * math.pi] if tangents else [-math.pi, math.pi]

    def local(kps):
        out = []
        for kp in kps:
            with B.context():
                v, s = plane_integral(engine, qset, kp, mu, T, B, normal, lines, B2)
            out.append((v, s))
        return out

    def fun(kps):
        rows = (mapper or local)([(float(k) + math.pi) % (2 * math.pi) - math.pi for k in kps])
        vals = np.array([[float(x) for x in v] for v, _ in rows]).T.reshape(nq, len(kps))
        sizes = np.array([[float(x) for x in s] for _, s in rows]).T.reshape(nq, len(kps))
        return vals, sizes
    noise = NOISE_UNITS * float(engine.tolerance())
    value, _, error, count = adaptive_gauss_kronrod(fun, ends, nq, eps, noise=noise)
    if stats is not None:
        stats.update(planes=count, tangents=tangents, error=error.tolist())
    return [mp.mpf(v) for v in value]
