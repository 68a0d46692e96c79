"""The Fermi-window average of the closed-form T = 0 functions (App. E, issue 10 item 4).

For 1D and isotropic continuum models SymPy gives the T = 0 integrals
Z_gk(E) = sum_n int g_n (eps_n - E)^k theta(E - eps_n) (g = Omega of Eq. 8b,
m of Eq. 8c) as ``Piecewise`` functions of the Fermi energy
(:func:`symgrav.symbolic.zero_temperature.zero_temperature_pieces`).  Every
quantity linear in the occupations is then the one-dimensional average

    X(mu, T) = int dx (-f'(x)) G(mu + T x),
    G(E) = sum A_gk(E - mu, T) Z_gk^(j)(E)          (:func:`~symgrav.symbolic.sommerfeld.window_integrand`)

and at T = 0 simply G(mu).  :class:`ClosedFormEvaluator` evaluates G branch by
branch (lambdified into mpmath) and averages it over the window: with the
Gauss rule of :mod:`symgrav.numeric.fermi_window` when no band edge lies
within X T of mu (two successive rules must agree), otherwise with tanh-sinh
quadrature split exactly at the band edges, where G has its kinks and
square-root points (the exact behaviour there, instead of the graded route).
Quantities, statistics and models outside this scope raise
:class:`NotApplicable` with the reason.
"""

from __future__ import annotations

import mpmath as mp
import sympy as sp
from mpmath.calculus.quadrature import GaussLegendre

from ..errors import SymgravError
from ..symbolic.quantities import TEMP
from ..symbolic.sommerfeld import CHEMICAL_POTENTIAL, FERMI_ENERGY, window_integrand
from ..symbolic.zero_temperature import params_key, radial_model
from .fermi_window import fermi_window_rule, rules_for
from .window_route import NotApplicable

