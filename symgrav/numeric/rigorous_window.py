"""Certified enclosures at T > 0: the Fermi-window average of the closed forms in Arb (App. E).

Every quantity linear in the occupations is the window average (Eq. E2;
:func:`symgrav.symbolic.sommerfeld.window_integrand`, derived from the
registry's weights)

    X(mu, T) = int dE w(E) G(E; mu, T),    w(E) = -f'(E - mu) = e^u / (T (1 + e^u)^2),

u = (E - mu)/T, with G a ``Piecewise`` closed form over the band-edge
intervals that vanishes below the lowest edge.  :func:`enclosure` computes
the integral with ``flint.acb.integral`` (rigorous Gauss-Legendre with
error bounds from the integrand on complex ellipses, the branch cuts of G
checked by :func:`~symgrav.numeric.arb_compile.ball_function`): from the
lowest band edge to a cut E_c, one piece per band-edge interval (where each
branch is analytic in the open interval), split further at mu and
mu +- c T.  Beyond E_c, |G(E)| <= C E^p (:func:`~symgrav.numeric.tail_bound.power_bound`)
and w(E) <= e^(-u) bound the tail, added to the radius.  A band edge known
only as a ball contributes its width times a bound of the integrand there.
Where a piece cannot be bounded next to an exact (dyadic) band edge -- the
square-root points of G, and the 1/sqrt of a Fermi-surface term (df in the
weight, Eq. B7a) at a band extremum on a ring -- the piece next to the edge
is integrated in s with E = edge +- s^2, the s^2 pulled out of the square
roots and the 1/s cancelled exactly in SymPy first.

The inputs are exact (rationals, or decimal strings read exactly) and the
result is an :class:`Enclosure` of the exact value of the closed-form
Fermi-window integral.  python-flint is an optional dependency
(``pip install symgrav[rigorous]``).
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

from ..errors import SymgravError
from ..symbolic.model import AXES, axis_index
from ..symbolic.quantities import TEMP
from ..symbolic.radial import MU
from ..symbolic.sommerfeld import CHEMICAL_POTENTIAL, FERMI_ENERGY, window_integrand
from ..symbolic.zero_temperature import (params_key, quantity_record, radial_model,
                                         zero_temperature)
from .arb_compile import ball_function
from .rigorous import arb_value, require_flint, zero_temperature_enclosure
from .tail_bound import NoTailBound, power_bound, window_tail
from ..symbolic.timelimit import TimeLimitExceeded, time_limited

#: split points mu + c T around the Fermi level (the poles of w lie at Im E = pi T (2k + 1))
_SPLITS = (1, 4, 16)


def _fraction(ball):
    """An exact arb (a dyadic number) as a Fraction."""
    man, exp = ball.mid().man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** -exp)


class Enclosure:
    """A certified interval [lower, upper] containing an exact value (Arb ball, exact ends).

    Parameters
    ----------
    ball : flint.arb
        The Arb ball; ``lower``, ``upper``, ``mid`` and ``radius`` are its
        exact endpoints, midpoint and radius as :class:`fractions.Fraction`.
    name : str
        What it encloses (for printing).
    """

    def __init__(self, ball, name=""):
        if not ball.is_finite():
            raise SymgravError(f"the enclosure of {name or 'a value'} is not finite")
        self.ball, self.name = ball, name
        self.lower, self.upper = _fraction(ball.lower()), _fraction(ball.upper())
        self.mid, self.radius = _fraction(ball.mid()), _fraction(ball.rad())

    def contains(self, x):
        """True when the exact number x (int, Fraction, decimal str, mpf, sympy Rational) is inside."""
        if hasattr(x, "man_exp"):            # mpmath mpf: man_exp holds |mantissa|
            man, exp = x.man_exp
            x = Fraction(int(man) * (-1 if x < 0 else 1)) * Fraction(2) ** int(exp)
        x = Fraction(str(x)) if isinstance(x, str) or hasattr(x, "is_Rational") else Fraction(x)
        return self.lower <= x <= self.upper

    def digits(self):
        """Correct significant digits (log10 of |mid| / radius), inf for an exact value."""
        if self.radius == 0:
            return math.inf
        if self.mid == 0:
            return 0.0
        return math.log10(abs(self.mid) / self.radius)

    def __str__(self):
        digits = self.digits()
        return self.ball.str(min(60, max(5, 2 + int(digits if digits != math.inf else 58))),
                             radius=True)

    def __repr__(self):
        return f"Enclosure({self.name!r}, {self})"


def exact_rational(value, what):
    """An int, decimal or fraction string, or sympy Rational as an exact sympy Rational.

    Input bookkeeping of :func:`enclosure`; floats are refused (not exact).
    """
    if isinstance(value, float):
        raise SymgravError(f"give {what} as a string or a rational (a float is not exact)")
    try:
        out = sp.Rational(value) if isinstance(value, str) else sp.sympify(value)
    except (sp.SympifyError, TypeError, ValueError):
        raise SymgravError(f"{what} must be a rational number; got {value!r}") from None
    if not out.is_Rational:
        raise SymgravError(f"{what} must be a rational number; got {value!r}")
    return out


def _full_params(model, params):
    full = dict(model.defaults)
    full.update({(k.name if isinstance(k, sp.Symbol) else str(k)): v
                 for k, v in dict(params or {}).items()})
    for name, v in full.items():
        if isinstance(v, float):
            full[name] = str(v)
    missing = sorted({s.name for s in model.parameters} - set(full))
    if missing:
        raise SymgravError(f"a certified enclosure needs a value for every parameter; "
                           f"missing {missing}")
    return full


#: integrand evaluations of one acb.integral before it gives up (a non-finite ball)
_EVALS = 50000
#: seconds for the SymPy rewriting of one branch at a band edge
_EDGE_SECONDS = 30
_S = sp.Symbol("s", positive=True)


def _root_at_edge(x):
    """base^(k/2) with the s^2 of a base vanishing at s = 0 pulled out (s > 0).

    A polynomial base is factored (sqrt(s^2 Q) = s sqrt(Q)); a base X + c sqrt(Y)
    is rewritten as (X^2 - c^2 Y) / (X - c sqrt(Y)), whose numerator is.
    """
    base = sp.expand(x.base)
    if sp.expand(base.xreplace({_S: 0})) != 0:
        return x
    if base.is_polynomial(_S):
        return sp.factor(base) ** x.exp
    radicals = [a for a in base.atoms(sp.Pow) if a.exp == sp.S.Half and a.base.has(_S)]
    if len(radicals) == 1:
        r = radicals[0]
        c = base.coeff(r)
        X = sp.expand(base - c * r)
        num = sp.expand(X ** 2 - c ** 2 * r.base)
        if not (X.has(r) or c.has(r)) and num.is_polynomial(_S):
            return sp.factor(num) ** x.exp / (X - c * r) ** x.exp
    return x


def _edge_form(row, edge, sigma):
    """2 s G(edge + sigma s^2) with sqrt(s^2 Q) = s sqrt(Q), in the Symbol s."""
    g = row.xreplace({FERMI_ENERGY: edge + sigma * _S ** 2})
    g = g.replace(lambda x: x.is_Pow and x.exp.is_Rational and x.exp.q == 2 and x.base.has(_S),
                  _root_at_edge)
    h = sp.expand(2 * _S * g, power_base=False, power_exp=False, multinomial=False, log=False)
    # common factors s out of expanded denominators, so that s / s cancels
    return sp.Add(*[sp.factor_terms(t) for t in sp.Add.make_args(h)])


class _Window:
    """The integrand w(E) G(E) of one quantity at exact (mu, T), branch by branch."""

    def __init__(self, model, q, a, i, key, mu, T, flint):
        self.flint = flint
        rows = window_integrand(model, q, a, i, key)
        exact, _ = radial_model(model, a, i, key).edges()
        subs = {CHEMICAL_POTENTIAL: mu, TEMP: T}
        self.rows = [sp.sympify(r).xreplace(subs) for r in rows]
        if self.rows[0] != 0:
            raise SymgravError("the window integrand does not vanish below the band bottom")
        for r in self.rows + [sp.sympify(e) for e in exact]:
            if r.free_symbols - {FERMI_ENERGY}:
                raise SymgravError("substitute every parameter before a certified evaluation")
        self.exact_edges = [sp.sympify(e) for e in exact]
        self.mu, self.T = mu, T
        self.funcs = [ball_function(r, [FERMI_ENERGY], flint.acb) for r in self.rows]
        self._edge_funcs = {}

    def weight(self, E, below):
        """-f'(E - mu), in the form without overflow on each side of mu."""
        u = (E - self.mu_b) / self.T_b
        e = u.exp() if below else (-u).exp()
        return e / (self.T_b * (1 + e) ** 2)

    def integral(self, n, lo, hi, tol):
        """int_lo^hi w G_n, exact dyadic ends on one side of mu (acb.integral)."""
        below = hi <= self.mu_b.mid()
        f = self.funcs[n]

        def integrand(z, analytic):
            return self.weight(z, below) * f([z], analytic)
        out = self.flint.acb.integral(integrand, lo, hi, abs_tol=tol, rel_tol=tol,
                                      eval_limit=_EVALS)
        return out.real

    def _piece(self, n, lo, hi, tol, ends, soft):
        """int_lo^hi w G_n; an end at a band edge through E = edge +- s^2 when needed.

        ``ends`` = (k, k') are the band edges at lo and hi (or None) where the
        substitution may be used; at a ``soft`` edge it must be (the integrand
        is unbounded there and the edge ball was not counted in the radius).
        """
        if not soft & set(ends):
            out = self.integral(n, lo, hi, tol)
            if out.is_finite() or ends == (None, None):
                return out
        mid = ((lo + hi) / 2).mid()
        below = hi <= self.mu_b.mid()
        total = self.flint.arb(0)
        for a, b, k, sigma in ((lo, mid, ends[0], 1), (mid, hi, ends[1], -1)):
            if k is None:
                total += self.integral(n, a, b, tol)
            else:
                total += self._edge_integral(n, k, sigma, b if sigma > 0 else a, below, tol)
        return total

    def _edge_integral(self, n, k, sigma, far, below, tol):
        """int between the exact edge e = edge k and far of w G_n, as an integral over s.

        E = e + sigma s^2, s from 0 to S = sqrt(|far - e|): G_n has square-root
        points at a band edge (and 1/sqrt ones in a Fermi-surface term); with
        sqrt(s^2 Q(s)) = s sqrt(Q(s)) the factor 2 s of dE cancels the 1/s,
        exactly in SymPy.  S is a ball: the integral runs to its midpoint and
        |S - mid| times a bound of the integrand on S is added to the radius.
        """
        flint = self.flint
        key = (n, k, sigma)
        if key not in self._edge_funcs:
            try:
                h = time_limited(_EDGE_SECONDS, _edge_form, self.rows[n], self.exact_edges[k],
                                 sigma)
            except TimeLimitExceeded:
                raise SymgravError("the integrand at a band edge could not be rewritten for "
                                   f"a certified integral within {_EDGE_SECONDS} s") from None
            self._edge_funcs[key] = ball_function(h, [_S], flint.acb)
        f = self._edge_funcs[key]
        e = arb_value(self.exact_edges[k], {}, flint)

        def integrand(z, analytic):
            return self.weight(e + sigma * z * z, below) * f([z], analytic)
        S = (sigma * (far - e)).sqrt()
        main = flint.acb.integral(integrand, 0, S.mid(), abs_tol=tol, rel_tol=tol,
                                  eval_limit=_EVALS).real
        edge = abs(integrand(flint.acb(S), False)).upper() * S.rad()
        return main + flint.arb(0, edge)

    def sup_bound(self, n, lo, hi):
        """A bound of |w G_n| on the real segment [lo, hi] (a ball covering it)."""
        acb, arb = self.flint.acb, self.flint.arb
        ball = acb(arb((lo + hi) / 2, (hi - lo) / 2))
        below = hi <= self.mu_b.mid()
        val = self.weight(ball, below) * self.funcs[n]([ball], False)
        return arb(abs(val).upper())

    def evaluate(self, prec_bits, tol_bits):
        """The ball of X(mu, T) at Arb precision prec_bits, absolute tolerance 2^-tol_bits."""
        flint = self.flint
        arb = flint.arb
        with flint.ctx.workprec(prec_bits):
            self.mu_b, self.T_b = arb_value(self.mu, {}, flint), arb_value(self.T, {}, flint)
            edges = [arb_value(e, {}, flint) for e in self.exact_edges]
            tol = arb(2) ** -tol_bits
            L = tol_bits * math.log(2) + 10
            points = [(e.lower(), e.upper(), k) for k, e in enumerate(edges)]
            top = max(float(edges[-1].upper()), float(self.mu_b + L * self.T_b), 1.0)
            C, p, Ec = self._tail(math.ceil(top) + 1, flint)
            Ec = arb(Ec)
            # exact dyadic split points (only the efficiency depends on where they are)
            cuts = [self.mu_b.mid()] + [(self.mu_b + s * c * self.T_b).mid()
                                        for c in _SPLITS + (L,) for s in (-1, 1)]
            lo0 = edges[0].upper()
            cuts = [c for c in cuts if lo0 < c < Ec]
            total = arb(0)
            radius = window_tail(C, p, Ec, self.mu_b, self.T_b, flint)
            # the band-edge balls: width times a bound of both neighbouring branches, or
            # (soft edges, the integrand unbounded there) the s-integrals of _piece
            soft = set()
            for lo, hi, k in points:
                if hi > lo:
                    bound = (hi - lo) * (self.sup_bound(k, lo, hi) + self.sup_bound(k + 1, lo, hi))
                    if bound.is_finite():
                        radius += bound
                    else:
                        soft.add(k)
            bounds = sorted([lo0] + [pt for lo, hi, _ in points[1:] for pt in (lo, hi)]
                            + [Ec] + cuts, key=lambda x: float(x.mid()))
            bounds = [b.mid() for b in bounds]
            for lo, hi in zip(bounds, bounds[1:]):
                if not hi > lo:
                    continue
                n = sum(1 for e in edges if e.upper() <= lo)
                if any(e.lower() < hi and e.upper() > lo for e in edges):
                    continue  # inside an edge ball: counted in the radius
                ends = [next((k for k, e in enumerate(edges) if x == end(e)
                              and (e.rad() == 0 or k in soft)), None)
                        for x, end in ((lo, arb.upper), (hi, arb.lower))]
                total += self._piece(n, lo, hi, tol, tuple(ends), soft)
            out = total + arb(0, radius)
            return +out

    def scale(self, prec_bits):
        """max |G_n(E)| at mu, between the band edges and above them: the size of X's integrand."""
        flint = self.flint
        with flint.ctx.workprec(prec_bits):
            vals = [float(arb_value(e, {}, flint).mid()) for e in self.exact_edges]
            pts = [(x + y) / 2 for x, y in zip(vals, vals[1:])] + [vals[-1] + 1,
                                                                   float(self.mu)]
            out = flint.arb(0)
            for x in pts:
                n = sum(1 for v in vals if v <= x)
                g = abs(self.funcs[n]([flint.acb(x)], False))
                if g.is_finite():
                    out = max(out, flint.arb(g.mid()), key=float)
            return out

    def _tail(self, Ec, flint):
        """(C, p, E_c) with |G(E)| <= C E^p for E >= E_c, doubling E_c until a bound holds."""
        last = self.rows[-1]
        for _ in range(40):
            try:
                C, p = power_bound(last, FERMI_ENERGY, Ec,
                                   lambda x: arb_value(x, {}, flint), flint)
                return C, p, Ec
            except NoTailBound as exc:
                reason = exc
                Ec = 2 * Ec
        raise SymgravError(f"no certified bound of the window tail: {reason}")


