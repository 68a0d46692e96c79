"""Band data at momenta, in any number type: energies, gradients, Omega (8b) and m (8c).

:class:`BandData` turns a :class:`~symgrav.Model` and parameter values into
evaluators for every backend of :mod:`symgrav.numeric.arith`.  Where
:mod:`symgrav.symbolic.geometry` has closed forms they are lambdified with an
explicit argument list (the momenta in the model's order, then the
parameters sorted by name): numpy for float64 arrays, mpmath or gmpy2 for
object arrays, one momentum at a time.  Otherwise the sums over states of
Eqs. (8b), (8c) are evaluated from the Hamiltonian, its momentum derivatives
and the spin matrix: batched ``numpy.linalg.eigh`` in double precision, mpmath
``eigh`` at any precision, with Hellmann-Feynman band gradients.
"""

from __future__ import annotations

import warnings

import gmpy2
import mpmath as mp
import numpy as np
import sympy as sp

from ..errors import SymgravError, SymgravWarning
from ..symbolic.geometry import closed_form_band_data
from ..symbolic.model import AXES, Model, axis_index
from ..tightbinding.model import TightBinding
from .arith import Mpf, to_mpf
from .gmpy2_code import lambdify_mpfr
from .states import states_float, states_mp
from .tb_bands import TightBindingBands


def parameter_values(model, params, dps):
    """Check ``params`` against the model and convert the values to mpf at ``dps`` digits.

    Every free parameter (including a symbolic hbar) needs a value; unknown
    names are an error.  Values may be int, float, str, Fraction, mpf or
    SymPy numbers.  Plain bookkeeping; no equation.

    Returns
    -------
    dict
        name -> mpf.
    """
    params = dict(params or {})
    names = {s.name for s in model.parameters}
    given = {}
    for key, value in params.items():
        name = key.name if isinstance(key, sp.Symbol) else str(key)
        if name not in names:
            raise SymgravError(
                f"unknown parameter {name!r}; the model's parameters are {sorted(names)}")
        given[name] = value
    missing = sorted(names - set(given))
    if missing:
        raise SymgravError(f"no value given for parameter(s) {missing}")
    with mp.workdps(dps):
        return {name: to_mpf(value, f"parameter {name}") for name, value in given.items()}


def _singular(k):
    return SymgravError(
        f"band energies, Omega (8b) or m (8c) are singular at k = "
        f"{[mp.nstr(mp.mpf(c), 8) for c in k]} (bands degenerate there?); the "
        "susceptibility integrals are not defined for these parameters")


def _not_hermitian(k, value):
    return SymgravError(
        f"a band quantity is complex at k = {[mp.nstr(mp.mpf(c), 8) for c in k]} "
        f"({mp.nstr(mp.mpc(value), 8)}): H is not Hermitian for these parameter values (the "
        "model's check samples points and missed where)")


