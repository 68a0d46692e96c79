"""LaTeX output (symgrav.symbolic.printing) and the atomic writer (symgrav.fileio).

The exact strings below were checked against the paper: below Eq. (22),
Omega_{x+-}^x = -+ hbar^2 alpha b / 4 Delta^3 and m_{x+-}^x = hbar^2 alpha b / 4 Delta^2,
so the lower band "-" carries +hbar^2 alpha b / 4 Delta^3.  The values are also
checked against an independent numerical sum over states of Eqs. (8b), (8c).
"""

import os
import re
import shutil
import subprocess
import warnings

import numpy as np
import pytest
import sympy as sp
from sympy.printing.latex import LatexPrinter

import symgrav
from symgrav import fileio
from symgrav.fileio import write_text_atomic
from symgrav.symbolic.model import AXES, PAULI
from symgrav.symbolic.printing import SymgravLatexPrinter, derivation_sheet, escape_text, latex
from symgrav.symbolic.results import BandResult

px, py = sp.symbols("p_x p_y", real=True)
alpha, b, m, hbar = sp.symbols("alpha b m hbar", positive=True)
DELTA = r"\Delta \equiv \sqrt{\alpha^{2} p_{x}^{2} + \alpha^{2} p_{y}^{2} + b^{2}}"
EXPLICIT = r"\left(\alpha^{2} p_{x}^{2} + \alpha^{2} p_{y}^{2} + b^{2}\right)"


@pytest.fixture(scope="module")
def rashba():
    sx, sy, sz = PAULI
    H = (px**2 + py**2) / (2 * m) * sp.eye(2) + alpha * (py * sx - px * sy) + b * sz
    return symgrav.Model(H, (px, py), hbar=hbar, name="rashba")


# -- an independent numerical sum over states of Eqs. (8b) and (8c) ----------------

POINT = {px: 0.37, py: -0.81, alpha: 1.3, b: 0.7, m: 0.9, hbar: 1.1}


def _numeric_geometry(model, a, i, point):
    """Omega_{an}^i and m_{an}^i of every band from numpy eigenvectors."""
    H = np.array(model.H.subs(point).evalf(), dtype=complex)
    v = np.array(model.H.diff(model.momenta[AXES.index(i)]).subs(point).evalf(),
                 dtype=complex)
    s = np.array(model.spin[AXES.index(a)].subs(point).evalf(), dtype=complex)
    hb = float(model.hbar.subs(point))
    eps, U = np.linalg.eigh(H)
    vv, ss = U.conj().T @ v @ U, U.conj().T @ s @ U
    omega, moment = [], []
    for n in range(len(eps)):
        x8b = sum(vv[n, k] * ss[k, n] / (eps[n] - eps[k]) ** 2 for k in range(len(eps)) if k != n)
        x8c = sum(vv[n, k] * ss[k, n] / (eps[n] - eps[k]) for k in range(len(eps)) if k != n)
        omega.append((1j * hb * x8b + np.conj(1j * hb * x8b)).real)  # Eq. (8b)
        moment.append((-0.5j * hb * x8c + np.conj(-0.5j * hb * x8c)).real)  # Eq. (8c)
    return omega, moment


def _value(res, band, point):
    expr = res.compact[band].xreplace(res.definitions)
    return float(expr.subs(point))


@pytest.mark.parametrize("a, i", [(a, i) for a in AXES for i in "xy"])
def test_printed_values_match_sum_over_states(rashba, a, i):
    om, mm = _numeric_geometry(rashba, a, i, POINT)
    res_o = symgrav.spin_berry_curvature(rashba, a, i)
    res_m = symgrav.spin_magnetic_moment(rashba, a, i)
    for n in range(2):
        assert _value(res_o, n, POINT) == pytest.approx(om[n], abs=1e-12)
        assert _value(res_m, n, POINT) == pytest.approx(mm[n], abs=1e-12)


# -- exact strings ------------------------------------------------------------------

