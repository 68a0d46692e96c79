"""Summarise a mutmut 3 run and write the surviving mutants with their diffs.

Run from the repository root after ``mutmut run`` (run_mutation.sh does this):

    python tools/mutation/mutation_report.py [--out FILE] [--fail-under PCT] [FILE.py ...]

Reads mutants/<file>.meta (one per mutated source file) for the given files
(default: every file mutmut mutates per [tool.mutmut]), prints the counts per
status and the score

    score = killed / (total - skipped)

(timeouts, suspicious, no-tests and not-checked mutants count against it;
mutmut's own "badge" score also counts timeouts as killed, printed alongside),
and writes the survivors, the mutants no test reaches and the timeouts, each
with its diff, to FILE (default mutants/mutation-report.txt).
Exit status 1 when --fail-under is given and the score is below it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files

ORDER = ["killed", "survived", "timeout", "no tests", "suspicious", "skipped",
         "segfault", "caught by type check", "check was interrupted by user", "not checked"]
LISTED = ["survived", "no tests", "timeout", "suspicious", "segfault", "not checked"]


def load(paths):
    rows = []  # (path, mutant name, status, duration)
    for path in paths:
        meta = Path("mutants") / (str(path) + ".meta")
        if not meta.exists():
            print(f"warning: no mutation data for {path} ({meta} missing)", file=sys.stderr)
            continue
        data = json.loads(meta.read_text())
        durations = data.get("durations_by_key", {})
        for name, code in data["exit_code_by_key"].items():
            rows.append((path, name, status_by_exit_code[code], durations.get(name)))
    return rows


def wilson(k, n, z=1.96):
    """95 % Wilson score interval of a proportion k/n, in percent."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="source files (default: all mutated files)")
    ap.add_argument("--out", default="mutants/mutation-report.txt")
    ap.add_argument("--fail-under", type=float, default=None, metavar="PCT")
    ap.add_argument("--no-diffs", action="store_true", help="list names only (faster)")
    ap.add_argument("--names", metavar="FILE",
                    help="only the mutants named in FILE, one a line (a --sample run)")
    args = ap.parse_args(argv)

    paths = [Path(f) for f in args.files] or list(walk_mutatable_files())
    rows = load(paths)
    sampled = None
    if args.names:
        wanted = set(Path(args.names).read_text().split())
        sampled = len(rows)
        rows = [r for r in rows if r[1] in wanted]
    if not rows:
        print("no mutants found: run mutmut first", file=sys.stderr)
        return 2

    counts = Counter(status for _, _, status, _ in rows)
    total = len(rows)
    tested = total - counts["skipped"]
    score = 100.0 * counts["killed"] / tested if tested else 0.0
    badge = 100.0 * (counts["killed"] + counts["timeout"]) / tested if tested else 0.0
    durations = [d for _, _, _, d in rows if d]

    lines = ["Mutation testing summary (mutmut)", f"  files:       {len(paths)}"]
    for p in paths:
        c = Counter(s for q, _, s, _ in rows if q == p)
        n = sum(c.values())
        if not n:
            continue
        k = c["killed"]
        lines.append(f"    {str(p):45s} {k:5d}/{n:<5d} killed"
                     + (f"  ({100.0 * k / (n - c['skipped']):.1f} %)" if n - c["skipped"] else ""))
    lines.append(f"  total:       {total}")
    for status in ORDER:
        if counts[status] or status in ("killed", "survived", "timeout", "no tests", "suspicious"):
            lines.append(f"  {status + ':':13s}{counts[status]}")
    lines.append(f"  score:       {score:.1f} %  = killed / (total - skipped) = "
                 f"{counts['killed']} / {tested}")
    lines.append(f"  (mutmut badge score, timeouts counted as killed: {badge:.1f} %)")
    if sampled is not None and tested:
        lo, hi = wilson(counts["killed"], tested)
        lines.append(f"  sample of {total} of {sampled} mutants: score 95 % interval "
                     f"{lo:.1f} .. {hi:.1f} %")
    if counts["not checked"]:
        lines.append(f"  INCOMPLETE: {counts['not checked']} mutants not tested yet "
                     "(interrupted? rerun with --resume)")
    if durations:
        lines.append(f"  per-mutant wall time: mean {sum(durations) / len(durations):.1f} s, "
                     f"max {max(durations):.1f} s, sum {sum(durations):.0f} s over {len(durations)}")
    summary = "\n".join(lines)
    print(summary)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as fh:
        fh.write(summary + "\n")
        for status in LISTED:
            names = [(p, n) for p, n, s, _ in rows if s == status]
            if not names:
                continue
            fh.write(f"\n{'=' * 78}\n{status.upper()}: {len(names)}\n{'=' * 78}\n")
            for p, n in names:
                fh.write(f"\n# {n}: {status}\n")
                if not args.no_diffs:
                    try:
                        fh.write(get_diff_for_mutant(n, path=p) + "\n")
                    except Exception as exc:  # noqa: BLE001 - keep the report going
                        fh.write(f"(no diff: {exc})\n")
    print(f"  report:      {out} (survivors, no-tests, timeouts with diffs)")

    if args.fail_under is not None and score < args.fail_under:
        print(f"FAIL: score {score:.1f} % is below {args.fail_under} %")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