def enclosure(model, quantity, mu, T, a="x", i="x", params=None, dps=30):
    r"""A certified enclosure of a susceptibility at (mu, T): Eqs. (19a), (8a), (19b), (B7a), (20).

    The Fermi-window integral (App. E, Eq. E2) of the closed-form T = 0
    functions, done in Arb ball arithmetic with rigorous error bounds
    (module docstring); at T = 0 the closed form of
    :func:`symgrav.zero_temperature` itself.  A separate function rather than
    ``Susceptibilities(rigorous=True)``: it needs exact inputs and a model
    with closed forms, and returns intervals, where the engine takes numbers
    for any model and returns numbers.

    Parameters
    ----------
    model : Model
        A 1D or isotropic continuum model (as for :func:`symgrav.zero_temperature`).
    quantity : str or Quantity
        ``"alpha"``, ``"mqm"``, ``"T_beta_kubo"``, ``"mqm_aux"``, ``"T_beta"``
        or a user quantity that is a Fermi-window average.
    mu, T : int, str or sympy.Rational
        Exact chemical potential and temperature (decimal strings are read
        exactly; floats are refused).
    a, i : {"x", "y", "z"}
    params : dict, optional
        Exact parameter values; the model's defaults fill the rest (every
        parameter must have a value).
    dps : int
        Target digits: the radius is about 10^-dps relative (the working
        precision is raised until it is).

    Returns
    -------
    Enclosure
        Contains the exact value.

    Raises
    ------
    SymgravError
        python-flint missing, no closed form, inexact inputs, T < 0, or an
        integrand whose tail or branch structure cannot be certified.
    """
    flint = require_flint()
    if not isinstance(dps, int) or dps < 5:
        raise SymgravError(f"dps must be an integer >= 5; got {dps!r}")
    q = quantity_record(quantity)
    mu_q, T_q = exact_rational(mu, "mu"), exact_rational(T, "T")
    if T_q < 0:
        raise SymgravError(f"T must be >= 0; got {T}")
    full = _full_params(model, params)
    if T_q == 0:
        expr = zero_temperature(model, q, a, i, params=full)
        return Enclosure(zero_temperature_enclosure(expr, mu_q, dps=dps), q.name)
    a, i = AXES[axis_index(a, "spin component a")], AXES[axis_index(i, "momentum axis i")]
    window = _Window(model, q, a, i, params_key(full), mu_q, T_q, flint)
    extra = 10
    scale = window.scale(int(dps * 3.33) + 40)
    for _ in range(5):
        bits = int((dps + extra) * 3.33) + 20
        ball = window.evaluate(bits + 30, bits)
        if not ball.is_finite():
            raise SymgravError(f"the certified integral of {q.name!r} at mu = {mu}, T = {T} "
                               "did not converge: its integrand is unbounded at a band edge "
                               "that is not a dyadic number (a Fermi-surface term df in the "
                               "weight)")
        need = _missing_digits(ball, dps, scale)
        if need <= 0:
            return Enclosure(ball, q.name)
        extra += need + 5
    raise SymgravError(f"could not reach {dps} digits for {q.name!r} at mu = {mu}, T = {T}")


