"""The zone grid with and without declared symmetries (issue 9 item 4), in the same run.

The 3D two-band lattice metal of tests/test_bz_grid.py (Lattice3D): the five quantities of
xx at three chemical potentials by ``Susceptibilities.scan`` in double precision, on the
full grid and with the mirrors k_x -> -k_x, k_y -> -k_y (a group of order 4,
checked against the integrand by the scan itself), best of two after a warm-up.  Prints
the wall time, the points
whose band data were computed, and the largest difference between the two scans relative
to the magnitude of each value.

Usage::

    python benchmarks/bench_bz_symmetry.py            # T = 0.4 and 0.2
    python benchmarks/bench_bz_symmetry.py --T 0.1
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import symgrav

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_bz_grid import lattice3d_model  # noqa: E402  (the model of the tests)

MIRRORS = ([[-1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 0, 0], [0, -1, 0], [0, 0, 1]])
MUS = ["-2.5", "-0.5", "1.0"]


def run(S, T, symmetries):
    seen = {"points": 0, "n": 0}

    def mapper(chunks):
        seen["points"] += sum(len(K[0]) for K in chunks)
        return [S.grid_chunk(K, MUS, T) for K in chunks]
    t0 = time.perf_counter()
    rows = S.scan(MUS, T, mapper=mapper, symmetries=symmetries,
                  progress=lambda done, todo, n: seen.update(n=n))
    return rows, time.perf_counter() - t0, seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--T", action="append", help="temperatures (default 0.4 and 0.2)")
    args = ap.parse_args()
    print(f"machine: nproc={os.cpu_count()}  python {platform.python_version()}  "
          f"symgrav {symgrav.__version__}")
    model = lattice3d_model()
    for T in args.T or ["0.4", "0.2"]:
        S = symgrav.Susceptibilities(model, {}, dps="double")
        run(S, T, MIRRORS)   # warm-up: compiled band data, the thermal-node scan
        (full, t_full, n_full), (red, t_red, n_red) = (
            min((run(S, T, sym) for _ in range(2)), key=lambda r: r[1])
            for sym in (None, MIRRORS))
        diff = max(abs(a[k] - b[k]) / max(abs(a[k]), 1e-300)
                   for a, b in zip(full, red) for k in a)
        print(f"T = {T}: {n_full['n']} nodes/dir; full grid {n_full['points']} points "
              f"{t_full:.2f} s; mirrors (|G| = 4) {n_red['points']} points {t_red:.2f} s "
              f"(x{t_full / t_red:.2f}); largest relative difference {diff:.1e}")


if __name__ == "__main__":
    main()
