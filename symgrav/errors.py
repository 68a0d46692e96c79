"""Exception and warning types of symgrav.

Every error that symgrav raises on purpose is a :class:`SymgravError`, so a
caller (and the command line) can tell a problem with the input from a bug.
"""


class SymgravError(ValueError):
    """Bad input or an impossible request, with a message that names the problem."""


class SymgravWarning(UserWarning):
    """Something was computed, but the user should know a convention was bent."""
