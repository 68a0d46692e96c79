"""SymPy closed forms as Arb ball functions (python-flint), real or complex.

The closed forms of :func:`symgrav.zero_temperature` and of the Fermi-window
integrand (:func:`symgrav.symbolic.sommerfeld.window_integrand`, Eq. E2) are
rational operations, powers and a few elementary functions.
:func:`ball_function` turns one into a Python function of Arb balls: every
operation returns a ball containing the exact result, and for complex balls
(``flint.acb``) with ``analytic=True`` every branch cut is checked (a ball
that meets one gives a non-finite result), as ``acb.integral`` requires.
Rational numbers are read exactly (never through a float); shared
subexpressions are evaluated once (``sympy.cse``).
"""

from __future__ import annotations

import sympy as sp

from ..errors import SymgravError


def _is_acb(x):
    return type(x).__name__ == "acb"


def _branch(x, name, analytic):
    """x.name() for arb; with the analytic check for acb."""
    if _is_acb(x):
        return getattr(x, name)(analytic=analytic)
    return getattr(x, name)()


def _log(x, an):
    return _branch(x, "log", an)


def _sqrt(x, an):
    return _branch(x, "sqrt", an)


def _atan(x, an):
    if not _is_acb(x):
        return x.atan()
    i = type(x)(0, 1)
    return (_log(1 + i * x, an) - _log(1 - i * x, an)) / (2 * i)


def _asinh(x, an):
    return x.asinh() if not _is_acb(x) else _log(x + _sqrt(x * x + 1, an), an)


def _acosh(x, an):
    if not _is_acb(x):
        return x.acosh()
    return _log(x + _sqrt(x + 1, an) * _sqrt(x - 1, an), an)


def _atanh(x, an):
    return x.atanh() if not _is_acb(x) else (_log(1 + x, an) - _log(1 - x, an)) / 2


def _abs(x, an):
    return abs(x) if not _is_acb(x) else x.real_abs(analytic=an)


_FUNCS = {sp.log: _log, sp.atan: _atan, sp.asinh: _asinh, sp.acosh: _acosh,
          sp.atanh: _atanh, sp.Abs: _abs, sp.exp: lambda x, an: x.exp()}


def _node(expr, ring, index):
    """A closure (values, analytic) -> ball for one expression node."""
    if expr.is_Symbol:
        if expr not in index:
            raise SymgravError(f"no value for the symbol {expr} in a certified evaluation")
        k = index[expr]
        return lambda v, an: v[k]
    if expr.is_Integer:
        n = int(expr)
        return lambda v, an: ring(n)
    if expr.is_Rational:
        p, q = int(expr.p), int(expr.q)
        return lambda v, an: ring(p) / q
    if expr is sp.pi:
        return lambda v, an: ring.pi()
    if expr.is_Float or expr.has(sp.I, sp.oo, sp.zoo, sp.nan):
        raise SymgravError(f"no certified evaluation of {expr} (floats, I or infinities)")
    args = [_node(a, ring, index) for a in expr.args]
    if isinstance(expr, sp.Add):
        def add(v, an):
            out = args[0](v, an)
            for f in args[1:]:
                out = out + f(v, an)
            return out
        return add
    if isinstance(expr, sp.Mul):
        def mul(v, an):
            out = args[0](v, an)
            for f in args[1:]:
                out = out * f(v, an)
            return out
        return mul
    if isinstance(expr, sp.Pow) and expr.exp.is_Rational:
        base, e = args[0], expr.exp
        if e.is_Integer:
            n = int(e)
            return (lambda v, an: base(v, an) ** n) if n >= 0 else \
                (lambda v, an: 1 / base(v, an) ** -n)
        if e.q == 2:
            n = int(e.p)
            return (lambda v, an: _sqrt(base(v, an), an) ** n) if n > 0 else \
                (lambda v, an: 1 / _sqrt(base(v, an), an) ** -n)
        p, q = int(e.p), int(e.q)
        return lambda v, an: (_log(base(v, an), an) * ring(p) / q).exp()
    for cls, fn in _FUNCS.items():
        if isinstance(expr, cls):
            arg = args[0]
            return lambda v, an: fn(arg(v, an), an)
    raise SymgravError(f"no certified evaluation of {type(expr).__name__} ({expr})")


def ball_function(expr, symbols, ring):
    """A function (values, analytic) -> ball of a SymPy closed form (Eqs. 19a, 8a, 19b, B7a, E2).

    Parameters
    ----------
    expr : sympy.Expr
        Exact (no floats), real on the real axis where it is used.
    symbols : sequence of sympy.Symbol
        The arguments, in the order of ``values``.
    ring : type
        ``flint.arb`` or ``flint.acb``.

    Returns
    -------
    callable
        ``f(values, analytic=False)``: the ball at the given balls, evaluated
        at the current Arb precision; for acb with ``analytic=True`` non-finite
        when a ball meets a branch cut.

    Raises
    ------
    SymgravError
        Another free symbol, a float, or a function outside the supported set
        (log, sqrt and rational powers, atan, asinh, acosh, atanh, exp, Abs).
    """
    index = {s: k for k, s in enumerate(symbols)}
    reps, (reduced,) = sp.cse([sp.sympify(expr)])
    steps = []
    for sym, sub in reps:
        index[sym] = len(index)
        steps.append(_node(sub, ring, index))
    final = _node(reduced, ring, index)

    def evaluate(values, analytic=False):
        v = list(values)
        for step in steps:
            v.append(step(v, analytic))
        return final(v, analytic)
    return evaluate
