"""Budgets of symbolic work on a model's matrices, checked before SymPy does the work.

A short, accepted expression can ask for unbounded work: ``(p_x + p_y + m +
b)**1000`` multiplies out to about 1.7e8 terms (gigabytes, then a crash), and
``exp(exp(exp(100)))`` cannot be evaluated to any digit.  :func:`check_matrix`
estimates the number of terms of every entry after :func:`sympy.expand` (an
upper bound computed from the expression tree, without expanding) and the
magnitude of every number and of every numeric argument of ``exp``,
``sinh``, ``cosh`` (innermost first, so that each evaluation is of something
already found small), and refuses what exceeds the ``MAX_TERMS`` and
``MAX_NUMBER_EXPONENT`` budgets of :mod:`symgrav.limits` with a one-line
message naming the entry.  :func:`time_limit` bounds the wall-clock time of
SymPy work that no size estimate can bound (simplification, the Hermiticity
check) by ``MAX_SYMBOLIC_SECONDS``.
"""

from __future__ import annotations

import contextlib
import functools
import math
import signal
import threading

import sympy as sp

from ..errors import SymgravError
from ..limits import exceeded, limit

_EXP_LIKE = (sp.exp, sp.sinh, sp.cosh)


def _short(expr, width=60):
    text = " ".join(sp.sstr(expr).split())
    return repr(text if len(text) <= width else text[:width - 3] + "...")


def expanded_terms(expr, cap):
    """Upper bound of the number of terms of ``sympy.expand(expr)`` (at most about ``cap``).

    A sum has the terms of its parts, a product the product of theirs, a
    positive or negative integer power n of a base with k terms
    C(n + k - 1, k - 1) (the monomials of degree n in k variables); anything
    else (a symbol, a number, a function, a non-integer power) counts as one
    term.  The count stops growing at ``cap + 1``.  Plain bookkeeping; no
    equation of the paper.

    Parameters
    ----------
    expr : sympy.Expr
    cap : int

    Returns
    -------
    int
    """
    memo = {}

    def count(e):
        if e in memo:
            return memo[e]
        if isinstance(e, sp.Add):
            n = min(sum(count(a) for a in e.args), cap + 1)
        elif isinstance(e, sp.Mul):
            n = 1
            for a in e.args:
                n = min(n * count(a), cap + 1)
        elif isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp != 0:
            k, p = count(e.base), abs(int(e.exp))
            n = 1 if k == 1 else _comb_capped(p + k - 1, k - 1, cap + 1)
        else:
            n = 1
        memo[e] = n
        return n

    return count(expr)


def _comb_capped(n, k, cap):
    """min(C(n, k), cap) without building a huge integer."""
    k = min(k, n - k)
    value = 1
    for j in range(1, k + 1):
        value = value * (n - k + j) // j
        if value >= cap:
            return cap
    return value


