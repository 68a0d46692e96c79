"""Data of the paper's Figs. 1 and 2: the Rashba ferromagnet, Eq. (22), b = 0.5 and 1.5.

Each figure has three panels (captions of Figs. 1 and 2):

(a) the Kubo formula T beta~ (19b), the spin MQM M (8a) and the gravito-ME
    susceptibility T beta (20) versus mu at T = 0.001;
(b) the ME susceptibility alpha (19a) and the Mott prediction
    (pi^2/3) d alpha/d mu (21), both at T = 0 (d alpha/d mu as the
    Fermi-surface integral E1), and beta/T versus mu at T = 0.001;
(c) beta versus T for several mu (beta = 0 at T = 0).

Everything is computed with :class:`symgrav.Susceptibilities` (``dps``
digits, or IEEE double precision with ``dps="double"``), in parallel over processes
with :func:`symgrav.parallel.parallel_map`, and reported in the paper's figure
units: natural value x 8 pi / b (docs/conventions.md), i.e. alpha in
(q/m alpha^2)(g mu_B/hbar)(b/8 pi alpha), T beta~, M, T beta in
(g mu_B/hbar)(b/8 pi alpha), beta in that unit per m alpha^2 and beta/T,
(pi^2/3) d alpha/d mu per (m alpha^2)^2.  Energies and T are in m alpha^2
(hbar = m = alpha = 1).

:func:`write_paper` writes ``figureN.png`` and ``figureNa.csv``,
``figureNb.csv``, ``figureNc.csv`` atomically; ``symgrav paper --out DIR`` is
its command line.
"""

from __future__ import annotations

import os

import mpmath as mp

from ..errors import SymgravError
from ..fileio import write_text_atomic
from ..symbolic.modelfile import load_model
from ..version import __version__
from ..workflows.parallel import parallel_map
from ..workflows.sweep import SweepSpec, susceptibilities_for
from .grids import FIGURE_B, T_LOW, FigureSpec, band_features, figure_spec, mu_grid
from .plot import plot_figure, require_matplotlib

__all__ = ["COLUMNS", "DEFAULT_DPS", "FIGURE_B", "T_LOW", "FigureSpec", "band_features",
           "compute_figures", "csv_header", "csv_text", "figure_spec", "mu_grid",
           "write_paper"]

#: default decimal digits: ample for T beta at T = 1e-3 (computed from Eq. 20
#: directly) and for checking Eq. (18), T beta~ - M, to ~13 digits
DEFAULT_DPS = 20
#: column names of the three tables, exactly as the CSV files have them
COLUMNS = {"a": ("mu", "T_beta_kubo", "mqm", "T_beta"),
           "b": ("mu", "alpha", "mott_slope", "beta_over_T")}
CHUNK = 6  # grid points per parallel task


# -- parallel evaluation ---------------------------------------------------
def _spec(b, dps):
    """The per-process Susceptibilities key of one figure (see :mod:`symgrav.sweep`)."""
    model = load_model("rashba")
    params = dict(model.defaults)
    params["b"] = b
    return SweepSpec(f"paper-b={b}-dps={dps}", model, params, "x", "x", dps, "fermi")


def _task(task):
    """Worker: evaluate one chunk of grid points; natural units, mpf values."""
    kind, spec, points = task
    S = susceptibilities_for(spec)
    out = []
    for mu, T in points:
        if kind == "mu":
            ev = S.evaluate(mu, T)
            out.append((ev["T_beta_kubo"], ev["mqm"], ev["T_beta"],
                        S.evaluate(mu, 0)["alpha"], S.dalpha_dmu(mu)))
        else:
            out.append((S.beta(mu, T),))
    return out


def _chunks(kind, spec, points):
    return [(kind, spec, tuple(points[k:k + CHUNK])) for k in range(0, len(points), CHUNK)]


