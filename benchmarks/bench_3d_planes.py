"""Issue 9 benchmark (b): a 3D lattice metal at low T by the route ``bz_planes``.

The model is Lattice3D of tests/test_bz_grid.py (a two-band 3D lattice metal).  The route
``bz_planes`` (symgrav/numeric/bz_planes.py) writes the 3D Brillouin-zone mean as the
integral over k_perp of the planes k_perp = const, each plane integrated by the
Brillouin-zone lines of the 2D route (split at Fermi points and tangencies) on the 3D
model's band data, the outer integral by adaptive Gauss-Kronrod (GK21) panels split where a
plane touches the Fermi surface.  With ``--workers 1`` the values come from
``Susceptibilities(..., route="bz_planes").evaluate`` (planes normal to z, one process);
with more workers from ``symgrav.numeric.bz_planes.plane_integrals`` with a ``mapper``
that sends every refinement round's planes to a process pool (the same function the route
calls, same tolerance).

Checks, in the same run:
  * at ``--T-check`` (default 0.4) against the numpy reference of tests/references/bz_grid.py
    (dense product grids 48^3 and 96^3, typed by hand), which converges there;
  * at the target T the planes are taken normal to z and, separately, normal to y: two
    different families of 2D problems (the velocity direction x lies in both);
  * ``--zero``: T = 0 through ``route="auto"`` (which must take bz_planes), planes normal to
    z, and planes normal to y.

Usage::

    python benchmarks/bench_3d_planes.py [--mu -2.5] [--T 0.005] [--workers 2] [--skip-check]
        [--normals zy] [--zero]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import sys
import time
from pathlib import Path

import mpmath as mp
import numpy as np

import symgrav
from symgrav.numeric.bz_planes import plane_integral, plane_integrals

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_bz_grid import lattice3d_model  # noqa: E402

NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")
_ENGINE = {}


def engine(route="bz_planes"):
    if route not in _ENGINE:
        _ENGINE[route] = symgrav.Susceptibilities(lattice3d_model(), {}, a="x", i="x",
                                                  dps="double", route=route)
    return _ENGINE[route]


def plane_task(args):
    """Worker: the plane k_normal = kp (values, sizes as floats)."""
    kp, normal, mu, T = args
    S = engine()
    B = S.backend
    cpu = time.process_time()
    with B.context():
        v, s = plane_integral(S, S.quantity_set, kp, mp.mpf(mu), mp.mpf(T), B, normal)
    return [float(x) for x in v], [float(x) for x in s], time.process_time() - cpu


def by_planes(normal, mu, T, workers, pool):
    """(values, stats, wall s) of the 3D means from planes normal to ``normal``."""
    S = engine()
    t0 = time.perf_counter()
    stats = {}
    if pool is None and normal == "z":
        ev = S.evaluate(mu, T)
        assert ev.route == "bz_planes"
        val = np.array([ev[n] for n in NAMES])
    else:
        def mapper(kps):
            tasks = [(kp, normal, mu, T) for kp in kps]
            out = list(pool.map(plane_task, tasks)) if pool else [plane_task(t) for t in tasks]
            stats["plane_cpu"] = stats.get("plane_cpu", 0.0) + sum(r[2] for r in out)
            return [r[:2] for r in out]
        B = S.backend
        with B.context():
            out = plane_integrals(S, S.quantity_set, mp.mpf(mu), mp.mpf(T), B, normal=normal,
                                  mapper=mapper, stats=stats)
        val = np.array([float(x) for x in out])
    return val, stats, time.perf_counter() - t0


def reference(T, mu):
    from references import bz_grid as Z
    W = Z.builtin_weights()
    out = []
    for n in (48, 96):
        sums = Z.band_sums(Z.grid_geometry(Z.Lattice3D(), n), mu, T, W)
        out.append(np.array([sums[k][0] for k in NAMES]))
    return out


def report(label, normal, val, stats, wall, cpu0):
    planes = stats.get("planes", "?")
    print(f"{label}: planes normal to {normal}: {planes} planes, {wall:.1f} s wall "
          f"(this process {time.process_time() - cpu0:.1f} s cpu, the planes "
          f"{stats.get('plane_cpu', float('nan')):.1f} s cpu); tangent planes "
          f"{[round(t, 6) for t in stats.get('tangents', [])]}")
    print("   " + "  ".join(f"{n} = {v:.12e}" for n, v in zip(NAMES, val)))


def compare(res):
    if len(res) == 2:
        a, b = res.values()
        print("   relative difference of the two plane families: "
              + ", ".join(f"{n} {abs(x - y) / max(abs(x), 1e-300):.1e}"
                          for n, x, y in zip(NAMES, a, b)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mu", default="-2.5")
    ap.add_argument("--T", default="0.005")
    ap.add_argument("--T-check", default="0.4")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-check", action="store_true")
    ap.add_argument("--normals", default="zy")
    ap.add_argument("--zero", action="store_true", help="also T = 0 (auto, then both families)")
    args = ap.parse_args(argv)
    print(f"# {os.cpu_count()} CPUs, symgrav {symgrav.__version__}; Lattice3D, mu = {args.mu}, "
          f"a = i = x; route bz_planes (engine tolerance), {args.workers} workers")
    engine()
    pool = cf.ProcessPoolExecutor(args.workers) if args.workers > 1 else None
    try:
        if not args.skip_check:
            lo, hi = reference(float(args.T_check), float(args.mu))
            cpu0 = time.process_time()
            val, stats, wall = by_planes("z", args.mu, args.T_check, args.workers, pool)
            report(f"check T = {args.T_check}", "z", val, stats, wall, cpu0)
            rel = np.abs(val - hi) / np.maximum(np.abs(hi), 1e-300)
            print(f"   reference 96^3 vs 48^3 max rel {np.max(np.abs(hi - lo) / np.abs(hi)):.1e}; "
                  f"planes vs 96^3 rel {', '.join(f'{x:.1e}' for x in rel)}")
        res = {}
        for normal in args.normals:
            cpu0 = time.process_time()
            val, stats, wall = by_planes(normal, args.mu, args.T, args.workers, pool)
            res[normal] = val
            report(f"T = {args.T}", normal, val, stats, wall, cpu0)
        compare(res)
        if args.zero:
            cpu0, t0 = time.process_time(), time.perf_counter()
            ev = engine("auto").evaluate(args.mu, 0)
            print(f"T = 0, route='auto' took {ev.route}: {time.perf_counter() - t0:.1f} s wall, "
                  f"{time.process_time() - cpu0:.1f} s cpu (one process)")
            print("   " + "  ".join(f"{n} = {ev[n]:.12e}" for n in NAMES))
            res = {}
            for normal in args.normals:
                cpu0 = time.process_time()
                val, stats, wall = by_planes(normal, args.mu, "0", args.workers, pool)
                res[normal] = val
                report("T = 0", normal, val, stats, wall, cpu0)
            compare(res)
    finally:
        if pool is not None:
            pool.shutdown()


if __name__ == "__main__":
    main()
