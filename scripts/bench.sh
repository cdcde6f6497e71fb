#!/usr/bin/env bash
# Builds the release preset, runs the simulator's benchmarks (sim/sim_bench.cc, Google Benchmark,
# JSON output) and two measurements of the CLI, and prints ONE table against the performance
# targets (DESIGN.md "Performance" and the project's issues):
#
#   bare event loop (PRNG + event queue + trace hash)     >= 20 M events/s
#   full simulation, fault-free                           >= 3 M events/s, >= 15% of the bare loop
#   heap allocations per delivered message (steady)       == 0
#   default seed, median                                  < 20 ms
#   peak memory per seed                                  < 64 MiB
#   trace hashing share of run time                       < 5%
#   sweep share of in-process (sweep seeds/s over cores x in-process seeds/s)   >= 70%
#   2 jobs over 1 (sweep speedup)                         >= 1.8x
#
# Usage: scripts/bench.sh [extra Google Benchmark flags, e.g. --benchmark_repetitions=5]
#   With repetitions, the median of each benchmark is used.
# Environment:
#   BENCH_SKIP_BUILD=1        use the existing build/release (no configure/build)
#   BENCH_BUILD_DIR=DIR       use the binaries of an existing build in DIR instead (implies
#                             BENCH_SKIP_BUILD=1; configure it with -DCMAKE_BUILD_TYPE=Release)
#   BENCH_SWEEP_COUNT=N       seeds of the timed sweeps and of BM_InProcessSeeds (default 2000)
#   BENCH_SWEEP_REPEATS=N     times each sweep (--jobs 1, --jobs 2, all cores) is timed, in turn;
#                             the fastest of each counts (default 3)
#   BENCH_MEMORY_SEEDS="..."  seeds whose peak memory is measured (default "1 2 3 4 5 12 26")
#   BENCH_RATIO_REPS=N        interleaved pairs of the fault-free / bare-loop ratio (default 7)
#   BENCH_JSON_OUT=FILE       also keep the raw benchmark JSON there
# Rates and times of the benchmarks are per CPU second of the benchmark thread (robust on a shared
# machine); a sweep's seeds/s is wall time. The ratios (fault-free over bare loop, sweep over
# in-process, 2 jobs over 1) are measured within this one run.
# Exit status: 0 when everything ran (missed targets are shown in the table, not in the status).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BENCH_BUILD_DIR:-build/release}"
if [[ -n "${BENCH_BUILD_DIR:-}" ]]; then BENCH_SKIP_BUILD=1; fi
BENCH_BIN="$BUILD_DIR/sim/vsrsim_bench"
CLI_BIN="$BUILD_DIR/reports/vsrsim"
SWEEP_COUNT="${BENCH_SWEEP_COUNT:-2000}"
SWEEP_REPEATS="${BENCH_SWEEP_REPEATS:-3}"
MEMORY_SEEDS="${BENCH_MEMORY_SEEDS:-1 2 3 4 5 12 26}"
RATIO_REPS="${BENCH_RATIO_REPS:-7}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

log() { echo "bench: $*" >&2; }

# --- Build ------------------------------------------------------------------------------------
# Only the two binaries the table needs (the preset's full build also compiles every test). The
# benchmark binary is required; without the CLI the table leaves out its two rows.
CLI_OK=1
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the release preset (log: $WORK/build.log)"
  if ! { cmake --preset release && cmake --build --preset release --target vsrsim_bench; } \
    >"$WORK/build.log" 2>&1; then
    tail -n 40 "$WORK/build.log" >&2
    log "ERROR: the release build of vsrsim_bench failed"
    exit 1
  fi
  if ! cmake --build --preset release --target vsrsim >>"$WORK/build.log" 2>&1; then
    grep -m 5 -E "error|FAILED" "$WORK/build.log" >&2 || true
    log "WARNING: the CLI (vsrsim) did not build: no peak-memory and sweep rows"
    CLI_OK=0
  fi
