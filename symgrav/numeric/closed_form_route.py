"""The Fermi-window average of the closed-form T = 0 functions (App. E, issue 10 item 4).

For 1D and isotropic continuum models SymPy gives the T = 0 integrals
Z_gk(E) = sum_n int g_n (eps_n - E)^k theta(E - eps_n) (g = Omega of Eq. 8b,
m of Eq. 8c) as ``Piecewise`` functions of the Fermi energy
(:func:`symgrav.symbolic.zero_temperature.zero_temperature_pieces`).  Every
quantity linear in the occupations is then the one-dimensional average

    X(mu, T) = int dx (-f'(x)) G(mu + T x),
    G(E) = sum A_gk(E - mu, T) Z_gk^(j)(E)          (:func:`~symgrav.symbolic.sommerfeld.window_basis`)

and at T = 0 simply G(mu).  :class:`ClosedFormEvaluator` evaluates G branch by
branch as coefficients (polynomials in E - mu and T) times the few distinct T = 0
functions the quantities need, in gmpy2 mpfr on whole arrays of nodes, and
averages it over the window: with the Gauss rule of
:mod:`symgrav.numeric.fermi_window` when no band edge lies within X T of mu (two
successive rules must agree), otherwise with Gauss-Legendre pieces split at
mu +- (3, 12, X) T and exactly at the band edges, where G has its kinks and
square-root points; next to an edge in the variable s with E = edge +- s^2 (the
exact behaviour there, instead of the graded route).
Quantities, statistics and models outside this scope raise
:class:`NotApplicable` with the reason.
"""

from __future__ import annotations

from functools import lru_cache

import gmpy2
import mpmath as mp
import numpy as np
import sympy as sp
from mpmath.calculus.quadrature import GaussLegendre

from ..errors import SymgravError
from ..symbolic.quantities import TEMP
from ..symbolic.sommerfeld import CHEMICAL_POTENTIAL, FERMI_ENERGY, window_basis
from ..symbolic.zero_temperature import params_key, radial_model
from .arith import mpf_to_mpfr, mpfr_to_mpf
from .fermi_window import fermi_window_rule, rules_for
from .gmpy2_code import MPFR_NAMES, lambdify_mpfr
from .window_route import NotApplicable

_GL = GaussLegendre(mp.mp)
_MPFR = type(gmpy2.mpfr(0))
_EXP = MPFR_NAMES["exp"]

#: the chemical potential and the Fermi energy E of G(E; mu, T)
_MU0, _E = CHEMICAL_POTENTIAL, FERMI_ENERGY
#: the distance E - edge of the Fermi energy from a band edge
_DELTA = sp.Symbol("delta", real=True)


def static_reason(model, statistics, quantities):
    """Why the closed-form route cannot apply ("" when it may), without any SymPy work."""
    if statistics != "fermi":
        return "Bose statistics (the window -f' is the Fermi one)"
    if getattr(model, "lattice", True) or not hasattr(model, "H_real"):
        return "lattice or tight-binding model (closed forms exist for continuum models)"
    for q in quantities:
        form, reason = q.window_form()
        if form is None:
            return reason
    return ""


def closed_form_evaluator(model, params, a, i, quantities, dps):
    """The :class:`ClosedFormEvaluator` of (model, params, a, i, quantities, dps), made once.

    Shared by every engine of the same model and parameters (the SymPy work and
    the generated code are per model, not per engine).
    """
    return _evaluator(model, params_key(params), a, i, tuple(quantities), dps)


@lru_cache(maxsize=32)
def _evaluator(model, key, a, i, quantities, dps):
    return ClosedFormEvaluator(model, dict(key), a, i, quantities, dps)


