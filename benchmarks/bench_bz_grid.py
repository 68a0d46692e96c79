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
        [--model pt|weyl] [--hop 0.25] [--band-data]
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


def write_hr(path, pt=False, hop=1.0):
    """A 16-band 3D model as a Wannier90 _hr.dat (spin block order: all up, then all down).

    ``pt=False``: the random model with a uniform exchange field (neither P nor T; it has
    Weyl points, where the zone grid converges only algebraically).  ``pt=True``: the
    same kind of hoppings made symmetric under PT = (sublattice swap) x (i sigma_y K),
    with a staggered exchange instead (a CuMnAs-like antiferromagnet): every band is a
    Kramers pair, and two pairs generically never touch in 3D (a crossing of two PT
    doublets needs five tuned parameters), so the integrand is analytic at T > 0.
    """
    rng = np.random.default_rng(SEED)
    n = 2 * NORB
    Rs = [(a, b, c) for a in range(-RMAX, RMAX + 1) for b in range(-RMAX, RMAX + 1)
          for c in range(-RMAX, RMAX + 1)]
    onsite = np.linspace(-2.0, 2.0, NORB)
    if pt:          # the orbitals of sublattice B are copies of those of A (swapped by P)
        onsite = np.tile(np.linspace(-3.0, 3.0, NORB // 2), 2)
    sx = np.array([[0, 1], [1, 0]], complex)
    sy = np.array([[0, -1j], [1j, 0]], complex)
    sz = np.diag([1.0, -1.0]).astype(complex)
    swap = np.kron(np.array([[0, 1], [1, 0]]), np.eye(NORB // 2))     # sublattice A <-> B
    stagger = np.diag([1.0] * (NORB // 2) + [-1.0] * (NORB // 2))
    U = np.kron(np.array([[0, 1], [-1, 0]]), swap).astype(complex)       # (i sigma_y) x swap
    H = {}
    for R in Rs:
        if R < tuple(-x for x in R):
            continue                                    # filled from its partner below
        d = np.sqrt(sum(x * x for x in R))
        orb = (rng.normal(size=(NORB, NORB)) + 1j * rng.normal(size=(NORB, NORB))) * 0.4 * hop * np.exp(-d)
        if d == 0:
            orb = (orb + orb.conj().T) / 2 + np.diag(onsite)
        block = np.kron(np.eye(2), orb)                  # spin-independent hopping
        if d > 0:                                        # Rashba-like spin-orbit, odd in R
            lam = 0.15 * hop * np.exp(-d) * rng.normal(size=(NORB, NORB))
            block = block + 1j * (R[1] * np.kron(sx, lam) - R[0] * np.kron(sy, lam)
                                  + R[2] * np.kron(sz, lam)) / d
        elif pt:                                         # staggered exchange (sublattices)
            block = block + np.kron(0.3 * sx + 0.2 * sz, stagger)
        else:                                            # exchange field along x and z
            block = block + np.kron(0.3 * sx + 0.2 * sz, np.eye(NORB))
        H[R] = block
        mR = tuple(-x for x in R)
        H[mR] = block.conj().T if d > 0 else block
    if pt:   # H(R) -> (H(R) + U conj(H(-R)) U^dagger) / 2: H(k) = U conj(H(k)) U^dagger
        H = {R: (H[R] + U @ H[tuple(-x for x in R)].conj() @ U.conj().T) / 2 for R in H}
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


def cpu_s():
    """CPU seconds of this process and its finished children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def band_data_timing(tb, n=64, nchunks=4):
    """H and dH/dkappa_j of the model on the first chunks of a zone-grid level, summed over R
    point by point (method "direct", as before) and one direction at a time ("separable");
    and the whole band data (eigenvectors, Eqs. 8b, 8c) of the same chunks.  CPU seconds."""
    from symgrav.numeric.arith import Float64
    from symgrav.numeric.bz_grid import GridScan
    from symgrav.numeric.tb_bands import TightBindingBands, fourier_sum
    bands = TightBindingBands(tb, "x", "x")
    vec, H = tb.matrices()
    N = tb.N
    flat = H.reshape(len(vec), N * N)
    coef = np.concatenate([flat] + [1j * vec[:, j, None] * flat for j in range(3)], axis=1)
    scan = GridScan(bands, 5, Float64(53), 1e-6)
    chunks = [np.array(K) for _, K in zip(range(nchunks), scan.level_chunks(n, False))]
    out = {}
    for rep in range(2):                        # alternate; keep the better of two
        for method in ("direct", "separable"):
            t = time.process_time()
            for K in chunks:
                fourier_sum(vec, coef, K, groups=4, method=method)
            out[method] = min(out.get(method, 1e9), time.process_time() - t)
        t = time.process_time()
        for K in chunks:
            bands.evaluate(Float64(53), tuple(K))
        out["evaluate"] = min(out.get("evaluate", 1e9), time.process_time() - t)
    return sum(len(K[0]) for K in chunks), out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--T", default="0.1")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--baseline", type=int, default=3, help="mu timed one at a time (0-5)")
    ap.add_argument("--model", choices=("pt", "weyl"), default="pt",
                    help="pt: Kramers pairs, no band touchings (default); weyl: neither P nor T")
    ap.add_argument("--hop", type=float, default=None,
                    help="hopping scale (default 0.25 for pt: separated Kramers pairs; 1 for weyl)")
    ap.add_argument("--band-data", action="store_true",
                    help="only time the band data, summed over R per point and separably")
    args = ap.parse_args(argv)
    hop = args.hop if args.hop is not None else (0.25 if args.model == "pt" else 1.0)
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"python {sys.version.split()[0]}, symgrav {symgrav.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic_hr.dat"
        nR = write_hr(path, pt=args.model == "pt", hop=hop)
        tb = symgrav.TightBinding.from_wannier90(path, spin="block")
    if args.band_data:
        P, t = band_data_timing(tb)
        print(f"# band data of {P} points of the 64^3 level (model {args.model}, {tb.N} bands, "
              f"{nR} R), cpu s: H and dH summed over R per point {t['direct']:.2f}, "
              f"separably {t['separable']:.2f} (x{t['direct'] / t['separable']:.1f}); "
              f"whole band data now {t['evaluate']:.2f}")
        return
    S = symgrav.Susceptibilities(tb, {}, dps="double")
    lo, hi = -3.0, 3.0
    mus = [f"{lo + (hi - lo) * k / 49:.6f}" for k in range(50)]
    print(f"# model {args.model} (hopping scale {hop:g}): {tb.N} bands, {nR} R vectors, 3D; "
          f"T = {args.T}; 50 mu in [{lo}, {hi}]; "
          f"rtol = {args.rtol:g}; {args.workers} workers")
    levels = []

    t0, c0 = time.perf_counter(), cpu_s()
    res = symgrav.bz_scan(tb, mu=",".join(mus), T=args.T, workers=args.workers,
                          progress=False, rtol=args.rtol)
    t_scan, c_scan = time.perf_counter() - t0, cpu_s() - c0
    own, kids = peak_mb()
    print(f"# bz_scan done: {t_scan:.1f} s wall, {c_scan:.1f} s cpu (all processes)", flush=True)

    def note(done, todo, n):
        if len(per) == 0 and (not levels or levels[-1] != n):
            levels.append(n)                    # the levels of the first mu
    picks = [mus[k] for k in (25, 10, 40, 5, 45)[:max(0, min(5, args.baseline))]]
    t0, c0 = time.perf_counter(), cpu_s()
    per = []
    for m in picks:
        per.append(S.scan([m], args.T, rtol=args.rtol, progress=note)[0])
    t_each = (time.perf_counter() - t0) / max(1, len(picks))
    c_each = (cpu_s() - c0) / max(1, len(picks))
    worst = 0.0
    for m, ev in zip(picks, per):
        row = res.rows[mus.index(m)]
        for k, v in ev.items():
            size = max(abs(float(row[k])), 1e-12)
            worst = max(worst, abs(float(row[k]) - v) / size)
    print(f"{'method':42s} {'wall (s)':>10s} {'cpu (s)':>10s}")
    print(f"{'symgrav.bz_scan, 50 mu, one grid':42s} {t_scan:10.1f} {c_scan:10.1f}")
    if picks:
        print(f"{'baseline: one grid per mu (1 process) x 50':42s} {50 * t_each:10.1f} "
              f"{50 * c_each:10.1f}   ({t_each:.1f} s per mu, measured on {len(picks)})")
        print(f"# grid levels of mu = {picks[0]} (nodes per direction): {levels}")
    print(f"# peak resident memory: this process {own:.0f} MB, worker processes {kids:.0f} MB")
    print(f"# largest relative difference bz_scan vs per-mu ({len(picks)} mu x 5 quantities): "
          f"{worst:.1e}")
    a = [float(r["alpha"]) for r in res.rows]
    print(f"# alpha over the scan: min {min(a):.3e}, max {max(a):.3e}")


if __name__ == "__main__":
    main()
