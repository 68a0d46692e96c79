"""Generated code in gmpy2 mpfr numbers: SymPy expressions -> fast Python callables.

The callables take mpfr scalars or numpy object arrays of mpfr (the functions are
numpy object ufuncs of the gmpy2 ones), evaluate at the gmpy2 context's precision,
and print Floats exactly and x**(p/2) through sqrt.  Used for the band data of
Eqs. (8b), (8c) (:mod:`symgrav.numeric.banddata`) and the closed-form T = 0
functions (:mod:`symgrav.numeric.closed_form_route`).
"""

from __future__ import annotations

import gmpy2
import numpy as np
import sympy as sp
from sympy.printing.pycode import MpmathPrinter

__all__ = ["MPFR_NAMES", "MpfrPrinter", "lambdify_mpfr"]

#: gmpy2 functions as numpy object ufuncs: the generated code takes scalars or
#: whole object arrays of mpfr (one call per batch of momenta, no per-point loop)
MPFR_NAMES = {
    name: np.frompyfunc(fun, nargs, 1) for name, fun, nargs in (
        ("sqrt", gmpy2.sqrt, 1), ("exp", gmpy2.exp, 1), ("log", gmpy2.log, 1),
        ("cos", gmpy2.cos, 1), ("sin", gmpy2.sin, 1), ("tan", gmpy2.tan, 1),
        ("cosh", gmpy2.cosh, 1), ("sinh", gmpy2.sinh, 1), ("tanh", gmpy2.tanh, 1),
        ("atan", gmpy2.atan, 1), ("asin", gmpy2.asin, 1), ("acos", gmpy2.acos, 1),
        ("atan2", gmpy2.atan2, 2), ("fabs", abs, 1), ("Abs", abs, 1))}
MPFR_NAMES.update({"mpf": gmpy2.mpfr, "const_pi": gmpy2.const_pi,
                     "mul_2exp": gmpy2.mul_2exp})


class MpfrPrinter(MpmathPrinter):
    """MpmathPrinter without the 'mpmath.' prefix, so the names resolve to gmpy2."""

    def _module_format(self, fqn, register=True):
        return fqn.split(".")[-1]

    def _print_Pi(self, expr):
        return "const_pi()"

    def _print_Float(self, e):
        # the exact binary value, as MpmathPrinter: sign, mantissa, exponent
        sign, man, exp, _ = e._mpf_
        return f"mul_2exp(mpf({-int(man) if sign else int(man)}), {int(exp)})"

    def _print_Pow(self, expr, rational=False):
        # x**(p/2) as sqrt(x)**p: mpfr's general power goes through exp/log
        e = expr.exp
        if e.is_Rational and e.q == 2:
            root = f"sqrt({self._print(expr.base)})"
            return root if e.p == 1 else f"{root}**({int(e.p)})"
        return super()._print_Pow(expr, rational=rational)



def lambdify_mpfr(args, exprs):
    """``sympy.lambdify`` into gmpy2 mpfr arithmetic (shared subexpressions, dummified names).

    Parameters
    ----------
    args : sequence of sympy.Symbol
        The arguments, in order (explicit and sorted by the caller).
    exprs : sympy.Expr or sequence of sympy.Expr

    Returns
    -------
    callable
    """
    return sp.lambdify(list(args), exprs, modules=[MPFR_NAMES], printer=MpfrPrinter, cse=True,
                       dummify=True)
