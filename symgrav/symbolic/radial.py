"""Radial band data of an isotropic continuum model, its band edges and Fermi momenta.

For a continuum model whose band data (epsilon_n, Omega_n of Eq. 8b, m_n of
Eq. 8c) depend on |p| only, every Fermi-sea integral over d^d p/(2 pi hbar)^d
is a radial one,

    int d^d p/(2 pi hbar)^d F(p) = S_d/(2 pi hbar)^d int_0^oo p^(d-1) F(p) dp,

S_2 = 2 pi, S_3 = 4 pi; in one dimension the two rays p > 0 and p < 0 are
kept apart (weight 1/(2 pi hbar) each).  :class:`RadialModel` holds the data
along the rays in a positive Symbol ``p`` and splits every band into
monotonic segments between its extrema, with the Fermi momentum p_F(mu) of
each segment in closed form.  Which closed-form root belongs to which
segment, and whether an extremum exists at all (e.g. the Mexican hat of
Eq. 22 for b < m alpha^2), is decided at a reference point: the values in
``params``, the model's defaults for the other parameters.  The results hold
throughout the parameter region with the same band-edge structure.
"""

from __future__ import annotations

import random
from functools import lru_cache

import mpmath as mp
import sympy as sp

from ..errors import SymgravError
from .geometry import closed_form_band_data
from .model import Model
from .timelimit import TimeLimitExceeded, time_limited

#: the radial momentum and the chemical potential of the closed forms
RADIUS = sp.Symbol("p", positive=True)
MU = sp.Symbol("mu", real=True)
#: seconds SymPy may spend on one integral, equation or simplification
SECONDS = 60
NUMERIC_ROUTE = ("use the numeric route (symgrav.Susceptibilities, which integrates the same "
                 "band data at any precision)")
_DPS = 30


def exact_value(value, name):
    """A parameter value as an exact SymPy number (floats by their shortest repr).

    Plain bookkeeping for :func:`symgrav.zero_temperature`; no equation.
    """
    if isinstance(value, bool):
        raise SymgravError(f"parameter {name}: expected a number; got {value!r}")
    if isinstance(value, float):
        return sp.Rational(repr(value))
    try:
        out = sp.sympify(value, rational=True) if isinstance(value, str) else sp.sympify(value)
    except (sp.SympifyError, TypeError):
        raise SymgravError(f"parameter {name}: cannot read {value!r} as a number") from None
    if isinstance(out, sp.Float):
        out = sp.Rational(str(out))
    if not isinstance(out, sp.Expr) or out.free_symbols or not out.is_real:
        raise SymgravError(f"parameter {name}: expected a real number; got {value!r}")
    return out


@lru_cache(maxsize=256)
def _solve(expr):
    return sp.solve(expr, RADIUS)


def _num(expr):
    val = sp.N(expr, _DPS)
    if not val.is_number:
        raise SymgravError(f"internal: {expr} has no value at the reference point")
    return val


class Segment:
    """A monotonic piece of a band on a ray: p in (p_lo, p_hi), energies e_lo, e_hi there."""

    def __init__(self, ray, band, p_lo, p_hi, e_lo, e_hi, rising, root):
        self.ray, self.band = ray, band
        self.p_lo, self.p_hi, self.e_lo, self.e_hi = p_lo, p_hi, e_lo, e_hi
        self.rising, self.root = rising, root

    @property
    def bottom(self):
        """Lowest energy of the segment."""
        return self.e_lo if self.rising else self.e_hi

    @property
    def top(self):
        """Highest energy of the segment (oo for an unbounded rise)."""
        return self.e_hi if self.rising else self.e_lo


class Ray:
    """One radial line: its weight S_d/(2 pi hbar)^d and band data in :data:`RADIUS`."""

    def __init__(self, weight, energies, omega, moment):
        self.weight, self.energies, self.omega, self.moment = weight, energies, omega, moment


