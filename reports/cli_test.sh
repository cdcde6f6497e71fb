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
# No time limit: the search is bounded by its candidate count alone, so machine load cannot change
# the result (the time limit's own tests are below).
"$V" shrink --seed 1 --mutant silent-eviction --time-limit-ms 0 --out "$work/min.scenario" >"$work/out"
check "shrink" 1 $?
grep -q "^verified: .* replays to safety (at-most-once)" "$work/out" && echo "ok: shrink verified its file" ||
  { echo "FAIL: shrink did not verify its file"; cat "$work/out"; failures=$((failures + 1)); }
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

# ---- Issue 10: a tool whose word can be trusted. Each numbered case of the issue, run again. ----
one_line() {  # one_line NAME EXPECTED_EXIT PATTERN COMMAND...: the exit code and one line on stderr.
  local name="$1" expected="$2" pattern="$3"
  shift 3
  "$@" >"$work/out" 2>"$work/err"
  check "$name" "$expected" $?
  expect_one_line "$name" "$work/err" "$pattern"
}

# (1) --report and --save-failures create missing parents; a folder that cannot be written is
# refused before any seed runs, with one line, and nothing is left behind.
"$V" sweep --count 3 --quiet --report "$work/fresh/out/latest" \
  --save-failures "$work/fresh/out/latest/failures" >/dev/null; check "report parents created" 0 $?
[[ -f "$work/fresh/out/latest/summary.json" && -d "$work/fresh/out/latest/failures" ]] &&
  echo "ok: mkdir -p" || { echo "FAIL: report folders not created"; failures=$((failures + 1)); }
one_line "report in /proc" 74 "/proc: the folder is not writable" \
  "$V" sweep --count 2 --quiet --report /proc
one_line "failures folder in /proc" 74 "cannot create the folder /proc/vsrsim-x" \
  "$V" sweep --count 2 --quiet --report "$work/left/a/b" --save-failures /proc/vsrsim-x/y
[[ ! -e "$work/left" ]] && echo "ok: nothing left behind" ||
  { echo "FAIL: $work/left left behind"; failures=$((failures + 1)); }
mkdir -p "$work/home" && echo keep >"$work/home/notes.txt"
one_line "foreign folder refused" 74 "holds notes.txt" "$V" sweep --count 2 --quiet --report "$work/home"
[[ "$(ls "$work/home")" == notes.txt ]] && echo "ok: foreign folder untouched" ||
  { echo "FAIL: foreign folder changed"; failures=$((failures + 1)); }
# A used folder: the earlier report's seed-N.html and seed files do not survive the next sweep.
"$V" sweep --seeds 1..12 --mutant silent-eviction --quiet --report "$work/used" \
  --save-failures "$work/used/failures" >/dev/null; check "failing sweep into a folder" 1 $?
ls "$work/used" | grep -q '^seed-.*\.html$' && ls "$work/used/failures" | grep -q '^seed-.*\.seed$' ||
  { echo "FAIL: the failing sweep wrote no pages or seed files"; failures=$((failures + 1)); }
"$V" sweep --seeds 1..12 --quiet --report "$work/used" --save-failures "$work/used/failures" >/dev/null
check "passing sweep into the used folder" 0 $?
[[ -z "$(ls "$work/used" | grep '^seed-')" && -z "$(ls "$work/used/failures")" ]] &&
  echo "ok: stale per-seed files removed" || { echo "FAIL: stale files survive"; ls -R "$work/used"; failures=$((failures + 1)); }

# (2) shrink under a time limit: a limit shorter than one run is refused; a short one either writes
# a scenario that fails with the same checker, or exits non-zero saying why.
one_line "shrink --time-limit-ms 1" 64 "shorter than one run" \
  "$V" shrink --seed 1 --mutant silent-eviction --time-limit-ms 1 --out "$work/t1.scenario"
"$V" shrink --seed 1 --mutant silent-eviction --time-limit-ms 200 --out "$work/t200.scenario" \
  >"$work/out" 2>"$work/err"
