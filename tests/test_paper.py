"""``symgrav paper``: Figs. 1 (b = 0.5) and 2 (b = 1.5) of the paper, fast grids.

* the full grids: round values, step <= 0.005, mu = -0.2, every regime covered;
* the files and their exact columns and headers;
* CSV values = direct Susceptibilities calls x 8 pi/b (an independent call path);
* mott_slope = (pi^2/3) x a finite difference of alpha at T = 0 (Eq. 21 by
  another route); beta/T -> mott_slope at T = 0.001 away from band edges;
* Eq. (18): T_beta = T_beta_kubo - mqm to the stated digits;
* an interrupted run leaves no half-written CSV or PNG;
* command-line errors; examples/rashba_ferromagnet.py --fast.
"""

import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import mpmath as mp
import pytest

import symgrav
import symgrav.paper.figures as paper
from symgrav.cli import main

pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
DPS = 15


def read_csv(path):
    """(comment lines, column names, rows of strings)."""
    with open(path, newline="") as fh:
        lines = fh.read().splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    rows = list(csv.reader(ln for ln in lines if not ln.startswith("#")))
    return comments, rows[0], rows[1:]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("paper")
    status = main(["paper", "--out", str(d), "--fast", "--dps", str(DPS), "--workers", "2",
                   "--no-progress"])
    assert status == 0
    return d


@pytest.fixture(scope="module")
def susc():
    model = symgrav.load_model("rashba")
    made = {}

    def get(b):
        if b not in made:
            made[b] = symgrav.Susceptibilities(model, {**model.defaults, "b": b}, "x", "x",
                                               dps=DPS)
        return made[b]
    return get


def table(out, name):
    _, cols, rows = read_csv(out / name)
    return cols, {r[0]: [mp.mpf(x) for x in r[1:]] for r in rows}


# -- grids -----------------------------------------------------------------
@pytest.mark.parametrize("number, lo, hi", [(1, -1, 1), (2, -2, 2)])
def test_full_grid(number, lo, hi):
    spec = paper.figure_spec(number)
    mus = [Decimal(m) for m in spec.mu]
    assert "-0.200" in spec.mu
    assert mus == sorted(set(mus)) and mus[0] == lo and mus[-1] == hi
    steps = [b - a for a, b in zip(mus, mus[1:])]
    assert max(steps) <= Decimal("0.005") and min(steps) >= Decimal("0.001")
    assert all(m % Decimal("0.001") == 0 for m in mus)  # round values
    feats = [e for e, _ in paper.band_features(spec.b)]
    assert all(e in mus for e in feats)  # band bottoms, hat top / anticrossing
    assert mus[0] < feats[0] and mus[-1] > feats[-1]  # below the bottom, two-band region
    assert spec.T == "0.001" and spec.T_c[0] == "0.000" and "-0.2" in spec.mu_c
    assert [Decimal(t) for t in spec.T_c] == sorted(Decimal(t) for t in spec.T_c)


def test_band_features():
    assert [e for e, _ in paper.band_features("0.5")] == [Decimal("-0.625"), Decimal("-0.5"),
                                                          Decimal("0.5")]
    assert [e for e, _ in paper.band_features("1.5")] == [Decimal("-1.5"), Decimal("1.5")]


def test_mu_grid_refinement():
    grid = paper.mu_grid("-0.1", "0.1", "0.05", ["0.0123"], "0.01", "0.02")
    assert grid == ("-0.10", "-0.05", "-0.01", "0.00", "0.01", "0.02", "0.03", "0.05", "0.10")


