"""Sweeps of the susceptibilities over chemical potential and temperature, any model.

:func:`sweep` evaluates the Fermi-sea integrals of :class:`~symgrav.Susceptibilities`
(Eqs. 19a, 19b, 8a, B7a, 20 and the Mott value 21 of the paper) on a grid of
(mu, T) points, in parallel through :func:`symgrav.parallel.parallel_map` and
any :class:`concurrent.futures.Executor`.  Each worker process builds one
``Susceptibilities`` per sweep and reuses it for every chunk of points it
receives.  Values stay mpmath numbers end to end (mpf pickles exactly); they
are turned into decimal strings with the requested digits only when written.

User quantities (:class:`~symgrav.Quantity`) are computed alongside, by the
same routes, and become extra columns; ``dps="double"`` runs the engine in
IEEE double precision (values written with 15 significant digits).

The sweep is split over helpers, whose public names are importable from here
as well:

* :mod:`symgrav.workflows.grid` -- exact numbers and (mu, T) grids
  (:func:`exact_number`, :func:`linspace`, :func:`parse_grid`), the model and
  the exact text of its parameter values;
* :mod:`symgrav.workflows.columns` -- the columns (:data:`COLUMNS`,
  :data:`QUANTITIES`, :data:`DESCRIPTIONS`, :data:`UNITS`), derived from the
  registry of quantities;
* :mod:`symgrav.workflows.sweep_io` -- :class:`SweepResult` and its atomic
  CSV / JSON files with metadata;
* :mod:`symgrav.workflows.sweep_plot` -- the PNG plot versus mu.
"""

from __future__ import annotations

import math
import uuid
from collections import OrderedDict, namedtuple

import mpmath as mp

from ..errors import SymgravError
from ..numeric.engine import Susceptibilities
from ..numeric.evaluation import check_dps
from ..version import __version__
from .columns import (COLUMNS, DESCRIPTIONS, QUANTITIES, UNITS, check_quantities,
                      descriptions_for, quantity_metadata)
from .grid import (GUARD, check_magnitude, check_points, dps_within_budget, exact_number, grid_values,
                   linspace, merged_parameters, model_of, parameter_texts, parse_grid,
                   rounded)
from .parallel import default_workers, parallel_map
from .sweep_io import SweepResult

__all__ = ["COLUMNS", "DESCRIPTIONS", "GUARD", "QUANTITIES", "UNITS", "SweepResult",
           "SweepSpec", "exact_number", "linspace", "parse_grid", "susceptibilities_for",
           "sweep"]

# -- the worker side -------------------------------------------------------------

#: the per-process key of :func:`susceptibilities_for`; ``quantities`` (user
#: Quantity objects) defaults to none
SweepSpec = namedtuple("SweepSpec", "token model params a i dps statistics quantities",
                       defaults=((),))
_CACHE = OrderedDict()  # token -> Susceptibilities, in every process
_CACHE_SIZE = 4


def susceptibilities_for(spec):
    """The Susceptibilities of a :data:`SweepSpec`, built once per process and reused.

    Plain bookkeeping (a per-process cache keyed by ``spec.token``); the
    object returned evaluates Eqs. (8a), (19a), (19b), (20), (B7a) and the
    user quantities of the spec.

    Parameters
    ----------
    spec : SweepSpec
        ``(token, model, params, a, i, dps, statistics[, quantities])``; one
        token must always come with the same other fields.

    Returns
    -------
    symgrav.Susceptibilities
    """
    s = _CACHE.get(spec.token)
    if s is None:
        s = Susceptibilities(spec.model, spec.params, spec.a, spec.i, spec.dps, spec.statistics,
                             quantities=spec.quantities)
        _CACHE[spec.token] = s
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(spec.token)
    return s


def _mott(s, mu, T):
    """The Mott column, Eq. (21): (pi^2 T^2 / 3) d alpha/d mu; exactly 0 at T = 0.

    At T = 0 the T^2 factor makes the value 0 for every mu, also where d alpha/d mu
    is undefined (a band edge, where its one-sided limits differ, or a van Hove
    point, where it diverges only logarithmically): the limit T -> 0 of the Mott
    value is 0 there too, so no NaN is written.  Bose statistics: nan (the
    column is defined for fermions only).
    """
    if s.statistics != "fermi":
        return mp.nan
    if T == 0:
        return 0.0 if s.dps == "double" else mp.mpf(0)
    return s.mott(mu, T)


def _point(s, mu, T):
    """Every column at one (mu, T) as mpf (Eqs. 19a, 19b, 8a, B7a, 20, 21 and user quantities).

    With ``dps="double"`` the engine's floats are kept exactly (as mpf) and
    beta = T_beta / T is rounded to double precision.
    """
    vals = s.evaluate(mu, T)
    if s.dps == "double":
        mott = _mott(s, mu, T)
        with mp.workprec(53):
            row = {"mu": mu, "T": T}
            row.update((k, mp.mpf(v)) for k, v in vals.items())
            row["beta"] = mp.mpf(0) if T == 0 else row["T_beta"] / T
            row["mott"] = mott if mott is mp.nan else mp.mpf(mott)
        return row
    with mp.workdps(s.dps + GUARD):
        beta = mp.mpf(0) if T == 0 else vals["T_beta"] / T
        mott = _mott(s, mu, T)
    with mp.workdps(s.dps):
        row = {"mu": mu, "T": T}
        row.update((k, +v) for k, v in vals.items())
        row["beta"] = +beta
        row["mott"] = mott if mott is mp.nan else +mott
    return row


