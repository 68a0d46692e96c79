"""``symgrav verify`` and the Zeeman-field route: the paper's checks pass, and can fail.

* verify(rashba) passes every check of Eqs. (18), (20), (21), (6);
* a Susceptibilities whose T beta is off by 1e-10 relative fails Eq. (18);
* Eq. (13) = Eq. (8a): the Zeeman-field route (11c) agrees with the Fermi-sea
  MQM of a lattice insulator (2x2 closed-form and 4x4 mp.eigh paths);
* the ME relation (4) and Eq. (13) rows of verify for a lattice insulator;
* the command line: exit 0 / 1 / 2, and the example script.
"""

import importlib
import subprocess
import sys
from pathlib import Path

import mpmath as mp
import pytest
import sympy as sp

import symgrav
from symgrav.cli import main
from symgrav.errors import SymgravError
from symgrav.numeric.zeeman_route import mqm_zero_T_insulator

verify_module = importlib.import_module("symgrav.workflows.verify")
verify = verify_module.verify
ROOT = Path(__file__).resolve().parents[1]


class Planted(symgrav.Susceptibilities):
    """Susceptibilities with a planted error in T beta (Eq. 20): ``wrong(T, values)``."""

    def evaluate(self, mu, T):
        ev = super().evaluate(mu, T)
        with mp.workdps(25 if self.double else self.dps + 10):
            ev["T_beta"] = self.wrong(mp.mpf(T), ev)
        return ev


class OffByTenDigits(Planted):
    """T beta wrong by one part in 10^10 at every T."""

    @staticmethod
    def wrong(T, ev):
        return ev["T_beta"] * (1 + mp.mpf("1e-10"))


class ZeroTPlusMicro(Planted):
    """T beta(T = 0) = 1e-6 instead of 0 (a wrong T = 0 result)."""

    @staticmethod
    def wrong(T, ev):
        return ev["T_beta"] + (mp.mpf("1e-6") if T == 0 else 0)


class ZeroTWeightSeven(Planted):
    """The T = 0 weight of Eq. (20) planted as 7 f instead of xi f + G = 0: T beta(0) = 7 alpha."""

    @staticmethod
    def wrong(T, ev):
        return 7 * ev["alpha"] if T == 0 else ev["T_beta"]


class WrongT2Coefficient(Planted):
    """T beta wrong by one part in 10^3 at T > 0 (a wrong finite-T weight near mu)."""

    @staticmethod
    def wrong(T, ev):
        return ev["T_beta"] * (1 + mp.mpf("1e-3"))


@pytest.fixture(scope="module")
def rashba():
    return symgrav.load_model("rashba")


@pytest.fixture(scope="module")
def insulator():
    return symgrav.load_model("lattice_insulator")


def four_band_chain():
    """A 1D 4x4 lattice insulator (two occupied bands) with spin s_a = sigma_a x 1 / 2."""
    k = sp.Symbol("k")
    s0, sx, sy, sz = sp.eye(2), *(sp.Matrix(m) for m in (
        [[0, 1], [1, 0]], [[0, -sp.I], [sp.I, 0]], [[1, 0], [0, -1]]))
    kron, R = sp.kronecker_product, sp.Rational
    H = (sp.sin(k) * kron(sx, sz) + (R(3, 2) + sp.cos(k)) * kron(sz, s0)
         + R(3, 10) * kron(sy, sx) + R(2, 5) * kron(s0, sz) + R(1, 5) * sp.cos(k) * sp.eye(4)
         + R(1, 4) * sp.sin(k) * kron(sy, s0) + R(1, 3) * kron(sx, sx))
    spin = [kron(s, s0) / 2 for s in (sx, sy, sz)]
    return symgrav.Model(H, [k], spin=spin, lattice=True, name="four_band_chain")


