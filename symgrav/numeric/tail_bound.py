"""Certified power-law bounds |G(E)| <= C E^p for all E >= E_a of a closed form (App. E tails).

The Fermi-window average X(mu, T) = int dE (-f'(E - mu)) G(E) (Eq. E2) runs
to E = +oo, where no ball can be evaluated.  For E >= E_a >= 1 this module
bounds an elementary closed form by walking its expression tree with
asymptotic interval arithmetic: every node gets an upper bound |h| <= c E^p,
when it can a lower bound |h| >= c' E^p', and its sign, each valid for
*all* E >= E_a (c, c' are Arb balls, read at their upper/lower ends; p is a
rational).  The rules use only E^p <= E_a^(p - q) E^q for p <= q:

- sum: upper bounds add at the largest power; a term whose lower bound
  dominates the upper bounds of the others (or terms of one sign) gives a
  lower bound and the sign;
- product, integer and rational powers: exponents add or scale (a negative
  power needs a lower bound of the base; a fractional one a positive base);
- log h <= max(h, 1/h) for h > 0, |atan| <= pi/2, |asinh h| <= |h|,
  acosh h <= 2h, |Abs| = |h|.

Anything else raises :class:`NoTailBound`.  The tail of the window is then
int_{E_c}^oo e^(-(E - mu)/T) C E^p dE/T, summed exactly (:func:`window_tail`).
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

from ..errors import SymgravError


class NoTailBound(SymgravError):
    """The expression has no certified power-law bound here (try a larger E_a)."""


class _Bound:
    """Upper (c, p), optional lower (c, p), sign (+1, -1 or 0 = unknown) for E >= E_a."""

    __slots__ = ("up", "low", "sign")

    def __init__(self, up, low=None, sign=0):
        self.up, self.low, self.sign = up, low, sign


class _Walker:
    def __init__(self, symbol, E_a, flint):
        if not E_a >= 1:
            raise SymgravError("a tail bound needs E_a >= 1")
        self.E, self.Ea, self.arb = symbol, flint.arb(E_a), flint.arb

    def _upper(self, x):
        return self.arb(x.upper())

    def _lower(self, x):
        return self.arb(x.lower())

    def _at(self, c, p, q, upper=True):
        """c E^p rewritten as c' E^q (q >= p for an upper bound, q <= p for a lower one)."""
        r = Fraction(p - q)
        f = (self.Ea.log() * self.arb(r.numerator) / r.denominator).exp()
        return self._upper(c * f) if upper else self._lower(c * f)

    def number(self, expr, ball):
        mag_up, mag_low = self._upper(abs(ball)), self._lower(abs(ball))
        sign = 1 if ball > 0 else -1 if ball < 0 else 0
        low = (mag_low, Fraction(0)) if mag_low > 0 else None
        return _Bound((mag_up, Fraction(0)), low, sign)

    def walk(self, expr, value_of):
        """The _Bound of expr; ``value_of`` gives the Arb ball of a number."""
        if not expr.has(self.E):
            return self.number(expr, value_of(expr))
        if expr == self.E:
            one = self.arb(1)
            return _Bound((one, Fraction(1)), (one, Fraction(1)), 1)
        args = [self.walk(a, value_of) for a in expr.args]
        if isinstance(expr, sp.Add):
            return self._add(args)
        if isinstance(expr, sp.Mul):
            return self._mul(args)
        if isinstance(expr, sp.Pow) and expr.exp.is_Rational:
            return self._pow(args[0], Fraction(int(expr.exp.p), int(expr.exp.q)), expr)
        return self._function(expr, args[0])

    def _add(self, args):
        top = max(b.up[1] for b in args)
        up = (self._upper(sum((self._at(c, p, top) for c, p in (b.up for b in args)),
                              self.arb(0))), top)
        signs = {b.sign for b in args}
        if len(signs) == 1 and 0 not in signs:
            lows = [b.low for b in args if b.low is not None]
            low = max(lows, key=lambda t: t[1]) if lows else None
            return _Bound(up, low, signs.pop())
        for k, b in enumerate(args):
            if b.low is None or b.sign == 0:
                continue
            q = b.low[1]
            # terms of the dominant term's sign only add to it
            others = [o.up for j, o in enumerate(args) if j != k and o.sign != b.sign]
            if any(p > q for _, p in others):
                continue
            rest = sum((self._at(c, p, q) for c, p in others), self.arb(0))
            c = self._lower(b.low[0] - rest)
            if c > 0:
                return _Bound(up, (c, q), b.sign)
        return _Bound(up)

    def _mul(self, args):
        c, p = self.arb(1), Fraction(0)
        for b in args:
            c, p = c * b.up[0], p + b.up[1]
        up = (self._upper(c), p)
        low = None
        if all(b.low is not None for b in args):
            c, p = self.arb(1), Fraction(0)
            for b in args:
                c, p = c * b.low[0], p + b.low[1]
            low = (self._lower(c), p)
        sign = 1
        for b in args:
            sign *= b.sign
        return _Bound(up, low, sign)

    def _power(self, cp, r, upper):
        c, p = cp
        if r.denominator == 1:
            cr = c ** int(r) if r >= 0 else 1 / c ** int(-r)
        else:
            cr = (c.log() * self.arb(r.numerator) / r.denominator).exp()
        return (self._upper(cr) if upper else self._lower(cr), p * r)

    def _pow(self, base, r, expr):
        if r.denominator != 1 and base.sign != 1:
            raise NoTailBound(f"the base of {expr} is not certified positive")
        if r > 0:
            low = None if base.low is None else self._power(base.low, r, False)
            up = self._power(base.up, r, True)
        else:
            if base.low is None:
                raise NoTailBound(f"no lower bound of the base of {expr}")
            up = self._power(base.low, r, True)
            low = self._power(base.up, r, False)
        # an odd integer power keeps the sign; even and positive-base fractional ones are >= 0
        sign = base.sign if r.denominator == 1 and r.numerator % 2 else 1
        return _Bound(up, low, sign)

    def _function(self, expr, h):
        if isinstance(expr, sp.log):
            if h.sign != 1 or h.low is None:
                raise NoTailBound(f"the argument of {expr} is not certified positive")
            inv = self._pow(h, Fraction(-1), expr)
            return self._add([_Bound(h.up), _Bound(inv.up)])
        if isinstance(expr, sp.atan):
            return _Bound((self._upper(self.arb.pi() / 2), Fraction(0)))
        if isinstance(expr, sp.asinh):
            return _Bound(h.up, None, h.sign)
        if isinstance(expr, sp.acosh):
            return _Bound((self._upper(2 * h.up[0]), h.up[1]), None, 1)
        if isinstance(expr, sp.Abs):
            return _Bound(h.up, h.low, 1)
        raise NoTailBound(f"no power-law bound for {type(expr).__name__}")