_GL = GaussLegendre(mp.mp)

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
            per_q = [window_integrand(model, q, a, i, key) for q in quantities]
        except SymgravError as exc:
            raise NotApplicable(f"no closed form: {exc}") from None
        #: rows[n]: the expressions of G_q on branch n, one per quantity
        self.rows = [list(r) for r in zip(*per_q)]
        self.exact_edges = [sp.sympify(e) for e in exact]
        self.edges = [mp.mpf(sp.Float(e, dps + 20)) for e in edges]
        self.funcs = [self._lambdify(_E, row) for row in self.rows]
        self._shifted = {}

    @staticmethod
    def _lambdify(var, row):
        """One mpmath function of (var, mu, T) for all quantities (shared subexpressions)."""
        if all(r == 0 for r in row):
            return None
        return sp.lambdify([var, _MU0, TEMP], row, "mpmath", cse=True)

    def _near_edge(self, n, k):
        """Branch n as a function of delta = E - edge_k (exact cancellations at the edge)."""
        if (n, k) not in self._shifted:
            row = [r.xreplace({_E: self.exact_edges[k] + _DELTA}) for r in self.rows[n]]
            self._shifted[n, k] = self._lambdify(_DELTA, row)
        return self._shifted[n, k]

    def _branch(self, E):
        n = 0
        while n < len(self.edges) and E >= self.edges[n]:
            n += 1
        return n

    def _values(self, E, mu, T):
        f = self.funcs[self._branch(E)]
        return [mp.mpf(0)] * self.count if f is None else [mp.re(v) for v in f(E, mu, T)]

    def evaluate(self, mu, T):
        """Every quantity at (mu, T) as mpf (at the current mpmath precision)."""
        if T == 0:
            return self._values(mu, mu, mp.mpf(0))
        X = mp.log(10) * (self.dps + 6)
        X += mp.log(X)
        if not any(abs(e - mu) <= X * T for e in self.edges):
            out = self._gauss(mu, T, X)
            if out is not None:
                return out
        return self._pieces(mu, T, X)

    def _pieces(self, mu, T, X):
        """int dE w((E - mu)/T)/T G_q(E) for every q, split at mu +- c T and at the edges.

        Next to an edge the integration variable is s with E = edge +- s^2: the
        closed form is then evaluated at delta = +-s^2 from the exact edge (no
        cancellation in E - edge) and its square-root behaviour becomes smooth,
        so Gauss-Legendre rules (shared by all quantities, doubled until two
        agree) converge; tanh-sinh per quantity is the fallback.
        """
        def weight(E):
            e = mp.exp(-abs(E - mu) / T)
            return e / (T * (1 + e) ** 2)
        count = self.count
        lo, hi = mu - X * T, mu + X * T
        cuts = {(mu + c * T, None) for c in (-X, -12, -3, 0, 3, 12, X)}
        cuts |= {(e, k) for k, e in enumerate(self.edges) if lo < e < hi}
        cuts = sorted(cuts, key=lambda c: c[0])
        jobs = []
        for (a, ka), (b, kb) in zip(cuts, cuts[1:]):
            n = self._branch((a + b) / 2)
            if b <= a or self.funcs[n] is None:
                continue
            near = 0 if a <= mu <= b else min(abs(a - mu), abs(b - mu))
            if ka is None and kb is None:
                def vec(E, f=self.funcs[n]):
                    w = weight(E)
                    return [w * mp.re(v) for v in f(E, mu, T)]
                jobs.append((near, vec, a, b))
                continue
            mid = (a + b) / 2 if ka is not None and kb is not None else None
            for k, sign, far in ((ka, 1, b if mid is None else mid),
                                 (kb, -1, a if mid is None else mid)):
                if k is None:
                    continue

                def vec(t, f=self._near_edge(n, k), e=self.edges[k], sign=sign):
                    d = sign * t * t
                    w = 2 * t * weight(e + d)
                    return [w * mp.re(v) for v in f(d, mu, T)]
                jobs.append((near, vec, mp.mpf(0), mp.sqrt(abs(far - self.edges[k]))))
        # the pieces at mu first: their size sets the absolute tolerance of the far ones
        total, scale = [mp.mpf(0)] * count, mp.mpf(0)
        for _, vec, x0, x1 in sorted(jobs, key=lambda j: j[0]):
            vals, size = self._rule(vec, x0, x1, count, scale)
            total = [t + v for t, v in zip(total, vals)]
            scale = max(scale, size)
        return total

    def _rule(self, vec, a, b, count, scale):
        """(int_a^b vec, int_a^b |vec|): Gauss-Legendre of degree 3, 4, ... until two agree.

        Agreement is to 10^-(dps + 4) of the larger of this piece's size and
        ``scale`` (the pieces at mu); tanh-sinh per quantity is the fallback.
        """
        tol = mp.mpf(10) ** -(self.dps + 4)
        prev = None
        for degree in range(3, 8):
            nodes = _GL.get_nodes(a, b, degree, mp.mp.prec)
            cur = [mp.mpf(0)] * count
            size = mp.mpf(0)
            for x, w in nodes:
                vals = vec(x)
                cur = [c + w * v for c, v in zip(cur, vals)]
                size += w * sum(abs(v) for v in vals)
            if prev is not None and all(abs(c - p) <= tol * max(size, scale) + mp.eps
                                        for c, p in zip(cur, prev)):
                return cur, size
            prev = cur
        return [mp.quad(lambda x, q=q: vec(x)[q], [a, b]) for q in range(count)], size

    def _gauss(self, mu, T, X):
        """The Fermi-window Gauss rules, or None when two successive ones do not agree."""
        prec = mp.mp.prec
        tol = mp.mpf(10) ** -(self.dps + 3)
        prev = None
        for n in rules_for(self.dps)[1:]:
            xs, ws = fermi_window_rule(n, prec)
            if xs[-1] * mp.mpf("1.05") >= X:
                return None
            cur = [mp.mpf(0)] * self.count
            for x, w in zip(xs, ws):
                cur = [c + w * v for c, v in zip(cur, self._values(mu + T * x, mu, T))]
            if prev is not None and all(abs(c - p) <= tol * (1 + abs(c))
                                        for c, p in zip(cur, prev)):
                return cur
            prev = cur
        return None
