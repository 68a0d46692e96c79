"""Full response tensors: every spin component a and momentum direction i of a model.

The susceptibilities alpha_a^i (19a), T beta~_a^i (19b), M_a^i (8a),
M~_a^i (B7a), T beta_a^i (20) and every user quantity
(:class:`~symgrav.Quantity`) are Fermi-sea integrals over momentum space of
the same band data, the spin-velocity Berry curvature Omega_{an}^i (8b) and
the spin magnetic moment m_{an}^i (8c), weighted by functions of the band
energy epsilon_n(p) only.  Hence a symmetry argument on the integrand holds
for every such quantity, every mu and every T at once:

* if Omega_{an}^i and m_{an}^i vanish for every band at every momentum, the
  component is zero ("vanishing integrand");
* if a signed permutation R of the momentum axes (a reflection or a 90-degree
  rotation; it preserves the measure and the Brillouin zone [-pi, pi)^d)
  leaves every band energy unchanged and maps the integrand of component c'
  onto s times that of component c, i.e. (Omega, m)_{c'}(R p) = s (Omega, m)_c(p),
  then chi_{c'} = s chi_c; with c' = c and s = -1 the component vanishes.

:func:`tensor_symmetries` finds these relations by testing the identities at
random momenta at the working precision (a numerical test of an exact
identity: a chance coincidence at several random points of analytic
functions is not a practical concern).  :func:`tensor` then integrates one
representative of every class.  A zero or an equal/opposite pair among the
representatives that no symmetry explains is reported only when it holds at
the requested (mu, T) *and* at a second generic point (a band energy at a
random momentum, or for Bose statistics another temperature), and it is
labelled "numerical" (:func:`numerical_relations`); a coincidence at one
point (a sign change of alpha at that mu, say) is not reported.
"""

from __future__ import annotations

import itertools
import random

import mpmath as mp

from ..display import html_table
from ..errors import SymgravError
from ..numeric.banddata import numeric_geometry, parameter_values
from ..numeric.engine import Susceptibilities
from ..numeric.evaluation import check_dps
from ..numeric.occupations import check_statistics
from ..symbolic.model import AXES
from ..symbolic.quantities import QUANTITIES
from ..version import __version__
from .columns import check_quantities, quantity_metadata
from .grid import (GUARD, check_magnitude, dps_within_budget, exact_number, merged_parameters, model_of,
                   parameter_texts, rounded)
from .parallel import parallel_map

#: the built-in quantities of every tensor, from the registry (user quantities follow them)
NAMES = tuple(q.name for q in QUANTITIES)


def _components(model):
    return [(a, i) for a in AXES for i in AXES[:model.dim]]


def _signed_permutations(d):
    for perm in itertools.permutations(range(d)):
        for signs in itertools.product((1, -1), repeat=d):
            yield tuple(perm), tuple(signs)


def _apply(R, k):
    perm, signs = R
    return tuple(s * k[p] for p, s in zip(perm, signs))


def _describe(model, R):
    names = getattr(model, "momentum_names", None) or [p.name for p in model.momenta]
    perm, signs = R
    image = [("-" if s < 0 else "") + names[p] for p, s in zip(perm, signs)]
    return f"({', '.join(names)}) -> ({', '.join(image)})"


