#pragma once
// A checkpoint: the replica's state after executing ops 1..op, that is its state machine (the
// partition log) and its clients table with every cached reply, in one deterministic encoding
// with a checksum. It is what a replica writes to storage every ReplicaOptions::checkpoint_ops
// committed ops, what a restart loads before it replays the journal above it, and what state
// sync ships to a replica that fell behind every peer's journal.
//
// The partition log is append-only and the same on every replica for the same committed ops, so
// its entries below a durable checkpoint's length never change. The encoding therefore names the
// partition by its length and its running digest (PartitionLog::Digest) only; the entries live in
// storage's append-only data area (core/storage.h), each written once, by the first checkpoint
// that covers it. A checkpoint costs what changed since the last one plus the clients table, which
// its capacity bounds, never the whole history. RestorePartition checks entries read back (from
// the data area, or carried by state sync) against the length and digest.
//
// Encoding: a sequence of 64-bit words (kMagic, op, the log entry checksum at op, the partition
// log's length and digest, the table's length and entries field by field), then a checksum word:
// XXH3-64 over every word before it. Fields are written one by one, never as struct bytes, so
// padding never enters it; equal states give equal words on every replica.
//
// Invariants: Decode accepts exactly what Encode produced (checksum, magic and lengths verified);
// anything torn or truncated is refused. What it does not do: know where a checkpoint is stored or
// when one is taken (the replica decides; storage.h holds the areas).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/clients_table.h"
#include "core/partition_log.h"
#include "core/types.h"

namespace vsrsim::core {

struct CheckpointState {
  Op op = 0;
  std::uint64_t entry_checksum = 0;    // The checksum of log entry `op`: the journal chains on it.
  std::uint64_t partition_length = 0;  // PartitionLog::next_offset() after op.
  std::uint64_t partition_digest = 0;  // PartitionLog::Digest() after op.
  std::vector<ClientEntry> table;
  bool operator==(const CheckpointState&) const = default;
};

// What an encoding leaves out, for the mutants that put a defect of this machinery back.
struct CheckpointOmissions {
  bool table = false;    // Mutant table-not-in-checkpoint: no table entries at all.
  bool replies = false;  // Mutant sync-omits-replies: sessions without their cached replies.
};

// Encodes the state after op: `partition` by its length and digest, `table` entry by entry.
std::vector<std::uint64_t> EncodeCheckpoint(Op op, std::uint64_t entry_checksum,
                                            const PartitionLog& partition,
                                            const ClientsTable& table,
                                            CheckpointOmissions omissions = {});
// The same encoding into `words` (replaced), whose capacity is reused: a replica checkpointing
// every few ops allocates nothing once its buffer has grown to the table's size.
void EncodeCheckpointInto(Op op, std::uint64_t entry_checksum, const PartitionLog& partition,
                          const ClientsTable& table, CheckpointOmissions omissions,
                          std::vector<std::uint64_t>& words);
// Re-encodes a decoded state (the table as `state` holds it), with `omissions`.
std::vector<std::uint64_t> EncodeCheckpoint(const CheckpointState& state,
                                            CheckpointOmissions omissions = {});
// The checksum word of an encoding (its last word), or 0 for one too short to have one.
std::uint64_t CheckpointChecksum(std::span<const std::uint64_t> words);
// Verifies and decodes; nullopt if the words are torn, truncated or not a checkpoint.
std::optional<CheckpointState> DecodeCheckpoint(std::span<const std::uint64_t> words);
// The partition log of `entries`, if they are the checkpoint's partition (its length and digest);
// nullopt otherwise (lost, torn or different entries).
std::optional<PartitionLog> RestorePartition(const CheckpointState& state,
                                             std::span<const std::uint64_t> entries);

}  // namespace vsrsim::core
