"""Double-precision chemical-potential sweeps of the susceptibilities (numpy).

:func:`sweep_double` evaluates the same five Fermi-sea integrals as
:class:`symgrav.Susceptibilities` -- Eqs. (19a), (19b), (8a), (B7a), (20) --
for a whole array of chemical potentials at one temperature, in IEEE double
precision and vectorized with numpy.  It is meant for plots and scans; the
arbitrary-precision engine remains the reference.

Method (the same physics and integrands as :func:`symgrav.numeric.lines.line_integral`):

* momentum space is cut into lines -- one radial ray for isotropic continuum
  models (weight 2 pi or 4 pi times the measure, radial Jacobian t^(d-1)),
  two rays in 1D, rays at angles theta (periodic trapezoid in theta) for
  anisotropic 2D continuum models, and Brillouin-zone lines along k_x
  (periodic trapezoid over the transverse momenta, node doubling) for
  lattice models;
* on every line the band extrema are located once and the Fermi points of
  every chemical potential are found by a scan between extrema plus a
  safeguarded Newton iteration;
* each (line, mu) integral is split at the Fermi points (and, at T > 0, at
  points graded geometrically on the thermal scale T/|v_F| around them, and
  at band extrema inside the thermal window) and integrated with composite
  Gauss-Legendre rules, bisecting pieces until two rules agree;
* Fermi weights f, G = int_xi^inf f, w = xi f + G and xi f' are evaluated
  without cancellation (one exp and one log1p); T = 0 is the step function.

Precision
---------
Pieces are bisected until a 10- and a 20-node Gauss-Legendre rule agree to
1e-13 of the line's scale (with a rounding floor of 64 ulp of the summed
|band terms|).  Measured against the 30-digit engine (tests/test_double.py,
benchmarks/bench_susceptibilities.py): ~1e-15 relative for Rashba and the
lattice insulator, ~1e-17 absolute where a quantity cancels to ~0 (M and
T beta~ - T beta where both Rashba bands are occupied).  T beta is computed
from Eq. (20) directly and keeps its *relative* accuracy (~1e-13) however
small it is; the difference T beta~ - M (Eq. 18) of two O(1e-2) numbers is
only good to ~1e-17 absolute here (~1e-12 absolute is the documented bound)
and is noise once T beta ~ T^2 drops to that level (T below ~1e-7).  Use
:class:`symgrav.Susceptibilities` when more digits are needed.

Cost: a 20-point Rashba sweep takes ~20 ms; lattice models need a trapezoid
over the transverse momentum that converges exponentially for insulators
(and at T >~ 1e-2) but needs ~T^-1/2 lines for a metal at low T (a 2D
lattice metal at T = 1e-3 takes about a minute; at T = 0 it raises).

Not supported (SymgravError): Bose statistics, anisotropic 3D continuum models.
"""

from __future__ import annotations

import math
import random

import numpy as np
import sympy as sp

from ..errors import SymgravError
from ..symbolic.model import Model, axis_index
from .bands import numeric_geometry
from .double_lines import (  # noqa: F401 (NAMES, fermi_weights_np re-exported)
    NAMES, NCOMP, WINDOW, _MAX_LINES, _NOISE,
    _radial_extent, _sweep_lines, fermi_weights_np)