def _real_values(vals, k):
    """Band data at one momentum as real numbers; a complex one is a non-Hermitian H."""
    if not any(isinstance(v, mp.mpc) for v in vals):
        return vals
    tol = mp.mpf(2) ** (-mp.mp.prec // 2)  # rounding noise of a cancelling term stays below
    out = []
    for v in vals:
        if isinstance(v, mp.mpc):
            if abs(v.imag) > tol * (1 + abs(v.real)):
                raise _not_hermitian(k, v)
            v = v.real
        out.append(v)
    return out


class BandData:
    """Numeric band energies, gradients and spin geometry of one model at fixed parameters.

    Parameters
    ----------
    model : Model
    values : dict
        name -> mpf for every parameter (see :func:`parameter_values`).
    a, i : {"x", "y", "z"}
        Spin component and momentum direction of Omega_{an}^i, m_{an}^i.

    Attributes
    ----------
    nbands, dim : int
    closed_form : bool
        True when lambdified closed forms are used, False for the numeric
        sum over states.
    hbar : mpf
    """

    def __init__(self, model, values, a, i):
        self.model = model
        self.a = AXES[axis_index(a, "spin component a")]
        self.i = AXES[axis_index(i, "momentum axis i")]
        model.momentum(self.i)
        self.values = dict(values)
        self.dim, self.nbands = model.dim, model.N
        self.lattice = model.lattice
        names = sorted(self.values)
        self._pvals = [self.values[n] for n in names]
        momenta = list(model.momenta_real)
        self._args = momenta + [model.symbol(n) for n in names]
        hb = model.hbar_real
        self.hbar = mp.mpf(self.values[hb.name]) if isinstance(hb, sp.Symbol) else \
            to_mpf(hb, "hbar")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SymgravWarning)
                eps, om, mm = closed_form_band_data(model, self.a, self.i)
            self.closed_form = True
        except SymgravError:
            self.closed_form = False
        self._fn = {}
        if self.closed_form:
            grads = [e.diff(p) for e in eps for p in momenta]
            self._exprs = list(eps) + grads + list(om) + list(mm)
            self._scan_exprs = list(eps) + grads
        else:
            H = model.H_real
            self._mats = [H] + [H.diff(p) for p in momenta] + [model.spin_real[axis_index(self.a)]]
        self._iv = axis_index(self.i)
        self._mpfr_ok = None
        self._batch_ok = True  # the gmpy2 closed forms take whole arrays
        #: memo of mu-independent line data (extrema, scans), filled by the line code
        self.cache = {}

    # -- callables per number type -------------------------------------------
    def _function(self, kind):
        if kind not in self._fn:
            if self.closed_form:
                exprs = self._scan_exprs if kind == "scan" else self._exprs
                if kind in ("float64", "scan"):
                    fn = sp.lambdify(self._args, exprs, modules="numpy", cse=True, dummify=True)
                elif kind == "mpf":
                    fn = sp.lambdify(self._args, exprs, modules="mpmath", cse=True, dummify=True)
                else:
                    fn = lambdify_mpfr(self._args, exprs)
            else:
                N = self.nbands
                entries = [m[r, c] for m in self._mats for r in range(N) for c in range(N)]
                mod = "mpmath" if kind == "mpf" else "numpy"
                fn = sp.lambdify(self._args, entries, modules=mod, cse=True, dummify=True)
            self._fn[kind] = fn
        return self._fn[kind]

    def supports(self, backend):
        """True when band data can be evaluated in this backend's numbers."""
        if backend.name != "mpfr":
            return True
        if not self.closed_form:
            return False
        if self._mpfr_ok is None:
            self._mpfr_ok = self._check_mpfr(backend)
        return self._mpfr_ok

    def _check_mpfr(self, backend):
        """The gmpy2 callable must give mpfr numbers equal to the mpmath ones."""
        with backend.context():
            k = [mp.mpf(0.3 + 0.17 * j) for j in range(self.dim)]
            try:
                fn = self._function("mpfr")
                got = fn(*[backend.num(x) for x in k], *self._params(backend))
                if not all(isinstance(g, gmpy2.mpfr().__class__) for g in got):
                    return False
                ref = self._function("mpf")(*k, *self._params(Mpf(backend.prec)))
            except Exception:  # noqa: BLE001 -- any failure means: no gmpy2 path
                return False
            tol = mp.mpf(2) ** (-backend.prec + 16)
            return all(abs(backend.mpf(g) - r) <= tol * (1 + abs(r)) for g, r in zip(got, ref))

    def _params(self, backend):
        key = ("params", backend.name, backend.prec)
        if key not in self._fn:
            with backend.context():
                self._fn[key] = [backend.num(v) for v in self._pvals]
        return self._fn[key]

    # -- evaluation ----------------------------------------------------------
    def at(self, k):
        """Band data at one momentum k (sequence of mpf) at the current mpmath precision.

        Returns
        -------
        eps, grad, omega, moment : lists over bands
            Energies, gradients (list of dim mpf per band), Omega_{an}^i
            (Eq. 8b) and m_{an}^i (Eq. 8c), as mpf.
        """
        B = Mpf(mp.mp.prec)
        eps, grads, om, mm = self.evaluate(B, [B.pack([mp.mpf(c)]) for c in k])
        return ([e[0] for e in eps], [[g[j][0] for j in range(self.dim)] for g in grads],
                [o[0] for o in om], [m[0] for m in mm])

    def evaluate(self, backend, K, sizes=False):
        """Band data at momenta K in the backend's numbers.

        Parameters
        ----------
        backend : Backend
        K : sequence of ``dim`` backend arrays of shape (P,)
        sizes : bool
            Also return the sizes of the terms of the sums over states (8b),
            (8c) (their rounding scale in double precision,
            :func:`~symgrav.numeric.states.states_float`).

        Returns
        -------
        eps : (N, P), grad : (N, dim, P), omega : (N, P), moment : (N, P)
            Energies (ascending), gradients, Omega_{an}^i (Eq. 8b) and
            m_{an}^i (Eq. 8c), as backend arrays.
        omega_size, moment_size, amplification : (N, P) float arrays or None
            With ``sizes``: of double-precision sums over states
            (:func:`~symgrav.numeric.states.states_float`); None for closed
            forms and at higher precision.

        Raises
        ------
        SymgravError
            Where the band data are not finite (degenerate bands coupled by v and s).
        """
        if backend.name == "float64":
            out = self._evaluate_float(K, sizes)
            return out + (None,) * 3 if sizes and len(out) == 4 else out
        P = len(K[0])
        pv = self._params(backend)
        N, d = self.nbands, self.dim
        fn = self._function(backend.name) if self.closed_form else None
        if fn is not None and backend.name == "mpfr":
            arr = self._evaluate_batch(backend, fn, K, pv)
        else:
            arr = np.empty((3 * N + N * d, P), dtype=object)
            for q, k in enumerate(zip(*K)):
                arr[:, q] = self._evaluate_point(backend, fn, k, pv)
        out = (arr[:N], arr[N:N + N * d].reshape(N, d, P), arr[N + N * d:2 * N + N * d],
               arr[2 * N + N * d:])
        return out + (None,) * 3 if sizes else out

    def _evaluate_point(self, backend, fn, k, pv):
        """The band data at one momentum k (a list of backend scalars)."""
        if fn is not None:
            try:
                vals = fn(*k, *pv)
            except ZeroDivisionError:
                raise _singular([backend.mpf(c) for c in k]) from None
            if backend.name == "mpf":  # Hermiticity re-checked at every point evaluated
                vals = _real_values(vals, k)
        else:
            vals = self._sum_over_states(backend, k, pv)
        if not backend.all_finite(vals):
            kk = [backend.mpf(c) for c in k]
            if fn is not None and backend.name != "mpf":  # NaN: complex in mpmath?
                _real_values(self._function("mpf")(*kk, *self._pvals), kk)
            raise _singular(kk)
        return vals

    def _evaluate_batch(self, backend, fn, K, pv):
        """The gmpy2 closed forms on whole object arrays of momenta at once.

        The same operations as point by point (the functions are numpy object
        ufuncs), so the numbers are identical; a non-finite entry is located
        and reported through the point-by-point path.
        """
        P = len(K[0])
        arr = np.empty((3 * self.nbands + self.nbands * self.dim, P), dtype=object)
        try:
            rows = fn(*K, *pv) if self._batch_ok else None
        except (TypeError, ValueError, ZeroDivisionError):
            rows = None  # e.g. a Piecewise (Python conditionals): point by point
            self._batch_ok = False
        if rows is None:
            for q, k in enumerate(zip(*K)):
                arr[:, q] = self._evaluate_point(backend, fn, k, pv)
            return arr
        for r, row in enumerate(rows):
            arr[r] = row  # constants broadcast
        if not backend.all_finite(arr.ravel()):
            for q, k in enumerate(zip(*K)):
                if not backend.all_finite(arr[:, q]):
                    self._evaluate_point(backend, fn, k, pv)  # raises the documented error
        return arr

    def energies(self, K, gradients=True):
        """Band energies (N, P) and gradients (N, dim, P) in double precision (for scans).

        ``gradients=False`` may skip the gradients (then None) where that is cheaper.
        """
        K = [np.asarray(c, dtype=float) for c in K]
        with np.errstate(all="ignore"):
            if self.closed_form:
                vals = self._function("scan")(*K, *self._params_float())
                N, d = self.nbands, self.dim
                for v in vals:
                    v = np.asarray(v)
                    bad = np.iscomplexobj(v) and np.abs(v.imag) > 1e-9 * (1 + np.abs(v.real))
                    if np.any(bad):
                        q = np.argwhere(np.broadcast_to(bad, K[0].shape))[0]
                        raise _not_hermitian([float(c[tuple(q)]) for c in K],
                                             complex(np.broadcast_to(v, K[0].shape)[tuple(q)]))
                arr = np.array([np.broadcast_to(np.real(np.asarray(v, dtype=complex)),
                                                K[0].shape) for v in vals])
                return arr[:N], arr[N:].reshape((N, d) + K[0].shape)
            eps, grads, _, _ = self._states_float(K, need_geometry=False,
                                                  gradients=gradients)
        return eps, grads

    def _params_float(self):
        return [float(v) for v in self._pvals]

    def _evaluate_float(self, K, sizes=False):
        K = [np.asarray(c, dtype=float) for c in K]
        P = K[0].shape[0]
        N, d = self.nbands, self.dim
        with np.errstate(all="ignore"):
            if self.closed_form:
                vals = self._function("float64")(*K, *self._params_float())
                arr = np.empty((len(vals), P))
                for k, v in enumerate(vals):
                    v = np.asarray(v)
                    if np.iscomplexobj(v):
                        bad = np.abs(v.imag) > 1e-12 * (1 + np.abs(v.real))
                        if np.any(bad):
                            q = int(np.argwhere(np.broadcast_to(bad, (P,)))[0, 0])
                            raise _not_hermitian([float(c[q]) for c in K],
                                                 complex(np.broadcast_to(v, (P,))[q]))
                        v = v.real
                    arr[k] = v
                out = (arr[:N], arr[N:N + N * d].reshape(N, d, P), arr[N + N * d:2 * N + N * d],
                       arr[2 * N + N * d:])
            else:
                out = self._states_float(K, sizes=sizes)
        if not all(np.all(np.isfinite(a)) for a in out[:4]):
            bad = ~np.all([np.isfinite(a).reshape(-1, P).all(axis=0) for a in out[:4]], axis=0)
            q = int(np.argwhere(bad)[0, 0])
            raise _singular([float(c[q]) for c in K])
        return out

    def _matrices_float(self, K):
        N = self.nbands
        P = K[0].size
        vals = self._function("float64")(*[c.reshape(-1) for c in K], *self._params_float())
        nmat = len(self._mats)
        arr = np.empty((nmat, N, N, P), dtype=complex)
        it = iter(vals)
        for a in range(nmat):
            for r in range(N):
                for c in range(N):
                    arr[a, r, c] = next(it)
        return arr.transpose(0, 3, 1, 2)  # (nmat, P, N, N)

    def _states_float(self, K, need_geometry=True, gradients=True, sizes=False):
        """Eqs. (8b), (8c) as sums over states with batched numpy eigh (:mod:`.states`).

        With ``sizes`` (and ``need_geometry``) the sizes of their terms follow.
        """
        N, d = self.nbands, self.dim
        shape = K[0].shape
        mats = self._matrices_float(K)
        dH = [mats[1 + j] for j in range(d)] if gradients or need_geometry else []
        V, S = (mats[1 + self._iv], mats[-1]) if need_geometry else (None, None)
        got = states_float(mats[0], dH, V, S, float(self.hbar), sizes=sizes and need_geometry)
        eps, grads = got[:2]
        out = (eps.reshape((N,) + shape), grads.reshape((N, d) + shape) if dH else None)
        if not need_geometry:
            return out + (None, None)
        return out + tuple(x.reshape((N,) + shape) for x in got[2:])

    def _sum_over_states(self, backend, k, pv):
        """Eqs. (8b), (8c) at one momentum as sums over states (mpmath eigh, :mod:`.states`)."""
        N, d = self.nbands, self.dim
        flat = self._function("mpf")(*k, *pv)
        mats = [mp.matrix([[flat[m * N * N + r * N + c] for c in range(N)] for r in range(N)])
                for m in range(len(self._mats))]
        dH = mats[1:1 + d]
        return states_mp(mats[0], dH, dH[self._iv], mats[-1], self.hbar)


