"""Exact inputs of a sweep: numbers, (mu, T) grids, the model and its parameter values.

Turns what a user types (decimal strings such as ``"-0.2"``, grids such as
``"-1:1:41"``, a model name or file, parameter overrides) into exact values
before any integral of the paper (Eqs. 19a, 19b, 8a, B7a, 20, 21) is
evaluated, and writes parameter values back as exact text for the metadata of
:func:`symgrav.sweep.sweep` and :func:`symgrav.tensor.tensor`.  Plain
bookkeeping; no equation of the paper is evaluated here.
"""

from __future__ import annotations

import math
import os
import re
from fractions import Fraction

import mpmath as mp

from ..errors import SymgravError
from ..limits import exceeded, limit
from ..numeric.arith import GUARD, to_mpf
from ..symbolic.model import Model
from ..tightbinding import TightBinding

__all__ = ["GUARD", "check_defined", "check_magnitude", "check_points", "dps_within_budget", "exact_number", "grid_values",
           "linspace", "merged_parameters", "model_of", "parameter_texts", "parse_grid",
           "rounded"]

_EXPONENT = re.compile(r"[eE]\s*([-+]?\s*\d+)\s*$")


def dps_within_budget(dps, what="dps"):
    """Refuse a precision above the ``MAX_DPS`` budget (see :mod:`symgrav.limits`).

    Plain input checking; no equation.  ``"double"`` and ``None`` pass.

    Raises
    ------
    SymgravError
        ``dps`` larger than the limit.
    """
    if isinstance(dps, int) and not isinstance(dps, bool) and dps > limit("MAX_DPS"):
        raise exceeded(f"{what} = {dps}", f"{dps} digits", "MAX_DPS")
    return dps


def check_magnitude(x, what):
    """Refuse a number larger in magnitude than 10**``MAX_NUMBER_EXPONENT`` (default 1e100).

    The band scans of the engine run in double precision, where squares of
    such numbers overflow; a value that large is a typing error far more
    often than a request.  Plain input checking; no equation.

    Parameters
    ----------
    x : mpf, Fraction, int or float
    what : str
        The input, for the message (``"--mu"``, ``"parameter b"``).

    Raises
    ------
    SymgravError
        ``|x| > 10**MAX_NUMBER_EXPONENT``.
    """
    digits = limit("MAX_NUMBER_EXPONENT")
    with mp.workdps(15):
        big = abs(mp.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mp.mpf(x))
        if big > mp.mpf(10) ** digits:
            raise exceeded(f"{what} = {mp.nstr(mp.sign(x) * big, 5)}",
                           f"a decimal exponent of {int(mp.floor(mp.log10(big)))}",
                           "MAX_NUMBER_EXPONENT")
    return x


def check_points(n, what):
    """Refuse a grid of more than ``MAX_GRID_POINTS`` points before it is built.

    Plain input checking; no equation.

    Raises
    ------
    SymgravError
        ``n`` larger than the limit.
    """
    if n > limit("MAX_GRID_POINTS"):
        raise exceeded(what, f"{n} points", "MAX_GRID_POINTS")
    return n


def exact_number(value, what="value"):
    """A real number given as a decimal string, int, Fraction or mpf, kept exact.

    Strings and ints become :class:`fractions.Fraction` (so ``"-0.2"`` is
    exactly -1/5); an mpf or float is kept as the binary number it is.
    """
    if isinstance(value, (Fraction, int)) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, str):
        match = _EXPONENT.search(value)
        if match and abs(int(match.group(1).replace(" ", ""))) > limit("MAX_DECIMAL_EXPONENT"):
            raise exceeded(f"{what}: {value.strip()[:40]!r}", "a decimal exponent of "
                           f"{match.group(1).strip()[:30]}", "MAX_DECIMAL_EXPONENT")
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise SymgravError(f"{what}: {value!r} is not a decimal number") from None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SymgravError(f"{what}: {value!r} is not finite")
        return Fraction(value)
    if isinstance(value, mp.mpf):
        if not mp.isfinite(value):
            raise SymgravError(f"{what}: {value!r} is not finite")
        return value
    raise SymgravError(f"{what}: {value!r} is not a real number")


def rounded(value, dps):
    """An exact number (Fraction or mpf, see :func:`exact_number`) as mpf rounded at ``dps`` digits.

    Plain bookkeeping; no equation.
    """
    with mp.workdps(dps):
        return to_mpf(value)