def check_expression(expr, what):
    """Refuse an expression whose expansion or exponentials exceed the budgets.

    Plain input checking, done on every entry of the H(p) of Eq. (22) /
    Sec. II and of the spin matrices before the algebra of Eqs. (8b), (8c)
    starts.

    Parameters
    ----------
    expr : sympy.Expr
    what : str
        Where the expression sits, e.g. ``"H[0][1]"``.

    Raises
    ------
    SymgravError
        More terms after expansion than ``MAX_TERMS``, a number larger in
        magnitude than 10**``MAX_NUMBER_EXPONENT``, or a numeric argument of
        exp, sinh or cosh larger than ``MAX_NUMBER_EXPONENT`` * ln 10 (or one
        that cannot be evaluated).
    """
    max_terms = limit("MAX_TERMS")
    terms = expanded_terms(expr, max_terms)
    if terms > max_terms:
        raise exceeded(f"{what} {_short(expr)}", f"more than {max_terms} terms after "
                       "multiplying out", "MAX_TERMS")
    digits = limit("MAX_NUMBER_EXPONENT")
    for node in sp.postorder_traversal(expr):
        if isinstance(node, sp.Rational) and node.p:
            size = math.log10(abs(int(node.p))) - math.log10(int(node.q))
            if size > digits:
                raise exceeded(f"{what}: the number {_short(node, 30)}", "a decimal exponent "
                               f"of {size:.0f}", "MAX_NUMBER_EXPONENT")
        elif isinstance(node, sp.Float) and node != 0:
            size = float(sp.log(abs(node), 10))
            if size > digits:
                raise exceeded(f"{what}: the number {_short(node, 30)}", "a decimal exponent "
                               f"of {size:.0f}", "MAX_NUMBER_EXPONENT")
        elif isinstance(node, _EXP_LIKE) and node.args[0].is_number:
            max_arg = digits * math.log(10)
            try:
                size = abs(complex(sp.N(node.args[0], 15)))
            except (TypeError, ValueError, OverflowError, ArithmeticError):
                size = math.inf
            if not size <= max_arg:
                raise exceeded(f"{what}: {_short(node)}", f"an argument of magnitude {size:.3g} "
                               f"(more than {max_arg:.0f} = ln 10^{digits})",
                               "MAX_NUMBER_EXPONENT")


def check_matrix(mat, what):
    """:func:`check_expression` on every entry of ``mat`` (named ``what[r][c]``).

    Plain input checking of the H(p) of Eq. (22) / Sec. II and the spin
    matrices of Eqs. (8b), (8c).

    Parameters
    ----------
    mat : sympy.Matrix
    what : str

    Raises
    ------
    SymgravError
        As for :func:`check_expression`.
    """
    for r in range(mat.rows):
        for c in range(mat.cols):
            check_expression(mat[r, c], f"{what}[{r}][{c}]")


class TimeLimitExceeded(SymgravError):
    """A time-limited block of SymPy work (:func:`time_limit`) did not finish in time."""


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` in SymPy eats it."""


_active = threading.local()


@contextlib.contextmanager
def time_limit(what, seconds=None):
    """Bound the wall-clock time of the block by the ``MAX_SYMBOLIC_SECONDS`` budget.

    Uses a real-time interval timer (``SIGALRM``), so it acts only in the
    main thread of a process on POSIX systems (also in each worker process
    of a pool), and only when the program has no alarm of its own (a
    running ``ITIMER_REAL`` or a ``SIGALRM`` handler are left alone);
    elsewhere the block runs unbounded.  Nested blocks share the
    outermost limit.  A SymPy operation busy in one long C call (a huge
    integer product) is interrupted when that call returns.  Plain
    bookkeeping; no equation of the paper.

    Parameters
    ----------
    what : str
        The work, for the message (``"the closed-form derivation of H"``).
    seconds : float, optional
        A limit of the caller's own (the work has a cheaper alternative, e.g.
        the numeric route); default ``MAX_SYMBOLIC_SECONDS``.

    Raises
    ------
    TimeLimitExceeded
        The block ran longer than the limit (a SymgravError).
    """
    usable = (hasattr(signal, "setitimer") and not getattr(_active, "on", False)
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None))
    if not usable:
        yield
        return
    own = bool(seconds)
    seconds = seconds if own else limit("MAX_SYMBOLIC_SECONDS")

    def alarm(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    _active.on = True
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Timeout:
        if own:
            raise TimeLimitExceeded(f"{what} did not finish in {seconds} s") from None
        raise TimeLimitExceeded(str(exceeded(what, f"more than {seconds} s",
                                             "MAX_SYMBOLIC_SECONDS"))) from None
    finally:
        _active.on = False
        signal.signal(signal.SIGALRM, previous)


def time_limited(what):
    """Decorator: run the function under :func:`time_limit` (``what`` names it in the message).

    Plain bookkeeping; no equation of the paper.
    """
    def wrap(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            with time_limit(what):
                return func(*args, **kwargs)
        return run
    return wrap
