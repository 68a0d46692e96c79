"""A sweep as data: a pandas DataFrame, an xarray Dataset, a netCDF file.

The rows of a :class:`~symgrav.workflows.sweep_io.SweepResult` -- the
susceptibilities of Eqs. (19a), (19b), (8a), (B7a), (20), beta = T beta / T
and the Mott value (21) at every (mu, T) -- become

* :func:`to_pandas`: one row per (mu, T) point, one column per table column,
  the metadata in ``DataFrame.attrs``;
* :func:`to_xarray`: one variable ``value`` with dimensions ``mu``, ``T``,
  ``component`` (length one; concatenate the datasets of several components
  with ``xarray.concat(..., dim="component")``) and ``quantity``, the
  quantities' descriptions and units as coordinates along ``quantity`` and the
  metadata (model, parameters, dps, statistics, units, symgrav version) as
  attributes;
* :func:`to_netcdf`: that dataset written atomically through xarray.

Values are converted to float64, the number type of pandas and xarray; the
exact decimal digits of a sweep at ``dps`` > 15 stay in its CSV and JSON
files.  pandas and xarray are the optional extra ``data``
(``pip install 'symgrav[data]'``), imported only here and only when called.
"""

from __future__ import annotations

import json
import os

from ..errors import SymgravError, require

__all__ = ["to_netcdf", "to_pandas", "to_xarray"]


def _attrs(result):
    """The metadata as netCDF-safe attributes: strings and numbers, tables as JSON text."""
    out = {}
    for key, value in result.metadata.items():
        if key in ("columns", "quantities"):
            continue
        if isinstance(value, (dict, list, tuple)):
            out[key] = json.dumps(value, ensure_ascii=True)
        elif isinstance(value, bool) or value is None:
            out[key] = str(value)
        else:
            out[key] = value if isinstance(value, (int, float, str)) else str(value)
    if "quantities" in result.metadata:
        out["quantities"] = json.dumps(result.metadata["quantities"], ensure_ascii=True)
    return out


def to_pandas(result):
    """The sweep as a :class:`pandas.DataFrame`: one row per (mu, T), float64 columns.

    Columns as in :attr:`SweepResult.columns` (Eqs. 19a, 19b, 8a, B7a, 20,
    beta, 21, then the user quantities); ``DataFrame.attrs`` holds the sweep's
    metadata (``model``, ``parameters``, ``dps``, ``units``, ...).

    Parameters
    ----------
    result : SweepResult

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    SymgravError
        pandas is not installed.
    """
    require("pandas", "data", "SweepResult.to_pandas")
    import pandas as pd

    frame = pd.DataFrame([[float(r[c]) for c in result.columns] for r in result.rows],
                         columns=list(result.columns))
    frame.attrs.update(json.loads(json.dumps(result.metadata)))
    return frame


def _distinct(values):
    out = []
    for v in values:
        if not any(v == u for u in out):
            out.append(v)
    return out


def to_xarray(result):
    """The sweep as an :class:`xarray.Dataset` over ``mu`` x ``T`` x ``component`` x ``quantity``.

    The variable ``value`` holds every computed column (Eqs. 19a, 19b, 8a,
    B7a, 20, beta, the Mott value 21 and the user quantities) as float64;
    points absent from the sweep are NaN.  Coordinates along ``quantity``:
    ``description`` and ``equation``.  Attributes: the sweep's metadata, with
    tables (``parameters``, ``quantities``) as JSON text so that the dataset
    can be written to netCDF.

    Parameters
    ----------
    result : SweepResult

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    SymgravError
        xarray is not installed.
    """
    require("xarray", "data", "SweepResult.to_xarray")
    import numpy as np
    import xarray as xr

    from ..symbolic.derived import lookup

    names = [c for c in result.columns if c not in ("mu", "T")]
    mus = _distinct(r["mu"] for r in result.rows)
    temps = _distinct(r["T"] for r in result.rows)
    data = np.full((len(mus), len(temps), 1, len(names)), np.nan)
    for r in result.rows:
        k = next(n for n, m in enumerate(mus) if m == r["mu"])
        t = next(n for n, m in enumerate(temps) if m == r["T"])
        data[k, t, 0] = [float(r[q]) for q in names]
    descriptions = result.metadata.get("columns", {})
    meta = result.metadata
    ds = xr.Dataset(
        {"value": (("mu", "T", "component", "quantity"), data,
                   {"units": str(meta.get("units", "")),
                    "long_name": "susceptibilities of symgrav.sweep"})},
        coords={"mu": ("mu", [float(m) for m in mus], {"long_name": "chemical potential"}),
                "T": ("T", [float(t) for t in temps], {"long_name": "temperature (k_B = 1)"}),
                "component": ("component", [str(meta.get("component", ""))]),
                "quantity": ("quantity", names),
                "description": ("quantity", [str(descriptions.get(q, "")) for q in names]),
                "equation": ("quantity", [lookup(q, result.quantities).equation
                                          for q in names])},
        attrs=_attrs(result))
    return ds


def to_netcdf(result, path):
    """Write :func:`to_xarray` of the sweep to a netCDF file, atomically.

    The engine is xarray's choice (netCDF4 or h5netcdf for netCDF-4/HDF5,
    scipy for netCDF-3).  Values are float64 (see :func:`to_xarray`).

    Parameters
    ----------
    result : SweepResult
    path : str or path-like
        The ``.nc`` file to write (to a temporary name, moved into place when
        complete).

    Raises
    ------
    SymgravError
        xarray is not installed, or no netCDF engine is.
    """
    from ..fileio import atomic_output

    ds = to_xarray(result)
    try:
        with atomic_output(path) as tmp:
            ds.to_netcdf(tmp)
    except ImportError as exc:      # an engine xarray found but cannot load (h5py missing)
        raise SymgravError(f"cannot write {os.fspath(path)!r}: {exc}; "
                           "pip install 'symgrav[data]'") from None
    except ValueError as exc:
        if "engine" in str(exc):
            raise SymgravError(f"cannot write {os.fspath(path)!r}: no netCDF engine; "
                               "pip install 'symgrav[data]'") from None
        raise
