"""The result of one evaluation (values with their route) and the check of ``dps``."""

from __future__ import annotations

from ..errors import SymgravError

__all__ = ["Evaluation", "check_dps"]


class Evaluation(dict):
    """The values of one evaluation (name -> number) with the route that produced them.

    Attributes
    ----------
    route : str
        The route (see :mod:`symgrav.numeric.routes`).
    decisions : list of RouteDecision
        Every route tried or skipped, with the reason.
    """

    def __init__(self, values, route, decisions):
        super().__init__(values)
        self.route = route
        self.decisions = list(decisions)


def check_dps(dps):
    """Validate ``dps``: an integer >= 15, or ``"double"`` for IEEE double precision."""
    if dps == "double":
        return dps
    if not isinstance(dps, int) or isinstance(dps, bool) or dps < 15:
        raise SymgravError(f"dps must be an integer >= 15 (or 'double'); got {dps!r}")
    return dps