class ClosedFormEvaluator:
    """G(E) of every quantity, branch by branch, and its Fermi-window average.

    Parameters
    ----------
    model : Model
    params : dict
        The parameter values as the user gave them (read exactly).
    a, i : str
    quantities : sequence of Quantity
    dps : int
        Digits of the results.

    Raises
    ------
    NotApplicable
        No closed form (anisotropic model, SymPy cannot do an integral, ...).
    """

    def __init__(self, model, params, a, i, quantities, dps):
        key = params_key(params)
        self.dps, self.count = dps, len(quantities)
        try:
            exact, edges = radial_model(model, a, i, key).edges()
            basis, coefs, rows = window_basis(model, quantities, a, i, key)
        except SymgravError as exc:
            raise NotApplicable(f"no closed form: {exc}") from None
        #: rows[n]: d^j Z_gk / dE^j on branch n, one per element of ``basis``
        self.basis, self.rows = basis, rows
        #: G_q(E) = sum_m coefficient[q][m](E - mu, T) * basis_m(E)
        self.coefficients = _compiled((_E, _MU0, TEMP), tuple(c for row in coefs for c in row))
        self.exact_edges = [sp.sympify(e) for e in exact]
        self.edges = [mp.mpf(sp.Float(e, dps + 20)) for e in edges]
        self.funcs = [self._combine(_compiled((_E,), tuple(row)), None)
                      if any(r != 0 for r in row) else None for row in self.rows]
        self._shifted = {}
        for k in range(len(self.edges)):  # compile the functions next to every edge now
            for n in (k, k + 1):
                if self.funcs[n] is not None:
                    self._near_edge(n, k)

    def _combine(self, basis_fn, shift):
        return _Combined(basis_fn, self.coefficients, shift, self.count, len(self.basis))

    def _near_edge(self, n, k):
        """Branch n as a function of delta = E - edge_k (exact cancellations at the edge)."""
        if (n, k) not in self._shifted:
            row = [r.xreplace({_E: self.exact_edges[k] + _DELTA}) for r in self.rows[n]]
            self._shifted[n, k] = self._combine(_compiled((_DELTA,), tuple(row)), self.edges[k])
        return self._shifted[n, k]

    def _branch(self, E):
        n = 0
        while n < len(self.edges) and E >= self.edges[n]:
            n += 1
        return n

    def _values(self, E, mu, T):
        f = self.funcs[self._branch(E)]
        if f is None:
            return [mp.mpf(0)] * self.count
        with gmpy2.context(gmpy2.get_context(), precision=mp.mp.prec):
            vals = f.arrays(_pack([E]), mpf_to_mpfr(mu), mpf_to_mpfr(T))
            return [mpfr_to_mpf(v[0]) for v in vals]

    def evaluate(self, mu, T):
        """Every quantity at (mu, T) as mpf (at the current mpmath precision).

        Raises NotApplicable where the closed forms are singular (a Fermi-surface
        term exactly at a band edge, say).
        """
        out = self._evaluate(mu, T)
        if not all(mp.isfinite(v) for v in out):
            raise NotApplicable(f"the closed forms are singular at mu = {mp.nstr(mu, 10)}")
        return out

    def _evaluate(self, mu, T):
        if T == 0:
            return self._values(mu, mu, mp.mpf(0))
        X = mp.log(10) * (self.dps + 6)
        X += mp.log(X)
        if self.funcs[self._branch(mu)] is None and self.edges and mu < self.edges[0]:
            # below every band: only the exponentially small tail above the lowest edge,
            # integrated as a window around that edge (to the digits of the tail itself)
            return self._pieces(mu, T, X, center=self.edges[0])
        if not any(abs(e - mu) <= X * T for e in self.edges):
            out = self._gauss(mu, T, X)
            if out is not None:
                return out
        return self._pieces(mu, T, X)

    def _pieces(self, mu, T, X, center=None):
        """int dE w((E - mu)/T)/T G_q(E) for every q, split at c +- x T and at the edges.

        The window is centred at ``center`` (default mu; above mu only when G = 0
        below it, then the weight is scaled by e^((center - mu)/T) during the
        integration so that the rules' tolerances are relative to the tail).

        Next to an edge the integration variable is s with E = edge +- s^2: the
        closed form is then evaluated at delta = +-s^2 from the exact edge (no
        cancellation in E - edge) and its square-root behaviour becomes smooth,
        so Gauss-Legendre rules (shared by all quantities, doubled until two
        agree) converge; tanh-sinh per quantity is the fallback.
        """
        # the integrands run in gmpy2 mpfr at the working precision, on whole arrays of
        # nodes (numpy object arrays; mpf in, mpf out)
        mu_r, T_r = mpf_to_mpfr(mu), mpf_to_mpfr(T)
        center = mu if center is None else center
        shift = mpf_to_mpfr((center - mu) / T)

        def weight(E):
            x = abs(E - mu_r) / T_r
            e = _EXP(-x)
            return _EXP(shift - x) / (T_r * (1 + e) ** 2)
        count = self.count
        lo, hi = center - X * T, center + X * T
        cuts = {(center + c * T, None) for c in (-X, -12, -3, 3, 12, X)}
        cuts |= {(e, k) for k, e in enumerate(self.edges) if lo < e < hi}
        cuts = sorted(cuts, key=lambda c: c[0])
        jobs = []
        for (a, ka), (b, kb) in zip(cuts, cuts[1:]):
            n = self._branch((a + b) / 2)
            if b <= a or self.funcs[n] is None:
                continue
            near = 0 if a <= center <= b else min(abs(a - center), abs(b - center))
            if ka is None and kb is None:
                def vec(E, f=self.funcs[n]):
                    w = weight(E)
                    return [w * v for v in f.arrays(E, mu_r, T_r)]
                jobs.append((near, vec, a, b))
                continue
            mid = (a + b) / 2 if ka is not None and kb is not None else None
            for k, sign, far in ((ka, 1, b if mid is None else mid),
                                 (kb, -1, a if mid is None else mid)):
                if k is None:
                    continue

                def vec(t, f=self._near_edge(n, k), e=mpf_to_mpfr(self.edges[k]), sign=sign):
                    d = sign * t * t
                    w = 2 * t * weight(e + d)
                    return [w * v for v in f.arrays(d, mu_r, T_r)]
                jobs.append((near, vec, mp.mpf(0), mp.sqrt(abs(far - self.edges[k]))))
        # the pieces at mu first: their size sets the absolute tolerance of the far ones
        total, scale = [mp.mpf(0)] * count, mp.mpf(0)
        for _, vec, x0, x1 in sorted(jobs, key=lambda j: j[0]):
            vals, size = self._rule(vec, x0, x1, count, scale)
            total = [t + v for t, v in zip(total, vals)]
            scale = max(scale, size)
        factor = mp.exp(-(center - mu) / T)
        return [t * factor for t in total]

    def _rule(self, vec, a, b, count, scale):
        """(int_a^b vec, int_a^b |vec|): Gauss-Legendre of degree 3, 4, ... until converged.

        Degree d has 3 2^(d-1) nodes.  A rule is accepted when it agrees with
        the previous one to 10^-(dps + 4) of the larger of this piece's size and
        ``scale`` (the pieces at mu), or -- as mpmath's quadrature does -- when
        the last three rules converge so fast that the extrapolated error
        10^(d1^2 / d2) (d1, d2 = log10 of the differences to the previous two)
        is below that tolerance.  tanh-sinh per quantity is the fallback.
        """
        tol = mp.mpf(10) ** -(self.dps + 4)
        history = []
        prec = mp.mp.prec
        with gmpy2.context(gmpy2.get_context(), precision=prec):
            for degree in range(3, 8):
                t, w0 = _legendre(degree, prec)
                half, mid = mpf_to_mpfr((b - a) / 2), mpf_to_mpfr((b + a) / 2)
                xs, ws = mid + half * t, half * w0
                vals = vec(xs)
                cur = [mpfr_to_mpf(ws.dot(v)) for v in vals]
                size = mpfr_to_mpf(ws.dot(sum(np.abs(v) for v in vals)))
                history.append(cur)
                if len(history) >= 2 and _converged(history, tol * max(size, scale) + mp.eps):
                    return cur, size

        def value(x, q):
            with gmpy2.context(gmpy2.get_context(), precision=prec):
                return mpfr_to_mpf(vec(_pack([x]))[q][0])
        return [mp.quad(lambda x, q=q: value(x, q), [a, b]) for q in range(count)], size

    def _gauss(self, mu, T, X):
        """The Fermi-window Gauss rules, or None when two successive ones do not agree."""
        prec = mp.mp.prec
        tol = mp.mpf(10) ** -(self.dps + 3)
        f = self.funcs[self._branch(mu)]
        prev = None
        with gmpy2.context(gmpy2.get_context(), precision=prec):
            mu_r, T_r = mpf_to_mpfr(mu), mpf_to_mpfr(T)
            for n in rules_for(self.dps):
                xs, ws = fermi_window_rule(n, prec)
                if xs[-1] * mp.mpf("1.05") >= X:
                    return None
                if f is None:  # no band below mu + X T
                    cur = [mp.mpf(0)] * self.count
                else:  # no edge within X T: one branch covers the window
                    vals = f.arrays(mu_r + T_r * _pack(xs), mu_r, T_r)
                    w = _pack(ws)
                    cur = [mpfr_to_mpf(w.dot(v)) for v in vals]
                if prev is not None and all(abs(c - p) <= tol * (1 + abs(c))
                                            for c, p in zip(cur, prev)):
                    return cur
                prev = cur
        return None