# ----------------------------------------------------------------------------
# band data in numpy
# ----------------------------------------------------------------------------
class _NumpyBands:
    """eps (N,P), grads (N,d,P), Omega (N,P), m (N,P) at momenta K (d,P)."""

    def __init__(self, bd):
        self.bd = bd
        self.N, self.d = bd.nbands, bd.dim
        self.pv = [float(v) for v in bd._pvals]
        self.hbar = float(bd.hbar)
        if not bd.closed_form:
            model = bd.model
            mats = [model._H] + [model._H.diff(p) for p in model._momenta] \
                + [model._spin[axis_index(bd.a)]]
            self._nmat = len(mats)
            entries = [m[r, c] for m in mats for r in range(self.N) for c in range(self.N)]
            self._entries = sp.lambdify(bd._args, entries, modules="numpy", cse=True)
            self._iv = axis_index(bd.i)

    def __call__(self, K):
        K = [np.asarray(c, dtype=float) for c in K]
        shape = K[0].shape
        with np.errstate(all="ignore"):
            if self.bd.closed_form:
                vals = self.bd._np(*K, *self.pv)
                N, d = self.N, self.d
                arr = np.empty((len(vals),) + shape)
                for k, v in enumerate(vals):
                    v = np.asarray(v)
                    if np.iscomplexobj(v):
                        if np.any(np.abs(v.imag) > 1e-12 * (1 + np.abs(v.real))):
                            raise SymgravError("a closed-form band quantity is complex "
                                               "at some momentum")
                        v = v.real
                    arr[k] = v
                eps = arr[:N]
                grads = arr[N:N + N * d].reshape((N, d) + shape)
                om = arr[N + N * d:2 * N + N * d]
                mm = arr[2 * N + N * d:]
            else:
                eps, grads, om, mm = self._sum_over_states(K, shape)
        if not (np.all(np.isfinite(om)) and np.all(np.isfinite(mm)) and np.all(np.isfinite(eps))):
            bad = np.argwhere(~(np.isfinite(om).all(0) & np.isfinite(mm).all(0)).ravel())
            q = int(bad[0, 0]) if bad.size else 0
            k = [float(c.ravel()[q]) for c in K]
            raise SymgravError(
                f"band data are not finite at k = {k}: degenerate bands? Omega (8b) and "
                "m (8c) are singular there")
        return eps, grads, om, mm

    def _sum_over_states(self, K, shape):
        """Eqs. (8b), (8c) as sums over states with batched numpy eigh."""
        N, d = self.N, self.d
        P = int(np.prod(shape)) if shape else 1
        flat = [c.reshape(-1) for c in K]
        vals = self._entries(*flat, *self.pv)
        arr = np.empty((self._nmat, N, N, P), dtype=complex)
        it = iter(vals)
        for a in range(self._nmat):
            for r in range(N):
                for c in range(N):
                    arr[a, r, c] = next(it)
        mats = arr.transpose(0, 3, 1, 2)  # (nmat, P, N, N)
        E, U = np.linalg.eigh(mats[0])
        Ud = np.conj(np.swapaxes(U, 1, 2))
        grads = np.empty((N, d, P))
        for j in range(d):
            X = Ud @ mats[1 + j] @ U
            grads[:, j, :] = np.real(np.diagonal(X, axis1=1, axis2=2)).T
        v = Ud @ mats[1 + self._iv] @ U
        s = Ud @ mats[-1] @ U
        x = np.imag(v * np.swapaxes(s, 1, 2))          # x[n,m] = Im(v_nm s_mn)
        gap = E[:, :, None] - E[:, None, :]
        scale = np.maximum(1.0, np.max(np.abs(E), axis=1))[:, None, None]
        tol = 1e-8 * scale
        small = np.abs(gap) < tol
        offdiag = ~np.eye(N, dtype=bool)[None]
        coupled = np.abs(v) * np.abs(np.swapaxes(s, 1, 2)) >= tol
        if np.any(small & offdiag & coupled):
            q = int(np.argwhere((small & offdiag & coupled).any(axis=(1, 2)))[0, 0])
            raise SymgravError(
                f"bands are degenerate at k = {[float(c[q]) for c in flat]} and coupled "
                "by v and s: Omega (8b) and m (8c) are singular there")
        use = offdiag & ~small
        g = np.where(use, gap, 1.0)
        om = np.sum(np.where(use, -2 * self.hbar * x / g ** 2, 0.0), axis=2).T
        mm = np.sum(np.where(use, self.hbar * x / g, 0.0), axis=2).T
        return (E.T.reshape((N,) + shape), grads.reshape((N, d) + shape),
                om.reshape((N,) + shape), mm.reshape((N,) + shape))


# ----------------------------------------------------------------------------
# Fermi weights
# ----------------------------------------------------------------------------
def _check_isotropic(ev, d):
    """The test of Susceptibilities._check_isotropic, in double precision."""
    if d == 1:
        return False
    rng = random.Random(7)
    for _ in range(3):
        r = rng.uniform(0.2, 2.0)
        pts = []
        for _ in range(3):
            if d == 2:
                th = rng.uniform(0, 6.28)
                pts.append((r * math.cos(th), r * math.sin(th)))
            else:
                u, ph = rng.uniform(-1, 1), rng.uniform(0, 6.28)
                s = math.sqrt(1 - u * u)
                pts.append((r * s * math.cos(ph), r * s * math.sin(ph), r * u))
        K = np.array(pts).T
        eps, _, om, mm = ev(K)
        vals = np.concatenate([eps, om, mm])  # (3N, 3)
        ref = vals[:, :1]
        if np.any(np.abs(vals - ref) > 1e-9 * (1 + np.abs(ref))):
            return False
    return True


class _Lines:
    """A set of lines k = origin + t * direction with weights (the measure included)."""

    def __init__(self, origins, directions, weights, power, periodic):
        self.origins = np.asarray(origins, dtype=float).reshape(len(weights), -1)
        self.directions = np.asarray(directions, dtype=float).reshape(len(weights), -1)
        self.weights = np.asarray(weights, dtype=float)
        self.power = power
        self.periodic = periodic

    def __len__(self):
        return len(self.weights)

    def points(self, line_idx, t):
        """Momenta (d, P) at parameters t (P,) on lines line_idx (P,)."""
        return (self.origins[line_idx].T + t[None, :] * self.directions[line_idx].T)

    def subset(self, idx):
        return _Lines(self.origins[idx], self.directions[idx], self.weights[idx],
                      self.power, self.periodic)


