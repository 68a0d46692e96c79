"""Arithmetic backends: one engine, any number type (mpmath mpf, gmpy2 mpfr, numpy float64).

The integrand, the occupation functions, the quadrature rules and the root
finders of the engine are written once, as numpy array code.  A backend
supplies the numbers: ``float64`` arrays (numpy speed, double precision), or
numpy *object* arrays of mpmath ``mpf`` or gmpy2 ``mpfr`` numbers (arbitrary
precision; the arithmetic operators of the objects do the work, the
elementwise functions are ``numpy.frompyfunc`` wrappers).  Precision is a
property of the backend: :meth:`Backend.context` sets the mpmath and gmpy2
working precision for the code run inside it (only there: mpmath's precision
is changed through ``mp.workprec``, never globally).

Also here, once for the package: :data:`GUARD` (the extra working digits) and
:func:`to_mpf` (a user's number -> mpf).  No equation of the paper is
implemented in this module.
"""

from __future__ import annotations

import contextlib
from fractions import Fraction

import gmpy2
import mpmath as mp
import numpy as np
import sympy as sp

from ..errors import SymgravError

#: extra working digits carried above the requested dps
GUARD = 10
#: binary precision of IEEE double
DOUBLE_PREC = 53


def to_mpf(value, what="value"):
    """A real number given by a user (int, str, float, Fraction, mpf, SymPy number) -> mpf.

    Converted at the current mpmath precision; strings and fractions are
    read exactly and rounded once.  Plain bookkeeping; no equation.

    Raises
    ------
    SymgravError
        Not a real number, or not finite.
    """
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, Fraction):
            out = mp.mpf(value.numerator) / value.denominator
        elif isinstance(value, gmpy2.mpfr().__class__):
            out = mpfr_to_mpf(value)
        elif isinstance(value, sp.Basic):
            if not value.is_number or not value.is_real:
                raise TypeError
            out = mp.mpf(sp.Rational(value)) if value.is_Rational else \
                mp.mpf(str(sp.N(value, mp.mp.dps + 5)))
        elif isinstance(value, str):
            text = value.strip()
            out = mp.mpf(text) if "/" not in text else to_mpf(Fraction(text), what)
        else:
            out = mp.mpf(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise SymgravError(f"{what} = {value!r} is not a real number") from None
    if not mp.isfinite(out):
        raise SymgravError(f"{what} = {value!r} is not finite")
    return out


def mpfr_to_mpf(y):
    """gmpy2 mpfr -> mpmath mpf at the current mpmath precision (an mpf is rounded only)."""
    if isinstance(y, mp.mpf):
        return +y
    if not y:
        return mp.mpf(0)
    if not gmpy2.is_finite(y):
        return mp.mpf(float(y))
    man, exp = y.as_mantissa_exp()
    return mp.mpf((int(man), int(exp)))


_MPFR = type(gmpy2.mpfr(0))


def mpf_to_mpfr(x):
    """mpmath mpf -> gmpy2 mpfr (exact when the gmpy2 precision is at least that of x)."""
    x = mp.mpf(x)
    if not mp.isfinite(x):
        return gmpy2.mpfr(str(x))  # "+inf", "-inf", "nan"
    sign, man, exp, _ = x._mpf_
    if not man:
        return gmpy2.mpfr(0)
    y = gmpy2.mul_2exp(gmpy2.mpfr(man), exp)
    return -y if sign else y


class Backend:
    """Numbers of one type and precision, and elementwise functions on arrays of them.

    Subclasses: :class:`Float64`, :class:`Mpf`, :class:`Mpfr`.  Arrays are
    numpy arrays (dtype float64, or object holding the backend's scalars).

    Attributes
    ----------
    name : str
    prec : int
        Binary precision.
    dps : int
        Decimal digits of that precision.
    """

    name = "backend"

    def __init__(self, prec):
        self.prec = int(prec)
        self.dps = int(mp.libmp.prec_to_dps(self.prec))

    def __repr__(self):
        return f"<{self.name} backend, {self.prec} bits>"

    def __eq__(self, other):
        return type(self) is type(other) and self.prec == other.prec

    def __hash__(self):
        return hash((self.name, self.prec))

    # -- precision -------------------------------------------------------------
    @contextlib.contextmanager
    def context(self):
        """Run the enclosed code at this backend's precision (mpmath and gmpy2)."""
        with mp.workprec(max(self.prec, DOUBLE_PREC)):
            yield self

    @property
    def epsilon(self):
        """2^-prec as a backend scalar."""
        return self.num(mp.ldexp(mp.mpf(1), -self.prec))

    # -- conversions -----------------------------------------------------------
    def num(self, x):
        """A number (mpf, int, Fraction, str) as a backend scalar."""
        raise NotImplementedError

    def mpf(self, x):
        """A backend scalar as an mpf (at the current mpmath precision)."""
        raise NotImplementedError

    def array(self, values):
        """A sequence of numbers as a backend array (converting each)."""
        return self.pack([self.num(v) for v in values])

    def pack(self, scalars):
        """A sequence of backend scalars as an array."""
        raise NotImplementedError

    def zeros(self, shape):
        """An array of backend zeros."""
        out = np.empty(shape, dtype=object)
        out.fill(self.zero)
        return out

    @property
    def zero(self):
        """0 as a backend scalar."""
        return self.num(0)

    @property
    def inf(self):
        """+infinity as a backend scalar."""
        return self.num(mp.inf)

    def rational(self, p, q):
        """p/q correctly rounded at the backend precision (exact rationals in weights)."""
        with self.context():
            return self.num(mp.mpf(p) / q)

    # -- elementwise functions, set by subclasses ------------------------------
    exp = log1p = expm1 = log = sqrt = cos = sin = None

    def isfinite(self, a):
        """Elementwise: finite (not inf, not nan)."""
        raise NotImplementedError

    def all_finite(self, values):
        """True when every number of a flat sequence is finite."""
        return bool(np.all(self.isfinite(np.asarray(values))))

    def fsum(self, a, axis=None):
        """Sum of an array (along an axis)."""
        return np.sum(a, axis=axis)


class Float64(Backend):
    """IEEE double precision, numpy float64 arrays (vectorized at numpy speed)."""

    name = "float64"

    def __init__(self, prec=DOUBLE_PREC):
        super().__init__(DOUBLE_PREC)

    exp, log1p, expm1, log, sqrt = np.exp, np.log1p, np.expm1, np.log, np.sqrt
    cos, sin = np.cos, np.sin

    def num(self, x):
        if isinstance(x, Fraction):
            return x.numerator / x.denominator
        return float(x)

    def mpf(self, x):
        return mp.mpf(float(x))

    def pack(self, scalars):
        return np.asarray(scalars, dtype=float)

    def zeros(self, shape):
        return np.zeros(shape)

    def rational(self, p, q):
        return p / q

    def isfinite(self, a):
        return np.isfinite(a)

    def fsum(self, a, axis=None):
        return np.sum(a, axis=axis)


def _ufunc(fun):
    return np.frompyfunc(fun, 1, 1)


class _ObjectBackend(Backend):
    """Numbers held in numpy object arrays; subclasses set ``finite`` (scalar test)."""

    finite = None

    def pack(self, scalars):
        out = np.empty(len(scalars), dtype=object)
        out[:] = list(scalars)
        return out

    def isfinite(self, a):
        return np.asarray(np.frompyfunc(lambda x: bool(type(self).finite(x)), 1, 1)(a),
                          dtype=bool)

    def all_finite(self, values):
        return all(map(type(self).finite, values))


class Mpf(_ObjectBackend):
    """mpmath mpf numbers in object arrays; any precision."""

    name = "mpf"
    finite = staticmethod(mp.isfinite)
    exp, log1p, expm1, log, sqrt = (_ufunc(mp.exp), _ufunc(mp.log1p), _ufunc(mp.expm1),
                                    _ufunc(mp.log), _ufunc(mp.sqrt))
    cos, sin = _ufunc(mp.cos), _ufunc(mp.sin)

    def num(self, x):
        if isinstance(x, Fraction):
            return mp.mpf(x.numerator) / x.denominator
        if isinstance(x, gmpy2.mpfr().__class__):
            return mpfr_to_mpf(x)
        return mp.mpf(x)

    def mpf(self, x):
        return +mp.mpf(x)


class Mpfr(_ObjectBackend):
    """gmpy2 mpfr numbers in object arrays (faster than mpf); any precision."""

    name = "mpfr"
    finite = staticmethod(gmpy2.is_finite)
    exp, log1p, expm1, log, sqrt = (_ufunc(gmpy2.exp), _ufunc(gmpy2.log1p),
                                    _ufunc(gmpy2.expm1), _ufunc(gmpy2.log), _ufunc(gmpy2.sqrt))
    cos, sin = _ufunc(gmpy2.cos), _ufunc(gmpy2.sin)

    @contextlib.contextmanager
    def context(self):
        with mp.workprec(self.prec), gmpy2.context(gmpy2.get_context(), precision=self.prec):
            yield self

    def num(self, x):
        if isinstance(x, _MPFR):
            return +x  # rounded to the context's precision, like mp.mpf(x)
        if isinstance(x, float):
            return gmpy2.mpfr(x)  # exact (53 bits at most)
        if isinstance(x, mp.mpf):
            return mpf_to_mpfr(x)
        if isinstance(x, Fraction):
            return gmpy2.mpfr(x.numerator) / x.denominator
        if isinstance(x, int):
            return gmpy2.mpfr(x)
        return mpf_to_mpfr(mp.mpf(x))

    def mpf(self, x):
        return mpfr_to_mpf(x)


def backend_for(prec, kind):
    """The backend of a kind ("float64", "mpf", "mpfr") at a binary precision."""
    if kind == "float64":
        return Float64()
    if kind == "mpf":
        return Mpf(prec)
    if kind == "mpfr":
        return Mpfr(prec)
    raise SymgravError(f"unknown number type {kind!r}")