status=$?
if [[ $status == 1 ]]; then
  "$V" run --scenario "$work/t200.scenario" --mutant silent-eviction >"$work/out"
  grep -q "^FAIL .*checker=at-most-once" "$work/out" &&
    echo "ok: shrink --time-limit-ms 200 wrote a verified failure" ||
    { echo "FAIL: shrink --time-limit-ms 200 wrote a file that does not fail"; failures=$((failures + 1)); }
else
  check "shrink --time-limit-ms 200 refused" 64 $status
  expect_one_line "shrink --time-limit-ms 200 refused" "$work/err" "shorter than one run"
fi

# (4) Out-of-range values are refused before anything runs: 65 naming file, line, key, value and
# range for files; 64 for flags.
for kv in "replicas = 7" "replicas = 256" "replicas = 259" "clients = 255" "clients = 100000" "ticks = 0"; do
  printf 'seed = 5\nexpect = pass\n%s\n' "$kv" >"$work/range.seed"
  one_line "seed file: $kv" 65 "range.seed:3: ${kv% =*} = '${kv#*= }' is out of range" "$V" replay "$work/range.seed"
done
printf 'seed = 5\nseed = 6\n' >"$work/dup.seed"
one_line "seed file: duplicate key" 65 "dup.seed:2: seed is set twice" "$V" replay "$work/dup.seed"
"$V" run --seed 3 --dump-scenario "$work/seed3.scenario" >/dev/null
grep -v '^at \|^core' "$work/seed3.scenario" | sed 's/^replica_count = .*/replica_count = 3/' >"$work/base.scenario"
scenario_case() {  # scenario_case NAME PATTERN SED-EXPRESSION [EXTRA-LINE]
  sed "$3" "$work/base.scenario" >"$work/case.scenario"
  [[ -n "${4:-}" ]] && echo "$4" >>"$work/case.scenario"
  one_line "scenario: $1" 65 "case.scenario:[0-9]*: .*$2" "$V" run --scenario "$work/case.scenario"
}
scenario_case "tick_us = 0" "tick_us = '0': out of range 1..1000000" 's/^tick_us = .*/tick_us = 0/'
scenario_case "tick_us = 2000000" "out of range 1..1000000" 's/^tick_us = .*/tick_us = 2000000/'
scenario_case "view-change min above max" "below view_change_timeout_ticks_min" \
  's/^view_change_timeout_ticks_min = .*/view_change_timeout_ticks_min = 900/'
scenario_case "client retry min above max" "below client_retry_ticks_min" \
  's/^client_retry_ticks_min = .*/client_retry_ticks_min = 9000/'
scenario_case "storage latency min above max" "below storage_sync_latency_min_us" \
  's/^storage_sync_latency_min_us = .*/storage_sync_latency_min_us = 9000000/'
scenario_case "client_retry_ticks_min = 0" "out of range 1..10000" 's/^client_retry_ticks_min = .*/client_retry_ticks_min = 0/'
scenario_case "network_link_capacity = 0" "out of range 1..100000" 's/^network_link_capacity = .*/network_link_capacity = 0/'
scenario_case "clients_max = 0" "out of range 1..1024" 's/^clients_max = .*/clients_max = 0/'
scenario_case "wrapping delay" "network_delay_min_us = '18446744073709503230': out of range" \
  's/^network_delay_min_us = .*/network_delay_min_us = 18446744073709503230/'
scenario_case "replica_count = 259" "out of range 1..6" 's/^replica_count = .*/replica_count = 259/'
scenario_case "crash 9 of 3 replicas" "replica 9 is out of range 0..2" '' "at 5 crash 9"
scenario_case "crash 257" "index 257 is out of range" '' "at 5 crash 257"
scenario_case "duplicate key" "tick_us is set twice" '' "tick_us = 5000"
scenario_case "core out of range" "core: replica 3 is out of range 0..2" '' "core = 0,3"
: >"$work/empty.scenario"
one_line "scenario: empty file" 65 "empty.scenario: the scenario is empty" "$V" run --scenario "$work/empty.scenario"
for flag in "--replicas 3" "--clients 2" "--ticks 50" "--profile network"; do
  one_line "run --scenario with $flag" 64 "excludes ${flag% *}" "$V" run --scenario "$work/base.scenario" $flag
  one_line "shrink --scenario with $flag" 64 "excludes ${flag% *}" "$V" shrink --scenario "$work/base.scenario" $flag
