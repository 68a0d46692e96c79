"""The derivation sheet's section on the T = 0 closed forms and the Mott series (issue 10).

For a 1D or isotropic continuum model with parameter values (a model file's
``[parameters]``), :func:`closed_form_section` prints alpha (Eq. 19a) and the
spin MQM M (Eq. 8a) at T = 0 as ``Piecewise`` functions of mu
(:func:`~symgrav.symbolic.zero_temperature.zero_temperature`) and the first
two Sommerfeld coefficients of T beta (Eq. 20), the Mott relation (21) and
its T^4 correction (:func:`~symgrav.symbolic.sommerfeld.low_temperature_series`),
for every nonzero component (a, i) of Eq. (8b) whose band data depend on |p|
only.  Components with the same band data share one set of formulas.
"""

from __future__ import annotations

import sympy as sp

from ..errors import SymgravError
from .geometry import closed_form_band_data
from .latex_printer import escape_text
from .quantities import TEMP
from .sommerfeld import low_temperature_series
from .zero_temperature import zero_temperature


def _groups(model, components):
    """Components (a, i) grouped by identical band data (Eqs. 8b, 8c)."""
    groups = []
    for a, i in components:
        data = closed_form_band_data(model, a, i)
        for entry in groups:
            if entry[0] == data:
                entry[1].append((a, i))
                break
        else:
            groups.append((data, [(a, i)]))
    return [comps for _, comps in groups]


def closed_form_section(model, components, printer):
    r"""LaTeX lines: alpha0(mu) (19a), M0(mu) (8a) at T = 0 and the Mott coefficients of (20).

    Parameters
    ----------
    model : Model
        A continuum model; lattice models get no section (empty list).
    components : list of (a, i)
        The nonzero components of Eq. (8b) (from the sheet's geometry part).
    printer : SymgravLatexPrinter

    Returns
    -------
    list of str
        The section (heading, formulas or the reason they are missing).
    """
    if model.lattice or not components:
        return []
    P = printer.doprint
    lines = [r"\section*{Closed forms at $T = 0$ and the Mott series}"]
    names = {s.name for s in model.parameters}
    if set(model.defaults) != names:
        return lines + ["Not derived: the model gives no value for every parameter."]
    values = ", ".join(f"${P(s)} = {P(sp.sympify(model.defaults[s.name]))}$"
                       for s in model.parameters) or "none"
    lines.append("At the parameter values %s, with the chemical potential $\\mu$, the "
                 "magnetoelectric susceptibility, Eq.~(19a), and the spin MQM, Eq.~(8a), at "
                 "$T = 0$ (radial integrals with the closed-form Fermi momenta; at $T = 0$, "
                 r"$T\tilde\beta = \tilde M = M$ and $T\beta = 0$), and the Sommerfeld series "
                 r"$T\beta = c_1 T^2 + c_2 T^4 + O(T^6)$ of Eq.~(20), "
                 r"$c_1 = (\pi^2/3)\,\partial_\mu\alpha$ being the Mott relation (21)."
                 % values)
    params = dict(model.defaults)
    mu = sp.Symbol("mu", real=True)
    for comps in _groups(model, components):
        a, i = comps[0]
        which = ", ".join(f"({x}, {y})" for x, y in comps)
        try:
            alpha = zero_temperature(model, "alpha", a, i, params)
            mqm = zero_temperature(model, "mqm", a, i, params)
            series = low_temperature_series(model, "T_beta", 2, a, i, params)
        except (SymgravError, NotImplementedError, ValueError, TypeError) as exc:
            # a sheet documents what SymPy could do; a failure there is reported, not raised
            lines.append(r"$(a, i) \in \{%s\}$: not derived: %s" % (
                which, escape_text(str(exc) or type(exc).__name__)))
            continue
        t = [s for s in series.free_symbols if s.name == TEMP.name]
        c1 = series.coeff(t[0], 2) if t else sp.Integer(0)
        c2 = series.coeff(t[0], 4) if t else sp.Integer(0)
        lines.append(r"Components $(a, i) \in \{%s\}$:" % which)
        rows = [rf"\alpha_{{{a}}}^{{{i}}}({P(mu)}) &= {P(alpha)}",
                rf"M_{{{a}}}^{{{i}}}({P(mu)}) &= {P(mqm)}",
                rf"c_1 &= {P(c1)}", rf"c_2 &= {P(c2)}"]
        lines.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
    return lines
