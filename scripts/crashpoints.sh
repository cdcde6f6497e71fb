#!/usr/bin/env bash
# Crash-point enumeration over the corpus (issue 17): every hand-kept scenario in seeds/, every
# pinned passing seed (seeds/pass-seed-*.seed, dumped as a scenario) and the first seeds of 1..200
# that reach each storage path a pinned seed may miss (CRASHPOINTS_PATH_SEEDS per path, default 8:
# a state sync, a journal wrap), for every replica, crashing it at each storage operation of the
# fault phase (`vsrsim crashpoints`). The path seeds are chosen by what a sweep's coverage says
# they reach, not by any bug. Prints one row per (run, replica) and exits nonzero if any point
# fails or is not reached. Nightly, not in CI's path.
#
#   scripts/crashpoints.sh [--out DIR]     # DIR: failing points' scenarios (default reports/out/crashpoints)
set -euo pipefail
cd "$(dirname "$0")/.."
out="reports/out/crashpoints"
while (($#)); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    *) echo "crashpoints.sh: unknown argument '$1' (see the header of $0)" >&2; exit 64 ;;
  esac
done
BIN="${VSRSIM:-build/release/reports/vsrsim}"
[[ -x "$BIN" ]] || scripts/setup.sh release >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

scenarios=(seeds/*.scenario)
pinned=()
for file in seeds/pass-seed-*.seed; do
  seed="$(awk -F' = ' '$1 == "seed" {print $2}' "$file")"
  pinned+=("$seed")
  "$BIN" run --seed "$seed" --dump-scenario "$work/pass-seed-$seed.scenario" >/dev/null
  scenarios+=("$work/pass-seed-$seed.scenario")
done
# Seeds that reach the state-sync and journal-wrap paths, from a sweep's per-seed coverage.
per_path="${CRASHPOINTS_PATH_SEEDS:-8}"
"$BIN" sweep --seeds 1..200 --quiet --report "$work/paths" >/dev/null
for seed in $(python3 - "$work/paths/summary.json" "$per_path" "${pinned[@]}" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
pinned = {int(s) for s in sys.argv[3:]}
chosen = []
for counter in ("state_syncs", "journal_wraps"):
    hits = [r["seed"] for r in results
            if r["outcome"] == "pass" and r["coverage"].get(counter, 0) > 0 and r["seed"] not in chosen
            and r["seed"] not in pinned]
    chosen += hits[: int(sys.argv[2])]
print(" ".join(str(s) for s in chosen))
PY
); do
  "$BIN" run --seed "$seed" --dump-scenario "$work/path-seed-$seed.scenario" >/dev/null
  scenarios+=("$work/path-seed-$seed.scenario")
done
status=0
total_points=0
start=$(date +%s)
printf '%-40s %7s %6s %7s %5s %5s %11s %6s\n' scenario replica ops points pass fail not_reached secs
for scenario in "${scenarios[@]}"; do
  name="$(basename "$scenario" .scenario)"
  replicas="$(awk -F' = ' '$1 == "replica_count" {print $2}' "$scenario")"
  for ((r = 0; r < replicas; r++)); do
    set +e
    "$BIN" crashpoints --scenario "$scenario" --replica "$r" --report "$out/$name-r$r" >"$work/out" 2>&1
    code=$?
    set -e
    line="$(grep '^CRASHPOINTS ' "$work/out" || true)"
    if [[ -z "$line" ]]; then
      echo "crashpoints.sh: $name replica $r: no result (exit $code):" >&2
      cat "$work/out" >&2
      status=1
      continue
    fi
    ((code == 0)) || status=1
    eval "$(sed -E 's/^CRASHPOINTS //; s/ in ([0-9.]+) s$/ secs=\1/' <<<"$line")"
    printf '%-40s %7s %6s %7s %5s %5s %11s %6s\n' "$name" "$r" "$ops" "$points" "$pass" "$fail" \
      "$not_reached" "$secs"
    total_points=$((total_points + points))
    grep -E '^(FAIL|NOT REACHED)' "$work/out" | head -5 || true
  done
done
echo "crashpoints.sh: $total_points crash points in $(( $(date +%s) - start )) s; exit $status"
exit "$status"
