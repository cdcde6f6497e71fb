#pragma once
// A fault as a value: what a nemesis does, at which tick. Swarm nemeses decide their faults from
// the seed and emit them as FaultEvents; a scenario lists them explicitly. Both apply them through
// FaultApplier, so a swarm run's recorded events replay to the same run.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/cluster.h"

namespace vsrsim::faults {

enum class FaultKind : std::uint8_t {
  kCrash,           // a: replica.
  kRestart,         // a: replica.
  kIsolate,         // a: replica; cut from every process for `ticks`.
  kIsolatePrimary,  // The current primary (resolved when applied), for `ticks`.
  kBlock,           // a -> b (processes) blocked one way for `ticks`.
  kClog,            // a -> b (replicas) delivers nothing for `ticks`, then everything.
  kDisconnect,      // a: client; its connections closed for `ticks`.
  kReplay,          // a -> b (replicas): deliver again the remembered `message` kind, `age` back.
  kCrashInSync,     // a: replica; it crashes right before its next sync completes (issue 14).
  // a: replica; it dies at its storage operation `storage_op` (crash `crash_mode`, see
  // sim/sim_storage.h) and restarts `ticks` ticks later (issue 17: `vsrsim crashpoints`).
  kCrashPoint,
  // Storage faults (issue 17, sim/sim_storage.h), a: replica. Slots are journal slots, taken
  // modulo the journal's size.
  kSectorError,        // Slots [slot, slot + slots) read back corrupt until written again.
  kCorruptRead,        // The next journal read returns `slot` corrupt.
  kMisdirect,          // The next entry write lands in `slot`.
  kSyncFail,           // The next sync fails.
  kCorruptCheckpoint,  // The next read of a checkpoint area returns it corrupt.
  // a: replica; it crashes right before the next sync that would make a checkpoint area write
  // durable (a checkpoint taken or a state sync installed): the commit point's window.
  kCrashInCheckpointSync,
  // a: replica; the next Prepare or RepairEntry delivered to it arrives with its entry's body
  // corrupted (a word flipped), its checksum unchanged (sim/cluster.h).
  kCorruptEntry,
};

// The most slots a sector error spans, and the highest slot an event may name.
inline constexpr std::uint64_t kSectorErrorSlotsMax = 1024;
inline constexpr std::uint64_t kSlotMax = 1'000'000;

// The longest a fault may last, in ticks (a scenario file's `for T`).
inline constexpr std::uint64_t kFaultTicksMax = 1'000'000;

struct FaultEvent {
  std::uint64_t tick = 0;
  FaultKind kind = FaultKind::kCrash;
  std::uint8_t a = 0;
  std::uint8_t b = 0;
  std::uint32_t ticks = 0;
  std::uint8_t message = 0;      // kReplay: the message kind (core::Message's variant index).
  std::uint8_t age = 0;          // kReplay: 0 is the latest message of that kind on the link.
  std::uint64_t storage_op = 0;  // kCrashPoint: the storage operation's index.
  sim::CrashMode crash_mode = sim::CrashMode::kBefore;  // kCrashPoint.
  std::uint32_t slot = 0;                               // kSectorError, kCorruptRead, kMisdirect.
  std::uint32_t slots = 0;                              // kSectorError.
  bool operator==(const FaultEvent&) const = default;
};

std::string FormatFaultEvent(const FaultEvent& event);
// Parses the text FormatFaultEvent writes ("at 12 crash r1", "at 40 block 0 2 for 10", ...).
std::optional<FaultEvent> ParseFaultEvent(const std::string& text, std::string& error);
// Whether the event's indices name processes of a cluster of that size (crash, restart and isolate
// a replica; block two processes, replicas first; clog two replicas; disconnect a client). Returns
// "" or what is out of range, with the range.
std::string CheckFaultEvent(const FaultEvent& event, std::size_t replica_count,
                            std::size_t client_count);

// Where a nemesis sends the faults it decides on (recorded, then applied).
using Emit = std::function<void(const FaultEvent&)>;

// Applies fault events to a cluster and keeps the partitions they started until they expire.
// Requires of a crash: the replica is up; of a restart: it is down (an event that does not apply is
// skipped, so a shrunk scenario stays playable).
class FaultApplier {
 public:
  void apply(sim::Cluster& cluster, const FaultEvent& event);
  // Expires partitions whose time is up; call once per tick.
  void on_tick(sim::Cluster& cluster);
  void clear() {
    blocks_.clear();
    crash_point_restarts_.clear();
  }

 private:
  struct Block {
    sim::Process from;
    sim::Process to;
    std::uint64_t until_tick;
  };
  // A crash point's replica, restarted `ticks` after the point fires.
  struct CrashPointRestart {
    std::size_t replica;
    std::uint64_t ticks;
  };
  std::vector<CrashPointRestart> crash_point_restarts_;
  void block(sim::Cluster& cluster, sim::Process from, sim::Process to, std::uint64_t until_tick);
  std::vector<Block> blocks_;
};

}  // namespace vsrsim::faults
