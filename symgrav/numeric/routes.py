"""Integration routes as named strategies, each able to say whether it applies and why not.

* ``window`` (:class:`FermiWindow`) -- the Fermi-window average of App. E
  (:mod:`symgrav.numeric.window_route`): Fermi statistics, T > 0, continuum
  models covered by rays (1D, isotropic), weights linear in the occupation,
  mu far from band extrema on the thermal scale.
* ``graded`` (:class:`GradedLines`) -- rays of a continuum model (radial,
  polar or spherical families), split at Fermi points and band extrema and
  graded on the thermal scale (:mod:`symgrav.numeric.line_integral`,
  :mod:`symgrav.numeric.layout`); any T >= 0, Fermi or Bose.
* ``bz_lines`` (:class:`BrillouinZoneLines`) -- Brillouin-zone lines of a
  lattice model, the transverse integral split at Fermi-surface tangencies
  (:mod:`symgrav.numeric.families`); any T >= 0, Fermi or Bose.
* ``bz_grid`` (:class:`BrillouinZoneGrid`) -- the product trapezoid rule
  over the zone with node doubling (:mod:`symgrav.numeric.bz_grid`), lattice
  models in 2D and 3D at T > 0 (or with no band near mu at T = 0); taken by
  ``auto`` in double precision for 3D lattice models, where the nested lines
  cost far more per point, unless it needs more nodes than its budget.
* ``bz_planes`` (:class:`BrillouinZonePlanes`) -- a 3D lattice model as an
  integral over planes k_z = const (:mod:`symgrav.numeric.bz_planes`): each
  plane by the Brillouin-zone lines of ``bz_lines``, the outer integral by
  adaptive Gauss-Kronrod panels split where a plane touches the Fermi
  surface; double precision, any T >= 0.  Taken by ``auto`` where the grid
  refuses (3D metals at low T and at T = 0).
* ``fermi_surface`` (:class:`FermiSurfaceSum`) -- the Fermi-surface sum of
  Eq. (E1) at T = 0, for quantities that are pure Fermi-surface terms there
  (d alpha / d mu).
* ``closed_form`` (:class:`ClosedForm`) -- the window average of the
  closed-form T = 0 functions (:mod:`symgrav.numeric.closed_form_route`); 1D
  and isotropic continuum models, any T >= 0, Fermi statistics.  Deriving the
  closed forms costs seconds of SymPy, so ``auto`` tries it only after
  :data:`CLOSED_FORM_AFTER` evaluations of one engine above 15 digits (long
  sweeps), and remembers when it does not apply.

``route="auto"`` tries them in :data:`AUTO_ORDER` (:data:`AUTO_ORDER_DOUBLE` in
double precision) and takes the first that applies; :meth:`symgrav.Susceptibilities.explain` lists every decision with its
reason.  A route is given the engine (:class:`symgrav.Susceptibilities`) and
uses its public helpers (line features, margins, tolerances, contexts).
"""

from __future__ import annotations

import warnings
from collections import namedtuple

import mpmath as mp

from ..errors import PrecisionError, SymgravError, SymgravWarning
from ..limits import limit
from .arith import GUARD, Mpf, Mpfr
from .bz_grid import grid_integrals, thermal_nodes
from .bz_planes import plane_integrals
from .closed_form_route import static_reason
from .layout import LATTICE_3D_NODES
from .line_integral import fermi_surface_terms, integrate_line
from .progress import advance
from .rules import DOUBLE_DIGITS, cancellation_bits
from .window_route import NotApplicable

__all__ = ["AUTO_ORDER", "AUTO_ORDER_DOUBLE", "CLOSED_FORM_AFTER", "BrillouinZoneGrid", "BrillouinZoneLines",
           "BrillouinZonePlanes",
           "ClosedForm", "FermiSurfaceSum", "FermiWindow", "GradedLines", "NotApplicable",
           "ROUTES", "Route", "RouteDecision",
           "check_route", "integrate_momentum_space"]
