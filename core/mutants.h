#pragma once
// Mutants: the five defects of the PR #3023 review, and the defects found since (issue 11's lost
// commit, issues 16 and 17's checkpoint, sync, storage and repair defects), put back into the core
// on request.
//
// Each mutant restores one reviewed behaviour so the harness can prove it catches it. With an empty
// MutantSet the core behaves exactly as the corrected design; every mutant check in the core is a
// plain `if (mutants_.Has(...))` at the one place the reviewed code differed.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vsrsim::core {

enum class Mutant : std::uint8_t {
  kTablePrimaryOnly,             // (a)
  kResendPanicsOnDisconnect,     // (b)
  kStaleAsInProgress,            // (c)
  kPendingSurvivesViewChange,    // (d)
  kSilentEviction,               // (e)
  kRecoveringRejoinsOwnView,     // (f) issue 11: a lost-commit hole in the view change.
  kTableNotInCheckpoint,         // Issue 16: the checkpoint omits the clients table.
  kSyncOmitsReplies,             // Issue 16: state sync carries sessions but not cached replies.
  kCheckpointOverwritesInForce,  // Issue 16: a new checkpoint goes into the area in force.
  kSyncNotWritten,    // Issue 16: a synced checkpoint is named by the superblock but never written.
  kAckBeforeDurable,  // Issue 17: messages leave before the writes they vouch for sync.
  kJournalTrustsBytes,    // Issue 17: a restart loads journal entries without their checksum.
  kJournalDamageIgnored,  // Issue 17: a journal that lost synced entries is taken as torn.
  kSyncFailureIgnored,    // Issue 17: a failed sync is taken as done.
  kRepairAcceptsWrongOp,  // Issue 17: a repair takes an answer it did not ask for.
};

struct MutantInfo {
  Mutant mutant;
  std::string_view name;
  std::string_view finding;
  std::string_view description;
  std::string_view expected_checker;
};

inline constexpr std::array<MutantInfo, 15> kMutants = {{
    {Mutant::kTablePrimaryOnly, "table-primary-only", "a",
     "only the primary records committed replies (backups keep no table) and an unknown client is "
     "New, so after a view change a retransmission executes again",
     "agreement"},
    {Mutant::kResendPanicsOnDisconnect, "resend-panics-on-disconnect", "b",
     "sending a cached reply to a closed client connection aborts the replica", "crash"},
    {Mutant::kStaleAsInProgress, "stale-as-in-progress", "c",
     "an older request is classified InProgress and waits for a commit that never comes",
     "hygiene"},
    {Mutant::kPendingSurvivesViewChange, "pending-survives-view-change", "d",
     "pending entries survive a view change and drop valid retries", "hygiene"},
    {Mutant::kSilentEviction, "silent-eviction", "e",
     "a full table evicts silently; the evicted client's request is treated as New",
     "at-most-once"},
    {Mutant::kRecoveringRejoinsOwnView, "recovering-rejoins-own-view", "f",
     "a replica that was normal in its view and restarts re-enters a view change for that same "
     "view, so a stale StartView of the view can shrink its log",
     "crash"},
    {Mutant::kTableNotInCheckpoint, "table-not-in-checkpoint", "-",
     "the checkpoint holds the state machine but not the clients table, so a restarted replica "
     "judges requests against an empty table and its executions of retried requests differ",
     "at-most-once"},
    {Mutant::kSyncOmitsReplies, "sync-omits-replies", "-",
     "state sync carries the sessions of the clients table but not their cached replies, so a "
     "synced replica answers a Duplicate with a blank reply",
     "agreement"},
    {Mutant::kCheckpointOverwritesInForce, "checkpoint-overwrites-in-force", "-",
     "a new checkpoint is written over the area the durable superblock names, so a crash before "
     "the new superblock leaves the superblock naming a checkpoint that is no longer there",
     "crash"},
    {Mutant::kSyncNotWritten, "sync-not-written", "-",
     "state sync installs a peer's checkpoint and writes the superblock naming it, but never "
     "writes the checkpoint itself, so the replica's next restart finds an area that is not it",
     "crash"},
    {Mutant::kAckBeforeDurable, "ack-before-durable", "-",
     "a replica sends its messages to other replicas (PrepareOks, DoViewChanges) at once instead "
     "of "
     "after the sync of the writes they vouch for, so a crash in the sync window loses an op or a "
     "view it already acknowledged",
     "durability"},
    {Mutant::kJournalTrustsBytes, "journal-trusts-bytes", "-",
     "a restart follows the journal's hash chain by the parent links alone and never recomputes "
     "an entry's checksum, so a slot that reads back corrupt is executed as it reads",
     "agreement"},
    {Mutant::kJournalDamageIgnored, "journal-damage-ignored", "-",
     "a restart whose journal ends below the superblock's head (a storage fault destroyed synced "
     "entries) takes the damage for a torn write and votes in view changes with the shorter log",
     "durability"},
    {Mutant::kSyncFailureIgnored, "sync-failure-ignored", "-",
     "a failed sync is taken as done, so the replica acknowledges writes that may never have "
     "reached its disk",
     "durability"},
    {Mutant::kRepairAcceptsWrongOp, "repair-accepts-wrong-op", "-",
     "a damaged replica repairing its journal entry by entry takes any answer as the entry it "
     "asked for, without checking its op and checksum against the ones asked for, so a late "
     "answer to an older ask or a body corrupted on the way enters its log",
     "crash"},
}};
static_assert(kMutants.size() <= 32, "MutantSet holds 32 mutants");

std::optional<Mutant> MutantByName(std::string_view name);
const MutantInfo& InfoOf(Mutant mutant);

class MutantSet {
 public:
  constexpr MutantSet() = default;
  constexpr bool Has(Mutant mutant) const {
    return ((bits_ >> static_cast<unsigned>(mutant)) & 1U) != 0;
  }
  constexpr void Add(Mutant mutant) {
    bits_ = bits_ | (std::uint32_t{1} << static_cast<unsigned>(mutant));
  }
  constexpr bool Empty() const { return bits_ == 0; }
  constexpr std::uint32_t Bits() const { return bits_; }
  bool operator==(const MutantSet&) const = default;

 private:
  std::uint32_t bits_ = 0;
};

}  // namespace vsrsim::core