def test_omega_xx_exact(rashba):
    res = symgrav.spin_berry_curvature(rashba, "x", "x")
    assert latex(res) == (
        r"\Omega^{x}_{x,-} = \frac{\alpha b \hbar^{2}}{4 \Delta^{3}},\quad "
        r"\Omega^{x}_{x,+} = - \frac{\alpha b \hbar^{2}}{4 \Delta^{3}},\quad " + DELTA)
    assert latex(res, definitions=False) == (
        r"\Omega^{x}_{x,-} = \frac{\alpha b \hbar^{2}}{4 \Delta^{3}},\quad "
        r"\Omega^{x}_{x,+} = - \frac{\alpha b \hbar^{2}}{4 \Delta^{3}}")
    assert latex(res, compact=False) == (
        r"\Omega^{x}_{x,-} = \frac{\alpha b \hbar^{2}}{4 " + EXPLICIT + r"^{\frac{3}{2}}},\quad "
        r"\Omega^{x}_{x,+} = - \frac{\alpha b \hbar^{2}}{4 " + EXPLICIT + r"^{\frac{3}{2}}}")


def test_omega_yy_equals_xx_as_in_paper(rashba):
    res = symgrav.spin_berry_curvature(rashba, "y", "y")
    assert latex(res, definitions=False) == (
        r"\Omega^{y}_{y,-} = \frac{\alpha b \hbar^{2}}{4 \Delta^{3}},\quad "
        r"\Omega^{y}_{y,+} = - \frac{\alpha b \hbar^{2}}{4 \Delta^{3}}")


def test_m_xx_exact(rashba):
    res = symgrav.spin_magnetic_moment(rashba, "x", "x")
    assert latex(res) == (
        r"m^{x}_{x,-} = \frac{\alpha b \hbar^{2}}{4 \Delta^{2}},\quad "
        r"m^{x}_{x,+} = \frac{\alpha b \hbar^{2}}{4 \Delta^{2}},\quad " + DELTA)
    assert latex(res, compact=False) == (
        r"m^{x}_{x,-} = \frac{\alpha b \hbar^{2}}{4 " + EXPLICIT + r"},\quad "
        r"m^{x}_{x,+} = \frac{\alpha b \hbar^{2}}{4 " + EXPLICIT + "}")


def test_zero_component_has_no_definitions(rashba):
    res = symgrav.spin_berry_curvature(rashba, "x", "y")
    assert latex(res) == r"\Omega^{y}_{x,-} = 0,\quad \Omega^{y}_{x,+} = 0"


def test_bands_exact(rashba):
    res = symgrav.bands(rashba)
    assert latex(res) == (
        r"\epsilon_{-} = - \Delta + \frac{p_{x}^{2}}{2 m} + \frac{p_{y}^{2}}{2 m},\quad "
        r"\epsilon_{+} = \Delta + \frac{p_{x}^{2}}{2 m} + \frac{p_{y}^{2}}{2 m},\quad " + DELTA)


def test_parameter_space_exact(rashba):
    om = symgrav.berry_curvature(rashba, "x", "y")
    mm = symgrav.magnetic_moment(rashba, "x", "y")
    assert latex(om, definitions=False) == (
        r"\Omega_{-;p_{x} p_{y}} = \frac{\alpha^{2} b \hbar^{2}}{2 \Delta^{3}},\quad "
        r"\Omega_{+;p_{x} p_{y}} = - \frac{\alpha^{2} b \hbar^{2}}{2 \Delta^{3}}")
    assert latex(mm) == (
        r"m_{-;p_{x} p_{y}} = \frac{\alpha^{2} b \hbar^{2}}{2 \Delta^{2}},\quad "
        r"m_{+;p_{x} p_{y}} = \frac{\alpha^{2} b \hbar^{2}}{2 \Delta^{2}},\quad " + DELTA)


def test_repr_latex(rashba):
    res = symgrav.spin_magnetic_moment(rashba, "y", "y")
    assert res._repr_latex_() == (
        r"$\displaystyle m^{y}_{y,-} = \frac{\alpha b \hbar^{2}}{4 \Delta^{2}},\quad "
        r"m^{y}_{y,+} = \frac{\alpha b \hbar^{2}}{4 \Delta^{2}},\quad " + DELTA + "$")