#: a route's verdict at one (mu, T)
RouteDecision = namedtuple("RouteDecision", "name applies reason")


class Route:
    """An integration strategy: :meth:`reason` (static) and :meth:`run` (may raise NotApplicable)."""

    name = ""
    summary = ""

    def reason(self, engine, qset, T):
        """Why the route cannot apply to this model, statistics, T and quantities ("" if it may)."""
        raise NotImplementedError

    def run(self, engine, qset, mu, T, backend):
        """The quantities of ``qset`` at (mu, T) as mpf, in ``backend``'s numbers."""
        raise NotImplementedError

    def __repr__(self):
        return f"<route {self.name}: {self.summary}>"


class FermiWindow(Route):
    """App. E: Fermi-window averages of zero-temperature functions (Gauss rule for -f')."""

    name = "window"
    summary = "Fermi-window average of T = 0 functions (App. E)"

    def reason(self, engine, qset, T):
        return engine.window_evaluator(qset, engine.backend).static_reason(engine.statistics, T)

    def run(self, engine, qset, mu, T, backend):
        B = backend
        ev = engine.window_evaluator(qset, B)
        vals = ev.evaluate(B.num(mu), B.num(T), B.num(engine.margin(B, T)))
        return [B.mpf(v) for v in vals]


def integrate_momentum_space(engine, qset, mu, T, backend):
    """Every quantity of ``qset`` integrated over momentum space line by line (mpf).

    At T = 0 in two dimensions without isotropy, lines within rounding
    distance of a Fermi-surface tangency are integrated at twice the precision.
    When the bands' terms cancel beyond what the guard digits cover (two
    nearly degenerate bands, :func:`~symgrav.numeric.rules.cancellation_bits`)
    the integral is redone once at the precision that the loss needs.
    """
    vals, sizes = _momentum_integrals(engine, qset, mu, T, backend, engine.backend2)
    if backend.name == "float64":
        return _double_checked(engine, qset, mu, T, backend, vals, sizes)
    extra = cancellation_bits(vals, sizes, backend.prec, engine.dps)
    if not extra:
        return vals
    prec = backend.prec + extra
    most = int((limit("MAX_DPS") + GUARD) * 3.33) + 1
    if prec > most:
        raise SymgravError(
            f"the bands' terms cancel to {mp.nstr(max(abs(v) for v in vals), 3)} of terms of "
            f"{mp.nstr(max(abs(s) for s in sizes), 3)} (nearly degenerate bands): {engine.dps} "
            f"digits need {prec} bits of working precision, more than the budget "
            "SYMGRAV_MAX_DPS allows")
    B, B2 = type(backend)(prec), type(engine.backend2)(2 * prec)
    with B.context():
        vals, _ = _momentum_integrals(engine, qset, mu, T, B, B2)
    return vals