def _run_chunk(task):
    """Worker task: one chunk of (mu, T) points of one sweep -> list of rows."""
    spec, points = task
    s = susceptibilities_for(spec)
    return [_point(s, mu, T) for mu, T in points]


# -- the sweep -----------------------------------------------------------------


def sweep(model, params=None, mu=(0,), T=(0,), a="x", i="x", dps=20, statistics="fermi",
          executor=None, workers=None, progress=True, chunksize=None, quantities=()):
    """Susceptibilities of a model on a (mu, T) grid, Eqs. (19a), (19b), (8a), (B7a), (20), (21).

    Parameters
    ----------
    model : Model or str
        A :class:`~symgrav.Model`, a built-in model name or a model file.
    params : dict, optional
        Parameter values overriding the model's defaults (name -> number or
        string); unknown names are an error of :class:`~symgrav.Susceptibilities`.
    mu, T : number, str or sequence
        Chemical potentials and temperatures (T >= 0).  Strings are exact
        decimals; a string ``"START:STOP:N"`` is an inclusive grid of N points
        (see :func:`linspace`) and ``"V1,V2"`` a list.  The grid is every mu for
        every T, ordered by T then mu.
    a, i : {"x", "y", "z"}
        Spin component and momentum direction.
    dps : int or "double"
        Decimal digits of the results (>= 15), or ``"double"``: the engine in
        IEEE double precision at numpy speed, values written with 15
        significant digits (about 12 of them correct).
    statistics : {"fermi", "bose"}
    executor : concurrent.futures.Executor, optional
        Where to run the chunks (default: a process pool of ``workers``
        processes); ``dask.distributed.Client.get_executor()`` works unchanged.
        mpmath's precision is global to a process, so an executor must not
        run two tasks in the same process at once (use processes, or one
        thread per worker).
    workers : int, optional
        Processes of the default pool; ``workers=1`` runs in this process.
    progress : bool
        Show a progress bar (tqdm, on standard error); when the points run in
        this process (``workers=1`` or a single chunk) a point that takes more than
        two seconds shows its own bar of the lines integrated.
    chunksize : int, optional
        Points per task (default: about four tasks per worker).
    quantities : sequence of Quantity, optional
        The user's own Fermi-sea quantities (:class:`~symgrav.Quantity`),
        computed by the same routes and appended as columns after ``mott``;
        their weights are recorded in the metadata (``"quantities"``).

    Returns
    -------
    SweepResult
        Rows of mpf values for the columns :attr:`SweepResult.columns` plus
        metadata; the parameter values are recorded exactly as used (an int
        stays ``"1"``, a decimal stays as given, e.g. ``"0.5"``).

    Raises
    ------
    SymgravError
        Bad model, parameter, component, dps, statistics, quantity or grid
        value (including a negative temperature).
    """
    model = model_of(model)
    merged = merged_parameters(model, params)
    dps = dps_within_budget(check_dps(dps))
    extra = check_quantities(quantities)
    wdps = (15 if dps == "double" else dps) + GUARD
    mu_values, T_values = grid_values(mu, "mu"), grid_values(T, "T")
    check_points(len(mu_values) * len(T_values), "the (mu, T) grid")
    for v in mu_values:
        check_magnitude(v, "mu")
    for v in T_values:
        check_magnitude(v, "T")
    mus = [rounded(v, wdps) for v in mu_values]
    Ts = [rounded(v, wdps) for v in T_values]
    for t in Ts:
        if t < 0:
            raise SymgravError(f"temperature must be >= 0; got T = {mp.nstr(t, 15)}")
    # Build here first: input errors surface before any worker starts, and a
    # serial run (workers=1) reuses this object through the cache.
    spec = SweepSpec(uuid.uuid4().hex, model, merged, a, i, dps, statistics, extra)
    s = susceptibilities_for(spec)
    points = [(m, t) for t in Ts for m in mus]
    if chunksize is None:
        nw = workers or default_workers()
        chunksize = max(1, math.ceil(len(points) / (4 * nw)))
    if not isinstance(chunksize, int) or chunksize < 1:
        raise SymgravError(f"chunksize must be a positive integer; got {chunksize!r}")
    tasks = [(spec, points[k:k + chunksize]) for k in range(0, len(points), chunksize)]
    desc = f"{model.name} {s.a}{s.i}"
    # run in this process: each long point shows its own bar too (numeric/progress.py)
    s.progress = bool(progress) and executor is None and (workers == 1 or len(tasks) <= 1)
    try:
        chunks = parallel_map(_run_chunk, tasks, executor=executor, workers=workers,
                              progress=progress, desc=desc)
    finally:
        _CACHE.pop(spec.token, None)
    rows = [row for chunk in chunks for row in chunk]
    digits = 15 if dps == "double" else dps
    metadata = {
        "model": model.name, "parameters": parameter_texts(model, merged, digits),
        "component": s.a + s.i, "a": s.a, "i": s.i, "dps": dps, "statistics": s.statistics,
        "symgrav_version": __version__, "units": UNITS,
        "columns": descriptions_for(extra),
    }
    if extra:
        metadata["quantities"] = quantity_metadata(extra)
    return SweepResult(metadata, rows)
