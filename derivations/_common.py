"""Shared helpers for the derivation scripts in this directory.

Every script ``derivations/<x>_*.py`` re-derives one statement of the paper
(Shitade, Daido, Yanase, "Theory of spin magnetic quadrupole moment and
temperature-gradient-induced magnetization"), asserts it, prints a short
summary and writes a LaTeX fragment ``<script stem>.tex`` to an output
directory (default ``derivations/out/``, ``--out DIR`` to override).

This module only needs SymPy.  It uses ``symgrav.printing.latex`` and
``symgrav.fileio.write_text_atomic`` when they exist and falls back to
``sympy.latex`` and a local temp-file + ``os.replace`` writer otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import sympy as sp

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out"

# --------------------------------------------------------------------------
# LaTeX printing: symgrav.printing.latex if available, sympy.latex otherwise.
# --------------------------------------------------------------------------
try:  # pragma: no cover - depends on what the package currently ships
    from symgrav.printing import latex as _symgrav_latex
except Exception:  # ImportError, or a half-written module elsewhere in the tree
    _symgrav_latex = None


def _sympy_latex(obj):
    if isinstance(obj, str):
        return obj
    if isinstance(obj, (tuple, list)):
        return r"\left(" + r",\ ".join(_sympy_latex(o) for o in obj) + r"\right)"
    return sp.latex(obj)


def latex(obj):
    """LaTeX of a SymPy object or of a tuple of them (a string is returned as is)."""
    if isinstance(obj, str):
        return obj
    if _symgrav_latex is not None:
        try:
            return _symgrav_latex(obj)
        except Exception as exc:  # keep the derivation usable; say why
            print(f"[_common] symgrav.printing.latex failed on {type(obj).__name__} "
                  f"({exc!r}); using sympy.latex", file=sys.stderr)
    return _sympy_latex(obj)


# --------------------------------------------------------------------------
# Atomic file writing.
# --------------------------------------------------------------------------
try:  # pragma: no cover
    from symgrav.fileio import write_text_atomic as _symgrav_write
except Exception:
    _symgrav_write = None


def _write_text_atomic_local(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp",
                               dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the mode a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def write_text_atomic(path, text):
    """Write ``text`` to ``path`` atomically (temp file in the same dir + os.replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _symgrav_write is not None:
        try:
            _symgrav_write(path, text)
            return path
        except Exception as exc:
            print(f"[_common] symgrav.fileio.write_text_atomic failed ({exc!r}); "
                  "using the local writer", file=sys.stderr)
    return _write_text_atomic_local(path, text)


# --------------------------------------------------------------------------
# Command line and checks.
# --------------------------------------------------------------------------
def parse_args(argv, description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default=str(DEFAULT_OUT),
                        help="output directory for the LaTeX file (default: %(default)s)")
    return parser.parse_args(argv)


def is_zero(expr, simplifier=sp.simplify):
    """True when ``expr`` simplifies to exactly zero."""
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    return simplifier(expr) == 0


class Derivation:
    """Collects checked statements, prints them and writes a LaTeX fragment.

    ``check(text, condition)`` raises AssertionError when the condition is
    false, so a script exits non-zero on the first failed statement.
    """

    def __init__(self, script_file, title, statement):
        self.stem = Path(script_file).stem
        self.title = title
        self.statement = statement
        self.lines = []       # LaTeX body lines
        self.n_checks = 0
        self.t0 = time.perf_counter()
        print(f"== {self.stem}: {title}")
        print(f"   paper: {statement}")

    # -- checks -----------------------------------------------------------
    def check(self, text, condition, detail=""):
        self.n_checks += 1
        if not bool(condition):
            msg = f"FAILED: {text}" + (f"\n  {detail}" if detail else "")
            print("   " + msg, file=sys.stderr)
            raise AssertionError(msg)
        print(f"   ok  {text}")

    def check_zero(self, text, expr, simplifier=sp.simplify):
        expr = sp.sympify(expr)
        red = expr if expr == 0 else simplifier(expr)
        self.check(text, red == 0, detail=f"residual: {red}")

    def check_equal(self, text, lhs, rhs, simplifier=sp.simplify):
        self.check_zero(text, sp.sympify(lhs) - sp.sympify(rhs), simplifier)

    # -- LaTeX ------------------------------------------------------------
    def note(self, text):
        """A line of prose (LaTeX text mode)."""
        self.lines.append(text + "\n")

    def equation(self, lhs, rhs=None, comment=""):
        """Display equation lhs = rhs (each a SymPy object or a LaTeX string)."""
        body = latex(lhs) if rhs is None else f"{latex(lhs)} = {latex(rhs)}"
        if comment:
            self.lines.append(f"% {comment}")
        self.lines.append(r"\begin{equation*}" + "\n  " + body + "\n" + r"\end{equation*}")

    def band_equation(self, lhs, result, comment=""):
        """A band-resolved toolkit result (a BandResult or a tuple of expressions).

        symgrav.printing.latex labels BandResults itself (lhs unused then); the
        sympy fallback prints ``lhs = (value_-, value_+)`` from the compact form.
        """
        if _symgrav_latex is not None and hasattr(result, "quantity"):
            try:
                body = _symgrav_latex(result)
            except Exception as exc:
                print(f"[_common] symgrav.printing.latex failed ({exc!r}); using sympy.latex",
                      file=sys.stderr)
            else:
                if comment:
                    self.lines.append(f"% {comment}")
                self.lines.append(r"\begin{equation*}" + "\n  " + body + "\n"
                                  + r"\end{equation*}")
                return
        values = tuple(getattr(result, "compact", result))
        defs = getattr(result, "definitions", {}) or {}
        rhs = _sympy_latex(values)
        if defs:
            rhs += r",\quad " + r",\ ".join(f"{sp.latex(k)} \\equiv {sp.latex(v)}"
                                           for k, v in defs.items())
        self.equation(lhs, rhs, comment)

    def info(self, text):
        print(f"   {text}")

    def write(self, out_dir):
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        head = [
            f"% Generated by derivations/{self.stem}.py -- do not edit.",
            f"% Paper statement: {self.statement}",
            f"% {self.n_checks} statements checked with SymPy.",
            r"\subsection*{" + self.title + "}",
            "",
        ]
        text = "\n".join(head + self.lines) + "\n"
        path = write_text_atomic(out_dir / f"{self.stem}.tex", text)
        dt = time.perf_counter() - self.t0
        print(f"   {self.n_checks} checks passed in {dt:.2f} s; LaTeX -> {path}")
        return path
