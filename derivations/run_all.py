"""Run every derivation script ``derivations/[a-f]_*.py`` and report pass/fail and runtime.

Each script runs in its own Python process (as a user would run it), writing its
LaTeX to the same output directory.  Exit status 0 only if every script passed.

Run:  python derivations/run_all.py [--out DIR] [--quiet]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts():
    return sorted(HERE.glob("[a-f]_*.py"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE / "out"),
                        help="output directory for the LaTeX files (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="only print the summary table")
    args = parser.parse_args(argv)

    results = []
    for script in scripts():
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script), "--out", args.out],
                              capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if not args.quiet or proc.returncode != 0:
            sys.stdout.write(proc.stdout)
            sys.stderr.write(proc.stderr)
        results.append((script.name, proc.returncode, dt))

    print("\nsummary:")
    for name, rc, dt in results:
        print(f"  {'PASS' if rc == 0 else 'FAIL'}  {dt:6.2f} s  {name}")
    failed = [name for name, rc, _ in results if rc != 0]
    print(f"{len(results) - len(failed)}/{len(results)} derivations passed; LaTeX in {args.out}")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
