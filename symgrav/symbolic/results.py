"""Band-resolved symbolic results that remember what they are.

A :class:`BandResult` is a plain tuple of SymPy expressions (one per band,
ascending energy) that also carries the quantity, its components and a
compact form in terms of abbreviations such as Delta = |d|, so that
:func:`symgrav.latex` can print it the way a paper would.
"""

from __future__ import annotations

import sympy as sp

from .latex_printer import SymgravLatexPrinter


class BandResult(tuple):
    """Tuple of SymPy expressions, one per band, with metadata for printing.

    Attributes
    ----------
    quantity : str
        ``"Omega"`` (Eq. 8b), ``"m"`` (Eq. 8c), ``"energy"``,
        ``"Omega_param"`` (Eq. 24a) or ``"m_param"`` (Eq. 24b).
    a, i : str or None
        Spin and momentum components (``"x"``, ``"y"``, ``"z"``).
    lambdas : tuple of sympy.Symbol or None
        The two parameters of Eq. (24).
    compact : tuple of sympy.Expr
        The same values written with the abbreviations in ``definitions``.
    definitions : dict
        Abbreviation symbol -> expression (for example Delta -> sqrt(d.d)).
    labels : tuple of str
        Band labels used in LaTeX (``"-"``, ``"+"`` for two bands).
    equation : str
        The paper equation the quantity implements.
    """

    def __new__(cls, values, *, quantity, a=None, i=None, lambdas=None, compact=None,
                definitions=None, labels=None, equation=""):
        obj = super().__new__(cls, tuple(values))
        obj.quantity = quantity
        obj.a = a
        obj.i = i
        obj.lambdas = lambdas
        obj.compact = tuple(compact) if compact is not None else tuple(values)
        obj.definitions = dict(definitions or {})
        if labels is None:
            labels = ("-", "+") if len(obj) == 2 else tuple(str(k) for k in range(len(obj)))
        obj.labels = tuple(labels)
        obj.equation = equation
        return obj

    def __getnewargs_ex__(self):
        return ((tuple(self),), dict(quantity=self.quantity, a=self.a, i=self.i,
                                     lambdas=self.lambdas, compact=self.compact,
                                     definitions=self.definitions, labels=self.labels,
                                     equation=self.equation))

    def _repr_latex_(self):
        return "$\\displaystyle " + SymgravLatexPrinter().doprint(self) + "$"

    @property
    def is_zero(self):
        """True when every band value simplifies to zero (e.g. a vanishing component of Eq. 8b)."""
        return all(sp.simplify(v) == 0 for v in self)
