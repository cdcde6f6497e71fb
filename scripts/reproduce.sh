#!/usr/bin/env bash
# Reproduce one failure locally: builds the debug preset, re-runs the seed (or seed file, or scenario
# file) with the trace on, prints the outcome and the trace around the violation, and the path of the
# HTML space-time diagram.
#
#   scripts/reproduce.sh SEED [--mutant NAME]...
#   scripts/reproduce.sh seeds/some-failure.seed
#   scripts/reproduce.sh my-scenario.txt
set -euo pipefail
cd "$(dirname "$0")/.."
if (($# == 0)); then
  echo "usage: scripts/reproduce.sh SEED|SEED_FILE|SCENARIO_FILE [--mutant NAME]..." >&2
  exit 64
fi
target="$1"
shift
args=()
name="$target"
if [[ -f "$target" ]] && grep -q '^replica_count *=' "$target"; then
  args=(--scenario "$target")
  name="$(basename "$target")"
elif [[ -f "$target" ]]; then
  # A seed file: its seed, mutants, profile and overrides become flags.
  value() { sed -n "s/^$1 *= *//p" "$target" | head -n 1; }
  seed="$(value seed)"
  [[ -n "$seed" ]] || { echo "reproduce: $target: no 'seed = ...' line" >&2; exit 65; }
  args=(--seed "$seed")
  mutants="$(value mutants)"
  if [[ -n "$mutants" && "$mutants" != none ]]; then
    IFS=',' read -r -a list <<<"$mutants"
    for m in "${list[@]}"; do args+=(--mutant "$m"); done
  fi
  profile="$(value profile)"; [[ -z "$profile" ]] || args+=(--profile "$profile")
  for key in replicas clients ticks; do
    v="$(value "$key")"; [[ -z "$v" ]] || args+=("--$key" "$v")
  done
  name="seed-$seed"
else
  args=(--seed "$target")
  name="seed-$target"
fi
args+=("$@")

scripts/setup.sh debug >&2
out="reports/out/reproduce/$name"
mkdir -p "$out"
set +e
build/debug/reports/vsrsim run "${args[@]}" --trace "$out/trace.txt" --html "$out/page.html" >"$out/run.txt" 2>&1
status=$?
set -e
grep -E '^(PASS|FAIL|reproduce)' "$out/run.txt" || tail -n 5 "$out/run.txt"
if [[ -f "$out/trace.txt" ]]; then
  line="$(grep -n 'VIOLATION' "$out/trace.txt" | head -n 1 | cut -d: -f1 || true)"
  if [[ -n "$line" ]]; then
    echo
    echo "--- the trace before the violation ($out/trace.txt, line $line) ---"
    sed -n "$((line > 40 ? line - 40 : 1)),${line}p" "$out/trace.txt"
  else
    echo
    echo "--- the end of the trace ($out/trace.txt) ---"
    tail -n 40 "$out/trace.txt"
  fi
fi
echo
echo "trace: $out/trace.txt"
echo "space-time diagram: $out/page.html"
exit "$status"
