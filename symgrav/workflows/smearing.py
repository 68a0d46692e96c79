"""A T = 0 scan over Fermi energies, then any temperature by the exact Fermi-window convolution.

Every quantity of the registry that is linear in the occupation is a
Fermi-window average of zero-temperature functions (App. E, Eq. E2;
:meth:`symgrav.Quantity.window_form`):

    X(mu, T) = int dy w(y) sum_g [ sum_k A_gk(y, T) Z_gk(mu + y) - c_g(y, T) D_g(mu + y) ],

w(y) = -f'(y) = 1 / (4 T cosh^2(y / 2T)), Z_gk(E) = sum_n int g_n (eps_n - E)^k
theta(E - eps_n) the T = 0 Fermi-sea integrals (g = Omega of Eq. 8b, m of
Eq. 8c; :meth:`Susceptibilities.fermi_sea`) and D_g = dZ_g0/dE.  So one scan
of the Z_gk over a grid of Fermi energies at T = 0 gives every quantity at
every mu and T > 0 -- what band-structure users do for the anomalous Hall
conductivity ("integrate at T = 0, then apply Fermi-Dirac smearing").

:func:`zero_temperature_scan` computes the scan with the engine (any route,
any model); :meth:`ZeroTemperatureScan.smear` does the convolution with the
exact weight, no cut-off in k_B T: the integral runs until w(y) is below
2^-117 of its peak (zero in double precision), over pieces split at every
scan energy and at mu + T (0, +-1/4, +-1/2, +-1, +-2, ..., +-64), with a
16-point Gauss-Legendre rule per piece.  The D_g term is integrated by parts
(int w A Z'_g0 = -int (w A)' Z_g0), so only the Z_gk are interpolated.  What
remains is the interpolation of the Z_gk between scan energies (cubic spline
or linear), estimated by redoing the convolution with every other scan energy
(``error``; an estimate, not a bound: next to a kink of the Z_gk -- band
edges, extrema, van Hove energies -- pass those energies as ``kinks`` so
that the interpolation is split there).  Below the lowest band the Z_gk vanish, above the highest band
of a lattice model they are polynomials of degree k in E: scans that cover
the band range are extended exactly; otherwise mu must lie at least 81 T
inside the scan.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from scipy.interpolate import Akima1DInterpolator, CubicSpline

from ..errors import SymgravError
from ..numeric.engine import Susceptibilities
from ..symbolic.quantities import QUANTITIES, SHIFT, TEMP
from ..symbolic.sommerfeld import window_terms

__all__ = ["ZeroTemperatureScan", "SmearedResult", "zero_temperature_scan"]

#: |y| / T beyond which w(y) < 2^-117 w(0): zero in double precision
REACH = 117 * math.log(2)
#: the pieces next to mu, in units of T (the weight varies on the scale T there)
_STEPS = (0.25, 0.5, 1, 2, 4, 8, 16, 32, 64)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)


def _linear(E, v):
    return lambda x: np.interp(x, E, v)


def _makima(E, v):
    if len(E) < 3:
        return _linear(E, v)
    return Akima1DInterpolator(E, v, method="makima")


def _cubic(E, v):
    if len(E) < 4:
        return _linear(E, v)
    return CubicSpline(E, v)


#: interpolation of the Z_gk between scan energies
_KINDS = {"makima": _makima, "cubic": _cubic, "linear": _linear}


def _piecewise(parts):
    """One callable from (lo, hi, callable) pieces on consecutive intervals."""
    def fun(x):
        out = np.empty_like(x)
        for n, (lo, hi, f) in enumerate(parts):
            sel = (x >= lo) & (x <= hi) if n == 0 else (x > lo) & (x <= hi)
            if np.any(sel):
                out[sel] = f(x[sel])
        return out
    return fun


def _window_terms(quantity):
    """[(g, k, A(y, T), is_density)] of :func:`window_terms`, as numpy functions of (y, T).

    For the Fermi-surface terms (j = 1) the pair (A, dA/dy) (integration by parts).
    """
    out = []
    for g, k, j, A in window_terms(quantity):
        fun = sp.lambdify([SHIFT, TEMP], A, "numpy")
        if j == 0:
            out.append((g, k, fun, False))
        else:
            out.append((g, k, (fun, sp.lambdify([SHIFT, TEMP], sp.diff(A, SHIFT), "numpy")), True))
    return out


class SmearedResult(dict):
    """name -> values over mu (numpy float arrays), with ``error``, ``mus``, ``T``.

    ``error[name]`` is |X - X_coarse|: the convolution redone with every other
    scan energy, an estimate of the interpolation error (larger than it for
    smooth Z_gk).
    """

    def __init__(self, values, error, mus, T):
        super().__init__(values)
        self.error, self.mus, self.T = error, mus, T


class ZeroTemperatureScan:
    """The T = 0 Fermi-sea integrals Z_gk on a grid of Fermi energies (App. E).

    Made by :func:`zero_temperature_scan`.

    Attributes
    ----------
    energies : numpy float array
        The scan energies (increasing).
    values : dict
        (g, k) -> Z_gk at the energies (numpy float array).
    quantities : tuple of Quantity
    """

    def __init__(self, energies, values, quantities, kinks=()):
        self.energies = np.asarray(energies, dtype=float)
        where = {float(e): j for j, e in enumerate(self.energies)}
        missing = [k for k in kinks if float(k) not in where]
        if missing:
            raise SymgravError(f"kink energies must be scan energies; not found: {missing}")
        self.kink_index = sorted({where[float(k)] for k in kinks})
        self.values = {key: np.asarray(v, dtype=float) for key, v in values.items()}
        self.quantities = tuple(quantities)
        scale = max((np.max(np.abs(v)) for v in self.values.values()), default=0.0)
        # below the lowest band every Z vanishes (checked on the first two energies)
        self.starts_below = all(np.all(np.abs(v[:2]) <= 1e-13 * scale) or scale == 0
                                for v in self.values.values())
        self.top = {(g, k): self._polynomial_tail(k, v) for (g, k), v in self.values.items()}

    def _polynomial_tail(self, k, v):
        """Z_gk above the highest band (a polynomial of degree k), or None if not reached."""
        E = self.energies
        n = k + 1
        if len(E) < n + 2:
            return None
        coef = np.polyfit(E[-n:], v[-n:], k)
        scale = max(np.max(np.abs(v)), 1e-300)
        if np.all(np.abs(np.polyval(coef, E[-n - 2:-n]) - v[-n - 2:-n]) <= 1e-9 * scale):
            return coef
        return None

    def _interpolants(self, step, kind):
        """(energies used, {(g, k): callable}): every ``step``-th energy, kinks always kept."""
        n = len(self.energies)
        keep = sorted(set(range(0, n, step)) | {n - 1} | set(self.kink_index))
        E = self.energies[keep]
        if kind not in _KINDS:
            raise SymgravError(f"kind must be one of {sorted(_KINDS)}; got {kind!r}")
        # separate interpolants between kinks (a spline across a kink rings)
        bounds = sorted({0, len(keep) - 1} | {keep.index(j) for j in self.kink_index})
        funs = {}
        for key, v in self.values.items():
            v = v[keep]
            parts = [(E[a], E[b], _KINDS[kind](E[a:b + 1], v[a:b + 1]))
                     for a, b in zip(bounds, bounds[1:])]
            funs[key] = _piecewise(parts)
        return E, funs

    def _z(self, key, fun, x, lo, hi):
        out = np.zeros_like(x)
        inside = (x >= lo) & (x <= hi)
        out[inside] = fun(x[inside])
        above = x > hi
        if np.any(above):
            out[above] = np.polyval(self.top[key], x[above])
        return out

    def _one(self, mu, T, terms, step, kind):
        E, funs = self._interpolants(step, kind)
        lo, hi = E[0], E[-1]
        reach = REACH * T
        if mu - reach < lo and not self.starts_below:
            raise SymgravError(
                f"mu = {mu:g} lies within 81 T of the scan's lowest energy {lo:g}, and the scan "
                "does not start below the lowest band: extend the scan downwards")
        if mu + reach > hi and any(self.top[(g, k)] is None for g, k in funs):
            raise SymgravError(
                f"mu = {mu:g} lies within 81 T of the scan's highest energy {hi:g}, and the scan "
                "does not reach above the highest band: extend the scan upwards")
        cuts = {-reach, reach, 0.0} | {s * c * T for s in (-1, 1) for c in _STEPS}
        cuts |= {e - mu for e in E if abs(e - mu) < reach}
        cuts = np.array(sorted(cuts))
        a, b = cuts[:-1], cuts[1:]
        half, mid = (b - a) / 2, (b + a) / 2
        y = (mid[:, None] + half[:, None] * _NODES[None, :]).ravel()
        gw = (half[:, None] * _WEIGHTS[None, :]).ravel()
        x = np.abs(y) / T
        e = np.exp(-x)
        w = e / (T * (1 + e) ** 2)       # -f'(y), stable for both signs
        dw = -w * np.tanh(y / (2 * T)) / T
        z = {key: self._z(key, funs[key], mu + y, lo, hi) for key in funs}
        out = []
        for q_terms in terms:
            total = 0.0
            for g, k, A, density in q_terms:
                if density:  # int w A Z' = -int (w A)' Z
                    a, da = A
                    total -= np.sum(gw * (dw * a(y, T) + w * da(y, T)) * z[(g, k)])
                else:
                    total += np.sum(gw * w * A(y, T) * z[(g, k)])
            out.append(float(total))
        return out

    def smear(self, mus, T, kind="makima"):
        """Every quantity at each mu and temperature T > 0 from the T = 0 scan (Eq. E2).

        Parameters
        ----------
        mus : sequence of float
        T : float
            T > 0.
        kind : {"makima", "cubic", "linear"}
            Interpolation of the Z_gk between scan energies (and kinks): the
            modified Akima interpolant (local, does not ring next to a kink),
            the not-a-knot cubic spline, or straight lines.

        Returns
        -------
        SmearedResult
            name -> numpy array over ``mus``, with ``error`` (module docstring).
        """
        T = float(T)
        if not T > 0 or not math.isfinite(T):
            raise SymgravError(f"smear needs a temperature T > 0; got {T}")
        mus = np.atleast_1d(np.asarray(mus, dtype=float))
        if len(self.energies) < 8:
            raise SymgravError("a scan needs at least 8 energies")
        terms = [_window_terms(q) for q in self.quantities]
        fine = np.array([self._one(mu, T, terms, 1, kind) for mu in mus])
        coarse = np.array([self._one(mu, T, terms, 2, kind) for mu in mus])
        names = [q.name for q in self.quantities]
        return SmearedResult({n: fine[:, j] for j, n in enumerate(names)},
                             {n: np.abs(fine[:, j] - coarse[:, j]) for j, n in enumerate(names)},
                             mus, T)


def zero_temperature_scan(model, params, energies, a="x", i="x", quantities=None,
                          dps="double", kinks=(), progress=None):
    """The T = 0 Fermi-sea integrals Z_gk(E) over a grid of Fermi energies (App. E, Eq. E2).

    Parameters
    ----------
    model : Model or TightBinding
    params : dict
        Parameter values (empty for TightBinding).
    energies : sequence of float
        Increasing Fermi energies, at least 8 (for all of a lattice model's band
        range, start below the lowest band and end above the highest).
    a, i : str
        Operator and field components of the tensors (Eqs. 8b, 8c).
    quantities : sequence of Quantity, optional
        What :meth:`ZeroTemperatureScan.smear` will give (default: the five
        built-ins alpha 19a, T beta~ 19b, M 8a, M~ B7a, T beta 20).
    dps : int or "double"
        Working precision of the T = 0 integrals.
    kinks : sequence of float, optional
        Energies where the Z_gk have kinks (band edges, band extrema, van Hove
        energies): added to the scan, and the interpolation is split there.
    progress : callable, optional
        ``progress(done, total)`` after each energy.

    Returns
    -------
    ZeroTemperatureScan
    """
    quantities = tuple(quantities or QUANTITIES)
    E = np.asarray(energies, dtype=float)
    kinks = np.asarray(kinks, dtype=float).ravel()
    if E.ndim == 1 and kinks.size:
        E = np.union1d(E, kinks)
    if E.ndim != 1 or len(E) < 8 or not np.all(np.isfinite(E)) or np.any(np.diff(E) <= 0):
        raise SymgravError("energies must be at least 8 finite, strictly increasing numbers")
    pairs = sorted({(g, k) for q in quantities for g, k, _, _ in _window_terms(q)})
    S = Susceptibilities(model, params, a=a, i=i, dps=dps)
    rows = []
    for n, e in enumerate(E):
        rows.append([float(v) for v in S.fermi_sea(repr(float(e)), pairs)])
        if progress is not None:
            progress(n + 1, len(E))
    rows = np.array(rows)
    return ZeroTemperatureScan(E, {p: rows[:, j] for j, p in enumerate(pairs)}, quantities,
                               kinks=kinks)
