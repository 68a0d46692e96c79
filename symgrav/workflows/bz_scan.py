"""Many chemical potentials from one Brillouin-zone grid, the k-points spread over an executor.

:func:`bz_scan` is the sweep of a lattice model (2D or 3D; tight-binding and
Wannier90 models above all) at one or a few temperatures by the route
``bz_grid`` (:mod:`symgrav.numeric.bz_grid`): the band data of every grid
point are computed once for all mu, the grid is refined until every value
has converged, and the chunks of k-points go to any
:class:`concurrent.futures.Executor` (a process pool by default;
``dask.distributed.Client(...).get_executor()`` works unchanged).  Memory
stays at a few chunks per worker whatever the grid.
"""

from __future__ import annotations

import concurrent.futures as cf
import uuid

import mpmath as mp

from ..display import progress_class
from ..errors import SymgravError
from ..numeric.evaluation import check_dps
from ..version import __version__
from .columns import UNITS, check_quantities, descriptions_for, quantity_metadata
from .grid import GUARD, grid_values, merged_parameters, model_of, parameter_texts, rounded
from .parallel import default_workers, parallel_map
from .sweep import SweepSpec, susceptibilities_for
from .sweep_io import SweepResult

__all__ = ["bz_scan"]


def _grid_task(task):
    """Worker task: the sums of one chunk of k-points for every mu (Susceptibilities.grid_chunk)."""
    spec, K, mus, T = task
    return susceptibilities_for(spec).grid_chunk(K, mus, T)


def bz_scan(model, params=None, mu=(0,), T=("0.1",), a="x", i="x", dps="double",
            statistics="fermi", executor=None, workers=None, progress=True, quantities=(),
            max_points=2 ** 24, rtol=None, symmetries=None):
    """Susceptibilities of a lattice model at many mu from one zone grid per T.

    Eqs. (19a), (19b), (8a), (B7a), (20) and user quantities, integrated by the
    product trapezoid rule over the Brillouin zone with node doubling
    (:meth:`symgrav.Susceptibilities.scan`).  Applies at T > 0 (the grid must
    resolve the thermal width: about ``2 |v| / T`` nodes per direction) and at
    T = 0 where no band comes near any mu.

    Parameters
    ----------
    model : Model, TightBinding or str
        A lattice model in 2 or 3 dimensions (or a built-in name / model file
        / Wannier90 file, see :func:`symgrav.workflows.grid.model_of`).
    params : dict, optional
    mu, T : number, str or sequence
        As in :func:`symgrav.sweep`; every mu for every T.
    a, i : {"x", "y", "z"}
    dps : int or "double"
        ``"double"`` (default) is what the grid is for; an integer runs the
        same grid in mpmath numbers (slow; insulators).
    statistics : {"fermi", "bose"}
    executor : concurrent.futures.Executor, optional
        Where the chunks of k-points are computed (default: a process pool
        of ``workers`` processes, shut down afterwards).
    workers : int, optional
        ``workers=1`` computes everything in this process.
    progress : bool
        A progress bar per grid level (tqdm: a notebook widget in Jupyter with
        ipywidgets, else text on standard error; :func:`symgrav.display.progress_class`).
    quantities : sequence of Quantity, optional
    max_points : int
        The largest grid (points in all) before the scan refuses.
    rtol : float, optional
        Relative tolerance of the grid (default: the engine's).
    symmetries : sequence of d x d integer matrices, optional
        Symmetries kappa -> M kappa of the reduced momenta (det +-1), checked
        against the integrand at every T, then used to compute one point per
        orbit (:meth:`symgrav.Susceptibilities.scan`).

    Returns
    -------
    SweepResult
        Like :func:`symgrav.sweep` but without the ``mott`` column (listed in
        ``metadata["omitted"]``): the Mott value (21) is a Fermi-surface
        integral at T = 0 (E1), which a grid cannot do; get it from
        :meth:`symgrav.Susceptibilities.mott` or :func:`symgrav.sweep`.

    Raises
    ------
    SymgravError
        Not a lattice model in 2 or 3 dimensions, a Fermi surface at T = 0, a
        grid beyond ``max_points``, a declared symmetry that the integrand does
        not have, or bad input as in :func:`symgrav.sweep`.
    """
    tqdm = progress_class()
    model = model_of(model)
    merged = merged_parameters(model, params)
    dps = check_dps(dps)
    extra = check_quantities(quantities)
    wdps = (15 if dps == "double" else dps) + GUARD
    mus = [rounded(v, wdps) for v in grid_values(mu, "mu")]
    Ts = [rounded(v, wdps) for v in grid_values(T, "T")]
    spec = SweepSpec(uuid.uuid4().hex, model, merged, a, i, dps, statistics, extra)
    s = susceptibilities_for(spec)
    if not model.lattice or model.dim < 2:
        raise SymgravError("bz_scan needs a lattice model in 2 or 3 dimensions "
                           f"({model.name} is {'a lattice' if model.lattice else 'a continuum'} "
                           f"model in {model.dim}D); use symgrav.sweep")
    serial = executor is None and workers == 1
    own = executor is None and not serial
    nw = workers or default_workers()
    if own:
        executor = cf.ProcessPoolExecutor(max_workers=nw)
    rows = []
    try:
        for t in Ts:
            bar = tqdm(total=0, desc=f"{model.name} T={mp.nstr(t, 6)}", disable=not progress,
                       leave=False, dynamic_ncols=True, unit="k")

            def report(done, todo, n, bar=bar):
                if bar.total != todo:
                    bar.reset(total=todo)
                    bar.set_postfix_str(f"{n} nodes/dir")
                bar.n = done
                bar.refresh()

            def mapper(chunks, t=t):
                tasks = [(spec, K, mus, t) for K in chunks]
                if serial:
                    return [_grid_task(x) for x in tasks]
                return parallel_map(_grid_task, tasks, executor=executor, progress=False)
            try:
                evs = s.scan(mus, t, mapper=mapper, progress=report, max_points=max_points,
                             rtol=rtol, symmetries=symmetries)
            finally:
                bar.close()
            for m, ev in zip(mus, evs):
                row = {"mu": m, "T": t}
                with mp.workdps(wdps):
                    row.update((k, mp.mpf(v)) for k, v in ev.items())
                    row["beta"] = mp.mpf(0) if t == 0 else row["T_beta"] / t
                rows.append(row)
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    digits = 15 if dps == "double" else dps
    columns = descriptions_for(extra)
    del columns["mott"]
    metadata = {
        "model": model.name, "parameters": parameter_texts(model, merged, digits),
        "component": s.a + s.i, "a": s.a, "i": s.i, "dps": dps, "statistics": s.statistics,
        "symgrav_version": __version__, "units": UNITS, "columns": columns, "route": "bz_grid",
        "omitted": ["mott"],
    }
    if extra:
        metadata["quantities"] = quantity_metadata(extra)
    if symmetries is not None:
        metadata["symmetries"] = [[[int(x) for x in row] for row in
                                   (M.tolist() if hasattr(M, "tolist") else M)]
                                  for M in symmetries]
    return SweepResult(metadata, rows)
