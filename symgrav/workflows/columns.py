"""The columns of sweep tables, derived from the registry of quantities (Eqs. 19-21, B7a, E1).

Every table of :func:`symgrav.sweep` has the columns ``mu``, ``T``, the
quantities of :data:`symgrav.QUANTITIES` (alpha 19a, T beta~ 19b, M 8a,
M~ B7a, T beta 20), the derived columns of
:data:`symgrav.symbolic.derived.DERIVED` (beta = T beta / T, Eq. 20, and the
Mott value, Eq. 21) and then the user's own quantities, in the order given.
Names, descriptions, plot labels and the file metadata of a user quantity
(its weights) all come from the :class:`~symgrav.Quantity` objects; nothing
here lists a quantity by hand.  Plain bookkeeping; no equation is evaluated.
"""

from __future__ import annotations

from ..errors import SymgravError
from ..symbolic.derived import DERIVED
from ..symbolic.quantities import QUANTITIES as REGISTRY
from ..symbolic.quantities import Quantity

#: the grid columns and their descriptions
GRID = {"mu": "chemical potential", "T": "temperature (k_B = 1)"}
#: computed columns of a table of built-in quantities, in order (after ``mu`` and ``T``)
QUANTITIES = tuple(q.name for q in REGISTRY) + tuple(c.name for c in DERIVED)
#: every column of a table of built-in quantities
COLUMNS = tuple(GRID) + QUANTITIES
#: one-line description of every column (also stored in the files' metadata)
DESCRIPTIONS = {**GRID, **{c.name: c.description for c in REGISTRY + DERIVED}}
#: the units of every table
UNITS = ("natural units of docs/conventions.md: q = 1, g mu_B / hbar = 1, k_B = 1; mu and T in "
         "the model's energy unit")


def check_quantities(quantities):
    """The user's quantities as a tuple of :class:`~symgrav.Quantity`, names unique.

    Plain input checking for :func:`symgrav.sweep` and :func:`symgrav.tensor`.

    Parameters
    ----------
    quantities : sequence of Quantity or None

    Returns
    -------
    tuple of Quantity

    Raises
    ------
    SymgravError
        Not Quantity objects, or a name repeated or taken by a built-in column.
    """
    out = tuple(quantities or ())
    for q in out:
        if not isinstance(q, Quantity):
            raise SymgravError(f"quantities must be symgrav.Quantity objects; got "
                               f"{type(q).__name__}")
    names = list(COLUMNS) + [q.name for q in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SymgravError(f"quantity names must be unique and not a built-in column; "
                           f"repeated: {dup}")
    return out


def columns_for(quantities=(), omitted=()):
    """Every column of a table with the user's ``quantities`` (appended after ``mott``).

    ``omitted``: built-in derived columns that the table does not have (``bz_scan``
    has no ``mott``: a Fermi-surface integral at T = 0 that a grid cannot do).
    """
    return tuple(c for c in COLUMNS if c not in omitted) + tuple(q.name for q in quantities)


def descriptions_for(quantities=()):
    """``{column: description}`` of a table with the user's ``quantities``."""
    return {**DESCRIPTIONS, **{q.name: q.description for q in quantities}}


def quantity_metadata(quantities):
    """``{name: {...}}`` describing user quantities in a file header: weights and labels.

    The weights are SymPy text that :class:`~symgrav.Quantity` reads back
    (through the safe parser) in :func:`quantities_from_metadata`.
    """
    return {q.name: {"omega": str(q.omega), "moment": str(q.moment), "equation": q.equation,
                     "label": q.label, "unit": q.unit, "charge": q.charge,
                     "description": q.description} for q in quantities}


def quantities_from_metadata(metadata):
    """The user quantities recorded by :func:`quantity_metadata` in ``metadata["quantities"]``.

    The weights are text read by the safe parser of :class:`~symgrav.Quantity`
    (data, never code), so a file from elsewhere cannot run anything.
    """
    out = []
    for name, d in dict(metadata.get("quantities") or {}).items():
        if not isinstance(d, dict):
            raise SymgravError(f"metadata of quantity {name!r} is not a table")
        out.append(Quantity(name, str(d.get("omega", "0")), str(d.get("moment", "0")),
                            equation=str(d.get("equation", "")), label=d.get("label") or None,
                            unit=d.get("unit") or None, charge=bool(d.get("charge", False)),
                            description=str(d.get("description", ""))))
    return tuple(out)


def plot_label(name, quantities=()):
    """The plot label of a column: ``$<LaTeX label>$  (<equation>)`` from its declaration."""
    for rec in REGISTRY + DERIVED + tuple(quantities):
        if rec.name == name:
            return f"${rec.label}$" + (f"  ({rec.equation})" if rec.equation else "")
    raise SymgravError(f"no label for column {name!r}")


#: the plot label of every built-in column
LABELS = {name: plot_label(name) for name in QUANTITIES}