def power_bound(expr, symbol, E_a, value_of, flint):
    """(C, p) with |expr(E)| <= C E^p for every E >= E_a >= 1 (module docstring).

    Implements the tail bound of the Fermi-window integral of Eq. (E2).

    Parameters
    ----------
    expr : sympy.Expr
        An exact elementary expression in ``symbol``.
    symbol : sympy.Symbol
    E_a : int or fractions.Fraction
        Where the bound starts (>= 1).
    value_of : callable
        sympy number -> Arb ball (e.g. :func:`symgrav.numeric.rigorous.arb_value`).
    flint : module

    Returns
    -------
    C : flint.arb
        An exact upper bound.
    p : fractions.Fraction

    Raises
    ------
    NoTailBound
        A construct without a rule, or a lower bound that does not hold from
        E_a on (a larger E_a may work).
    """
    b = _Walker(symbol, E_a, flint).walk(sp.sympify(expr), value_of)
    if not b.up[0].is_finite():
        raise NoTailBound(f"the bound of {expr} is not finite")
    return b.up


def window_tail(C, p, E_c, mu, T, flint):
    """int_{E_c}^oo e^(-(E - mu)/T) C E^p dE / T, bounded above (Eq. E2 tail), for E_c >= max(1, mu).

    With n = max(ceil(p), 0), E^p <= E_c^(p - n) E^n and the integral of
    e^(-E/T) E^n is exact: e^(-(E_c - mu)/T) sum_k n!/k! E_c^k T^(n - k).
    Since -f'(x) <= e^(-x), this bounds the window beyond E_c.

    Returns
    -------
    flint.arb
        An exact upper bound.
    """
    arb = flint.arb
    n = max(math.ceil(p), 0)
    E_c, mu, T = arb(E_c), arb(mu), arb(T)
    r = Fraction(p) - n
    scale = (E_c.log() * arb(r.numerator) / r.denominator).exp()
    total = sum((arb(math.factorial(n) // math.factorial(k)) * E_c ** k * T ** (n - k)
                 for k in range(n + 1)), arb(0))
    out = C * scale * total * (-(E_c - mu) / T).exp()
    return arb(out.upper())