def test_auto_chemical_potentials_rashba(rashba):
    S = symgrav.Susceptibilities(rashba, rashba.defaults, "x", "x", 20)
    features, ranges = verify_module.band_features(S)
    assert ranges is None
    # band minimum of eps_- at p^2 = 1 - b^2, and eps_-+(0) = -+b (Eq. 22, b = 0.5)
    assert [float(x) for x in features] == pytest.approx([-0.625, -0.5, 0.5], abs=1e-12)
    assert verify_module.auto_mus(features, ranges) == [mp.mpf("-0.5625"), 0,
                                                          mp.mpf("1.0625")]


def test_verify_rashba_all_pass(rashba):
    report = verify(rashba, dps=20)
    assert report.passed, str(report)
    assert sorted({float(r.mu) for r in report.rows}) == [-0.5625, 0.0, 1.0625]
    for mu in (-0.5625, 0.0, 1.0625):
        names = [r.check for r in report.rows if float(r.mu) == mu]
        assert names.count("T_beta = T_beta~ - M") == 4  # T0, T0/10, T0/100, relation-6 T
        assert {"T_beta(T=0) = 0", "T_beta ~ T^2", "Mott: T_beta = pi^2 T^2 a'/3",
                "M~ = d(beta M)/d beta"} <= set(names)
    for row in report.rows:
        assert row.passed and 0 <= row.discrepancy <= row.tolerance
        if row.check == "T_beta ~ T^2":
            assert row.tolerance == verify_module.TOL_SCALING
            assert row.discrepancy < 1e-3  # ratios 100 (1 + O(T^2))
        if row.check.startswith("Mott"):
            assert row.discrepancy < 1e-6
        if row.check == "T_beta(T=0) = 0":
            assert row.values[0] == 0
    text = str(report)
    assert "FAIL" not in text and text.count("PASS") == len(report.rows) + 1
    assert text.splitlines()[-1].endswith(": PASS")


def test_broken_T_beta_fails_eq18(rashba, monkeypatch):
    # Eq. (18) is resolved to 10^-(dps-5) of |M|: an error of 1e-10 |T_beta| shows
    # where T_beta / M > 1e-5, i.e. at T >~ 0.01 for Rashba (T_beta ~ 1e-5 T^2 / 1e-9 there)
    monkeypatch.setattr(verify_module, "Susceptibilities", OffByTenDigits)
    report = verify(rashba, mu="0", dps=20, temperatures=["0.04", "0.02"],
                    checks=("zero_T", "eq18"))
    assert not report.passed
    assert [r.passed for r in report.rows] == [True, False, False]
    for r in report.rows[1:]:
        assert r.check == "T_beta = T_beta~ - M"
        assert 1e-14 < r.discrepancy < 1e-10 and float(r.tolerance) == pytest.approx(1e-15)
    assert "FAIL (2 of 3 checks)" in str(report)
    # the unperturbed library passes the same checks
    monkeypatch.undo()
    assert verify(rashba, mu="0", dps=20, temperatures=["0.04", "0.02"],
                  checks=("zero_T", "eq18")).passed


def test_zeeman_route_equals_eq8a_lattice_insulator(insulator):
    mu = "-0.4"  # the centre of the gap [-1.4, 0.6]
    M_zeeman = mqm_zero_T_insulator(insulator, None, mu, "x", "x", dps=20)
    M_8a = symgrav.Susceptibilities(insulator, insulator.defaults, "x", "x", 20).mqm(mu, 0)
    assert M_8a > 1e-3
    with mp.workdps(30):
        assert abs(M_zeeman - M_8a) <= mp.mpf("1e-15") * abs(M_8a)  # >= 15 digits


def test_zeeman_route_general_n_two_occupied_bands():
    model = four_band_chain()
    M_zeeman = mqm_zero_T_insulator(model, {}, "-0.3", "x", "x", dps=20)
    M_8a = symgrav.Susceptibilities(model, {}, "x", "x", 20).mqm("-0.3", 0)
    assert abs(M_8a) > 1e-3
    with mp.workdps(30):
        assert abs(M_zeeman - M_8a) <= mp.mpf("1e-15") * abs(M_8a)


