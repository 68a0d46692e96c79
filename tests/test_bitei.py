"""The paper's BiTeI estimate (end of Sec. IV), recomputed: library, CLI and example.

The paper quotes m alpha^2 = 2.3e3 K, b = 2.1e2 K, b / m alpha^2 = 9.1e-2,
M_x / mu_B = 2e3 T Delta T L_y and M_x / mu_B = 8e-2 for T = 20 K,
Delta T = 2 K, L_y = 1 um, and says the Mott relation holds up to
T / m alpha^2 = 0.01.  The library values are compared with those at the
paper's precision and with separate evaluations (constants straight from
scipy.constants, a fresh Susceptibilities object).
"""

import json
import math
import os
import subprocess
import sys

import mpmath as mp
import pytest
from scipy import constants as sc

import symgrav
from symgrav.paper.bitei import PAPER, bitei_estimate, format_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYS = ("m_alpha2_K", "b_K", "b_over_m_alpha2", "coefficient", "M_over_muB")

MU_B = sc.physical_constants["Bohr magneton"][0]
M = 0.1 * sc.m_e
HBAR_ALPHA = 3.85 * sc.electron_volt * sc.angstrom
M_ALPHA2_J = M * HBAR_ALPHA ** 2 / sc.hbar ** 2
B_J = 63 * MU_B * 10 / 2


@pytest.fixture(scope="module")
def est():
    return bitei_estimate()


def _round(x, digits):
    return float(f"{x:.{digits - 1}e}")


def test_energies_against_paper_and_constants(est):
    assert _round(est.m_alpha2_K, 2) == PAPER["m_alpha2_K"] == 2.3e3
    assert _round(est.b_K, 2) == PAPER["b_K"] == 2.1e2
    assert est.m_alpha2_K == pytest.approx(M_ALPHA2_J / sc.k, rel=1e-13)
    assert est.b_K == pytest.approx(B_J / sc.k, rel=1e-13)
    assert est.b_over_m_alpha2 == pytest.approx(B_J / M_ALPHA2_J, rel=1e-13)
    # the paper's 9.1e-2 is the ratio of its rounded values 2.1e2 / 2.3e3; unrounded: 9.4e-2
    assert _round(PAPER["b_K"] / PAPER["m_alpha2_K"], 2) == PAPER["b_over_m_alpha2"]
    assert _round(est.b_over_m_alpha2, 2) == 9.4e-2


def test_coefficient_and_moment_against_paper(est):
    assert _round(est.coefficient, 1) == PAPER["coefficient"] == 2e3
    assert _round(est.M_over_muB, 1) == PAPER["M_over_muB"] == 8e-2
    assert est.M_over_muB == pytest.approx(est.coefficient * 20 * 2 * 1e-6, rel=1e-12)
    # the full Eq. (20) at 20 K (T / m alpha^2 = 8.9e-3) lies a few % above the Mott value
    assert est.M_over_muB_full == pytest.approx(est.M_over_muB * est.beta_over_mott,
                                                rel=1e-12)
    assert 1 < est.beta_over_mott < 1.05


def test_coefficient_by_hand(est):
    """C = c g (m alpha / hbar) (k_B / m alpha^2)^2 with c from a separate Susceptibilities."""
    sus = symgrav.Susceptibilities(symgrav.load_model("rashba"),
                                   {"hbar": 1, "m": 1, "alpha": 1,
                                    "b": repr(B_J / M_ALPHA2_J)}, dps=20)
    c = float(mp.pi ** 2 / 3 * sus.dalpha_dmu("-0.2"))
    inv_length = M * HBAR_ALPHA / sc.hbar ** 2
    C = c * 63 * inv_length * (sc.k / M_ALPHA2_J) ** 2
    assert est.coefficient == pytest.approx(C, rel=1e-12)
    assert est.coefficient > 0 and est.M_over_muB > 0
    T_nat = 20 * sc.k / M_ALPHA2_J
    R = float(sus.T_beta("-0.2", repr(T_nat)))
    M_full = R * 63 * inv_length * (2 / 20) * 1e-6
    assert est.M_over_muB_full == pytest.approx(M_full, rel=1e-12)
    assert est.beta_over_mott == pytest.approx(R / (c * T_nat ** 2), rel=1e-12)


def test_mott_one_percent_temperature(est):
    """|beta / beta_Mott - 1| = 0.01 at the returned T, by a separate evaluation."""
    sus = symgrav.Susceptibilities(symgrav.load_model("rashba"),
                                   {"hbar": 1, "m": 1, "alpha": 1,
                                    "b": repr(est.b_over_m_alpha2)}, dps=20)
    T1 = est.T_mott_1pct_over_m_alpha2
    dev = abs(sus.T_beta("-0.2", repr(T1)) / sus.mott("-0.2", repr(T1)) - 1)
    assert float(dev) == pytest.approx(0.01, rel=1e-6)
    low = abs(sus.T_beta("-0.2", repr(T1 / 2)) / sus.mott("-0.2", repr(T1 / 2)) - 1)
    assert low < 0.01
    assert est.T_mott_1pct_K == pytest.approx(T1 * est.m_alpha2_K, rel=1e-14)
    # same order as the paper's "the Mott relation holds up to T / m alpha^2 = 0.01"
    assert 0.002 < T1 < 0.02


def test_table(est):
    text = format_table(est)
    assert "paper" in text and "2.3e+03" in text and "M_x / mu_B" in text


def _run(argv):
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_cli_json(est):
    proc = _run(["-m", "symgrav", "bitei", "--json"])
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    for key in KEYS + ("M_over_muB_full", "T_mott_1pct_K", "T_mott_1pct_over_m_alpha2"):
        assert isinstance(data[key], float), key
        assert math.isfinite(data[key])
        assert data[key] == pytest.approx(getattr(est, key), rel=1e-12), key


def test_cli_table_and_error():
    proc = _run(["-m", "symgrav", "bitei"])
    assert proc.returncode == 0, proc.stderr
    assert "paper" in proc.stdout and "m alpha^2 (K)" in proc.stdout
    bad = _run(["-m", "symgrav", "bitei", "--dps", "3"])
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == ["symgrav: error: --dps must be an integer "
                                               ">= 15; got 3"]


def test_example_runs():
    proc = _run([os.path.join("examples", "bitei_estimate.py")])
    assert proc.returncode == 0, proc.stderr
    assert "M_x / mu_B" in proc.stdout and "2.3e+03" in proc.stdout
