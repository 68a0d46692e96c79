"""``symgrav compute``: sweeps to stdout/CSV/JSON/PNG, the full tensor, one-line errors."""

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
    (["--mu", "0", "--T", "0", "--plot", "r.pdf"], "unknown extension"),
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
