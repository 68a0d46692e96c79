"""``symgrav compute``: sweeps to stdout/CSV/JSON/PNG, the full tensor, one-line errors."""

import csv
import json
import os

import mpmath as mp
import pytest

from symgrav import Susceptibilities, load_model
from symgrav.cli import main
from symgrav.workflows.sweep import SweepResult

BASE = ["compute", "rashba", "--dps", "15", "--workers", "1", "--no-progress"]


def _one_line_error(capsys, status, phrase):
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("symgrav: error: ") and phrase in lines[0], err


def test_csv_output_equals_direct_calls(tmp_path, capsys):
    out = tmp_path / "r.csv"
    status = main(BASE + ["--mu", "-0.2:0.2:3", "--T", "0.01", "--out", str(out)])
    assert status == 0
    assert "wrote 3 points" in capsys.readouterr().err
    res = SweepResult.read_csv(out)
    assert [mp.nstr(m, 15) for m in res.column("mu")] == ["-0.2", "0.0", "0.2"]
    model = load_model("rashba")
    s = Susceptibilities(model, model.defaults, dps=15)
    for row in res.rows:
        mu = mp.nstr(row["mu"], 15)
        ref = s.evaluate(mu, "0.01")
        assert mp.nstr(row["T_beta"], 15) == mp.nstr(ref["T_beta"], 15)
        assert mp.nstr(row["mott"], 15) == mp.nstr(s.mott(mu, "0.01"), 15)
    assert res.metadata["model"] == "rashba" and res.metadata["dps"] == 15


