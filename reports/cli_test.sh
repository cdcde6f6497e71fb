#!/usr/bin/env bash
# End-to-end tests of the vsrsim command line: exit codes, one-line errors, nothing half-written,
# sharding and merging, crash isolation, and the determinism self-check catching a planted
# nondeterminism.   Usage: reports/cli_test.sh PATH/TO/vsrsim
set -uo pipefail
V="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check NAME EXPECTED_EXIT ACTUAL_EXIT
  if [[ "$2" != "$3" ]]; then
    echo "FAIL: $1: expected exit $2, got $3"
    failures=$((failures + 1))
  else
    echo "ok: $1"
  fi
}
expect_one_line() {  # expect_one_line NAME FILE PATTERN
  local lines
  lines=$(wc -l <"$2")
  if [[ "$lines" != 1 ]] || ! grep -q -- "$3" "$2"; then
    echo "FAIL: $1: expected one line matching '$3', got:"; cat "$2"
    failures=$((failures + 1))
  fi
}

# The same seed twice gives the same fingerprint.
a=$("$V" run --seed 42 | grep '^PASS'); b=$("$V" run --seed 42 | grep '^PASS')
[[ -n "$a" && "$a" == "$b" ]] && echo "ok: seed 42 twice" || { echo "FAIL: seed 42 twice: '$a' vs '$b'"; failures=$((failures + 1)); }

# Usage errors: one line naming the flag, exit 64.
"$V" run --seed 42 --bogus 2>"$work/err" >/dev/null; check "unknown flag" 64 $?
expect_one_line "unknown flag" "$work/err" "bogus"
"$V" run --seed xyz 2>"$work/err" >/dev/null; check "bad seed" 64 $?
expect_one_line "bad seed" "$work/err" "xyz"
"$V" run --seed 1 --mutant nope 2>"$work/err" >/dev/null; check "unknown mutant" 64 $?
expect_one_line "unknown mutant" "$work/err" "nope"
"$V" sweep --seeds 9..3 2>"$work/err" >/dev/null; check "bad range" 64 $?
expect_one_line "bad range" "$work/err" "9..3"
"$V" run --seed 1 --replicas 9 2>"$work/err" >/dev/null; check "replicas out of range" 64 $?

# Bad input data: a malformed seed file names the file and line, exit 65, nothing runs.
printf 'seed = 5\nexpect = pass\nbogus_key = 1\n' >"$work/bad.seed"
"$V" replay "$work/bad.seed" 2>"$work/err" >/dev/null; check "malformed seed file" 65 $?
expect_one_line "malformed seed file" "$work/err" "bad.seed:3"
printf 'replica_count = 3\nat x crash 1\n' >"$work/bad.scenario"
"$V" run --scenario "$work/bad.scenario" 2>"$work/err" >/dev/null; check "malformed scenario" 65 $?
expect_one_line "malformed scenario" "$work/err" "bad.scenario:2"

# I/O errors: an unwritable report folder, exit 74, and nothing half-written.
mkdir -p "$work/ro" && chmod 555 "$work/ro"
if [[ "$(id -u)" != 0 ]]; then
  "$V" sweep --count 2 --quiet --report "$work/ro/x" 2>"$work/err" >/dev/null; check "unwritable report" 74 $?
fi
touch "$work/file"
"$V" sweep --count 2 --quiet --report "$work/file" 2>"$work/err" >/dev/null; check "report is a file" 74 $?
expect_one_line "report is a file" "$work/err" "not a folder"
[[ -z "$(ls "$work" | grep '\.tmp\.')" ]] || { echo "FAIL: temporary file left behind"; failures=$((failures + 1)); }

# A crashing mutant: every crashing seed is recorded as a crash, and the sweep finishes (exit 3).
"$V" sweep --seeds 1..40 --mutant resend-panics-on-disconnect --quiet --report "$work/crash" \
  --save-failures "$work/crash-seeds" >"$work/out"; check "crashing mutant sweep" 3 $?
python3 - "$work/crash/summary.json" "$work/crash-seeds" <<'PY' || failures=$((failures + 1))
import json, os, sys
d = json.load(open(sys.argv[1]))
assert d["seeds"] == 40, d["seeds"]
crashes = [f for f in d["failures"] if f["outcome"] == "crash"]
assert crashes, "no crash recorded"
assert all("kResendPanicsOnDisconnect" in f["message"] for f in crashes), crashes[0]
assert len(os.listdir(sys.argv[2])) == d["failed"], "one seed file per failing seed"
print("ok: crashes recorded:", len(crashes))
PY