def compute_figures(specs, dps=DEFAULT_DPS, workers=None, progress=True, executor=None):
    """Tables of panels (a), (b), (c) of Figs. 1 and 2, in the paper's figure units.

    Panel (a): T beta~ (19b), M (8a), T beta (20) at T = ``spec.T``; panel
    (b): alpha (19a) at T = 0, the Mott slope (pi^2/3) d alpha/d mu at T = 0
    (Eqs. 21, E1) and beta/T = T beta / T^2 at T = ``spec.T``; panel (c):
    beta = T beta / T (20).  Every value is natural units x 8 pi / b.

    Parameters
    ----------
    specs : list of FigureSpec
    dps : int or "double"
        Decimal digits of :class:`symgrav.Susceptibilities` (>= 15), or
        ``"double"`` (IEEE double precision; values written with 15 digits).
    workers : int, optional
        Processes (default: usable CPUs); 1 runs in this process.
    progress : bool
        Show a progress bar.
    executor : concurrent.futures.Executor, optional
        Passed to :func:`symgrav.parallel.parallel_map`.

    Returns
    -------
    dict
        ``{number: {"a": rows, "b": rows, "c": rows}}``; rows of panels (a),
        (b) are tuples ``(mu_str, mpf, mpf, mpf)`` in the column order of
        :data:`COLUMNS`; rows of (c) are ``(T_str, beta(mu_1), ...)`` for
        ``spec.mu_c``.  Infinite values (d alpha/d mu exactly at the ring
        bottom) are kept as mpf infinity.
    """
    if dps != "double" and (not isinstance(dps, int) or isinstance(dps, bool) or dps < 15):
        raise SymgravError(f"dps must be an integer >= 15 or 'double'; got {dps!r}")
    tasks, slices = [], []
    for spec in specs:
        grid_c = [(mu, T) for mu in spec.mu_c for T in spec.T_c]
        key = _spec(spec.b, dps)
        for kind, points in (("T", grid_c), ("mu", [(mu, spec.T) for mu in spec.mu])):
            new = _chunks(kind, key, points)
            slices.append((spec, kind, len(tasks), len(tasks) + len(new)))
            tasks.extend(new)
    desc = "Figs. " + ", ".join(str(s.number) for s in specs)
    results = parallel_map(_task, tasks, executor=executor, workers=workers,
                           progress=progress, desc=desc)
    out = {}
    with mp.workdps(digits_of(dps) + 10):
        for spec, kind, start, stop in slices:
            flat = [v for chunk in results[start:stop] for v in chunk]
            unit = 8 * mp.pi / mp.mpf(spec.b)
            tables = out.setdefault(spec.number, {})
            if kind == "mu":
                T = mp.mpf(spec.T)
                tables["a"] = [(mu, unit * tk, unit * m, unit * tb)
                               for mu, (tk, m, tb, _, _) in zip(spec.mu, flat)]
                tables["b"] = [(mu, unit * a, unit * mp.pi ** 2 / 3 * d, unit * tb / T ** 2)
                               for mu, (_, _, tb, a, d) in zip(spec.mu, flat)]
            else:
                n = len(spec.T_c)
                tables["c"] = [(T,) + tuple(unit * flat[j * n + k][0]
                                            for j in range(len(spec.mu_c)))
                               for k, T in enumerate(spec.T_c)]
    return out


# -- files -----------------------------------------------------------------
def digits_of(dps):
    """Significant digits written for a precision: ``dps``, or 15 for ``"double"``."""
    return 15 if dps == "double" else dps


def _number(x, dps):
    if mp.isinf(x):
        return "inf" if x > 0 else "-inf"
    return mp.nstr(x, digits_of(dps))


def csv_header(spec, panel, dps):
    """``#`` comment lines of a CSV file of Figs. 1 and 2: parameters, dps, version, units.

    Parameters
    ----------
    spec : FigureSpec
    panel : {"a", "b", "c"}
    dps : int or "double"

    Returns
    -------
    str
        Lines starting with ``# ``: the paper's figure and panel, the model
        (Eq. 22) and its parameters, the equations of every column, dps, the
        symgrav version and the units.
    """
    what = {
        "a": f"panel (a) at T = {spec.T}: T_beta_kubo = T beta~_x^x (Eq. 19b), mqm = spin MQM "
             "M_x^x (Eq. 8a), T_beta = T beta_x^x (Eq. 20; equals T_beta_kubo - mqm, Eq. 18)",
        "b": f"panel (b): alpha = alpha_x^x (Eq. 19a) at T = 0, mott_slope = (pi^2/3) "
             "d alpha_x^x/d mu at T = 0 (Mott relation Eq. 21, Fermi-surface integral E1), "
             f"beta_over_T = beta_x^x/T = T_beta/T^2 at T = {spec.T}",
        "c": "panel (c): beta_x^x = T_beta/T (Eq. 20) versus T; one column per mu "
             "(beta = 0 at T = 0)",
    }[panel]
    units = {
        "a": "T_beta_kubo, mqm, T_beta in (g mu_B/hbar)(b/8 pi alpha)",
        "b": "alpha in (q/m alpha^2)(g mu_B/hbar)(b/8 pi alpha); mott_slope and beta_over_T "
             "in (g mu_B/hbar)(b/8 pi alpha)/(m alpha^2)^2",
        "c": "beta in (g mu_B/hbar)(b/8 pi alpha)/(m alpha^2)",
    }[panel]
    lines = [
        f"symgrav {__version__} paper: Shitade, Daido, Yanase, Fig. {spec.number}"
        f"({panel}), Rashba ferromagnet Eq. (22)",
        "model rashba: H = p^2/2m + alpha (p_y sigma_x - p_x sigma_y) + b sigma_z; "
        f"hbar = 1, m = 1, alpha = 1, b = {spec.b}; energy unit m alpha^2 = 1; "
        "spin a = x, field i = x; Fermi statistics",
        what,
        (f"dps = {dps}: arbitrary precision (symgrav.Susceptibilities), values to {dps} "
         "significant digits") if dps != "double" else
        ("dps = double: IEEE double precision (symgrav.Susceptibilities, dps=\"double\"), "
         "values to 15 significant digits"),
        f"units: mu and T in m alpha^2; {units} (paper's figure units = natural units "
        "x 8 pi/b, docs/conventions.md)",
    ]
    return "".join(f"# {line}\n" for line in lines)