def _double_checked(engine, qset, mu, T, backend, vals, sizes):
    """Double-precision values, redone at higher precision where the band data were too rounded.

    Nearly degenerate bands make the double-precision eigenvectors, and so
    Omega (8b) and m (8c), carry rounding amplified by energy / gap
    (:func:`~symgrav.numeric.weights.rounding_amplification`, folded into the
    sizes).  When that rounding exceeds 1e-13 of the largest value, or the
    values are all within it (a result zero to rounding of amplified band
    data, which double precision cannot tell from a small one), the integral
    is redone at the precision :func:`~symgrav.numeric.rules.cancellation_bits`
    asks for (with a SymgravWarning), and again while the amplified rounding
    at that precision still exceeds 1e-13 of the values, at most twice; beyond the budget
    SYMGRAV_MAX_DPS, or for sums over states in two or three dimensions (mpmath
    matrices: many minutes), a one-line SymgravError asking for dps=20.
    Well-conditioned band data (gaps above energy / 64) are returned as computed.
    """
    amp = qset.weights(backend).amplification
    extra = cancellation_bits(vals, sizes, backend.prec, DOUBLE_DIGITS, amplified=amp)
    prec = backend.prec
    for _ in range(2):
        if not extra:
            break
        prec += extra
        most = int((limit("MAX_DPS") + GUARD) * 3.33) + 1
        if prec > most:
            raise SymgravError(
                f"nearly degenerate bands: the double-precision band data are rounded "
                f"{amp:.3g} times beyond the floor and {prec} bits would be needed, more than "
                "the budget SYMGRAV_MAX_DPS allows")
        kind = Mpfr if engine.bands.supports(Mpfr(prec)) else Mpf
        if kind is Mpf and engine.bands.dim > 1:
            # sums over states with mpmath matrices over a 2D or 3D zone: many minutes
            raise PrecisionError(
                f"nearly degenerate bands: the double-precision band data are rounded "
                f"{amp:.3g} times beyond the floor, more than these values can bear; use "
                "dps=20 (or more)")
        warnings.warn(f"nearly degenerate bands (rounding of the double-precision band data "
                      f"amplified {amp:.3g}-fold by energy / gap): redone at {prec} bits (slow)",
                      SymgravWarning, stacklevel=7)
        B, B2 = kind(prec), kind(2 * prec)
        with B.context():
            vals, sizes = _momentum_integrals(engine, qset, mu, T, B, B2)
        # mpmath eigenvectors are amplified alike (closed forms at most as much)
        extra = cancellation_bits(vals, [amp * s for s in sizes], prec, DOUBLE_DIGITS)
    return vals


def _momentum_integrals(engine, qset, mu, T, B, B2):
    """(values, sizes) over momentum space in backend B (B2: twice its precision)."""
    ws = qset.weights(B)
    ws.amplification = 1.0
    if T == 0 and ws.zero_T_error is not None:
        raise SymgravError(str(ws.zero_T_error))
    ctx = engine.line_context(qset, B)
    mu_b, T_b = B.num(mu), B.num(T)
    margin = engine.margin(B, T)
    margin_b = B.num(margin)

    def per_line(line):
        advance()
        return integrate_line(ctx, engine.line_features(B, line, mu, T), mu_b, T_b, margin_b)

    ctx2 = engine.line_context(qset, B2) if T == 0 and engine.model.dim == 2 else None

    def twice_precision(line):
        with B2.context():
            vals, sizes = integrate_line(ctx2, engine.line_features(B2, line, mu, T),
                                         B2.num(mu), B2.num(T), B2.num(engine.margin(B2, T)))
            return [B2.mpf(v) for v in vals], [B2.mpf(s) for s in sizes]
    fine = twice_precision if ctx2 is not None and not engine.isotropic else None
    return engine.layout.integrate(per_line, len(qset.quantities), mu, margin,
                                   engine.tolerance(), B, B2, fine_line=fine,
                                   grid=ctx.point_integrand(mu_b, T_b), T=T)


class _Lines(Route):
    """Lines through momentum space (:func:`integrate_momentum_space`), continuum or lattice."""

    lattice = False

    def reason(self, engine, qset, T):
        if engine.model.lattice == self.lattice:
            return ""
        return "lattice model (Brillouin-zone lines: bz_lines)" if engine.model.lattice else \
            "continuum model (rays: graded)"

    def run(self, engine, qset, mu, T, backend):
        return integrate_momentum_space(engine, qset, mu, T, backend)


class GradedLines(_Lines):
    """Rays of a continuum model, split at Fermi points and graded on the thermal scale."""

    name = "graded"
    summary = "graded rays of a continuum model"