# The crash's page says crash, and the assertion text reached the parent.
crash_page="$(ls "$work"/crash/seed-*.html | head -n 1)"
grep -q "FAIL (crash)" "$crash_page" && grep -q "assertion failed" "$crash_page" &&
  echo "ok: a crash's page says crash" || { echo "FAIL: $crash_page does not say crash"; failures=$((failures + 1)); }

# Crash isolation with the worker pool (each worker runs many seeds). VSRSIM_PLANT_STALL=SEED:FILE
# makes the worker that runs SEED write its pid into FILE (while FILE does not exist) and hang.
wait_for_file() {  # wait_for_file FILE: up to 30 s
  for _ in $(seq 600); do [[ -s "$1" ]] && return 0; sleep 0.05; done
  echo "FAIL: $1 never appeared"; failures=$((failures + 1)); return 1
}
"$V" sweep --seeds 1..60 --quiet --report "$work/plain" >/dev/null
# A worker killed from outside once: its seed re-runs and passes; the report is the plain one.
VSRSIM_PLANT_STALL="17:$work/pid1" "$V" sweep --seeds 1..60 --quiet --report "$work/once" \
  --save-failures "$work/once-seeds" >"$work/out" & sweep=$!
wait_for_file "$work/pid1" && kill -9 "$(cat "$work/pid1")"
wait "$sweep"; check "a killed worker's seed is re-run" 0 $?
cmp -s "$work/plain/summary.json" "$work/once/summary.json" && echo "ok: re-run report == plain report" ||
  { echo "FAIL: the re-run changed the report"; failures=$((failures + 1)); }
# Killed twice: outcome killed (exit 75), no seed file, a page that does not say PASS.
VSRSIM_PLANT_STALL="17:$work/pid2" "$V" sweep --seeds 1..60 --quiet --report "$work/twice" \
  --save-failures "$work/twice-seeds" >"$work/out" & sweep=$!
wait_for_file "$work/pid2" && { first="$(cat "$work/pid2")"; rm "$work/pid2"; kill -9 "$first"; }
wait_for_file "$work/pid2" && kill -9 "$(cat "$work/pid2")"
wait "$sweep"; check "a worker killed twice" 75 $?
grep -q "^FAIL seed=17 kind=killed" "$work/out" && echo "ok: outcome killed" ||
  { echo "FAIL: no killed outcome"; cat "$work/out"; failures=$((failures + 1)); }
[[ -z "$(ls "$work/twice-seeds")" ]] && echo "ok: a killed seed is not saved" ||
  { echo "FAIL: a killed seed was saved"; failures=$((failures + 1)); }
! grep -q "PASS" "$work/twice/seed-17.html" && grep -q "FAIL (killed)" "$work/twice/seed-17.html" &&
  echo "ok: a killed seed's page says killed" || { echo "FAIL: seed-17.html"; failures=$((failures + 1)); }
# A hanging seed times out; every other seed still runs (exit 2).
VSRSIM_PLANT_STALL="9:$work/pid3" "$V" sweep --seeds 1..60 --quiet --timeout-ms 1000 \
  --report "$work/hang" >"$work/out"; check "a hanging seed" 2 $?
python3 - "$work/hang/summary.json" <<'PY' || failures=$((failures + 1))
import json, sys
d = json.load(open(sys.argv[1]))
assert d["seeds"] == 60 and d["outcomes"]["timeout"] == 1 and d["passed"] == 59, d["outcomes"]
assert d["failures"][0]["seed"] == 9, d["failures"]
print("ok: the hanging seed timed out, the other 59 passed")
PY
kill -0 "$(cat "$work/pid3")" 2>/dev/null && { echo "FAIL: the hung worker survives"; failures=$((failures + 1)); }
# SIGINT stops a sweep cleanly: exit 130, an interrupted summary, no worker left behind.
VSRSIM_PLANT_STALL="5:$work/pid4" "$V" sweep --seeds 1..60 --quiet --report "$work/int" \
  >"$work/out" & sweep=$!
wait_for_file "$work/pid4" && kill -INT "$sweep"
wait "$sweep"; check "SIGINT stops a sweep" 130 $?
grep -q '"interrupted": true' "$work/int/summary.json" && echo "ok: the summary says interrupted" ||
  { echo "FAIL: no interrupted summary"; failures=$((failures + 1)); }
