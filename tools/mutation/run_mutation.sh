#!/usr/bin/env bash
# Mutation testing of symgrav's numeric core and symbolic geometry with mutmut 3.
#
# Usage (from the repository root):
#   tools/mutation/run_mutation.sh [options] [FILE.py ...]
#
#   FILE.py ...          source files to mutate (default: every file [tool.mutmut]
#                        mutates: symgrav/numeric/*.py and symgrav/symbolic/geometry.py)
#   -j, --max-children N parallel mutant workers (default: number of cores)
#   --resume             keep mutants/ from an earlier, interrupted run of the same
#                        command and test only what has no result yet (default: fresh)
#   --sample F[:SEED]    test only a seeded random fraction F (0 < F <= 1) of the
#                        mutants; the score is then given with its 95 % interval
#   --fail-under PCT     exit 1 when the score is below PCT
#   --report FILE        survivors + diffs (default mutants/mutation-report.txt)
#
# Prints killed / survived / timeout / no tests / suspicious and
# score = killed / (total - skipped); writes the survivors with their diffs.
# Everything it writes is under mutants/ (gitignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(git rev-parse --show-toplevel 2>/dev/null || pwd)"
cd "$root"

jobs="$(nproc 2>/dev/null || echo 2)"
resume=0
fail_under=""
sample=""
report="mutants/mutation-report.txt"
files=()
while [ $# -gt 0 ]; do
    case "$1" in
        -j|--max-children) jobs="$2"; shift 2 ;;
        --resume) resume=1; shift ;;
        --sample) sample="$2"; shift 2 ;;
        --fail-under) fail_under="$2"; shift 2 ;;
        --report) report="$2"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) files+=("${1#./}"); shift ;;
    esac
done

version="$(python -c 'from importlib.metadata import version; print(version("mutmut"))' 2>/dev/null)" \
    || { echo "mutmut is not installed: python -m pip install 'mutmut>=3.8,<4'" >&2; exit 2; }
case "$version" in
    3.*) ;;
    *) echo "mutmut $version found; this script needs mutmut 3.x" >&2; exit 2 ;;
esac
grep -q '^\[tool\.mutmut\]' pyproject.toml \
    || { echo "pyproject.toml has no [tool.mutmut] section (see tools/mutation/NOTES.md)" >&2; exit 2; }
if [ -e conftest.py ]; then
    echo "a top-level conftest.py exists: merge $here/mutmut_conftest.py into it by hand" >&2
    exit 2
fi

# Files -> mutmut name globs; every file must be one that mutmut mutates (only_mutate).
mapfile -t mutable < <(python -c 'from mutmut.utils.file_utils import walk_mutatable_files as w
for p in w(): print(p)')
globs=()
if [ ${#files[@]} -gt 0 ]; then
    for f in "${files[@]}"; do
        if ! printf '%s\n' "${mutable[@]}" | grep -qxF "$f"; then
            echo "$f is not among the files [tool.mutmut] mutates (source_paths/only_mutate):" >&2
            printf '    %s\n' "${mutable[@]}" >&2
            exit 2
        fi
        mod="${f%.py}"; mod="${mod%/__init__}"; mod="${mod//\//.}"
        globs+=("$mod.x*")
    done
else
    files=("${mutable[@]}")
fi

# Functions with decorators other than @staticmethod/@classmethod (lru_cache,
# property, contextmanager, ...) are never mutated by mutmut 3: say which.
python - "${files[@]}" <<'PY'
import ast, sys
skipped = []
for f in sys.argv[1:]:
    for n in ast.walk(ast.parse(open(f).read())):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.decorator_list:
            decos = [ast.unparse(d) for d in n.decorator_list]
            if decos not in (["staticmethod"], ["classmethod"]):
                skipped.append(f"{f}:{n.lineno} {n.name} (@{', @'.join(decos)})")
if skipped:
    print("note: mutmut 3 does not mutate decorated functions; not covered by this run:")
    for s in skipped:
        print("   ", s)
PY

[ "$resume" = 1 ] || rm -rf mutants
mkdir -p mutants
# Fresh imports (and empty caches) in every mutant's pytest session: see mutmut_conftest.py.
cp "$here/mutmut_conftest.py" mutants/conftest.py
# The mutated modules are re-imported for every mutant: let Python cache their
# bytecode (in mutants/ only); with PYTHONDONTWRITEBYTECODE=1 each import of the
# mutated package recompiles ~25 MB of source (~20 s instead of ~1 s).
unset PYTHONDONTWRITEBYTECODE

start=$(date +%s)
names=(${globs[@]+"${globs[@]}"})
selected=0   # 1: test only the mutants in names (files given, or --sample)
if [ ${#names[@]} -gt 0 ] || [ -n "$sample" ]; then selected=1; fi
if [ -n "$sample" ]; then
    if [ ! -s mutants/sample.txt ] || [ "$resume" = 0 ]; then
        # Generate the mutants as `mutmut run` does (it then finds them unmodified),
        # draw the sample from the .meta files, pass the names to `mutmut run`.
        python - "$jobs" <<'PY'
import sys
from mutmut.__main__ import copy_src_dir, copy_also_copy_files, create_mutants
from mutmut.utils.file_utils import setup_source_paths
copy_src_dir()
copy_also_copy_files()
setup_source_paths()
create_mutants(int(sys.argv[1]))
PY
        python - "$sample" "${files[@]}" > mutants/sample.txt <<'PY'
import json, random, sys
frac, _, seed = sys.argv[1].partition(":")
names = sorted(n for f in sys.argv[2:]
               for n in json.load(open(f"mutants/{f}.meta"))["exit_code_by_key"])
k = max(1, round(float(frac) * len(names)))
print("\n".join(sorted(random.Random(int(seed or 0)).sample(names, k))))
PY
    fi
    mapfile -t names < mutants/sample.txt
    echo "sample: ${#names[@]} mutants, listed in mutants/sample.txt"
fi
if [ "$resume" = 1 ] && [ "$selected" = 1 ]; then
    # mutmut re-tests every mutant named on its command line: name only those
    # without a result yet.
    mapfile -t names < <(python - "${names[@]}" <<'PY'
import fnmatch, json, sys
from mutmut.utils.file_utils import walk_mutatable_files
pats = sys.argv[1:]
for path in walk_mutatable_files():
    try:
        codes = json.load(open(f"mutants/{path}.meta"))["exit_code_by_key"]
    except FileNotFoundError:
        continue
    for name, code in codes.items():
        if code is None and any(fnmatch.fnmatchcase(name, p) for p in pats):
            print(name)
PY
)
    echo "resume: ${#names[@]} selected mutants still to test"
fi
status=0
if [ "$selected" = 1 ] && [ ${#names[@]} -eq 0 ]; then
    echo "nothing left to test"
else
    mutmut run --max-children "$jobs" ${names[@]+"${names[@]}"} || status=$?
fi
end=$(date +%s)
echo
echo "mutmut run: exit $status, wall time $((end - start)) s with $jobs workers"
[ "$status" = 0 ] || echo "warning: mutmut exited with $status (interrupted, or the stats/clean run failed?)" >&2

args=(--out "$report")
[ -n "$fail_under" ] && args+=(--fail-under "$fail_under")
[ -n "$sample" ] && args+=(--names mutants/sample.txt)
python "$here/mutation_report.py" "${args[@]}" "${files[@]}"
