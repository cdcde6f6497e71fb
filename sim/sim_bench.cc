// Benchmarks of the simulator (DESIGN.md, Performance). Run them with scripts/bench.sh, which
// builds the release preset and prints one table with the targets:
//   bare event loop (PRNG + event queue + trace hash)   >= 20 M events/s
//   full simulation (fault-free)                        >= 3 M events/s and >= 15% of the bare loop
//   heap allocations per delivered message (steady)     == 0
//   default seed, median                                < 20 ms
//   trace hashing share of run time                     < 5%
// BM_InProcessSeeds/N plays swarm seeds 1..N one after another in this process, the in-process
// rate a sweep of the same range is measured against (bench.sh passes --in_process_seeds=N).
// Every benchmark reports an `events/s` rate. The binary replaces the global operator new/delete
// with a counting one (counting only while a flag is set), so allocations are measured in the same
// build that is timed. Single-threaded: no benchmark here uses ->Threads(). Times and rates are
// per CPU second of the benchmark's thread (Google Benchmark's default timer), so a busy machine
// slows them less than wall time would; bench.sh's sweep figure is wall time.

#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "faults/swarm.h"
#include "faults/swarm_nemesis.h"
#include "sim/cluster.h"
#include "sim/event_queue.h"
#include "sim/options.h"
#include "sim/prng.h"
#include "sim/process_heap.h"
#include "sim/runner.h"
#include "sim/time.h"
#include "sim/trace.h"

// ---------------------------------------------------------------------------------------------
// Counting allocator. Counts calls of every replaceable operator new while `g_counting` is set.
// (Direct malloc calls, e.g. XXH3_createState, are not counted; none happen per message.)
// ---------------------------------------------------------------------------------------------

namespace {

std::atomic<bool> g_counting{false};
std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_allocated_bytes{0};

void Count(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    g_allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  }
}

void* Allocate(std::size_t size) noexcept {
  Count(size);
  return std::malloc(size == 0 ? 1 : size);
}

void* AllocateAligned(std::size_t size, std::align_val_t alignment) noexcept {
  Count(size);
  const auto align = static_cast<std::size_t>(alignment);
  // aligned_alloc wants a size that is a multiple of the alignment.
  const std::size_t rounded = (std::max<std::size_t>(size, 1) + align - 1) / align * align;
  return std::aligned_alloc(align, rounded);
}

void* AllocateOrThrow(std::size_t size) {
  void* pointer = Allocate(size);
  if (pointer == nullptr) throw std::bad_alloc();
  return pointer;
}

void* AllocateAlignedOrThrow(std::size_t size, std::align_val_t alignment) {
  void* pointer = AllocateAligned(size, alignment);
  if (pointer == nullptr) throw std::bad_alloc();
  return pointer;
}

// Counts the allocations made while it lives.
class AllocationCounter {
 public:
  AllocationCounter()
      : allocations_(g_allocations.load(std::memory_order_relaxed)),
        bytes_(g_allocated_bytes.load(std::memory_order_relaxed)) {
    g_counting.store(true, std::memory_order_relaxed);
  }
  ~AllocationCounter() { g_counting.store(false, std::memory_order_relaxed); }
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  std::uint64_t allocations() const {
    return g_allocations.load(std::memory_order_relaxed) - allocations_;
  }
  std::uint64_t bytes() const { return g_allocated_bytes.load(std::memory_order_relaxed) - bytes_; }

 private:
  std::uint64_t allocations_;
  std::uint64_t bytes_;
};

}  // namespace

