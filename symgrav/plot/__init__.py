"""Pictures of a model and of a sweep, as matplotlib Figures (the ``plot`` extra).

* :func:`bands` -- band structure along a path of named momenta;
* :func:`geometry_map` -- Omega_{an}^i (Eq. 8b) or m_{an}^i (Eq. 8c) over a
  momentum plane, one band or the sum over the bands below mu;
* :func:`fermi_surface` -- the contours eps_n(k) = mu;
* :func:`sweep` -- the susceptibilities of a :func:`symgrav.sweep` versus mu;
* :func:`save` -- write a figure atomically as PNG, PDF, SVG, ...

The numbers behind every picture come from :mod:`symgrav.plot.data` (the
engine's band data) and :mod:`symgrav.plot.paths` (the named points); both
work without matplotlib.  matplotlib is imported only when a figure is drawn.
"""

from .figures import bands, fermi_surface, geometry_map, save, sweep
from .paths import high_symmetry_points, kpath

__all__ = ["bands", "fermi_surface", "geometry_map", "high_symmetry_points", "kpath", "save",
           "sweep"]
