"""Certified enclosures of the susceptibilities and of the Mott ratio: ``symgrav verify --rigorous``.

:func:`certified_report` evaluates :func:`symgrav.enclosure` (the Arb
Fermi-window integral of the closed forms, App. E) of alpha (19a), T beta~
(19b), M (8a) and T beta (20) at exact chemical potentials and temperatures,
and the enclosure of T beta / Mott - 1 (Eqs. 20, 21) at each temperature and
at T = 10^-10, where it is O(T^2) and only certified digits can show it.
"""

from __future__ import annotations

import time
from fractions import Fraction

from ..errors import SymgravError
from ..numeric.rigorous_window import enclosure, exact_rational, mott_ratio_enclosure
from ..symbolic.quantities import QUANTITIES
from ..symbolic.zero_temperature import params_key, radial_model
from .grid import model_of

#: the temperature of the Mott-ratio line that no floating-point route resolves
MOTT_T = "1e-10"


_NONE = "no enclosure: "


class CertifiedReport:
    """The text of a certified run: header lines, then one block per (mu, T)."""

    def __init__(self, lines, seconds):
        self.lines, self.seconds = lines, seconds

    @property
    def passed(self):
        """True when every enclosure was certified (no "no enclosure" line)."""
        return not any(_NONE in line for line in self.lines)

    def __str__(self):
        return "\n".join(self.lines + [f"time: {self.seconds:.1f} s"])


def default_mus(model, params, a, i):
    """Rational chemical potentials between the band edges and one above them (bookkeeping).

    Midpoints between consecutive band-edge energies of the closed forms
    (Eqs. 19a, 8a at T = 0 change form there) and the top edge plus half the
    span, each rounded to a fraction with a denominator <= 100.
    """
    full = dict(model.defaults)
    full.update(params or {})
    _, values = radial_model(model, a, i, params_key(full)).edges()
    vals = [float(v) for v in values]
    span = (vals[-1] - vals[0]) or 1.0
    pts = [(x + y) / 2 for x, y in zip(vals, vals[1:])] + [vals[-1] + span / 2]
    return [str(Fraction(p).limit_denominator(100)) for p in pts]


def _line(label, width, dps, func, *args):
    """One table line: the enclosure, or why there is none (a SymgravError)."""
    try:
        text = func(*args).ball.str(dps, radius=True)
    except SymgravError as exc:
        text = _NONE + " ".join(str(exc).split())
    return f"  {label:<{width}} {text}"


def certified_report(model, params=None, a="x", i="x", mu=None, temperatures=("1/1000",),
                     dps=30):
    """Enclosures of Eqs. (19a), (19b), (8a), (20) and of T beta / Mott - 1 (Eq. 21).

    Parameters
    ----------
    model : Model or str
        A 1D or isotropic continuum model with closed forms.
    params : dict, optional
        Exact parameter values (decimal strings or rationals), over the defaults.
    a, i : {"x", "y", "z"}
    mu : sequence of str, optional
        Exact chemical potentials; default :func:`default_mus`.
    temperatures : sequence of str
        Exact temperatures > 0.
    dps : int
        Target digits of each enclosure.

    Returns
    -------
    CertifiedReport
    """
    start = time.perf_counter()
    model = model_of(model)
    params = dict(params or {})
    mus = list(mu) if mu else default_mus(model, params, a, i)
    for m in mus:
        exact_rational(m, "mu")
    temps = [str(exact_rational(T, "T")) for T in temperatures]
    shown = ", ".join(f"{k}={v}" for k, v in sorted({**model.defaults, **params}.items()))
    lines = [f"symgrav verify --rigorous: model {model.name}, component a = {a}, i = {i}, "
             f"{dps} digits",
             f"parameters: {shown or 'none'}",
             "certified enclosures [mid +/- radius] of the Fermi-window integrals of the "
             "closed forms (App. E, Arb ball arithmetic); the exact value lies inside"]
    width = max(len(q.name) for q in QUANTITIES) + 8
    for m in mus:
        for T in temps + [MOTT_T]:
            lines.append(f"mu = {m}, T = {T}")
            if T != MOTT_T:
                for q in QUANTITIES:
                    lines.append(_line(f"{q.name} ({q.equation})", width, dps, enclosure,
                                       model, q, m, T, a, i, params, dps))
            lines.append(_line("T_beta/Mott - 1 (20)/(21)", width, dps, mott_ratio_enclosure,
                               model, m, T, a, i, params, dps))
    return CertifiedReport(lines, time.perf_counter() - start)
