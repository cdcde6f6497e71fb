#pragma once
// The options of one run: everything that shapes a simulated cluster besides the seed's stream of
// delays and drops. faults/ draws them from the seed (swarm testing); the CLI may override some.
// All rates are integer ratios and all spans carry their unit in the name.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/mutants.h"
#include "sim/prng.h"

namespace vsrsim::sim {

struct NetworkOptions {
  std::uint64_t delay_min_us = 500;
  std::uint64_t delay_jitter_us = 1500;  // Uniform extra delay on every message.
  Ratio delay_tail{1, 20};               // Chance that a message also takes the long tail.
  std::uint64_t delay_tail_max_us = 30000;
  Ratio loss{0, 1};
  Ratio duplicate{0, 1};
  bool reorder = true;               // When false, every link delivers in send order.
  std::uint32_t link_capacity = 64;  // Messages in flight per directed link; more are dropped.
  // Remember the last few messages of each kind on each replica-to-replica link, so a replay fault
  // can deliver one of them again, long after it was sent. Remembering changes nothing else.
  bool replay_memory = false;
};

struct StorageOptions {
  std::uint64_t sync_latency_min_us = 100;
  std::uint64_t sync_latency_max_us = 2000;
};

// Faults beyond the network's own (issue: VSR under faults). Each is switched on or off per seed.
struct FaultOptions {
  Ratio partition{0, 1};  // Chance per tick that a partition starts (when none is active).
  std::uint32_t partition_ticks_max = 100;
  Ratio crash{0, 1};  // Chance per tick that a replica crashes (within the fault budget).
  std::uint32_t down_ticks_max = 100;
  Ratio torn_write{0, 1};  // Chance that a crash tears the last unsynced write it keeps.
  Ratio disconnect{0, 1};  // Chance per tick that a client's connections close.
  std::uint32_t disconnect_ticks_max = 30;
  // Chance that a client's connections close right after it retransmits, so the cached reply to the
  // retransmission meets a closed connection (the review's finding (b)).
  Ratio disconnect_after_retransmit{0, 1};
  Ratio clog{0, 1};  // Chance per tick that one link is clogged for a while.
  std::uint32_t clog_ticks_max = 40;
  std::uint32_t drift_ppm_max = 0;  // Replica timer drift, +/- parts per million.
  // Stale messages: the chance per tick that one remembered replica message is delivered again
  // (a packet stuck in a queue, a retransmission buffer replayed), and the chance that a restarted
  // replica receives a burst of remembered messages meant for it (its peers' queues, or old
  // connections, flushed as it comes back). Needs network.replay_memory.
  Ratio replay{0, 1};
  Ratio replay_after_restart{0, 1};
  // Chance per tick that a replica whose disk holds unsynced writes crashes before its sync
  // completes (within the crash budget; faults/crash_nemesis.h).
  Ratio crash_sync_window{0, 1};
  // Issue 17: chance per tick of a storage fault (a sector error, a corrupt read, a misdirected
  // write or a failed sync) on one of the replicas whose disks are faulty
  // (faults/storage_nemesis.h).
  Ratio storage{0, 1};
};

struct RunOptions {
  std::uint64_t seed = 0;
  core::MutantSet mutants;
  std::uint8_t replica_count = 3;
  std::uint8_t client_count = 4;
  std::uint32_t clients_max = 8;
  std::uint32_t requests_per_client = 20;
  Ratio reads{0, 1};  // The share of workload requests that are reads of the partition log.
  std::uint64_t tick_us = 10000;
  std::uint64_t ticks_max = 4000;           // The safety phase's budget.
  std::uint64_t liveness_ticks_max = 3000;  // The bound on convergence after healing.
  std::uint32_t view_change_timeout_ticks_min = 15;
  std::uint32_t view_change_timeout_ticks_max = 40;
  std::uint32_t client_retry_ticks_min = 4;
  std::uint32_t client_retry_ticks_max = 64;
  // Issue 16: a replica checkpoints once its commit is this many ops past its last checkpoint.
  std::uint32_t checkpoint_ops = 16;
  // Issue 16: the journal ring's slots; at least checkpoint_ops + core::kPipelineMax.
  std::uint32_t journal_slots = 64;
  NetworkOptions network;
  StorageOptions storage;
  FaultOptions faults;
  bool keep_trace = false;
  bool keep_history = false;  // Return the client history in the run's result (history.h).
  // Every SimStorage records the kind of each operation (issue 17: `vsrsim crashpoints` counts
  // them in a first run). Changes nothing a run does.
  bool record_storage_ops = false;
  // Only the outside-only checkers' findings count (checker.h, IsOutsideOnly); the white-box
  // checkers still run but their findings are ignored, so the run goes on. For the detection
  // matrix: what a client-side oracle alone catches.
  bool outside_only = false;
};

// Every option as (name, value) in a fixed order: printed first by a run and echoed in its JSON.
std::vector<std::pair<std::string, std::string>> DescribeOptions(const RunOptions& options);
// Sets the option DescribeOptions calls `name` from its text form, refusing a value outside the
// option's range (kOptionRanges). Returns "" or what is wrong, naming the value and the range.
std::string SetOption(RunOptions& options, const std::string& name, const std::string& value);

// The range of one numeric option, both ends included: the one table every source of options
// (CLI flags, seed files, scenario files) is checked against, and the README's table of ranges.
// The bounds keep every product of times and counts the simulator forms far from wrapping around
// (ticks_max x tick_us, a fault's ticks x tick_us, delay sums), and the counts within their field
// types (replicas within core::kReplicasMax, replicas plus clients within the network's 256
// processes). `at_least`, when set, names the option this one may not be below (a maximum's
// minimum). Ratios are N/D with 1 <= D and N <= D; booleans are true or false; mutants are names
// (`vsrsim mutants`) or none.
struct OptionRange {
  std::string_view name;
  std::uint64_t min = 0;
  std::uint64_t max = 0;
  std::string_view at_least = {};
};
std::span<const OptionRange> OptionRanges();
// The range of a numeric option, or nullopt for a ratio, boolean, mutant set or unknown name.
std::optional<OptionRange> RangeOf(std::string_view name);
// "1..6", or "view_change_timeout_ticks_min..10000" for an option with `at_least`.
std::string FormatRange(const OptionRange& range);

// What is wrong with a set of options: the option to blame and one line naming its value and range.
struct OptionProblem {
  std::string name;
  std::string message;
};
// Checks every numeric option against its range and every `at_least` relation.
std::optional<OptionProblem> ValidateOptions(const RunOptions& options);

}  // namespace vsrsim::sim
