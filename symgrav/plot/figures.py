"""Matplotlib pictures of a model and of a sweep; every function returns a Figure.

The arrays come from :mod:`symgrav.plot.data` (the engine's band data: band
energies, Omega_{an}^i of Eq. 8b, m_{an}^i of Eq. 8c) and from a
:class:`~symgrav.workflows.sweep_io.SweepResult` (Eqs. 19a, 19b, 8a, B7a, 20,
21).  Figures use matplotlib's object-oriented API (no pyplot state, nothing
shown); keep adjusting them, or write them with :func:`save` (any format
matplotlib knows by the file's extension: PNG, PDF, SVG, ...).  Natural
units and conventions: docs/conventions.md.
"""

from __future__ import annotations

import os

import numpy as np

from ..display import figure
from ..errors import SymgravError, require
from ..workflows.grid import model_of
from ..workflows.sweep_plot import sweep_figure
from .data import band_path, energy_plane, geometry_plane

__all__ = ["bands", "fermi_surface", "geometry_map", "save", "sweep"]

LABELS = {"omega": r"\Omega_{%s n}^{%s}", "moment": r"m_{%s n}^{%s}"}
EQUATIONS = {"omega": "Eq. (8b)", "moment": "Eq. (8c)"}


def _figure(**kw):
    require("matplotlib", "plot", "symgrav.plot")
    return figure(layout="constrained", **kw)


def _title(model, params):
    model = model_of(model)
    values = {**model.defaults, **{getattr(k, "name", str(k)): v
                                   for k, v in dict(params or {}).items()}}
    text = ", ".join(f"{k}={v}" for k, v in values.items())
    return model, f"{model.name}" + (f" ({text})" if text else "")


def bands(model, params=None, path="G-X-M-G", points=None, n=200, extent=1.0, mu=None):
    """Band structure along a path of named momenta (band energies in ascending order).

    Parameters
    ----------
    model : Model, TightBinding or str
        A model object, a built-in name, a model file or a Wannier90 file.
    params : dict, optional
        Overrides of the model's default parameter values.
    path : str
        Point names joined by ``-``; the usual names of square, cubic and
        hexagonal lattices (``G`` = Γ, X, Y, Z, M, R, K), or ``points``.
    points : dict, optional
        Your own points (see :func:`symgrav.plot.paths.kpath`).
    n : int
        Samples along the path.
    extent : float
        The momentum k of the standard points of a continuum model.
    mu : float, optional
        Draw the chemical potential as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    model, title = _title(model, params)
    kp, eps = band_path(model, params, path, points, n, extent)
    fig = _figure(figsize=(5.0, 3.8))
    ax = fig.subplots()
    for e in eps:
        ax.plot(kp.x, e, color="C0", lw=1.4)
    for t in kp.ticks:
        ax.axvline(t, color="0.7", lw=0.6)
    if mu is not None:
        ax.axhline(float(mu), color="C3", ls="--", lw=1, label=f"μ = {mu}")
        ax.legend(fontsize="small")
    ax.set_xticks(kp.ticks, kp.labels)
    ax.set_xlim(kp.x[0], kp.x[-1])
    ax.set_ylabel("energy  [model energy unit]")
    ax.set_title(title, fontsize="medium")
    return fig


def geometry_map(model, params=None, quantity="omega", a="x", i="x", band=None, mu=None,
                 n=81, window=None, axes=(0, 1), fixed=0.0):
    """Map of Omega_{an}^i (Eq. 8b) or m_{an}^i (Eq. 8c) over a momentum plane.

    One band (``band``) or the sum over the bands below ``mu`` at T = 0
    (see :func:`symgrav.plot.data.geometry_plane`), over the Brillouin zone
    of a lattice model or a window of a continuum model; a diverging colour
    map centred on zero.

    Parameters
    ----------
    model : Model, TightBinding or str
    params : dict, optional
    quantity : {"omega", "moment"}
    a, i : {"x", "y", "z"}
    band : int, optional
    mu : float, optional
    n, window, axes, fixed
        Grid, momentum range, the two momenta spanned, the third momentum.

    Returns
    -------
    matplotlib.figure.Figure
    """
    model, title = _title(model, params)
    plane = geometry_plane(model, params, quantity, a, i, band, mu, n, window, axes, fixed)
    fig = _figure(figsize=(5.0, 4.2))
    ax = fig.subplots()
    Z = plane.Z
    top = float(np.nanmax(np.abs(Z))) or 1.0
    mesh = ax.pcolormesh(plane.k1, plane.k2, Z, cmap="RdBu_r", vmin=-top, vmax=top,
                         shading="nearest")
    label = "$" + LABELS[quantity] % (a, i) + "$"
    which = (f"band {band}" if band is not None else
             f"sum over bands below μ = {mu}" if mu is not None else "band 0")
    fig.colorbar(mesh, ax=ax, label=f"{label}  {EQUATIONS[quantity]}")
    ax.set_xlabel(plane.axes[0])
    ax.set_ylabel(plane.axes[1])
    ax.set_aspect("equal")
    ax.set_title(f"{title}\n{which}", fontsize="medium")
    return fig


def fermi_surface(model, params=None, mu=0.0, n=161, window=None, axes=(0, 1), fixed=0.0):
    """The Fermi surface eps_n(k) = mu of every band on a momentum plane.

    Parameters
    ----------
    model : Model, TightBinding or str
    params : dict, optional
    mu : float
        Chemical potential.
    n, window, axes, fixed
        See :func:`geometry_map`.

    Returns
    -------
    matplotlib.figure.Figure
        One contour colour per band; a band that does not cross ``mu`` draws nothing.
    """
    model, title = _title(model, params)
    plane = energy_plane(model, params, n, window, axes, fixed)
    fig = _figure(figsize=(4.6, 4.2))
    ax = fig.subplots()
    for b, e in enumerate(plane.Z):
        if e.min() < float(mu) < e.max():
            ax.contour(plane.k1, plane.k2, e, levels=[float(mu)], colors=[f"C{b}"],
                       linestyles="solid")
            ax.plot([], [], color=f"C{b}", label=f"band {b}")
    if ax.lines:
        ax.legend(fontsize="small")
    ax.set_xlim(plane.k1.min(), plane.k1.max())
    ax.set_ylim(plane.k2.min(), plane.k2.max())
    ax.set_xlabel(plane.axes[0])
    ax.set_ylabel(plane.axes[1])
    ax.set_aspect("equal")
    ax.set_title(f"{title}\nFermi surface at μ = {mu}", fontsize="medium")
    return fig


def sweep(result, quantities=None):
    """The susceptibilities of a sweep versus mu, one line per temperature (Eqs. 19a-21).

    See :func:`symgrav.workflows.sweep_plot.sweep_figure`.

    Parameters
    ----------
    result : SweepResult
    quantities : sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    require("matplotlib", "plot", "symgrav.plot")
    return sweep_figure(result, quantities)


def save(fig, path, dpi=110):
    """Write a figure atomically, in the format of the file's extension (PNG, PDF, SVG, ...).

    Plain file output; no equation.

    Raises
    ------
    SymgravError
        An extension matplotlib cannot write.
    """
    from ..fileio import atomic_output

    ext = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    formats = fig.canvas.get_supported_filetypes()
    if ext not in formats:
        raise SymgravError(f"cannot write {os.fspath(path)!r}: use one of "
                           f"{', '.join('.' + f for f in sorted(formats))}")
    with atomic_output(path) as tmp:
        fig.savefig(tmp, format=ext, dpi=dpi)
