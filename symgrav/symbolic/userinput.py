"""Values handed to the Python API (``Model(H, momenta, hbar, spin)``) read as data.

A string given to the API is read by the same safe parser as a model file
(:func:`symgrav.symbolic.parsing.parse_expression`), never by
``sympy.sympify`` (which evaluates Python code: ``sympify("__import__('os')...")``
runs the payload).  SymPy objects pass through unchanged; Python and NumPy
numbers are converted with ``sympify(..., strict=True)``, which refuses
strings and unknown objects instead of parsing their ``str``.
"""

from __future__ import annotations

import sympy as sp

from ..errors import SymgravError
from .parsing import CONSTANTS, FUNCTIONS, is_valid_name, parse_expression


def symbol_table(*parts):
    """Name -> SymPy symbol of every symbol in ``parts`` (first occurrence wins).

    Plain bookkeeping; implements no equation of the paper.  Strings and other
    non-SymPy values in ``parts`` are skipped, so that the string entries of a
    matrix can be parsed with the symbols of its SymPy entries.

    Parameters
    ----------
    *parts : objects, nested lists/tuples of objects, SymPy matrices or expressions

    Returns
    -------
    dict of str -> sympy.Symbol
    """
    table = {}
    stack = list(parts)
    while stack:
        item = stack.pop(0)
        if isinstance(item, sp.Symbol):
            table.setdefault(item.name, item)
        elif isinstance(item, (sp.Basic, sp.MatrixBase)):
            for s in sorted(item.free_symbols, key=lambda s: s.name):
                if isinstance(s, sp.Symbol):
                    table.setdefault(s.name, s)
        elif isinstance(item, (list, tuple)):
            stack[:0] = list(item)
        elif hasattr(item, "tolist") and not isinstance(item, (str, bytes)):
            stack.insert(0, item.tolist())
    return table


def as_expression(value, symbols, what):
    """One scalar given to the API -> a SymPy expression, strings read as data.

    Plain input conversion; implements no equation of the paper (the
    entries are those of the H(p) of Eq. 22 and Sec. II).

    Parameters
    ----------
    value : str, sympy.Expr, int, float, complex or a NumPy number
        A string is parsed by :func:`~symgrav.symbolic.parsing.parse_expression`
        with ``symbols`` (unknown names become new real symbols); SymPy
        expressions pass through; numbers go through ``sympify(strict=True)``.
    symbols : dict of str -> sympy.Symbol
        Names the strings may refer to (see :func:`symbol_table`).
    what : str
        Where the value sits, for the error message (e.g. ``"H[0][1]"``).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    SymgravError
        A string outside the parser's grammar, a boolean, ``None``, bytes or
        any object SymPy cannot take without parsing its text.
    """
    if isinstance(value, str):
        try:
            return parse_expression(value, symbols)
        except SymgravError as exc:
            raise SymgravError(f"{what}: {exc}") from None
    if isinstance(value, sp.Expr):
        return value
    if isinstance(value, (bool, bytes, bytearray)) or value is None \
            or type(value).__name__ == "bool_":
        raise SymgravError(f"{what}: expected an expression or a number, got "
                           f"{type(value).__name__} {value!r}")
    try:
        out = sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError, ValueError) as exc:
        raise SymgravError(f"{what}: expected an expression or a number, got "
                           f"{type(value).__name__}: {' '.join(str(exc).split())[:80]}") from None
    if not isinstance(out, sp.Expr):
        raise SymgravError(f"{what}: expected a scalar expression, got {type(out).__name__}")
    return out


def as_matrix(obj, symbols, what):
    """A matrix given to the API -> ``sympy.Matrix``, string entries read as data.

    Plain input conversion; implements no equation of the paper (used for
    the H(p) and the spin operators s_a of Eqs. 8b, 8c).

    Parameters
    ----------
    obj : sympy.Matrix, nested list/tuple of rows, a flat list (one column) or a NumPy array
        Each entry as for :func:`as_expression`.
    symbols : dict of str -> sympy.Symbol
    what : str
        Name of the matrix in error messages (``"H"``, ``"spin[0]"``).

    Returns
    -------
    sympy.Matrix

    Raises
    ------
    SymgravError
        Not a matrix (ragged rows, a string, a scalar), or a bad entry.
    """
    if isinstance(obj, sp.MatrixBase):
        for entry in obj:
            if not isinstance(entry, sp.Expr):
                raise SymgravError(f"{what}: entries must be scalars")
        return sp.Matrix(obj)
    if hasattr(obj, "tolist") and not isinstance(obj, (str, bytes)):
        obj = obj.tolist()
    if not isinstance(obj, (list, tuple)):
        raise SymgravError(f"{what} is not a matrix: got {type(obj).__name__} "
                           "(give a sympy.Matrix or a list of rows)")
    if not obj:
        return sp.Matrix([])
    nested = [isinstance(row, (list, tuple)) for row in obj]
    if not any(nested):
        obj = [[x] for x in obj]
    elif not all(nested):
        raise SymgravError(f"{what} is not a matrix: mixes rows and scalars")
    width = len(obj[0])
    for r, row in enumerate(obj):
        if len(row) != width:
            raise SymgravError(f"{what} is not a matrix: row {r} has {len(row)} entries, "
                               f"row 0 has {width}")
    return sp.Matrix([[as_expression(x, symbols, f"{what}[{r}][{c}]")
                       for c, x in enumerate(row)] for r, row in enumerate(obj)])


def as_hbar(value, symbols):
    """hbar given to the API: a name (a positive symbol) or a positive number.

    Plain bookkeeping of the hbar of Eqs. (8b), (8c), (24a,b).

    Parameters
    ----------
    value : sympy.Symbol, sympy number, int, float or str
        A string that is a valid name is the symbol of that name (the one in
        ``symbols`` if there is one, else a new positive symbol); any other
        string is a number expression such as ``"1/2"``.
    symbols : dict of str -> sympy.Symbol

    Returns
    -------
    sympy.Expr

    Raises
    ------
    SymgravError
        Anything but a symbol or a positive number.
    """
    if isinstance(value, str):
        name = value.strip()
        if is_valid_name(name) and name not in CONSTANTS and name not in FUNCTIONS:
            return symbols.get(name) or sp.Symbol(name, positive=True)
        try:
            value = parse_expression(value, allow_new=False)
        except SymgravError as exc:
            raise SymgravError(f"hbar: {exc}") from None
    hbar = as_expression(value, {}, "hbar")
    if not (isinstance(hbar, sp.Symbol) or (hbar.is_number and hbar.is_positive)) \
            or hbar.is_positive is False:
        raise SymgravError(f"hbar must be a positive symbol or a positive number; got {hbar}")
    return hbar


def spin_or_operator(spin, operator):
    """The operator argument given as ``spin=`` or as its alias ``operator=`` (not both).

    Plain input checking of the operators s_a of Eqs. (8b), (8c): ``operator``
    is a clearer name for the same argument (any Hermitian matrices,
    momentum-dependent ones included, not only spin).

    Parameters
    ----------
    spin, operator : object or None
        The two spellings of the argument; at most one may be given.

    Returns
    -------
    object or None
        The one that was given (None when neither was).

    Raises
    ------
    SymgravError
        Both were given.
    """
    if spin is not None and operator is not None:
        raise SymgravError("give the operators as spin= or as operator= (its alias), not both")
    return operator if spin is None else spin
