"""Self-checks of a model against the exact statements of the paper.

:func:`verify` evaluates :class:`~symgrav.Susceptibilities` at a few chemical
potentials and temperatures and tests, each with a stated tolerance:

* ``T_beta(T=0) = 0``: Eq. (20) computed with the T = 0 weights, and
  T beta~ - M of Eq. (18), at T = 0; and the limit T beta / T^2 ->
  (pi^2/3) d alpha/d mu (21, E1) as T -> 0, Richardson-extrapolated from the
  two lowest temperatures (see :data:`TOL_LIMIT`);
* ``T_beta ~ T^2``: Eq. (20) at T0, T0/10, T0/100 scales as T^2, or, when
  d alpha/d mu = 0 (no Fermi surface, or Omega = 0 on it), is negligible;
* Mott relation (21): T beta / ((pi^2 T^2 / 3) d alpha/d mu) -> 1;
* Eq. (18): T beta of Eq. (20) equals T beta~ (19b) minus M (8a);
* relation (6): M~ (B7a) = d(beta M)/d beta, by numerical differentiation;
* mu in a band gap of a lattice model, T = 0: the ME relation (4),
  -dM/dmu = alpha (19a), and Eq. (13) = Eq. (8a) through the independent
  Zeeman-field route (11c) of :mod:`symgrav.numeric.zeeman_route`.

Differences are relative to R = max(|M|, |T beta~|, |alpha| E) at T = 0 and
that mu (E: span of the band features), so that a quantity that vanishes
(M above both Rashba bands) is not divided by its own rounding noise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import mpmath as mp

from ..display import html_table
from ..errors import SymgravError
from ..numeric.arith import to_mpf as _num
from ..numeric.engine import Susceptibilities
from ..numeric.spectrum import band_features
from .grid import check_magnitude, dps_within_budget, merged_parameters, model_of

#: tolerance of the T^2 scaling ratios (T^4 Sommerfeld terms are ~ (T0/E)^2)
TOL_SCALING = mp.mpf("1e-2")
#: tolerance of |T beta / Mott - 1| at the lowest temperature
TOL_MOTT = mp.mpf("1e-3")
#: smallest tolerance of the T -> 0 limit of T beta / T^2 (zero-T row), relative.  The
#: Richardson extrapolation c(Tb) + (c(Tb) - c(Ta)) Tb^2 / (Ta^2 - Tb^2) of c = T beta / T^2
#: removes the T^2 term of the Sommerfeld series (docs/conventions.md); what is left is ~ (Ta Tb /
#: delta^2)^2 relative, delta the distance from mu to the nearest band feature (measured on
#: Rashba: 7e-16 and 1e-12 at the default temperatures, 5e-4 at T = 0.04, 0.02 for mu = 0).
#: The row allows LIMIT_FACTOR times that estimate, but never less than 1e-4: features that
#: band_features does not see (saddle points inside a lattice band) make delta too large,
#: and with 1e-4 such a hidden feature fails this row only where it also fails the Mott row
#: (|T beta / Mott - 1| ~ 14 (Tb / delta)^2 > TOL_MOTT).  A wrong T^2 coefficient of T beta
#: (its finite-T weight) by more than 1e-4 fails the row; a wrong T = 0 value fails it at
#: the identity floor 10^-(dps-5) of R.
TOL_LIMIT = mp.mpf("1e-4")
#: factor on (Ta Tb / delta^2)^2 in the limit's tolerance (measured ratio <= 60 on Rashba)
LIMIT_FACTOR = 1000
#: digits that the tolerances assume for ``dps="double"`` (IEEE double, ~1e-12 relative per value)
DOUBLE_DIGITS = 15
#: names accepted by ``checks``
CHECKS = ("zero_T", "T2", "mott", "eq18", "relation6", "me", "eq13")


@dataclass
class CheckRow:
    """One check of a :class:`VerifyReport`.

    Attributes
    ----------
    check, equation : str
        What is compared and the paper's equation numbers.
    mu, T : mpf
        Chemical potential and temperature (T is None for a row over several T).
    compared : str
        The numbers compared, formatted; ``values`` holds them as mpf.
    discrepancy, tolerance : mpf
        Measured difference (relative, see :func:`verify`) and its bound.
    passed : bool
        ``discrepancy <= tolerance``.
    note : str
        How the comparison was made, when not obvious.
    """

    check: str
    equation: str
    mu: object
    T: object
    compared: str
    discrepancy: object
    tolerance: object
    passed: bool
    values: tuple = field(default_factory=tuple)
    note: str = ""

    def cells(self):
        """The row as the strings of the table columns ``VerifyReport.COLUMNS``."""
        return [self.check, self.equation, mp.nstr(self.mu, 8),
                "-" if self.T is None else mp.nstr(self.T, 3),
                self.compared + (f" [{self.note}]" if self.note else ""),
                mp.nstr(self.discrepancy, 2), mp.nstr(self.tolerance, 2),
                "PASS" if self.passed else "FAIL"]


class VerifyReport:
    """Result of :func:`verify`.

    Attributes
    ----------
    header : list of str
        Model, parameters, precision, temperatures.
    rows : list of CheckRow
    seconds : float
        Wall-clock time of the checks.
    """

    COLUMNS = ("check", "paper", "mu", "T", "compared", "discrepancy", "tolerance", "result")

    def __init__(self, header, rows, seconds):
        self.header, self.rows, self.seconds = header, rows, seconds

    @property
    def passed(self):
        """True when every row passed (and there is at least one row)."""
        return bool(self.rows) and all(r.passed for r in self.rows)

    def _repr_html_(self):
        """The table in a notebook: header lines as caption, one row per check, the verdict."""
        nfail = sum(not r.passed for r in self.rows)
        verdict = "PASS" if self.passed else f"FAIL ({nfail} of {len(self.rows)} checks)"
        return html_table(self.COLUMNS, [r.cells() for r in self.rows],
                          "; ".join(self.header),
                          notes=[f"{len(self.rows)} checks in {self.seconds:.1f} s: {verdict}"])

    def __str__(self):
        table = [list(self.COLUMNS)] + [r.cells() for r in self.rows]
        widths = [max(len(row[c]) for row in table) for c in range(len(self.COLUMNS))]
        lines = ["  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip() for row in table]
        nfail = sum(not r.passed for r in self.rows)
        count = f"{len(self.rows)} check{'s' if len(self.rows) != 1 else ''}"
        verdict = "PASS" if self.passed else f"FAIL ({nfail} of {count})"
        return "\n".join(list(self.header) + ["", lines[0], "-" * len(lines[0])] + lines[1:]
                         + ["", f"{count} in {self.seconds:.1f} s: {verdict}"])


def _nice(x, digits=6):
    return mp.mpf(mp.nstr(x, digits))


def auto_mus(features, ranges):
    """Chemical potentials covering the regimes of a model.

    Lattice: the centre of every band gap.  Continuum: the midpoints between
    consecutive band features plus one above the highest.  Rounded to six
    significant digits so that a row can be reproduced with ``--mu``.
    """
    if ranges is not None:
        mus = [(hi + lo2) / 2 for (_, hi), (lo2, _) in zip(ranges, ranges[1:]) if hi < lo2]
        if not mus:
            raise SymgravError("no band gap found in this lattice model; give the chemical "
                               "potentials to check explicitly (mu / --mu)")
        return [_nice(m) for m in mus]
    mus = [(x + y) / 2 for x, y in zip(features, features[1:])]
    top = features[-1]
    step = (features[-1] - features[0]) / 2 if len(features) > 1 else max(abs(top), 1) / 2
    return [_nice(m) for m in mus + [top + step]]


def _gap(mu, ranges, scale):
    """(lower edge, upper edge) when mu lies inside a gap with bands below it, else None."""
    below = [hi for lo, hi in ranges if hi < mu]
    above = [lo for lo, hi in ranges if lo > mu]
    if not below or len(below) + len(above) != len(ranges):
        return None
    lo, hi = max(below), (min(above) if above else mu + scale)
    if min(mu - lo, hi - mu) < mp.mpf("1e-2") * scale:
        return None  # too close to a sampled band edge to be sure
    return lo, hi


def _values(S, mu, T):
    """Every quantity at (mu, T) (Eqs. 19a, 19b, 8a, B7a, 20), through ``S.evaluate``, as mpf.

    (``dps="double"`` gives floats; as mpf, exactly, they print with ``mp.nstr`` digits.)
    """
    return {k: mp.mpf(v) for k, v in S.evaluate(mu, T).items()}


def richardson_limit(T_a, c_a, T_b, c_b):
    """The T -> 0 limit of c(T) = c0 + c1 T^2 + O(T^4) from two temperatures (Eq. 21 check).

    Plain numerics: c0 = (c_b T_a^2 - c_a T_b^2) / (T_a^2 - T_b^2), the
    Richardson extrapolation that removes the T^2 term of the Sommerfeld
    series of T beta / T^2 (docs/conventions.md).
    """
    return (c_b * T_a ** 2 - c_a * T_b ** 2) / (T_a ** 2 - T_b ** 2)


class _Checker:
    """Runs the checks at one chemical potential (see :func:`verify`)."""

    def __init__(self, S, model, params, mu, E, temps, t_rel6, checks, rows, features=()):
        self.S, self.model, self.params, self.mu, self.E = S, model, params, mu, E
        self.temps, self.t_rel6, self.checks, self.rows = temps, t_rel6, checks, rows
        self.features = list(features)
        #: decimal digits of the values: dps, or 15 in double precision (about 1e-12 relative
        #: per value, docs of Susceptibilities), so that the floors below are 1e-10 there
        self.digits = DOUBLE_DIGITS if S.double else S.dps
        self.floor = mp.mpf(10) ** (-(self.digits - 5))  # identities: dps - 5 digits

    def add(self, check, eq, T, compared, disc, tol, values=(), note=""):
        passed = bool(disc <= tol) and mp.isfinite(disc)
        self.rows.append(CheckRow(check, eq, self.mu, T, compared, disc, tol, passed,
                                  tuple(values), note))

    def run(self, ranges):
        S, mu = self.S, self.mu
        ev0 = _values(S, mu, 0)
        self.R = max(abs(ev0["mqm"]), abs(ev0["T_beta_kubo"]), abs(ev0["alpha"]) * self.E)
        R = self.R if self.R > 0 else mp.mpf(1)
        if "zero_T" in self.checks:
            self._zero_T(ev0, R)
        if self.checks & {"T2", "mott", "eq18"}:
            self._low_T(R)
        if "relation6" in self.checks:
            self._relation6(R)
        gap = None if ranges is None else _gap(mu, ranges, self.E)
        if gap is not None and self.checks & {"me", "eq13"}:
            self._insulator(gap, ev0, R)

    def _zero_T(self, ev0, R):
        """T beta(0) = 0 and T beta~(0) = M(0) (Eqs. 18, 20, T = 0 weights), and the limit
        T beta / T^2 -> (pi^2/3) d alpha/d mu (21, E1) from the two lowest temperatures.

        One row; its discrepancy is the larger of the two measurements, each
        divided by its own tolerance (so the row's tolerance is 1): the T = 0
        values relative to R against 10^-(dps-5), the limit relative to
        max(|(pi^2/3) d alpha/d mu|, R/E^2) against :data:`TOL_LIMIT` or more
        (module constants).
        """
        S, mu, f, E = self.S, self.mu, self.floor, self.E
        tb0, diff = ev0["T_beta"], ev0["T_beta_kubo"] - ev0["mqm"]
        at_zero = max(abs(tb0), abs(diff)) / R
        Ta, Tb = self.temps[-2], self.temps[-1]
        ca = _values(S, mu, Ta)["T_beta"] / Ta ** 2
        cb = _values(S, mu, Tb)["T_beta"] / Tb ** 2
        limit = richardson_limit(Ta, ca, Tb, cb)
        want = mp.pi ** 2 / 3 * mp.mpf(S.dalpha_dmu(mu))
        delta = min([abs(mu - x) for x in self.features] or [E])
        truncation = LIMIT_FACTOR * (Ta * Tb / delta ** 2) ** 2 if delta > 0 else mp.inf
        rounding = f * (Ta ** 2 + Tb ** 2) / (Ta ** 2 - Tb ** 2)
        tol = max(TOL_LIMIT, truncation, rounding)
        note = (f"in units of the tolerances, T = 0: {mp.nstr(f, 2)} R, limit: "
                f"{mp.nstr(tol, 2)}; limit from T = {mp.nstr(Ta, 3)}, {mp.nstr(Tb, 3)}")
        if mp.isfinite(want):
            off = abs(limit - want) / max(abs(want), R / E ** 2)
        else:
            off, note = mp.inf, note + "; band extremum at mu: da/dmu = inf"
        self.add("T_beta(T=0) = 0", "(18), (20), (21)", mp.mpf(0),
                 f"T_beta={mp.nstr(tb0, 3)}  T_beta~-M={mp.nstr(diff, 3)}  "
                 f"lim T_beta/T^2={mp.nstr(limit, 10)}  pi^2 a'/3={mp.nstr(want, 10)}",
                 max(at_zero / f, off / tol), mp.mpf(1), (tb0, diff, limit, want), note)

    def _low_T(self, R):
        S, mu, f = self.S, self.mu, self.floor
        tb = [_values(S, mu, T)["T_beta"] for T in self.temps]
        dadmu = mp.mpf(S.dalpha_dmu(mu))
        fs = dadmu != 0
        if "T2" in self.checks and fs:
            ratios = [x / y if y else mp.inf for x, y in zip(tb, tb[1:])]
            expect = [(s / t) ** 2 for s, t in zip(self.temps, self.temps[1:])]
            disc = max(abs(r / e - 1) for r, e in zip(ratios, expect))
            self.add("T_beta ~ T^2", "(20), (21)", None,
                     "T_beta ratios " + ", ".join(mp.nstr(r, 8) for r in ratios)
                     + " (T^2: " + ", ".join(mp.nstr(e, 3) for e in expect) + ")",
                     disc, TOL_SCALING, tuple(tb))
        elif "T2" in self.checks:
            self.add("T_beta -> 0 beyond T^2", "(20), (21)", None,
                     "T_beta = " + ", ".join(mp.nstr(x, 3) for x in tb),
                     max(abs(x) for x in tb) / R, f, tuple(tb), "d alpha/d mu = 0")
        if "mott" in self.checks:
            T = self.temps[-1]
            mott = mp.mpf(S.mott(mu, T))
            note = ""
            if fs and mp.isfinite(mott):
                disc = abs(tb[-1] / mott - 1)
            else:
                disc = abs(tb[-1] - mott) / R if mp.isfinite(mott) else mp.inf
                note = "d alpha/d mu = 0" if not fs else "band extremum at mu: da/dmu = inf"
            self.add("Mott: T_beta = pi^2 T^2 a'/3", "(21), (E1)", T,
                     f"T_beta={mp.nstr(tb[-1], 10)}  Mott={mp.nstr(mott, 10)}",
                     disc, TOL_MOTT if fs else f, (tb[-1], mott), note)
        if "eq18" in self.checks:
            temps = list(self.temps) + ([self.t_rel6] if "relation6" in self.checks else [])
            for T in temps:
                self._eq18(T, R)

    def _eq18(self, T, R):
        ev = _values(self.S, self.mu, T)
        rhs = ev["T_beta_kubo"] - ev["mqm"]
        scale = max(abs(ev["mqm"]), abs(ev["T_beta_kubo"]), R)
        self.add("T_beta = T_beta~ - M", "(18), (20)", T,
                 f"T_beta={mp.nstr(ev['T_beta'], 10)}  T_beta~-M={mp.nstr(rhs, 10)}",
                 abs(ev["T_beta"] - rhs) / scale, self.floor, (ev["T_beta"], rhs))

    def _relation6(self, R):
        S, mu, T, dps = self.S, self.mu, self.t_rel6, self.digits
        beta = 1 / T
        h = beta * mp.mpf(10) ** (-(dps // 3))
        lhs = _values(S, mu, T)["mqm_aux"]
        rhs = mp.diff(lambda b: b * _values(S, mu, 1 / b)["mqm"], beta, h=h)
        # central difference: truncation h^2 and rounding 10^-dps / h, both ~ 10^(-2 dps/3)
        tol = mp.mpf(10) ** (-(2 * dps // 3 - 4))
        self.add("M~ = d(beta M)/d beta", "(6), (B7a)", T,
                 f"M~={mp.nstr(lhs, 10)}  d(beta M)/d beta={mp.nstr(rhs, 10)}",
                 abs(lhs - rhs) / max(abs(lhs), R), tol, (lhs, rhs),
                 f"mp.diff, step {mp.nstr(h, 2)}")

    def _insulator(self, gap, ev0, R):
        S, mu, f = self.S, self.mu, self.floor
        alpha, M0 = ev0["alpha"], ev0["mqm"]
        if "me" in self.checks:
            delta = _nice(min(mu - gap[0], gap[1] - mu) / 4, 2)
            Mm, Mp = _values(S, mu - delta, 0)["mqm"], _values(S, mu + delta, 0)["mqm"]
            quot = [-(M0 - Mm) / delta, -(Mp - M0) / delta]
            disc = max(abs(q - alpha) for q in quot) / max(abs(alpha), R / self.E)
            self.add("ME: -dM/dmu = alpha", "(4), (19a)", mp.mpf(0),
                     f"-dM/dmu={mp.nstr(quot[0], 10)}, {mp.nstr(quot[1], 10)}  "
                     f"alpha={mp.nstr(alpha, 10)}", disc, f, (quot[0], quot[1], alpha),
                     f"one-sided, dmu = {mp.nstr(delta, 2)}")
        if "eq13" in self.checks:
            from ..numeric.zeeman_route import mqm_zero_T_insulator
            mz = mqm_zero_T_insulator(self.model, self.params, mu, S.a, S.i, self.digits)
            self.add("Zeeman route = M", "(11c), (13), (8a)", mp.mpf(0),
                     f"(11c)={mp.nstr(mz, 12)}  (8a)={mp.nstr(M0, 12)}",
                     abs(mz - M0) / max(abs(M0), R), f, (mz, M0))


def verify(model, params=None, a="x", i="x", mu=None, dps=None, temperatures=None, *,
           relation6_T=None, checks=None):
    """Check a model against the exact relations of the paper.

    Parameters
    ----------
    model : Model, TightBinding or str
        A model, or a built-in name / model file path for :func:`symgrav.load_model`,
        or a Wannier90 ``_hr.dat`` / ``_tb.dat`` file (spin-1/2 two-band only; else
        pass a :class:`~symgrav.TightBinding`).
    params : dict, optional
        Parameter values (name or symbol -> number), overriding ``model.defaults``.
    a, i : {"x", "y", "z"}
        Spin component and momentum axis of M_a^i, alpha_a^i, beta_a^i.
    mu : number, str or sequence of them, optional
        Chemical potentials.  Default: lattice models, the centre of every
        band gap; continuum models, the midpoints between consecutive band
        features (band energies at p = 0, band extrema) and one above them.
    dps : int or "double", optional
        Decimal digits of the susceptibilities.  Default 30 for continuum
        models and 20 for lattice models (an evaluation over a Brillouin zone
        costs ~10-40 s at dps 20).  ``"double"``: IEEE double precision (see
        :class:`~symgrav.Susceptibilities`); the tolerances are then those of
        dps = 15 (identities to 1e-10 of R, relation (6) to 1e-6).
    temperatures : sequence of >= 2 positive numbers, optional
        Temperatures of the T -> 0 checks (T^2 scaling, Mott relation (21),
        Eq. 18).  Default T0, T0/10, T0/100 with T0 = 10^floor(log10(1e-3 E)),
        E the span of the band features.
    relation6_T : number, optional
        Temperature of the relation-(6) check; default 0.03 E (one digit).
    checks : iterable of str, optional
        Subset of ``CHECKS`` to run; default all.

    Returns
    -------
    VerifyReport
    """
    t_start = time.perf_counter()
    model = model_of(model)
    checks = set(CHECKS if checks is None else checks)
    if not checks or checks - set(CHECKS):
        raise SymgravError(f"checks must be a non-empty subset of {list(CHECKS)}; "
                           f"got {sorted(checks - set(CHECKS)) or 'nothing'}")
    params = merged_parameters(model, params)
    if dps is None:
        dps = 20 if model.lattice else 30
    dps_within_budget(dps)
    S = Susceptibilities(model, params, a, i, dps, "fermi")
    features, ranges = band_features(S)
    with mp.workdps(S.wdps):
        E = features[-1] - features[0] if len(features) > 1 else max(abs(features[0]), 1)
        E = E if E > 0 else mp.mpf(1)
        if mu is None:
            mus = auto_mus(features, ranges)
        else:
            mus = [mu] if isinstance(mu, (int, float, str, mp.mpf)) else list(mu)
            mus = [check_magnitude(_num(m, "mu"), "mu") for m in mus]
        if temperatures is None:
            T0 = mp.mpf(10) ** mp.floor(mp.log10(E / 1000))
            temps = [T0, T0 / 10, T0 / 100]
        else:
            temps = sorted((check_magnitude(_num(T, "temperature"), "temperature")
                            for T in temperatures), reverse=True)
            if len(temps) < 2 or temps[-1] <= 0 or len(set(temps)) != len(temps):
                raise SymgravError("temperatures: give at least two distinct positive values")
        t_rel6 = _nice(E * 3 / 100, 1) if relation6_T is None else _num(relation6_T, "T")
        if t_rel6 <= 0:
            raise SymgravError(f"relation6_T must be positive; got {relation6_T!r}")
        rows = []
        for m in mus:
            try:
                _Checker(S, model, params, m, E, temps, t_rel6, checks, rows,
                         features).run(ranges)
            except SymgravError as exc:  # a failed evaluation is a failed check
                rows.append(CheckRow("evaluation", "-", m, None, " ".join(str(exc).split()),
                                     mp.inf, mp.mpf(0), False))
    pnames = ", ".join(f"{k}={mp.nstr(v, 10)}" for k, v in sorted(S.params.items()))
    header = [f"symgrav verify: model {model.name} ({'lattice' if model.lattice else 'continuum'}"
              f", d = {model.dim}), component a = {S.a}, i = {S.i}, dps = {dps}, Fermi statistics",
              f"parameters: {pnames or 'none'}",
              "band features: " + ", ".join(mp.nstr(x, 6) for x in features)
              + f"; energy scale E = {mp.nstr(E, 6)}",
              "temperatures: " + ", ".join(mp.nstr(T, 3) for T in temps)
              + f"; relation (6) at T = {mp.nstr(t_rel6, 3)}",
              "differences are relative to max(|M|, |T_beta~|, |alpha| E) at T = 0 and that mu"]
    return VerifyReport(header, rows, time.perf_counter() - t_start)