def _missing_digits(ball, dps, scale):
    """More digits needed for radius <= 10^-(dps+2) max(|mid|, 10^-dps scale); 0 when done."""
    rad = ball.rad()
    if rad == 0:
        return 0
    target = max(abs(ball.mid()), scale * ball.__class__(10) ** -dps, key=float) \
        * ball.__class__(10) ** -(dps + 2)
    if target == 0:
        return dps
    have = float((rad / target).log()) / math.log(10)
    return max(0, math.ceil(have))


def mott_ratio_enclosure(model, mu, T, a="x", i="x", params=None, dps=30):
    r"""A certified enclosure of T beta / Mott - 1: Eq. (20) against the Mott relation (21).

    Mott = (pi^2/3) T^2 d alpha0/d mu, the derivative taken of the closed form
    of :func:`symgrav.zero_temperature` (Eq. 19a at T = 0) and evaluated in
    Arb; T beta is :func:`enclosure` of Eq. (20).  The ratio - 1 is
    O(T^2) (the Sommerfeld series, App. E).

    Parameters
    ----------
    model, mu, T, a, i, params, dps
        As for :func:`enclosure` (T > 0).

    Returns
    -------
    Enclosure

    Raises
    ------
    SymgravError
        As for :func:`enclosure`; d alpha0/d mu = 0 at mu.
    """
    flint = require_flint()
    T_q = exact_rational(T, "T")
    if T_q <= 0:
        raise SymgravError("the Mott ratio needs T > 0")
    full = _full_params(model, params)
    alpha0 = zero_temperature(model, "alpha", a, i, params=full)
    mu_user = [s for s in alpha0.free_symbols if s.name == MU.name]
    slope = sp.diff(alpha0, mu_user[0]) if mu_user else sp.Integer(0)
    with flint.ctx.workdps(dps + 40):
        d = zero_temperature_enclosure(slope, exact_rational(mu, "mu"), dps=dps + 30)
        if d.contains(0):
            raise SymgravError(f"d alpha/d mu is 0 (or not certified nonzero) at mu = {mu}")
        mott = flint.arb.pi() ** 2 / 3 * arb_value(T_q, {}, flint) ** 2 * d
    extra = 5
    for _ in range(3):
        tb = enclosure(model, "T_beta", mu, T, a, i, full, dps + extra)
        with flint.ctx.workdps(dps + extra + 40):
            ratio = tb.ball / mott - 1
        # T beta / Mott - 1 = O(T^2): it loses -log10|ratio - 1| digits of T beta
        need = _missing_digits(ratio, dps, flint.arb(0))
        if need <= 0:
            break
        extra += need + 3
    return Enclosure(ratio, "T_beta/Mott - 1")
