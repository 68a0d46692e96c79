"""The Fermi-window route (App. E): every quantity as a window average of T = 0 functions.

All quantities are linear in the occupations, so at T > 0 each one is an
average over the Fermi window -f'(x) of functions of the shifted Fermi energy
mu + T x (:class:`~symgrav.numeric.weights.WindowForms`).  This route
evaluates that average with the Gauss rules of
:mod:`symgrav.numeric.fermi_window`: the T = 0 integrals at mu
(Z^mu_gl = sum_n int g_n xi^l theta(-xi), integrated along the lines with the
one integrand of :mod:`symgrav.numeric.line_integral`), and the branch
integrals I_gl and densities D_g at mu + T x_k
(:mod:`symgrav.numeric.chebyshev`).

It applies to Fermi statistics at T > 0 in continuum models covered by rays
(1D, isotropic 2D/3D), for quantities whose weights are linear in f, G, df
with coefficients polynomial in xi and T.  The rule integrates the analytic
continuation of the zero-temperature functions, which have kinks or
square-root points at band-extremum and band-edge energies felt at ~x e^-x at
a distance x T from mu; so every such energy must be at least X T away,
X e^-X = 10^-(dps + 6), and two successive rules must agree.
:meth:`WindowEvaluator.evaluate` raises :class:`NotApplicable` with the
reason otherwise.
"""

from __future__ import annotations

import mpmath as mp

from ..symbolic.quantities import zero_temperature_quantities
from .chebyshev import Branch, BranchError
from .fermi_window import fermi_window_rule, rules_for
from .line_integral import LineContext, integrate_line
from .weights import WeightSet, WindowForms


class NotApplicable(Exception):
    """A route does not apply at this point; the message says why."""