void* operator new(std::size_t size) { return AllocateOrThrow(size); }
void* operator new[](std::size_t size) { return AllocateOrThrow(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return Allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return Allocate(size); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  return AllocateAlignedOrThrow(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return AllocateAlignedOrThrow(size, alignment);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return AllocateAligned(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return AllocateAligned(size, alignment);
}
void operator delete(void* pointer) noexcept { std::free(pointer); }
void operator delete[](void* pointer) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete(void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
void operator delete[](void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::align_val_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::align_val_t) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t, std::align_val_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::size_t, std::align_val_t) noexcept {
  std::free(pointer);
}
void operator delete(void* pointer, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(pointer);
}
void operator delete[](void* pointer, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(pointer);
}

namespace vsrsim::sim {
namespace {

// CPU time of this thread: like Google Benchmark's default timer, it does not count the time the
// thread waits for a core on a shared machine.
double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

constexpr std::uint64_t kBareSeed = 0x5eed;
constexpr std::uint64_t kFaultFreeSeed = 7;
// Long enough that cluster start-up and the liveness phase are a small share of the run.
constexpr std::uint32_t kFaultFreeRequestsPerClient = 5000;
// BM_DefaultSeed plays swarm seeds 1..kDefaultSeeds.
constexpr std::int64_t kDefaultSeeds = 40;

// The fault-free scenario: the network profile of a fixed seed (its delays, jitter, long tail and
// link capacity; no crash, partition or client fault), with 3 replicas, 4 clients (within
// clients_max, so no evictions), no loss, no duplication, FIFO links, and a workload long enough to
// reach a steady state (about 241 k events).
RunOptions FaultFreeOptions() {
  RunOptions options = faults::DrawOptions(kFaultFreeSeed, faults::Profile::kNetwork);
  options.replica_count = 3;
  options.client_count = 4;
  options.clients_max = 8;
  options.network.loss = Ratio{0, 1};
  options.network.duplicate = Ratio{0, 1};
  // FIFO links: with reordering, a backup drops an out-of-order prepare and repairs one op per
  // round trip, so over this long workload one backup ends about 23% of the ops behind (4.6 k of
  // 20 k) and the liveness phase (3000 ticks) cannot catch it up: the run would fail.
  options.network.reorder = false;
  options.faults = FaultOptions{};
  options.requests_per_client = kFaultFreeRequestsPerClient;
  options.ticks_max = 100'000'000;
  return options;
}

// The fault-heavy scenario: the full swarm options of the first seed whose draw switches on loss,
// duplication, crashes and partitions, with at least 3 replicas (so a crash leaves a quorum).
std::uint64_t FaultHeavySeed() {
  static const std::uint64_t seed = [] {
    for (std::uint64_t candidate = 1;; candidate++) {
      const RunOptions options = faults::DrawOptions(candidate, faults::Profile::kFull);
      if (options.replica_count >= 3 && options.network.loss.numerator > 0 &&
          options.network.duplicate.numerator > 0 && options.faults.crash.numerator > 0 &&
          options.faults.partition.numerator > 0) {
        return candidate;
      }
    }
  }();
  return seed;
}

// A fixed record, varied per call the way a delivery record varies (sim/trace.h: a the kind, b
// the instant sent, c..h the message's fields).
TraceRecord TypicalRecord(std::uint64_t i) {
  return TraceRecord{.time_us = 1000 + i * 37,
                     .kind = TraceKind::kDeliver,
                     .from = static_cast<std::uint8_t>(i % 3),
                     .to = static_cast<std::uint8_t>((i + 1) % 7),
                     .a = i % 9,
                     .b = 900 + i * 37,
                     .c = 1,
                     .d = i / 5,
                     .e = i / 7,
                     .f = i % 3,
                     .g = 0,
                     .h = 0};
}

void SetRate(benchmark::State& state, const char* name, double count) {
  state.counters[name] = benchmark::Counter(count, benchmark::Counter::kIsRate);
}

// ---------------------------------------------------------------------------------------------
// BM_BareEventLoop: the loop's fixed cost with no handlers. Each event pops the earliest of
// kInFlight pending events, hashes one trace record, and pushes a successor at a delay drawn the
// way the network draws one (minimum + jitter + occasional long tail).
// ---------------------------------------------------------------------------------------------

struct BarePayload {
  std::uint8_t kind;
  std::uint8_t process;
  std::uint32_t value;
};

void BM_BareEventLoop(benchmark::State& state) {
  constexpr std::size_t kInFlight = 64;
  const NetworkOptions network;
  Prng prng(kBareSeed);
  EventQueue<BarePayload> queue;
  queue.reserve(4096);
  Trace trace(false);
  Instant now;
  const auto delay = [&] {
    std::uint64_t us = network.delay_min_us + prng.Between(0, network.delay_jitter_us);
    if (prng.Chance(network.delay_tail)) us += prng.Between(0, network.delay_tail_max_us);
    return Duration::Microseconds(us);
  };
  for (std::size_t i = 0; i < kInFlight; i++) {
    queue.push(now + delay(), {0, static_cast<std::uint8_t>(i % 7), static_cast<std::uint32_t>(i)});
  }
  for (auto _ : state) {
    const auto event = queue.pop();
    now = event.instant;
    trace.record({.time_us = now.microseconds(),
                  .kind = TraceKind::kDeliver,
                  .from = event.payload.process,
                  .to = static_cast<std::uint8_t>(event.payload.value % 7),
                  .a = event.payload.kind,
                  .b = now.microseconds(),
                  .c = event.sequence,
                  .d = event.payload.value,
                  .e = 0,
                  .f = 0,
                  .g = 0,
                  .h = 0});
    queue.push(now + delay(), event.payload);
  }
  benchmark::DoNotOptimize(trace.fingerprint());
  SetRate(state, "events/s", static_cast<double>(state.iterations()));
}
BENCHMARK(BM_BareEventLoop);

// ---------------------------------------------------------------------------------------------
// BM_SimulationFaultFree: whole runs (sim::Run, no nemesis) of the fault-free scenario.
// ---------------------------------------------------------------------------------------------

void BM_SimulationFaultFree(benchmark::State& state) {
  const RunOptions options = FaultFreeOptions();
  std::uint64_t events = 0;
  std::uint64_t simulated_us = 0;
  std::uint64_t requests = 0;
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    const AllocationCounter counter;
    const RunResult result = Run(options, nullptr);
    allocations += counter.allocations();
    if (result.outcome != Outcome::kPass) {
      state.SkipWithError(("the fault-free scenario did not pass: " + result.message).c_str());
      return;
    }
    events += result.events;
    simulated_us += result.ticks * options.tick_us;
    requests += result.requests_committed;
  }
  SetRate(state, "events/s", static_cast<double>(events));
  SetRate(state, "sim_s/s", static_cast<double>(simulated_us) / 1e6);
  SetRate(state, "requests/s", static_cast<double>(requests));
  state.counters["events/run"] =
      static_cast<double>(events) / static_cast<double>(state.iterations());
  // Whole runs: start-up, growth of the logs and histories, teardown.
  state.counters["allocs/event"] = static_cast<double>(allocations) / static_cast<double>(events);
}
BENCHMARK(BM_SimulationFaultFree)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------------
// BM_SimulationFaultHeavy: whole swarm runs (full profile, SwarmNemesis) of a seed with loss,
// duplication, crashes and partitions on.
// ---------------------------------------------------------------------------------------------

void BM_SimulationFaultHeavy(benchmark::State& state) {
  const std::uint64_t seed = FaultHeavySeed();
  const RunOptions options = faults::DrawOptions(seed, faults::Profile::kFull);
  std::uint64_t events = 0;
  std::uint64_t simulated_us = 0;
  Coverage coverage;
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    const AllocationCounter counter;
    faults::SwarmNemesis nemesis;
    const RunResult result = Run(options, &nemesis);
    allocations += counter.allocations();
    if (result.outcome != Outcome::kPass) {
      state.SkipWithError(("the fault-heavy seed did not pass: " + result.message).c_str());
      return;
    }
    events += result.events;
    simulated_us += result.ticks * options.tick_us;
    coverage = result.coverage;
  }
  SetRate(state, "events/s", static_cast<double>(events));
  SetRate(state, "sim_s/s", static_cast<double>(simulated_us) / 1e6);
  state.counters["seed"] = static_cast<double>(seed);
  state.counters["events/run"] =
      static_cast<double>(events) / static_cast<double>(state.iterations());
  state.counters["crashes"] = static_cast<double>(coverage.crashes);
  state.counters["partitions"] = static_cast<double>(coverage.partitions);
  state.counters["dropped"] = static_cast<double>(coverage.messages_dropped);
  state.counters["duplicated"] = static_cast<double>(coverage.messages_duplicated);
  state.counters["allocs/event"] = static_cast<double>(allocations) / static_cast<double>(events);
}
BENCHMARK(BM_SimulationFaultHeavy)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------------
// BM_DefaultSeed/<seed>: one swarm seed as `vsrsim run --seed <seed>` plays it (full profile,
// SwarmNemesis), in process. The time per iteration is the seed's time; bench.sh takes the median.
// ---------------------------------------------------------------------------------------------

void BM_DefaultSeed(benchmark::State& state) {
  const auto seed = static_cast<std::uint64_t>(state.range(0));
  const RunOptions options = faults::DrawOptions(seed, faults::Profile::kFull);
  std::uint64_t events = 0;
  Outcome outcome = Outcome::kPass;
  for (auto _ : state) {
    faults::SwarmNemesis nemesis;
    const RunResult result = Run(options, &nemesis);
    events += result.events;
    outcome = result.outcome;
  }
  SetRate(state, "events/s", static_cast<double>(events));
  state.counters["events/run"] =
      static_cast<double>(events) / static_cast<double>(state.iterations());
  state.counters["pass"] = outcome == Outcome::kPass ? 1 : 0;
}
BENCHMARK(BM_DefaultSeed)
    ->DenseRange(1, kDefaultSeeds)
    ->Unit(benchmark::kMillisecond)

    ->MinTime(0.05);

// ---------------------------------------------------------------------------------------------
// BM_AllocationsPerDelivery: heap allocations per delivered message in the fault-free steady state.
// The cluster warms up for kWarmupEvents (sessions registered, queue, pool and logs grown), then
// the allocations of the next kWindowEvents are counted. A twin cluster that keeps its records
// (deterministic: the same run) counts the deliveries in that window; the fingerprints must agree.
// ---------------------------------------------------------------------------------------------

constexpr std::uint64_t kWarmupEvents = 100'000;
constexpr std::uint64_t kWindowEvents = 400'000;

// The fault-free scenario with a workload that outlasts the warm-up and the window (about 12 events
// per request).
RunOptions SteadyStateOptions(bool keep_trace) {
  RunOptions options = FaultFreeOptions();
  options.requests_per_client = 40'000;
  options.keep_trace = keep_trace;
  return options;
}

void BM_AllocationsPerDelivery(benchmark::State& state) {
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;
  std::uint64_t deliveries = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Cluster twin(SteadyStateOptions(true));
    for (std::uint64_t i = 0; i < kWarmupEvents; i++) twin.step();
    const std::uint64_t window_first_record = twin.trace().records();
    for (std::uint64_t i = 0; i < kWindowEvents; i++) twin.step();
    const auto& kept = twin.trace().kept();
    const std::uint64_t window_deliveries = static_cast<std::uint64_t>(std::count_if(
        kept.begin() + static_cast<std::ptrdiff_t>(window_first_record), kept.end(),
        [](const TraceRecord& record) { return record.kind == TraceKind::kDeliver; }));
    if (twin.clients_done()) {
      state.SkipWithError("the workload ended inside the window: raise requests_per_client");
      return;
    }
    Cluster cluster(SteadyStateOptions(false));
    for (std::uint64_t i = 0; i < kWarmupEvents; i++) cluster.step();
    state.ResumeTiming();
    {
      const AllocationCounter counter;
      for (std::uint64_t i = 0; i < kWindowEvents; i++) cluster.step();
      allocations += counter.allocations();
      bytes += counter.bytes();
    }
    if (cluster.trace().fingerprint() != twin.trace().fingerprint()) {
      state.SkipWithError("the twin cluster diverged: keep_trace changed the run");
      return;
    }
    deliveries += window_deliveries;
    events += kWindowEvents;
  }
  SetRate(state, "events/s", static_cast<double>(events));
  state.counters["allocs/delivery"] = static_cast<double>(allocations) /
                                      static_cast<double>(std::max<std::uint64_t>(deliveries, 1));
  state.counters["bytes/delivery"] =
      static_cast<double>(bytes) / static_cast<double>(std::max<std::uint64_t>(deliveries, 1));
  state.counters["allocs/event"] =
      static_cast<double>(allocations) / static_cast<double>(std::max<std::uint64_t>(events, 1));
  state.counters["deliveries"] = static_cast<double>(deliveries);
}
BENCHMARK(BM_AllocationsPerDelivery)->Unit(benchmark::kMillisecond)->Iterations(1);

// ---------------------------------------------------------------------------------------------
// BM_TraceHashingShare: the share of a fault-free run's time spent hashing its trace. Each
// iteration plays the fault-free scenario's safety phase on a Cluster (until the workload is done;
// this is the iteration's time, so events/s is the stepping rate), then times as many
// Trace::record calls (typical records, a fresh Trace) as that run recorded.
// share = hashing time / run time. The standalone loop is cache-warm, so it is a lower bound; the
// profile (perf / callgrind, Trace::record inclusive) cross-checks it.
// ---------------------------------------------------------------------------------------------

void BM_TraceHashingShare(benchmark::State& state) {
  double run_seconds = 0;
  double hash_seconds = 0;
  std::uint64_t events = 0;
  std::uint64_t records = 0;
  for (auto _ : state) {
    const RunOptions options = FaultFreeOptions();
    const double run_start = ThreadCpuSeconds();
    Cluster cluster(options);
    while (!cluster.clients_done() && cluster.step()) {
    }
    const double run = ThreadCpuSeconds() - run_start;
    state.SetIterationTime(run);
    run_seconds += run;
    events += cluster.events();
    const std::uint64_t run_records = cluster.trace().records();
    records += run_records;

    const double hash_start = ThreadCpuSeconds();
    Trace trace(false);
    for (std::uint64_t i = 0; i < run_records; i++) trace.record(TypicalRecord(i));
    benchmark::DoNotOptimize(trace.fingerprint());
    hash_seconds += ThreadCpuSeconds() - hash_start;
  }
  SetRate(state, "events/s", static_cast<double>(events));
  state.counters["hash_share"] = hash_seconds / run_seconds;
  state.counters["records/event"] = static_cast<double>(records) / static_cast<double>(events);
  state.counters["records/s"] = static_cast<double>(records) / hash_seconds;
  state.counters["ns/record"] = hash_seconds * 1e9 / static_cast<double>(records);
}
BENCHMARK(BM_TraceHashingShare)->Unit(benchmark::kMillisecond)->UseManualTime();

// ---------------------------------------------------------------------------------------------
// BM_InProcessSeeds/N: swarm seeds 1..N (full profile, SwarmNemesis: what `vsrsim sweep --count N`
// plays), one after another in this process. seeds/s is N per CPU second: a mean over the range.
// ---------------------------------------------------------------------------------------------

void BM_InProcessSeeds(benchmark::State& state) {
  const auto seeds = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t events = 0;
  std::uint64_t failed = 0;
  for (auto _ : state) {
    for (std::uint64_t seed = 1; seed <= seeds; seed++) {
      faults::SwarmNemesis nemesis;
      const RunResult result = Run(faults::DrawOptions(seed, faults::Profile::kFull), &nemesis);
      events += result.events;
      failed += result.outcome == Outcome::kPass ? 0 : 1;
    }
  }
  SetRate(state, "events/s", static_cast<double>(events));
  SetRate(state, "seeds/s", static_cast<double>(seeds * state.iterations()));
  state.counters["failed"] = static_cast<double>(failed);
}

}  // namespace
}  // namespace vsrsim::sim

// Google Benchmark's main, plus one flag of ours: --in_process_seeds=N (default 2000) sets the
// range of BM_InProcessSeeds.
int main(int argc, char** argv) {
  // As the CLI does: runs in one process reuse the heap of the runs before (sim/process_heap.h).
  vsrsim::sim::RetainFreedHeap();
  constexpr std::string_view kFlag = "--in_process_seeds=";
  std::int64_t seeds = 2000;
  int kept = 1;
  for (int i = 1; i < argc; i++) {
    if (std::strncmp(argv[i], kFlag.data(), kFlag.size()) == 0) {
      seeds = std::max<std::int64_t>(1, std::atoll(argv[i] + kFlag.size()));
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::RegisterBenchmark("BM_InProcessSeeds", vsrsim::sim::BM_InProcessSeeds)
      ->Arg(seeds)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