def tensor_symmetries(model, params=None, dps=20, samples=5, seed=11):
    """Exact zeros and equal/opposite pairs of a response tensor from the integrand.

    Tests the band data of Eqs. (8b), (8c) (see the module notes) under the
    signed permutations of the momentum axes that leave every band energy
    unchanged.  The relations hold for alpha (19a), T beta~ (19b), M (8a),
    M~ (B7a) and T beta (20) at every mu and T.

    Parameters
    ----------
    model : Model or str
    params : dict, optional
        Overrides of the model's default parameter values.
    dps : int
        Working digits of the test (>= 15).
    samples : int
        Number of random momenta at which every identity is tested.
    seed : int
        Seed of the random momenta.

    Returns
    -------
    dict
        ``"components"``: list of (a, i); ``"symmetries"``: descriptions of
        the energy-preserving maps; ``"zero"``: {(a, i): reason};
        ``"relations"``: {(a, i): ((b, j), sign, reason)} mapping a component
        onto an earlier representative with chi_{ai} = sign * chi_{bj};
        ``"representatives"``: the components left to integrate;
        ``"energies"``: the band energies at the sample momenta, sorted (used
        by :func:`tensor` to pick a second point inside the bands).
    """
    model = model_of(model)
    if not isinstance(dps, int) or dps < 15:
        raise SymgravError(f"dps must be an integer >= 15; got {dps!r}")
    dps_within_budget(dps)
    merged = merged_parameters(model, params)
    wdps = dps + GUARD
    comps = _components(model)
    data = {c: numeric_geometry(model, merged, c[0], c[1], wdps) for c in comps}
    rng = random.Random(seed)
    d = model.dim
    with mp.workdps(wdps):
        top = mp.pi if model.lattice else mp.mpf(2)
        ks = [tuple(mp.mpf(rng.uniform(0.15, 0.95)) * top * rng.choice((1, -1))
                    for _ in range(d)) for _ in range(samples)]
        cache = {}

        def at(c, k):
            key = (c, k)
            if key not in cache:
                e, _g, om, mm = data[c].at(k)
                cache[key] = (list(e), list(om) + list(mm))
            return cache[key]

        scale = max([abs(x) for c in comps for k in ks for x in at(c, k)[1]]
                    + [abs(x) for k in ks for x in at(comps[0], k)[0]] + [mp.mpf(1)])
        tol = scale * mp.mpf(10) ** (-dps)

        def close(u, v, s=1):
            return all(abs(x - s * y) <= tol for x, y in zip(u, v))

        group = [R for R in _signed_permutations(d)
                 if all(close(at(comps[0], _apply(R, k))[0], at(comps[0], k)[0]) for k in ks)]
        zero, relations, reps = {}, {}, []
        for c in comps:
            if all(close(at(c, k)[1], [0] * len(at(c, k)[1])) for k in ks):
                zero[c] = "integrand Omega, m (Eqs. 8b, 8c) vanishes identically"
                continue
            odd = next((R for R in group
                        if all(close(at(c, _apply(R, k))[1], at(c, k)[1], -1) for k in ks)), None)
            if odd is not None:
                zero[c] = f"integrand odd under {_describe(model, odd)}"
                continue
            found = None
            for r in reps:
                for R in group:
                    for s in (1, -1):
                        if all(close(at(c, _apply(R, k))[1], at(r, k)[1], s) for k in ks):
                            how = ("integrands equal pointwise" if s > 0 else
                                   "integrands opposite pointwise") if R == group[0] else \
                                f"integrand maps under {_describe(model, R)}"
                            found = (r, s, how)
                            break
                    if found:
                        break
                if found:
                    break
            if found:
                relations[c] = found
            else:
                reps.append(c)
        energies = sorted(e for k in ks for e in at(comps[0], k)[0])
    return {"components": comps, "symmetries": [_describe(model, R) for R in group],
            "zero": zero, "relations": relations, "representatives": reps,
            "energies": energies}


def _tolerance(reps, values, dps):
    """10^-(dps-5) times the largest value of any representative at one point (0 if none)."""
    big = max([abs(v) for c in reps for v in values[c].values()] + [mp.mpf(0)])
    return big * mp.mpf(10) ** (-(dps - 5))


