"""examples/custom_two_band.py runs with its fast settings and reports every check as PASS.

The script's own checks are independent comparisons: the closed forms (8b, 8c)
against a numpy sum over eigenstates, Eq. (18) between the integrals (19b),
(8a) and (20), and the Mott relation (21) between (20) and a Fermi-surface
integral (E1).  Here we also check that a planted wrong value would be caught:
the script exits non-zero when a check fails.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "custom_two_band.py"


def test_custom_two_band_fast(tmp_path):
    tex = tmp_path / "rd.tex"
    proc = subprocess.run([sys.executable, str(SCRIPT), "--fast", "--latex", str(tex)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "all checks PASS" in out
    assert out.count("PASS") == 4 and "FAIL" not in out
    assert "Omega_x^y (8b) = (b*lambda_D/(4*Delta**3), -b*lambda_D/(4*Delta**3))" in out
    text = tex.read_text()
    assert text.startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")


def test_custom_two_band_detects_failure(monkeypatch, capsys):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import custom_two_band as ex
    finally:
        sys.path.pop(0)
    real = ex.sum_over_states

    def wrong(*args):
        omega, moment = real(*args)
        return [1.01 * omega[0], omega[1]], moment

    monkeypatch.setattr(ex, "sum_over_states", wrong)
    monkeypatch.setattr(ex.symgrav, "Susceptibilities", _Stub)
    assert ex.main(["--fast"]) == 1
    assert "FAIL" in capsys.readouterr().out


class _Stub:
    """Stands in for the (slow) Fermi-sea integrals in the failure test."""

    def __init__(self, *args, **kwargs):
        pass

    def evaluate(self, mu, T):
        import mpmath as mp
        return {"alpha": mp.mpf(1), "mqm": mp.mpf(1), "T_beta_kubo": mp.mpf(2),
                "T_beta": mp.mpf(1)}

    def T_beta(self, mu, T):
        import mpmath as mp
        return mp.mpf(1)

    def mott(self, mu, T):
        import mpmath as mp
        return mp.mpf(1)