def test_definitions_sorted_and_only_when_used():
    A, B, x = sp.Symbol("A", positive=True), sp.Symbol("B", positive=True), sp.Symbol("x")
    res = BandResult([x, x], quantity="energy", compact=[B, A],
                     definitions={B: x + 1, A: x + 2, sp.Symbol("C"): x})
    expected = (r"\epsilon_{-} = B,\quad \epsilon_{+} = A,\quad "
                r"A \equiv x + 2,\quad B \equiv x + 1")
    assert latex(res) == expected
    # deterministic: the same string whatever the insertion order of the definitions
    shuffled = BandResult([x, x], quantity="energy", compact=[B, A],
                          definitions={sp.Symbol("C"): x, A: x + 2, B: x + 1})
    assert latex(shuffled) == expected


def test_many_band_labels_and_unknown_quantity():
    x = sp.Symbol("x")
    assert latex(BandResult([x, 2 * x, 3 * x], quantity="energy")) == (
        r"\epsilon_{0} = x,\quad \epsilon_{1} = 2 x,\quad \epsilon_{2} = 3 x")
    assert latex(BandResult([x], quantity="weird_q")) == r"\mathrm{weird\_q}_{0} = x"


def test_plain_sympy_objects():
    assert latex(hbar) == r"\hbar"
    assert latex(sp.Symbol("Delta", positive=True)) == r"\Delta"
    assert latex(px) == "p_{x}"
    assert latex(hbar / 2 * PAULI[0]) == (
        r"\left(\begin{matrix}0 & \frac{\hbar}{2}\\\frac{\hbar}{2} & 0\end{matrix}\right)")
    assert latex(sp.sqrt(alpha), root_notation=False) == r"\alpha^{\frac{1}{2}}"
    assert isinstance(SymgravLatexPrinter(), LatexPrinter)


def test_hostile_symbol_names_are_escaped():
    assert latex(sp.Symbol(r"a}\input{x")) == r"\mathrm{a\}\textbackslash{}input\{x}"
    assert escape_text("50% & $x_1$\n#~^") == (
        r"50\% \& \$x\_1\$ \#\textasciitilde{}\textasciicircum{}")


def test_unicode_names_stay_ascii_latex():
    assert latex(sp.Symbol("\u03b1_R")) == r"\alpha_{R}"
    assert latex(sp.Symbol("\u039b")) == r"\Lambda"
    assert latex(sp.Symbol("\u0391")) == r"\mathrm{[U+0391]}"  # no \Alpha in LaTeX
    assert escape_text("evil\x1b[2J \u03b1 \u00e9") == r"evil[2J \ensuremath{\alpha} [U+00E9]"
    assert all(ord(ch) < 128 for ch in escape_text("\u03c9\u2211\U0001f600"))


def test_model_latex(rashba):
    assert latex(rashba).startswith(r"\mathcal{H}(p_{x}, p_{y}) = \left(\begin{matrix}b + ")


# -- the derivation sheet -----------------------------------------------------------

def _strip_escapes(tex):
    return re.sub(r"\\[{}]", "", tex)


def assert_balanced(tex):
    """Braces balance and \\begin/\\end pair up (escaped braces do not count)."""
    depth = 0
    for ch in _strip_escapes(tex):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{([^}]*)\}", tex):
        if kind == "begin":
            stack.append(env)
        else:
            assert stack and stack.pop() == env
    assert stack == []
    assert tex.count(r"\[") == tex.count(r"\]")
    assert tex.count("$") % 2 == 0 or r"\$" in tex


