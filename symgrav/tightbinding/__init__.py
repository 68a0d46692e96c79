"""Tight-binding models from numeric hoppings, and their readers (Wannier90, arrays, SymPy).

``TightBinding.from_wannier90(path, spin=..., lattice=None, dim=None)`` reads
``seedname_hr.dat`` / ``seedname_tb.dat`` (:func:`symgrav.tightbinding.wannier90.read`);
``TightBinding.from_pythtb(model)`` and ``TightBinding.from_tbmodels(model)`` take the
hoppings of those libraries' model objects (:mod:`symgrav.tightbinding.adapters`).
"""

from . import adapters, wannier90
from .model import TightBinding

#: the Wannier90 reader as a constructor of the class (the reader needs the class, so it
#: cannot live in model.py without an import cycle)
TightBinding.from_wannier90 = staticmethod(wannier90.read)
TightBinding.from_pythtb = staticmethod(adapters.from_pythtb)
TightBinding.from_tbmodels = staticmethod(adapters.from_tbmodels)

__all__ = ["TightBinding"]
