r"""LaTeX output of symgrav results, following SymPy's ``physics/vector/printing.py``.

:func:`latex` is the thin wrapper around
:class:`~symgrav.symbolic.latex_printer.SymgravLatexPrinter` (a
:class:`sympy.printing.latex.LatexPrinter` that also knows
:class:`~symgrav.symbolic.results.BandResult` and
:class:`~symgrav.symbolic.model.Model`; its module docstring gives the
format), :func:`geometry_components` collects every component of Eqs. (8b)
and (8c) and :func:`derivation_sheet` writes a whole standalone LaTeX
document for a model.
"""

from __future__ import annotations

import random

import sympy as sp

from ..errors import SymgravError
from ..version import __version__
from .budget import time_limit
from .closed_form_sheet import closed_form_section
from .geometry import bands, spin_berry_curvature, spin_magnetic_moment
from .latex_printer import SymgravLatexPrinter, escape_text
from .model import AXES, Model
from .modelfile import is_paper_model

__all__ = ["SymgravLatexPrinter", "latex", "derivation_sheet", "geometry_components",
           "escape_text"]

PAPER = ("A.~Shitade, A.~Daido and Y.~Yanase, ``Theory of spin magnetic quadrupole "
         "moment and temperature-gradient-induced magnetization''")


def latex(obj, compact=True, *, definitions=True, **settings):
    r"""LaTeX string of a symgrav result or of any SymPy object.

    Parameters
    ----------
    obj : BandResult, Model or sympy object
        A result of :func:`symgrav.spin_berry_curvature` (Eq. 8b),
        :func:`symgrav.spin_magnetic_moment` (Eq. 8c),
        :func:`symgrav.berry_curvature` (Eq. 24a),
        :func:`symgrav.magnetic_moment` (Eq. 24b), :func:`symgrav.bands`,
        a :class:`~symgrav.Model`, or anything SymPy can print.
    compact : bool, optional
        Print a BandResult with its abbreviations (``Delta``) rather than the
        explicit values.
    definitions : bool, optional
        With ``compact=True``, append the abbreviations that occur, as
        ``\Delta \equiv \sqrt{...}``.
    **settings
        Any setting of :class:`sympy.printing.latex.LatexPrinter`.

    Returns
    -------
    str
        Math-mode LaTeX without delimiters, in the format of
        :mod:`symgrav.symbolic.latex_printer` (``\Omega^{x}_{x,-} = \frac{\alpha b \hbar^{2}}{4 \Delta^{3}},...``).
    """
    return SymgravLatexPrinter(dict(settings, compact=compact,
                                    definitions=definitions)).doprint(obj)


def geometry_components(model, components=None):
    """Every requested component of Eqs. (8b) and (8c) for a model.

    Parameters
    ----------
    model : Model
    components : iterable of (a, i), optional
        Spin component ``a`` and momentum axis ``i``; default every ``a`` in
        x, y, z and every ``i`` among the model's ``model.dim`` axes.

    Returns
    -------
    dict
        ``{"Omega": [...], "m": [...]}``, each a list of
        ``(a, i, BandResult, is_zero)`` in the order of ``components``.

    Raises
    ------
    SymgravError
        No closed form (a coupled block larger than 2x2), or no such component.
    """
    if components is None:
        components = [(a, i) for a in AXES for i in AXES[:model.dim]]
    out = {"Omega": [], "m": []}
    for a, i in components:
        for key, func in (("Omega", spin_berry_curvature), ("m", spin_magnetic_moment)):
            res = func(model, a, i)
            out[key].append((res.a, res.i, res, _vanishes(res)))
    return out


