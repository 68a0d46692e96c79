"""symgrav: symbolic-numeric band geometry of spin responses.

Implements Shitade, Daido and Yanase, "Theory of spin magnetic quadrupole
moment and temperature-gradient-induced magnetization": the spin-velocity
Berry curvature and spin magnetic moment (Eqs. 8b, 8c), the magnetoelectric
susceptibility (19a), the spin magnetic quadrupole moment (8a), the Kubo and
corrected gravito-magnetoelectric susceptibilities (19b, 20) and the Mott
relation (21).
"""

from .errors import SymgravError, SymgravWarning
from .model import Model
from .geometry import (bands, berry_curvature, magnetic_moment, spin_berry_curvature,
                       spin_magnetic_moment)
from .modelfile import builtin_models, load_model
from .numeric.bands import numeric_geometry
from .printing import derivation_sheet, latex
from .susceptibilities import Susceptibilities
from .sweep import sweep
from .tensor import tensor
from .verify import verify

__version__ = "0.1.0"

__all__ = [
    "Model", "Susceptibilities", "SymgravError", "SymgravWarning", "bands",
    "berry_curvature", "builtin_models", "derivation_sheet", "latex", "load_model",
    "magnetic_moment", "numeric_geometry", "spin_berry_curvature", "spin_magnetic_moment",
    "sweep", "tensor", "verify", "__version__",
]
