#!/usr/bin/env bash
# The mutant detection matrix: for each mutant, over 5 disjoint seed ranges of RANGE seeds each, the
# number of seeds up to the first failure (median and worst over the ranges), the wall time to that
# failure (median and worst), which checkers fired, and the share of seeds that fail. Prints a Markdown
# table (the README keeps the latest one). A second table says, per mutant over seeds 1..RANGE, what
# the outside-only checkers alone catch (`--outside-only`) and what all checkers catch, each with the
# default draws and with the aimed fault knobs off (`--unaimed`): failing seeds, the first one, and
# the checkers that fired. An `unknown` verdict is never counted as caught.
#
#   scripts/mutation-matrix.sh [RANGE]     # default RANGE=200; MUTANTS="a b" picks some
set -euo pipefail
cd "$(dirname "$0")/.."
RANGE="${1:-200}"
BIN="${VSRSIM:-build/release/reports/vsrsim}"
if [[ ! -x "$BIN" ]]; then
  scripts/setup.sh release >&2
fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
STARTS=(1 100001 200001 300001 400001)
# Every mutant the binary knows (`vsrsim mutants`, first column), or those named in $MUTANTS.
if [[ -n "${MUTANTS:-}" ]]; then
  read -r -a MUTANTS <<<"$MUTANTS"
else
  mapfile -t MUTANTS < <("$BIN" mutants | awk 'NR > 1 && NF {print $1}')
fi
((${#MUTANTS[@]} > 0)) || { echo "mutation-matrix: no mutants listed by $BIN mutants" >&2; exit 1; }

echo "| mutant | seeds to first failure (median / worst) | wall time to first failure (median / worst) | checkers fired | failing seeds |"
echo "|---|---|---|---|---|"
for mutant in "${MUTANTS[@]}"; do
  rows=()
  for start in "${STARTS[@]}"; do
    last=$((start + RANGE - 1))
    dir="$OUT/$mutant-$start"
    "$BIN" sweep --seeds "$start..$last" --mutant "$mutant" --quiet --report "$dir" >/dev/null 2>&1 || true
    first=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
fails = [r["seed"] for r in d["results"] if r["outcome"] != "pass"]
print(min(fails) if fails else "")' "$dir/summary.json")
    ms=""
    if [[ -n "$first" ]]; then
      # Wall time from the range start to the first failure, on all cores.
      t0=$(date +%s%N)
      "$BIN" sweep --seeds "$start..$first" --mutant "$mutant" --quiet >/dev/null || true
      t1=$(date +%s%N)
      ms=$(((t1 - t0) / 1000000))
    fi
    rows+=("$dir|$first|$ms|$start")
  done
  python3 - "$mutant" "$RANGE" "${rows[@]}" <<'PY'
import json, statistics, sys
mutant, size = sys.argv[1], int(sys.argv[2])
counts, times, checkers, failed, total = [], [], {}, 0, 0
for row in sys.argv[3:]:
    path, first, ms, start = row.split("|")
    d = json.load(open(path + "/summary.json"))
    total += d["seeds"]
    failed += d["failed"]
    for f in d["failures"]:
        checkers[f["checker"]] = checkers.get(f["checker"], 0) + 1
    counts.append(int(first) - int(start) + 1 if first else None)
    times.append(int(ms) if ms else None)
def summary(values, unit):
    if any(v is None for v in values):
        return "not caught in %d of 5 ranges" % sum(v is None for v in values)
    return "%s%s / %s%s" % (statistics.median(values), unit, max(values), unit)
fired = ", ".join("%s (%d)" % kv for kv in sorted(checkers.items(), key=lambda kv: -kv[1]))
print("| `%s` | %s | %s | %s | %.1f %% (%d of %d) |" % (
    mutant, summary(counts, ""), summary(times, " ms"), fired, 100.0 * failed / total, failed, total))
PY
done

echo
echo "| mutant | outside-only | all checkers | outside-only, unaimed | all checkers, unaimed |"
echo "|---|---|---|---|---|"
for mutant in "${MUTANTS[@]}"; do
  cells=()
  for flags in "--outside-only" "" "--outside-only --unaimed" "--unaimed"; do
    dir="$OUT/$mutant-cell-${flags// /}"
    # shellcheck disable=SC2086
    "$BIN" sweep --seeds "1..$RANGE" --mutant "$mutant" $flags --quiet --report "$dir" >/dev/null 2>&1 || true
    cells+=("$(python3 - "$dir/summary.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
caught = [f for f in d["failures"] if f["outcome"] != "unknown"]
if not caught:
    print("not caught")
else:
    checkers = {}
    for f in caught:
        checkers[f["checker"]] = checkers.get(f["checker"], 0) + 1
    fired = ", ".join("%s %d" % kv for kv in sorted(checkers.items(), key=lambda kv: -kv[1]))
    print("%d seeds, first %d (%s)" % (len(caught), min(f["seed"] for f in caught), fired))
PY
)")
  done
  echo "| \`$mutant\` | ${cells[0]} | ${cells[1]} | ${cells[2]} | ${cells[3]} |"
done