# -- files -----------------------------------------------------------------
def test_files_and_columns(out):
    names = sorted(os.listdir(out))
    assert names == ["figure1.png", "figure1a.csv", "figure1b.csv", "figure1c.csv",
                     "figure2.png", "figure2a.csv", "figure2b.csv", "figure2c.csv"]
    for n, b in ((1, "0.5"), (2, "1.5")):
        assert (out / f"figure{n}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        spec = paper.figure_spec(n, fast=True)
        expected = {"a": ["mu", "T_beta_kubo", "mqm", "T_beta"],
                    "b": ["mu", "alpha", "mott_slope", "beta_over_T"],
                    "c": ["T"] + [f"beta_mu={mu}" for mu in spec.mu_c]}
        for panel, cols in expected.items():
            comments, header, rows = read_csv(out / f"figure{n}{panel}.csv")
            assert header == cols
            text = "\n".join(comments)
            assert f"b = {b}" in text and f"dps = {DPS}" in text
            assert f"symgrav {symgrav.__version__}" in text and "units" in text
            assert all(len(r) == len(cols) for r in rows)
            if panel != "c":
                assert [r[0] for r in rows] == list(spec.mu)
            else:
                assert [r[0] for r in rows] == list(spec.T_c)
                assert all(mp.mpf(x) == 0 for x in rows[0][1:])  # beta(T = 0) = 0


@pytest.mark.parametrize("n, b, mus", [(1, "0.5", ["-0.6", "-0.2", "0.7"]),
                                       (2, "1.5", ["-1.4", "0.4"])])
def test_values_match_direct_calls(out, susc, n, b, mus):
    S = susc(b)
    unit = 8 * mp.pi / mp.mpf(b)
    _, a = table(out, f"figure{n}a.csv")
    _, bb = table(out, f"figure{n}b.csv")
    tol = mp.mpf(10) ** (-(DPS - 3))
    for mu in mus:
        ev = S.evaluate(mu, "0.001")
        direct_a = [ev["T_beta_kubo"], ev["mqm"], ev["T_beta"]]
        direct_b = [S.alpha(mu, 0), mp.pi ** 2 / 3 * S.dalpha_dmu(mu),
                    S.beta(mu, "0.001") / mp.mpf("0.001")]
        for got, want in zip(a[mu] + bb[mu], direct_a + direct_b):
            assert abs(got - unit * want) <= tol * abs(unit * want), (mu, got, want)


def test_panel_c_matches_direct_calls(out, susc):
    cols, c = table(out, "figure1c.csv")
    S = susc("0.5")
    unit = 8 * mp.pi / 2 * 4  # 8 pi / 0.5
    for j, col in enumerate(cols[1:]):
        mu = col.split("=", 1)[1]
        want = unit * S.beta(mu, "0.02")
        assert abs(c["0.02"][j] - want) <= mp.mpf(10) ** (-(DPS - 3)) * abs(want)


@pytest.mark.parametrize("n, b, mu", [(1, "0.5", "-0.2"), (1, "0.5", "0.8"),
                                      (2, "1.5", "0.0")])
def test_mott_slope_is_derivative_of_alpha(out, susc, n, b, mu):
    """Eq. (21) by a second route: central difference of alpha(mu, T=0), Eq. (19a)."""
    S = susc(b)
    h = mp.mpf("1e-4")
    with mp.workdps(DPS + 10):
        fd = (S.alpha(mp.mpf(mu) + h, 0) - S.alpha(mp.mpf(mu) - h, 0)) / (2 * h)
        want = 8 * mp.pi / mp.mpf(b) * mp.pi ** 2 / 3 * fd
    _, rows = table(out, f"figure{n}b.csv")
    assert abs(rows[mu][1] - want) <= 1e-6 * abs(want)


@pytest.mark.parametrize("n", [1, 2])
def test_beta_over_T_follows_mott(out, n):
    """Fig. N(b): beta/T at T = 0.001 follows (pi^2/3) d alpha/d mu away from band edges."""
    spec = paper.figure_spec(n, fast=True)
    feats = [e for e, _ in paper.band_features(spec.b)]
    _, rows = table(out, f"figure{n}b.csv")
    checked = 0
    for mu, (alpha, mott, bt) in rows.items():
        if min(abs(Decimal(mu) - e) for e in feats) < Decimal("0.1") or alpha == 0:
            continue
        assert abs(bt - mott) <= 1e-3 * abs(mott), mu
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("n", [1, 2])
def test_eq18_in_csv(out, n):
    """T beta (Eq. 20) = T beta~ (19b) - M (8a), to the stated digits."""
    _, rows = table(out, f"figure{n}a.csv")
    nonzero = 0
    for mu, (kubo, mqm, tb) in rows.items():
        scale = max(abs(kubo), abs(mqm), abs(tb))
        assert abs(tb - (kubo - mqm)) <= mp.mpf(10) ** (-(DPS - 2)) * scale, mu
        nonzero += tb != 0
    assert nonzero >= 5


# -- interrupted writing ---------------------------------------------------
TINY = paper.FigureSpec(1, "0.5", ("-0.2", "0.0"), "0.001", ("-0.2",), ("0", "0.01"))


@pytest.fixture(scope="module")
def tiny_tables():
    return paper.compute_figures([TINY], dps=DPS, workers=1, progress=False)


def test_interrupted_png_leaves_old_file(tmp_path, monkeypatch, tiny_tables):
    from matplotlib.figure import Figure
    from symgrav.paper.plot import plot_figure

    target = tmp_path / "figure1.png"
    target.write_bytes(b"old")

    def broken(self, fname, **kw):
        with open(fname, "wb") as fh:
            fh.write(b"\x89PNG half")
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(KeyboardInterrupt):
        plot_figure(TINY, tiny_tables[1], target)
    assert os.listdir(tmp_path) == ["figure1.png"] and target.read_bytes() == b"old"


def test_interrupted_run_writes_no_partial_files(tmp_path, monkeypatch, tiny_tables):
    import symgrav.fileio as fileio

    monkeypatch.setattr(paper, "compute_figures", lambda *a, **k: tiny_tables)
    monkeypatch.setattr(paper, "figure_spec", lambda n, fast=False: TINY)
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 3:  # the second CSV file, after its text was written
            raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        paper.write_paper(tmp_path, figures=(1,), dps=DPS, workers=1, progress=False)
    assert os.listdir(tmp_path) == ["figure1a.csv"]  # complete; nothing half-written
    _, cols, rows = read_csv(tmp_path / "figure1a.csv")
    assert cols == ["mu", "T_beta_kubo", "mqm", "T_beta"] and len(rows) == 2


# -- command line and example ----------------------------------------------
@pytest.mark.parametrize("argv", [["--dps", "10"], ["--workers", "0"]])
def test_cli_errors(tmp_path, argv, capsys):
    assert main(["paper", "--out", str(tmp_path / "x"), "--fast"] + argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("symgrav: error: ")
    assert not (tmp_path / "x").exists()


def test_cli_bad_figure(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["paper", "--out", str(tmp_path), "--figure", "3"])
    assert exc.value.code == 2


def test_example_rashba_ferromagnet_fast(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "rashba_ferromagnet.py"),
                           "--fast", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "closed forms agree with the paper" in proc.stdout
    for name in ("rashba_derivation.tex", "figure1.png", "figure2.png", "figure1b.csv"):
        assert (tmp_path / name).is_file(), name
    assert (tmp_path / "rashba_derivation.tex").read_text().lstrip().startswith("\\document")


def test_double_precision_figure_against_closed_forms(tmp_path):
    """``symgrav paper --dps double``: 15 digits written, values = the closed forms of
    tests/rashba_reference.py x 8 pi/b (RTOL 1e-10, ATOL 1e-14 in figure units, where the
    band terms are ~0.03 x 8 pi/b ~ 1; as tests/test_double_mode.py)."""
    from rashba_reference import reference

    assert main(["paper", "--out", str(tmp_path), "--fast", "--figure", "1", "--dps", "double",
                 "--workers", "1", "--no-progress"]) == 0
    comments, cols, rows = read_csv(tmp_path / "figure1a.csv")
    assert any("dps = double: IEEE double precision" in c and "15 significant digits" in c
               for c in comments)
    _, _, rows_b = read_csv(tmp_path / "figure1b.csv")
    unit = 8 * mp.pi / mp.mpf("0.5")
    for row, row_b in list(zip(rows, rows_b))[::3]:
        mu = row[0]
        with mp.workdps(30):
            ref = reference(mu, "0.001", mp.mpf("0.5"))
            ref0 = reference(mu, 0, mp.mpf("0.5"))
        got = dict(zip(cols[1:], row[1:]))
        for name in ("T_beta_kubo", "mqm", "T_beta"):
            assert float(got[name]) == pytest.approx(float(unit * ref[name]), rel=1e-10,
                                                     abs=1e-14), (mu, name)
            assert len(got[name].split("e")[0].replace("-", "").replace(".", "")
                       .lstrip("0")) <= 15
        assert float(row_b[1]) == pytest.approx(float(unit * ref0["alpha"]), rel=1e-10,
                                                abs=1e-14), mu
