"""Matplotlib figures of the paper's Figs. 1 and 2 from the tables of :mod:`symgrav.paper`.

Three panels side by side, as the captions of Figs. 1 and 2 describe:
(a) T beta~ (19b), M (8a) and T beta (20) versus mu at T = 0.001, with
T beta on its own (right) axis because it is ~10^-6 of the other two;
(b) alpha (19a), the Mott prediction (pi^2/3) d alpha/d mu (21) and beta/T
versus mu; (c) beta versus T for several mu.  Values are in the paper's
figure units.  Uses the object-oriented matplotlib API (no pyplot state) and
writes the PNG atomically.
"""

from __future__ import annotations

import math

from ..errors import require
from ..fileio import atomic_output
from .grids import band_features

UNIT = r"(g\mu_B/\hbar)(b/8\pi\alpha)"
UNIT_ALPHA = r"(q/m\alpha^2)" + UNIT


def require_matplotlib():
    """Raise a one-line SymgravError when matplotlib (the ``plot`` extra) is missing.

    Plain bookkeeping; implements no equation of the paper.

    Raises
    ------
    SymgravError
        matplotlib cannot be imported.
    """
    require("matplotlib", "plot", "symgrav paper")


def _floats(rows, col):
    return [float(r[col]) for r in rows]


def _limits(series, lo_q=0.01, hi_q=0.99, pad=0.08):
    """y-limits covering the bulk of the finite values (spikes at band edges clipped)."""
    vals = sorted(v for s in series for v in s if math.isfinite(v))
    if not vals:
        return -1.0, 1.0
    n = len(vals)
    lo, hi = vals[int(lo_q * (n - 1))], vals[int(math.ceil(hi_q * (n - 1)))]
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = (hi - lo) or 1.0
    return lo - pad * span, hi + pad * span


def _align_zero(ax, twin, lims, twin_lims):
    """Set both y ranges so that their zeros are at the same height."""
    (lo1, hi1), (lo2, hi2) = lims, twin_lims
    neg = max(-lo1 / (hi1 - lo1), -lo2 / (hi2 - lo2))  # fraction of the height below 0
    ax.set_ylim(-neg / (1 - neg) * hi1, hi1)
    twin.set_ylim(-neg / (1 - neg) * hi2, hi2)


def _mark_features(ax, spec):
    lo, hi = float(spec.mu[0]), float(spec.mu[-1])
    for e, _ in band_features(spec.b):
        if lo <= float(e) <= hi:
            ax.axvline(float(e), color="0.75", lw=0.7, ls=":", zorder=0)
    ax.axhline(0.0, color="0.6", lw=0.6, zorder=0)


def _panel_a(ax, spec, rows):
    mu = _floats(rows, 0)
    ax.plot(mu, _floats(rows, 1), color="tab:blue", lw=3.2, alpha=0.45,
            label=r"$T\tilde\beta_x^x$ (Kubo, Eq. 19b)")
    ax.plot(mu, _floats(rows, 2), color="tab:red", lw=1.3, ls=(0, (4, 2)),
            label=r"$M_x^x$ (spin MQM, Eq. 8a)")
    ax.set_xlabel(r"$\mu$ [$m\alpha^2$]")
    ax.set_ylabel(r"$T\tilde\beta_x^x$, $M_x^x$ [$" + UNIT + "$]")
    _mark_features(ax, spec)
    tb = _floats(rows, 3)
    big = max((abs(v) for v in tb if math.isfinite(v)), default=0.0) or 1.0
    exp = int(math.floor(math.log10(big)))
    twin = ax.twinx()
    twin.plot(mu, [v / 10 ** exp for v in tb], color="k", lw=1.0,
              label=r"$T\beta_x^x$ (Eq. 20), right axis")
    twin.set_ylabel(r"$T\beta_x^x$ [$10^{%d}\,%s$]" % (exp, UNIT))
    _align_zero(ax, twin, _limits([_floats(rows, 1), _floats(rows, 2)], 0.0, 1.0),
                _limits([[v / 10 ** exp for v in tb]], 0.0, 1.0))
    lines = ax.get_lines()[:2] + twin.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], loc="upper right", fontsize=8,
              framealpha=0.9)
    ax.set_title(f"(a)  $T = {spec.T}$", loc="left", fontsize=10)