def csv_text(spec, panel, rows, dps):
    """Full CSV text of one panel of Fig. 1 or 2: :func:`csv_header` and the table.

    Plain formatting of the values of Eqs. (8a), (19a), (19b), (20), (21)
    computed by :func:`compute_figures`.

    Parameters
    ----------
    spec : FigureSpec
    panel : {"a", "b", "c"}
        Columns ``mu,T_beta_kubo,mqm,T_beta`` (a), ``mu,alpha,mott_slope,beta_over_T``
        (b) or ``T,beta_mu=<mu_1>,...`` (c).
    rows : list of tuple
        The panel's rows from :func:`compute_figures`.
    dps : int or "double"
        Significant digits written (15 for ``"double"``).

    Returns
    -------
    str
    """
    if panel == "c":
        columns = ("T",) + tuple(f"beta_mu={mu}" for mu in spec.mu_c)
    else:
        columns = COLUMNS[panel]
    header = csv_header(spec, panel, dps)
    if any(mp.isinf(x) for row in rows for x in row[1:]):
        header += ("# inf: d alpha/d mu diverges there at T = 0 (the 1/sqrt(mu - mu_0) density "
                   "of states at the ring bottom of the Mexican hat)\n")
    body = [",".join(columns)]
    for row in rows:
        body.append(",".join([row[0]] + [_number(x, dps) for x in row[1:]]))
    return header + "\n".join(body) + "\n"


def write_paper(out, figures=(1, 2), fast=False, dps=DEFAULT_DPS, workers=None,
                progress=True, executor=None):
    """Reproduce Figs. 1 and 2 of the paper: PNG figures and one CSV per panel.

    The Rashba ferromagnet (22): Eqs. (19b), (8a), (20) in panel (a),
    (19a), (21) in panel (b), (20) in panel (c).

    Computes :func:`compute_figures` for the grids of :func:`figure_spec`,
    then writes, each file atomically, ``figureN.png`` and ``figureNa.csv``
    (mu, T_beta_kubo, mqm, T_beta), ``figureNb.csv`` (mu, alpha, mott_slope,
    beta_over_T) and ``figureNc.csv`` (T, beta_mu=<value>, ...) into ``out``.

    Parameters
    ----------
    out : str or os.PathLike
        Output directory (created if missing).
    figures : iterable of {1, 2}
    fast : bool
        Coarse grids (tests, examples).
    dps, workers, progress, executor
        As for :func:`compute_figures`.

    Returns
    -------
    list of str
        Paths written, in order.

    Raises
    ------
    SymgravError
        matplotlib is missing, bad arguments, or the output directory cannot
        be created.
    """
    require_matplotlib()
    figures = sorted(set(int(n) for n in figures))
    specs = [figure_spec(n, fast) for n in figures]
    out = os.fspath(out)
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as exc:
        raise SymgravError(f"cannot create output directory {out!r}: {exc.strerror}") from None
    data = compute_figures(specs, dps, workers, progress, executor)
    written = []
    for spec in specs:
        tables = data[spec.number]
        for panel in "abc":
            path = os.path.join(out, f"figure{spec.number}{panel}.csv")
            write_text_atomic(path, csv_text(spec, panel, tables[panel], dps))
            written.append(path)
        path = os.path.join(out, f"figure{spec.number}.png")
        plot_figure(spec, tables, path)
        written.append(path)
    return written
