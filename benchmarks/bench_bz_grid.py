"""Issue 9 benchmark (c): a Wannier-size model, a 50-mu sweep at one T -- time and peak memory.

The model is written by this script as a Wannier90 ``seedname_hr.dat`` (16 Wannier functions
= 8 orbitals x spin, 125 lattice vectors R in {-2..2}^3, hoppings decaying like e^{-|R|},
spin-orbit and an exchange field so that alpha != 0; a fixed random seed) and read back with
``TightBinding.from_wannier90(..., spin="block")``.  Then, side by side in one run:

* ``symgrav.bz_scan``: the 50 chemical potentials from one Brillouin-zone grid per level
  (the band data of each k-point computed once for all mu), k-point chunks on a process pool;
* the baseline: ``Susceptibilities(...).evaluate`` per mu (the same bz_grid route, one mu at a
  time), timed on ``--baseline`` of the 50 and extrapolated.

Peak memory is the largest resident set of this process and of its worker processes
(``resource.getrusage``).  The values of the two agree to the grid tolerance (printed).

Usage::

    python benchmarks/bench_bz_grid.py [--T 0.1] [--workers 2] [--rtol 1e-8] [--baseline 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import symgrav

NORB, RMAX, SEED = 8, 2, 20261202


def write_hr(path):
    """A 16-band 3D model as a Wannier90 _hr.dat (spin block order: all up, then all down)."""
    rng = np.random.default_rng(SEED)
    n = 2 * NORB
    Rs = [(a, b, c) for a in range(-RMAX, RMAX + 1) for b in range(-RMAX, RMAX + 1)
          for c in range(-RMAX, RMAX + 1)]
    onsite = np.linspace(-2.0, 2.0, NORB)
    sx = np.array([[0, 1], [1, 0]], complex)
    sy = np.array([[0, -1j], [1j, 0]], complex)
    sz = np.diag([1.0, -1.0]).astype(complex)
    H = {}
    for R in Rs:
        if R < tuple(-x for x in R):
            continue                                    # filled from its partner below
        d = np.sqrt(sum(x * x for x in R))
        orb = (rng.normal(size=(NORB, NORB)) + 1j * rng.normal(size=(NORB, NORB))) * 0.4 * np.exp(-d)
        if d == 0:
            orb = (orb + orb.conj().T) / 2 + np.diag(onsite)
        block = np.kron(np.eye(2), orb)                  # spin-independent hopping
        if d > 0:                                        # Rashba-like spin-orbit, odd in R
            lam = 0.15 * np.exp(-d) * rng.normal(size=(NORB, NORB))
            block = block + 1j * (R[1] * np.kron(sx, lam) - R[0] * np.kron(sy, lam)
                                  + R[2] * np.kron(sz, lam)) / d
        else:                                            # exchange field along x and z
            block = block + np.kron(0.3 * sx + 0.2 * sz, np.eye(NORB))
        H[R] = block
        mR = tuple(-x for x in R)
        H[mR] = block.conj().T if d > 0 else block
    if any(np.abs(H[(0, 0, 0)] - H[(0, 0, 0)].conj().T).ravel() > 1e-14):
        raise AssertionError("onsite block not Hermitian")
    lines = ["written by benchmarks/bench_bz_grid.py (synthetic 16-band model)", str(n),
             str(len(Rs))]
    deg = ["1"] * len(Rs)
    lines += [" ".join(deg[k:k + 15]) for k in range(0, len(deg), 15)]
    for R in Rs:
        M = H[R]
        for col in range(n):
            for row in range(n):
                z = M[row, col]
                lines.append(f"{R[0]:5d}{R[1]:5d}{R[2]:5d}{row + 1:5d}{col + 1:5d}"
                             f"{z.real:22.15f}{z.imag:22.15f}")
    Path(path).write_text("\n".join(lines) + "\n")
    return len(Rs)


def peak_mb():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--T", default="0.1")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--baseline", type=int, default=3, help="mu timed one at a time (1-50)")
    args = ap.parse_args(argv)
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"python {sys.version.split()[0]}, symgrav {symgrav.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic_hr.dat"
        nR = write_hr(path)
        tb = symgrav.TightBinding.from_wannier90(path, spin="block")
    S = symgrav.Susceptibilities(tb, {}, dps="double")
    lo, hi = -3.0, 3.0
    mus = [f"{lo + (hi - lo) * k / 49:.6f}" for k in range(50)]
    print(f"# model: {tb.N} bands, {nR} R vectors, 3D; T = {args.T}; 50 mu in [{lo}, {hi}]; "
          f"rtol = {args.rtol:g}; {args.workers} workers")
    levels = []

    t0 = time.perf_counter()
    res = symgrav.bz_scan(tb, mu=",".join(mus), T=args.T, workers=args.workers,
                          progress=False, rtol=args.rtol)
    t_scan = time.perf_counter() - t0
    own, kids = peak_mb()

    def note(done, todo, n):
        if not levels or levels[-1] != n:
            levels.append(n)
    picks = [mus[k] for k in (25, 10, 40, 5, 45)[:max(1, min(5, args.baseline))]]
    t0 = time.perf_counter()
    per = [S.scan([m], args.T, rtol=args.rtol, progress=note)[0] for m in picks]
    t_each = (time.perf_counter() - t0) / len(picks)
    worst = 0.0
    for m, ev in zip(picks, per):
        row = res.rows[mus.index(m)]
        for k, v in ev.items():
            size = max(abs(float(row[k])), 1e-12)
            worst = max(worst, abs(float(row[k]) - v) / size)
    print(f"{'method':42s} {'time (s)':>10s}")
    print(f"{'symgrav.bz_scan, 50 mu, one grid':42s} {t_scan:10.1f}")
    print(f"{'baseline: one grid per mu (1 process) x 50':42s} {50 * t_each:10.1f}"
          f"   ({t_each:.1f} s per mu, measured on {len(picks)})")
    print(f"# grid levels of one mu (nodes per direction): {levels[:len(levels) // 3 or 1]}")
    print(f"# peak resident memory: this process {own:.0f} MB, worker processes {kids:.0f} MB")
    print(f"# largest relative difference bz_scan vs per-mu ({len(picks)} mu x 5 quantities): "
          f"{worst:.1e}")
    a = [float(r["alpha"]) for r in res.rows]
    print(f"# alpha over the scan: min {min(a):.3e}, max {max(a):.3e}")


if __name__ == "__main__":
    main()
