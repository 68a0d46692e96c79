"""Every derivation script in derivations/ runs, asserts its paper statement and writes LaTeX."""

import subprocess
import sys
from pathlib import Path

import pytest

DERIVATIONS = Path(__file__).resolve().parent.parent / "derivations"
SCRIPTS = sorted(DERIVATIONS.glob("[a-f]_*.py"))


def test_there_are_exactly_six_derivations():
    assert [s.name[0] for s in SCRIPTS] == list("abcdef"), [s.name for s in SCRIPTS]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_derivation_script(script, tmp_path):
    out = tmp_path / "out"          # does not exist yet: the script must create it
    proc = subprocess.run([sys.executable, str(script), "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout}\n{proc.stderr}"
    tex = out / f"{script.stem}.tex"
    assert tex.is_file(), f"{script.name} wrote no {tex.name}; files: {list(out.iterdir())}"
    assert tex.read_text(encoding="utf-8").strip(), f"{tex} is empty"
    assert "ok " in proc.stdout        # it printed its checks


def test_run_all_finds_the_same_scripts():
    import importlib.util
    spec = importlib.util.spec_from_file_location("run_all", DERIVATIONS / "run_all.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.scripts() == SCRIPTS