def _bt_limits(ax, mu, bt, lims):
    """Widen ``lims`` to show the beta/T peaks (finite at T > 0) unless they are far off
    scale (the 1/sqrt divergence of the Mott curve at a ring bottom); annotate clipped ones."""
    lo, hi = lims
    finite = [(v, m) for v, m in zip(bt, mu) if math.isfinite(v)]
    if not finite:
        return lo, hi
    (top, mu_top), (bottom, mu_bottom) = max(finite), min(finite)
    if hi < top <= 2 * hi:
        hi = top + 0.06 * (top - lo)
    if 2 * lo <= bottom < lo:
        lo = bottom - 0.06 * (hi - bottom)
    for value, where, y, va in ((top, mu_top, hi, "top"), (bottom, mu_bottom, lo, "bottom")):
        if not lo <= value <= hi:
            ax.annotate(rf"$\beta_x^x/T$ = {value:.3g} at $\mu$ = {where:g} (off scale)",
                        xy=(where, y), xytext=(8, -12 if va == "top" else 12),
                        textcoords="offset points", fontsize=8, va=va,
                        arrowprops={"arrowstyle": "->", "lw": 0.8})
    return lo, hi


def _panel_b(ax, spec, rows):
    mu = _floats(rows, 0)
    alpha, mott, bt = _floats(rows, 1), _floats(rows, 2), _floats(rows, 3)
    ax.plot(mu, mott, color="tab:orange", lw=3.2, alpha=0.5,
            label=r"$(\pi^2/3)\,\partial\alpha_x^x/\partial\mu$, $T=0$ (Mott, Eq. 21)")
    ax.plot(mu, bt, color="k", lw=1.1, ls=(0, (4, 2)),
            label=rf"$\beta_x^x/T$, $T = {spec.T}$ (Eq. 20)")
    ax.plot(mu, alpha, color="tab:green", lw=1.5, label=r"$\alpha_x^x$, $T=0$ (Eq. 19a)")
    ax.set_ylim(*_bt_limits(ax, mu, bt, _limits([alpha, mott, bt], 0.03, 0.97)))
    ax.set_xlabel(r"$\mu$ [$m\alpha^2$]")
    ax.set_ylabel(r"$\alpha_x^x$ [$" + UNIT_ALPHA + r"$]" + "\n"
                  r"$\beta_x^x/T$, $(\pi^2/3)\partial_\mu\alpha_x^x$ [$" + UNIT
                  + r"/(m\alpha^2)^2$]", fontsize=9)
    _mark_features(ax, spec)
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    ax.set_title("(b)", loc="left", fontsize=10)


def _panel_c(ax, spec, rows):
    T = _floats(rows, 0)
    styles = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1))]
    for j, mu in enumerate(spec.mu_c):
        ax.plot(T, _floats(rows, j + 1), ls=styles[j % len(styles)], lw=1.4,
                marker="o" if len(T) < 10 else None, ms=3, label=rf"$\mu = {mu}$")
    ax.axhline(0.0, color="0.6", lw=0.6, zorder=0)
    ax.set_xlim(0, T[-1])
    ax.set_xlabel(r"$T$ [$m\alpha^2$]")
    ax.set_ylabel(r"$\beta_x^x$ [$" + UNIT + r"/m\alpha^2$]")
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    ax.set_title("(c)", loc="left", fontsize=10)


def plot_figure(spec, tables, path, dpi=150):
    """Draw Fig. ``spec.number`` of the paper (three panels) and save it as PNG atomically.

    Panels as in the captions of Figs. 1 and 2: (a) Eqs. (19b), (8a), (20)
    versus mu; (b) Eq. (19a), the Mott prediction (21) and beta/T versus mu;
    (c) beta (20) versus T.  Thin dotted vertical lines mark the band
    features of :func:`symgrav.paper.grids.band_features`.

    Parameters
    ----------
    spec : symgrav.paper.grids.FigureSpec
    tables : dict
        ``{"a": rows, "b": rows, "c": rows}`` from
        :func:`symgrav.paper.compute_figures`.
    path : str or os.PathLike
        Destination PNG; replaced atomically (an interruption leaves the old
        file or none).
    dpi : int
    """
    require_matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(17, 5.2))
    axes = fig.subplots(1, 3, gridspec_kw={"wspace": 0.42})
    _panel_a(axes[0], spec, tables["a"])
    _panel_b(axes[1], spec, tables["b"])
    _panel_c(axes[2], spec, tables["c"])
    fig.suptitle(f"Fig. {spec.number}: Rashba ferromagnet, Eq. (22), $b = {spec.b}$ "
                 r"(energy unit $m\alpha^2 = 1$)", fontsize=12)
    fig.subplots_adjust(left=0.05, right=0.985, bottom=0.12, top=0.88)
    with atomic_output(path) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi)