def _converged(history, bound):
    """The last rule of ``history`` is within ``bound`` (see ClosedFormEvaluator._rule)."""
    cur, prev = history[-1], history[-2]
    for k, c in enumerate(cur):
        d1 = abs(c - prev[k])
        if d1 <= bound:
            continue
        if len(history) < 3:
            return False
        d2 = abs(c - history[-3][k])
        if not 0 < d1 < d2 < 1:
            return False
        if mp.log10(d1) ** 2 / mp.log10(d2) > mp.log10(bound):
            return False
    return True


@lru_cache(maxsize=256)
def _compiled(args, row):
    """The :class:`_Compiled` function of a row (shared by every engine: lambdify once)."""
    return _Compiled(args, row)


class _Combined:
    """G_q(x) = sum_m C_qm(E - mu, T) B_m(x), E = x (or edge + x), on arrays of x."""

    def __init__(self, basis, coefficients, shift, count, size):
        self.basis, self.coefficients = basis, coefficients
        self.shift, self.count, self.size = shift, count, size

    def arrays(self, x, mu, T):
        """[G_q(x)] as object arrays of mpfr, from an object array x and mpfr mu, T.

        Inside the caller's gmpy2 context (its precision).
        """
        E = x if self.shift is None else mpf_to_mpfr(self.shift) + x
        C = self.coefficients.arrays(E, mu, T)
        M = self.size
        # a basis element whose coefficients vanish here (e.g. a Fermi-surface term at
        # T = 0) is not evaluated: it may be singular there (an edge), 0 * inf is not 0
        unused = {m for m in range(M)
                  if all(not any(C[q * M + m]) for q in range(self.count))}
        B = self.basis.arrays(x, skip=unused)
        return [sum(C[q * M + m] * B[m] for m in range(M) if m not in unused)
                if len(unused) < M else np.full(len(x), gmpy2.mpfr(0), dtype=object)
                for q in range(self.count)]


