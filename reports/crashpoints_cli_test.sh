#!/usr/bin/env bash
# End-to-end tests of `vsrsim crashpoints` (issue 17): input validation (one line, exit 64/65/74),
# every crash point of the corpus scenario passes on the correct core, and with the mutant
# ack-before-durable some point fails, its scenario is written, verified, and replays to the same
# failure. Usage: reports/crashpoints_cli_test.sh PATH/TO/vsrsim
set -uo pipefail
V="$1"
here="$(cd "$(dirname "$0")/.." && pwd)"
scenario="$here/seeds/recovering-rejoins-own-view.scenario"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() {  # check NAME EXPECTED_EXIT ACTUAL_EXIT
  if [[ "$2" != "$3" ]]; then fail "$1: expected exit $2, got $3"; else echo "ok: $1"; fi
}
expect_one_line() {  # expect_one_line NAME FILE PATTERN
  if [[ "$(wc -l <"$2")" != 1 ]] || ! grep -q -- "$3" "$2"; then
    fail "$1: expected one line matching '$3', got:"; cat "$2"
  fi
}

"$V" crashpoints 2>"$work/err" >/dev/null; check "without --scenario" 64 $?
expect_one_line "without --scenario" "$work/err" "scenario"
"$V" crashpoints --scenario "$work/none.scenario" 2>"$work/err" >/dev/null; check "missing file" 74 $?
expect_one_line "missing file" "$work/err" "none.scenario"
printf 'seed = 1\nat 3 crash-point 1 9 sideways for 5\n' >"$work/bad.scenario"
"$V" crashpoints --scenario "$work/bad.scenario" 2>"$work/err" >/dev/null; check "malformed crash-point line" 65 $?
expect_one_line "malformed crash-point line" "$work/err" "bad.scenario:2"
"$V" crashpoints --scenario "$scenario" --replica 3 2>"$work/err" >/dev/null; check "replica out of range" 64 $?
expect_one_line "replica out of range" "$work/err" "replicas 0..2"
"$V" crashpoints --seed 1 --mutant table-primary-only 2>"$work/err" >/dev/null
check "a scenario that fails as it is" 65 $?
expect_one_line "a scenario that fails as it is" "$work/err" "does not pass as it is"

# The correct core survives every crash point of every replica.
for r in 0 1 2; do
  "$V" crashpoints --scenario "$scenario" --replica "$r" --jobs 2 >"$work/pass-$r.out"
  check "correct core, replica $r" 0 $?
  grep -Eq "^CRASHPOINTS replica=$r ops=[0-9]+ points=[1-9][0-9]* pass=[1-9][0-9]* fail=0 not_reached=0 " \
    "$work/pass-$r.out" || fail "summary line, replica $r: $(tail -1 "$work/pass-$r.out")"
done

# A seed instead of a scenario file: its swarm run, dumped; both flags at once is a usage error.
"$V" crashpoints --seed 7 --replica 1 --jobs 2 >"$work/seed.out"; check "crashpoints --seed 7" 0 $?
grep -Eq "^CRASHPOINTS replica=1 ops=[0-9]+ points=[1-9][0-9]* pass=[1-9][0-9]* fail=0 not_reached=0 " \
  "$work/seed.out" || fail "summary line, --seed 7: $(tail -1 "$work/seed.out")"
"$V" crashpoints --seed 7 --scenario "$scenario" 2>"$work/err" >/dev/null; check "--seed with --scenario" 64 $?
expect_one_line "--seed with --scenario" "$work/err" "excludes"

# Planted: acknowledging before the writes are durable fails at some crash point; the failing
# scenarios are written, verified by a replay, and replay to the failure through `vsrsim run`.
"$V" crashpoints --scenario "$scenario" --replica 1 --jobs 2 --mutant ack-before-durable \
  --report "$work/report" >"$work/mutant.out"
check "ack-before-durable fails" 1 $?
grep -q "^FAIL op [0-9]* (.*): safety (durability)" "$work/mutant.out" || fail "no durability failure: $(cat "$work/mutant.out")"
grep -q "^verified: " "$work/mutant.out" || fail "the written scenario was not verified"
python3 - "$work/report/crashpoints.json" <<'PY' || fail "crashpoints.json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["replica"] == 1 and d["failed"] > 0 and d["not_reached"] == 0, d
assert d["passed"] + d["failed"] == d["crash_points"], d
assert all(f["checker"] == "durability" for f in d["failures"]), d["failures"]
PY
first="$(ls "$work/report"/crashpoint-r1-op*.scenario | head -1)"
[[ -n "$first" ]] || fail "no crashpoint scenario written"
"$V" run --scenario "$first" --mutant ack-before-durable >/dev/null 2>&1; check "the written point replays" 1 $?
grep -q "^mutants = ack-before-durable" "$first" || fail "the written scenario does not name its mutant"
sed 's/^mutants = .*/mutants = none/' "$first" >"$work/correct.scenario"
"$V" run --scenario "$work/correct.scenario" >/dev/null 2>&1; check "the same point passes on the correct core" 0 $?
mkdir -p "$work/foreign" && touch "$work/foreign/notes.txt"
"$V" crashpoints --scenario "$scenario" --report "$work/foreign" 2>"$work/err" >/dev/null; check "foreign report folder" 74 $?
expect_one_line "foreign report folder" "$work/err" "notes.txt"

if ((failures > 0)); then echo "$failures failure(s)"; exit 1; fi
echo "all crashpoints CLI tests passed"
