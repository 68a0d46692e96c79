"""Grids of the paper's Figs. 1 and 2 and the band features of the Rashba ferromagnet, Eq. (22).

:func:`figure_spec` gives the (mu, T) grids of one figure, refined around
the energies of :func:`band_features` where the band structure changes
character; :mod:`symgrav.paper.figures` computes on them and
:mod:`symgrav.paper.plot` marks the features in the panels.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import SymgravError

#: b of each figure of the paper (energy unit m alpha^2 = 1)
FIGURE_B = {1: "0.5", 2: "1.5"}
#: temperature of panels (a) and (b)
T_LOW = "0.001"

@dataclass(frozen=True)
class FigureSpec:
    """Grids of one figure of the paper (all numbers as exact decimal strings).

    Attributes
    ----------
    number : int
        1 (b = 0.5) or 2 (b = 1.5).
    b : str
        Zeeman energy in units of m alpha^2.
    mu : tuple of str
        Chemical potentials of panels (a) and (b), ascending.
    T : str
        Temperature of panels (a) and (b) (0.001).
    mu_c : tuple of str
        Chemical potentials of the curves of panel (c).
    T_c : tuple of str
        Temperatures of panel (c), ascending from 0.
    """

    number: int
    b: str
    mu: tuple
    T: str
    mu_c: tuple
    T_c: tuple


def band_features(b):
    """Energies where the Rashba band structure changes character (hbar = m = alpha = 1).

    From eps_+-(p) = p^2/2 +- sqrt(p^2 + b^2) below Eq. (22): for b < 1 the
    lower band is a Mexican hat with its ring bottom at -(1 + b^2)/2 and its
    top (the anticrossing at p = 0) at -b; for b >= 1 its bottom is -b at
    p = 0.  The upper band starts at +b.

    Parameters
    ----------
    b : str or number
        Zeeman energy in units of m alpha^2 (> 0).

    Returns
    -------
    list of (Decimal, str)
        (energy, description), ascending.
    """
    b = Decimal(str(b))
    if b <= 0:
        raise SymgravError(f"b must be positive; got {b}")
    if b < 1:
        return [(-(1 + b * b) / 2, "lower band bottom (ring)"),
                (-b, "hat top (anticrossing, p = 0)"), (b, "upper band bottom")]
    return [(-b, "lower band bottom (p = 0)"), (b, "upper band bottom (anticrossing)")]


def mu_grid(lo, hi, step, refine=(), refine_step=None, refine_width=None):
    """A grid of round chemical potentials, Figs. 1 and 2 (a), (b).

    Plain bookkeeping; implements no equation of the paper.

    Parameters
    ----------
    lo, hi : str
        Ends of the grid (multiples of ``step``).
    step : str
        Uniform step, e.g. ``"0.005"``.
    refine : iterable of str or Decimal, optional
        Energies (band edges, anticrossings) around which the grid is refined.
    refine_step, refine_width : str, optional
        Finer step used within ``refine_width`` of each refinement energy.

    Returns
    -------
    tuple of str
        Sorted, distinct decimal strings, all with the number of decimals of
        the finest step (``"-0.200"``); every point is a multiple of its step.
    """
    lo, hi, step = Decimal(lo), Decimal(hi), Decimal(step)
    if step <= 0 or hi <= lo:
        raise SymgravError(f"bad mu grid: lo={lo}, hi={hi}, step={step}")
    points = {lo + k * step for k in range(int((hi - lo) / step) + 1)}
    quantum = step
    if refine and refine_step is not None:
        fine, width = Decimal(refine_step), Decimal(refine_width)
        quantum = min(step, fine)
        for e in refine:
            centre = (Decimal(e) / fine).to_integral_value() * fine
            n = int(width / fine)
            points |= {centre + k * fine for k in range(-n, n + 1)
                       if lo <= centre + k * fine <= hi}
    return tuple(str(p.quantize(quantum)) for p in sorted(points))


def figure_spec(number, fast=False):
    """Grids of Fig. 1 (b = 0.5) or Fig. 2 (b = 1.5) of the paper.

    Plain bookkeeping around the band features of Eq. (22).

    Full grids: mu from -1 to 1 (Fig. 1) or -2 to 2 (Fig. 2) with step 0.005,
    refined to 0.001 within 0.02 of every band feature of
    :func:`band_features` (band bottoms, hat top, anticrossing), so they
    cover below the band bottom, the band bottom, the gap region, the
    anticrossing and the two-band region; mu = -0.2 is a grid point.
    Panel (c): T = 0, 0.002, ..., 0.05 for five mu across the regimes.
    ``fast=True``: coarse grids (step 0.1 or 0.2, three curves at three T)
    for tests and examples.

    Parameters
    ----------
    number : {1, 2}
    fast : bool

    Returns
    -------
    FigureSpec
    """
    if number not in FIGURE_B:
        raise SymgravError(f"the paper has Figs. {sorted(FIGURE_B)}; got {number!r}")
    b = FIGURE_B[number]
    half = "1" if number == 1 else "2"
    feats = [e for e, _ in band_features(b)]
    if number == 1:
        mu_c = ("-0.6", "-0.2", "0.7") if fast else ("-0.6", "-0.4", "-0.2", "0.2", "0.7")
    else:
        mu_c = ("-1.4", "-0.2", "1.7") if fast else ("-1.4", "-1", "-0.2", "1", "1.7")
    if fast:
        step = "0.1" if number == 1 else "0.2"
        mu = mu_grid("-" + half, half, step)
        T_c = ("0", "0.01", "0.02")
    else:
        mu = mu_grid("-" + half, half, "0.005", feats, "0.001", "0.02")
        T_c = tuple(str(Decimal(k) * Decimal("0.002")) for k in range(26))
    return FigureSpec(number, b, mu, T_LOW, mu_c, T_c)