def numerical_relations(reps, first, second=None, dps=20):
    """Zeros and equal/opposite pairs of integrated components that no symmetry explains.

    The decision rule of :func:`tensor` for the representatives left by
    :func:`tensor_symmetries`.  A component is a numerical zero when all
    its quantities (Eqs. 19a, 19b, 8a, B7a, 20 and the user's) are below 10^-(dps-5)
    times the largest value at that point, at the first *and* the second
    point; component c equals s times an earlier unrelated representative r
    (s = +-1) when every quantity agrees to that tolerance at both points
    and r is not itself zero at the second point.  A second point where
    every value vanishes confirms nothing.

    Parameters
    ----------
    reps : list of (a, i)
        The representatives, in order.
    first, second : dict
        (a, i) -> {quantity: mpf} at the requested point and at a second
        generic point.  With ``second=None`` only the first point is used:
        the result is the list of candidates that need a second point.
    dps : int
        Digits of the values (15 for double precision).

    Returns
    -------
    zero : list of (a, i)
    relations : dict
        (a, i) -> ((b, j), sign).
    """
    with mp.workdps(dps + GUARD):
        tol1 = _tolerance(reps, first, dps)
        tol2 = tol1 if second is None else _tolerance(reps, second, dps)
        points = [(first, tol1)] if second is None else [(first, tol1), (second, tol2)]
        if second is not None and tol2 == 0:
            return [], {}

        def small(vals, tol):
            return all(abs(v) <= tol for v in vals.values())

        def agree(u, v, sign, tol):
            return all(abs(u[q] - sign * v[q]) <= tol for q in u)

        zero, relations, kept = [], {}, []
        for c in reps:
            if all(small(vals[c], tol) for vals, tol in points):
                zero.append(c)
                continue
            found = None
            for r in kept:
                if second is not None and small(second[r], tol2):
                    continue
                found = next((sign for sign in (1, -1)
                              if all(agree(vals[c], vals[r], sign, tol) for vals, tol in points)),
                             None)
                if found is not None:
                    relations[c] = (r, found)
                    break
            if found is None:
                kept.append(c)
    return zero, relations


def second_point(mu, T, energies, statistics):
    """A second generic (mu, T) for confirming numerical zeros and pairs.

    Fermi statistics: the band energy at one of the random sample momenta of
    :func:`tensor_symmetries` nearest to mu but at least a tenth of the
    sampled band spread away, at the same T (so the point lies inside the
    model's bands).  Bose statistics (mu must stay below the bands): the same
    mu at another temperature.
    """
    spread = (energies[-1] - energies[0]) if energies else mp.mpf(1)
    if spread == 0:
        spread = mp.mpf(1)
    if statistics == "bose":
        return mu, (T * mp.mpf("1.618") if T > 0 else spread / 10)
    far = [e for e in energies if abs(e - mu) >= spread / 10]
    if not far:
        return mu + spread / 7, T
    return min(far, key=lambda e: abs(e - mu)), T


def _evaluate_component(task):
    """Worker: every integral (Eqs. 19a, 19b, 8a, B7a, 20, user) of one component at one (mu, T).

    Values as mpf (a double-precision float converted exactly, an mpf kept as it is).
    """
    model, params, a, i, dps, statistics, quantities, mu, T = task
    vals = Susceptibilities(model, params, a, i, dps, statistics,
                            quantities=quantities).evaluate(mu, T)
    return {k: v if isinstance(v, mp.mpf) else mp.mpf(v) for k, v in vals.items()}