@pytest.mark.parametrize("spec, mu, dps, message", [
    ("rashba", "0", 20, "not a lattice model"),
    ("lattice_insulator", "1.0", 20, "not inside a band gap"),   # in the upper band
    ("lattice_insulator", "-5", 20, "not inside a band gap"),    # below every band
    ("lattice_insulator", "-0.4", 10, "dps must be an integer >= 15"),
    ("lattice_insulator", "oops", 20, "is not a real number"),
])
def test_zeeman_route_errors(spec, mu, dps, message):
    with pytest.raises(SymgravError, match=message):
        mqm_zero_T_insulator(symgrav.load_model(spec), None, mu, dps=dps)


def test_verify_lattice_insulator_gap_checks(insulator):
    report = verify(insulator, dps=15, checks=("zero_T", "me", "eq13"))
    assert report.passed, str(report)
    assert [r.check for r in report.rows] == ["T_beta(T=0) = 0", "ME: -dM/dmu = alpha",
                                              "Zeeman route = M"]
    assert all(float(r.mu) == -0.4 for r in report.rows)  # auto: the gap centre
    left, right, alpha = report.rows[1].values
    assert alpha < 0 and abs(left - alpha) <= 1e-12 * abs(alpha)


def test_verify_input_errors(rashba):
    with pytest.raises(SymgravError, match="checks must be"):
        verify(rashba, checks=("bogus",))
    with pytest.raises(SymgravError, match="at least two"):
        verify(rashba, mu="0", temperatures=["1e-3"])
    with pytest.raises(SymgravError, match="not a real number"):
        verify(rashba, mu="zero")


