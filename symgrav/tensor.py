"""Full response tensors: every spin component a and momentum direction i of a model.

The susceptibilities alpha_a^i (19a), T beta~_a^i (19b), M_a^i (8a),
M~_a^i (B7a) and T beta_a^i (20) are all integrals over momentum space of
the same band data, the spin-velocity Berry curvature Omega_{an}^i (8b) and
the spin magnetic moment m_{an}^i (8c), weighted by functions of the band
energy epsilon_n(p) only.  Hence a symmetry argument on the integrand holds
for every quantity, every mu and every T at once:

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
representative of every class and, for components no symmetry relates,
reports numerical zeros and equalities as such, labelled "numerical".
"""

from __future__ import annotations

import itertools
import random

import mpmath as mp

from .errors import SymgravError
from .model import AXES

NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")
GUARD = 10


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
    names = [p.name for p in model.momenta]
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
        ``"representatives"``: the components left to integrate.
    """
    from .numeric.bands import numeric_geometry
    from .sweep import _model_of

    model = _model_of(model)
    if not isinstance(dps, int) or dps < 15:
        raise SymgravError(f"dps must be an integer >= 15; got {dps!r}")
    merged = dict(model.defaults)
    merged.update({getattr(k, "name", str(k)): v for k, v in dict(params or {}).items()})
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
    return {"components": comps, "symmetries": [_describe(model, R) for R in group],
            "zero": zero, "relations": relations, "representatives": reps}


def _evaluate_component(task):
    """Worker: all five integrals of one component at one (mu, T)."""
    from .susceptibilities import Susceptibilities

    model, params, a, i, dps, statistics, mu, T = task
    return Susceptibilities(model, params, a, i, dps, statistics).evaluate(mu, T)


class TensorResult:
    """Every component of the response tensors at one (mu, T); see :func:`tensor`.

    Attributes
    ----------
    values : dict
        (a, i) -> {quantity: mpf} for the quantities of Eqs. (19a), (19b),
        (8a), (B7a), (20).
    zero : dict
        (a, i) -> reason, the components that vanish.
    relations : dict
        (a, i) -> ((b, j), sign, reason): chi_{ai} = sign * chi_{bj}.
    metadata : dict
    """

    def __init__(self, metadata, values, zero, relations, symmetries):
        self.metadata, self.values = metadata, values
        self.zero, self.relations, self.symmetries = zero, relations, symmetries

    def nonzero(self):
        """Components that do not vanish, as ``"ai"`` strings."""
        return [a + i for (a, i) in self.values if (a, i) not in self.zero]

    def to_dict(self, digits=None):
        """JSON-ready dict: metadata, values as decimal strings, zeros and relations."""
        digits = digits or self.metadata["dps"]
        return {"metadata": self.metadata,
                "values": {a + i: {q: mp.nstr(v, digits) for q, v in vals.items()}
                           for (a, i), vals in self.values.items()},
                "zero": {a + i: r for (a, i), r in self.zero.items()},
                "relations": {a + i: {"equals": ("" if s > 0 else "-") + b + j, "reason": r}
                              for (a, i), ((b, j), s, r) in self.relations.items()}}

    def __str__(self):
        m = self.metadata
        digits = min(m["dps"], 12)
        lines = [f"full tensor of {m['model']} at mu = {m['mu']}, T = {m['T']} "
                 f"(dps {m['dps']}, {m['statistics']}; natural units q = 1, g mu_B/hbar = 1)",
                 "energy-preserving momentum maps: " + (", ".join(m["symmetries"]) or "none"),
                 "component  " + "  ".join(q.rjust(digits + 7) for q in NAMES) + "  note"]
        for c, vals in self.values.items():
            note = ""
            if c in self.zero:
                note = "zero: " + self.zero[c]
            elif c in self.relations:
                (b, j), s, r = self.relations[c]
                note = f"= {'' if s > 0 else '-'}{b}{j} ({r})"
            cells = "  ".join(mp.nstr(vals[q], digits).rjust(digits + 7) for q in NAMES)
            lines.append(f"{c[0]}{c[1]}".ljust(9) + "  " + cells + "  " + note)
        lines.append("nonzero: " + (", ".join(self.nonzero()) or "none"))
        groups = {}
        for c, ((b, j), s, _r) in self.relations.items():
            groups.setdefault(b + j, []).append(("" if s > 0 else "-") + c[0] + c[1])
        for rep, members in groups.items():
            lines.append(f"related: {rep} = " + " = ".join(members))
        return "\n".join(lines)


def tensor(model, params=None, mu=0, T=0, dps=20, statistics="fermi", executor=None,
           workers=None, progress=False):
    """Every component a, i of Eqs. (19a), (19b), (8a), (B7a), (20) with zeros and pairs.

    Components related by a symmetry of the integrand (see
    :func:`tensor_symmetries`) are not integrated again: a component odd
    under a symmetry is exactly 0, a related one is +- its representative.
    The remaining representatives are integrated with
    :class:`~symgrav.Susceptibilities`, in parallel via
    :func:`symgrav.parallel.parallel_map`.  Among them, a component whose
    every quantity is below 10^-(dps-5) times the largest value is reported
    as numerically zero, and two whose quantities agree (or are opposite) to
    that tolerance as numerically related; those claims are labelled
    "numerical at this (mu, T)".

    Parameters
    ----------
    model : Model or str
    params : dict, optional
        Overrides of the model's default parameter values.
    mu, T : number or str
        Chemical potential and temperature (T >= 0).
    dps : int
        Decimal digits (>= 15).
    statistics : {"fermi", "bose"}
    executor, workers, progress
        As for :func:`symgrav.parallel.parallel_map`.

    Returns
    -------
    TensorResult
    """
    from . import __version__
    from .parallel import parallel_map
    from .sweep import _model_of, _to_mpf, exact_number

    model = _model_of(model)
    merged = dict(model.defaults)
    merged.update({getattr(k, "name", str(k)): v for k, v in dict(params or {}).items()})
    wdps = (dps if isinstance(dps, int) else 15) + GUARD
    mu_v = _to_mpf(exact_number(mu, "mu"), wdps)
    T_v = _to_mpf(exact_number(T, "T"), wdps)
    if T_v < 0:
        raise SymgravError(f"temperature must be >= 0; got T = {mp.nstr(T_v, 15)}")
    from .numeric.statistics import check_statistics

    statistics = check_statistics(statistics)
    sym = tensor_symmetries(model, merged, dps)
    reps = sym["representatives"]
    tasks = [(model, merged, a, i, dps, statistics, mu_v, T_v) for a, i in reps]
    results = parallel_map(_evaluate_component, tasks, executor=executor, workers=workers,
                           progress=progress, desc=f"{model.name} tensor")
    got = dict(zip(reps, results))
    zero, relations = dict(sym["zero"]), dict(sym["relations"])
    with mp.workdps(dps):
        big = max([abs(v) for vals in results for v in vals.values()] + [mp.mpf(0)])
        tol = big * mp.mpf(10) ** (-(dps - 5))
        where = f"numerical at mu = {mp.nstr(mu_v, 15)}, T = {mp.nstr(T_v, 15)}"
        kept = []
        for c in reps:
            vals = got[c]
            if all(abs(v) <= tol for v in vals.values()):
                zero[c] = f"{where} (all below 1e-{dps - 5} of the largest)"
                continue
            for r in kept:
                s = next((s for s in (1, -1)
                          if all(abs(vals[q] - s * got[r][q]) <= tol for q in NAMES)), None)
                if s is not None:
                    relations[c] = (r, s, where)
                    break
            else:
                kept.append(c)
        values = {}
        for c in sym["components"]:
            if c in got:
                values[c] = {q: +got[c][q] for q in NAMES}
            elif c in sym["zero"]:
                values[c] = {q: mp.mpf(0) for q in NAMES}
            else:
                (r, s, _why) = sym["relations"][c]
                values[c] = {q: s * got[r][q] for q in NAMES}
        params_out = {}
        from .numeric.bands import parameter_values
        for k, v in sorted(parameter_values(model, merged, dps).items()):
            params_out[k] = mp.nstr(v, dps)
    metadata = {"model": model.name, "parameters": params_out, "mu": mp.nstr(mu_v, dps),
                "T": mp.nstr(T_v, dps), "dps": dps, "statistics": statistics,
                "symgrav_version": __version__, "symmetries": sym["symmetries"]}
    return TensorResult(metadata, values, zero, relations, sym["symmetries"])
