"""Closed forms of the susceptibilities at T = 0: Eqs. (19a), (8a), (19b), (B7a) as functions of mu.

For an isotropic continuum model (:mod:`symgrav.symbolic.radial`) at T = 0 the
occupations are steps, and every quantity X with weights (w_Omega, w_m) of the
registry (:mod:`symgrav.symbolic.quantities`, :meth:`Quantity.zero_temperature`)
is

    X0(mu) = sum_rays S sum_n int_{eps_n(p) < mu} p^(d-1)
             [Omega_n w_Omega(eps_n - mu) + m_n w_m(eps_n - mu)] dp
             - c(0) sum_rays S sum_n p_F^(d-1) g_n(p_F) / |eps_n'(p_F)|,

the second line being the Fermi-surface term of a weight c(xi) f'(xi).  The
radial integral is done once as an antiderivative F_n(p; mu); on each
monotonic segment of a band the occupied part ends at the closed-form Fermi
momentum p_F(mu), so X0 is a ``Piecewise`` in mu over the intervals between
the band-edge energies.  T beta (Eq. 20) is 0 at T = 0.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from ..errors import SymgravError
from .derived import lookup
from .model import AXES, axis_index
from .quantities import XI, Quantity
from .radial import MU, NUMERIC_ROUTE, RADIUS, SECONDS, RadialModel
from .timelimit import TimeLimitExceeded, time_limited


_U, _S = sp.symbols("u s", positive=True)


def _euler(term):
    """int term dp for term = p h(p^2) with one square root sqrt(A p^2 + B): rational in s.

    With u = p^2 and s = sqrt(A u + B) (p dp = du / 2 = s ds / A), the integrand is a
    rational function of s, which SymPy integrates at once.  None when the term
    has another shape.
    """
    h = sp.expand(term / RADIUS)
    q = sp.Dummy("q", real=True)
    hq = h.xreplace({RADIUS: q})
    if sp.expand(hq - hq.xreplace({q: -q})) != 0:
        return None
    hu = sp.expand(h.xreplace({RADIUS: sp.sqrt(_U)}))
    roots = {e.base for e in hu.atoms(sp.Pow) if e.has(_U) and e.exp.is_Rational
             and e.exp.q == 2}
    if len(roots) > 1:
        return None
    if not roots:
        if hu.atoms(sp.Pow) and any(e.has(_U) and not e.exp.is_integer
                                    for e in hu.atoms(sp.Pow)):
            return None
        return sp.integrate(hu, _U).xreplace({_U: RADIUS ** 2}) / 2
    base = roots.pop()
    poly = sp.Poly(base, _U) if base.is_polynomial(_U) else None
    if poly is None or poly.degree() != 1:
        return None
    A, B = poly.all_coeffs()
    hs = sp.expand(hu.xreplace({_U: (_S ** 2 - B) / A}))
    hs = sp.powdenest(hs, force=True)
    if not sp.together(hs).is_rational_function(_S):
        return None
    anti = sp.integrate(sp.together(hs * _S / A), _S)
    return anti.xreplace({_S: sp.sqrt(A * RADIUS ** 2 + B)})


def _euler_first(term):
    """int term dp for term rational in p and one sqrt(A p^2 + B), A > 0: rational in t.

    Euler's first substitution t = sqrt(A) p + sqrt(A p^2 + B):
    p = (t^2 - B)/(2 sqrt(A) t), sqrt(A p^2 + B) = (t^2 + B)/(2 t),
    dp = (t^2 + B)/(2 sqrt(A) t^2) dt.  None when the term has another shape.
    """
    pows = [e for e in term.atoms(sp.Pow) if e.has(RADIUS) and e.exp.is_Rational
            and e.exp.q == 2]
    bases = {e.base for e in pows}
    if len(bases) != 1:
        return None
    base = bases.pop()
    if not base.is_polynomial(RADIUS):
        return None
    poly = sp.Poly(base, RADIUS)
    if poly.degree() != 2 or poly.coeff_monomial(RADIUS) != 0:
        return None
    A, B = poly.coeff_monomial(RADIUS ** 2), poly.coeff_monomial(1)
    if A.is_positive is not True:
        return None
    r = sp.Dummy("r", positive=True)
    marked = term.xreplace({e: r ** (2 * e.exp) for e in pows})
    if not sp.together(marked).is_rational_function(RADIUS, r):
        return None
    rootA = sp.sqrt(A)
    p_of_t = (_S ** 2 - B) / (2 * rootA * _S)
    r_of_t = (_S ** 2 + B) / (2 * _S)
    integrand = sp.cancel(marked.xreplace({RADIUS: p_of_t, r: r_of_t})
                          * (_S ** 2 + B) / (2 * rootA * _S ** 2))
    anti = sp.integrate(integrand, _S)
    return anti.xreplace({_S: rootA * RADIUS + sp.sqrt(base)})


@lru_cache(maxsize=1024)
def _integrate(expr):
    out = None
    if expr.has(RADIUS):
        out = _euler(expr)
        if out is None:
            out = _euler_first(expr)
    return sp.integrate(expr, RADIUS) if out is None else out


def _antiderivative(expr, what):
    """int expr dp term by term (time-limited), or a SymgravError pointing to the numeric route."""
    expr = sp.expand(expr)
    total = sp.Integer(0)
    for term in sp.Add.make_args(expr):
        try:
            part = time_limited(SECONDS, _integrate, term)
        except TimeLimitExceeded:
            raise SymgravError(f"SymPy did not integrate {what} within {SECONDS} s; "
                               + NUMERIC_ROUTE) from None
        if part.has(sp.Integral):
            raise SymgravError(f"SymPy cannot integrate {what} in closed form; "
                               + NUMERIC_ROUTE)
        total += part
    return total


def _at(F, p):
    """F at p (a limit at p = 0 when the value is not finite there)."""
    out = F.xreplace({RADIUS: p})
    if out.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        out = sp.limit(F, RADIUS, p, "+")
    return out


#: seconds and size (operation count) up to which a branch is simplified
TIDY_SECONDS, TIDY_OPS = 3, 300


def _tidy(expr):
    """sp.simplify of a branch when it is small and quick, else the branch as it is."""
    if sp.count_ops(expr) > TIDY_OPS:
        return expr
    try:
        return time_limited(TIDY_SECONDS, sp.simplify, expr)
    except TimeLimitExceeded:
        return expr


class _Weights:
    """The T = 0 weights of a quantity (below the Fermi level, Fermi-surface coefficients)."""

    def __init__(self, quantity):
        forms = quantity.zero_temperature()
        (above_o, below_o, delta_o), (above_m, below_m, delta_m) = forms["omega"], forms["moment"]
        if above_o != 0 or above_m != 0:
            raise SymgravError(f"quantity {quantity.name!r} has weight above the Fermi level at "
                               "T = 0 (not a Fermi-sea quantity); no closed form")
        self.below = (below_o, below_m)
        self.delta = (delta_o, delta_m)


class _Band:
    """Antiderivative and Fermi-surface density of one band on one ray."""

    def __init__(self, radial, ray, n, weights, name):
        d = radial.dim
        eps, om, mm = ray.energies[n], ray.omega[n], ray.moment[n]
        xi = eps - MU
        integrand = RADIUS ** (d - 1) * (om * weights.below[0].xreplace({XI: xi})
                                         + mm * weights.below[1].xreplace({XI: xi}))
        self.F = _antiderivative(integrand, f"the radial integrand of {name!r} (band {n})")
        self.weight = ray.weight
        surface = weights.delta[0] * om + weights.delta[1] * mm
        self.surface = None if surface == 0 else \
            -RADIUS ** (d - 1) * surface / sp.diff(eps, RADIUS)

    def full(self, seg):
        return self.weight * (_at(self.F, seg.p_hi) - _at(self.F, seg.p_lo))

    def partial(self, seg):
        pf = seg.root
        if seg.rising:
            val = _at(self.F, pf) - _at(self.F, seg.p_lo)
        else:
            val = _at(self.F, seg.p_hi) - _at(self.F, pf)
        if self.surface is not None:
            dens = self.surface.xreplace({RADIUS: pf})
            val += dens if seg.rising else -dens
        return self.weight * val


def _quantity(quantity):
    q = lookup(quantity)
    if not isinstance(q, Quantity):
        raise SymgravError(f"{q.name!r} is a derived column, not a Fermi-sea quantity")
    return q


def params_key(params):
    """``params`` as a sorted tuple of (name, str(value)), a cache key (bookkeeping)."""
    return tuple(sorted((k.name if isinstance(k, sp.Symbol) else str(k), str(v))
                        for k, v in dict(params or {}).items()))


@lru_cache(maxsize=16)
def radial_model(model, a, i, key):
    """The cached :class:`RadialModel` of (model, a, i, params as a sorted tuple); bookkeeping."""
    return RadialModel(model, a, i, {k: v for k, v in key})


@lru_cache(maxsize=64)
def zero_temperature_pieces(model, q, a, i, key):
    """The branches of X0(mu) (Eqs. 19a, 19b, 8a, B7a at T = 0) and their conditions.

    Internal symbols; ``key`` is :func:`params_key` of the parameters.  Every
    quantity of one (model, a, i, key) has the same conditions (the
    band-edge intervals), so branches can be combined index by index.

    Returns
    -------
    branches, conditions : tuple of sympy.Expr, tuple of sympy.Boolean
    """
    radial = radial_model(model, a, i, key)
    weights = _Weights(q)
    segments = radial.segments()
    edges, values = radial.edges()
    conds = tuple([MU < e for e in edges] + [sp.true])
    if q.name == "T_beta":
        return (sp.Integer(0),) * len(conds), conds
    bands = {}
    for seg in segments:
        if (seg.ray, seg.band) not in bands:
            bands[seg.ray, seg.band] = _Band(radial, radial.rays[seg.ray], seg.band, weights,
                                             q.name)
    tests = [(x + y) / 2 for x, y in zip(values, values[1:])] + [values[-1] + 1]
    branches = [sp.Integer(0)]
    for mu in tests:
        total = sp.Integer(0)
        for seg in segments:
            band = bands[seg.ray, seg.band]
            bottom = radial.at_reference(seg.bottom)
            top = None if seg.top is sp.oo else radial.at_reference(seg.top)
            if mu <= bottom:
                continue
            if top is not None and mu >= top:
                total += band.full(seg)
            else:
                total += band.partial(seg)
        branches.append(_tidy(total))
    return tuple(branches), conds


def quantity_record(quantity):
    """The registry's :class:`Quantity` for a name or a Quantity (bookkeeping)."""
    return _quantity(quantity)


