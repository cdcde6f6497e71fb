#include "sim/durability.h"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "core/checkpoint.h"

namespace vsrsim::sim {

namespace {

constexpr const char* kChecker = "durability";

}  // namespace

Finding DurabilityChecker::check_log(std::size_t replica, const char* what, core::View view,
                                     const LogSuffix& log) const {
  const Claim& c = replicas_[replica];
  if (!c.active || view > c.view) return std::nullopt;
  if (view < c.view) {
    return Violation{Outcome::kSafety, kChecker,
                     fmt::format("replica {} sent a {} for its log of view {} after its {} of view "
                                 "{} (op {}): it answers for an older view than it spoke in",
                                 replica, what, view, c.what, c.view, c.op)};
  }
  // An op at or below the log's checkpoint is held by the checkpoint (executed, so committed):
  // only its checksum at the checkpoint op itself is on the wire.
  const core::Op last = log.base + log.entries->size();
  const bool missing = last < c.op;
  const bool changed =
      !missing &&
      ((c.op > log.base && (*log.entries)[c.op - log.base - 1].checksum != c.checksum) ||
       (c.op == log.base && c.op > 0 && log.base_checksum != c.checksum));
  if (missing || changed) {
    return Violation{
        Outcome::kSafety, kChecker,
        fmt::format("replica {} sent a {} of view {} whose log {} op {} (checksum {:016x}), "
                    "which its {} of view {} acknowledged: it answers for its view with less than "
                    "it acknowledged in it (log ends at op {})",
                    replica, what, view, missing ? "no longer holds" : "changed", c.op, c.checksum,
                    c.what, c.view, last)};
  }
  return std::nullopt;
}

void DurabilityChecker::claim(std::size_t replica, const char* what, core::View view, core::Op op,
                              std::uint64_t checksum) {
  Claim& c = replicas_[replica];
  if (view < c.view_handed) return;
  if (c.active && (view < c.view || (view == c.view && op < c.op))) return;
  c.active = true;
  c.view = view;
  c.op = op;
  c.checksum = checksum;
  c.what = what;
}

Finding DurabilityChecker::check_commit_point(std::size_t replica, const SimStorage& disk,
                                              const core::Superblock& superblock) const {
  if (superblock.checkpoint.op == 0) return std::nullopt;
  const std::vector<std::uint64_t>& words = disk.checkpoint_area(superblock.checkpoint.area);
  const std::optional<core::CheckpointState> state =
      core::CheckpointChecksum(words) == superblock.checkpoint.checksum
          ? core::DecodeCheckpoint(words)
          : std::nullopt;
  if (!state || state->op != superblock.checkpoint.op) {
    return Violation{
        Outcome::kSafety, kChecker,
        fmt::format("replica {} restarted from a durable superblock naming the checkpoint of op {} "
                    "in area {}, which that area does not hold: a commit point reached the disk "
                    "without (or over) the checkpoint it names",
                    replica, superblock.checkpoint.op, superblock.checkpoint.area)};
  }
  if (!core::RestorePartition(*state, disk.read_data(0, state->partition_length))) {
    return Violation{
        Outcome::kSafety, kChecker,
        fmt::format(
            "replica {} restarted from a durable superblock naming the checkpoint of op {}, "
            "whose data area does not give its partition's digest (length {}): a commit "
            "point reached the disk before the entries it covers",
            replica, superblock.checkpoint.op, state->partition_length)};
  }
  return std::nullopt;
}

Finding DurabilityChecker::on_disk_opened(ObservedAt, std::size_t replica, const SimStorage& disk,
                                          const core::Replica& opened) {
  const core::Superblock superblock = disk.read_superblock();
  if (Finding finding = check_commit_point(replica, disk, superblock)) return finding;
  const Claim& c = replicas_[replica];
  if (!c.active || c.op == 0) return std::nullopt;
  // The newest checkpoint on the disk, in either area (the replica falls back to the other one
  // when the one in force reads back corrupt): committed state, which holds every op up to its op.
  core::Op anchor = 0;
  for (std::uint8_t area = 0; area < core::kCheckpointAreas; area++) {
    const std::vector<std::uint64_t>& words = disk.checkpoint_area(area);
    const std::optional<core::CheckpointState> state = core::DecodeCheckpoint(words);
    if (state && core::RestorePartition(*state, disk.read_data(0, state->partition_length))) {
      anchor = std::max(anchor, state->op);
    }
  }
  if (c.op <= anchor) return std::nullopt;
  const SimStorage::Held held = disk.shadow_holds(c.op, c.checksum, anchor);
  // What the replica read back from this disk: an op it loaded with the checksum it acknowledged
  // is on the disk, even where the shadow's slot lost it (a misdirected write may have left an
  // intact copy in another slot, which the shadow does not model and the hash chain vouches for).
  const core::LogRing& log = opened.log();
  const bool loaded = log.holds(c.op) && log[c.op].checksum == c.checksum;
  // A replica whose journal a storage fault damaged rewrites it from a view's log (truncating
  // first), and a crash in the middle of the rewrite may cost it entries it had made durable: it
  // must say so. Any other replica never truncates what it acknowledged in its view.
  if (held == SimStorage::Held::kRemoved && !loaded && !opened.journal_damaged()) {
    return Violation{
        Outcome::kSafety, kChecker,
        fmt::format("replica {} restarted from a disk whose journal it truncated below op {} "
                    "(checksum {:016x}), which its {} of view {} acknowledged, and does not "
                    "report its journal damaged: it would vote with less than it acknowledged",
                    replica, c.op, c.checksum, c.what, c.view)};
  }
  if (held == SimStorage::Held::kLost) {
    return Violation{
        Outcome::kSafety, kChecker,
        fmt::format("replica {} restarted from a disk that does not hold op {} (checksum {:016x}) "
                    "on an intact journal above its newest checkpoint (op {}), yet its {} of view "
                    "{} acknowledged it: it acknowledged a write before the write was durable",
                    replica, c.op, c.checksum, anchor, c.what, c.view)};
  }
  if (!loaded && !opened.journal_damaged()) {
    return Violation{
        Outcome::kSafety, kChecker,
        fmt::format("replica {} restarted without op {} (checksum {:016x}), which its {} of view "
                    "{} acknowledged and its disk holds but did not read back (log ends at op "
                    "{}), and does not report its journal damaged: it would vote with less than "
                    "it acknowledged",
                    replica, c.op, c.checksum, c.what, c.view, opened.op())};
  }
  return std::nullopt;
}

Finding DurabilityChecker::on_send(std::size_t replica, const core::Message& message) {
  // One dispatch per send, the view check included: this runs for every message a replica sends.
  return core::VisitMessage(
      [&](const auto& m) -> Finding {
        using T = std::decay_t<decltype(m)>;
        if constexpr (!std::is_same_v<T, core::Request> && !std::is_same_v<T, core::Reply> &&
                      !std::is_same_v<T, core::Eviction>) {
          // Every replica-to-replica message carries its view.
          Claim& c = replicas_[replica];
          if (m.view < c.view_announced) return went_back(replica, message, m.view);
          if (m.view > c.view_announced) {
            c.view_announced = m.view;
            c.view_announced_by = core::MessageName(message);
          }
        }
        return on_send_of(replica, m);
      },
      message);
}

Finding DurabilityChecker::went_back(std::size_t replica, const core::Message& message,
                                     core::View view) const {
  const Claim& c = replicas_[replica];
  return Violation{Outcome::kSafety, kChecker,
                   fmt::format("replica {} sent a {} of view {} after its {} of view {}: it went "
                               "back to an older view (a view it announced was not durable)",
                               replica, core::MessageName(message), view, c.view_announced_by,
                               c.view_announced)};
}

Finding DurabilityChecker::on_send_of(std::size_t replica, const core::PrepareOk& ok) {
  Claim& c = replicas_[replica];
  c.view_spoken = std::max(c.view_spoken, ok.view);
  if (c.active && ok.view == c.view &&
      (ok.op < c.op || (ok.op == c.op && ok.checksum != c.checksum))) {
    return log_changed(replica, ok);
  }
  claim(replica, "PrepareOk", ok.view, ok.op, ok.checksum);
  return std::nullopt;
}

Finding DurabilityChecker::log_changed(std::size_t replica, const core::PrepareOk& ok) const {
  const Claim& c = replicas_[replica];
  return Violation{
      Outcome::kSafety, kChecker,
      fmt::format("replica {} acknowledged op {} (checksum {:016x}) in view {} after its {} "
                  "of op {} (checksum {:016x}) in that view: its log shrank or changed "
                  "within the view",
                  replica, ok.op, ok.checksum, ok.view, c.what, c.op, c.checksum)};
}

Finding DurabilityChecker::on_send_of(std::size_t replica, const core::Prepare& prepare) {
  Claim& c = replicas_[replica];
  c.view_spoken = std::max(c.view_spoken, prepare.view);
  const core::LogEntry& entry = prepare.entry;
  if (c.active && prepare.view == c.view && entry.op == c.op && entry.checksum != c.checksum) {
    return prepared_twice(replica, prepare);
  }
  claim(replica, "Prepare", prepare.view, entry.op, entry.checksum);
  return std::nullopt;
}

Finding DurabilityChecker::prepared_twice(std::size_t replica, const core::Prepare& prepare) const {
  const Claim& c = replicas_[replica];
  return Violation{
      Outcome::kSafety, kChecker,
      fmt::format("primary {} prepared op {} of view {} twice, with checksums "
                  "{:016x} and {:016x}",
                  replica, prepare.entry.op, prepare.view, c.checksum, prepare.entry.checksum)};
}

Finding DurabilityChecker::on_send_of(std::size_t replica, const core::DoViewChange& dvc) {
  Claim& c = replicas_[replica];
  c.view_spoken = std::max(c.view_spoken, dvc.view);
  const LogSuffix log{dvc.checkpoint, dvc.checkpoint_checksum, &dvc.log};
  if (Finding finding = check_log(replica, "DoViewChange", dvc.log_view, log)) return finding;
  if (log.last() > 0) claim(replica, "DoViewChange", dvc.log_view, log.last(), log.last_checksum());
  return std::nullopt;
}

Finding DurabilityChecker::on_send_of(std::size_t replica, const core::StartView& start_view) {
  Claim& c = replicas_[replica];
  c.view_spoken = std::max(c.view_spoken, start_view.view);
  const LogSuffix log{start_view.checkpoint, start_view.checkpoint_checksum, &start_view.log};
  if (Finding finding = check_log(replica, "StartView", start_view.view, log)) return finding;
  if (log.last() > 0) claim(replica, "StartView", start_view.view, log.last(), log.last_checksum());
  return std::nullopt;
}

template <typename Other>
Finding DurabilityChecker::on_send_of(std::size_t replica, const Other& other) {
  if constexpr (!std::is_same_v<Other, core::Request>) {
    Claim& c = replicas_[replica];
    c.view_spoken = std::max(c.view_spoken, other.view);
  }
  return std::nullopt;
}

void DurabilityChecker::on_deliver(std::size_t replica, const core::Message& message) {
  Claim& c = replicas_[replica];
  core::View handed = 0;
  if (const auto* start_view = std::get_if<core::StartView>(&message)) {
    handed = start_view->view;
  } else if (const auto* dvc = std::get_if<core::DoViewChange>(&message)) {
    // Only the new view's primary adopts a log from DoViewChanges.
    if (core::Raw(core::PrimaryOf(dvc->view, replicas_.size())) == replica) handed = dvc->view;
  }
  if (handed > c.view && handed >= c.view_spoken) {
    c.active = false;
    c.view_handed = std::max(c.view_handed, handed);
  }
  // A checkpoint from a replica of a newer view is committed state: if it differs from the log the
  // replica acknowledged in an older view at the checkpoint's op, that log was never committed
  // there, and the replica may drop it for the checkpoint.
  if (const auto* sync = std::get_if<core::SyncCheckpoint>(&message); sync && sync->view > c.view) {
    c.active = false;
  }
}

}  // namespace vsrsim::sim
