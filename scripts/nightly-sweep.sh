#!/usr/bin/env bash
# The nightly seed sweep: the one command a CI job (GitHub Actions, a Kubernetes Indexed Job, a Slurm
# array) calls. It builds the release preset, sweeps COUNT seeds from a base that changes every night
# (the UTC date, or the commit under test), re-runs 5 % of them to check determinism, and writes the
# report (summary.json, junit.xml, summary.md, one HTML page per failure) and the failing seeds as
# seed files into OUT.
#
#   scripts/nightly-sweep.sh [--shard I/N|auto/N|auto] [--out DIR] [--count N] [--base date|commit]
#
# Exit code: the sweep's (0 only if every seed passed), or 1 if the coverage gate fails (a sweep in
# which checkpoints, state syncs, journal wraps or repairs from a checkpoint boundary never happened). Environment: NIGHTLY_COUNT overrides the
# default count (10000), NIGHTLY_BASE a fixed numeric seed base, VSRSIM an already built binary
# (skips the build).
set -euo pipefail
cd "$(dirname "$0")/.."

shard="0/1"
out="reports/out/nightly"
count="${NIGHTLY_COUNT:-10000}"
base_from="date"
while (($#)); do
  case "$1" in
    --shard) shard="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --base) base_from="$2"; shift 2 ;;
    *) echo "nightly-sweep: unknown argument '$1' (see the header of $0)" >&2; exit 64 ;;
  esac
done

if [[ -n "${NIGHTLY_BASE:-}" ]]; then
  base="$NIGHTLY_BASE"
elif [[ "$base_from" == "commit" ]]; then
  # The first 12 hex digits of the commit under test, as a decimal seed base.
  base=$((16#$(git rev-parse HEAD | cut -c1-12)))
else
  # The UTC date: every night a fresh range, the same range for every shard of one night.
  base="$(date -u +%Y%m%d)000000"
fi

bin="${VSRSIM:-}"
if [[ -z "$bin" ]]; then
  scripts/setup.sh release >&2
  bin=build/release/reports/vsrsim
fi
mkdir -p "$out"
echo "nightly-sweep: seeds $base..$((base + count - 1)), shard $shard, report in $out" >&2
properties=0
if [[ -z "${VSRSIM:-}" && "$shard" =~ ^0/ ]]; then
  # Property tests with many more cases than CI, with a fresh RapidCheck seed each night (shard 0).
  RC_PARAMS="seed=$base max_success=${NIGHTLY_PROPERTY_CASES:-2000}" \
    ctest --preset release -L property --output-on-failure >&2 || properties=1
fi
set +e
"$bin" sweep --start "$base" --count "$count" --shard "$shard" \
  --check-determinism 0.05 --report "$out" --save-failures "$out/failures"
status=$?
set -e
# Coverage gate (issue 16): a sweep in which the checkpoint, journal ring or state sync machinery
# never ran proves nothing about it, so it fails even if every seed passed. Sweeps (or shards) of
# fewer than 200 seeds are too small to expect every counter (a state sync fires in about a third
# of the seeds) and skip it.
if [[ -f "$out/summary.json" ]] && ! python3 - "$out/summary.json" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
if summary["seeds"] < 200:
    sys.exit(0)
coverage = summary["coverage"]
names = ["checkpoints", "state_syncs", "journal_wraps", "repairs_from_checkpoint_boundary"]
zero = [name for name in names if coverage.get(name, 0) == 0]
if zero:
    sys.exit("nightly-sweep: coverage gate: never happened in this sweep: " + ", ".join(zero))
PY
then
  ((status != 0)) || status=1
fi
if ((properties != 0)); then
  echo "nightly-sweep: the property tests failed (see above)" >&2
  ((status != 0)) || status=1
fi
exit "$status"
