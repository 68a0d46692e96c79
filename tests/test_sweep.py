"""The sweep API: values equal direct Susceptibilities calls (serial, process pool, dask),
exact grids, metadata, CSV/JSON round trip and atomic writes."""

import importlib
import os
from fractions import Fraction

import mpmath as mp
import pytest

import symgrav
from symgrav import Susceptibilities, SymgravError, load_model
from symgrav.workflows.sweep import COLUMNS, SweepResult, linspace, parse_grid

sweep_module = importlib.import_module("symgrav.workflows.sweep")  # symgrav.workflows.sweep is the function
sweep_io = importlib.import_module("symgrav.workflows.sweep_io")
sweep_grid = importlib.import_module("symgrav.workflows.grid")

DPS = 15
MUS = ["-0.2", "0.3"]
TS = ["0.01", "0.05"]


@pytest.fixture(scope="module")
def rashba():
    return load_model("rashba")


@pytest.fixture(scope="module")
def serial(rashba):
    return symgrav.sweep(rashba, mu=MUS, T=TS, dps=DPS, workers=1, progress=False)


def _direct(model, mu, T, params=None, a="x", i="x"):
    """Independent values: a fresh Susceptibilities object, Eqs. (19a)-(21)."""
    s = Susceptibilities(model, params or model.defaults, a, i, dps=DPS)
    out = dict(s.evaluate(mu, T))
    out["beta"] = s.beta(mu, T)
    out["mott"] = s.mott(mu, T)
    return out


def _strings(result):
    return [[mp.nstr(r[c], DPS) for c in COLUMNS] for r in result.rows]


def test_linspace_is_exact():
    assert linspace("-0.2", "0.2", 5) == [Fraction(-1, 5), Fraction(-1, 10), 0,
                                          Fraction(1, 10), Fraction(1, 5)]
    assert linspace("1.5", "7", 1) == [Fraction(3, 2)]
    assert parse_grid("-0.2:0.2:3") == [Fraction(-1, 5), 0, Fraction(1, 5)]
    assert parse_grid("0.01,0.05") == [Fraction(1, 100), Fraction(1, 20)]
    assert parse_grid("-0.25") == [Fraction(-1, 4)]


@pytest.mark.parametrize("text", ["1:2", "0:1:0", "0:1:x", "a:1:3", "", "1,,2", "0:1:-2"])
def test_bad_grids(text):
    with pytest.raises(SymgravError):
        parse_grid(text)


def test_sweep_equals_direct_calls(rashba, serial):
    assert len(serial) == 4
    k = 0
    for T in TS:
        for mu in MUS:
            row, ref = serial.rows[k], _direct(rashba, mu, T)
            assert mp.nstr(row["mu"], DPS) == mp.nstr(mp.mpf(mu), DPS)
            for q in ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta", "beta", "mott"):
                assert isinstance(row[q], mp.mpf)
                assert mp.nstr(row[q], DPS) == mp.nstr(ref[q], DPS), (mu, T, q)
            k += 1


def test_exact_mu_grid_prints_round_values(rashba):
    res = symgrav.sweep(rashba, mu="-0.2:0.2:3", T="0.05", dps=DPS, workers=1, progress=False)
    assert [mp.nstr(m, DPS) for m in res.column("mu")] == ["-0.2", "0.0", "0.2"]


def test_process_pool_equals_serial(rashba, serial):
    pooled = symgrav.sweep(rashba, mu=MUS, T=TS, dps=DPS, workers=2, chunksize=1,
                           progress=False)
    assert _strings(pooled) == _strings(serial)
    assert [r["alpha"] for r in pooled.rows] == [r["alpha"] for r in serial.rows]


def test_dask_executor_equals_serial(rashba, serial):
    distributed = pytest.importorskip("distributed")
    # one worker thread: mpmath's precision is process-global, so a thread pool
    # must not run two tasks of one process at once
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        res = symgrav.sweep(rashba, mu=MUS, T=TS, dps=DPS, executor=client.get_executor(),
                            progress=False)
    assert _strings(res) == _strings(serial)