def test_cli_verify_rashba(capsys):
    assert main(["verify", "rashba", "--mu", "0", "--dps", "20", "--param", "b=1/2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("symgrav verify: model rashba (continuum, d = 2)")
    rows = [line for line in out.splitlines() if line.endswith("PASS")]
    assert len(rows) >= 8 and "FAIL" not in out


def test_cli_verify_exit_1_on_failure(monkeypatch, capsys):
    monkeypatch.setattr(verify_module, "Susceptibilities", OffByTenDigits)
    argv = ["verify", "rashba", "--mu", "0", "--dps", "20", "--check", "eq18",
            "--check", "relation6"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    fails = [line for line in out.splitlines() if line.endswith("FAIL")]
    # 4 rows of Eq. (18) (T0, T0/10, T0/100 and 0.03) and one of relation (6): only the
    # Eq. (18) row at T = 0.03 resolves the error (see test_broken_T_beta_fails_eq18)
    assert len(fails) == 1 and fails[0].startswith("T_beta = T_beta~ - M")
    assert " 0.03 " in fails[0]
    assert out.splitlines()[-1].endswith("FAIL (1 of 5 checks)")


@pytest.mark.parametrize("argv", [
    ["verify", "no_such_model"],
    ["verify", "rashba", "--param", "q=1"],
    ["verify", "rashba", "--param", "b"],
    ["verify", "rashba", "--mu", "abc"],
    ["verify", "rashba", "--component", "xz"],
    ["verify", "rashba", "--dps", "5"],
    ["verify", "rashba", "--check", "nothing"],
])
def test_cli_verify_input_errors(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("symgrav: error: ")
    assert "Traceback" not in err


def test_example_lattice_insulator_fast():
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "lattice_insulator.py"),
                           "--fast"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all checks PASS" in proc.stdout
    assert proc.stdout.count("PASS") == 3  # Eq. (4), Eq. (13), summary


# -- dps="double": the same checks at the tolerances of dps = 15 --------------------------

def test_verify_double_precision_rashba(rashba):
    """verify(dps="double") runs every check (it raised TypeError at ``S.dps - 5``): the
    identities (18), (20) at T = 0 to 1e-10 of R, relation (6) to 1e-6, Mott (21) to 1e-3."""
    report = verify(rashba, mu=["0", "1.0625"], dps="double")
    assert report.passed, str(report)
    assert "dps = double" in report.header[0]
    checks = {r.check for r in report.rows}
    assert {"T_beta(T=0) = 0", "T_beta ~ T^2", "Mott: T_beta = pi^2 T^2 a'/3",
            "T_beta = T_beta~ - M", "M~ = d(beta M)/d beta"} == checks
    for row in report.rows:
        if row.check == "T_beta = T_beta~ - M":
            assert float(row.tolerance) == pytest.approx(1e-10)
        if row.check.startswith("M~"):
            assert float(row.tolerance) == pytest.approx(1e-6)
        assert all(isinstance(v, mp.mpf) for v in row.values)   # printed with nstr digits
    assert "e-1" in str(report) and "0000000000" not in str(report)


def test_verify_double_precision_fails_planted_error(rashba, monkeypatch):
    """In double precision a T^2 coefficient of T beta wrong by 1e-3 still fails the
    zero-T limit and the Mott row."""
    monkeypatch.setattr(verify_module, "Susceptibilities", WrongT2Coefficient)
    report = verify(rashba, mu="0", dps="double", checks=("zero_T", "mott"))
    assert [r.passed for r in report.rows] == [False, False], str(report)


def test_verify_double_precision_lattice_gap_rows():
    """A 1D 4-band insulator in double precision: the ME relation (4) and the Zeeman route
    (11c, run at 15 digits) against Eq. (8a), both to 1e-10 of R."""
    report = verify(four_band_chain(), mu="-0.3", dps="double", checks=("me", "eq13"))
    assert report.passed, str(report)
    assert [r.check for r in report.rows] == ["ME: -dM/dmu = alpha", "Zeeman route = M"]


# -- the zero-T row is a measurement that can fail (issue 8) --------------------------------

@pytest.mark.parametrize("planted", [ZeroTPlusMicro, ZeroTWeightSeven, WrongT2Coefficient])
def test_zero_T_row_fails_for_planted_errors(rashba, monkeypatch, planted):
    """T beta(0) computed (not assigned) and the limit T beta / T^2 -> (pi^2/3) d alpha/d mu
    (Eq. 21, E1): a wrong T = 0 value or a wrong T^2 coefficient fails the row."""
    monkeypatch.setattr(verify_module, "Susceptibilities", planted)
    report = verify(rashba, mu=["0", "1.0625"], dps=20, checks=("zero_T",))
    assert [r.check for r in report.rows] == ["T_beta(T=0) = 0"] * 2
    assert not any(r.passed for r in report.rows), str(report)
    assert all(r.discrepancy > 2 * r.tolerance for r in report.rows)


def test_zero_T_row_passes_for_the_engine(rashba):
    """The real engine: T beta(0) = 0 exactly (T = 0 weights xi theta(-xi) + G = 0), and the
    Richardson limit equals (pi^2/3) d alpha/d mu to far below the tolerance."""
    report = verify(rashba, dps=20, checks=("zero_T",))
    assert report.passed, str(report)
    for row in report.rows:
        tb0, diff, limit, want = row.values
        assert tb0 == 0 and abs(diff) < 1e-17
        assert want != 0 and abs(limit / want - 1) < 1e-9      # default T: 1e-4, 1e-5
        assert row.discrepancy < 1e-3 * row.tolerance


def test_zero_T_limit_tolerance_follows_temperatures(rashba):
    """At T = 0.04, 0.02 (mu = 0, 0.5 from the nearest band feature) the T^4 remainder of
    the extrapolation (~5e-4) is allowed by the stated estimate; the row still passes."""
    report = verify(rashba, mu="0", dps=20, temperatures=["0.04", "0.02"], checks=("zero_T",))
    (row,) = report.rows
    assert row.passed and "limit: 0.01" in row.note, str(report)
    assert verify_module.richardson_limit(2, 5, 1, 2) == 1   # c = 1 + T^2 exactly
