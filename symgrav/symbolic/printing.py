r"""LaTeX output of symgrav results, following SymPy's ``physics/vector/printing.py``.

:class:`SymgravLatexPrinter` is a :class:`sympy.printing.latex.LatexPrinter`
that also knows :class:`~symgrav.results.BandResult` and
:class:`~symgrav.model.Model`; :func:`latex` is the thin wrapper around it and
:func:`derivation_sheet` writes a whole standalone LaTeX document for a model.

Format of a :class:`BandResult`: one ``head = value`` per band (ascending
energy, labels ``-``, ``+`` for two bands, else ``0, 1, ...``) joined by
``,\quad ``, with heads ``\Omega^{i}_{a,n}`` (Eq. 8b), ``m^{i}_{a,n}`` (Eq. 8c),
``\epsilon_{n}`` (bands), ``\Omega_{n;l1 l2}`` (Eq. 24a), ``m_{n;l1 l2}``
(Eq. 24b); superscript ``i`` is the momentum and subscript ``a`` the spin
component, as in the paper's :math:`\Omega_{an}^i`.  ``compact=True`` prints
the values with the result's abbreviations and appends each one that occurs,
sorted by name, as ``,\quad \Delta \equiv \sqrt{...}``; ``compact=False``
prints the explicit values only.  Rashba ``spin_berry_curvature(model, "x",
"x")`` gives (on one line)::

    \Omega^{x}_{x,-} = \frac{\alpha b \hbar^{2}}{4 \Delta^{3}},\quad
    \Omega^{x}_{x,+} = - \frac{\alpha b \hbar^{2}}{4 \Delta^{3}},\quad
    \Delta \equiv \sqrt{\alpha^{2} p_{x}^{2} + \alpha^{2} p_{y}^{2} + b^{2}}
"""

from __future__ import annotations

import random
import re
import unicodedata

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..errors import SymgravError
from .model import AXES, Model
from .results import BandResult

__all__ = ["SymgravLatexPrinter", "latex", "derivation_sheet", "geometry_components",
           "escape_text"]

PAPER = ("A.~Shitade, A.~Daido and Y.~Yanase, ``Theory of spin magnetic quadrupole "
         "moment and temperature-gradient-induced magnetization''")

#: separator between the entries of one printed BandResult
SEPARATOR = r",\quad "

_HEADS = {"Omega": r"\Omega^{{{i}}}_{{{a},{n}}}", "m": "m^{{{i}}}_{{{a},{n}}}",
          "energy": r"\epsilon_{{{n}}}", "Omega_param": r"\Omega_{{{n};{lam}}}",
          "m_param": "m_{{{n};{lam}}}"}

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                "#": r"\#", "%": r"\%", "_": r"\_", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_^' ]*$")


_CAPITAL_GREEK = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
                  "Psi", "Omega"}


def _greek(ch):
    """LaTeX command name of a Greek letter (``"alpha"``, ``"Gamma"``), else None."""
    found = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER (?:FINAL )?([A-Z]+)",
                         unicodedata.name(ch, ""))
    if not found:
        return None
    word = found.group(2).lower().replace("lamda", "lambda")
    if found.group(1) == "CAPITAL":
        word = word.capitalize()
    return word if word in _CAPITAL_GREEK or (word.islower() and word != "omicron") else None


def _tex_char(ch):
    if ch in _TEX_SPECIAL:
        return _TEX_SPECIAL[ch]
    if not ch.isprintable():
        return ""
    if ord(ch) < 128:
        return ch
    cmd = _greek(ch)
    return rf"\ensuremath{{\{cmd}}}" if cmd else f"[U+{ord(ch):04X}]"


def escape_text(text):
    r"""Escape arbitrary text (model names, error messages) for LaTeX text mode.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``\ { } $ & # % _ ~ ^`` escaped, whitespace runs as one space, control
        characters dropped, Greek letters as ``\ensuremath{\alpha}``, other
        non-ASCII as ``[U+XXXX]``: ASCII that cannot inject LaTeX commands.
    """
    return "".join(_tex_char(ch) for ch in " ".join(str(text).split()))