def test_metadata(serial):
    m = serial.metadata
    assert m["model"] == "rashba"
    assert m["component"] == "xx" and (m["a"], m["i"]) == ("x", "x")
    assert m["dps"] == DPS and m["statistics"] == "fermi"
    assert m["symgrav_version"] == symgrav.__version__
    # exact values as used: ints stay ints, decimals as given (no "1.0")
    assert m["parameters"] == {"alpha": "1", "b": "0.5", "hbar": "1", "m": "1"}
    assert set(m["columns"]) == set(COLUMNS)


@pytest.mark.parametrize("value,text", [
    (1, "1"), (-3, "-3"), ("0.5", "0.5"), (" 1.50 ", "1.50"), (Fraction(1, 5), "0.2"),
    (Fraction(-1, 8), "-0.125"), (Fraction(1, 3), "1/3"), (0.1, "0.1"),
    (mp.mpf("0.25"), "0.25"), ("pi/4", "pi/4")])
def test_exact_parameter_text(value, text):
    assert sweep_grid.exact_text(value, DPS) == text


def test_exact_parameter_text_sympy():
    import sympy as sp

    assert sweep_grid.exact_text(sp.Integer(1), DPS) == "1"
    assert sweep_grid.exact_text(sp.Rational(1, 2), DPS) == "0.5"
    assert sweep_grid.exact_text(sp.Rational(1, 1000), DPS) == "0.001"
    assert sweep_grid.exact_text(sp.Rational(2, 3), DPS) == "2/3"
    assert sweep_grid.exact_text(sp.pi / 4, DPS) == "pi/4"


def test_public_names_stay_in_symgrav_sweep():
    for name in ("COLUMNS", "QUANTITIES", "DESCRIPTIONS", "UNITS", "SweepResult",
                 "exact_number", "linspace", "parse_grid", "sweep"):
        assert hasattr(sweep_module, name), name
    assert sweep_module.SweepResult is sweep_io.SweepResult
    assert sweep_module.parse_grid is sweep_grid.parse_grid
    assert symgrav.sweep is sweep_module.sweep


def test_parameter_override(rashba):
    res = symgrav.sweep(rashba, {"b": "1.5"}, mu="0.1", T="0.02", a="y", i="y", dps=DPS,
                        workers=1, progress=False)
    ref = _direct(rashba, "0.1", "0.02", dict(rashba.defaults, b="1.5"), "y", "y")
    assert mp.nstr(res.rows[0]["T_beta"], DPS) == mp.nstr(ref["T_beta"], DPS)
    assert res.metadata["parameters"]["b"] == "1.5"
    assert res.metadata["component"] == "yy"


def test_bose_has_no_mott_value(rashba):
    res = symgrav.sweep(rashba, mu="-2", T="0.1", dps=DPS, statistics="bose", workers=1,
                        progress=False)
    assert mp.isnan(res.rows[0]["mott"])
    assert res.metadata["statistics"] == "bose"


@pytest.mark.parametrize("kwargs", [dict(T="-0.1"), dict(a="w"), dict(i="z"), dict(dps=10),
                                    dict(params={"nope": 1}), dict(statistics="boltzmann"),
                                    dict(mu="x"), dict(chunksize=0)])
def test_bad_input(rashba, kwargs):
    args = dict(mu="0", T="0.1", dps=DPS, workers=1, progress=False)
    args.update(kwargs)
    with pytest.raises(SymgravError):
        symgrav.sweep(rashba, **args)


def test_csv_round_trip(serial, tmp_path):
    path = tmp_path / "s.csv"
    serial.to_csv(path)
    text = path.read_text()
    assert text.startswith("# symgrav sweep\n# model = \"rashba\"\n")
    back = SweepResult.read_csv(path)
    assert back.metadata == serial.metadata
    assert _strings(back) == _strings(serial)


def test_json_round_trip(serial, tmp_path):
    path = tmp_path / "s.json"
    serial.save(path)
    back = SweepResult.read_json(path)
    assert back.metadata == serial.metadata
    assert _strings(back) == _strings(serial)


