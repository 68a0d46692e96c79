r"""The LaTeX printer of symgrav: SymPy's ``LatexPrinter`` plus band results and models.

Pure SymPy: this module knows :class:`~symgrav.symbolic.results.BandResult`
and :class:`~symgrav.symbolic.model.Model` only by their class names
(SymPy's ``_print_<Class>`` dispatch) and imports neither, so both can print
themselves through :class:`SymgravLatexPrinter` (``_repr_latex_``).
:func:`symgrav.latex` and the derivation sheet live in
:mod:`symgrav.symbolic.printing`.

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

import re
import unicodedata

import sympy as sp
from sympy.printing.latex import LatexPrinter

__all__ = ["SEPARATOR", "SymgravLatexPrinter", "escape_text"]

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

    Plain text bookkeeping; implements no equation of the paper.

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
    (default True), see :func:`symgrav.latex`.  Matrices use round brackets
    unless the settings give ``mat_delim``.
    """

    def __init__(self, settings=None):
        settings = dict(settings or {})
        self._compact = settings.pop("compact", True)
        self._definitions = settings.pop("definitions", True)
        settings.setdefault("mat_delim", "(")
        super().__init__(settings)

    def _print_Symbol(self, expr, style="plain"):
        if _SAFE_NAME.match(expr.name) or expr in self._settings["symbol_names"]:
            return super()._print_Symbol(expr, style=style)
        ascii_name = "".join(ch if ord(ch) < 128 else _greek(ch) or "{" for ch in expr.name)
        if _SAFE_NAME.match(ascii_name):  # Greek letters: "α_R" prints as \alpha_{R}
            return super()._print_Symbol(sp.Symbol(ascii_name), style=style)
        return r"\mathrm{%s}" % escape_text(expr.name)

    def band_entries(self, result, compact):
        """LaTeX ``(head, value)`` pairs of a band result, one per band.

        Plain bookkeeping for printing Eqs. (8b), (8c), (24a), (24b) and the
        band energies; the heads are those of the module docstring.

        Parameters
        ----------
        result : BandResult
        compact : bool
            Print the values with the result's abbreviations (``Delta``).

        Returns
        -------
        list of (str, str)
            In band order (ascending energy).
        """
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
        compact = self._compact
        parts = [f"{h} = {v}" for h, v in self.band_entries(result, compact)]
        if compact and self._definitions:
            parts += [rf"{self._print(s)} \equiv {self._print(v)}"
                      for s, v in self._used_definitions(result)]
        return SEPARATOR.join(parts)

    def _print_Model(self, model):
        args = ", ".join(self._print(p) for p in model.momenta)
        return rf"\mathcal{{H}}({args}) = " + self._print(model.H)