done
# The reproduce line printed for overrides at their limits is one the CLI accepts.
line=$("$V" run --seed 4 --replicas 6 --clients 200 --ticks 20 | sed -n 's/^reproduce: vsrsim //p')
"$V" $line >/dev/null 2>"$work/err"; status=$?
[[ -n "$line" && $status != 64 && $status != 65 ]] && echo "ok: reproduce line accepted" ||
  { echo "FAIL: reproduce line '$line' refused ($status)"; cat "$work/err"; failures=$((failures + 1)); }

# (5) merge: a damaged field is named (65), incomplete and mixed shard sets are refused unless
# --allow-partial, and the output is never an input.
python3 - "$work/s1/summary.json" "$work/zzzz/summary.json" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
d["results"][0]["fingerprint"] = "zzzz"
os.makedirs(os.path.dirname(sys.argv[2]))
json.dump(d, open(sys.argv[2], "w"))
PY
one_line "merge: fingerprint zzzz" 65 "zzzz/summary.json: results\[0\].fingerprint: 'zzzz' is not 16 hex digits" \
  "$V" merge --report "$work/m-zzzz" "$work/s0" "$work/zzzz" "$work/s2" "$work/s3"
[[ ! -e "$work/m-zzzz" ]] && echo "ok: nothing written" || { echo "FAIL: a bad merge wrote"; failures=$((failures + 1)); }
one_line "merge: incomplete shards" 65 "shards 2, 3 of 4 are missing" "$V" merge --report "$work/m01" "$work/s0" "$work/s1"
"$V" merge --report "$work/m01" "$work/s0" "$work/s1" --allow-partial >/dev/null 2>&1; check "merge --allow-partial" 0 $?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["missing_shards"] == [2, 3] and d["shard"] == "0+1/4", d["shard"]' \
  "$work/m01/summary.json" && echo "ok: partial merge names the missing shards" || failures=$((failures + 1))
"$V" merge --report "$work/m0123" "$work/m01" "$work/s2" "$work/s3" >/dev/null; check "merge a partial merge with the rest" 0 $?
cmp -s "$work/all/summary.json" "$work/m0123/summary.json" && echo "ok: completed merge == unsharded" ||
  { echo "FAIL: completed merge differs"; failures=$((failures + 1)); }
"$V" sweep --seeds 100..200 --shard 1/4 --quiet --report "$work/other-range" >/dev/null
one_line "merge: mixed ranges" 65 "range '100..200' differs" "$V" merge --report "$work/m-mixed" "$work/s0" "$work/other-range" "$work/s2" "$work/s3"
"$V" sweep --seeds 100..219 --shard 1/4 --profile network --quiet --report "$work/other-profile" >/dev/null
one_line "merge: mixed profiles" 65 "profile 'network' differs" "$V" merge --report "$work/m-mixed" "$work/s0" "$work/other-profile" "$work/s2" "$work/s3"
"$V" sweep --seeds 100..219 --shard 1/4 --mutant silent-eviction --quiet --report "$work/other-mutant" >/dev/null
one_line "merge: mixed mutants" 65 "mutants 'silent-eviction' differs" "$V" merge --report "$work/m-mixed" "$work/s0" "$work/other-mutant" "$work/s2" "$work/s3"
one_line "merge: output is an input" 64 "is also an input" "$V" merge --report "$work/s0" "$work/s0" "$work/s1"
one_line "merge: an input twice" 64 "given twice" "$V" merge --report "$work/m-twice" "$work/s0" "$work/s0" "$work/s1"