class _Layout:
    """How momentum space is covered by lines: fixed, or a transverse trapezoid grid."""

    def __init__(self, model, ev, hbar):
        d = model.dim
        self.d = d
        self.lattice = model.lattice
        self.grid = False
        if model.lattice:
            meas = 1 / (2 * math.pi) ** d
            self.meas = meas
            if d == 1:
                self.fixed = _Lines([[0.0]], [[1.0]], [meas], 0, True)
            else:
                self.grid = True
                self.ntrans = d - 1
            self.isotropic = False
            return
        meas = 1 / (2 * math.pi * hbar) ** d
        self.meas = meas
        self.isotropic = _check_isotropic(ev, d)
        if d == 1:
            self.fixed = _Lines([[0.0], [0.0]], [[1.0], [-1.0]], [meas, meas], 0, False)
        elif self.isotropic:
            solid = 2 * math.pi if d == 2 else 4 * math.pi
            direction = [1.0, 0.0] if d == 2 else [0.0, 0.0, 1.0]
            self.fixed = _Lines([[0.0] * d], [direction], [solid * meas], d - 1, False)
        elif d == 2:
            self.grid = True
            self.ntrans = 1
        else:
            raise SymgravError(
                "sweep_double supports isotropic continuum models, anisotropic ones only in "
                "2D, and lattice models; use symgrav.Susceptibilities for this 3D model")

    def level(self, n, only_new):
        """Lines of the n-point-per-dimension transverse grid (the new ones if only_new)."""
        h = 2 * math.pi / n
        ang = -math.pi + h * np.arange(n)
        if self.ntrans == 1:
            idx = np.arange(n)
            keep = (idx % 2 == 1) if only_new else np.ones(n, bool)
            tr = ang[keep][:, None]
        else:
            iy, iz = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
            keep = ((iy % 2 == 1) | (iz % 2 == 1)) if only_new else np.ones((n, n), bool)
            tr = np.stack([ang[iy[keep]], ang[iz[keep]]], axis=1)
        L = len(tr)
        wt = h ** self.ntrans * self.meas
        if self.lattice:
            origins = np.concatenate([np.zeros((L, 1)), tr], axis=1)
            dirs = np.zeros((L, self.d))
            dirs[:, 0] = 1.0
            return _Lines(origins, dirs, np.full(L, wt), 0, True)
        th = tr[:, 0]
        dirs = np.stack([np.cos(th), np.sin(th)], axis=1)
        return _Lines(np.zeros((L, 2)), dirs, np.full(L, wt), 1, False)


_BANDS_CACHE = {}


def _bands_for(model, params, a, i):
    """numeric_geometry(..., dps=15) wrapped for numpy, cached per (model, params, a, i).

    Building it lambdifies the closed forms (~0.5 s); sweeps over T reuse it.
    """
    try:
        key = (model, tuple(sorted((str(k), str(v)) for k, v in dict(params or {}).items())),
               str(a), str(i))
        hash(key)
    except TypeError:
        key = None
    if key is not None and key in _BANDS_CACHE:
        return _BANDS_CACHE[key]
    ev = _NumpyBands(numeric_geometry(model, params, a, i, dps=15))
    if key is not None:
        if len(_BANDS_CACHE) >= 16:
            _BANDS_CACHE.pop(next(iter(_BANDS_CACHE)))
        _BANDS_CACHE[key] = ev
    return ev


def _check_args(mus, T):
    mus_arr = np.asarray(mus, dtype=float)
    if not np.all(np.isfinite(mus_arr)):
        raise SymgravError("every chemical potential must be a finite real number")
    try:
        T = float(T)
    except (TypeError, ValueError):
        raise SymgravError(f"T = {T!r} is not a real number") from None
    if not math.isfinite(T) or T < 0:
        raise SymgravError(f"temperature must be finite and >= 0; got T = {T}")
    return mus_arr, T


