"""Certified enclosures of the T = 0 closed forms with Arb ball arithmetic (python-flint).

The closed forms of :func:`symgrav.zero_temperature` (Eqs. 19a, 8a, 19b, B7a
at T = 0, and d alpha/d mu of Eq. E1) are exact SymPy expressions.
:func:`zero_temperature_enclosure` evaluates one in Arb interval arithmetic
(``flint.arb``): every operation returns a ball that contains the exact
result, so the returned ball contains the exact value of the closed form at
the given mu.  The branch of the ``Piecewise`` is chosen by comparing mu
with the band-edge balls; a mu whose ball overlaps an edge is refused (the
branches agree there in value, but not in a way Arb can certify).

T > 0 (the certified Fermi-window average) is
:func:`symgrav.numeric.rigorous_window.enclosure`.  python-flint is an optional dependency
(``pip install symgrav[rigorous]``).
"""

from __future__ import annotations

import sympy as sp

from ..errors import SymgravError
from ..symbolic.radial import MU
from .arb_compile import ball_function


def require_flint():
    """The flint module, or a SymgravError saying how to install python-flint (bookkeeping)."""
    try:
        import flint
    except ImportError:
        raise SymgravError("certified enclosures need python-flint (pip install "
                           "'symgrav[rigorous]' or pip install python-flint)") from None
    return flint


def arb_value(expr, env, flint):
    """The Arb ball of a SymPy expression (rational operations, powers, elementary functions).

    Plain interval evaluation of a closed form (Eqs. 19a, 8a, 19b, B7a at
    T = 0); ``env`` maps symbols to ``flint.arb`` balls.

    Raises
    ------
    SymgravError
        A construct Arb evaluation does not cover here.
    """
    symbols = list(env)
    return ball_function(expr, symbols, flint.arb)([env[s] for s in symbols])


def zero_temperature_enclosure(expr, mu, dps=30):
    """A certified ball for a closed form of :func:`symgrav.zero_temperature` at mu (T = 0).

    Implements the interval evaluation of the T = 0 forms of Eqs. (19a),
    (8a), (19b), (B7a), (E1) (see the module docstring).

    Parameters
    ----------
    expr : sympy.Expr
        A ``Piecewise`` in the Symbol ``mu`` (all parameters substituted).
    mu : int, str or sympy.Rational
        The chemical potential, read exactly (a decimal string is the exact
        decimal number).
    dps : int
        Working digits of Arb (the ball is about 10^-dps relative wide).

    Returns
    -------
    flint.arb
        A ball containing the exact value.

    Raises
    ------
    SymgravError
        python-flint missing, free parameters left, mu too close to a band
        edge to choose the branch, or an unsupported function.
    """
    flint = require_flint()
    if isinstance(mu, float):
        raise SymgravError("give mu as a string or a rational (a float is not exact)")
    mu_exact = sp.Rational(mu) if isinstance(mu, str) else sp.sympify(mu)
    if not mu_exact.is_Rational:
        raise SymgravError(f"mu must be a rational number; got {mu!r}")
    expr = sp.sympify(expr)
    mu_sym = [s for s in expr.free_symbols if s.name == MU.name]
    if expr.free_symbols - set(mu_sym):
        raise SymgravError("substitute every parameter before a certified evaluation; left: "
                           f"{sorted(s.name for s in expr.free_symbols - set(mu_sym))}")
    with flint.ctx.workdps(dps + 10):
        mu_b = arb_value(mu_exact, {}, flint)
        env = {s: mu_b for s in mu_sym}
        pieces = expr.args if isinstance(expr, sp.Piecewise) else ((expr, sp.true),)
        for value, cond in pieces:
            if cond is sp.true:
                out = arb_value(value, env, flint)
                break
            if not isinstance(cond, sp.StrictLessThan) or cond.lhs not in mu_sym:
                raise SymgravError(f"unexpected branch condition {cond}")
            edge = arb_value(cond.rhs, {}, flint)
            if mu_b.overlaps(edge):
                raise SymgravError(f"mu = {mu} lies within the rounding ball of the band edge "
                                   f"{cond.rhs}; choose a mu off the edge")
            if mu_b < edge:
                out = arb_value(value, env, flint)
                break
        if not out.is_finite():
            raise SymgravError(f"the certified evaluation at mu = {mu} is not finite")
        return +out