fi
if [[ ! -x "$BENCH_BIN" ]]; then
  log "ERROR: $BENCH_BIN is missing (is VSRSIM_BUILD_TESTS on?)"
  exit 1
fi
if [[ ! -x "$CLI_BIN" ]]; then CLI_OK=0; fi

# --- Benchmarks -------------------------------------------------------------------------------
log "running $BENCH_BIN (about a minute)"
"$BENCH_BIN" --benchmark_format=json --in_process_seeds="$SWEEP_COUNT" "$@" >"$WORK/bench.json"
if [[ -n "${BENCH_JSON_OUT:-}" ]]; then cp "$WORK/bench.json" "$BENCH_JSON_OUT"; fi
# The fault-free / bare-loop ratio, measured on its own: both benchmarks repeated, their
# repetitions randomly interleaved, so each pair ran close together in time and a disturbance of
# the machine (another tenant, a frequency change) falls on both sides of a ratio rather than on one
# benchmark of the table. The row gives the median of the pairs' ratios and their range.
log "measuring the fault-free / bare-loop ratio ($RATIO_REPS interleaved pairs)"
"$BENCH_BIN" --benchmark_format=json --benchmark_filter='^(BM_BareEventLoop|BM_SimulationFaultFree)$' \
  --benchmark_repetitions="$RATIO_REPS" --benchmark_enable_random_interleaving=true \
  --benchmark_min_time=0.3 >"$WORK/ratio.json"

# --- Peak memory per seed: max RSS of `vsrsim run --seed S` (the run happens in a forked child;
# the kernel folds a reaped child's max RSS into its parent's, so the parent's figure covers it).
: >"$WORK/memory.txt"
: >"$WORK/sweep_time.txt"
if ((CLI_OK)); then
  log "measuring peak memory of seeds: $MEMORY_SEEDS"
  for seed in $MEMORY_SEEDS; do
    if [[ -x /usr/bin/time ]]; then
      /usr/bin/time -v -o "$WORK/time.txt" "$CLI_BIN" run --seed "$seed" >/dev/null 2>&1 || true
      kib="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")"
    else
      # No GNU time (Debian package `time`): read ru_maxrss of the waited-for child instead.
      kib="$(python3 -c '
import os, sys
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1); os.dup2(fd, 2)
    os.execv(sys.argv[1], sys.argv[1:])
_, _, usage = os.wait4(pid, 0)
print(usage.ru_maxrss)' "$CLI_BIN" run --seed "$seed")"
    fi
    echo "$seed $kib" >>"$WORK/memory.txt"
  done

  # --- Seeds per second of sweeps: --jobs 1, --jobs 2 and all cores, taken in turn ------------
  cores="$(nproc)"
  job_counts="1 2"
  if ((cores != 2 && cores != 1)); then job_counts="1 2 $cores"; fi
  log "timing \`vsrsim sweep --count $SWEEP_COUNT --quiet --jobs J\` for J in $job_counts," \
    "$SWEEP_REPEATS times each"
  for ((repeat = 0; repeat < SWEEP_REPEATS; repeat++)); do
    for jobs in $job_counts; do
      sweep_start="$(date +%s.%N)"
      sweep_status=0
      "$CLI_BIN" sweep --count "$SWEEP_COUNT" --quiet --jobs "$jobs" >"$WORK/sweep.txt" 2>&1 ||
        sweep_status=$?
      sweep_end="$(date +%s.%N)"
      echo "$jobs $sweep_start $sweep_end $sweep_status $cores" >>"$WORK/sweep_time.txt"
    done
  done
fi

# --- One table --------------------------------------------------------------------------------
python3 - "$WORK" "$SWEEP_COUNT" <<'PY'
import json
import statistics
import sys

work, sweep_count = sys.argv[1], int(sys.argv[2])
data = json.load(open(f"{work}/bench.json"))

