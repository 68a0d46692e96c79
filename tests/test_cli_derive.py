"""``symgrav derive``: summary on stdout, atomic LaTeX sheet, one-line errors (exit 2)."""

import os
import subprocess
import sys

import pytest

from symgrav.cli import main
from symgrav.symbolic.modelfile import builtin_models

#: lower band "-" carries +hbar^2 alpha b / 4 Delta^3, below Eq. (22) of the paper
OMEGA_XX = ("  Omega^x_{x,-} = alpha*b*hbar**2/(4*Delta**3)\n"
            "  Omega^x_{x,+} = -alpha*b*hbar**2/(4*Delta**3)\n")
M_XX = ("  m^x_{x,-} = alpha*b*hbar**2/(4*Delta**2)\n"
        "  m^x_{x,+} = alpha*b*hbar**2/(4*Delta**2)\n")

THREE_BAND = """
name = "three_band"
momenta = ["k_x"]
lattice = true
[hamiltonian]
matrix = [["cos(k_x)", "t", "0"], ["t", "0", "u"], ["0", "u", "-cos(k_x)"]]
spin = {x = %s, y = %s, z = %s}
""" % (("[[1, 0, 0], [0, 1, 0], [0, 0, 1]]",) * 3)


def _run_cli(argv):
    return subprocess.run([sys.executable, "-m", "symgrav", *argv], capture_output=True,
                          text=True, timeout=300)


def _assert_one_line_error(status, err):
    assert status == 2
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("symgrav: error: ")


def test_derive_rashba_with_latex(tmp_path, capsys):
    out_tex = tmp_path / "rashba.tex"
    assert main(["derive", "rashba", "--latex", str(out_tex)]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("model: rashba (2x2, continuum, d = 2)\n")
    assert OMEGA_XX in cap.out and M_XX in cap.out
    assert "  Delta = sqrt(alpha**2*p_x**2 + alpha**2*p_y**2 + b**2)\n" in cap.out
    assert "  zero for every band: (a, i) = (x, y), (y, x)\n" in cap.out
    assert cap.err == f"symgrav: wrote derivation sheet {out_tex}\n"
    tex = out_tex.read_text()
    assert tex.startswith("\\documentclass{article}") and "\\begin{document}" in tex
    assert tex.endswith("\\end{document}\n")
    assert r"\Omega^{x}_{x,-} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{3}}" in tex
    assert r"m^{x}_{x,+} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{2}}" in tex
    assert os.listdir(tmp_path) == ["rashba.tex"]


def test_derive_replaces_existing_sheet(tmp_path, capsys):
    out_tex = tmp_path / "sheet.tex"
    out_tex.write_text("old\n")
    assert main(["derive", "rashba", "--latex", str(out_tex)]) == 0
    assert out_tex.read_text().startswith("\\documentclass")
    assert os.listdir(tmp_path) == ["sheet.tex"]


def test_derive_subprocess():
    proc = _run_cli(["derive", "rashba"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert OMEGA_XX in proc.stdout and M_XX in proc.stdout


def test_component_filter(capsys):
    assert main(["derive", "rashba", "--component", "xx", "--component", "z,y"]) == 0
    out = capsys.readouterr().out
    assert OMEGA_XX in out and M_XX in out
    assert "  Omega^y_{z,-} = alpha**2*hbar**2*p_x/(4*Delta**3)\n" in out
    assert "Omega^y_{y" not in out and "m^x_{z" not in out


@pytest.mark.parametrize("component, message", [
    ("q", "--component must be two letters"),
    ("xz", "momentum axis 'z' does not exist in a 2D model"),
])
def test_bad_component(capsys, component, message):
    status = main(["derive", "rashba", "--component", component])
    err = capsys.readouterr().err
    _assert_one_line_error(status, err)
    assert message in err


def test_latex_into_missing_directory(tmp_path, capsys):
    status = main(["derive", "rashba", "--latex", str(tmp_path / "no" / "out.tex")])
    _assert_one_line_error(status, capsys.readouterr().err)
    assert os.listdir(tmp_path) == []


def test_latex_onto_directory(tmp_path, capsys):
    status = main(["derive", "rashba", "--latex", str(tmp_path)])
    err = capsys.readouterr().err
    _assert_one_line_error(status, err)
    assert "Is a directory" in err
    assert os.listdir(tmp_path) == []


HOSTILE = {
    "missing.toml": None,
    "syntax.toml": 'name = "x"\nmomenta = [\n',
    "code.toml": ('momenta = ["p"]\n[hamiltonian]\n'
                  'pauli = {0 = "__import__(\'os\').system(\'touch PWNED\')", z = "p"}\n'),
    "dunder.toml": 'momenta = ["p"]\n[hamiltonian]\npauli = {z = "p.__class__"}\n',
    "multiline.toml": ('momenta = ["p"]\n[hamiltonian]\n'
                       'pauli = {z = """p +\n\n\x1b[31m lambda: 1"""}\n'),
    "power.toml": 'momenta = ["p"]\n[hamiltonian]\npauli = {z = "9**9**9**9"}\n',
    "binary.toml": b"\xff\xfe\x00garbage\x00",
}


@pytest.mark.parametrize("fname", sorted(HOSTILE))
def test_bad_or_hostile_model_file(tmp_path, monkeypatch, capsys, fname):
    monkeypatch.chdir(tmp_path)
    content = HOSTILE[fname]
    if isinstance(content, bytes):
        (tmp_path / fname).write_bytes(content)
    elif content is not None:
        (tmp_path / fname).write_text(content)
    status = main(["derive", str(tmp_path / fname), "--latex", str(tmp_path / "out.tex")])
    cap = capsys.readouterr()
    _assert_one_line_error(status, cap.err)
    assert "\x1b" not in cap.err
    assert cap.out == ""
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "out.tex").exists()


def test_hostile_model_file_subprocess(tmp_path):
    path = tmp_path / "code.toml"
    path.write_text(HOSTILE["code.toml"])
    proc = subprocess.run([sys.executable, "-m", "symgrav", "derive", str(path)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    _assert_one_line_error(proc.returncode, proc.stderr)
    assert not (tmp_path / "PWNED").exists()
    proc = _run_cli(["derive", str(tmp_path / "nope.toml")])
    _assert_one_line_error(proc.returncode, proc.stderr)
    proc = _run_cli(["derive", "no_such_builtin_model"])
    _assert_one_line_error(proc.returncode, proc.stderr)


def test_model_without_closed_form(tmp_path, capsys):
    path = tmp_path / "three.toml"
    path.write_text(THREE_BAND)
    out_tex = tmp_path / "three.tex"
    assert main(["derive", str(path), "--latex", str(out_tex)]) == 0
    out = capsys.readouterr().out
    assert out.count("not available: no closed form: H has a coupled block of size 3") == 3
    assert out_tex.read_text().count("No closed form: H has a coupled block of size 3") == 3
    status = main(["derive", str(path), "--component", "xx"])
    err = capsys.readouterr().err
    _assert_one_line_error(status, err)
    assert "no closed form" in err


@pytest.mark.parametrize("name", builtin_models())
def test_every_builtin_model_derives(tmp_path, capsys, name):
    out_tex = tmp_path / f"{name}.tex"
    assert main(["derive", name, "--latex", str(out_tex)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"model: {name} ")
    assert "Eq. (8b)" in out and "Eq. (8c)" in out
    tex = out_tex.read_text()
    assert "\\begin{document}" in tex and tex.endswith("\\end{document}\n")
