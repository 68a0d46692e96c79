"""Table columns derived from the registry: beta = T_beta / T (Eq. 20) and the Mott value (Eq. 21).

The Fermi-sea quantities are declared once in :mod:`symgrav.symbolic.quantities`
(:data:`~symgrav.symbolic.quantities.QUANTITIES`).  Two more columns of every
sweep table are not Fermi-sea integrals of their own but simple functions of
those: beta_a^i = T beta_a^i / T (Eq. 20 divided by T, 0 at T = 0) and the
Mott value of T beta, (pi^2 T^2 / 3q) d alpha / d mu at T = 0 (Eq. 21, with
the Fermi-surface integral E1).  They are declared here, once, with what the
tables, plots and SI units need (:class:`DerivedColumn`), and read by
:mod:`symgrav.units` and :mod:`symgrav.workflows.columns`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SymgravError
from .quantities import DALPHA_DMU, QUANTITIES, Quantity


@dataclass(frozen=True)
class DerivedColumn:
    """A table column computed from the quantities of the registry (Eqs. 20, 21).

    Attributes
    ----------
    name : str
        Column name.
    equation : str
        The paper's equation number.
    label : str
        LaTeX label for plots (``_{a}^{i}`` is replaced by the component).
    description : str
        One line for file headers and ``--help``.
    energy_power : int
        n in the natural unit hbar L^(1-d) E^n (as :attr:`Quantity.energy_power`).
    charge : bool
        True when the SI value carries the charge q.
    per_kelvin : bool
        True when one power 1/E is a temperature (beta = T beta / T): the SI
        unit then has K^-1 (a factor k_B) instead of J^-1.
    """

    name: str
    equation: str
    label: str
    description: str
    energy_power: int
    charge: bool = False
    per_kelvin: bool = False


#: Eq. (20) divided by T: beta_a^i = T beta_a^i / T (0 at T = 0)
BETA = DerivedColumn("beta", "20", r"\beta_{a}^{i}",
                     "beta_a^i = T_beta / T (0 at T = 0), Eq. (20)",
                     energy_power=-1, per_kelvin=True)
#: Eq. (21): the Mott value of T beta, (pi^2 T^2 / 3) d alpha / d mu at T = 0 (q cancels)
MOTT = DerivedColumn("mott", "21", r"\mathrm{Mott}\ T\beta_{a}^{i}",
                     "Mott value of T_beta, (pi^2 T^2/3) d alpha/d mu at T = 0, Eq. (21); "
                     "nan for Bose statistics", energy_power=0)

#: the derived columns, in the order of every table (after the registry's quantities)
DERIVED = (BETA, MOTT)


def lookup(quantity, quantities=()):
    """The record of a quantity or derived column, given it or its name (Eqs. 19-21, E1).

    Plain bookkeeping over the registry: names are looked up among
    :data:`~symgrav.symbolic.quantities.QUANTITIES`, d alpha / d mu
    (:data:`~symgrav.symbolic.quantities.DALPHA_DMU`, Eq. E1), :data:`DERIVED`
    and the user's ``quantities``.

    Parameters
    ----------
    quantity : str, Quantity or DerivedColumn
    quantities : sequence of Quantity, optional
        User quantities that a name may refer to.

    Returns
    -------
    Quantity or DerivedColumn

    Raises
    ------
    SymgravError
        An unknown name or an object of another type.
    """
    known = {q.name: q for q in QUANTITIES + (DALPHA_DMU,) + DERIVED + tuple(quantities)}
    if isinstance(quantity, str):
        if quantity not in known:
            raise SymgravError(f"unknown quantity {quantity!r}; known: {', '.join(known)}")
        return known[quantity]
    if not isinstance(quantity, (Quantity, DerivedColumn)):
        raise SymgravError(f"quantity must be a name, a symgrav.Quantity or a derived column; "
                           f"got {type(quantity).__name__}")
    return quantity
