"""Fermi-sea integrals along one line: the one integrand times the line measure.

:func:`integrate_line` integrates, along a line of
:mod:`symgrav.numeric.line_features`, the integrand of every declared
quantity (:class:`~symgrav.numeric.weights.WeightSet`: Eqs. 8a, 19a, 19b, 20,
B7a and user quantities) with the radial Jacobian t^p, split at the Fermi
points and graded on the thermal scale; a Brillouin-zone line without Fermi
points (and no band extremum within 20 T of mu) is smooth and periodic and
takes the periodic trapezoid rule (at T = 0 only without Fermi points, also
none at the zone boundary).  At T = 0 the Fermi-surface parts of the
weights (df -> -delta) are added as sums over the Fermi points
(:func:`fermi_surface_terms`, Eq. E1 for d alpha / d mu).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from .line_features import band_values
from .occupations import Occupations
from .rules import integrate_pieces, periodic_trapezoid


class LineContext:
    """What every line integral of one evaluation shares.

    Parameters
    ----------
    bands : BandData
    backend : Backend
    weights : WeightSet
    statistics : {"fermi", "bose"}
    eps : backend scalar
        Relative tolerance of the quadrature.
    """

    def __init__(self, bands, backend, weights, statistics, eps):
        self.bands, self.backend, self.weights = bands, backend, weights
        self.statistics, self.eps = statistics, eps

    def point_integrand(self, mu, T):
        """The integrand at momenta: K (dim backend arrays) -> (values, sizes), shape (nq, P)."""
        B, bd, ws = self.backend, self.bands, self.weights

        def fun(K):
            eps, _, om, mm, *sizes = bd.evaluate(B, K, sizes=True)
            xi = eps - mu
            return ws.integrand(om, mm, xi, T, Occupations(B, self.statistics, xi, T),
                                None if sizes[0] is None else sizes, energies=eps)
        return fun

    def integrand(self, line, mu, T):
        """The integrand along ``line``: t (backend array) -> (values, sizes), shape (nq, P)."""
        B = self.backend
        power = line.power
        at = self.point_integrand(mu, T)

        def fun(t):
            vals, sizes = at(line.points(B, t))
            if power:
                jac = t ** power
                vals, sizes = vals * jac, sizes * jac
            return vals, sizes
        return fun


def integrate_line(ctx, feats, mu, T, margin):
    """Every quantity's integral along one line (times the line weight).

    Returns
    -------
    values, sizes : lists of backend scalars (one per quantity)
    """
    B, line = ctx.backend, feats.line
    n = len(ctx.weights)
    fun = ctx.integrand(line, mu, T)
    pts = feats.breakpoints(T, mu, margin)
    near = T > 0 and any(abs(e - mu) <= 20 * T for _, _, e in feats.extrema)
    # at T = 0 a Fermi point is a step, also at the zone boundary (a band edge at k = pi
    # exactly at mu): Gauss-Legendre between the breakpoints, never evaluated on them
    step = T == 0 and feats.fermi
    # a band stationary at mu where the line wraps (a saddle or extremum of the zone at
    # t = pi): Fermi points there may lie closer than rounding, the integrand is not smooth
    wrap = any(abs(e - mu) <= (20 * T if T > 0 else margin) for _, e in feats.wrap)
    if line.periodic and not step and not wrap and (len(pts) == 2 or (
            T > 0 and not feats.fermi and not near)):
        where = ", ".join(mp.nstr(mp.mpf(x), 6) for x in line.origin)
        vals, sizes = periodic_trapezoid(fun, n, ctx.eps, B, message=(
            f"the periodic trapezoid rule did not converge with 16384 nodes on the "
            f"Brillouin-zone line through k = ({where}), which has no Fermi point: the "
            "integrand is not smooth there at this precision (e.g. nearly degenerate "
            "bands, Omega ~ 1/(e_n - e_m)^2)"))
    else:
        vals, sizes = integrate_pieces(fun, pts, n, ctx.eps, B)
    if T == 0 and ctx.weights.has_delta and feats.fermi:
        delta = fermi_surface_terms(ctx, feats, [c for c in ctx.weights.delta])
        vals = [v + d for v, d in zip(vals, delta)]
        sizes = [s + abs(d) for s, d in zip(sizes, delta)]
    w = line.backend_weight(B)
    return [v * w for v in vals], [s * w for s in sizes]


def fermi_surface_terms(ctx, feats, coefficients):
    """sum over the Fermi points of -(c_Omega Omega_n + c_m m_n) t^p / |d eps_n/dt| (Eq. E1).

    The T = 0 limit of a weight c(xi) df is -c(0) delta(xi); along a line
    delta(eps_n(t) - mu) = sum_F delta(t - t_F) / |eps_n'(t_F)|.  With
    (c_Omega, c_m) = (-1, 0) this is d alpha / d mu of Eq. (E1).  A Fermi
    point with zero velocity: at a band edge at p = 0 of a 2D ray the
    Sommerfeld expansion (E2) sees the mean of the one-sided slopes of
    alpha0, i.e. half of lim p Omega / |eps'| = Omega(0) / |eps''(0)| (the 3D
    limit p^2 Omega / |eps'| vanishes); anywhere else the density diverges
    (a van Hove point at mu) and the term is inf.

    Returns
    -------
    list of backend scalars, +inf where a density diverges (not multiplied by the line weight)
    """
    B, bd, line = ctx.backend, ctx.bands, feats.line
    out = [B.num(0)] * len(coefficients)
    ts = B.pack([t for t, _, _ in feats.fermi])
    bands = np.array([n for _, n, _ in feats.fermi])
    _, _, om, mm = band_values(bd, B, line, ts, bands)
    for (t, n, slope), o, m in zip(feats.fermi, om, mm):
        if slope != 0:
            jac = t ** line.power if line.power else 1
            terms = [-(co * o + cm * m) * jac / abs(slope) for co, cm in coefficients]
        elif t == 0 and not line.periodic and line.power >= 1:
            if line.power == 1:
                h = B.num(2) ** (-(B.prec // 3))
                _, sl, _, _ = band_values(bd, B, line, B.pack([h]), np.array([n]))
                curvature = abs(sl[0]) / h
                terms = [-(co * o + cm * m) / curvature / 2 for co, cm in coefficients]
            else:
                terms = [B.num(0)] * len(coefficients)
        else:
            terms = [B.inf if (co != 0 or cm != 0) else B.num(0) for co, cm in coefficients]
        out = [x + y for x, y in zip(out, terms)]
    return out
