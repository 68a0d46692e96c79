"""The paper's susceptibilities at arbitrary precision: Eqs. (8a), (19a,b), (20), (21), (B7a).

In natural units (q = 1, g mu_B / hbar = 1; measure d^d p / (2 pi hbar)^d or
d^d k / (2 pi)^d on a lattice), with xi = epsilon_n - mu and the weights of
:mod:`symgrav.numeric.statistics`:

    alpha     = sum_n int Omega_n f                               (19a)
    T beta~   = sum_n int (Omega_n xi + m_n) f                     (19b)
    M         = sum_n int (-Omega_n G + m_n f)                     (8a)
    M~        = sum_n int (Omega_n xi f + m_n (f + xi f'))         (B7a)
    T beta    = sum_n int Omega_n (xi f + G)                       (20)
    Mott      = (pi^2 T^2 / 3) sum_n int Omega_n delta(mu - eps_n) (21), (E1)

Two routes give the same numbers:

* Fermi-window route (App. E; :mod:`symgrav.numeric.window`,
  :mod:`symgrav.numeric.branches`).  All five are linear in the occupations,
  so at T > 0 they are averages over the Fermi window -f'(x) of
  zero-temperature functions of the Fermi energy, taken with a Gauss rule for
  that weight.  Used for Fermi statistics at T > 0 in isotropic continuum
  models and 1D continuum models with closed-form band data, when no band
  extremum or band edge lies within about 87 T (30 digits) of mu and two
  Gauss rules agree; about 10x faster than the graded route.
* Graded route, used everywhere else (lattice models, anisotropic continuum
  models, Bose statistics, T = 0, mu near band extrema).  Momentum space is
  cut into lines (radial rays of continuum models, Brillouin-zone lines of
  lattice models) integrated with Fermi points and band extrema as
  breakpoints and grading on the thermal scale (:mod:`symgrav.numeric.lines`).
  All five Fermi-sea integrals share one integrand evaluation.
"""

from __future__ import annotations

import random

import mpmath as mp

from ..errors import SymgravError
from ..symbolic.model import Model
from .bands import numeric_geometry
from .lines import Line, LineFeatures, fermi_surface_sum, line_integral
from .quadrature import integrate_pieces, periodic_trapezoid
from .transverse import integrate_family
from .statistics import check_statistics, weights_function
from .branches import Branch, BranchError, zero_temperature
from .window import RULES, fermi_window_rule, window_average

GUARD = 10  # extra working digits


def to_mpf(value, what):
    """Convert an int, float, str or mpf to mpf at the current precision."""
    try:
        out = mp.mpf(value)
    except (TypeError, ValueError):
        raise SymgravError(f"{what} = {value!r} is not a real number") from None
    if not mp.isfinite(out):
        raise SymgravError(f"{what} = {value!r} is not finite")
    return out


