"""Time the closed-form Rashba geometry: symgrav versus plain SymPy.

Quantities: the spin-velocity Berry curvature Omega_{an}^i (Eq. 8b) and the spin
magnetic moment m_{an}^i (Eq. 8c) of the Rashba ferromagnet (Eq. 22),
H = p^2/2m + alpha (p_y sigma_x - p_x sigma_y) + b sigma_z, s = (hbar/2) sigma,
for a in {x, y, z}, i in {x, y}: 12 components (each a tuple over the 2 bands).

* symgrav: a fresh ``Model`` each repetition (symgrav caches per model) and a
  cleared SymPy cache, then ``spin_berry_curvature`` and ``spin_magnetic_moment``
  for all 12 components.
* plain SymPy: the straightforward route a user would write:
  ``H.eigenvects()``, normalise each eigenvector, the sums over states of
  Eqs. (8b), (8c) with explicit ``conjugate`` for the c.c., then ``simplify``.

Both are timed best-of-N (default 3) from a cleared SymPy cache.  The script also
prints the total ``count_ops`` of the results of both and checks numerically that
the two sets of results agree.

Usage:  python benchmarks/bench_symbolic.py [--quick] [--repeat N]
--quick: the plain-SymPy baseline derives only the (a, i) = (x, x) component of
both quantities (symgrav still derives all 12); the output says so.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import random
import time
from queue import Empty

import sympy as sp
from sympy.core.cache import clear_cache

import symgrav
from symgrav import Model, spin_berry_curvature, spin_magnetic_moment

AXES = ("x", "y", "z")
PAIRS_ALL = [(a, i) for a in AXES for i in ("x", "y")]

px, py = sp.symbols("p_x p_y", real=True)
alpha, b, m, hbar = sp.symbols("alpha b m hbar", positive=True)
SIGMA = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
         sp.Matrix([[1, 0], [0, -1]]))


def rashba():
    p2 = px ** 2 + py ** 2
    return p2 / (2 * m) * sp.eye(2) + alpha * (py * SIGMA[0] - px * SIGMA[1]) + b * SIGMA[2]


def with_symgrav(pairs):
    model = Model(rashba(), [px, py], hbar=hbar)
    out = {}
    for a, i in pairs:
        out["Omega", a, i] = tuple(spin_berry_curvature(model, a, i))
        out["m", a, i] = tuple(spin_magnetic_moment(model, a, i))
    return out


def with_plain_sympy(pairs, progress=None, simplify=True):
    """eigenvects + normalise + Eq. (8b)/(8c) sums over states + simplify."""
    finish = sp.simplify if simplify else (lambda e: e)
    H = rashba()
    spin = [hbar / 2 * s for s in SIGMA]
    momenta = {"x": px, "y": py}
    states = []
    for val, mult, vecs in H.eigenvects():
        for vec in vecs:
            vec = vec / sp.sqrt((vec.H * vec)[0])
            states.append((val, vec))
    # ascending energy: order the two eigenvalues at a sample point
    sample = {px: 0.3, py: 0.7, alpha: 1, b: 0.5, m: 1, hbar: 1}
    states.sort(key=lambda st: float(st[0].subs(sample)))
    out = {}
    for a, i in pairs:
        v = H.diff(momenta[i])
        s = spin[AXES.index(a)]
        om_n, m_n = [], []
        for n, (en, un) in enumerate(states):
            om, mm = sp.Integer(0), sp.Integer(0)
            for k, (ek, uk) in enumerate(states):
                if k == n:
                    continue
                x = (un.H * v * uk)[0] * (uk.H * s * un)[0]
                om += sp.I * hbar * x / (en - ek) ** 2
                om += sp.conjugate(sp.I * hbar * x / (en - ek) ** 2)
                mm += -sp.I * hbar / 2 * x / (en - ek)
                mm += sp.conjugate(-sp.I * hbar / 2 * x / (en - ek))
            om_n.append(finish(om))
            m_n.append(finish(mm))
        out["Omega", a, i] = tuple(om_n)
        out["m", a, i] = tuple(m_n)
        if progress is not None:
            progress(a, i, out["Omega", a, i], out["m", a, i])
    return out


def _baseline_child(queue, pairs, repeat):
    t_start = [0.0]

    def progress(a, i, om, mm):
        queue.put(("progress", a, i, time.perf_counter() - t_start[0], om, mm))

    for rep in range(repeat):
        clear_cache()
        t_start[0] = time.perf_counter()
        result = with_plain_sympy(pairs, progress)
        queue.put(("done", rep, time.perf_counter() - t_start[0], result))


def baseline_with_timeout(pairs, repeat, timeout):
    """Run the plain-SymPy baseline in a child process; give up after ``timeout`` s.

    Returns (best time or None, list of run times, result or None, progress lines).
    """
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_baseline_child, args=(queue, pairs, repeat), daemon=True)
    t0 = time.perf_counter()
    proc.start()
    times, result, partial = [], None, {}
    try:
        while len(times) < repeat:
            left = timeout - (time.perf_counter() - t0)
            if left <= 0:
                break
            try:
                msg = queue.get(timeout=min(left, 5.0))
            except Empty:
                if not proc.is_alive():
                    break
                continue
            if msg[0] == "progress":
                _, a, i, el, om, mm = msg
                partial["Omega", a, i], partial["m", a, i] = om, mm
                print(f"    plain SymPy: (a,i)=({a},{i}) Omega and m done at {el:9.1f} s",
                      flush=True)
            else:
                _, rep, el, result = msg
                times.append(el)
                print(f"    plain SymPy: run {rep + 1} finished in {el:.1f} s", flush=True)
    finally:
        if proc.is_alive():
            proc.terminate()
            proc.join(5)
    best = min(times) if times else None
    return best, times, result, partial


def best_of(fn, pairs, repeat):
    times, result = [], None
    for _ in range(repeat):
        clear_cache()
        t0 = time.perf_counter()
        result = fn(pairs)
        times.append(time.perf_counter() - t0)
    return min(times), times, result


def total_ops(results):
    return sum(sp.count_ops(e) for vals in results.values() for e in vals)


def max_numeric_difference(r1, r2, trials=5):
    rng = random.Random(1)
    worst = 0.0
    for _ in range(trials):
        point = {px: rng.uniform(-2, 2), py: rng.uniform(-2, 2), alpha: rng.uniform(0.5, 2),
                 b: rng.uniform(0.2, 2), m: rng.uniform(0.5, 2), hbar: rng.uniform(0.5, 2)}
        for key in r2:
            for e1, e2 in zip(r1[key], r2[key]):
                d = abs(complex(sp.N((e1 - e2).subs(point), 30)))
                scale = max(1.0, abs(complex(sp.N(e1.subs(point)))))
                worst = max(worst, d / scale)
    return worst


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="baseline derives only the (x, x) component of Omega and m")
    ap.add_argument("--repeat", type=int, default=3,
                    help="symgrav repetitions, best is reported (default 3)")
    ap.add_argument("--baseline-repeat", type=int, default=3,
                    help="plain-SymPy repetitions, best is reported (default 3)")
    ap.add_argument("--baseline-timeout", type=float, default=3600,
                    help="give up on the plain-SymPy baseline after this many seconds "
                         "(all repetitions together; default 3600)")
    args = ap.parse_args(argv)

    print(f"machine: nproc={os.cpu_count()}  python {platform.python_version()}  "
          f"sympy {sp.__version__}  symgrav {symgrav.__version__}  ({platform.platform()})")
    print("model: Rashba ferromagnet, Eq. (22); quantities Omega_a^i (8b) and m_a^i (8c), "
          "a in xyz, i in xy")
    print(f"timing: best of {args.repeat} (symgrav) / {args.baseline_repeat} (plain SymPy), "
          "SymPy cache cleared and a fresh Model each repetition")
    print()

    t_sg, all_sg, res_sg = best_of(with_symgrav, PAIRS_ALL, args.repeat)
    print(f"symgrav      all 12 components (24 band expressions):   {t_sg:10.3f} s   "
          f"[runs: {', '.join(f'{t:.3f}' for t in all_sg)}]")

    base_pairs = [("x", "x")] if args.quick else PAIRS_ALL
    label = ("ONLY Omega_x^x, m_x^x [--quick] (4 band exprs)" if args.quick
             else "all 12 components (24 band expressions)  ")
    print(f"plain SymPy  {label}: running (timeout {args.baseline_timeout:.0f} s) ...",
          flush=True)
    raw = with_plain_sympy(base_pairs, simplify=False)
    t_py, all_py, res_py, partial = baseline_with_timeout(base_pairs, args.baseline_repeat,
                                                          args.baseline_timeout)
    if t_py is None:
        print(f"plain SymPy  {label}: DID NOT FINISH within {args.baseline_timeout:.0f} s "
              f"({len(partial)} of {2 * len(base_pairs)} components done in the first run)")
    else:
        print(f"plain SymPy  {label}: {t_py:10.3f} s   "
              f"[runs: {', '.join(f'{t:.3f}' for t in all_py)}"
              f"{'' if len(all_py) == args.baseline_repeat else '; remaining runs timed out'}]")
    print()

    print("count_ops total over all 12 components, symgrav: "
          f"{total_ops(res_sg)}")
    print("count_ops of Omega_x^x (band -, +):  symgrav "
          f"{[sp.count_ops(e) for e in res_sg['Omega', 'x', 'x']]}")
    print("count_ops of m_x^x     (band -, +):  symgrav "
          f"{[sp.count_ops(e) for e in res_sg['m', 'x', 'x']]}")
    print(f"Omega_x^x  symgrav:     {res_sg['Omega', 'x', 'x']}")
    print(f"count_ops of the plain-SymPy sums before simplify, "
          f"{'Omega_x^x, m_x^x only' if args.quick else 'all 12 components'}: {total_ops(raw)}  "
          f"(Omega_x^x bands: {[sp.count_ops(e) for e in raw['Omega', 'x', 'x']]})")
    if res_py is None and partial:
        res_py = partial
        base_pairs = sorted({(k[1], k[2]) for k in partial})
        print(f"(plain SymPy figures below: the {len(partial)} components that finished)")
    if res_py is not None:
        sub_sg = {k: v for k, v in res_sg.items() if (k[1], k[2]) in base_pairs}
        what = ("Omega_x^x, m_x^x only" if base_pairs == [("x", "x")]
                else f"{2 * len(base_pairs)} components")
        print(f"count_ops total over {what}:  symgrav {total_ops(sub_sg)}   "
              f"plain SymPy {total_ops(res_py)}")
        print("count_ops of Omega_x^x (band -, +):  plain SymPy "
              f"{[sp.count_ops(e) for e in res_py['Omega', 'x', 'x']]}")
        print("count_ops of m_x^x     (band -, +):  plain SymPy "
              f"{[sp.count_ops(e) for e in res_py['m', 'x', 'x']]}")
        print(f"Omega_x^x  plain SymPy: {res_py['Omega', 'x', 'x']}")
        print(f"max relative difference symgrav vs plain SymPy at 5 random points: "
              f"{max_numeric_difference(res_sg, res_py):.2e}")
    if args.quick:
        print("NOTE: --quick: the plain-SymPy time covers only the (x, x) component of "
              "Omega and m; symgrav covers all 12 components.")


if __name__ == "__main__":
    main()
