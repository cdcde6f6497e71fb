#!/usr/bin/env bash
# End-to-end tests of `vsrsim explore` and `vsrsim inevitable` (issue 15): input validation (one
# line, exit 64/65/74), a short search that is byte-identical whatever --jobs is and whose corpus
# replays, a search that finds the lost-commit mutant and writes a verified, replayable scenario,
# and the inevitability chart of that scenario. Usage: reports/explore_cli_test.sh PATH/TO/vsrsim
set -uo pipefail
V="$1"
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

# Usage errors: one line naming the flag, exit 64.
"$V" explore --seed 1 2>"$work/err" >/dev/null; check "explore without --budget" 64 $?
expect_one_line "explore without --budget" "$work/err" "budget"
"$V" explore --seed 1 --budget 0 2>"$work/err" >/dev/null; check "explore --budget 0" 64 $?
expect_one_line "explore --budget 0" "$work/err" "budget"
"$V" explore --seed xyz --budget 5 2>"$work/err" >/dev/null; check "explore bad seed" 64 $?
expect_one_line "explore bad seed" "$work/err" "xyz"
"$V" explore --seed 1 --budget 5 --mutant nope 2>"$work/err" >/dev/null; check "explore bad mutant" 64 $?
expect_one_line "explore bad mutant" "$work/err" "nope"
"$V" inevitable 2>"$work/err" >/dev/null; check "inevitable without --scenario" 64 $?
expect_one_line "inevitable without --scenario" "$work/err" "scenario"
"$V" inevitable --scenario "$work/none.scenario" 2>"$work/err" >/dev/null; check "inevitable missing file" 74 $?
expect_one_line "inevitable missing file" "$work/err" "none.scenario"
printf 'seed = 1\nat x crash 1\n' >"$work/bad.scenario"
"$V" inevitable --scenario "$work/bad.scenario" 2>"$work/err" >/dev/null; check "inevitable malformed" 65 $?
expect_one_line "inevitable malformed" "$work/err" "bad.scenario:2"
printf 'seed = 1\n' >"$work/pass.scenario"
"$V" inevitable --scenario "$work/pass.scenario" 2>"$work/err" >/dev/null; check "inevitable of a pass" 65 $?
expect_one_line "inevitable of a pass" "$work/err" "passes"
mkdir -p "$work/foreign" && touch "$work/foreign/notes.txt"
"$V" explore --seed 1 --budget 5 --report "$work/foreign" 2>"$work/err" >/dev/null; check "explore foreign report folder" 74 $?
expect_one_line "explore foreign report folder" "$work/err" "notes.txt"
[[ -f "$work/foreign/notes.txt" ]] || fail "explore removed a file it did not write"

# A short search on the correct core: it passes, and the same seed and budget give byte-identical
# reports and corpora with one worker and with two.
"$V" explore --seed 7 --budget 48 --jobs 1 --report "$work/a" --corpus "$work/ca" --quiet >"$work/a.out"
check "explore, correct core" 0 $?
"$V" explore --seed 7 --budget 48 --jobs 2 --report "$work/b" --corpus "$work/cb" --quiet >"$work/b.out"
check "explore again, two workers" 0 $?
if diff -r "$work/a" "$work/b" >/dev/null && diff -r "$work/ca" "$work/cb" >/dev/null &&
  diff "$work/a.out" "$work/b.out" >/dev/null; then
  echo "ok: explore is byte-identical across --jobs"
else
  fail "explore differs between --jobs 1 and --jobs 2"
fi
grep -q '^EXPLORE seed=7 runs=48 ' "$work/a.out" || fail "explore's summary line: $(cat "$work/a.out")"
python3 - "$work/a/explore.json" <<'PY' || fail "explore.json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["runs"] == 48 and d["first_failure_run"] is None and d["finding"] is None, d
assert d["timeline"] and d["timeline"][-1]["runs"] == 48, d["timeline"]
assert all(a["bits"] <= b["bits"] for a, b in zip(d["timeline"], d["timeline"][1:]))
assert d["corpus"] == len(d["corpus_entries"]) >= 1 and d["bits"] > 0
PY
[[ -f "$work/ca/corpus-1.scenario" ]] || fail "no corpus-1.scenario"
"$V" run --scenario "$work/ca/corpus-1.scenario" >/dev/null; check "a corpus scenario replays" 0 $?
# Rerunning into the same folders replaces the earlier output.
"$V" explore --seed 7 --budget 16 --jobs 2 --report "$work/a" --corpus "$work/ca" --quiet >/dev/null
check "explore reuses its own folders" 0 $?
[[ $(ls "$work/ca" | wc -l) -le 16 ]] || fail "a stale corpus entry survived"

# SIGINT: the workers are killed and reaped, nothing is written, no folder is left, exit 130.
"$V" explore --seed 1 --budget 1000000 --quiet --report "$work/int/r" >/dev/null 2>&1 &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"; check "explore stopped by SIGINT" 130 $?
[[ ! -e "$work/int" ]] || fail "an interrupted explore left $work/int behind"

# The lost-commit mutant: found, shrunk, written, replayed (exit 3: a replica's assertion).
"$V" explore --seed 1 --budget 400 --jobs 2 --mutant recovering-rejoins-own-view --shrink-candidates 100 \
  --report "$work/f" --quiet >"$work/f.out" 2>&1
check "explore finds recovering-rejoins-own-view" 3 $?
grep -q '^verified: ' "$work/f.out" || fail "no verified line: $(cat "$work/f.out")"
"$V" run --scenario "$work/f/finding-1.scenario" >/dev/null 2>&1; check "the finding replays" 3 $?
"$V" run --scenario "$work/f/finding-1-found.scenario" >/dev/null 2>&1; check "the found scenario replays" 3 $?

# When did it become inevitable: the chart ends at 100 % just after the failure.
"$V" inevitable --scenario "$work/f/finding-1.scenario" --samples 3 --points 4 --jobs 2 >"$work/i.out"
check "inevitable" 0 $?
[[ $(grep -c '%' "$work/i.out") == 5 ]] || fail "inevitable rows: $(cat "$work/i.out")"
grep '%' "$work/i.out" | tail -1 | grep -q ' 100%  3/3' || fail "the last row is not 100 %: $(cat "$work/i.out")"
grep -q '^INEVITABLE from tick ' "$work/i.out" || fail "no INEVITABLE line: $(cat "$work/i.out")"
# The same chart as a strip on the run's page: one cell per fork tick.
"$V" inevitable --scenario "$work/f/finding-1.scenario" --samples 2 --points 3 --jobs 2 \
  --html "$work/i.html" >/dev/null
check "inevitable --html" 0 $?
grep -q 'When it became inevitable' "$work/i.html" || fail "the page has no inevitability strip"
[[ $(grep -c '<title>fork at tick' "$work/i.html") == 4 ]] || fail "the strip does not have 4 cells"
"$V" inevitable --scenario "$work/f/finding-1.scenario" --samples 2 --points 3 \
  --html "$work/nodir/x/i.html" >/dev/null 2>"$work/err"
check "inevitable --html into a missing folder" 74 $?

if [[ $failures -ne 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "all explore/inevitable CLI tests passed"
