"""Work budgets: the limits that keep hostile or careless input from running away.

Each limit has a default here and can be raised (or lowered) for one run with
an environment variable of the same name prefixed ``SYMGRAV_``, e.g.
``SYMGRAV_MAX_DPS=5000 symgrav compute ...``.  Every exceeded budget is a
one-line :class:`~symgrav.errors.SymgravError` that names the input, the
limit and the variable that raises it.  The README's "Safety" section lists
them.  Plain bookkeeping; no equation of the paper.
"""

from __future__ import annotations

import os

from .errors import SymgravError

#: default of every budget; the environment variable SYMGRAV_<NAME> overrides it
DEFAULTS = {
    # --dps / dps=: decimal digits of the results
    "MAX_DPS": 2000,
    # points of a (mu, T) grid (START:STOP:N and lists), per axis and in total
    "MAX_GRID_POINTS": 1_000_000,
    # |decimal exponent| of a number typed as text (--mu 1e400 is fine, 1e99999999 is not)
    "MAX_DECIMAL_EXPONENT": 10_000,
    # terms of one matrix entry of H or a spin matrix after multiplying out its powers
    "MAX_TERMS": 20_000,
    # decimal exponent of the largest number in H, the spin matrices, a parameter, mu or T:
    # |x| <= 10**100 (squares must fit in double precision: the band scans run in floats);
    # exp, sinh, cosh of a number obey it too (|argument| <= 100 ln 10)
    "MAX_NUMBER_EXPONENT": 100,
    # seconds of SymPy work on one model: the Hermiticity check, the closed-form derivation
    "MAX_SYMBOLIC_SECONDS": 120,
}


def limit(name):
    """The current value of budget ``name`` (:data:`DEFAULTS`, or ``SYMGRAV_<name>``).

    Plain bookkeeping; implements no equation of the paper.

    Parameters
    ----------
    name : str
        A key of :data:`DEFAULTS`.

    Returns
    -------
    int

    Raises
    ------
    SymgravError
        The environment variable is set to something that is not a positive integer.
    """
    var = f"SYMGRAV_{name}"
    text = os.environ.get(var)
    if text is None or not text.strip():
        return DEFAULTS[name]
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise SymgravError(f"environment variable {var} must be a positive integer; got "
                           f"{text[:40]!r}")
    return value


def exceeded(what, amount, name):
    """The one-line error for ``what`` needing ``amount`` of budget ``name``.

    Plain bookkeeping; implements no equation of the paper.

    Parameters
    ----------
    what : str
        The input, quoted as the user wrote it where possible.
    amount : str or int
        How much it needs (``"about 10^8 terms"``).
    name : str
        A key of :data:`DEFAULTS`.

    Returns
    -------
    SymgravError
        To be raised by the caller.
    """
    return SymgravError(f"{what} refused: needs {amount}, the limit is {limit(name)} "
                        f"(raise it with the environment variable SYMGRAV_{name})")