class RadialModel:
    """An isotropic continuum model along its rays, with parameters substituted.

    Parameters
    ----------
    model : Model
        A continuum model with closed-form band data (Eqs. 8b, 8c) depending
        on |p| only (checked at random directions).
    a, i : {"x", "y", "z"}
        Spin component and momentum axis.
    params : dict, optional
        Values substituted exactly for some or all parameters (by name).

    Attributes
    ----------
    rays : list of Ray
    reference : dict
        Symbol -> exact value of every parameter left symbolic (the model's
        defaults), the point where the band-edge structure is decided.
    """

    def __init__(self, model, a="x", i="x", params=None):
        if not isinstance(model, Model):
            raise SymgravError(f"expected a symgrav.Model; got {type(model).__name__}")
        if model.lattice:
            raise SymgravError("closed forms of the susceptibilities exist for continuum "
                               "models only; " + NUMERIC_ROUTE)
        by_name = {s.name: s for s in model.parameters}
        if "mu" in by_name or "T" in by_name:
            raise SymgravError("the model has a parameter named 'mu' or 'T', the names of the "
                               "chemical potential and temperature of the closed forms")
        subs = {}
        for key, value in dict(params or {}).items():
            name = key.name if isinstance(key, sp.Symbol) else str(key)
            if name not in by_name:
                raise SymgravError(f"unknown parameter {name!r}; the model's parameters are "
                                   f"{sorted(by_name)}")
            subs[by_name[name]] = exact_value(value, name)
        self.reference = {}
        for name, sym in by_name.items():
            if sym in subs:
                continue
            if name not in model.defaults:
                raise SymgravError(f"parameter {name!r} has neither a value in params nor a "
                                   "default in the model; the band-edge structure is decided "
                                   "at a reference point, give it a value")
            self.reference[sym] = exact_value(model.defaults[name], name)
        self.model, self.subs, self.dim = model, subs, model.dim
        energies, omega, moment = closed_form_band_data(model, a, i)
        hbar = model.hbar_real.xreplace(subs)
        d = model.dim
        if d == 1:
            directions, solid = [(1,), (-1,)], 1
        else:
            self._check_isotropic(energies, omega, moment)
            directions = [(1, 0)] if d == 2 else [(0, 0, 1)]
            solid = 2 * sp.pi if d == 2 else 4 * sp.pi
        weight = solid / (2 * sp.pi * hbar) ** d
        self.rays = []
        for direction in directions:
            point = {p: c * RADIUS for p, c in zip(model.momenta_real, direction)}
            data = [tuple(sp.expand(e.xreplace(point).xreplace(subs)) for e in group)
                    for group in (energies, omega, moment)]
            self.rays.append(Ray(weight, *data))

    # -- reference point ------------------------------------------------------
    def at_reference(self, expr):
        """``expr`` at the reference point, a 30-digit SymPy Float (bookkeeping)."""
        return _num(sp.sympify(expr).xreplace(self.reference))

    def _check_isotropic(self, energies, omega, moment):
        rng = random.Random(11)
        point = dict(self.subs)
        point.update(self.reference)
        with mp.workdps(_DPS):
            for _ in range(2):
                r = sp.Rational(rng.randint(3, 17), 7)
                rows = []
                for _ in range(3):
                    if self.dim == 2:
                        th = rng.uniform(0, 6.28)
                        vec = (mp.cos(th), mp.sin(th))
                    else:
                        u, ph = mp.mpf(rng.uniform(-1, 1)), rng.uniform(0, 6.28)
                        s = mp.sqrt(1 - u * u)     # u an mpf: a unit vector to _DPS digits
                        vec = (s * mp.cos(ph), s * mp.sin(ph), u)
                    at = dict(point)
                    at.update({p: r * sp.Float(c, _DPS)
                               for p, c in zip(self.model.momenta_real, vec)})
                    rows.append([_num(e.xreplace(at)) for e in energies + omega + moment])
                for row in rows[1:]:
                    if any(abs(x - y) > sp.Float(10) ** (5 - _DPS) * (1 + abs(y))
                           for x, y in zip(row, rows[0])):
                        raise SymgravError(
                            "the band data depend on the direction of p (not an isotropic "
                            "model): closed forms exist for 1D and isotropic 2D/3D continuum "
                            "models; " + NUMERIC_ROUTE)

    # -- band edges and Fermi momenta --------------------------------------------
    def segments(self):
        """Every band on every ray split into monotonic :class:`Segment` objects."""
        if not hasattr(self, "_segments"):
            self._segments = [seg for k, ray in enumerate(self.rays)
                              for n in range(len(ray.energies))
                              for seg in self._band_segments(k, n)]
        return self._segments

    def _solve(self, expr, what):
        try:
            sols = time_limited(SECONDS, _solve, expr)
        except TimeLimitExceeded:
            raise SymgravError(f"SymPy did not solve {what} within {SECONDS} s; "
                               + NUMERIC_ROUTE) from None
        except NotImplementedError:
            raise SymgravError(f"SymPy cannot solve {what} in closed form; "
                               + NUMERIC_ROUTE) from None
        return [s for s in sols if not isinstance(s, (tuple, dict))]

    def _band_segments(self, k, n):
        eps = self.rays[k].energies[n]
        slope = sp.diff(eps, RADIUS)
        crit = []
        for c in self._solve(slope, f"d eps_{n}/dp = 0"):
            val = self.at_reference(c)
            if val.is_real and val > 0 and abs(self.at_reference(slope.xreplace({RADIUS: c}))) \
                    < sp.Float(10) ** (10 - _DPS) * (1 + abs(self.at_reference(eps.xreplace(
                        {RADIUS: c})))):
                crit.append((val, c))
        crit.sort(key=lambda t: t[0])
        self._check_extrema(slope, [v for v, _ in crit], n)
        top = sp.limit(eps.xreplace(self.reference), RADIUS, sp.oo)
        if top != sp.oo:
            raise SymgravError(f"band {n} does not rise to +oo at large |p| (limit {top}); "
                               "the zero-temperature Fermi sea would be unbounded")
        points = [sp.Integer(0)] + [c for _, c in crit] + [sp.oo]
        out = []
        for lo, hi in zip(points[:-1], points[1:]):
            e_lo = self._value(eps, lo)
            e_hi = sp.oo if hi is sp.oo else self._value(eps, hi)
            mid = self.at_reference(lo) + 1 if hi is sp.oo else \
                (self.at_reference(lo) + self.at_reference(hi)) / 2
            rising = self.at_reference(slope.xreplace({RADIUS: mid})) > 0
            root = self._root(eps, lo, hi, e_lo, e_hi, rising, n)
            out.append(Segment(k, n, lo, hi, e_lo, e_hi, rising, root))
        return out

    def _value(self, expr, p):
        out = expr.xreplace({RADIUS: p})
        if out.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            out = sp.limit(expr, RADIUS, p, "+")
        return sp.simplify(out)

    def _check_extrema(self, slope, found, n):
        """A sign scan of d eps/dp at the reference point: no extremum missed."""
        f = sp.lambdify([RADIUS], slope.xreplace(self.reference), "mpmath")
        with mp.workdps(_DPS):
            grid = [mp.mpf(10) ** (mp.mpf(j) / 40) for j in range(-160, 161)]
            signs = [mp.sign(f(x)) for x in grid]
        changes = sum(1 for s, t in zip(signs, signs[1:]) if s * t < 0)
        if changes != len(found):
            raise SymgravError(f"band {n}: SymPy found {len(found)} extrema of the energy at "
                               f"p > 0, a numeric scan {changes}; " + NUMERIC_ROUTE)

    def _root(self, eps, lo, hi, e_lo, e_hi, rising, n):
        """The closed-form p_F(mu) on (lo, hi): a root of eps = mu checked at two mu."""
        cands = self._solve(eps - MU, f"eps_{n}(p) = mu")
        a, b = self.at_reference(e_lo), self.at_reference(e_hi) if e_hi is not sp.oo else None
        lo_v = self.at_reference(lo)
        hi_v = None if hi is sp.oo else self.at_reference(hi)
        if b is None:
            tests = [a + sp.Rational(1, 2), a + 3]
        else:
            tests = [a + (b - a) / 3, a + 2 * (b - a) / 3]
        for cand in cands:
            ok = True
            for mu in tests:
                val = self.at_reference(cand.xreplace({MU: mu}))
                if not (val.is_real and val > lo_v and (hi_v is None or val < hi_v)):
                    ok = False
                    break
                resid = self.at_reference(eps.xreplace({RADIUS: val})) - mu
                if abs(resid) > sp.Float(10) ** (10 - _DPS) * (1 + abs(mu)):
                    ok = False
                    break
            if ok:
                return cand
        raise SymgravError(f"no closed-form Fermi momentum of band {n} on ({lo}, {hi}) among "
                           f"SymPy's roots; " + NUMERIC_ROUTE)

    def edges(self):
        """Band-edge energies of all segments, distinct, ascending at the reference point."""
        found = []
        for seg in self.segments():
            for e in (seg.e_lo, seg.e_hi):
                if e is sp.oo:
                    continue
                v = self.at_reference(e)
                if all(abs(v - w) > sp.Float(10) ** (5 - _DPS) * (1 + abs(v)) for w, _ in found):
                    found.append((v, e))
        found.sort(key=lambda t: t[0])
        return [e for _, e in found], [v for v, _ in found]