class _Compiled:
    """A row of closed forms evaluated in gmpy2 mpfr on numpy object arrays.

    Several times faster than mpmath; where gmpy2 gives a non-finite number (a
    complex intermediate, e.g. the square root of a rounding-level negative)
    that point is evaluated by the mpmath function and its real part taken.
    """

    def __init__(self, args, row):
        self._args, self._row = list(args), list(row)
        self._fast = lambdify_mpfr(self._args, self._row)
        self._slow = None

    def arrays(self, *args, skip=()):
        """The row at arrays of points: a list of object arrays shaped like the array args.

        Entries listed in ``skip`` are returned as zeros (not needed by the caller).
        A value that stays non-finite in mpmath too (a singular point) is NaN.
        """
        P = max(len(a) for a in args if isinstance(a, np.ndarray))
        out = []
        for j, v in enumerate(self._fast(*args)):
            if j in skip:
                out.append(np.full(P, gmpy2.mpfr(0), dtype=object))
            elif isinstance(v, np.ndarray):
                out.append(v)
            else:  # a constant
                out.append(np.full(P, gmpy2.mpfr(v), dtype=object))
        bad = [p for p in range(P) if not all(gmpy2.is_finite(v[p]) for v in out)]
        for p in bad:
            point = [mpfr_to_mpf(a[p] if isinstance(a, np.ndarray) else a) for a in args]
            for j, (v, y) in enumerate(zip(out, self._mpmath(point))):
                if j not in skip:
                    v[p] = mpf_to_mpfr(y)
        return out

    def _mpmath(self, args):
        if self._slow is None:
            self._slow = sp.lambdify(self._args, self._row, "mpmath", cse=True, dummify=True)
        try:
            return [mp.re(v) for v in self._slow(*args)]
        except ZeroDivisionError:
            return [mp.nan] * len(self._row)


@lru_cache(maxsize=32)
def _legendre(degree, prec):
    """Gauss-Legendre nodes and weights on [-1, 1] (mpmath's degree: 3 2^(d-1) nodes), as mpfr."""
    with gmpy2.context(gmpy2.get_context(), precision=prec):
        nodes = _GL.get_nodes(-1, 1, degree, prec)
        return _pack([x for x, _ in nodes]), _pack([w for _, w in nodes])


def _pack(values):
    """An object array of mpfr (current gmpy2 precision) from mpf or mpfr numbers."""
    out = np.empty(len(values), dtype=object)
    out[:] = [v if type(v) is _MPFR else mpf_to_mpfr(v) for v in values]
    return out