# One entry per benchmark: the median aggregate when repeated, else the (last) iteration run.
entries = {}
for b in data["benchmarks"]:
    name = b.get("run_name", b["name"])
    if b.get("run_type") == "aggregate":
        if b.get("aggregate_name") == "median":
            entries[name] = b
    elif name not in entries or entries[name].get("run_type") != "aggregate":
        entries[name] = b

errors = [f"{n}: {b.get('error_message', '')}" for n, b in entries.items() if b.get("error_occurred")]

def find(prefix):
    for name, b in entries.items():
        if name.split("/")[0] == prefix and not b.get("error_occurred"):
            return b
    return None

TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}

def ms(b):  # The benchmarks time CPU seconds of their thread (manual time where they set it).
    key = "real_time" if b["name"].endswith("/manual_time") else "cpu_time"
    return b[key] * TO_MS[b.get("time_unit", "ns")]

def rate(v):
    if v is None:
        return "-"
    return f"{v / 1e6:.2f} M" if v >= 1e6 else f"{v / 1e3:.1f} k"

rows = []  # (metric, events/s, value, target, status)

def status(ok):
    return "-" if ok is None else ("ok" if ok else "MISS")

bare = find("BM_BareEventLoop")
free = find("BM_SimulationFaultFree")
heavy = find("BM_SimulationFaultHeavy")
allocs = find("BM_AllocationsPerDelivery")
share = find("BM_TraceHashingShare")
seeds = [b for n, b in entries.items() if n.startswith("BM_DefaultSeed/") and not b.get("error_occurred")]

bare_rate = bare["events/s"] if bare else None
free_rate = free["events/s"] if free else None
if bare:
    rows.append(("bare event loop (PRNG + queue + trace hash)", rate(bare_rate),
                 f"{1e9 / bare_rate:.1f} ns/event", ">= 20 M events/s", status(bare_rate >= 20e6)))
if free:
    rows.append(("fault-free simulation (3 replicas, 4 clients)", rate(free_rate),
                 f"{ms(free):.1f} ms/run, {free['events/run'] / 1e3:.0f} k events/run",
                 ">= 3 M events/s", status(free_rate >= 3e6)))
if heavy:
    rows.append((f"fault-heavy simulation (swarm seed {int(heavy['seed'])})", rate(heavy["events/s"]),
                 f"{ms(heavy):.2f} ms/run, {heavy['events/run'] / 1e3:.1f} k events/run", "-", "-"))
# The ratio from its own interleaved pass: repetition i of each benchmark form a pair.
pairs = {}
for b in json.load(open(f"{work}/ratio.json"))["benchmarks"]:
    if b.get("run_type") == "iteration" and not b.get("error_occurred"):
        name = b.get("run_name", b["name"])
        pairs.setdefault(b.get("repetition_index", 0), {})[name] = b["events/s"]
ratios = sorted(p["BM_SimulationFaultFree"] / p["BM_BareEventLoop"] for p in pairs.values()
                if "BM_SimulationFaultFree" in p and "BM_BareEventLoop" in p)
if ratios:
    ratio = statistics.median(ratios)
    rows.append((f"ratio fault-free / bare loop (median of {len(ratios)} interleaved pairs)", "-",
                 f"{100 * ratio:.1f}% (range {100 * ratios[0]:.1f}-{100 * ratios[-1]:.1f}%)",
                 ">= 15%", status(ratio >= 0.15)))
if free:
    rows.append(("sim-time per second of run (fault-free)", "-",
                 f"{free['sim_s/s']:.0f} sim s/s", "-", "-"))
if seeds:
    times = [ms(b) for b in seeds]
    median = statistics.median(times)
    failed = sum(1 for b in seeds if b.get("pass", 1) == 0)
    rows.append((f"default seed median (seeds 1..{len(seeds)})",
                 rate(statistics.median(b["events/s"] for b in seeds)),
                 f"{median:.3f} ms (max {max(times):.2f} ms{', ' + str(failed) + ' failing' if failed else ''})",
                 "< 20 ms", status(median < 20)))
