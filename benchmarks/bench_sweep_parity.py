"""Benchmark: the 30-digit Rashba sweep of bench_susceptibilities.py (a), evaluate only, best of N.

Prints CPU seconds per chemical potential of ``Susceptibilities(rashba, dps=30).evaluate`` over
the 20-point sweep (T = 1e-3), the best of ``--repeat`` fresh engines (each warmed by one
evaluation far from the sweep), so that two versions of the package can be compared on a
shared machine by alternating runs (issue 8 item 7, "not slower than before"):

    git worktree add /tmp/before 94f7cac          # the last commit before the one engine
    for i in 1 2 3; do
        PYTHONPATH=/tmp/before python benchmarks/bench_sweep_parity.py --label before
        python benchmarks/bench_sweep_parity.py --label now
    done

The script uses only the API both versions share (load_model, Susceptibilities, evaluate).
"""

import argparse
import time

import mpmath as mp

import symgrav


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--label", default=symgrav.__file__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    model = symgrav.load_model("rashba")
    mus = [mp.mpf(str(round(-0.6 + 1.9 * k / 19, 10))) for k in range(20)]
    best = None
    for _ in range(args.repeat):
        S = symgrav.Susceptibilities(model, model.defaults, dps=30)
        S.evaluate(mp.mpf(5), "1e-3")
        times = []
        for mu in mus:
            t0 = time.process_time()
            S.evaluate(mu, "1e-3")
            times.append(time.process_time() - t0)
        if best is None or sum(times) < sum(best):
            best = times
    print(f"{args.label}: {sum(best):.3f} s CPU for {len(mus)} mu (best of {args.repeat}); "
          "ms per mu: " + " ".join(f"{1e3 * t:.0f}" for t in best))


if __name__ == "__main__":
    main()
