"""The paper's susceptibilities in one engine: Eqs. (8a), (19a,b), (20), (21), (B7a), (E1).

In natural units (q = 1, g mu_B / hbar = 1; measure d^d p / (2 pi hbar)^d or
d^d k / (2 pi)^d on a lattice), every quantity is a Fermi-sea integral of the
band data Omega_n (8b) and m_n (8c) with weights declared once in
:mod:`symgrav.symbolic.quantities`:

    alpha     (19a)  (f, 0)             T beta~ (19b)  (xi f, f)
    M         (8a)   (-G, f)            M~      (B7a)  (xi f, f + xi f')
    T beta    (20)   (xi f + G, 0)      Mott    (21)   (pi^2 T^2 / 3) d alpha/d mu (E1)

plus any user :class:`~symgrav.Quantity`.  :class:`Susceptibilities` picks a
number type (:mod:`symgrav.numeric.arith`: gmpy2 or mpmath at dps + GUARD
digits, or numpy float64 with ``dps="double"``) and a route
(:mod:`symgrav.numeric.routes`); every route evaluates the same compiled
integrand (:mod:`symgrav.numeric.weights`).  T = 0 is the exact
step-function limit, computed with the T = 0 weights (T beta then vanishes
because xi theta(-xi) + G(xi) = 0 at every xi).
"""

from __future__ import annotations

import warnings

import mpmath as mp

from ..errors import PrecisionError, SymgravError, SymgravWarning
from ..symbolic.model import Model
from ..symbolic.quantities import (DALPHA_DMU, QUANTITIES, Quantity,
                                   zero_temperature_quantities)
from ..tightbinding.model import TightBinding
from .arith import GUARD, Float64, Mpf, Mpfr, to_mpf
from .banddata import BandData, parameter_values
from .bz_grid import chunk_sums, grid_integrals
from .closed_form_route import closed_form_evaluator
from .layout import Layout
from .line_features import LineFeatures
from .line_integral import LineContext
from .occupations import check_statistics
from .progress import reporting
from .tb_bands import TightBindingBands
from .van_hove import surface_integral
from .routes import (AUTO_ORDER, AUTO_ORDER_DOUBLE, CLOSED_FORM_AFTER, ROUTES, NotApplicable,
                     RouteDecision, check_route)