if allocs:
    per = allocs["allocs/delivery"]
    rows.append(("heap allocations per delivered message", rate(allocs["events/s"]),
                 f"{per:.3f} ({allocs['bytes/delivery']:.0f} B/delivery, "
                 f"{allocs['deliveries'] / 1e3:.0f} k deliveries)", "= 0", status(per == 0)))
if share:
    s = share["hash_share"]
    rows.append(("trace hashing share of run time", rate(share["events/s"]),
                 f"{100 * s:.1f}% ({share['ns/record']:.1f} ns/record, "
                 f"{share['records/event']:.2f} records/event)", "< 5%", status(s < 0.05)))

memory = [line.split() for line in open(f"{work}/memory.txt") if line.strip()]
memory = [(seed, int(kib)) for seed, kib in memory if kib.isdigit()]
if memory:
    worst_seed, worst = max(memory, key=lambda m: m[1])
    rows.append((f"peak memory per seed ({len(memory)} seeds, max RSS)", "-",
                 f"{worst / 1024:.1f} MiB (seed {worst_seed})", "< 64 MiB",
                 status(worst < 64 * 1024)))

else:
    rows.append(("peak memory per seed", "-", "n/a (no vsrsim binary)", "< 64 MiB", "-"))

in_process = find("BM_InProcessSeeds")
in_process_rate = None
if in_process:
    in_process_rate = in_process["seeds/s"]
    failed = int(in_process.get("failed", 0))
    rows.append(("in-process seeds/s (one core, CPU time)", rate(in_process["events/s"]),
                 f"{in_process_rate:.0f} seeds/s (seeds 1..{sweep_count} one after another, mean"
                 f"{', ' + str(failed) + ' failing' if failed else ''})", "-", "-"))

# The fastest timing of each sweep (jobs -> (elapsed seconds, exit status)).
sweeps = {}
cores = None
for line in open(f"{work}/sweep_time.txt"):
    jobs, start, end, sweep_status, cores = line.split()
    elapsed = float(end) - float(start)
    if int(jobs) not in sweeps or elapsed < sweeps[int(jobs)][0]:
        sweeps[int(jobs)] = (elapsed, sweep_status)
if sweeps:
    cores = int(cores)
    def sweep_rate(jobs):
        return sweep_count / sweeps[jobs][0]
    for jobs in sorted(sweeps):
        elapsed, sweep_status = sweeps[jobs]
        note = "" if sweep_status == "0" else f", exit {sweep_status}"
        label = f"sweep --jobs {jobs}" + (" (all cores)" if jobs == cores else "")
        rows.append((label, "-",
                     f"{sweep_rate(jobs):.0f} seeds/s ({sweep_count} seeds in {elapsed:.2f} s wall{note})",
                     "-", "-"))
    all_cores = cores if cores in sweeps else max(sweeps)
    if in_process_rate:
        sweep_share = sweep_rate(all_cores) / (all_cores * in_process_rate)
        rows.append(("sweep share of in-process", "-",
                     f"{100 * sweep_share:.1f}% ({sweep_rate(all_cores):.0f} / ({all_cores} x "
                     f"{in_process_rate:.0f}) seeds/s)", ">= 70%", status(sweep_share >= 0.70)))
    if 1 in sweeps and 2 in sweeps:
        speedup = sweep_rate(2) / sweep_rate(1)
        rows.append(("2 jobs over 1", "-", f"{speedup:.2f}x", ">= 1.8x",
                     status(speedup >= 1.8) if cores >= 2 else "-"))
else:
    rows.append(("sweeps", "-", "n/a (no vsrsim binary)", "-", "-"))

header = ("metric", "events/s", "value", "target", "status")
widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
def line(r):
    return "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
print(line(header))
print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
for r in rows:
    print(line(r))
ctx = data.get("context", {})
print(f"\n{ctx.get('date', '')}, {ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz, "
      f"load average {', '.join(f'{x:.2f}' for x in ctx.get('load_avg', []))}")
for e in errors:
    print(f"benchmark error: {e}")
PY