def zero_temperature(model, quantity, a="x", i="x", params=None):
    r"""The T = 0 value of a Fermi-sea quantity as a closed-form function of mu.

    Eqs. (19a) (alpha), (8a) (M), (19b) (T beta~), (B7a) (M~) at T = 0 for
    isotropic continuum models in 1D, 2D and 3D (T beta, Eq. 20, is 0): the
    radial integral of Omega_n (Eq. 8b) and m_n (Eq. 8c) with the registry's
    T = 0 weights, done symbolically up to the closed-form Fermi momenta, on
    the intervals between the band-edge energies (module docstring).

    Parameters
    ----------
    model : Model
        A 1D, or isotropic 2D/3D, continuum model with closed-form band data.
    quantity : str or Quantity
        ``"alpha"``, ``"mqm"``, ``"T_beta_kubo"``, ``"mqm_aux"``, ``"T_beta"``,
        ``"dalpha_dmu"`` (Eq. E1) or a user :class:`~symgrav.Quantity` whose
        weights have a T = 0 limit.
    a, i : {"x", "y", "z"}
        Spin component and momentum axis.
    params : dict, optional
        Exact values substituted for some or all parameters (name -> number;
        floats are read by their shortest decimal repr).  The band-edge
        structure (which extrema exist, which root is which Fermi momentum)
        is decided at these values and the model's defaults for the rest;
        the formula holds in the whole region with that structure (for
        Eq. 22 give ``b`` and ``m alpha^2`` to pick b < m alpha^2 or b > m alpha^2).

    Returns
    -------
    sympy.Expr
        A ``Piecewise`` in the real Symbol ``mu`` (and the parameters left
        symbolic, in the user's symbols), zero below the lowest band edge.

    Raises
    ------
    SymgravError
        A lattice or anisotropic model, a band that does not rise to +oo, or
        SymPy cannot do (or does not finish within a time limit) an integral
        or an equation; the message points to :class:`symgrav.Susceptibilities`.

    See Also
    --------
    low_temperature_series : the Sommerfeld series built from these functions.
    symgrav.Susceptibilities : the numeric route for every model.
    """
    q = _quantity(quantity)
    a, i = AXES[axis_index(a, "spin component a")], AXES[axis_index(i, "momentum axis i")]
    branches, conds = zero_temperature_pieces(model, q, a, i, params_key(params))
    return model.to_user(sp.Piecewise(*zip(branches, conds)))