from .evaluation import Evaluation, check_dps
from .weights import QuantitySet
from .window_route import WindowEvaluator


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
    dps : int or "double"
        Decimal digits of the results (>= 15; computed with 10 guard digits),
        or ``"double"``: IEEE double precision at numpy speed (values are
        floats, about 1e-12 relative).
    statistics : {"fermi", "bose"}
    quantities : sequence of Quantity, optional
        User quantities computed alongside the built-ins (same routes).
    route : str
        ``"auto"`` or one of "window", "graded", "bz_lines", "bz_grid", "bz_planes",
        "fermi_surface", "closed_form" (:mod:`symgrav.numeric.routes`) to force it; a
        forced route that does not apply raises SymgravError.
    operator : {"spin", "velocity"}
        The operator s_a of Eqs. (8b), (8c): the model's (default) or, for a
        :class:`~symgrav.TightBinding`, the velocity v_a, so that Omega is the
        Berry curvature Omega_{n; k_i k_a} of Eq. (24a) and -alpha the Hall
        conductivity (25) (see :func:`symgrav.hall_conductivity`).
    progress : bool
        Show a progress bar on standard error (the lines integrated, the elapsed
        time) for every evaluation that runs longer than two seconds
        (:mod:`symgrav.numeric.progress`); also settable later as ``.progress``.

    Notes
    -----
    Results are in the natural units of docs/conventions.md.  ``T = 0`` is the exact
    step-function limit.
    """

    def __init__(self, model, params, a="x", i="x", dps=30, statistics="fermi", quantities=(),
                 route="auto", operator="spin", progress=False):
        if not isinstance(model, (Model, TightBinding)):
            raise SymgravError(f"expected a symgrav.Model or TightBinding; got "
                               f"{type(model).__name__}")
        self.model = model
        self.dps = check_dps(dps)
        self.double = dps == "double"
        self.statistics = check_statistics(statistics)
        self.route = check_route(route)
        #: show a bar on standard error when one evaluation runs long (numeric/progress.py)
        self.progress = bool(progress)
        extra = tuple(quantities or ())
        for q in extra:
            if not isinstance(q, Quantity):
                raise SymgravError(f"quantities must be symgrav.Quantity objects; got "
                                   f"{type(q).__name__}")
        names = [q.name for q in QUANTITIES + extra]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise SymgravError(f"quantity names must be unique; repeated: {dup}")
        self.quantities = QUANTITIES + extra
        self.wdps = 16 if self.double else dps + GUARD
        if isinstance(model, TightBinding):
            if params:
                raise SymgravError("a tight-binding model has no parameters; got "
                                   f"{sorted(map(str, dict(params)))}")
            self.bands = TightBindingBands(model, a, i, operator)
        else:
            if operator != "spin":
                raise SymgravError("operator='velocity' needs a TightBinding model (convert a "
                                   "SymPy lattice model with TightBinding.from_model)")
            values = parameter_values(model, params, self.wdps + 5)
            self.bands = BandData(model, values, a, i)
        self.params = dict(self.bands.values)
        #: the values as given, read exactly by the closed-form route
        self.raw_params = dict(params or {})
        self.a, self.i = self.bands.a, self.bands.i
        prec = int(self.wdps * 3.3219280948873626) + 1
        if self.double:
            self.backend = Float64()
            # tangencies and lines next to them at twice the precision: gmpy2 closed forms;
            # without closed forms (sums over states) double precision is enough for the
            # double-precision tolerance and mpmath matrices would cost 100x
            self.backend2 = Mpfr(106) if self.bands.supports(Mpfr(106)) and \
                self.bands.closed_form else Float64()
        else:
            fast = Mpfr(prec)
            self.backend = fast if self.bands.supports(fast) else Mpf(prec)
            kind = type(self.backend)
            self.backend2 = kind(2 * prec)
        self.layout = Layout(self.bands, self.backend)
        self.isotropic = self.layout.isotropic
        self._main = QuantitySet(self.quantities)
        self._surface = QuantitySet((DALPHA_DMU,))
        self._fermi_sea = {}  # pairs -> QuantitySet of the Z_gl
        self._window = {}
        self._counts = {}  # evaluations per quantity set (auto's closed-form rule)
        self._cache = {}
        self._features = {}

    # -- helpers shared with the routes (symgrav.numeric.routes) -----------------
    def _args(self, mu, T):
        with mp.workdps(self.wdps):
            mu = to_mpf(mu, "mu")
            T = to_mpf(T, "T")
        if T < 0:
            raise SymgravError(f"temperature must be >= 0; got T = {T}")
        return mu, T

    def margin(self, B, T):
        """Energy half-width of the thermal window (mpf; beyond it the weights are exact steps)."""
        with B.context():
            if T > 0:
                return T * mp.log(10) * (self.wdps + 5)
            return mp.mpf(10) ** (-self.wdps)

    def tolerance(self):
        """Relative tolerance of every quadrature (mpf): 10^-(dps + 3), or 1e-13 in double."""
        if self.double:
            return mp.mpf(1e-13)
        return mp.mpf(10) ** (-(self.dps + 3))

    def line_context(self, qset, B):
        """What the line integrals of ``qset`` in backend B share (LineContext)."""
        with B.context():
            return LineContext(self.bands, B, qset.weights(B), self.statistics,
                               B.num(self.tolerance()))

    def line_features(self, B, line, mu, T):
        """The Fermi points and band extrema on a line at (mu, T), memoized (LineFeatures)."""
        key = (line.key, mu, T, B)
        if key not in self._features:
            if len(self._features) > 20000:
                self._features.clear()
            feats = LineFeatures(self.bands, line, B.num(mu), B.num(self.margin(B, T)), B)
            if self.statistics == "bose" and feats.emin <= B.num(mu):
                raise SymgravError(
                    f"Bose statistics: mu = {mp.nstr(mu, 10)} lies above a band bottom "
                    f"(a band reaches {mp.nstr(B.mpf(feats.emin), 10)}); choose mu below "
                    "every band")
            self._features[key] = feats
        return self._features[key]

    def window_evaluator(self, qset, B):
        """The App. E evaluator of ``qset`` in backend B (memoized WindowEvaluator)."""
        key = (qset.names, B)
        if key not in self._window:
            self._window[key] = WindowEvaluator(
                self.bands, B, self.layout, qset.quantities, 15 if self.double else self.dps,
                lambda line, mu, T: self.line_features(B, line, B.mpf(mu), B.mpf(T)))
        return self._window[key]

    def closed_form_evaluator(self, qset):
        """The closed-form window evaluator of ``qset`` (memoized ClosedFormEvaluator).

        Raises NotApplicable (remembered: SymPy is asked once) without closed forms."""
        key = ("closed_form", qset.names)
        if key not in self._window:
            try:
                self._window[key] = closed_form_evaluator(
                    self.model, self.raw_params, self.a, self.i, qset.quantities,
                    15 if self.double else self.dps)
            except NotApplicable as exc:
                self._window[key] = exc
        if isinstance(self._window[key], NotApplicable):
            raise NotApplicable(str(self._window[key]))
        return self._window[key]

    def _run(self, name, qset, mu, T, B=None):
        """Values (mpf) of one route, or raise NotApplicable with the reason."""
        B = B or self.backend
        route = ROUTES[name]
        reason = route.reason(self, qset, T)
        if reason:
            raise NotApplicable(reason)
        with B.context():
            try:
                return route.run(self, qset, mu, T, B)
            except PrecisionError:
                raise
            except SymgravError:
                # only where tangent lines are refined (T = 0, 2D lattice; routes.py)
                if not (self.double and self.backend2.name == "float64" and T == 0
                        and self.bands.lattice and (self.bands.dim == 2 or name == "bz_planes")):
                    raise
        # double precision without closed forms: next to a line tangent to the Fermi
        # surface the rounding noise of the energies (~1e-16) makes the step occupation
        # flicker over ~1e-8 of the line; those lines again at 106 bits (gmpy2 or mpmath
        # matrices, slow, hence only after double precision failed)
        warnings.warn("double precision did not converge next to a Fermi-surface tangency; "
                      "the lines there are redone at 106 bits (slow)", SymgravWarning,
                      stacklevel=4)
        self.backend2 = Mpfr(106) if self.bands.supports(Mpfr(106)) else Mpf(106)
        with B.context():
            return route.run(self, qset, mu, T, B)

    def _evaluate_set(self, qset, mu, T, route=None):
        route = route or self.route
        key = (qset.names, mu, T, route)
        if key in self._cache:
            return self._cache[key]
        decisions = []
        if route != "auto":
            order = (route,)
        else:
            order = AUTO_ORDER_DOUBLE if self.double else AUTO_ORDER
            if not self.double and self._closed_form_due(qset, T):
                order = order[:1] + ("closed_form",) + order[1:]
        result, used = None, None
        for name in order:
            try:
                result = self._run(name, qset, mu, T)
                used = name
                decisions.append(RouteDecision(name, True, "applies"))
                break
            except NotApplicable as exc:
                decisions.append(RouteDecision(name, False, str(exc)))
                if route != "auto":
                    raise SymgravError(f"route {name!r} does not apply at mu = "
                                       f"{mp.nstr(mu, 10)}, T = {mp.nstr(T, 10)}: {exc}") from None
        if result is None:  # pragma: no cover - graded or bz_lines always applies
            raise SymgravError("no integration route applies: "
                               + "; ".join(f"{d.name}: {d.reason}" for d in decisions))
        out = Evaluation(dict(zip(qset.names, result)), used, decisions)
        self._cache[key] = out
        return out

    def _closed_form_due(self, qset, T):
        """auto's closed-form rule: after CLOSED_FORM_AFTER evaluations of ``qset``, if it may apply."""
        count = self._counts.get(qset.names, 0) + 1
        self._counts[qset.names] = count
        return count > CLOSED_FORM_AFTER and not ROUTES["closed_form"].reason(self, qset, T)

    def _finish(self, values):
        if self.double:
            return {k: float(v) for k, v in values.items()}
        with mp.workdps(self.dps):
            return {k: +v for k, v in values.items()}

    # -- public API ----------------------------------------------------------
    def evaluate(self, mu, T):
        """Every quantity at (mu, T): the five built-ins (Eqs. 19a, 19b, 8a, B7a, 20) and user ones.

        Returns
        -------
        Evaluation
            A dict name -> value (mpf rounded to dps digits, or float with
            ``dps="double"``) with ``.route`` and ``.decisions``.
        """
        mu, T = self._args(mu, T)
        with reporting(f"{self.model.name} mu={mp.nstr(mu, 8)} T={mp.nstr(T, 6)}",
                       self.progress):
            ev = self._evaluate_set(self._main, mu, T)
        return Evaluation(self._finish(ev), ev.route, ev.decisions)

    def scan(self, mus, T, mapper=None, progress=None, max_points=2 ** 24, rtol=None,
             symmetries=None):
        """Every quantity at many mu and one T on one Brillouin-zone grid (route ``bz_grid``).

        The quantities of :meth:`evaluate` (Eqs. 19a, 19b, 8a, B7a, 20 and user
        ones) by the product trapezoid rule of :mod:`symgrav.numeric.bz_grid`:
        the band data of each grid point are computed once for all mu, the
        grid is refined until every value has converged.

        Parameters
        ----------
        mus : sequence of number or str
        T : number or str
            T > 0, or T = 0 with no band near any mu.
        mapper : callable, optional
            ``mapper(chunks) -> [self.grid_chunk(K, mus, T) for K in chunks]``
            computed anywhere (see :func:`symgrav.workflows.bz_scan.bz_scan`).
        progress : callable, optional
            ``progress(points_done, points_of_level, nodes_per_direction)``.
        max_points : int
            The largest grid (points in all) before the scan refuses.
        rtol : float, optional
            Relative tolerance (default: that of :meth:`evaluate`).
        symmetries : sequence of d x d integer matrices, optional
            Symmetries kappa -> M kappa of the reduced momenta (det +-1), e.g.
            ``[[0, 1, 0], [1, 0, 0], [0, 0, 1]]`` for k_x <-> k_y.  The group
            they generate is checked first (the integrand of every quantity
            at kappa and M kappa at random momenta, this T and the lowest,
            middle and highest mu; else a SymgravError naming the matrix and
            the component (a, i)); then every grid level computes one point
            per orbit, weighted by the orbit size
            (:mod:`symgrav.numeric.symmetry`).

        Returns
        -------
        list of Evaluation
            One per mu, route ``bz_grid``.
        """
        pairs = [self._args(mu, T) for mu in mus]
        if not pairs:
            raise SymgravError("scan needs at least one chemical potential; got none")
        T = pairs[0][1]
        with self.backend.context():
            rows = grid_integrals(self, self._main, [m for m, _ in pairs], T, self.backend,
                                  mapper=mapper, progress=progress, max_points=max_points,
                                  rtol=rtol, symmetries=symmetries)
        names = self._main.names
        decision = [RouteDecision("bz_grid", True, "applies")]
        return [Evaluation(self._finish(dict(zip(names, r))), "bz_grid", decision) for r in rows]

    @property
    def quantity_set(self):
        """The QuantitySet of :meth:`evaluate`: the built-ins and the user quantities."""
        return self._main

    def grid_chunk(self, K, mus, T):
        """Sums of the integrands over the momenta K for every mu (a task of :meth:`scan`).

        K: one array of reduced momenta per direction, and with symmetries the
        orbit sizes as a last array (the points' weights).

        See :func:`symgrav.numeric.bz_grid.chunk_sums` (Eqs. 8a, 19a, 19b, 20,
        B7a weights of the quantities of :meth:`evaluate`).
        """
        B = self.backend
        with B.context():
            return chunk_sums(self.bands, self._main.weights(B), self.statistics, B, K,
                              [B.num(self._args(mu, 0)[0]) for mu in mus],
                              B.num(self._args(0, T)[1]))

    def explain(self, mu, T, evaluate=True):
        """Which route each strategy would take at (mu, T) and why (list of RouteDecision).

        Parameters
        ----------
        mu, T : number or str
        evaluate : bool
            True (default): evaluate the quantities through ``route="auto"``
            to find out (a route such as ``window`` may decline only while
            computing, e.g. when its Gauss rules do not agree).  False: only
            the reasons known without computing (model, statistics, T,
            quantities); a route that may apply is reported as "may apply".
        """
        mu, T = self._args(mu, T)
        seen, used = {}, None
        if evaluate:
            ev = self._evaluate_set(self._main, mu, T, route="auto")
            seen, used = {d.name: d for d in ev.decisions}, ev.route
        out = []
        for name in ROUTES:
            if name in seen:
                out.append(seen[name])
                continue
            reason = ROUTES[name].reason(self, self._main, T)
            if not reason:
                reason = f"applies (not needed: {used} was taken first)" if used else \
                    "may apply (not evaluated)"
            out.append(RouteDecision(name, not ROUTES[name].reason(self, self._main, T), reason))
        return out

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
        _, Tm = self._args(mu, T)
        tb = self.evaluate(mu, T)["T_beta"]
        if self.double:
            return 0.0 if Tm == 0 else tb / float(Tm)
        with mp.workdps(self.wdps):
            out = mp.mpf(0) if Tm == 0 else tb / Tm
        with mp.workdps(self.dps):
            return +out

    def dalpha_dmu(self, mu):
        """d alpha / d mu at T = 0 as a Fermi-surface integral, Eq. (E1).

        In 2D without isotropy the transverse integrand has inverse-square-root
        singularities where the lines touch the Fermi surface: this integral
        runs at twice the working precision there.  At the energy of a
        stationary point of a 2D lattice band: the mean of the one-sided
        limits, or +-inf at saddles (:func:`symgrav.numeric.van_hove.surface_integral`).
        """
        mu, _ = self._args(mu, 0)
        boost = self.model.dim == 2 and not self.isotropic
        B = self.backend2 if boost else self.backend
        key = ("dalpha_dmu", mu)
        if key not in self._cache:
            def integral(x, Bx):
                with Bx.context():
                    return self._run("fermi_surface", self._surface, x, mp.mpf(0), Bx)[0]
            self._cache[key] = surface_integral(self.bands, B, mu, self._surface.weights,
                                                integral)
        val = self._cache[key]
        if self.double:
            return float(val)
        with mp.workdps(self.dps):
            return +val

    def fermi_sea(self, E, pairs):
        """The T = 0 Fermi-sea integrals Z_gl(E) of App. E (Eq. E2), one per pair.

        Z_gl(E) = sum_n int d^dk/(2 pi)^d g_n (eps_n - E)^l theta(E - eps_n), g = Omega
        (8b) for g = 0, m (8c) for g = 1 (:meth:`symgrav.Quantity.window_form`).

        Parameters
        ----------
        E : number or str
            The Fermi energy.
        pairs : sequence of (int, int)
            (g, l) pairs.

        Returns
        -------
        list
            Z_gl(E) in the order of ``pairs`` (mpf at dps digits, or float).
        """
        pairs = tuple((int(g), int(l)) for g, l in pairs)
        if pairs not in self._fermi_sea:
            self._fermi_sea[pairs] = QuantitySet(zero_temperature_quantities(pairs))
        qset = self._fermi_sea[pairs]
        E, T = self._args(E, 0)
        values = self._finish(self._evaluate_set(qset, E, T))
        return [values[name] for name in qset.names]

    def mott(self, mu, T):
        """Mott value of T beta, (pi^2 T^2 / 3q) d alpha/d mu at T = 0, Eq. (21)."""
        _, Tm = self._args(mu, T)
        slope = self.dalpha_dmu(mu)
        if self.double:
            return float(mp.pi ** 2 * float(Tm) ** 2 / 3 * slope)
        with mp.workdps(self.wdps):
            val = mp.pi ** 2 * Tm ** 2 / 3 * slope
        with mp.workdps(self.dps):
            return +val
