#!/usr/bin/env bash
# Explore against a plain sweep at the same budget of runs (issue 15): for every named mutant
# (`vsrsim mutants`, however many there are), the runs each needs to its first failure; and, on
# the correct core, the distinct coverage signatures and coverage bits each reaches. Prints a
# Markdown table (the README's).
#   Usage: scripts/explore-vs-sweep.sh [--budget N] [--seed S] [--jobs J] [--bin PATH/TO/vsrsim]
# The sweep plays seeds S..S+N-1; explore plays `--seed S --budget N` (its fresh seeds are S,
# S+1, ..., so both start from the same swarm runs).
set -euo pipefail
budget=2000
seed=1
jobs=2
bin="build/release/reports/vsrsim"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --budget) budget="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) echo "explore-vs-sweep.sh: unknown argument $1 (see the usage line at the top)" >&2; exit 64 ;;
  esac
done
[[ -x "$bin" ]] || { echo "explore-vs-sweep.sh: $bin is not an executable (build the release preset)" >&2; exit 64; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
last=$((seed + budget - 1))

# runs to the first failure of a sweep report: the first failing seed's position in the range.
sweep_first() {
  python3 - "$1" "$seed" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/summary.json"))
failing = [r["seed"] for r in d["results"] if r["outcome"] != "pass"]
print(min(failing) - int(sys.argv[2]) + 1 if failing else "none")
PY
}
explore_field() {  # explore_field DIR FIELD
  python3 -c 'import json,sys; v=json.load(open(sys.argv[1]+"/explore.json"))[sys.argv[2]]; print("none" if v is None else v)' "$1" "$2"
}
summary_field() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]+"/summary.json"))[sys.argv[2]])' "$1" "$2"
}

echo "Budget $budget runs; sweep seeds $seed..$last; explore --seed $seed --budget $budget; --jobs $jobs."
echo
echo "| mutant | sweep: runs to first failure | explore: runs to first failure | sweep / explore |"
echo "|---|---|---|---|"
ratios=()
for mutant in $("$bin" mutants | awk 'NR > 1 {print $1}'); do
  "$bin" sweep --seeds "$seed..$last" --jobs "$jobs" --quiet --mutant "$mutant" \
    --report "$work/sweep-$mutant" >/dev/null 2>&1 || true
  "$bin" explore --seed "$seed" --budget "$budget" --jobs "$jobs" --quiet --mutant "$mutant" \
    --report "$work/explore-$mutant" >/dev/null 2>&1 || true
  s=$(sweep_first "$work/sweep-$mutant")
  e=$(explore_field "$work/explore-$mutant" first_failure_run)
  ratio="-"
  if [[ "$s" != none && "$e" != none ]]; then
    ratio=$(python3 -c "print(f'{$s / $e:.2f}')")
    ratios+=("$ratio")
  fi
  echo "| \`$mutant\` | $s | $e | $ratio |"
done
median=$(python3 -c 'import statistics,sys; r=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(r):.2f}" if r else "-")' "${ratios[@]}")
echo "| median ratio | | | $median |"
echo
"$bin" sweep --seeds "$seed..$last" --jobs "$jobs" --quiet --report "$work/sweep" >/dev/null
"$bin" explore --seed "$seed" --budget "$budget" --jobs "$jobs" --quiet --report "$work/explore" >/dev/null
echo "| correct core, $budget runs | distinct signatures | coverage bits reached |"
echo "|---|---|---|"
echo "| sweep | $(summary_field "$work/sweep" signatures_distinct) | $(summary_field "$work/sweep" signature_bits) |"
echo "| explore | $(explore_field "$work/explore" signatures) | $(explore_field "$work/explore" bits) |"
