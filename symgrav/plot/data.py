"""The numbers behind the pictures: bands along a path, Omega and m over a momentum plane.

Every array here comes from the engine's band data
(:func:`symgrav.numeric_geometry`, double precision): band energies in
ascending order, the spin-velocity Berry curvature Omega_{an}^i (Eq. 8b) and
the spin magnetic moment m_{an}^i (Eq. 8c), from the closed forms of a SymPy
model where they exist and from the sums over states otherwise.  The plotting
functions of :mod:`symgrav.plot.figures` only draw these arrays.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..errors import SymgravError
from ..numeric.arith import Float64
from ..numeric.banddata import numeric_geometry
from ..workflows.grid import merged_parameters, model_of
from .paths import kpath

__all__ = ["Plane", "band_path", "geometry_plane", "energy_plane", "model_and_data"]

#: values on a momentum plane: k1, k2 (n, n) in the engine's coordinates, Z (..., n, n),
#: the axis names and the fixed third coordinate
Plane = namedtuple("Plane", "k1 k2 Z axes")

QUANTITIES = {"omega": 2, "moment": 3}


def model_and_data(model, params=None, a="x", i="x"):
    """The model (a name or file is loaded) and its double-precision band data (Eqs. 8b, 8c).

    Parameters
    ----------
    model : Model, TightBinding, str
    params : dict, optional
        Overrides of the model's default parameter values.
    a, i : {"x", "y", "z"}
        Spin component and momentum direction of Omega_{an}^i and m_{an}^i.

    Returns
    -------
    model, band data (``.evaluate(Float64(), K)``)
    """
    model = model_of(model)
    values = merged_parameters(model, params)
    return model, numeric_geometry(model, values, a, i, dps=20)


def band_path(model, params=None, path="G-X-M-G", points=None, n=200, extent=1.0):
    """Band energies along a path of named points (ascending at every momentum).

    Parameters
    ----------
    model : Model, TightBinding or str
    params : dict, optional
    path, points, n, extent
        See :func:`symgrav.plot.paths.kpath`.

    Returns
    -------
    path : KPath
    energies : numpy.ndarray
        (N, P), band n at sample p.
    """
    model, bd = model_and_data(model, params)
    kp = kpath(model, path, points, n, extent)
    eps, _ = bd.energies(list(kp.K))
    return kp, np.asarray(eps)


def _plane(model, n, window, axes, fixed):
    d = model.dim
    if d == 1:
        raise SymgravError("a momentum plane needs a 2D or 3D model")
    if model.lattice:
        lo, hi = (-np.pi, np.pi) if window is None else window
    else:
        lo, hi = (-1.0, 1.0) if window is None else window
    if not isinstance(n, int) or n < 2:
        raise SymgravError(f"n must be an integer >= 2; got {n!r}")
    if not hi > lo:
        raise SymgravError(f"window must be (low, high) with low < high; got {window!r}")
    names = list(getattr(model, "momentum_names", None) or [p.name for p in model.momenta])
    pick = [names.index(x) if x in names else "xyz".index(x) if x in "xyz"[:d] else None
            for x in axes]
    if len(pick) != 2 or None in pick or pick[0] == pick[1]:
        raise SymgravError(f"axes must be two different momenta of {names}; got {axes!r}")
    g = np.linspace(lo, hi, n, endpoint=not model.lattice)
    k1, k2 = np.meshgrid(g, g, indexing="xy")
    K = [np.full(k1.size, float(fixed)) for _ in range(d)]
    K[pick[0]], K[pick[1]] = k1.ravel(), k2.ravel()
    return k1, k2, K, (names[pick[0]], names[pick[1]])


def geometry_plane(model, params=None, quantity="omega", a="x", i="x", band=None, mu=None,
                   n=81, window=None, axes=(0, 1), fixed=0.0):
    """Omega_{an}^i (Eq. 8b) or m_{an}^i (Eq. 8c) on a momentum plane: one band or a T = 0 sum.

    Parameters
    ----------
    model : Model, TightBinding or str
    params : dict, optional
    quantity : {"omega", "moment"}
    a, i : {"x", "y", "z"}
        Spin component and momentum direction.
    band : int, optional
        One band (0 = lowest).  Default: the sum over the bands below ``mu``,
        sum_n theta(mu - eps_n) X_n (the T = 0 occupations); with neither
        ``band`` nor ``mu`` the lowest band.
    mu : float, optional
        Chemical potential of the sum over occupied bands.
    n : int
        Grid points per axis.
    window : (low, high), optional
        Range of both momenta: default the Brillouin zone [-pi, pi) of a
        lattice model (reduced momenta kappa for a TightBinding), [-1, 1] for
        a continuum model.
    axes : pair of int or str
        The two momenta spanned (by index, by name, or ``"x"``/``"y"``/``"z"``).
    fixed : float
        The value of the third momentum of a 3D model.

    Returns
    -------
    Plane

    Raises
    ------
    SymgravError
        Bad quantity, band, window, axes, or a 1D model.
    """
    if quantity not in QUANTITIES:
        raise SymgravError(f"quantity must be 'omega' or 'moment'; got {quantity!r}")
    model, bd = model_and_data(model, params, a, i)
    names_axes = tuple(axes[k] if isinstance(axes[k], str) else
                       (getattr(model, "momentum_names", None)
                        or [p.name for p in model.momenta])[axes[k]] for k in range(2))
    k1, k2, K, axis_names = _plane(model, n, window, names_axes, fixed)
    out = bd.evaluate(Float64(), K)
    eps, X = np.asarray(out[0]), np.asarray(out[QUANTITIES[quantity]])
    if band is not None:
        if not isinstance(band, int) or not 0 <= band < len(eps):
            raise SymgravError(f"band must be 0 ... {len(eps) - 1}; got {band!r}")
        Z = X[band]
    elif mu is not None:
        Z = np.where(eps < float(mu), X, 0.0).sum(axis=0)
    else:
        Z = X[0]
    return Plane(k1, k2, Z.reshape(k1.shape), axis_names)


def energy_plane(model, params=None, n=161, window=None, axes=(0, 1), fixed=0.0):
    """Band energies on a momentum plane (for Fermi surfaces), ascending in band index.

    Parameters
    ----------
    model : Model, TightBinding or str
    params : dict, optional
    n, window, axes, fixed
        See :func:`geometry_plane`.

    Returns
    -------
    Plane
        ``Z`` has shape (N, n, n).
    """
    model, bd = model_and_data(model, params)
    names = getattr(model, "momentum_names", None) or [p.name for p in model.momenta]
    names_axes = tuple(x if isinstance(x, str) else names[x] for x in axes)
    k1, k2, K, axis_names = _plane(model, n, window, names_axes, fixed)
    eps, _ = bd.energies(K)
    eps = np.asarray(eps)
    return Plane(k1, k2, eps.reshape((len(eps),) + k1.shape), axis_names)