sleep 0.2
kill -0 "$(cat "$work/pid4")" 2>/dev/null && { echo "FAIL: a worker survives SIGINT"; failures=$((failures + 1)); }

# Replay: the saved failures replay to their outcome.
"$V" replay "$work"/crash-seeds/*.seed >"$work/out"; check "replay saved failures" 0 $?

# Sharding: 4 shards merged equal the unsharded sweep, byte for byte.
for i in 0 1 2 3; do "$V" sweep --seeds 100..219 --shard "$i/4" --quiet --report "$work/s$i" >/dev/null; done
"$V" sweep --seeds 100..219 --quiet --report "$work/all" >/dev/null
"$V" merge --report "$work/merged" "$work/s0" "$work/s1" "$work/s2" "$work/s3" >/dev/null; check "merge" 0 $?
cmp -s "$work/all/summary.json" "$work/merged/summary.json" && echo "ok: merged == unsharded" ||
  { echo "FAIL: merged summary differs"; diff "$work/all/summary.json" "$work/merged/summary.json" | head; failures=$((failures + 1)); }
JOB_COMPLETION_INDEX=2 "$V" sweep --seeds 100..219 --shard auto/4 --quiet --report "$work/auto" >/dev/null
cmp -s "$work/s2/summary.json" "$work/auto/summary.json" && echo "ok: --shard auto" ||
  { echo "FAIL: --shard auto differs from 2/4"; failures=$((failures + 1)); }

# The determinism self-check catches a planted nondeterminism (exit 4) and names the window.
VSRSIM_PLANT_NONDETERMINISM=1 "$V" sweep --count 6 --check-determinism 1 --quiet >"$work/out"
check "planted nondeterminism" 4 $?
grep -q "first differ" "$work/out" && echo "ok: divergence window named" ||
  { echo "FAIL: no divergence window"; cat "$work/out"; failures=$((failures + 1)); }
"$V" sweep --count 6 --check-determinism 1 --quiet >/dev/null; check "determinism holds" 0 $?

# A scenario dumped from a swarm run replays to the same fingerprint.
"$V" run --seed 7 --dump-scenario "$work/s7" | grep '^PASS' | cut -d' ' -f3 >"$work/f1"
"$V" run --scenario "$work/s7" | grep '^PASS' | cut -d' ' -f3 >"$work/f2"
cmp -s "$work/f1" "$work/f2" && [[ -s "$work/f1" ]] && echo "ok: scenario replay" ||
  { echo "FAIL: scenario replay fingerprint"; failures=$((failures + 1)); }

# Liveness: a bound too short to converge in is a liveness failure (exit 2) naming the stall.
"$V" run --seed 5 --dump-scenario "$work/s5" >/dev/null
sed -i 's/^liveness_ticks_max = .*/liveness_ticks_max = 1/; s/^ticks_max = .*/ticks_max = 5/; s/^requests_per_client = .*/requests_per_client = 50/' "$work/s5"
"$V" run --scenario "$work/s5" >"$work/out"; check "liveness failure" 2 $?
grep -q "kind=liveness checker=liveness: no convergence" "$work/out" && echo "ok: liveness message" ||
  { echo "FAIL: liveness message"; cat "$work/out"; failures=$((failures + 1)); }

# Shrink: a failing seed becomes a small scenario that replays to the same failure.
"$V" shrink --seed 1 --mutant silent-eviction --out "$work/min.scenario" >"$work/out"
check "shrink" 1 $?
python3 - "$work/min.scenario" <<'PY' || failures=$((failures + 1))
import sys
text = open(sys.argv[1]).read().splitlines()
events = [l for l in text if l.startswith("at ")]
clients = int(next(l.split("=")[1] for l in text if l.startswith("client_count")))
assert len(events) <= 6 and clients <= 3, (len(events), clients)
print("ok: shrunk to", len(events), "events and", clients, "clients")
PY
"$V" run --scenario "$work/min.scenario" >"$work/out"
grep -q "^FAIL .*kind=safety checker=at-most-once" "$work/out" &&
  echo "ok: the shrunk scenario replays to the same failure" ||
  { echo "FAIL: shrunk scenario does not replay"; failures=$((failures + 1)); }
"$V" shrink --seed 3 --out "$work/none.scenario" 2>"$work/err" >/dev/null; check "shrink a passing seed" 65 $?

echo "$failures failure(s)"
exit $((failures > 0))
