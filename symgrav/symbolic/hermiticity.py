"""Is H - H^dagger zero for every real value of the symbols?  Proven where SymPy can.

:func:`nonzero_entry` decides in three steps:

1. symbolically: every entry of H - H^dagger multiplied out (and, for rational
   functions, cancelled) with the declared assumptions (all symbols real) is
   exactly zero -- then it is zero for every value, proven;
2. otherwise by wide sampling of the entries left: every symbol over the
   magnitudes of :data:`DECADES` (every decade from 1e-3 to 1e6, then sparser
   out to 1e20, and 1e-6) and both signs (unless declared nonnegative), all
   symbols at one magnitude and at independent magnitudes, and the
   parameters' default values with the momenta over the same decades.  A
   term such as ``I*(Abs(p_x - 2) + p_x - 2)`` (non-Hermitian only for
   p_x > 2) or one non-Hermitian only for b > 2 is caught;
3. the numeric engine re-checks at every point it evaluates (a complex band
   energy is an error there, never a complex comparison).

The points are a fixed, seeded sequence, so the answer never changes between
runs.  Every SymPy evaluation runs under the ``MAX_SYMBOLIC_SECONDS`` budget
(:func:`symgrav.symbolic.budget.time_limit`).
"""

from __future__ import annotations

import random

import mpmath
import sympy as sp

from .budget import time_limit

#: decimal exponents of the sampled magnitudes: every decade near 1, sparser out to 1e20
#: (the engine integrates continuum models out to |p| ~ 2^66 ~ 7e19) and down to 1e-6
DECADES = (-6,) + tuple(range(-3, 4)) + (4, 5, 6, 8, 10, 13, 16, 20)
#: points with every symbol at an independent random magnitude
RANDOM_POINTS = 24
#: digits of the evaluation, and the relative size below which a value counts as zero
DPS, REL_TOL = 40, sp.Float("1e-25", 40)


def _candidates(entry):
    """The entry itself, made exactly zero where SymPy can prove it."""
    expanded = sp.expand(entry)
    if expanded == 0:
        return sp.Integer(0)
    if expanded.is_rational_function():
        cancelled = sp.cancel(expanded)
        if cancelled == 0:
            return sp.Integer(0)
    return expanded


def _points(symbols, defaults):
    """The seeded sequence of sample points (dicts symbol -> SymPy Float)."""
    syms = sorted(symbols, key=lambda s: s.name)
    signed = [s for s in syms if not (s.is_nonnegative or s.is_positive)]
    rng = random.Random(20240310)
    if len(signed) <= 3:
        patterns = [[(t >> j) & 1 for j in range(len(signed))] for t in range(2 ** len(signed))]
    else:
        patterns = [[rng.random() < 0.5 for _ in signed] for _ in range(8)]

    def value(s, decade, negative):
        x = rng.uniform(1.05, 9.5) * 10.0 ** decade
        return sp.Float(-x if (negative and s in signed) else x, DPS)

    for decade in DECADES:  # every symbol at one magnitude, every sign pattern
        for pattern in patterns:
            flip = {s for s, neg in zip(signed, pattern) if neg}
            yield {s: value(s, decade, s in flip) for s in syms}
    for _ in range(RANDOM_POINTS):  # independent magnitudes and signs
        yield {s: value(s, rng.choice(DECADES), rng.random() < 0.5) for s in syms}
    fixed = {s: v for s, v in defaults.items() if s in symbols}
    if fixed:  # the defaults, with the other symbols over all decades
        for decade in DECADES:
            for negative in (False, True):
                point = {s: value(s, decade, negative) for s in syms}
                point.update(fixed)
                yield point


def _vanishes(entry, point):
    """True when ``entry`` is zero at ``point`` relative to the size of its terms."""
    terms = entry.args if isinstance(entry, sp.Add) else (entry,)
    with mpmath.workdps(DPS):
        vals = [sp.N(t.xreplace(point), DPS) for t in terms]
    if any(not v.is_number or v.has(sp.nan, sp.zoo, sp.oo, -sp.oo) for v in vals):
        return False
    total = sum(vals, sp.Integer(0))
    scale = 1 + sum(abs(v) for v in vals)
    try:
        return bool(abs(complex(total)) <= abs(complex(REL_TOL * scale)))
    except (TypeError, ValueError, OverflowError):
        return False


def nonzero_entry(mat, symbols, defaults=None, what="H - H^dagger"):
    """Where the matrix ``mat`` is not zero for all real values of ``symbols``, or None.

    Plain input checking of the Hermiticity that Eqs. (8b), (8c) and every
    band energy assume (see the module docstring for the three steps).

    Parameters
    ----------
    mat : sympy.Matrix
        Typically ``H - H.H`` in real symbols.
    symbols : set of sympy.Symbol
        The real symbols to sample.
    defaults : dict of sympy.Symbol -> SymPy number, optional
        Parameter values that must be sampled too.
    what : str
        Name of the work, for a time-limit message.

    Returns
    -------
    None or (int, int, dict)
        None when the matrix vanishes; else the row, column and a point
        (symbol name -> float) where it does not.

    Raises
    ------
    SymgravError
        The check ran longer than the ``MAX_SYMBOLIC_SECONDS`` budget.
    """
    with time_limit(f"the Hermiticity check of {what}"):
        left = []
        for r in range(mat.rows):
            for c in range(r, mat.cols):
                entry = _candidates(mat[r, c])
                if entry != 0:
                    left.append((r, c, entry))
        if not left:
            return None
        for point in _points(set(symbols), dict(defaults or {})):
            for r, c, entry in left:
                if not _vanishes(entry, point):
                    return r, c, {s.name: float(v) for s, v in sorted(
                        point.items(), key=lambda kv: kv[0].name)}
    return None