class Susceptibilities:
    """Magnetoelectric and gravito-magnetoelectric susceptibilities of a model.

    Parameters
    ----------
    model : Model
    params : dict
        A value for every free parameter of the model (int, float, str, mpf).
    a : {"x", "y", "z"}
        Spin component of the magnetization.
    i : {"x", "y", "z"}
        Direction of the electric field / temperature gradient.
    dps : int
        Decimal digits of the results (>= 15).
    statistics : {"fermi", "bose"}

    Notes
    -----
    Results are mpmath numbers in the natural units of PHYSICS.md.  ``T = 0``
    is the exact step-function limit: T_beta(T=0) = 0 and
    T_beta_kubo(T=0) = mqm(T=0).
    """

    def __init__(self, model, params, a="x", i="x", dps=30, statistics="fermi"):
        if not isinstance(model, Model):
            raise SymgravError(f"expected a symgrav.Model; got {type(model).__name__}")
        if not isinstance(dps, int) or dps < 15:
            raise SymgravError(f"dps must be an integer >= 15; got {dps!r}")
        self.model = model
        self.dps = dps
        self.statistics = check_statistics(statistics)
        self._weights = weights_function(self.statistics)
        self._wdps = dps + GUARD
        self.bands = numeric_geometry(model, params, a, i, self._wdps)
        self.params = dict(self.bands.values)
        self.a, self.i = self.bands.a, self.bands.i
        self._cache = {}
        self._zero_cache = {}
        self._routes = {}  # (mu, T) -> "window" or "graded" (benchmarks, tests)
        self._fmemo = (None, {})
        self._edges = None
        with mp.workdps(self._wdps):
            self.isotropic = (not model.lattice) and self._check_isotropic()

    # -- geometry of momentum space -------------------------------------
    def _check_isotropic(self):
        d = self.model.dim
        if d == 1:
            return False
        rng = random.Random(7)
        tol = mp.mpf(10) ** (-(self.dps - 5))
        for _ in range(3):
            r = mp.mpf(rng.uniform(0.2, 2.0))
            ref = None
            for _ in range(3):
                if d == 2:
                    th = mp.mpf(rng.uniform(0, 6.28))
                    k = (r * mp.cos(th), r * mp.sin(th))
                else:
                    u, ph = mp.mpf(rng.uniform(-1, 1)), mp.mpf(rng.uniform(0, 6.28))
                    s = mp.sqrt(1 - u * u)
                    k = (r * s * mp.cos(ph), r * s * mp.sin(ph), r * u)
                e, _, om, mm = self.bands.at(k)
                vals = list(e) + list(om) + list(mm)
                if ref is None:
                    ref = vals
                elif any(abs(x - y) > tol * (1 + abs(y)) for x, y in zip(vals, ref)):
                    return False
        return True

    def _measure(self):
        d = self.model.dim
        if self.model.lattice:
            return 1 / (2 * mp.pi) ** d
        return 1 / (2 * mp.pi * self.bands.hbar) ** d

    def _over_lines(self, per_line, ncomp, mu, T, fine=True):
        """Integrate per_line(Line) -> ncomp values over momentum space.

        In two dimensions the transverse integral (over k_y, or over the polar
        angle of an anisotropic continuum model) is split where the lines
        touch the Fermi surface at mu (:mod:`symgrav.numeric.transverse`);
        with ``fine`` at T = 0, lines within rounding distance of such a
        point are evaluated at twice the precision.
        """
        d, meas, eps = self.model.dim, self._measure(), mp.mpf(10) ** (-(self.dps + 3))
        zero = (mp.mpf(0),) * d
        margin = self._margin(T)
        if self.model.lattice:
            def line_at(*transverse):
                return Line((mp.mpf(0),) + transverse, (1,) + (0,) * (d - 1), meas, periodic=True)
            if d == 1:
                return per_line(line_at())
            if d == 2:
                return integrate_family(self.bands, line_at, per_line, mu, margin, ncomp, eps,
                                        steps=fine and T == 0)
            # 3D: nested trapezoids, exponentially convergent for insulators and
            # for metals at T well above the line spacing; a Fermi surface at low T
            # makes them algebraic, so give up after 2^9 nodes per dimension with
            # a clear error rather than after hours
            try:
                return periodic_trapezoid(
                    lambda kz: periodic_trapezoid(lambda ky: per_line(line_at(ky, kz)), ncomp,
                                                  eps, max_nodes=2 ** 9),
                    ncomp, eps, max_nodes=2 ** 9)
            except SymgravError as exc:
                raise SymgravError(
                    f"{exc}. Three-dimensional lattice models are integrated by nested "
                    "trapezoid rules, which resolve a Fermi surface only at temperatures "
                    "well above the node spacing; raise T (or use a 2D model, whose "
                    "transverse integral is split at the Fermi surface)") from None
        if d == 1:
            plus = per_line(Line(zero, (1,), meas))
            minus = per_line(Line(zero, (-1,), meas))
            return [x + y for x, y in zip(plus, minus)]
        if self.isotropic:
            solid = 2 * mp.pi if d == 2 else 4 * mp.pi
            direction = (1, 0) if d == 2 else (0, 0, 1)
            return per_line(Line(zero, direction, solid * meas, power=d - 1))
        if d == 2:
            return integrate_family(
                self.bands, lambda th: Line(zero, (mp.cos(th), mp.sin(th)), meas, power=1),
                per_line, mu, margin, ncomp, eps, steps=fine and T == 0)

        def shell(u):
            s = mp.sqrt(1 - u * u)
            return periodic_trapezoid(
                lambda ph: per_line(Line(zero, (s * mp.cos(ph), s * mp.sin(ph), u), meas, power=2)),
                ncomp, eps)
        return integrate_pieces(shell, [mp.mpf(-1), mp.mpf(1)], ncomp, eps)

    def _margin(self, T):
        if T > 0:
            return T * mp.log(10) * (self._wdps + 5)
        return mp.mpf(10) ** (-self._wdps)

    def _features(self, line, mu, T):
        # memo for the current (mu, T): the window route and the graded
        # fallback look at the same lines
        key = (line.origin, line.direction, line.power, line.periodic, line.weight)
        if self._fmemo[0] != (mu, T, mp.mp.prec):
            self._fmemo = ((mu, T, mp.mp.prec), {})
        if key in self._fmemo[1]:
            return self._fmemo[1][key]
        feats = LineFeatures(self.bands, line, mu, self._margin(T))
        if self.statistics == "bose" and feats.emin <= mu:
            raise SymgravError(
                f"Bose statistics: mu = {mp.nstr(mu, 10)} lies above a band bottom "
                f"(a band reaches {mp.nstr(feats.emin, 10)}); choose mu below every band")
        self._fmemo[1][key] = feats
        return feats

    # -- Fermi-window route (App. E) ---------------------------------------
    def _window_lines(self):
        """The lines of the Fermi-window route, or None where it is not used.

        Used for Fermi statistics in isotropic continuum models (one radial
        ray) and 1D continuum models (two rays) with gmpy2 closed forms;
        lattice models, anisotropic 2D/3D continuum models, Bose statistics
        and models without closed forms use the graded path only.
        """
        d = self.model.dim
        if self.model.lattice or self.statistics != "fermi" or not self.bands.has_mpfr:
            return None
        zero, meas = (mp.mpf(0),) * d, self._measure()
        if d == 1:
            return [Line(zero, (1,), meas), Line(zero, (-1,), meas)]
        if self.isotropic:
            solid = 2 * mp.pi if d == 2 else 4 * mp.pi
            direction = (1, 0) if d == 2 else (0, 0, 1)
            return [Line(zero, direction, solid * meas, power=d - 1)]
        return None

    def _window(self, mu, T):
        """Eqs. (19a), (19b), (8a), (B7a), (20) as Fermi-window averages, or None.

        The route of :mod:`symgrav.numeric.window`: zero-temperature values at
        mu plus Gauss-rule averages of the zero-temperature functions at
        mu + T x_k, from Chebyshev branches at the Fermi points.  Returns None
        (graded path) at T = 0, outside :meth:`_window_lines`, when a band
        extremum or band-edge energy lies within X T of mu with
        X e^-X = 10^-(dps + 6) (the kinks of the zero-temperature functions
        there are felt at X e^-X relative to T beta; X = 87 for 30 digits),
        when mu lies below every band (no Fermi point), or when the two Gauss rules or the
        Chebyshev series do not converge.
        """
        lines = self._window_lines()
        if T == 0 or lines is None:
            return None
        X = mp.log(10) * (self.dps + 6)
        X += mp.log(X)  # T beta = T <x A0>: the kink enters as X e^-X
        if self._edges is None:
            # band energies at p = 0, where rays start (a band bottom or a top)
            self._edges = list(self.bands.at(lines[0].point(0))[0])
        feats = [self._features(line, mu, T) for line in lines]
        kinks = list(self._edges) + [e for f in feats for _, _, e in f.extrema]
        if any(abs(e - mu) <= X * T for e in kinks):
            return None
        if any(v == 0 for f in feats for _, _, v in f.fermi):
            return None
        if not any(f.fermi for f in feats):
            # mu below every band: everything is an exponentially small tail,
            # which the graded route resolves to full relative precision
            return None
        tol = mp.mpf(10) ** (-(self.dps + 6))

        def branches(n):
            reach = fermi_window_rule(n)[0][-1] * T * mp.mpf(1.05)
            if reach >= X * T:
                return None
            out = []
            try:
                for f in feats:
                    for t, k, v in f.fermi:
                        # the span stays between the band's neighbouring extrema
                        lo = max([f.lo] + [c for c, n_, _ in f.extrema if n_ == k and c < t])
                        hi = min([f.hi] + [c for c, n_, _ in f.extrema if n_ == k and c > t])
                        out.append(Branch(self.bands, f.line, k, t, v, mu, reach, lo, hi, tol))
            except BranchError:
                return None
            return out

        first = branches(RULES[2])
        if first is None:
            return None
        if mu not in self._zero_cache:
            eps = mp.mpf(10) ** (-(self.dps + 3))
            vals = [zero_temperature(self.bands, f, mu, eps) for f in feats]
            self._zero_cache[mu] = (sum(v[0] for v in vals), sum(v[1] for v in vals))
        A0, M0 = self._zero_cache[mu]
        return window_average(first, A0, M0, T, mp.mpf(10) ** (-(self.dps + 3)),
                              extend=branches)

    # -- evaluation ------------------------------------------------------
    def _args(self, mu, T):
        mu = to_mpf(mu, "mu")
        T = to_mpf(T, "T")
        if T < 0:
            raise SymgravError(f"temperature must be >= 0; got T = {T}")
        return mu, T

    def evaluate(self, mu, T):
        """All five Fermi-sea integrals at (mu, T) as a dict of mpf.

        Keys: ``alpha`` (19a), ``T_beta_kubo`` (19b), ``mqm`` (8a),
        ``mqm_aux`` (B7a), ``T_beta`` (20).  Computed by the Fermi-window
        route where it applies and converges (see the module docstring and
        :meth:`_window`), otherwise by the graded momentum-space route.
        """
        with mp.workdps(self._wdps):
            mu, T = self._args(mu, T)
            key = (mu, T)
            if key not in self._cache:
                fast = self._window(mu, T)
                if fast is not None:
                    self._cache[key] = fast
                    self._routes[key] = "window"
                else:
                    self._routes[key] = "graded"
            if key not in self._cache:
                eps = mp.mpf(10) ** (-(self.dps + 3))

                def per_line(line):
                    feats = self._features(line, mu, T)
                    return line_integral(self.bands, feats, mu, T, self._weights, eps,
                                         self._margin(T))

                vals = self._over_lines(per_line, 5, mu, T)
                names = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")
                out = dict(zip(names, vals))
                if T == 0:
                    out["T_beta"] = mp.mpf(0)
                self._cache[key] = out
            res = self._cache[key]
        with mp.workdps(self.dps):
            return {k: +v for k, v in res.items()}

    def alpha(self, mu, T):
        """Magnetoelectric susceptibility alpha_a^i, Eq. (19a)."""
        return self.evaluate(mu, T)["alpha"]

    def mqm(self, mu, T):
        """Spin magnetic quadrupole moment M_a^i, Eq. (8a)."""
        return self.evaluate(mu, T)["mqm"]

    def mqm_aux(self, mu, T):
        """Auxiliary spin MQM M~_a^i, Eq. (B7a); relation (6): M~ = d(beta M)/d beta."""
        return self.evaluate(mu, T)["mqm_aux"]

    def T_beta_kubo(self, mu, T):
        """Kubo gravito-ME susceptibility T beta~_a^i, Eq. (19b)."""
        return self.evaluate(mu, T)["T_beta_kubo"]

    def T_beta(self, mu, T):
        """Gravito-ME susceptibility T beta_a^i, Eq. (20) (= Eq. 18, T beta~ - M)."""
        return self.evaluate(mu, T)["T_beta"]

    def beta(self, mu, T):
        """Gravito-ME susceptibility beta_a^i = T_beta / T (0 at T = 0), Eq. (20)."""
        with mp.workdps(self._wdps):
            _, Tm = self._args(mu, T)
            tb = self.evaluate(mu, T)["T_beta"]
            out = mp.mpf(0) if Tm == 0 else tb / Tm
        with mp.workdps(self.dps):
            return +out

    def dalpha_dmu(self, mu):
        """d alpha / d mu at T = 0 as a Fermi-surface integral, Eq. (E1).

        In two dimensions without isotropy the transverse integrand has
        inverse-square-root singularities where the lines touch the Fermi
        surface (:mod:`symgrav.numeric.transverse`); evaluating it within one
        unit in the last place of such a point costs half the digits, so
        this integral runs at twice the working precision there.
        """
        boost = self.model.dim == 2 and not self.isotropic
        with mp.workdps(2 * self._wdps if boost else self._wdps):
            mu, _ = self._args(mu, 0)

            def per_line(line):
                feats = self._features(line, mu, mp.mpf(0))
                return [fermi_surface_sum(self.bands, feats)]

            val = self._over_lines(per_line, 1, mu, mp.mpf(0), fine=False)[0]
        with mp.workdps(self.dps):
            return +val

    def mott(self, mu, T):
        """Mott value of T beta, (pi^2 T^2 / 3q) d alpha/d mu at T = 0, Eq. (21)."""
        with mp.workdps(self._wdps):
            _, Tm = self._args(mu, T)
            val = mp.pi ** 2 * Tm ** 2 / 3 * self.dalpha_dmu(mu)
        with mp.workdps(self.dps):
            return +val