def _vanishes(result, trials=2):
    """True when every band value of ``result`` is identically zero.

    A nonzero value at a seeded random real point (30 digits) proves it nonzero
    without ``simplify`` (slow for trigonometric lattice models); only values
    that vanish at every sample are simplified (:attr:`BandResult.is_zero`).
    """
    rng = random.Random(20240310)
    values = [sp.sympify(v) for v in result]
    if all(v == 0 for v in values):
        return True
    symbols = set().union(*(v.free_symbols for v in values))
    for _ in range(trials):  # respect sign and integer assumptions of the symbols
        point = {s: (-1 if s.is_nonpositive else 1)
                 * (sp.Integer(rng.randint(1, 5)) if s.is_integer
                    else sp.Float(rng.uniform(0.3, 1.7), 30))
                 for s in sorted(symbols, key=lambda s: s.name)}
        for v in values:
            try:
                num = complex(sp.N(v.xreplace(point), 30))
            except (TypeError, ValueError, ZeroDivisionError):
                continue
            if num == num and abs(num) > 1e-15:  # num == num rules out nan
                return False
    return result.is_zero


# -- the derivation sheet ---------------------------------------------------

_DEFINITION_8B = (r"\Omega_{an}^{i} \equiv i\hbar \sum_{m(\neq n)} "
                  r"\frac{\langle u_n | v^i | u_m \rangle \langle u_m | s_a | u_n \rangle}"
                  r"{(\epsilon_n - \epsilon_m)^2} + \text{c.c.}")
_DEFINITION_8C = (r"m_{an}^{i} \equiv -\frac{i\hbar}{2} \sum_{m(\neq n)} "
                  r"\frac{\langle u_n | v^i | u_m \rangle \langle u_m | s_a | u_n \rangle}"
                  r"{\epsilon_n - \epsilon_m} + \text{c.c.}")


def _align(lines):
    body = " \\\\\n".join(lines)
    return "\\begin{align*}\n" + body + "\n\\end{align*}"


def _no_closed_form(exc):
    msg = escape_text(str(exc)).rstrip(".") or "no closed form"
    return msg[0].upper() + msg[1:] + "."


def _provably_ascending(energies):
    """True when every energy difference eps_{n+1} - eps_n is provably >= 0."""
    try:
        with time_limit("ordering the closed-form band energies (SymPy simplification)"):
            return all(sp.simplify(hi - lo).is_nonnegative
                       for lo, hi in zip(energies, energies[1:]))
    except SymgravError:  # out of time: not proven
        return False


def _geometry_section(printer, title, equation, definition, entries, dim):
    lines = [rf"\section*{{{title}, Eq.~({equation})}}",
             "Definition, Eq.~(%s) of the paper:" % equation,
             "\\begin{equation*}\n" + definition + "\n\\end{equation*}"]
    if isinstance(entries, SymgravError):
        return lines + [_no_closed_form(entries)]
    nonzero = [e for e in entries if not e[3]]
    zero = [e for e in entries if e[3]]
    axes = ", ".join(AXES[:dim])
    if nonzero:
        lines.append(rf"Nonzero components ($a \in \{{x, y, z\}}$, $i \in \{{{axes}\}}$), "
                     "one line per band in ascending energy:")
        rows = []
        for _a, _i, res, _z in nonzero:
            rows += [f"{h} &= {v}" for h, v in printer.band_entries(res, True)]
        lines.append(_align(rows))
    if not zero:
        lines.append("No component vanishes identically.")
    elif not nonzero:
        lines.append(r"Every component ($a \in \{x, y, z\}$, $i \in \{%s\}$) vanishes "
                     "identically for every band." % axes)
    else:
        pairs = ", ".join(f"({a}, {i})" for a, i, _r, _z in zero)
        lines.append(r"All other components vanish identically for every band: "
                     r"$(a, i) \in \{%s\}$." % pairs)
    return lines


