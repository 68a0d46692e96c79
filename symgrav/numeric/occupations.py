"""Occupation functions of Eqs. (8a), (19), (20), (B7a) in their stable forms, any backend.

For energies xi = eps - mu and a temperature T, with x = xi/T and
e = exp(-|x|), the engine needs only the small, cancellation-free numbers

    s = e / (1 + e),   L = T log(1 + e),   D = -s (1 - s) / T        (Fermi)
    s = 1 / expm1(x),  L = -T log(-expm1(-x)),  D = -(1 + 1/expm1(x)) s / T   (Bose, xi > 0)

from which f, G = int_xi^inf f and df = f' follow per region (see
:mod:`symgrav.symbolic.quantities`): f = s, G = L above the Fermi level (and
for Bose), f = 1 - s, G = L - xi below it, df = D everywhere.  Beyond
|x| > (prec + 64) ln 2 the exponential is below the working precision and the
terms are set to exact zeros (the weights are exact steps there).  T = 0 is
the step-function limit: s = L = D = 0, with f(0) = 1/2 handled by the caller.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np

from ..errors import SymgravError

STATISTICS = ("fermi", "bose")


def check_statistics(statistics):
    """Validate a statistics name ("fermi" or "bose") and return it lower-cased."""
    name = str(statistics).lower()
    if name not in STATISTICS:
        raise SymgravError(f"statistics must be 'fermi' or 'bose'; got {statistics!r}")
    return name


def cutoff(backend):
    """|xi|/T beyond which e^{-|xi|/T} < 2^-(prec+64): the occupations are exact steps."""
    return (backend.prec + 64) * math.log(2)


class Occupations:
    """The stable occupation terms at an array of energies (see the module docstring).

    Attributes
    ----------
    above : numpy bool array
        True where the "above" forms apply (xi >= 0 for Fermi, everywhere for Bose).
    s, L, D : backend arrays
        The small terms, shape of xi (zeros at T = 0).
    at_zero : numpy bool array or None
        At T = 0 (Fermi), where xi == 0 exactly (f = 1/2 there).
    """

    def __init__(self, backend, statistics, xi, T):
        B = backend
        self.zero_T = T == 0
        shape = np.shape(xi)
        if statistics == "bose":
            if np.any(xi <= 0):
                low = min(B.mpf(x) for x in np.ravel(xi))
                raise SymgravError(
                    "Bose statistics: the chemical potential lies at or above a band bottom "
                    f"(epsilon - mu = {mp.nstr(low, 8)} <= 0); choose mu below every band")
            self.above = np.ones(shape, dtype=bool)
        else:
            self.above = np.asarray(xi >= 0, dtype=bool)
        self.at_zero = None
        if self.zero_T:
            zero = B.zeros(shape)
            self.s = self.L = self.D = zero
            if statistics == "fermi":
                self.at_zero = np.asarray(xi == 0, dtype=bool)
            return
        x = xi / T
        ax = np.abs(x)
        near = np.asarray(ax <= cutoff(B), dtype=bool)
        s, L, D = B.zeros(shape), B.zeros(shape), B.zeros(shape)
        if np.any(near):
            xn = x[near]
            if statistics == "fermi":
                e = B.exp(-ax[near])
                sn = e / (1 + e)
                s[near] = sn
                L[near] = T * B.log1p(e)
                D[near] = -sn * (1 - sn) / T
            else:
                em = B.expm1(xn)
                sn = 1 / em
                s[near] = sn
                L[near] = -T * B.log(-B.expm1(-xn))
                D[near] = -(1 + sn) * sn / T
        self.s, self.L, self.D = s, L, D