class SymgravLatexPrinter(LatexPrinter):
    r"""LaTeX printer for symgrav results (SymPy's custom-printer pattern).

    Adds to :class:`~sympy.printing.latex.LatexPrinter`

    * ``_print_BandResult``: the band-resolved quantities of Eqs. (8b),
      (8c), (24a), (24b) and the band energies, in the format of the module
      docstring;
    * ``_print_Model``: :math:`\mathcal{H}(p_x, p_y) = (\dots)`, Eq. (22)
      for the Rashba model;
    * symbol names outside ``[A-Za-z0-9_^']`` printed as escaped
      ``\mathrm{...}`` so that a model file cannot inject LaTeX.

    Settings beyond SymPy's: ``compact`` (default True) and ``definitions``
    (default True), see :func:`latex`.  Matrices use round brackets.
    """

    _default_settings = {**LatexPrinter._default_settings, "mat_delim": "(",
                         "compact": True, "definitions": True}

    def _print_Symbol(self, expr, style="plain"):
        if _SAFE_NAME.match(expr.name) or expr in self._settings["symbol_names"]:
            return super()._print_Symbol(expr, style=style)
        ascii_name = "".join(ch if ord(ch) < 128 else _greek(ch) or "{" for ch in expr.name)
        if _SAFE_NAME.match(ascii_name):  # Greek letters: "α_R" prints as \alpha_{R}
            return super()._print_Symbol(sp.Symbol(ascii_name), style=style)
        return r"\mathrm{%s}" % escape_text(expr.name)

    def _band_entries(self, result, compact):
        """(head, value) LaTeX pairs of a BandResult, one per band."""
        q = escape_text(result.quantity).replace("{", "{{").replace("}", "}}")
        head = _HEADS.get(result.quantity, r"\mathrm{{%s}}_{{{n}}}" % q)
        values = result.compact if compact else tuple(result)
        lam = " ".join(self._print(sp.sympify(x)) for x in result.lambdas or ())
        return [(head.format(i=result.i, a=result.a, n=band, lam=lam), self._print(value))
                for band, value in zip(result.labels, values)]

    def _used_definitions(self, result):
        """Abbreviations that occur in the compact values, sorted by name."""
        used = set()
        for value in result.compact:
            used |= sp.sympify(value).free_symbols
        return [(s, result.definitions[s])
                for s in sorted(result.definitions, key=lambda s: s.name) if s in used]

    def _print_BandResult(self, result):
        compact = self._settings["compact"]
        parts = [f"{h} = {v}" for h, v in self._band_entries(result, compact)]
        if compact and self._settings["definitions"]:
            parts += [rf"{self._print(s)} \equiv {self._print(v)}"
                      for s, v in self._used_definitions(result)]
        return SEPARATOR.join(parts)

    def _print_Model(self, model):
        args = ", ".join(self._print(p) for p in model.momenta)
        return rf"\mathcal{{H}}({args}) = " + self._print(model.H)


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
        Math-mode LaTeX without delimiters, in the format of the module
        docstring (``\Omega^{x}_{x,-} = \frac{\alpha b \hbar^{2}}{4 \Delta^{3}},...``).
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
    from .geometry import spin_berry_curvature, spin_magnetic_moment

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
    return all(sp.simplify(hi - lo).is_nonnegative
               for lo, hi in zip(energies, energies[1:]))


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
            rows += [f"{h} &= {v}" for h, v in printer._band_entries(res, True)]
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

    The sheet lists the Hamiltonian (Eq. 22 for the Rashba model), momenta,
    spin operators, the bands in ascending energy with the abbreviation
    :math:`\Delta` (as below Eq. 22), every nonzero component of the
    spin-velocity Berry curvature :math:`\Omega_{an}^i` (Eq. 8b) and of the
    spin magnetic moment :math:`m_{an}^i` (Eq. 8c) for ``a`` in x, y, z and
    ``i`` among the model's momentum axes, and which components vanish.  It
    cites Shitade, Daido and Yanase and uses only ``article`` and
    ``amsmath``.  When a model has no closed form (a coupled block larger
    than 2x2, see :mod:`symgrav.geometry`), the affected sections say so
    instead of failing.

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
    from ..version import __version__
    from .geometry import bands

    if not isinstance(model, Model):
        raise SymgravError(f"expected a symgrav.Model; got {type(model).__name__}")
    pr = SymgravLatexPrinter({"compact": True, "definitions": False})
    P = pr._print
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
        out += ["Band energies in ascending order (for the Rashba model as below Eq.~(22)):",
                _align([f"{h} &= {v}" for h, v in pr._band_entries(band_res, True)])]
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
    out += ["", r"\end{document}", ""]
    return "\n".join(out)