def test_json_plot_and_param(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out, png = tmp_path / "r.json", tmp_path / "r.png"
    status = main(BASE + ["--mu", "0.1", "--T", "0.02,0.05", "--param", "b=1.5",
                          "--component", "yy", "--out", str(out), "--plot", str(png)])
    assert status == 0
    data = json.loads(out.read_text())
    assert data["metadata"]["parameters"]["b"] == "1.5"
    assert data["metadata"]["component"] == "yy"
    assert len(data["rows"]) == 2
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert sorted(os.listdir(tmp_path)) == ["r.json", "r.png"]


def test_stdout_table(capsys):
    assert main(BASE + ["--mu", "0", "--T", "0", "--digits", "8"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# symgrav sweep\n")
    header = [line for line in out.splitlines() if not line.startswith("#")][0].split()
    assert header == ["mu", "T", "alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta", "beta",
                      "mott"]


def test_component_all(capsys):
    assert main(BASE + ["--mu", "0.3", "--T", "0.05", "--component", "all"]) == 0
    out = capsys.readouterr().out
    assert "nonzero: xx, yy" in out
    assert "related: xx = yy" in out


def test_process_pool_from_cli(tmp_path, capsys):
    out = tmp_path / "p.csv"
    argv = ["compute", "rashba", "--dps", "15", "--no-progress", "--mu", "-0.1,0.1",
            "--T", "0.03"]
    assert main(argv + ["--workers", "2", "--out", str(out)]) == 0
    assert main(argv + ["--workers", "1", "--out", str(tmp_path / "s.csv")]) == 0
    body = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    ref = [line for line in (tmp_path / "s.csv").read_text().splitlines()
           if not line.startswith("#")]
    assert body == ref


@pytest.mark.parametrize("extra,phrase", [
    (["--mu", "1:2", "--T", "0"], "START:STOP:N"),
    (["--mu", "0:1:0", "--T", "0"], "N must be >= 1"),
    (["--mu", "abc", "--T", "0"], "not a decimal number"),
    (["--mu", "0", "--T", "-0.1"], "temperatures must be >= 0"),
    (["--mu", "0", "--T", "0", "--component", "xw"], "--component"),
    (["--mu", "0", "--T", "0", "--component", "zz"], "does not exist"),
    (["--mu", "0", "--T", "0", "--param", "q=1"], "unknown parameter"),
    (["--mu", "0", "--T", "0", "--out", "r.txt"], "unknown extension"),
    (["--mu", "0", "--T", "0", "--plot", "r.gif"], "unknown extension"),
    (["--mu", "0", "--T", "0", "--out", "/nonexistent_dir_sweepC/r.csv"], "does not exist"),
    (["--mu", "0,1", "--T", "0", "--component", "all"], "single --mu"),
    (["--mu", "0", "--T", "0", "--dps", "5"], "--dps"),
])
def test_errors(capsys, extra, phrase):
    _one_line_error(capsys, main(BASE + extra), phrase)


def test_output_is_a_directory(tmp_path, capsys):
    d = tmp_path / "d.csv"
    d.mkdir()
    _one_line_error(capsys, main(BASE + ["--mu", "0", "--T", "0", "--out", str(d)]),
                    "is a directory")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_directory(tmp_path, capsys):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o500)
    try:
        _one_line_error(capsys, main(BASE + ["--mu", "0", "--T", "0", "--out",
                                             str(d / "r.csv")]), "not writable")
    finally:
        d.chmod(0o700)


def test_failed_run_keeps_old_output(tmp_path, capsys):
    out = tmp_path / "r.csv"
    out.write_text("good\n")
    status = main(BASE + ["--mu", "0", "--T", "0", "--param", "nope=1", "--out", str(out)])
    _one_line_error(capsys, status, "unknown parameter")
    assert out.read_text() == "good\n"


# -- --quantity and --dps double (issue 8) ------------------------------------------------

def _xi2f_reference(mu, T, b="0.5"):
    """sum_n int Omega_n xi^2 f, the radial reference of tests/references (no symgrav)."""
    from references import rashba_radial

    with mp.workdps(30):
        return rashba_radial.fermi_sea(mp.mpf(mu), mp.mpf(T), mp.mpf(b),
                                       lambda xi, T, f, G, df: xi ** 2 * f, None)


def test_user_quantity_column(tmp_path, capsys):
    out = tmp_path / "q.csv"
    assert main(BASE + ["--mu", "-0.3,0.4", "--T", "0,0.02", "--quantity", "xi2f=xi**2*f;0",
                        "--quantity", "again = xi*f ; f", "--out", str(out)]) == 0
    res = SweepResult.read_csv(out)
    assert res.columns[-2:] == ("xi2f", "again")
    assert res.metadata["quantities"]["xi2f"]["omega"] == "f*xi**2"
    for row in res.rows:
        want = _xi2f_reference(row["mu"], row["T"])
        assert abs(row["xi2f"] - want) <= mp.mpf("1e-13") * abs(want)
        # (xi f, f) are the weights of Eq. (19b): the column equals T_beta_kubo
        assert mp.nstr(row["again"], 12) == mp.nstr(row["T_beta_kubo"], 12)


@pytest.mark.parametrize("payload", [
    "evil=__import__('os').system('touch {flag}')*f;0",
    "evil=f;().__class__.__base__.__subclasses__()",
    "evil=lambda: open('{flag}', 'w');0",
    "evil=exec(\"open('{flag}', 'w')\");0",
    "evil=f;0;open('{flag}','w')",
])
def test_hostile_quantity_is_refused(tmp_path, capsys, payload):
    """Weights are data for the safe parser: refused with one line, nothing executed."""
    flag = tmp_path / "ran"
    status = main(BASE + ["--mu", "0", "--T", "0", "--quantity", payload.format(flag=flag)])
    _one_line_error(capsys, status, "--quantity")
    assert not flag.exists()


@pytest.mark.parametrize("text, phrase", [
    ("xi2f", "NAME=OMEGA;MOMENT"), ("=f;0", "NAME=OMEGA;MOMENT"), ("x=f;", "NAME=OMEGA;MOMENT"),
    ("alpha=f;0", "built-in"), ("x=exp(xi)*f;0", "rational function"),
    ("x=xi*f;q", "unknown name"), ("x=1;0", "does not vanish for empty states"),
])
def test_bad_quantity(capsys, text, phrase):
    _one_line_error(capsys, main(BASE + ["--mu", "0", "--T", "0", "--quantity", text]), phrase)


def test_double_precision_table(capsys):
    from rashba_reference import reference

    argv = ["compute", "rashba", "--dps", "double", "--workers", "1", "--no-progress",
            "--mu", "0.2", "--T", "0.01"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert '# dps = "double"' in out
    lines = [ln.split() for ln in out.splitlines() if not ln.startswith("#")]
    row = dict(zip(lines[0], lines[1]))
    with mp.workdps(30):
        ref = reference("0.2", "0.01", mp.mpf("0.5"))
    for name in ("alpha", "mqm", "T_beta_kubo", "T_beta"):
        assert float(row[name]) == pytest.approx(float(ref[name]), rel=1e-10, abs=1e-15)
        assert len(row[name].replace(".", "").replace("-", "").split("e")[0].lstrip("0")) <= 15


def test_dps_option_values(capsys):
    with pytest.raises(SystemExit):
        main(["compute", "rashba", "--mu", "0", "--T", "0", "--dps", "single"])
    assert "'double'" in capsys.readouterr().err
    _one_line_error(capsys, main(BASE[:2] + ["--dps", "12", "--mu", "0", "--T", "0"]),
                    "--dps must be an integer >= 15 or 'double'")


def test_tensor_with_user_quantity_and_double(tmp_path, capsys):
    out = tmp_path / "t.csv"
    argv = ["compute", "rashba", "--dps", "double", "--workers", "1", "--no-progress",
            "--mu", "0.3", "--T", "0.05", "--component", "all", "--quantity", "xi2f=xi**2*f;0"]
    assert main(argv + ["--out", str(out)]) == 0
    text = out.read_text()
    assert "related: xx = yy" in capsys.readouterr().out
    rows = list(csv.reader(ln for ln in text.splitlines() if not ln.startswith("#")))
    assert rows[0] == ["component", "alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta", "xi2f",
                       "note"]
    table = {r[0]: r[1:-1] for r in rows[1:]}
    want = float(_xi2f_reference("0.3", "0.05"))
    assert float(table["xx"][-1]) == pytest.approx(want, rel=1e-10)
    assert table["yy"] == table["xx"] and float(table["zx"][-1]) == 0.0
