"""Exception and warning types of symgrav.

Every error that symgrav raises on purpose is a :class:`SymgravError`, so a
caller (and the command line) can tell a problem with the input from a bug.
"""


class SymgravError(ValueError):
    """Bad input or an impossible request, with a message that names the problem."""


class PrecisionError(SymgravError):
    """The number type asked for cannot hold the digits (e.g. double precision with nearly
    degenerate bands): a final answer, not a quadrature failure to retry otherwise."""


class SymgravWarning(UserWarning):
    """Something was computed, but the user should know a convention was bent."""


def require(module, extra, purpose):
    """Check that an optional dependency can be imported; a one-line SymgravError if not.

    Plain bookkeeping for the optional extras of ``pyproject.toml`` (``plot``:
    matplotlib; ``data``: pandas, xarray); implements no equation of the paper.

    Parameters
    ----------
    module : str
        The top-level module, e.g. ``"matplotlib"``.
    extra : str
        The extra that installs it, e.g. ``"plot"``.
    purpose : str
        What needs it, e.g. ``"symgrav paper"``; starts the message.

    Raises
    ------
    SymgravError
        ``module`` cannot be found.
    """
    import importlib.util

    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise SymgravError(f"{purpose} needs {module}: pip install 'symgrav[{extra}]'")