class TensorResult:
    """Every component of the response tensors at one (mu, T); see :func:`tensor`.

    Attributes
    ----------
    values : dict
        (a, i) -> {quantity: mpf} for the quantities of Eqs. (19a), (19b),
        (8a), (B7a), (20) and the user's (``names``, in order).
    zero : dict
        (a, i) -> reason, the components that vanish.
    relations : dict
        (a, i) -> ((b, j), sign, reason): chi_{ai} = sign * chi_{bj}.
    numerical : list of (a, i)
        The components of ``zero`` and ``relations`` found numerically (at
        the requested and a second point) rather than from a symmetry of the
        integrand.
    metadata : dict
        ``dps`` is an int or ``"double"``; with user quantities,
        ``quantities`` describes their weights.
    names : tuple of str
        The quantities of every component: :data:`NAMES`, then the user's.
    """

    def __init__(self, metadata, values, zero, relations, symmetries, numerical=()):
        self.metadata, self.values = metadata, values
        self.zero, self.relations, self.symmetries = zero, relations, symmetries
        self.numerical = list(numerical)
        self.names = NAMES + tuple(metadata.get("quantities", {}))

    @property
    def digits(self):
        """Significant digits of the values: ``dps``, or 15 for double precision."""
        dps = self.metadata["dps"]
        return 15 if dps == "double" else dps

    def nonzero(self):
        """Components that do not vanish, as ``"ai"`` strings."""
        return [a + i for (a, i) in self.values if (a, i) not in self.zero]

    def to_dict(self, digits=None):
        """JSON-ready dict: metadata, values as decimal strings, zeros, relations, numerical ones."""
        digits = digits or self.digits
        return {"metadata": self.metadata,
                "values": {a + i: {q: mp.nstr(v, digits) for q, v in vals.items()}
                           for (a, i), vals in self.values.items()},
                "zero": {a + i: r for (a, i), r in self.zero.items()},
                "relations": {a + i: {"equals": ("" if s > 0 else "-") + b + j, "reason": r}
                              for (a, i), ((b, j), s, r) in self.relations.items()},
                "numerical": [a + i for (a, i) in self.numerical]}

    def _notes(self):
        """(component, note) of every component: zero, related, or empty."""
        out = {}
        for c in self.values:
            note = ""
            if c in self.zero:
                note = "zero: " + self.zero[c]
            elif c in self.relations:
                (b, j), s, r = self.relations[c]
                note = f"= {'' if s > 0 else '-'}{b}{j} ({r})"
            out[c] = note
        return out

    def _repr_html_(self):
        """The tensor in a notebook: one row per component (a, i), with its note."""
        m = self.metadata
        digits = min(self.digits, 12)
        notes = self._notes()
        rows = [[a + i] + [mp.nstr(vals[q], digits) for q in self.names] + [notes[(a, i)]]
                for (a, i), vals in self.values.items()]
        caption = (f"full tensor of {m['model']} at mu = {m['mu']}, T = {m['T']} "
                   f"(dps {m['dps']}, {m['statistics']})")
        return html_table(("component",) + tuple(self.names) + ("note",), rows, caption,
                          notes=["natural units q = 1, g mu_B/hbar = 1",
                                 "nonzero: " + (", ".join(self.nonzero()) or "none")])

    def __str__(self):
        m = self.metadata
        digits = min(self.digits, 12)
        lines = [f"full tensor of {m['model']} at mu = {m['mu']}, T = {m['T']} "
                 f"(dps {m['dps']}, {m['statistics']}; natural units q = 1, g mu_B/hbar = 1)",
                 "energy-preserving momentum maps: " + (", ".join(m["symmetries"]) or "none"),
                 "component  " + "  ".join(q.rjust(digits + 7) for q in self.names) + "  note"]
        notes = self._notes()
        for c, vals in self.values.items():
            note = notes[c]
            cells = "  ".join(mp.nstr(vals[q], digits).rjust(digits + 7) for q in self.names)
            lines.append(f"{c[0]}{c[1]}".ljust(9) + "  " + cells + "  " + note)
        lines.append("nonzero: " + (", ".join(self.nonzero()) or "none"))
        groups = {}
        for c, ((b, j), s, _r) in self.relations.items():
            groups.setdefault(b + j, []).append(("" if s > 0 else "-") + c[0] + c[1])
        for rep, members in groups.items():
            lines.append(f"related: {rep} = " + " = ".join(members))
        if self.numerical:
            second = m.get("second_point", {})
            lines.append("numerical, not from a symmetry (confirmed at mu = "
                         f"{second.get('mu')}, T = {second.get('T')}): "
                         + ", ".join(a + i for (a, i) in self.numerical))
        return "\n".join(lines)


