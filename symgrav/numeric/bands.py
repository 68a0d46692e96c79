"""Numeric band data at a momentum: energies, gradients, Omega (8b) and m (8c).

:func:`numeric_geometry` turns a :class:`~symgrav.Model` into callables.
Where :mod:`symgrav.geometry` has closed forms, they are lambdified (mpmath
and numpy) with an explicit argument list: the momenta in the model's order,
then the parameters sorted by name.  Otherwise the sums over states of
Eqs. (8b), (8c) are evaluated numerically at each momentum at the working
precision (mpmath ``eigh``), with Hellmann-Feynman band gradients.
"""

from __future__ import annotations

import warnings

import gmpy2
import mpmath as mp
import numpy as np
import sympy as sp
from sympy.printing.pycode import MpmathPrinter

from ..errors import SymgravError, SymgravWarning
from ..symbolic.geometry import _spin_geometry, _structure
from ..symbolic.model import AXES, Model, axis_index


def parameter_values(model, params, dps):
    """Check ``params`` against the model and convert the values to mpf.

    Every free parameter (including a symbolic hbar) needs a value; unknown
    names are an error.  Values may be int, float, str or mpf.

    Returns
    -------
    dict
        name -> mpf, evaluated at ``dps`` digits.
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
    out = {}
    with mp.workdps(dps):
        for name, value in given.items():
            try:
                if isinstance(value, (sp.Basic,)):
                    value = str(sp.N(value, dps + 5))
                val = mp.mpf(value)
            except (TypeError, ValueError):
                raise SymgravError(f"parameter {name} = {value!r} is not a real number") from None
            if not mp.isfinite(val):
                raise SymgravError(f"parameter {name} = {value!r} is not finite")
            out[name] = val
    return out


class BandData:
    """Numeric band energies, gradients and spin geometry of one model.

    Built by :func:`numeric_geometry`; see there.

    Attributes
    ----------
    nbands, dim : int
    closed_form : bool
        True when lambdified closed forms are used, False for the numeric
        sum over states.
    hbar : mpf
    """

    def __init__(self, model, params, a, i, dps):
        self.model = model
        self.a, self.i = AXES[axis_index(a, "spin component a")], AXES[axis_index(i, "momentum axis i")]
        model.momentum(self.i)
        self.dps = dps
        self.values = parameter_values(model, params, dps)
        self.dim = model.dim
        self.nbands = model.N
        self._pnames = sorted(self.values)
        psyms = [model.symbol(n) for n in self._pnames]
        self._args = list(model._momenta) + psyms
        self._pvals = [self.values[n] for n in self._pnames]
        hb = model._hbar
        with mp.workdps(dps):
            self.hbar = mp.mpf(self.values[hb.name]) if isinstance(hb, sp.Symbol) else \
                mp.mpf(str(sp.N(hb, dps + 5)))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SymgravWarning)
                om, mm, _, _, _ = _spin_geometry(model, self.a, self.i)
                st = _structure(model)
                eps = [st.energy(n) for n in range(len(st.bands))]
            self.closed_form = True
        except SymgravError:
            self.closed_form = False
        if self.closed_form:
            grads = [e.diff(p) for e in eps for p in model._momenta]
            exprs = list(eps) + grads + list(om) + list(mm)
            self._mp = sp.lambdify(self._args, exprs, modules="mpmath", cse=True)
            self._np = sp.lambdify(self._args, exprs, modules="numpy", cse=True)
            self._fr = _mpfr_lambdify(self._args, exprs)
        else:
            self._fr = None
            H = model._H
            mats = [H] + [H.diff(p) for p in model._momenta] + [model._spin[axis_index(self.a)]]
            self._mats_mp = sp.lambdify(self._args, mats, modules="mpmath", cse=True)
            self._mats_np = sp.lambdify(self._args, mats, modules="numpy", cse=True)
        self._iv = axis_index(self.i)

    # ------------------------------------------------------------------
    def at(self, k):
        """Band data at momentum ``k`` (sequence of mpf, length dim).

        Returns
        -------
        eps, grad, omega, moment : lists over bands
            Energies, gradients (list of dim mpf per band), Omega_{an}^i
            (Eq. 8b) and m_{an}^i (Eq. 8c).
        """
        if self.closed_form:
            try:
                vals = self._mp(*k, *self._pvals)
            except ZeroDivisionError:
                vals = None
            if vals is None or not all(mp.isfinite(v) for v in vals):
                raise SymgravError(
                    f"band energies, Omega (8b) or m (8c) are singular at k = "
                    f"{[mp.nstr(c, 8) for c in k]} (bands degenerate there?); the "
                    "susceptibility integrals are not defined for these parameters")
            N, d = self.nbands, self.dim
            eps = vals[:N]
            grads = [vals[N + n * d: N + (n + 1) * d] for n in range(N)]
            om = vals[N + N * d: 2 * N + N * d]
            mm = vals[2 * N + N * d:]
            return eps, grads, om, mm
        return self._sum_over_states(k)

    @property
    def has_mpfr(self):
        """True when :meth:`at_mpfr` is available (closed forms that run in gmpy2)."""
        if self._fr is None:
            return False
        if not hasattr(self, "_fr_checked"):
            self._fr_checked = self._check_mpfr()
        return self._fr_checked

    def _check_mpfr(self):
        # the gmpy2 callable must give mpfr numbers equal to the mpmath ones
        with mp.workdps(self.dps):
            k = [mp.mpf(0.3 + 0.17 * j) for j in range(self.dim)]
            try:
                ref = self._mp(*k, *self._pvals)
                with gmpy2.context(gmpy2.get_context(), precision=mp.mp.prec):
                    from .window import to_mpfr, to_mpf
                    got = self._fr(*[to_mpfr(x) for x in k], *[to_mpfr(v) for v in self._pvals])
                    if not all(isinstance(g, gmpy2.mpfr) for g in got):
                        return False
                    got = [to_mpf(g) for g in got]
            except Exception:  # noqa: BLE001 -- any failure means: no gmpy2 path
                return False
            tol = mp.mpf(2) ** (-mp.mp.prec + 16)
            return all(abs(g - r) <= tol * (1 + abs(r)) for g, r in zip(got, ref))

    def at_mpfr(self, k):
        """Band data at momentum ``k`` (sequence of gmpy2 mpfr) as one flat list of mpfr.

        Layout: N energies, N*dim gradient components (band-major), N values of
        Omega (8b), N of m (8c).  Runs at the precision of the current gmpy2
        context; only when :attr:`has_mpfr`.  Non-finite values mean a
        singular point (see :meth:`at`).
        """
        return self._fr(*k, *self._pvals_fr())

    def _pvals_fr(self):
        prec = gmpy2.get_context().precision
        cache = getattr(self, "_pfr_cache", None)
        if cache is None or cache[0] != prec:
            from .window import to_mpfr
            cache = (prec, [to_mpfr(v) for v in self._pvals])
            self._pfr_cache = cache
        return cache[1]

    def _sum_over_states(self, k):
        mats = self._mats_mp(*k, *self._pvals)
        H = mp.matrix(mats[0])
        dH = [mp.matrix(m) for m in mats[1:1 + self.dim]]
        S = mp.matrix(mats[-1])
        E, Q = mp.eighe(H) if hasattr(mp, "eighe") else mp.eigh(H)
        N = self.nbands
        cols = [Q[:, n] for n in range(N)]
        vmat = [[(cols[n].H * dH[self._iv] * cols[m])[0] for m in range(N)] for n in range(N)]
        smat = [[(cols[n].H * S * cols[m])[0] for m in range(N)] for n in range(N)]
        grads = [[mp.re((cols[n].H * dH[j] * cols[n])[0]) for j in range(self.dim)]
                 for n in range(N)]
        tol = mp.mpf(10) ** (-(self.dps // 2))
        scale = max(mp.mpf(1), max(abs(e) for e in E))
        om, mm = [], []
        for n in range(N):
            o = mp.mpf(0)
            m_ = mp.mpf(0)
            for m in range(N):
                if m == n:
                    continue
                x = mp.im(vmat[n][m] * smat[m][n])
                gap = E[n] - E[m]
                if abs(gap) < tol * scale:
                    if abs(vmat[n][m]) * abs(smat[m][n]) < tol * scale:
                        continue
                    raise SymgravError(
                        f"bands {n} and {m} are degenerate at k = {[mp.nstr(c, 8) for c in k]} "
                        "and coupled by v and s: Omega (8b) and m (8c) are singular there")
                o += -2 * self.hbar * x / gap ** 2
                m_ += self.hbar * x / gap
            om.append(o)
            mm.append(m_)
        return list(E), grads, om, mm

    def energies_np(self, K):
        """Band energies (N, npoints) in double precision at momenta K (dim, npoints)."""
        K = [np.asarray(c, dtype=float) for c in K]
        pv = [float(v) for v in self._pvals]
        if self.closed_form:
            vals = self._np(*K, *pv)
            N, d = self.nbands, self.dim
            eps = [np.broadcast_to(np.asarray(v, dtype=float), K[0].shape) for v in vals[:N]]
            grads = [[np.broadcast_to(np.asarray(vals[N + n * d + j], dtype=float), K[0].shape)
                      for j in range(d)] for n in range(N)]
            return np.array(eps), np.array(grads)
        npts = K[0].size
        eps = np.empty((self.nbands, npts))
        grads = np.empty((self.nbands, self.dim, npts))
        for q in range(npts):
            mats = self._mats_np(*[c.flat[q] for c in K], *pv)
            H = np.array(mats[0], dtype=complex)
            E, U = np.linalg.eigh(H)
            eps[:, q] = E
            for j in range(self.dim):
                dH = np.array(mats[1 + j], dtype=complex)
                grads[:, j, q] = np.real(np.einsum("in,ij,jn->n", U.conj(), dH, U))
        return eps, grads


_GMPY2_NAMES = {
    "mpf": gmpy2.mpfr, "sqrt": gmpy2.sqrt, "exp": gmpy2.exp, "log": gmpy2.log,
    "cos": gmpy2.cos, "sin": gmpy2.sin, "tan": gmpy2.tan, "cosh": gmpy2.cosh,
    "sinh": gmpy2.sinh, "tanh": gmpy2.tanh, "atan": gmpy2.atan, "asin": gmpy2.asin,
    "acos": gmpy2.acos, "atan2": gmpy2.atan2, "fabs": abs, "Abs": abs,
}


def _mpfr_lambdify(args, exprs):
    """Lambdify exprs for gmpy2 mpfr arguments (mpmath printer, gmpy2 names); None if impossible."""
    try:
        return sp.lambdify(args, exprs, modules=[_GMPY2_NAMES], printer=_MpfrPrinter, cse=True)
    except Exception:  # noqa: BLE001 -- unsupported function: no gmpy2 path
        return None


class _MpfrPrinter(MpmathPrinter):
    """MpmathPrinter without the 'mpmath.' prefix, so the names resolve to gmpy2."""

    def _module_format(self, fqn, register=True):
        return fqn.split(".")[-1]

    def _print_Pi(self, expr):
        return "const_pi()"

    def _print_Float(self, e):
        # the exact binary value, as MpmathPrinter: sign, mantissa, exponent
        sign, man, exp, _ = e._mpf_
        return f"mul_2exp(mpf({-int(man) if sign else int(man)}), {int(exp)})"

    def _print_Pow(self, expr, rational=False):
        # x**(p/2) as sqrt(x)**p: mpfr's general power goes through exp/log
        e = expr.exp
        if e.is_Rational and e.q == 2:
            root = f"sqrt({self._print(expr.base)})"
            return root if e.p == 1 else f"{root}**({int(e.p)})"
        return super()._print_Pow(expr, rational=rational)


_GMPY2_NAMES["const_pi"] = gmpy2.const_pi
_GMPY2_NAMES["mul_2exp"] = gmpy2.mul_2exp


def numeric_geometry(model, params, a="x", i="x", dps=30):
    """Numeric callables for the band data of Eqs. (8b), (8c) at given parameters.

    The symbolic results of :func:`symgrav.spin_berry_curvature` and
    :func:`symgrav.spin_magnetic_moment` are lambdified where they exist;
    otherwise the sums over states are evaluated numerically per momentum.

    Parameters
    ----------
    model : Model
    params : dict
        A value for every free parameter (name or symbol -> number/str/mpf).
    a, i : {"x", "y", "z"}
        Spin and momentum components.
    dps : int
        Working precision in decimal digits (>= 15).

    Returns
    -------
    BandData
        ``.at(k)`` gives (energies, gradients, Omega, m) at momentum k.
    """
    if not isinstance(model, Model):
        raise SymgravError(f"expected a symgrav.Model; got {type(model).__name__}")
    return BandData(model, params, a, i, dps)