class WindowEvaluator:
    """The App. E route for one quantity set, band data and backend.

    Parameters
    ----------
    bands : BandData
    backend : Backend
    layout : Layout
    quantities : sequence of Quantity
    dps : int
        Digits of the results (sets the thermal threshold X and tolerances).
    features : callable
        (line, mu, T) -> LineFeatures (the engine's memoized ones).
    """

    def __init__(self, bands, backend, layout, quantities, dps, features):
        self.bands, self.backend, self.layout, self.dps = bands, backend, layout, dps
        self.features = features
        self.forms = WindowForms(quantities, backend)
        self.count = len(quantities)
        self._zero_cache = {}
        self._rules = {}
        self._edges = None
        if self.forms.applies:
            aux = WeightSet(zero_temperature_quantities(self.forms.constants), backend)
            with backend.context():
                eps = backend.num(mp.mpf(10) ** (-(dps + 3)))
            self._aux = LineContext(bands, backend, aux, "fermi", eps)

    def static_reason(self, statistics, T):
        """Why the route cannot apply regardless of mu ("" when it may)."""
        if statistics != "fermi":
            return "Bose statistics (the window -f' is the Fermi one)"
        if T == 0:
            return "T = 0 (no thermal window to average over)"
        if self.layout.window_lines() is None:
            return ("lattice model" if self.layout.kind == "lattice" else
                    "anisotropic continuum model (needs 1D or isotropic band data)")
        if not self.forms.applies:
            return self.forms.reason
        return ""

    def evaluate(self, mu, T, margin):
        """The quantities at (mu, T) as backend scalars, or raise NotApplicable."""
        B = self.backend
        lines = self.layout.window_lines()
        X = mp.log(10) * (self.dps + 6)
        X += mp.log(X)
        XT = B.num(X) * T
        if self._edges is None:
            # band energies at p = 0, where rays start (a band bottom or a top)
            eps, _, _, _ = self.bands.evaluate(B, lines[0].points(B, B.pack([B.num(0)])))
            self._edges = [e[0] for e in eps]
        feats = [self.features(line, mu, T) for line in lines]
        kinks = list(self._edges) + [e for f in feats for _, _, e in f.extrema]
        near = [e for e in kinks if abs(e - mu) <= XT]
        if near:
            raise NotApplicable(f"a band edge or extremum at {mp.nstr(B.mpf(near[0]), 8)} lies "
                                f"within {mp.nstr(X, 3)} T of mu (the window average would "
                                "feel its kink)")
        if any(v == 0 for f in feats for _, _, v in f.fermi):
            raise NotApplicable("a Fermi point with zero velocity")
        if not any(f.fermi for f in feats):
            raise NotApplicable("mu lies below every band (only exponential tails)")
        with B.context():
            # relative tolerances of the series and of the rules, never below the
            # rounding level of the backend (double precision: a few ulp)
            ulp = mp.ldexp(1, -B.prec)
            tol = B.num(max(mp.mpf(10) ** (-(self.dps + 6)), 256 * ulp))
            rule_tol = max(mp.mpf(10) ** (-(self.dps + 3)), 1024 * ulp)

        def branches(n):
            reach = B.num(fermi_window_rule(n, B.prec)[0][-1]) * T * B.num("1.05")
            if reach >= XT:
                return None
            out = []
            try:
                for f in feats:
                    for t, k, v in f.fermi:
                        # the span stays between the band's neighbouring extrema
                        lo = max([f.lo] + [c for c, n_, _ in f.extrema if n_ == k and c < t])
                        hi = min([f.hi] + [c for c, n_, _ in f.extrema if n_ == k and c > t])
                        out.append(Branch(self.bands, B, f.line, k, t, v, mu, reach, lo, hi,
                                          tol, self.forms.series, self.forms.densities))
            except BranchError as exc:
                raise NotApplicable(f"Chebyshev branch: {exc}") from None
            return out

        rules = rules_for(self.dps)
        first = branches(rules[2])
        if first is None:
            raise NotApplicable("the Gauss rule reaches beyond the threshold X T")
        zero = self._zero_temperature(mu, feats, margin)
        consts = self._constant_parts(zero, T)
        prev, brs = None, first
        for q, n in enumerate(rules):
            if q >= 3:
                brs = branches(n)
                if brs is None:
                    break
            cur, size = self._rule_sums(brs, T, n)
            if prev is not None:
                if all(B.mpf(abs(prev[k] - cur[k])) <= rule_tol * (B.mpf(abs(consts[k][1]))
                                                                    + size[k])
                       + mp.ldexp(1, -B.prec) for k in range(self.count)):
                    return [consts[k][0] + cur[k] for k in range(self.count)]
            prev = cur
        raise NotApplicable("successive Fermi-window rules do not agree")

    def _zero_temperature(self, mu, feats, margin):
        """Z^mu_gl: the T = 0 integrals of g xi^l theta(-xi) along the rays, summed."""
        if mu not in self._zero_cache:
            B = self.backend
            total = [B.num(0)] * len(self.forms.constants)
            for f in feats:
                vals, _ = integrate_line(self._aux, f, mu, B.num(0), margin)
                total = [x + y for x, y in zip(total, vals)]
            self._zero_cache[mu] = total
        return self._zero_cache[mu]

    def _constant_parts(self, zero, T):
        """Per quantity (sum_gl C_gl(T) Z^mu_gl, sum of |terms|)."""
        out = []
        for row in self.forms.constant(T):
            terms = [c * z for c, z in zip(row, zero)]
            out.append((sum(terms, self.backend.num(0)),
                        sum((abs(x) for x in terms), self.backend.num(0))))
        return out

    def _rule_sums(self, branches, T, n):
        B = self.backend
        key = (n, B)
        if key not in self._rules:
            xs, ws = fermi_window_rule(n, B.prec)
            self._rules[key] = [(B.num(x), B.num(w)) for x, w in zip(xs, ws)]
        nser = len(self.forms.series)
        zero = B.num(0)
        acc = [zero] * self.count
        size = [zero] * self.count
        for x, w in self._rules[key]:
            y = T * x
            parts = [br.at(y) for br in branches]
            if len(parts) == 1:
                total = parts[0]
                mags = [abs(v) for v in total]
            else:
                total = [sum(col, zero) for col in zip(*parts)]
                mags = [sum(map(abs, col), zero) for col in zip(*parts)]
            for q, coef in enumerate(self.forms.node(y, T)):
                val = mag = zero
                for k, c in enumerate(coef):
                    if c:
                        # X = ... + < sum P_gl I_gl - sum c_g D_g > (WindowForms)
                        val = val + c * total[k] if k < nser else val - c * total[k]
                        mag += abs(c) * mags[k]
                acc[q] += w * val
                size[q] += w * mag
        return acc, [B.mpf(s) for s in size]