# (6) sweep: bounded --timeout-ms, --check-determinism a number in [0, 1], a huge range streams, and
# SIGINT/SIGTERM exit 130/143 with what finished written.
one_line "sweep --timeout-ms -1" 64 "timeout-ms" "$V" sweep --count 2 --timeout-ms -1
one_line "sweep --timeout-ms huge" 64 "timeout-ms" "$V" sweep --count 2 --timeout-ms 18446744073709551615
one_line "sweep --check-determinism nan" 64 "'nan' is not a share" "$V" sweep --count 2 --check-determinism nan
one_line "sweep --check-determinism 2" 64 "'2' is not a share" "$V" sweep --count 2 --check-determinism 2
one_line "sweep --start near the end" 64 "go past the last seed" "$V" sweep --count 5 --start 18446744073709551614
interrupt() {  # interrupt NAME SIGNAL EXPECTED_EXIT: a 2^64-seed sweep, stopped after a second.
  rm -rf "$work/huge"
  "$V" sweep --seeds 0..18446744073709551615 --jobs 2 --quiet --report "$work/huge/report" >/dev/null 2>"$work/err" &
  local pid=$! rss
  sleep 1.5
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -"$2" "$pid"; wait "$pid"
  check "$1" "$3" $?
  expect_one_line "$1" "$work/err" "stopped by SIG$2"
  (( rss < 200000 )) && echo "ok: $1: the range streams (${rss} kB)" || { echo "FAIL: $1: ${rss} kB"; failures=$((failures + 1)); }
  if [[ -e "$work/huge/report" ]]; then  # Either what finished is written whole, or nothing.
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["interrupted"] and d["seeds"] > 0' \
      "$work/huge/report/summary.json" && [[ -z "$(ls "$work/huge/report" | grep '\.tmp\.')" ]] &&
      echo "ok: $1: the report holds what finished" || { echo "FAIL: $1: half a report"; failures=$((failures + 1)); }
  else
    [[ ! -e "$work/huge" ]] || { echo "FAIL: $1: an empty folder left"; failures=$((failures + 1)); }
  fi
}
interrupt "sweep SIGINT" INT 130
interrupt "sweep SIGTERM" TERM 143

# (7) run: --timeout-ms bounds a run that never ends, and SIGINT/SIGTERM kill and reap its child.
one_line "run --timeout-ms -1" 64 "timeout-ms" "$V" run --seed 1 --timeout-ms -1
sed 's#^network_loss = .*#network_loss = 1/1#; s#^ticks_max = .*#ticks_max = 10000000#; s#^liveness_ticks_max = .*#liveness_ticks_max = 10000000#' \
  "$work/base.scenario" >"$work/hang.scenario"
"$V" run --scenario "$work/hang.scenario" --timeout-ms 300 >"$work/out"; check "run --timeout-ms 300" 2 $?
grep -q "kind=timeout" "$work/out" && echo "ok: timeout reported" || { echo "FAIL: no timeout line"; failures=$((failures + 1)); }
for sig_exit in INT:130 TERM:143; do
  sig=${sig_exit%:*}
  "$V" run --scenario "$work/hang.scenario" >/dev/null 2>"$work/err" &
  pid=$!
  sleep 0.5
  kill -"$sig" "$pid"; wait "$pid"
  check "run SIG$sig" "${sig_exit#*:}" $?
  expect_one_line "run SIG$sig" "$work/err" "stopped by SIG$sig"
  sleep 0.2
  pgrep -f "$work/hang.scenario" >/dev/null && { echo "FAIL: run SIG$sig left its child running"; failures=$((failures + 1)); for p in $(pgrep -f "$work/hang.scenario"); do kill -9 "$p"; done; } ||
    echo "ok: run SIG$sig reaped its child"
done

# Even a parent killed by SIGKILL (no handler runs) takes its child with it.
"$V" run --scenario "$work/hang.scenario" >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -KILL "$pid"; wait "$pid" 2>/dev/null
sleep 0.2
pgrep -f "$work/hang.scenario" >/dev/null && { echo "FAIL: run SIGKILL left its child running"; failures=$((failures + 1)); for p in $(pgrep -f "$work/hang.scenario"); do kill -9 "$p"; done; } ||
  echo "ok: run SIGKILL took its child with it"

echo "$failures failure(s)"
exit $((failures > 0))
