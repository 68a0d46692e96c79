"""Plot of a sweep: the susceptibilities versus mu, one line per temperature.

Draws the columns of a :class:`~symgrav.workflows.sweep_io.SweepResult` --
alpha (19a), T beta~ (19b), M (8a), M~ (B7a), T beta (20), beta, the Mott
value (21), or a user quantity -- with the Mott value of T beta (21) dashed
in the T beta panel, in the natural units of docs/conventions.md:
:func:`sweep_figure` returns the matplotlib Figure, :func:`plot_sweep` writes
it atomically in the format of the file's extension (PNG, PDF, SVG, ...).
Labels come from the declarations (:attr:`Quantity.label` and the equation
number, :func:`symgrav.workflows.columns.plot_label`).  Values are converted
to float only for drawing.
"""

from __future__ import annotations

import math

import mpmath as mp

from ..display import figure
from ..errors import SymgravError
from .columns import LABELS, plot_label

__all__ = ["DEFAULT", "LABELS", "plot_sweep", "sweep_figure"]

#: the quantities drawn by default (then every user quantity of the sweep)
DEFAULT = ("alpha", "T_beta_kubo", "mqm", "T_beta")


def sweep_figure(result, quantities=None):
    """The quantities of a sweep versus mu, as a matplotlib Figure (nothing written).

    One panel per quantity (Eqs. 19a, 19b, 8a, B7a, 20, 21, or a user
    quantity), one line per temperature; the ``T_beta`` panel also shows the
    Mott value, Eq. (21), dashed (Fermi statistics only).  Natural units:
    q = 1, g mu_B / hbar = 1, k_B = 1.

    Parameters
    ----------
    result : SweepResult
    quantities : sequence of str, optional
        Columns to draw, any of ``result.columns`` but ``mu`` and ``T``.
        Default: :data:`DEFAULT` and every user quantity of the sweep.

    Returns
    -------
    matplotlib.figure.Figure
    """
    extra = tuple(result.quantities)
    if quantities is None:
        quantities = DEFAULT + tuple(q.name for q in extra)
    drawable = [c for c in result.columns if c not in ("mu", "T")]
    for q in quantities:
        if q not in drawable:
            raise SymgravError(f"cannot plot {q!r}; choose from {drawable}")
    m = result.metadata
    comp = m.get("component", "ai")
    n = len(quantities)
    ncols = 2 if n > 1 else 1
    nrows = math.ceil(n / ncols)
    fig = figure(figsize=(5.2 * ncols, 3.6 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    single_mu = len({mp.nstr(r["mu"], 30) for r in result.rows}) == 1
    for ax, q in zip(axes, quantities):
        for t in result.temperatures():
            rows = [r for r in result.rows if r["T"] == t]
            xs = [float(r["mu"]) for r in rows]
            line, = ax.plot(xs, [float(r[q]) for r in rows], marker="o" if single_mu else None,
                            label=f"T = {mp.nstr(t, 6)}")
            if q == "T_beta" and m.get("statistics") == "fermi" and "mott" in result.columns:
                ax.plot(xs, [float(r["mott"]) for r in rows], ls="--",
                        color=line.get_color(), lw=1)
        label = plot_label(q, extra).replace("_{a}^{i}", "_{%s}^{%s}" % (comp[0], comp[1]))
        ax.set_ylabel(label + "  [natural units]")
        ax.set_xlabel(r"$\mu$  [model energy unit]")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    for ax in axes[n:]:
        ax.set_visible(False)
    params = ", ".join(f"{k}={v}" for k, v in m.get("parameters", {}).items())
    dashed = "; dashed: Mott value (21)" if "T_beta" in quantities else ""
    fig.suptitle(f"{m.get('model')} ({params}), component {comp}\n"
                 f"natural units (docs/conventions.md): q = 1, g$\\mu_B/\\hbar$ = 1, "
                 f"$k_B$ = 1{dashed}",
                 fontsize="medium")
    return fig


def plot_sweep(result, path, quantities=None):
    """Draw :func:`sweep_figure` and save it atomically, in the format of the extension.

    Eqs. (19a), (19b), (8a), (B7a), (20), (21) versus mu; PNG, PDF, SVG or any
    format matplotlib writes (PNG when the extension is not one of them).

    Parameters
    ----------
    result : SweepResult
    path : str or path-like
    quantities : sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import os

    from ..fileio import atomic_output

    fig = sweep_figure(result, quantities)
    ext = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    fmt = ext if ext in fig.canvas.get_supported_filetypes() else "png"
    with atomic_output(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=110)
    return fig
