"""Tight-binding models from numeric hoppings, and their readers (Wannier90, arrays, SymPy).

``TightBinding.from_wannier90(path, spin=..., lattice=None, dim=None)`` reads
``seedname_hr.dat`` / ``seedname_tb.dat`` (:func:`symgrav.tightbinding.wannier90.read`).
"""

from . import wannier90
from .model import TightBinding

#: the Wannier90 reader as a constructor of the class (the reader needs the class, so it
#: cannot live in model.py without an import cycle)
TightBinding.from_wannier90 = staticmethod(wannier90.read)

__all__ = ["TightBinding"]
