"""symgrav: symbolic-numeric band geometry of spin responses.

Implements Shitade, Daido and Yanase, "Theory of spin magnetic quadrupole
moment and temperature-gradient-induced magnetization": the spin-velocity
Berry curvature and spin magnetic moment (Eqs. 8b, 8c), the magnetoelectric
susceptibility (19a), the spin magnetic quadrupole moment (8a), the Kubo and
corrected gravito-magnetoelectric susceptibilities (19b, 20) and the Mott
relation (21).
"""

from .errors import SymgravError, SymgravWarning
from .numeric.banddata import numeric_geometry
from .numeric.engine import Susceptibilities
from .numeric.rigorous import zero_temperature_enclosure
from .numeric.rigorous_window import Enclosure, enclosure, mott_ratio_enclosure
from .numeric.routes import ROUTES
from .symbolic.geometry import (bands, berry_curvature, magnetic_moment, spin_berry_curvature,
                                spin_magnetic_moment)
from .symbolic.model import Model
from .symbolic.modelfile import builtin_models, load_model
from .symbolic.printing import derivation_sheet, latex
from .symbolic.quantities import QUANTITIES, Quantity
from .symbolic.sommerfeld import low_temperature_series
from .symbolic.zero_temperature import zero_temperature
from .tightbinding import TightBinding
from .version import __version__
from .workflows.bz_scan import bz_scan
from .workflows.hall import hall_conductivity
from .workflows.smearing import zero_temperature_scan
from .workflows.sweep import sweep
from .workflows.tensor import tensor
from .workflows.verify import verify

__all__ = [
    "Enclosure", "Model", "QUANTITIES", "Quantity", "ROUTES", "Susceptibilities", "SymgravError",
    "SymgravWarning", "TightBinding", "bands", "berry_curvature", "builtin_models", "bz_scan",
    "derivation_sheet", "enclosure", "hall_conductivity", "latex", "load_model",
    "low_temperature_series", "magnetic_moment", "mott_ratio_enclosure", "numeric_geometry",
    "spin_berry_curvature", "spin_magnetic_moment", "sweep", "tensor", "verify",
    "zero_temperature", "zero_temperature_enclosure", "zero_temperature_scan", "__version__",
]