class BrillouinZoneLines(_Lines):
    """Brillouin-zone lines of a lattice model; the transverse integral split at tangencies.

    A model with no band near mu (:meth:`symgrav.numeric.layout.Layout.gapped`) is
    integrated with the product trapezoid rule over the zone instead.
    """

    name = "bz_lines"
    summary = "Brillouin-zone lines of a lattice model"
    lattice = True

    def run(self, engine, qset, mu, T, backend):
        if engine.model.dim == 3 and not engine.layout.gapped(mu, T):
            # the (k_y, k_z) integral is a nested trapezoid rule (layout.py): hopeless below
            # the node count that resolves the occupations, so say so at once
            need = thermal_nodes(engine.bands, [float(mu)], float(T)) if T > 0 else None
            if need is None or need > LATTICE_3D_NODES:
                raise SymgravError(
                    "a three-dimensional lattice metal at " + (
                        "T = 0: the nested trapezoid rules converge only algebraically"
                        if need is None else
                        f"T = {mp.nstr(T, 6)} needs about {need} nodes per direction "
                        f"(2 |v| / T) and the lines stop at {LATTICE_3D_NODES}")
                    + "; raise T, or use dps='double' (route bz_planes: any T)")
        return integrate_momentum_space(engine, qset, mu, T, backend)


class BrillouinZoneGrid(Route):
    """The product trapezoid rule over the zone, converged by node doubling (bz_grid.py)."""

    name = "bz_grid"
    summary = "product trapezoid rule over the Brillouin zone"

    def reason(self, engine, qset, T):
        if not engine.model.lattice:
            return "continuum model (no Brillouin zone)"
        if engine.model.dim < 2:
            return "one dimension (one Brillouin-zone line: bz_lines)"
        return ""

    def run(self, engine, qset, mu, T, backend):
        if engine.route == "auto" and engine.model.dim == 2:
            raise NotApplicable("two dimensions: the Brillouin-zone lines are split at the "
                                "Fermi surface, exact at any T (force route='bz_grid')")
        try:
            return grid_integrals(engine, qset, [mu], T, backend)[0]
        except SymgravError as exc:
            if engine.route == "auto":
                raise NotApplicable(str(exc)) from None
            raise


class BrillouinZonePlanes(Route):
    """A 3D lattice model as the integral over k_z of 2D Brillouin-zone planes (bz_planes.py)."""

    name = "bz_planes"
    summary = "planes of a 3D lattice model, each by Brillouin-zone lines"

    def reason(self, engine, qset, T):
        model = engine.model
        if model.lattice and model.dim == 3:
            return "" if engine.double else \
                "not double precision (the planes run with dps='double' only)"
        return (f"{model.dim}D lattice model (planes of a 3D zone; in 2D the Brillouin-zone "
                "lines bz_lines do the same)" if model.lattice else
                "continuum model (no Brillouin zone)")

    def run(self, engine, qset, mu, T, backend):
        return plane_integrals(engine, qset, mu, T, backend)


class FermiSurfaceSum(Route):
    """Eq. (E1): sums over the Fermi points of every line of the T = 0 delta terms."""

    name = "fermi_surface"
    summary = "Fermi-surface sum at T = 0 (Eq. E1)"

    def reason(self, engine, qset, T):
        if T != 0:
            return "T > 0 (the Fermi-surface sum is the T = 0 limit)"
        if not qset.surface_only:
            return "the quantities have Fermi-sea parts (not only delta(eps - mu) terms)"
        return ""

    def run(self, engine, qset, mu, T, backend):
        B = backend
        surface = surface_lines(engine, qset, mu)
        if engine.model.lattice and engine.model.dim == 3:
            if not engine.double:
                raise SymgravError(
                    "d alpha/d mu (Eq. E1, the Mott value) of a 3D lattice model is integrated "
                    "over planes (route bz_planes) in double precision only: use dps='double'")
            # the lines next to tangencies at 106 bits even without closed forms (the
            # engine's backend2 is then double): the singular ends need them
            B2 = Mpfr(106) if engine.bands.supports(Mpfr(106)) else Mpf(106)
            return plane_integrals(engine, qset, mu, T, B, lines=surface, B2=B2)
        # the tangencies, and the lines within rounding distance of them, at twice B's
        # precision (d alpha/d mu runs at the engine's backend2 already in 2D: its B2 is
        # twice that again; at B's own precision the tangency is off by ~1e-29 and the lines
        # nearer to it than that see a Fermi point of zero slope, an infinite term)
        B2 = engine.backend2 if B == engine.backend else type(B)(2 * B.prec)
        if B2.prec <= B.prec and engine.bands.supports(Mpfr(2 * B.prec)):
            B2 = Mpfr(2 * B.prec)   # double precision without closed forms: gmpy2 band data
        fine_b2 = surface(B2)

        def at_twice_precision(line):
            vals, sizes = fine_b2(line)
            return [B2.mpf(v) for v in vals], [B2.mpf(s) for s in sizes]
        fine = at_twice_precision if engine.model.dim == 2 and not engine.isotropic and \
            B2.prec > B.prec else None
        vals, _ = engine.layout.integrate(surface(B), len(qset.quantities), mu,
                                          engine.margin(B, mp.mpf(0)), engine.tolerance(), B,
                                          B2, fine_line=fine, singular=True)
        return vals