def test_sheet_rashba(rashba):
    tex = derivation_sheet(rashba)
    assert tex.startswith("\\documentclass{article}\n\\usepackage{amsmath}\n")
    assert "\\begin{document}" in tex and tex.endswith("\\end{document}\n")
    assert_balanced(tex)
    for piece in ("Shitade", "Daido", "Yanase", "Eq.~(8b)", "Eq.~(8c)", "Eq.~(22)",
                  r"\Delta &\equiv \sqrt{\alpha^{2} p_{x}^{2} + \alpha^{2} p_{y}^{2} + b^{2}}",
                  r"\epsilon_{-} &= - \Delta + \frac{p_{x}^{2}}{2 m} + \frac{p_{y}^{2}}{2 m}",
                  r"\Omega^{x}_{x,-} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{3}}",
                  r"\Omega^{x}_{x,+} &= - \frac{\alpha b \hbar^{2}}{4 \Delta^{3}}",
                  r"m^{y}_{y,+} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{2}}",
                  r"\Omega^{x}_{z,-} &= - \frac{\alpha^{2} \hbar^{2} p_{y}}{4 \Delta^{3}}",
                  r"m^{y}_{z,-} &= \frac{\alpha^{2} \hbar^{2} p_{x}}{4 \Delta^{2}}",
                  r"All other components vanish identically for every band: "
                  r"$(a, i) \in \{(x, y), (y, x)\}$."):
        assert piece in tex, piece
    assert tex.count("All other components vanish") == 2
    # deterministic order: a in (x, y, z), then i in (x, y), bands ascending; written out
    assert SHEET_OMEGA in tex and SHEET_MOMENT in tex


SHEET_OMEGA = "\n".join([
    r"\begin{align*}",
    r"\Omega^{x}_{x,-} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{3}} \\",
    r"\Omega^{x}_{x,+} &= - \frac{\alpha b \hbar^{2}}{4 \Delta^{3}} \\",
    r"\Omega^{y}_{y,-} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{3}} \\",
    r"\Omega^{y}_{y,+} &= - \frac{\alpha b \hbar^{2}}{4 \Delta^{3}} \\",
    r"\Omega^{x}_{z,-} &= - \frac{\alpha^{2} \hbar^{2} p_{y}}{4 \Delta^{3}} \\",
    r"\Omega^{x}_{z,+} &= \frac{\alpha^{2} \hbar^{2} p_{y}}{4 \Delta^{3}} \\",
    r"\Omega^{y}_{z,-} &= \frac{\alpha^{2} \hbar^{2} p_{x}}{4 \Delta^{3}} \\",
    r"\Omega^{y}_{z,+} &= - \frac{\alpha^{2} \hbar^{2} p_{x}}{4 \Delta^{3}}",
    r"\end{align*}"])
SHEET_MOMENT = "\n".join([
    r"\begin{align*}",
    r"m^{x}_{x,-} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{2}} \\",
    r"m^{x}_{x,+} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{2}} \\",
    r"m^{y}_{y,-} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{2}} \\",
    r"m^{y}_{y,+} &= \frac{\alpha b \hbar^{2}}{4 \Delta^{2}} \\",
    r"m^{x}_{z,-} &= - \frac{\alpha^{2} \hbar^{2} p_{y}}{4 \Delta^{2}} \\",
    r"m^{x}_{z,+} &= - \frac{\alpha^{2} \hbar^{2} p_{y}}{4 \Delta^{2}} \\",
    r"m^{y}_{z,-} &= \frac{\alpha^{2} \hbar^{2} p_{x}}{4 \Delta^{2}} \\",
    r"m^{y}_{z,+} &= \frac{\alpha^{2} \hbar^{2} p_{x}}{4 \Delta^{2}}",
    r"\end{align*}"])


def test_sheet_lists_exactly_the_numerically_nonzero_components(rashba):
    tex = derivation_sheet(rashba)
    printed = set(re.findall(r"^(\\Omega|m)\^\{(\w)\}_\{(\w),([-+])\} &=", tex, re.M))
    expected = set()
    for a in AXES:
        for i in "xy":
            om, mm = _numeric_geometry(rashba, a, i, POINT)
            for n, label in enumerate("-+"):
                if abs(om[n]) > 1e-12:
                    expected.add((r"\Omega", i, a, label))
                if abs(mm[n]) > 1e-12:
                    expected.add(("m", i, a, label))
    assert printed == expected
    assert len(printed) == 16


