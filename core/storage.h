#pragma once
// The replica's seam to durable storage (LevelDB's Env idea): a superblock and a journal of
// prepares.
//
// Writes are not durable when the call returns. They become durable together when the environment
// completes the sync the replica asked for through Bus::request_sync and calls
// Replica::on_sync_done. A crash before that loses, or tears, what was not synced. The replica
// therefore never lets a message to another replica leave while it has unsynced writes (see
// Replica). Reads happen only when a replica opens: they return the durable state, with a torn or
// broken journal suffix already cut off (the journal is a hash chain from op 1).

#include <vector>

#include "core/message.h"
#include "core/types.h"

namespace vsrsim::core {

struct Superblock {
  View view = 0;
  View log_view = 0;  // The last view in which the replica's status was normal.
  Op commit = 0;  // Ops up to here were executed; a restart executes them again from the journal.
  bool operator==(const Superblock&) const = default;
};

class Storage {
 public:
  virtual ~Storage() = default;
  virtual void write_superblock(const Superblock& superblock) = 0;
  // Writes the journal slot of entry.op.
  virtual void write_entry(const LogEntry& entry) = 0;
  // Removes every journal entry above `op`.
  virtual void truncate_after(Op op) = 0;

  virtual Superblock read_superblock() const = 0;
  // The durable journal: ops 1..n, each entry's parent the previous entry's checksum.
  virtual std::vector<LogEntry> read_journal() const = 0;
};

}  // namespace vsrsim::core
