#pragma once
// What happened in a run, counted, so a sweep can prove its faults really fired.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vsrsim::sim {

struct Coverage {
  std::uint64_t view_changes = 0;  // Views (above 0) in which a primary started normal operation.
  std::uint64_t crashes = 0;
  std::uint64_t crashes_in_sync_window = 0;  // Crashes while the disk held unsynced writes.
  std::uint64_t restarts = 0;
  std::uint64_t partitions = 0;
  std::uint64_t client_disconnects = 0;
  std::uint64_t evictions = 0;  // Evictions clients learned of.
  std::uint64_t cached_replies = 0;
  std::uint64_t stale_dropped = 0;
  std::uint64_t state_transfers = 0;  // Whole logs adopted from a StartView by a lagging replica.
  std::uint64_t messages_dropped = 0;
  std::uint64_t messages_duplicated = 0;
  std::uint64_t client_sends_dropped = 0;
  std::uint64_t writes_lost = 0;
  std::uint64_t repairs = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t replays = 0;  // Stale messages delivered again by the replay fault.
  // Issue 16: checkpoints written (each named by a superblock after it), checkpoints installed
  // from a peer by a replica behind every peer's journal, journal ring slots overwritten (an op
  // written over one at or below the checkpoint), and repairs that had to start at a checkpoint
  // boundary (the op a replica asked for was no longer journaled by the peer it asked).
  std::uint64_t checkpoints = 0;
  std::uint64_t state_syncs = 0;
  std::uint64_t journal_wraps = 0;
  std::uint64_t repairs_from_checkpoint_boundary = 0;
  std::uint64_t crash_points = 0;  // Issue 17: armed storage crash points that fired.
  // Issue 17, storage faults (sim/sim_storage.h): journal slots read back corrupt (sector errors
  // and corrupt reads), entry writes misdirected, syncs failed, sector error zones; and what the
  // replicas made of them: slots whose checksum failed on a restart (torn writes included),
  // restarts that found their journal damaged below the superblock's head, and damaged journals
  // repaired by a view's log.
  std::uint64_t corrupt_reads = 0;
  std::uint64_t misdirected_writes = 0;
  std::uint64_t sync_failures = 0;
  std::uint64_t sector_errors = 0;
  std::uint64_t checksum_failures = 0;
  std::uint64_t journal_damage = 0;
  std::uint64_t journal_repairs = 0;
  // Checkpoint areas read back corrupt, and restarts that fell back from the checkpoint the
  // superblock names (to the other area's, or to none).
  std::uint64_t corrupt_checkpoint_reads = 0;
  std::uint64_t checkpoint_fallbacks = 0;
  // Crashes while a checkpoint area write was unsynced (a checkpoint's or a state sync's commit
  // point at risk; the crash-in-checkpoint-sync fault aims there).
  std::uint64_t crashes_in_checkpoint_window = 0;
  // Issue 17, repair by (op, checksum): RequestEntry messages sent, entries taken from peers'
  // answers, answers refused (not the op and checksum asked for, or a corrupt body), damaged
  // journals repaired entry by entry (also in journal_repairs); entries delivered corrupt (the
  // corrupt-entry fault) and prepares dropped for a corrupt body.
  std::uint64_t entry_requests = 0;
  std::uint64_t entries_repaired = 0;
  std::uint64_t repair_answers_refused = 0;
  std::uint64_t entry_repairs = 0;
  std::uint64_t entries_corrupted = 0;
  std::uint64_t prepares_corrupt = 0;

  // (name, value) in a fixed order, for JSON and sums.
  std::vector<std::pair<std::string, std::uint64_t>> Fields() const;
  // The counter called `name` in Fields(), or nullptr.
  std::uint64_t* Field(std::string_view name);
};

}  // namespace vsrsim::sim