def linspace(start, stop, n):
    """``n`` equally spaced values from ``start`` to ``stop`` inclusive, exactly.

    Like :func:`numpy.linspace`, but in exact rational arithmetic from the
    decimal strings, so that round values such as -0.2 stay exact.  Plain
    bookkeeping; no equation of the paper.

    Parameters
    ----------
    start, stop : str, int or Fraction
    n : int
        Number of points, >= 1 (``n = 1`` gives ``[start]``).

    Returns
    -------
    list of Fraction
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise SymgravError(f"the number of points must be an integer >= 1; got {n!r}")
    a, b = exact_number(start, "start"), exact_number(stop, "stop")
    if n == 1:
        return [a]
    a, b = Fraction(a), Fraction(b)
    return [a + (b - a) * k / (n - 1) for k in range(n)]


def parse_grid(text, what="--mu"):
    """``"START:STOP:N"`` (N points inclusive), ``"V1,V2,..."`` or ``"V"`` -> Fractions.

    Used for the ``--mu`` and ``--T`` options of ``symgrav compute``.
    """
    text = str(text).strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise SymgravError(f"{what} must look like START:STOP:N (e.g. -1:1:41); got {text!r}")
        try:
            n = int(parts[2])
        except ValueError:
            raise SymgravError(f"{what}: N = {parts[2]!r} is not an integer") from None
        if n < 1:
            raise SymgravError(f"{what}: N must be >= 1; got {n}")
        check_points(n, f"{what} {text[:60]!r}")
        return linspace(exact_number(parts[0], what), exact_number(parts[1], what), n)
    check_points(text.count(",") + 1, f"{what} list")
    items = [t for t in text.split(",")]
    if not text or not all(t.strip() for t in items):
        raise SymgravError(f"{what}: give a number, a comma-separated list or START:STOP:N; "
                           f"got {text!r}")
    return [exact_number(t, what) for t in items]


def grid_values(values, what):
    """One value, a grid string or a sequence of them -> flat list of exact numbers."""
    if isinstance(values, (str, int, float, Fraction, mp.mpf)) and not isinstance(values, bool):
        values = [values]
    out = []
    for v in values:
        out.append(parse_grid(v, what) if isinstance(v, str) and (":" in v or "," in v)
                   else [exact_number(v, what)])
    flat = [x for group in out for x in group]
    check_points(len(flat), what)
    if not flat:
        raise SymgravError(f"{what}: no values given")
    return flat


#: file-name endings read as Wannier90 tight-binding files (see :func:`model_of`)
WANNIER90_SUFFIXES = ("_hr.dat", "_tb.dat")


def is_wannier90_path(spec):
    """True for a path whose name ends in ``_hr.dat`` or ``_tb.dat`` (a Wannier90 file)."""
    return isinstance(spec, (str, os.PathLike)) and \
        os.fspath(spec).lower().endswith(WANNIER90_SUFFIXES)


def model_of(model, spin=None):
    """The model a workflow integrates: a Model or TightBinding as is, or one named by a path.

    A built-in name or ``.toml`` file gives a :class:`~symgrav.Model`; a
    Wannier90 ``seedname_hr.dat`` / ``seedname_tb.dat`` file a
    :class:`~symgrav.TightBinding` with the operator ``spin`` (see
    :func:`symgrav.tightbinding.wannier90.read`).  Plain bookkeeping.
    """
    if isinstance(model, (Model, TightBinding)):
        if spin is not None:
            raise SymgravError("spin= applies to Wannier90 files only; the model carries its "
                               "own operator")
        return model
    if is_wannier90_path(model):
        return TightBinding.from_wannier90(model, spin=spin)
    if isinstance(model, (str, os.PathLike)):
        if spin is not None:
            raise SymgravError("spin= applies to Wannier90 files (_hr.dat, _tb.dat) only")
        from ..symbolic.modelfile import load_model
        return load_model(model)
    raise SymgravError(f"model must be a symgrav.Model, a TightBinding, a built-in name, a "
                       f"model file or a Wannier90 _hr.dat/_tb.dat file; got "
                       f"{type(model).__name__}")


def merged_parameters(model, params):
    """The model's default parameter values updated with ``params`` (names as strings).

    Each value is checked against its symbol's sign assumption (see
    :func:`check_parameter_value`).  Plain bookkeeping; no equation.
    """
    merged = dict(model.defaults)
    for key, value in dict(params or {}).items():
        merged[getattr(key, "name", str(key))] = value
    for sym in getattr(model, "parameters", ()):
        if sym.name in merged:
            check_parameter_value(sym, merged[sym.name])
    if isinstance(model, Model):
        check_defined(model, merged)
    return merged


def check_defined(model, values):
    """Refuse parameter values at which an entry of H is undefined (e.g. m = 0 in p^2/2m).

    Without this the engine would meet a division by zero at its first
    point and could only guess the cause.  Plain input checking of the H(p)
    of Eq. (22) / Sec. II; no equation is evaluated.

    Parameters
    ----------
    model : Model
    values : dict
        Parameter name -> value (as :func:`merged_parameters` returns it);
        names without a value are left symbolic.

    Raises
    ------
    SymgravError
        An entry of H becomes infinite or undefined for every momentum.
    """
    import sympy as sp

    point = {}
    with mp.workdps(30):
        for sym in model.parameters:
            if sym.name in values:
                point[model.symbol(sym.name)] = sp.Float(mp.nstr(
                    to_mpf(values[sym.name], f"parameter {sym.name}"), 30), 30)
    H = model.H_real
    for r in range(H.rows):
        for c in range(H.cols):
            entry = H[r, c].xreplace(point)
            if entry.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                given = ", ".join(f"{s.name} = {exact_text(values[s.name], 15)}"
                                  for s in sorted(H[r, c].free_symbols & set(point),
                                                  key=lambda s: s.name))
                raise SymgravError(f"H[{r}][{c}] = {H[r, c]} is undefined at {given} "
                                   "(a division by zero or a logarithm of zero)")


def check_parameter_value(sym, value):
    """Refuse a boolean, a complex number, or a value against the sign ``sym`` is declared with.

    A symbolic hbar is declared positive, so ``hbar = 0`` or ``hbar = -1``
    is refused here with the reason, before any integral of Eqs. (8b), (8c)
    divides by it.  Plain input checking; no equation of the paper.

    Parameters
    ----------
    sym : sympy.Symbol
        The model's parameter symbol (its assumptions decide the sign).
    value : int, float, str, Fraction, mpf or SymPy number

    Raises
    ------
    SymgravError
        A boolean, a non-real number, a value <= 0 for a positive symbol
        (< 0 for a nonnegative one), or one beyond the ``MAX_NUMBER_EXPONENT``
        budget (see :func:`check_magnitude`).
    """
    name = sym.name
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        raise SymgravError(f"parameter {name} = {value!r}: a boolean is not a number")
    if isinstance(value, (complex, mp.mpc)):
        raise SymgravError(f"parameter {name} = {value!r}: not a real number")
    with mp.workdps(30):
        x = to_mpf(value, f"parameter {name}")
    check_magnitude(x, f"parameter {name}")
    if not (sym.is_positive or sym.is_nonnegative):
        return
    if sym.is_positive and not x > 0:
        raise SymgravError(f"parameter {name} must be positive ({name} is declared "
                           f"positive); got {mp.nstr(x, 15)}")
    if not x >= 0:
        raise SymgravError(f"parameter {name} must be >= 0 ({name} is declared "
                           f"nonnegative); got {mp.nstr(x, 15)}")


def _decimal(fraction):
    """A Fraction as a terminating decimal string, or ``"p/q"`` when it does not terminate."""
    num, den = fraction.numerator, fraction.denominator
    twos = fives = 0
    rest = den
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return f"{num}/{den}"
    if den == 1:
        return str(num)
    places = max(twos, fives)
    digits = str(abs(num) * 10 ** places // den).rjust(places + 1, "0")
    text = (digits[:-places] + "." + digits[-places:]).rstrip("0")
    return ("-" if num < 0 else "") + text


def exact_text(value, dps):
    """A parameter value as the text of what was used, without float noise.

    An int stays an int (``1`` -> ``"1"``), a decimal string stays as given
    (``"0.5"``), an exact rational is written as a terminating decimal
    (``1/5`` -> ``"0.2"``) or as ``"p/q"``, an exact symbolic number as its
    expression (``"pi/4"``), a float by its shortest repr and an mpf (or an
    inexact SymPy Float) with ``dps`` significant digits.  Used for the
    ``parameters`` of the metadata; the integrals themselves use the values
    at the working precision.
    """
    import sympy as sp

    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        return _decimal(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, sp.Basic):
        if isinstance(value, sp.Rational):
            return _decimal(Fraction(int(value.p), int(value.q)))
        if isinstance(value, sp.Float):
            value = mp.mpf(str(value))
        else:
            return str(value)
    if isinstance(value, mp.mpf):
        with mp.workdps(dps):
            return mp.nstr(+value, dps)
    return str(value)


def parameter_texts(model, params, dps):
    """``{name: exact text}`` of every model parameter, sorted by name (see :func:`exact_text`)."""
    names = {s.name for s in model.parameters}
    return {k: exact_text(v, dps) for k, v in sorted(params.items()) if k in names}