def test_csv_digits(serial, tmp_path):
    path = tmp_path / "s.csv"
    serial.to_csv(path, digits=6)
    back = SweepResult.read_csv(path)
    assert [mp.nstr(r["alpha"], 6) for r in back.rows] == \
        [mp.nstr(r["alpha"], 6) for r in serial.rows]


def test_unknown_extension(serial, tmp_path):
    with pytest.raises(SymgravError, match="unknown output format"):
        serial.save(tmp_path / "s.txt")


@pytest.mark.parametrize("writer", ["to_csv", "to_json"])
def test_interrupted_write_keeps_old_file(serial, tmp_path, monkeypatch, writer):
    path = tmp_path / ("s.csv" if writer == "to_csv" else "s.json")
    getattr(serial, writer)(path)
    good = path.read_bytes()
    calls = {"n": 0}
    real = sweep_io._fmt

    def failing(value, digits):
        calls["n"] += 1
        if calls["n"] > 12:  # part-way through the rows
            raise KeyboardInterrupt
        return real(value, digits)

    monkeypatch.setattr(sweep_io, "_fmt", failing)
    with pytest.raises(KeyboardInterrupt):
        getattr(serial, writer)(path)
    assert calls["n"] > 12
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left behind


def test_plot(serial, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "s.png"
    serial.plot(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.listdir(tmp_path) == ["s.png"]


# -- user quantities and double precision (issue 8) ---------------------------------------
# References, independent of symgrav: tests/rashba_reference.py (hand-derived closed forms
# of alpha, M, T beta~, T beta of Eq. 22 as Fermi-window averages) and
# tests/references/rashba_radial.py (a radial mpmath integral of any weights).

from rashba_reference import alpha0, reference  # noqa: E402
from references import rashba_radial  # noqa: E402

XI2F = symgrav.Quantity("xi2f", "xi**2*f", 0, equation="test", label=r"\xi^2 f",
                        description="sum_n int Omega_n xi^2 f (a quantity symgrav does not ship)")


def _xi2f_reference(mu, T, b="0.5"):
    with mp.workdps(30):
        return rashba_radial.fermi_sea(mp.mpf(mu), mp.mpf(T), mp.mpf(b),
                                       lambda xi, T, f, G, df: xi ** 2 * f, None)


@pytest.fixture(scope="module")
def with_user(rashba):
    return symgrav.sweep(rashba, mu=["-0.3", "0.2"], T=["0", "0.02"], dps=DPS, workers=1,
                         progress=False, quantities=[XI2F])


def test_user_quantity_is_a_column(with_user):
    assert with_user.columns == COLUMNS + ("xi2f",)
    assert with_user.quantities == (XI2F,)
    m = with_user.metadata
    assert list(m["columns"]) == list(COLUMNS) + ["xi2f"]
    assert m["columns"]["xi2f"] == XI2F.description
    assert m["quantities"]["xi2f"]["omega"] == "f*xi**2"
    assert m["quantities"]["xi2f"]["moment"] == "0"
    # 15 digits asked; the radial reference at 30 digits
    for row in with_user.rows:
        want = _xi2f_reference(row["mu"], row["T"])
        assert abs(row["xi2f"] - want) <= mp.mpf("1e-13") * abs(want), (row["mu"], row["T"])


@pytest.mark.parametrize("ext", ["csv", "json"])
def test_round_trip_with_user_quantity(with_user, tmp_path, ext):
    path = tmp_path / f"u.{ext}"
    with_user.save(path)
    text = path.read_text()
    assert "xi2f" in text and "f*xi**2" in text   # column and its weights in the header
    back = getattr(SweepResult, f"read_{ext}")(path)
    assert back.metadata == with_user.metadata
    assert back.columns == with_user.columns
    assert back.quantities == (XI2F,) and back.quantities[0].label == XI2F.label
    assert [[mp.nstr(r[c], DPS) for c in back.columns] for r in back.rows] == \
        [[mp.nstr(r[c], DPS) for c in with_user.columns] for r in with_user.rows]


def test_file_with_hostile_weights_is_refused(with_user, tmp_path):
    """Weights in a file header are data: a header with code is refused, nothing runs."""
    path, flag = tmp_path / "u.csv", tmp_path / "ran"
    with_user.to_csv(path)
    text = path.read_text().replace('"omega": "f*xi**2"', '"omega": "__import__(\'os\')'
                                    f'.system(\'touch {flag}\')"')
    path.write_text(text)
    with pytest.raises(SymgravError, match="not allowed"):
        SweepResult.read_csv(path)
    assert not flag.exists()


def test_columns_of_a_file_must_match_its_quantities(with_user, tmp_path):
    path = tmp_path / "u.json"
    with_user.to_json(path)
    path.write_text(path.read_text().replace('"xi2f"]', '"other"]'))
    with pytest.raises(SymgravError, match="unexpected columns"):
        SweepResult.read_json(path)


def test_plot_draws_user_quantity(with_user, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "u.png"
    with_user.plot(png)                       # default: alpha, T beta~, M, T beta, xi2f
    assert png.read_bytes()[:4] == b"\x89PNG"
    with_user.plot(png, quantities=("xi2f", "beta"))
    with pytest.raises(SymgravError, match="cannot plot"):
        with_user.plot(png, quantities=("nope",))


def test_bad_user_quantities(rashba):
    args = dict(mu="0", T="0.1", dps=DPS, workers=1, progress=False)
    with pytest.raises(SymgravError, match="Quantity"):
        symgrav.sweep(rashba, quantities=["xi**2*f"], **args)
    with pytest.raises(SymgravError, match="repeated"):
        symgrav.sweep(rashba, quantities=[XI2F, XI2F], **args)


@pytest.mark.parametrize("b", ["0.5", "1.5"])
def test_double_sweep_against_closed_forms(rashba, b):
    """dps="double" against the closed forms (promise ~1e-12; RTOL 1e-10, ATOL 1e-15 of band
    terms ~0.03, as in test_double_mode.py); beta = T_beta/T; Mott = (pi^2 T^2/3) alpha0'."""
    mus, Ts = ["-0.55", "0.1", "0.9"], ["0", "0.005", "0.05"]
    res = symgrav.sweep(rashba, {"b": b}, mu=mus, T=Ts, dps="double", workers=1,
                        progress=False, quantities=[XI2F])
    assert res.metadata["dps"] == "double"
    k = 0
    for T in Ts:
        for mu in mus:
            row = res.rows[k]
            k += 1
            with mp.workdps(30):
                ref = reference(mu, T, b)
                ref["beta"] = ref["T_beta"] / mp.mpf(T) if T != "0" else mp.mpf(0)
                slope = mp.diff(lambda e: alpha0(e, mp.mpf(b)), mp.mpf(mu))
                ref["mott"] = mp.pi ** 2 * mp.mpf(T) ** 2 / 3 * slope
                ref["xi2f"] = _xi2f_reference(mu, T, b)
            for name, want in ref.items():
                got = float(row[name])
                scale = 1 / float(T) if name == "beta" and T != "0" else 1
                assert got == pytest.approx(float(want), rel=1e-10, abs=1e-15 * scale), \
                    (b, mu, T, name)


def test_double_sweep_writes_15_digits(rashba, tmp_path):
    res = symgrav.sweep(rashba, mu="0.1", T="0.01", dps="double", workers=1, progress=False)
    path = tmp_path / "d.csv"
    res.to_csv(path)
    body = [ln for ln in path.read_text().splitlines() if not ln.startswith("#")]
    alpha = body[1].split(",")[2]
    assert 14 <= len(alpha.replace("0.", "", 1).lstrip("0").replace(".", "")) <= 15, alpha
    back = SweepResult.read_csv(path)
    assert back.metadata["dps"] == "double"
    assert mp.nstr(back.rows[0]["alpha"], 15) == alpha