def test_sheet_without_closed_form_says_so():
    k, t, u = sp.symbols("k_x t u", real=True)
    H = sp.Matrix([[sp.cos(k), t, 0], [t, 0, u], [0, u, -sp.cos(k)]])
    model = symgrav.Model(H, (k,), spin=[sp.eye(3)] * 3, lattice=True,
                          name=r"evil}\input{/etc/passwd}")
    tex = derivation_sheet(model)
    assert_balanced(tex)
    assert tex.count("No closed form: H has a coupled block of size 3") == 3
    assert r"\input{/etc" not in tex
    assert r"\texttt{evil\}\textbackslash{}input\{/etc/passwd\}}" in tex


def test_sheet_block_model_notes_band_order():
    k = sp.Symbol("k", real=True)
    H = sp.diag(sp.Matrix([[b, alpha * k], [alpha * k, -b]]), sp.Matrix([[2 * b, 0], [0, -2 * b]]))
    model = symgrav.Model(H, (k,), spin=[sp.diag(s, s) for s in PAULI], name="blocks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tex = derivation_sheet(model)
    assert_balanced(tex)
    assert "could not be established symbolically" in tex
    assert r"\Omega^{x}_{y,0} &= " in tex and r"\Omega^{x}_{y,3} &= 0" in tex


def test_sheet_rejects_non_model():
    with pytest.raises(symgrav.SymgravError, match="expected a symgrav.Model"):
        derivation_sheet("rashba")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_sheet_compiles(rashba, tmp_path):
    (tmp_path / "sheet.tex").write_text(derivation_sheet(rashba))
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           "-no-shell-escape", "sheet.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "sheet.pdf").exists()


# -- atomic writer ------------------------------------------------------------------

def _leftovers(directory, keep):
    return sorted(set(os.listdir(directory)) - set(keep))


def test_atomic_write_new_and_replace(tmp_path):
    target = tmp_path / "out.tex"
    write_text_atomic(target, "first\n")
    assert target.read_text() == "first\n"
    os.chmod(target, 0o640)
    write_text_atomic(str(target), "second \u03a9\n")
    assert target.read_text(encoding="utf-8") == "second \u03a9\n"
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert _leftovers(tmp_path, ["out.tex"]) == []


def test_atomic_write_failure_mid_write_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.tex"
    target.write_text("old content\n")
    real_fdopen = os.fdopen

    class HalfWriter:
        """A file that writes half of the text and then runs out of disk space."""

        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, text):
            self.fh.write(text[: len(text) // 2])
            self.fh.flush()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "fdopen", lambda *a, **k: HalfWriter(real_fdopen(*a, **k)))
    with pytest.raises(OSError, match="No space left"):
        write_text_atomic(target, "new content " * 1000)
    assert target.read_text() == "old content\n"
    assert _leftovers(tmp_path, ["out.tex"]) == []


@pytest.mark.parametrize("where, exc", [("fsync", OSError("disk gone")),
                                        ("replace", KeyboardInterrupt())])
def test_atomic_write_failure_before_rename(tmp_path, monkeypatch, where, exc):
    target = tmp_path / "out.tex"
    target.write_text("old content\n")

    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(fileio.os, where, boom)
    with pytest.raises(type(exc)):
        write_text_atomic(target, "new content\n")
    monkeypatch.undo()
    assert target.read_text() == "old content\n"
    assert _leftovers(tmp_path, ["out.tex"]) == []


def test_atomic_write_unencodable_text_keeps_old_file(tmp_path):
    target = tmp_path / "out.tex"
    target.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, "x" * 100000 + "\ud800")
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path, ["out.tex"]) == []


def test_atomic_write_follows_symlink_and_reports_missing_dir(tmp_path):
    real = tmp_path / "real.tex"
    real.write_text("old\n")
    link = tmp_path / "link.tex"
    link.symlink_to(real)
    write_text_atomic(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"
    with pytest.raises(OSError):
        write_text_atomic(tmp_path / "missing" / "out.tex", "x")
    with pytest.raises(IsADirectoryError):
        write_text_atomic(tmp_path, "x")
    assert sorted(os.listdir(tmp_path)) == ["link.tex", "real.tex"]
