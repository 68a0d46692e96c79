"""Plot of a sweep: the susceptibilities versus mu, one line per temperature.

Draws the columns of a :class:`~symgrav.sweep_io.SweepResult` -- alpha
(19a), T beta~ (19b), M (8a), M~ (B7a), T beta (20), beta -- with the Mott
value of T beta (21) dashed, in the natural units of PHYSICS.md, and writes
the PNG atomically.  Values are converted to float only for drawing.
"""

from __future__ import annotations

import math

import mpmath as mp

from ..errors import SymgravError
from .sweep_io import QUANTITIES

LABELS = {"alpha": r"$\alpha_{a}^{i}$  (19a)",
          "T_beta_kubo": r"$T\tilde\beta_{a}^{i}$  (19b)",
          "mqm": r"$M_{a}^{i}$  (8a)", "mqm_aux": r"$\tilde M_{a}^{i}$  (B7a)",
          "T_beta": r"$T\beta_{a}^{i}$  (20)", "beta": r"$\beta_{a}^{i}$  (20)",
          "mott": r"Mott $T\beta$  (21)"}


def plot_sweep(result, path, quantities=("alpha", "T_beta_kubo", "mqm", "T_beta")):
    """Draw the quantities of a sweep versus mu and save a PNG atomically.

    One panel per quantity (Eqs. 19a, 19b, 8a, B7a, 20), one line per
    temperature; the ``T_beta`` panel also shows the Mott value, Eq. (21),
    dashed (Fermi statistics only).  Natural units: q = 1,
    g mu_B / hbar = 1, k_B = 1.

    Parameters
    ----------
    result : SweepResult
    path : str or path-like
        The PNG to write (to a temporary name, moved into place when complete).
    quantities : sequence of str
        Columns to draw, from :data:`symgrav.sweep_io.QUANTITIES`.
    """
    from matplotlib.figure import Figure

    from ..fileio import atomic_output

    for q in quantities:
        if q not in QUANTITIES:
            raise SymgravError(f"cannot plot {q!r}; choose from {list(QUANTITIES)}")
    m = result.metadata
    comp = m.get("component", "ai")
    n = len(quantities)
    ncols = 2 if n > 1 else 1
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(5.2 * ncols, 3.6 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    single_mu = len({mp.nstr(r["mu"], 30) for r in result.rows}) == 1
    for ax, q in zip(axes, quantities):
        for t in result.temperatures():
            rows = [r for r in result.rows if r["T"] == t]
            xs = [float(r["mu"]) for r in rows]
            line, = ax.plot(xs, [float(r[q]) for r in rows], marker="o" if single_mu else None,
                            label=f"T = {mp.nstr(t, 6)}")
            if q == "T_beta" and m.get("statistics") == "fermi":
                ax.plot(xs, [float(r["mott"]) for r in rows], ls="--",
                        color=line.get_color(), lw=1)
        label = LABELS[q].replace("_{a}^{i}", "_{%s}^{%s}" % (comp[0], comp[1]))
        ax.set_ylabel(label + "  [natural units]")
        ax.set_xlabel(r"$\mu$  [model energy unit]")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    for ax in axes[n:]:
        ax.set_visible(False)
    params = ", ".join(f"{k}={v}" for k, v in m.get("parameters", {}).items())
    dashed = "; dashed: Mott value (21)" if "T_beta" in quantities else ""
    fig.suptitle(f"{m.get('model')} ({params}), component {comp}\n"
                 f"natural units: q = 1, g$\\mu_B/\\hbar$ = 1, $k_B$ = 1{dashed}",
                 fontsize="medium")
    with atomic_output(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