def sweep_double(model, params, mus, T, a="x", i="x"):
    """The five susceptibilities for an array of chemical potentials, in double precision.

    Same quantities, units and conventions as
    :meth:`symgrav.Susceptibilities.evaluate` (Fermi statistics):
    ``alpha`` (19a), ``T_beta_kubo`` (19b), ``mqm`` (8a), ``mqm_aux`` (B7a)
    and ``T_beta`` (20), the last computed from Eq. (20) directly.

    Parameters
    ----------
    model : Model
    params : dict
        A value for every free parameter of the model.
    mus : array_like
        Chemical potentials (any shape).
    T : float
        Temperature (k_B = 1), >= 0; T = 0 is the step-function limit.
    a, i : {"x", "y", "z"}
        Spin component and direction.

    Returns
    -------
    dict of str -> numpy.ndarray
        Arrays of the shape of ``mus``.

    Notes
    -----
    Accuracy ~1e-15 relative as measured (module docstring), with an
    absolute floor of ~1e-15 times the size of the band terms where a
    quantity cancels to ~0.  T_beta_kubo - mqm equals T_beta only to ~1e-12
    absolute in double precision; T_beta itself is accurate relatively.

    Raises
    ------
    SymgravError
        Invalid input, an unbounded occupied band, anisotropic 3D continuum
        models, non-convergence.
    """
    if not isinstance(model, Model):
        raise SymgravError(f"expected a symgrav.Model; got {type(model).__name__}")
    mus_arr, T = _check_args(mus, T)
    shape = mus_arr.shape
    flat = mus_arr.reshape(-1)
    ev = _bands_for(model, params, a, i)
    layout = _Layout(model, ev, ev.hbar)
    out = np.zeros((flat.size, NCOMP))
    if flat.size:
        margin = WINDOW * T if T > 0 else 0.0
        t_hi = 0.0
        if not model.lattice:
            probe = layout.fixed if not layout.grid else layout.level(64, False)
            t_hi = _radial_extent(ev, probe, float(flat.max()), max(margin, 1e-15))
        if not layout.grid:
            vals, _, _ = _sweep_lines(ev, layout.fixed, flat, T, margin, t_hi)
            out = vals.sum(axis=0)
        else:
            out = _transverse(ev, layout, flat, T, margin, t_hi)
    if T == 0:
        out[:, 4] = 0.0
    return {name: out[:, k].reshape(shape).copy() for k, name in enumerate(NAMES)}


def _transverse(ev, layout, mus, T, margin, t_hi):
    """Periodic trapezoid over the transverse variable(s), doubling until converged per mu."""
    M = mus.size
    raw = np.zeros((M, NCOMP))
    rabs = np.zeros((M, NCOMP))
    rmag = np.zeros((M, NCOMP))
    prev = None
    n = 16
    active = np.arange(M)
    tol = (1e-13) ** (1 / 1.8)
    result = np.zeros((M, NCOMP))
    first = True
    while True:
        lines = layout.level(n, only_new=not first)
        # lines carry the weight h^ntrans * meas of level n; rescale the old sums
        if not first:
            raw[active] /= 2 ** layout.ntrans
            rabs[active] /= 2 ** layout.ntrans
            rmag[active] /= 2 ** layout.ntrans
        chunk = max(1, 4096 // max(1, active.size))
        for s in range(0, len(lines), chunk):
            sub = lines.subset(np.arange(s, min(s + chunk, len(lines))))
            v, ab, mg = _sweep_lines(ev, sub, mus[active], T, margin, t_hi)
            raw[active] += v.sum(axis=0)
            rabs[active] += ab.sum(axis=0)
            rmag[active] += mg.sum(axis=0)
        cur = raw[active]
        if prev is not None and n >= 32:
            size = rabs[active] + _NOISE * rmag[active]
            thr = np.maximum(size * tol, 16 * _NOISE * rmag[active])
            change = np.max(np.abs(cur - prev) / np.where(thr > 0, thr, np.inf), axis=1)
            conv = change <= 1
            result[active[conv]] = cur[conv]
            keep = ~conv
            if T == 0 and n >= 256 and prev_change is not None:
                # At T = 0 a Fermi surface makes the line integral a non-smooth function of
                # the transverse momentum: the trapezoid converges algebraically and will
                # not reach the tolerance; say so now instead of after 2^14 lines.
                ratio = change[keep] / np.maximum(prev_change[keep], 1e-300)
                if np.any(ratio > 0.25):
                    raise SymgravError(
                        "the periodic trapezoid over the transverse momenta converges only "
                        f"algebraically at T = 0 ({n} points per dimension): a Fermi surface on "
                        "a lattice at T = 0 is not supported by this double-precision engine; "
                        "use symgrav.Susceptibilities, which splits the transverse integral "
                        "where the lines touch the Fermi surface, or T > 0, e.g. T >= 1e-2")
            prev_change = change[keep]
            active = active[keep]
            cur = cur[keep]
        else:
            prev_change = None
        if active.size == 0:
            return result
        lines_next = (2 * n) ** layout.ntrans
        if lines_next > _MAX_LINES:
            raise SymgravError(
                f"periodic trapezoid over the transverse momenta did not converge with {n} "
                "points per dimension; the integrand is not smooth (a Fermi surface at low T?)")
        prev = cur.copy()
        n *= 2
        first = False
