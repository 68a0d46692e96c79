"""A sweep as pandas / xarray / netCDF data (issue 12 item 3).

The values in the DataFrame and the Dataset are checked against the Rashba model's
hand-derived closed forms (tests/rashba_reference.py, independent of symgrav) at the
grid points, besides the sweep's own rows; the netCDF file is read back with xarray.
"""

from __future__ import annotations

import json
import sys

import mpmath as mp
import numpy as np
import pytest

import symgrav
from symgrav.errors import SymgravError

from rashba_reference import reference

MUS = ["-0.2", "0.3"]
TS = ["0.02", "0.05"]


@pytest.fixture(scope="module")
def result():
    return symgrav.sweep("rashba", mu=MUS, T=TS, dps=20, workers=1, progress=False)


def _ref(mu, T):
    with mp.workdps(30):
        return reference(mp.mpf(mu), mp.mpf(T), mp.mpf("0.5"))


def test_pandas_frame(result):
    pytest.importorskip("pandas")
    df = result.to_pandas()
    assert list(df.columns) == list(result.columns)
    assert len(df) == len(MUS) * len(TS)
    assert df.attrs["model"] == "rashba" and df.attrs["parameters"]["b"] == "0.5"
    for _, row in df.iterrows():
        ref = _ref(row["mu"], row["T"])
        for q in ("alpha", "mqm", "T_beta_kubo", "T_beta"):
            assert row[q] == pytest.approx(float(ref[q]), rel=1e-10, abs=1e-14), q


def test_xarray_dataset(result):
    pytest.importorskip("xarray")
    ds = result.to_xarray()
    v = ds["value"]
    assert v.dims == ("mu", "T", "component", "quantity")
    assert list(ds["component"].values) == ["xx"]
    assert list(ds["quantity"].values) == [c for c in result.columns if c not in ("mu", "T")]
    assert ds.attrs["model"] == "rashba" and ds.attrs["dps"] == 20
    assert json.loads(ds.attrs["parameters"])["b"] == "0.5"
    assert ds.attrs["symgrav_version"] == symgrav.__version__
    assert "natural units" in ds.attrs["units"]
    assert str(ds["equation"].sel(quantity="mqm").values) == "8a"
    for mu in MUS:
        for T in TS:
            ref = _ref(mu, T)
            point = v.sel(mu=float(mu), T=float(T), component="xx")
            for q in ("alpha", "mqm", "T_beta_kubo", "T_beta"):
                assert float(point.sel(quantity=q)) == pytest.approx(float(ref[q]), rel=1e-10,
                                                                     abs=1e-14), q
    # the xarray grid holds exactly the rows, in float64
    for r in result.rows:
        got = v.sel(mu=float(r["mu"]), T=float(r["T"]), component="xx", quantity="beta")
        assert float(got) == float(r["beta"])


def test_netcdf_round_trip(result, tmp_path):
    xr = pytest.importorskip("xarray")
    path = tmp_path / "s.nc"
    try:
        result.save(path)
    except SymgravError as exc:
        pytest.skip(str(exc))
    with xr.open_dataset(path) as back:
        back.load()
    expected = result.to_xarray()
    np.testing.assert_array_equal(back["value"].values, expected["value"].values)
    assert back.attrs["parameters"] == expected.attrs["parameters"]


def test_clear_error_without_the_extra(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "xarray", None)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(SymgravError, match=r"needs xarray: pip install 'symgrav\[data\]'"):
        result.to_xarray()
    with pytest.raises(SymgravError, match=r"needs pandas: pip install 'symgrav\[data\]'"):
        result.to_pandas()