def derivation_sheet(model):
    r"""A standalone LaTeX document deriving the band geometry of a model.

    The sheet lists the Hamiltonian, momenta, spin operators, the bands in
    ascending energy with abbreviations such as :math:`\Delta = |d|` for two
    bands, every nonzero component of the
    spin-velocity Berry curvature :math:`\Omega_{an}^i` (Eq. 8b) and of the
    spin magnetic moment :math:`m_{an}^i` (Eq. 8c) for ``a`` in x, y, z and
    ``i`` among the model's momentum axes, and which components vanish.  It
    cites Shitade, Daido and Yanase and uses only ``article`` and
    ``amsmath``.  Remarks about the paper's Rashba ferromagnet (Eq. 22)
    appear only for that model
    (:func:`~symgrav.symbolic.modelfile.is_paper_model`).  When a model
    has no closed form (a coupled block larger
    than 2x2, see :mod:`symgrav.geometry`), the affected sections say so
    instead of failing.  For 1D and isotropic continuum models a last
    section gives alpha (19a) and M (8a) at T = 0 in closed form and the
    Mott coefficients of T beta (20), (21)
    (:func:`~symgrav.symbolic.closed_form_sheet.closed_form_section`).

    Parameters
    ----------
    model : Model

    Returns
    -------
    str
        The LaTeX source, ending with a newline.  Write it with
        :func:`symgrav.fileio.write_text_atomic`.

    Raises
    ------
    SymgravError
        ``model`` is not a :class:`~symgrav.Model`.
    """
    if not isinstance(model, Model):
        raise SymgravError(f"expected a symgrav.Model; got {type(model).__name__}")
    pr = SymgravLatexPrinter({"compact": True, "definitions": False})
    P = pr.doprint
    definitions = {}

    try:
        band_res = bands(model)
        definitions.update(band_res.definitions)
    except SymgravError as exc:
        band_res = exc
    try:
        geo = geometry_components(model)
        for entries in geo.values():
            for _a, _i, res, _z in entries:
                definitions.update(res.definitions)
        omega, moment = geo["Omega"], geo["m"]
    except SymgravError as exc:
        omega = moment = exc

    kind = "lattice, $[-\\pi, \\pi)^{%d}$" % model.dim if model.lattice else "continuum"
    params = ", ".join(f"${P(s)}$" for s in model.parameters) or "none"
    hbar = P(model.hbar)
    hbar = r"$\hbar$ symbolic" if hbar == r"\hbar" else rf"$\hbar = {hbar}$"
    out = [
        r"\documentclass{article}",
        r"\usepackage{amsmath}",
        r"\allowdisplaybreaks\setcounter{MaxMatrixCols}{%d}" % max(10, model.N),
        r"\title{Derivation sheet: \texttt{%s}}" % escape_text(model.name),
        r"\author{generated by symgrav %s}" % escape_text(__version__),
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        "",
        r"Band geometry of spin responses following " + PAPER + ". Equation numbers "
        "refer to that paper. Bands $n$ are in ascending energy; for two bands the "
        "labels $-$, $+$ denote the lower and the upper band.",
        "",
        r"\section*{Model}",
        "Momenta %s (%s, $d = %d$); %s; parameters %s."
        % (", ".join(f"${P(p)}$" for p in model.momenta), kind, model.dim, hbar, params),
        "\\begin{equation*}\n" + P(model) + "\n\\end{equation*}",
        "Spin operators:",
        _align([f"s_{{{a}}} &= {P(s)}" for a, s in zip(AXES, model.spin)]),
        "",
        r"\section*{Bands}",
    ]
    if isinstance(band_res, SymgravError):
        out.append(_no_closed_form(band_res))
    else:
        where = (" (the Rashba ferromagnet of Eq.~(22); compare the text below it)"
                 if is_paper_model(model) else "")
        out += [f"Band energies in ascending order{where}:",
                _align([f"{h} &= {v}" for h, v in pr.band_entries(band_res, True)])]
        if model.N > 2 and not _provably_ascending(list(band_res)):
            out.append("The energy order of these bands could not be established "
                       "symbolically (bands of different blocks may cross); they are listed "
                       "block by block, each block in ascending energy, as indexed below.")
    if definitions:
        out.append("Abbreviations:")
        out.append(_align([rf"{P(s)} &\equiv {P(v)}"
                           for s, v in sorted(definitions.items(), key=lambda kv: kv[0].name)]))
    for title, eq, definition, entries in (
            ("Spin-velocity Berry curvature", "8b", _DEFINITION_8B, omega),
            ("Spin magnetic moment", "8c", _DEFINITION_8C, moment)):
        out += [""] + _geometry_section(pr, title, eq, definition, entries, model.dim)
    if not isinstance(omega, SymgravError):
        nonzero = [(a, i) for a, i, _r, zero in omega if not zero]
        section = closed_form_section(model, nonzero, pr)
        out += [""] + section if section else []
    out += ["", r"\end{document}", ""]
    return "\n".join(out)
