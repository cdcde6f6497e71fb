#include "faults/fault_event.h"

#include <fmt/format.h>

#include <array>
#include <sstream>
#include <variant>

namespace vsrsim::faults {

namespace {

constexpr std::array<const char*, 17> kNames = {"crash",
                                                "restart",
                                                "isolate",
                                                "isolate-primary",
                                                "block",
                                                "clog",
                                                "disconnect",
                                                "replay",
                                                "crash-in-sync",
                                                "crash-point",
                                                "sector-error",
                                                "corrupt-read",
                                                "misdirect",
                                                "sync-fail",
                                                "corrupt-checkpoint",
                                                "crash-in-checkpoint-sync",
                                                "corrupt-entry"};

bool ParseUnsigned(const std::string& text, std::uint64_t& value) {
  if (text.empty() || text.size() > 18) return false;
  value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

std::string FormatFaultEvent(const FaultEvent& e) {
  const char* name = kNames[static_cast<std::size_t>(e.kind)];
  switch (e.kind) {
    case FaultKind::kCrash:
    case FaultKind::kRestart:
    case FaultKind::kCrashInSync:
    case FaultKind::kCrashInCheckpointSync:
    case FaultKind::kSyncFail:
    case FaultKind::kCorruptCheckpoint:
    case FaultKind::kCorruptEntry:
      return fmt::format("at {} {} {}", e.tick, name, e.a);
    case FaultKind::kSectorError:
      return fmt::format("at {} {} {} {} {}", e.tick, name, e.a, e.slot, e.slots);
    case FaultKind::kCorruptRead:
    case FaultKind::kMisdirect:
      return fmt::format("at {} {} {} {}", e.tick, name, e.a, e.slot);
    case FaultKind::kIsolate:
    case FaultKind::kDisconnect:
      return fmt::format("at {} {} {} for {}", e.tick, name, e.a, e.ticks);
    case FaultKind::kIsolatePrimary:
      return fmt::format("at {} {} for {}", e.tick, name, e.ticks);
    case FaultKind::kBlock:
    case FaultKind::kClog:
      return fmt::format("at {} {} {} {} for {}", e.tick, name, e.a, e.b, e.ticks);
    case FaultKind::kReplay:
      return fmt::format("at {} {} {} {} {} {}", e.tick, name, e.a, e.b,
                         core::MessageKindName(e.message), e.age);
    case FaultKind::kCrashPoint:
      return fmt::format("at {} {} {} {} {} for {}", e.tick, name, e.a, e.storage_op,
                         sim::CrashModeName(e.crash_mode), e.ticks);
  }
  return "";
}

std::optional<FaultEvent> ParseFaultEvent(const std::string& text, std::string& error) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  const std::string usage =
      "expected `at TICK crash|restart|crash-in-sync R`, `at TICK isolate R for T`, `at TICK "
      "isolate-primary for "
      "T`, `at TICK block|clog A B for T`, `at TICK disconnect C for T`, `at TICK replay A B "
      "KIND AGE`, `at TICK crash-point R OP before|after|torn for T`, `at TICK sector-error R "
      "SLOT COUNT`, `at TICK corrupt-read|misdirect R SLOT` or `at TICK "
      "sync-fail|corrupt-checkpoint|corrupt-entry R`";
  if (words.size() < 3 || words[0] != "at") {
    error = usage;
    return std::nullopt;
  }
  FaultEvent event;
  std::size_t kind = kNames.size();
  for (std::size_t i = 0; i < kNames.size(); i++) {
    if (words[2] == kNames[i]) kind = i;
  }
  if (!ParseUnsigned(words[1], event.tick) || kind == kNames.size()) {
    error = usage;
    return std::nullopt;
  }
  event.kind = static_cast<FaultKind>(kind);
  if (event.kind == FaultKind::kReplay) {
    // at TICK replay FROM TO KIND AGE: KIND is a message name (start_view, prepare_ok, ...).
    std::uint64_t from = 0;
    std::uint64_t to = 0;
    std::uint64_t age = 0;
    const std::size_t message =
        words.size() == 7 ? core::MessageKindByName(words[5]) : std::variant_size_v<core::Message>;
    if (words.size() != 7 || !ParseUnsigned(words[3], from) || !ParseUnsigned(words[4], to) ||
        message == std::variant_size_v<core::Message> || !ParseUnsigned(words[6], age) ||
        from > 255 || to > 255 || age >= sim::Network::kReplayAgeMax) {
      error = fmt::format(
          "expected `at TICK replay FROM TO KIND AGE` (replicas FROM and TO, KIND a message name "
          "such as start_view, AGE 0..{}); {}",
          sim::Network::kReplayAgeMax - 1, usage);
      return std::nullopt;
    }
    event.a = static_cast<std::uint8_t>(from);
    event.b = static_cast<std::uint8_t>(to);
    event.message = static_cast<std::uint8_t>(message);
    event.age = static_cast<std::uint8_t>(age);
    return event;
  }
  if (event.kind == FaultKind::kCrashPoint) {
    // at TICK crash-point R OP MODE for T: replica R dies at its storage operation OP and restarts
    // T ticks later.
    std::uint64_t replica = 0;
    std::uint64_t ticks = 0;
    std::size_t mode = sim::kCrashModeCount;
    for (std::size_t m = 0; words.size() == 8 && m < sim::kCrashModeCount; m++) {
      if (words[5] == sim::CrashModeName(static_cast<sim::CrashMode>(m))) mode = m;
    }
    if (words.size() != 8 || !ParseUnsigned(words[3], replica) ||
        !ParseUnsigned(words[4], event.storage_op) || mode == sim::kCrashModeCount ||
        words[6] != "for" || !ParseUnsigned(words[7], ticks) || replica > 255 || ticks < 1 ||
        ticks > kFaultTicksMax) {
      error = fmt::format(
          "expected `at TICK crash-point R OP MODE for T` (replica R, OP a storage operation's "
          "index, MODE before, after or torn, T 1..{} ticks down); {}",
          kFaultTicksMax, usage);
      return std::nullopt;
    }
    event.a = static_cast<std::uint8_t>(replica);
    event.crash_mode = static_cast<sim::CrashMode>(mode);
    event.ticks = static_cast<std::uint32_t>(ticks);
    return event;
  }
  if (event.kind == FaultKind::kSectorError || event.kind == FaultKind::kCorruptRead ||
      event.kind == FaultKind::kMisdirect) {
    // at TICK sector-error R SLOT COUNT, at TICK corrupt-read|misdirect R SLOT.
    const bool zone = event.kind == FaultKind::kSectorError;
    std::uint64_t replica = 0;
    std::uint64_t slot = 0;
    std::uint64_t count = 1;
    if (words.size() != (zone ? 6U : 5U) || !ParseUnsigned(words[3], replica) ||
        !ParseUnsigned(words[4], slot) || (zone && !ParseUnsigned(words[5], count)) ||
        replica > 255 || slot > kSlotMax || count < 1 || count > kSectorErrorSlotsMax) {
      error = fmt::format(
          "expected `at TICK {} R SLOT{}` (replica R, SLOT 0..{} a journal slot, taken modulo the "
          "journal's size{}); {}",
          words[2], zone ? " COUNT" : "", kSlotMax,
          zone ? fmt::format(", COUNT 1..{} slots", kSectorErrorSlotsMax) : "", usage);
      return std::nullopt;
    }
    event.a = static_cast<std::uint8_t>(replica);
    event.slot = static_cast<std::uint32_t>(slot);
    if (zone) event.slots = static_cast<std::uint32_t>(count);
    return event;
  }
  std::vector<std::uint64_t> numbers;
  bool has_for = false;
  for (std::size_t i = 3; i < words.size(); i++) {
    if (words[i] == "for" && !has_for) {
      has_for = true;
      continue;
    }
    std::uint64_t value = 0;
    if (!ParseUnsigned(words[i], value)) {
      error = fmt::format("'{}' is not a number; {}", words[i], usage);
      return std::nullopt;
    }
    numbers.push_back(value);
  }
  const auto expect = [&](std::size_t operands, bool duration) -> bool {
    if (numbers.size() != operands + (duration ? 1 : 0) || has_for != duration) {
      error = usage;
      return false;
    }
    // Indices are checked against the cluster later (CheckFaultEvent); here only against what
    // the fields hold, so nothing wraps.
    for (std::size_t i = 0; i < operands; i++) {
      if (numbers[i] > 255) {
        error = fmt::format("index {} is out of range 0..255", numbers[i]);
        return false;
      }
    }
    if (duration && (numbers.back() < 1 || numbers.back() > kFaultTicksMax)) {
      error = fmt::format("duration {} is out of range 1..{}", numbers.back(), kFaultTicksMax);
      return false;
    }
    if (operands > 0) event.a = static_cast<std::uint8_t>(numbers[0]);
    if (operands > 1) event.b = static_cast<std::uint8_t>(numbers[1]);
    if (duration) event.ticks = static_cast<std::uint32_t>(numbers.back());
    return true;
  };
  bool ok = false;
  switch (event.kind) {
    case FaultKind::kCrash:
    case FaultKind::kRestart:
    case FaultKind::kCrashInSync:
    case FaultKind::kCrashInCheckpointSync:
    case FaultKind::kSyncFail:
    case FaultKind::kCorruptCheckpoint:
    case FaultKind::kCorruptEntry:
      ok = expect(1, false);
      break;
    case FaultKind::kIsolate:
    case FaultKind::kDisconnect:
      ok = expect(1, true);
      break;
    case FaultKind::kIsolatePrimary:
      ok = expect(0, true);
      break;
    case FaultKind::kBlock:
    case FaultKind::kClog:
      ok = expect(2, true);
      break;
    case FaultKind::kReplay:  // Parsed above.
    case FaultKind::kCrashPoint:
    case FaultKind::kSectorError:
    case FaultKind::kCorruptRead:
    case FaultKind::kMisdirect:
      break;
  }
  if (!ok) return std::nullopt;
  return event;
}

std::string CheckFaultEvent(const FaultEvent& event, std::size_t replica_count,
                            std::size_t client_count) {
  const std::size_t processes = replica_count + client_count;
  const auto within = [](std::size_t index, std::size_t count, const char* what) -> std::string {
    if (index < count) return "";
    return fmt::format("{} {} is out of range 0..{}", what, index, count - 1);
  };
  switch (event.kind) {
    case FaultKind::kCrash:
    case FaultKind::kRestart:
    case FaultKind::kCrashInSync:
    case FaultKind::kCrashInCheckpointSync:
    case FaultKind::kCrashPoint:
    case FaultKind::kIsolate:
    case FaultKind::kSectorError:
    case FaultKind::kCorruptRead:
    case FaultKind::kMisdirect:
    case FaultKind::kSyncFail:
    case FaultKind::kCorruptCheckpoint:
    case FaultKind::kCorruptEntry:
      return within(event.a, replica_count, "replica");
    case FaultKind::kIsolatePrimary:
      return "";
    case FaultKind::kBlock:
      if (std::string problem = within(event.a, processes, "process"); !problem.empty()) {
        return problem;
      }
      return within(event.b, processes, "process");
    case FaultKind::kClog:
    case FaultKind::kReplay:
      if (std::string problem = within(event.a, replica_count, "replica"); !problem.empty()) {
        return problem;
      }
      if (event.kind == FaultKind::kReplay && event.a == event.b) {
        return fmt::format("replica {} cannot replay a message to itself", event.a);
      }
      return within(event.b, replica_count, "replica");
    case FaultKind::kDisconnect:
      return within(event.a, client_count, "client");
  }
  return "";
}

void FaultApplier::block(sim::Cluster& cluster, sim::Process from, sim::Process to,
                         std::uint64_t until_tick) {
  if (from == to) return;
  cluster.set_blocked(from, to, true);
  blocks_.push_back({from, to, until_tick});
}

void FaultApplier::apply(sim::Cluster& cluster, const FaultEvent& event) {
  const std::size_t replicas = cluster.replica_count();
  const std::size_t processes = replicas + cluster.client_count();
  const std::uint64_t until = cluster.ticks() + event.ticks;
  const auto isolate = [&](std::size_t replica) {
    cluster.record_fault(sim::kIsolateFault, static_cast<sim::Process>(replica), 0, event.ticks);
    for (std::size_t p = 0; p < processes; p++) {
      block(cluster, static_cast<sim::Process>(replica), static_cast<sim::Process>(p), until);
      block(cluster, static_cast<sim::Process>(p), static_cast<sim::Process>(replica), until);
    }
    cluster.note_partition();
  };
  switch (event.kind) {
    case FaultKind::kCrash:
      if (event.a < replicas && cluster.replica(event.a) != nullptr) cluster.crash(event.a);
      return;
    case FaultKind::kRestart:
      if (event.a < replicas && cluster.replica(event.a) == nullptr) cluster.restart(event.a);
      return;
    case FaultKind::kCrashInSync:
      if (event.a < replicas && cluster.replica(event.a) != nullptr) {
        cluster.record_fault(sim::kCrashInSyncFault, event.a, 0, 0);
        cluster.crash_before_sync(event.a);
      }
      return;
    case FaultKind::kCrashInCheckpointSync:
      if (event.a < replicas && cluster.replica(event.a) != nullptr) {
        cluster.record_fault(sim::kCrashInSyncFault, event.a, 0, 1);
        cluster.crash_before_sync(event.a, sim::SyncWindow::kCheckpoint);
      }
      return;
    case FaultKind::kIsolate:
      if (event.a < replicas) isolate(event.a);
      return;
    case FaultKind::kIsolatePrimary:
      if (const auto primary = cluster.current_primary()) isolate(*primary);
      return;
    case FaultKind::kBlock:
      if (event.a < processes && event.b < processes) {
        cluster.record_fault(sim::kBlockFault, event.a, event.b, event.ticks);
        block(cluster, event.a, event.b, until);
        cluster.note_partition();
      }
      return;
    case FaultKind::kClog:
      if (event.a < replicas && event.b < replicas && event.a != event.b) {
        cluster.record_fault(sim::kClogFault, event.a, event.b, event.ticks);
        cluster.clog(event.a, event.b,
                     sim::Duration::Microseconds(cluster.options().tick_us * event.ticks));
      }
      return;
    case FaultKind::kDisconnect:
      if (event.a < cluster.client_count()) {
        cluster.disconnect_client(
            event.a, sim::Duration::Microseconds(cluster.options().tick_us * event.ticks));
      }
      return;
    case FaultKind::kReplay:
      cluster.replay(event.a, event.b, event.message, event.age);
      return;
    case FaultKind::kCrashPoint:
      if (event.a < replicas) {
        cluster.arm_crash_point(event.a, {.op = event.storage_op, .mode = event.crash_mode});
        crash_point_restarts_.push_back({event.a, event.ticks});
      }
      return;
    case FaultKind::kSectorError:
      if (event.a < replicas) cluster.sector_error(event.a, event.slot, event.slots);
      return;
    case FaultKind::kCorruptRead:
      if (event.a < replicas) cluster.corrupt_next_read(event.a, event.slot);
      return;
    case FaultKind::kMisdirect:
      if (event.a < replicas) cluster.misdirect_next_write(event.a, event.slot);
      return;
    case FaultKind::kSyncFail:
      // Only a replica that is up syncs.
      if (event.a < replicas && cluster.replica(event.a) != nullptr)
        cluster.fail_next_sync(event.a);
      return;
    case FaultKind::kCorruptCheckpoint:
      if (event.a < replicas) cluster.corrupt_next_checkpoint_read(event.a);
      return;
    case FaultKind::kCorruptEntry:
      if (event.a < replicas) cluster.corrupt_next_entry(event.a);
      return;
  }
}

void FaultApplier::on_tick(sim::Cluster& cluster) {
  // A replica that died at its crash point comes back `ticks` later (if it is still down).
  std::erase_if(crash_point_restarts_, [&](const CrashPointRestart& restart) {
    const std::optional<std::uint64_t> fired = cluster.crash_point_tick(restart.replica);
    if (!fired || cluster.ticks() < *fired + restart.ticks) return false;
    if (cluster.replica(restart.replica) == nullptr) cluster.restart(restart.replica);
    return true;
  });
  bool expired = false;
  for (const Block& b : blocks_) expired = expired || b.until_tick <= cluster.ticks();
  if (!expired) return;
  // Unblock what expired, then block again what is still active (blocks may overlap).
  std::vector<Block> active;
  for (const Block& b : blocks_) {
    if (b.until_tick <= cluster.ticks()) {
      cluster.set_blocked(b.from, b.to, false);
    } else {
      active.push_back(b);
    }
  }
  for (const Block& b : active) cluster.set_blocked(b.from, b.to, true);
  blocks_ = std::move(active);
}

}  // namespace vsrsim::faults
