"""Issue 9 benchmark (b), prototype: a 3D lattice metal at low T as an integral over 2D planes.

The model is Lattice3D of tests/test_bz_grid.py (a two-band 3D lattice metal).  The 3D
Brillouin-zone mean is (1/2 pi) times the integral over k_perp of the 2D zone means of the
planes k_perp = const (Eq. 8a, 19a, 19b, 20, B7a integrate over d^3k / (2 pi)^3).  Each
plane is a 2D lattice model (k_perp a parameter) computed by symgrav's 2D route (bz_lines,
Brillouin-zone lines split at the Fermi points, double precision); the outer integral is
scipy's adaptive Gauss-Kronrod rule (``quad_vec``), its planes spread over ``--workers``
processes.  This is a prototype in a script, not a symgrav route.

Checks, in the same run:
  * at ``--T-check`` (default 0.4) against the numpy reference of tests/references/bz_grid.py
    (dense product grids 48^3 and 96^3, typed by hand), which converges there;
  * at the target T the planes are taken normal to z and, separately, normal to y: two
    different families of 2D problems (the velocity direction x lies in both).

Usage::

    python benchmarks/bench_3d_planes.py [--mu -2.5] [--T 0.005] [--workers 2] [--rtol 1e-9]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp
from scipy.integrate import quad_vec

import symgrav

NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")
_CACHE = {}


def plane_model(normal):
    """Lattice3D with k_normal a parameter ``kp``: a 2D lattice model in the other two momenta."""
    kx, ky, kz = sp.symbols("k_x k_y k_z", real=True)
    kp = sp.Symbol("kp", real=True)
    k = {"x": kx, "y": ky, "z": kz}
    sub = {k[normal]: kp}
    sx, sy, sz = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
    c = sp.cos(kx) + sp.cos(ky) + sp.cos(kz)
    H = (c / 5 * sp.eye(2) + sp.sin(ky) * sx - sp.sin(kx) * sy
         + (3 + c / 2 + sp.sin(kz) / 3) * sz).subs(sub)
    momenta = [k[a] for a in "xyz" if a != normal]
    return symgrav.Model(H, momenta, lattice=True, name=f"lattice3d-plane-{normal}")


def plane(kp, normal, mu, T):
    """The 2D zone means of the five quantities on the plane k_normal = kp (bz_lines)."""
    if normal not in _CACHE:
        _CACHE[normal] = plane_model(normal)
    S = symgrav.Susceptibilities(_CACHE[normal], {"kp": repr(float(kp))}, a="x", i="x",
                                 dps="double")
    ev = S.evaluate(mu, T)
    _CACHE["calls"] = _CACHE.get("calls", 0) + 1
    if _CACHE["calls"] % 100 == 0:
        print(f"  [pid {os.getpid()}] {_CACHE['calls']} planes", file=sys.stderr, flush=True)
    return np.array([float(ev[n]) for n in NAMES])


def by_planes(normal, mu, T, rtol, workers):
    """(values, error estimate, planes, wall s) of the 3D means from planes normal to ``normal``."""
    t0 = time.perf_counter()
    val, err, info = quad_vec(plane, -np.pi, np.pi, args=(normal, mu, T), epsrel=rtol, epsabs=0, norm="max",
                              workers=workers, full_output=True)
    wall = time.perf_counter() - t0
    return val / (2 * np.pi), err / (2 * np.pi), info.neval, wall


def reference(T, mu):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from references import bz_grid as Z
    W = Z.builtin_weights()
    out = []
    for n in (48, 96):
        sums = Z.band_sums(Z.grid_geometry(Z.Lattice3D(), n), mu, T, W)
        out.append(np.array([sums[k][0] for k in NAMES]))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mu", default="-2.5")
    ap.add_argument("--T", default="0.005")
    ap.add_argument("--T-check", default="0.4")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--skip-check", action="store_true")
    ap.add_argument("--normals", default="zy")
    args = ap.parse_args(argv)
    print(f"# {os.cpu_count()} CPUs, symgrav {symgrav.__version__}; Lattice3D, mu = {args.mu}, "
          f"a = i = x; outer rule quad_vec (GK21), rtol {args.rtol:g}, {args.workers} workers")
    if not args.skip_check:
        lo, hi = reference(float(args.T_check), float(args.mu))
        val, err, nev, wall = by_planes("z", args.mu, args.T_check, args.rtol, args.workers)
        rel = np.abs(val - hi) / np.maximum(np.abs(hi), 1e-300)
        print(f"check T = {args.T_check}: planes normal to z: {nev} planes, {wall:.1f} s wall; "
              f"reference 96^3 vs 48^3 max rel {np.max(np.abs(hi - lo) / np.abs(hi)):.1e}; "
              f"planes vs 96^3 rel {', '.join(f'{x:.1e}' for x in rel)}")
    res = {}
    for normal in args.normals:
        t_cpu = time.process_time()
        val, err, nev, wall = by_planes(normal, args.mu, args.T, args.rtol, args.workers)
        res[normal] = val
        print(f"T = {args.T}: planes normal to {normal}: {nev} planes, {wall:.1f} s wall "
              f"(this process {time.process_time() - t_cpu:.1f} s cpu); est. abs error "
              f"{err:.1e}")
        print("   " + "  ".join(f"{n} = {v:.12e}" for n, v in zip(NAMES, val)))
    if len(res) == 2:
        a, b = res.values()
        print("relative difference of the two plane families: "
              + ", ".join(f"{n} {abs(x - y) / max(abs(x), 1e-300):.1e}"
                          for n, x, y in zip(NAMES, a, b)))


if __name__ == "__main__":
    main()