def tensor(model, params=None, mu=0, T=0, dps=20, statistics="fermi", executor=None,
           workers=None, progress=False, quantities=()):
    """Every component a, i of Eqs. (19a), (19b), (8a), (B7a), (20) with zeros and pairs.

    Components related by a symmetry of the integrand (see
    :func:`tensor_symmetries`) are not integrated again: a component odd
    under a symmetry is exactly 0, a related one is +- its representative.
    The relations come from the band data Omega (8b) and m (8c), so they hold
    for every Fermi-sea quantity, the user's ``quantities`` included.
    The remaining representatives are integrated with
    :class:`~symgrav.Susceptibilities`, in parallel via
    :func:`symgrav.parallel.parallel_map`.  Among them, a component whose
    every quantity is below 10^-(dps-5) times the largest value, or two
    whose quantities agree (or are opposite) to that tolerance, are
    integrated again at a second generic point (:func:`second_point`) and
    reported only if the claim holds there too (:func:`numerical_relations`);
    those claims are labelled "numerical" and listed in
    :attr:`TensorResult.numerical`.

    Parameters
    ----------
    model : Model or str
    params : dict, optional
        Overrides of the model's default parameter values.
    mu, T : number or str
        Chemical potential and temperature (T >= 0).
    dps : int or "double"
        Decimal digits (>= 15), or ``"double"`` (IEEE double precision; the
        decision rule then uses 15 digits and the symmetry test runs at 15).
    statistics : {"fermi", "bose"}
    executor, workers, progress
        As for :func:`symgrav.parallel.parallel_map`.
    quantities : sequence of Quantity, optional
        User quantities, computed for every component after the built-ins.

    Returns
    -------
    TensorResult
    """
    model = model_of(model)
    merged = merged_parameters(model, params)
    dps = dps_within_budget(check_dps(dps))
    extra = check_quantities(quantities)
    digits = 15 if dps == "double" else dps
    wdps = digits + GUARD
    mu_v = rounded(check_magnitude(exact_number(mu, "mu"), "mu"), wdps)
    T_v = rounded(check_magnitude(exact_number(T, "T"), "T"), wdps)
    if T_v < 0:
        raise SymgravError(f"temperature must be >= 0; got T = {mp.nstr(T_v, 15)}")
    statistics = check_statistics(statistics)
    sym = tensor_symmetries(model, merged, digits)
    parameter_values(model, merged, digits)  # unknown or missing names: an error here
    reps = sym["representatives"]
    names = NAMES + tuple(q.name for q in extra)

    def integrate(m, t, what):
        tasks = [(model, merged, a, i, dps, statistics, extra, m, t) for a, i in reps]
        results = parallel_map(_evaluate_component, tasks, executor=executor, workers=workers,
                               progress=progress, desc=f"{model.name} tensor{what}")
        return dict(zip(reps, results))

    got = integrate(mu_v, T_v, "")
    zero, relations, numerical = dict(sym["zero"]), dict(sym["relations"]), []
    extra_meta = {}
    cand_zero, cand_rel = numerical_relations(reps, got, None, digits)
    if cand_zero or cand_rel:
        with mp.workdps(wdps):
            mu2, T2 = second_point(mu_v, T_v, sym["energies"], statistics)
        other = integrate(mu2, T2, " (second point)")
        num_zero, num_rel = numerical_relations(reps, got, other, digits)
        where = (f"mu = {mp.nstr(mu_v, 15)}, T = {mp.nstr(T_v, 15)} and "
                 f"mu = {mp.nstr(mu2, 15)}, T = {mp.nstr(T2, 15)}")
        for c in num_zero:
            zero[c] = (f"numerical: all below 1e-{digits - 5} of the largest at {where}; "
                       "no symmetry of the integrand found")
        for c, (r, sign) in num_rel.items():
            relations[c] = (r, sign, f"numerical: {'equal' if sign > 0 else 'opposite'} at "
                                     f"{where}; no symmetry of the integrand found")
        numerical = [c for c in reps if c in num_zero or c in num_rel]
        extra_meta["second_point"] = {"mu": mp.nstr(mu2, digits), "T": mp.nstr(T2, digits)}
    if extra:
        extra_meta["quantities"] = quantity_metadata(extra)
    with mp.workdps(digits):
        values = {}
        for c in sym["components"]:
            if c in got:
                values[c] = {q: +got[c][q] for q in names}
            elif c in sym["zero"]:
                values[c] = {q: mp.mpf(0) for q in names}
            else:
                (r, s, _why) = sym["relations"][c]
                values[c] = {q: s * got[r][q] for q in names}
        metadata = {"model": model.name, "parameters": parameter_texts(model, merged, digits),
                    "mu": mp.nstr(mu_v, digits), "T": mp.nstr(T_v, digits), "dps": dps,
                    "statistics": statistics, "symgrav_version": __version__,
                    "symmetries": sym["symmetries"],
                    "numerical": ["".join(c) for c in numerical], **extra_meta}
    return TensorResult(metadata, values, zero, relations, sym["symmetries"], numerical)