def surface_lines(engine, qset, mu):
    """``B -> per_line``: the T = 0 Fermi-surface sums of ``qset`` along a line in backend B.

    Eq. (E1) with the quantities' delta coefficients
    (:func:`~symgrav.numeric.line_integral.fermi_surface_terms`), times the
    line weight; a line without Fermi points gives zeros.
    """
    n = len(qset.quantities)

    def at(B):
        ctx = engine.line_context(qset, B)
        coeffs = qset.weights(B).delta

        def per_line(line):
            with B.context():
                feats = engine.line_features(B, line, mu, mp.mpf(0))
                if not feats.fermi:
                    return [B.zero] * n, [B.zero] * n
                w = line.backend_weight(B)
                out = [t * w if mp.isfinite(B.mpf(t)) else t
                       for t in fermi_surface_terms(ctx, feats, coeffs)]
                return out, [abs(t) for t in out]
        return per_line
    return at


class ClosedForm(Route):
    """App. E with the closed-form T = 0 functions of SymPy (1D and isotropic continuum models).

    ``route="closed_form"``, or taken by ``auto`` above 15 digits from the
    :data:`CLOSED_FORM_AFTER`-th evaluation of an engine on: the first use derives
    the closed forms (seconds of SymPy per model); afterwards each point is a
    one-dimensional window average (:mod:`symgrav.numeric.closed_form_route`).
    """

    name = "closed_form"
    summary = "Fermi-window average of closed-form T = 0 functions (SymPy, App. E)"

    def reason(self, engine, qset, T):
        reason = static_reason(engine.model, engine.statistics, qset.quantities)
        if reason:
            return reason
        if engine.layout.window_lines() is None:
            return "anisotropic continuum model (needs 1D or isotropic band data)"
        return ""

    def run(self, engine, qset, mu, T, backend):
        ev = engine.closed_form_evaluator(qset)
        with mp.workprec(backend.prec):
            return ev.evaluate(mp.mpf(mu), mp.mpf(T))


#: the routes by name, in the order of the documentation
ROUTES = {r.name: r for r in (FermiWindow(), GradedLines(), BrillouinZoneLines(),
                              BrillouinZoneGrid(), BrillouinZonePlanes(), FermiSurfaceSum(),
                              ClosedForm())}
#: the order in which ``route="auto"`` tries them
AUTO_ORDER = ("fermi_surface", "window", "graded", "bz_lines")
#: beyond this many evaluations of one engine (same quantities, more than 15 digits) ``auto``
#: tries ``closed_form`` right after ``fermi_surface``: its one-off SymPy derivation (~2 s for
#: the Rashba model) is then repaid by ~1-2 ms instead of ~10-50 ms per point
CLOSED_FORM_AFTER = 100
#: ... and in double precision, where the graded lines (numpy-vectorized) are faster than
#: the Fermi-window route (scalar Chebyshev series) at the same accuracy
AUTO_ORDER_DOUBLE = ("fermi_surface", "graded", "bz_grid", "bz_planes", "bz_lines", "window")


def check_route(route):
    """Validate a route name ("auto" or one of :data:`ROUTES`)."""
    if route != "auto" and route not in ROUTES:
        raise SymgravError(f"route must be 'auto' or one of {', '.join(ROUTES)}; got {route!r}")
    return route
