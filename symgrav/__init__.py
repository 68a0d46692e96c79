"""symgrav: symbolic-numeric band geometry of spin responses.

Implements Shitade, Daido and Yanase, "Theory of spin magnetic quadrupole
moment and temperature-gradient-induced magnetization": the spin-velocity
Berry curvature and spin magnetic moment (Eqs. 8b, 8c), the magnetoelectric
susceptibility (19a), the spin magnetic quadrupole moment (8a), the Kubo and
corrected gravito-magnetoelectric susceptibilities (19b, 20) and the Mott
relation (21).
"""

from .errors import SymgravError, SymgravWarning
from .symbolic.model import Model
from .symbolic.geometry import (bands, berry_curvature, magnetic_moment, spin_berry_curvature,
                       spin_magnetic_moment)
from .symbolic.modelfile import builtin_models, load_model
from .numeric.bands import numeric_geometry
from .symbolic.printing import derivation_sheet, latex
from .numeric.susceptibilities import Susceptibilities
from .workflows.sweep import sweep
from .workflows.tensor import tensor
from .workflows.verify import verify

from .version import __version__

__all__ = [
    "Model", "Susceptibilities", "SymgravError", "SymgravWarning", "bands",
    "berry_curvature", "builtin_models", "derivation_sheet", "latex", "load_model",
    "magnetic_moment", "numeric_geometry", "spin_berry_curvature", "spin_magnetic_moment",
    "sweep", "tensor", "verify", "__version__",
]