def numeric_geometry(model, params, a="x", i="x", dps=30):
    """Numeric band data of Eqs. (8b), (8c) at given parameters (see :class:`BandData`).

    The symbolic results of :func:`symgrav.spin_berry_curvature` and
    :func:`symgrav.spin_magnetic_moment` are lambdified where they exist;
    otherwise the sums over states are evaluated numerically per momentum.

    Parameters
    ----------
    model : Model or TightBinding
    params : dict
        A value for every free parameter (name or symbol -> number/str/mpf);
        empty for a :class:`~symgrav.TightBinding` (its band data are sums over
        states of its hoppings, :class:`~symgrav.numeric.tb_bands.TightBindingBands`).
    a, i : {"x", "y", "z"}
        Spin and momentum components.
    dps : int
        Digits of the parameter values.

    Returns
    -------
    BandData or TightBindingBands
        ``.at(k)`` gives (energies, gradients, Omega, m) at momentum k.
    """
    if isinstance(model, TightBinding):
        if params:
            raise SymgravError("a tight-binding model has no parameters; got "
                               f"{sorted(map(str, dict(params)))}")
        return TightBindingBands(model, a, i)
    if not isinstance(model, Model):
        raise SymgravError(f"expected a symgrav.Model or TightBinding; got {type(model).__name__}")
    return BandData(model, parameter_values(model, params, dps), a, i)
