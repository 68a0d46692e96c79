"""The Hall conductivity of Eq. (25) through the one engine.

sigma^{ij} = -(q^2/hbar) sum_n int d^dk/(2 pi)^d Omega_{n; k_i k_j} f_n, with the Berry
curvature Omega_{n; k_i k_j} of Eq. (24a).  Omega_{n; k_i k_j} is Eq. (8b) with the
operator s_a replaced by the velocity v_j = dH/dk_j (hbar = 1), so sigma^{ij} is minus the
alpha of (19a) computed with that operator: the same band data (sums over states of the
hoppings), the same Brillouin-zone routes, every precision, Fermi and Bose, T = 0
included.  Natural units q = hbar = 1 (docs/conventions.md); in a 2D insulator 2 pi sigma^{xy} is
the Chern number (conductance quantum e^2/h).
"""

from __future__ import annotations

import mpmath as mp

from ..errors import SymgravError
from ..numeric.engine import Susceptibilities
from ..symbolic.model import Model
from ..tightbinding import TightBinding
from .grid import model_of


def hall_conductivity(model, params=None, mu=0, T=0, i="x", j="y", dps=20, statistics="fermi"):
    """The Hall conductivity sigma^{ij} of Eq. (25), natural units q = hbar = 1.

    Parameters
    ----------
    model : TightBinding, Model (lattice=True) or str
        A tight-binding model, a SymPy lattice model (converted with
        :meth:`TightBinding.from_model`, exact hoppings), or a path / name
        that :func:`symgrav.workflows.grid.model_of` reads (a Wannier90
        ``_hr.dat`` file included).
    params : dict, optional
        Parameter values of a SymPy model (default: its defaults).
    mu, T : number or str
        Chemical potential and temperature (T = 0: the step function).
    i, j : {"x", "y", "z"}
        Current and field directions (Cartesian).
    dps : int or "double"
        Digits, as for :class:`~symgrav.Susceptibilities`.
    statistics : {"fermi", "bose"}

    Returns
    -------
    mpf or float
        sigma^{ij}; 2 pi sigma^{xy} is the Chern number of a 2D insulator.

    Raises
    ------
    SymgravError
        A continuum SymPy model (no Brillouin zone; not yet supported), an axis
        beyond the model's dimension, or the errors of the engine.
    """
    model = model_of(model)
    if isinstance(model, Model):
        if not model.lattice:
            raise SymgravError("hall_conductivity needs a lattice model (TightBinding or a "
                               "SymPy Model with lattice=True); continuum models are not "
                               "supported yet")
        model = TightBinding.from_model(model, params)
    elif params:
        raise SymgravError("a tight-binding model has no parameters; got "
                           f"{sorted(map(str, dict(params)))}")
    S = Susceptibilities(model, {}, a=j, i=i, dps=dps, statistics=statistics,
                         operator="velocity")
    if S.a == S.i:
        # Omega_{n; k k} = i<d u|d u> + c.c. = 0 identically (Eq. 24a is antisymmetric);
        # a sum over states would only integrate rounding noise
        return 0.0 if S.double else mp.mpf(0)
    return -S.evaluate(mu, T)["alpha"]
