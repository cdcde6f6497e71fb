#pragma once
// The replica's seam to the network and to its observers: everything that leaves a replica goes
// through here. The real world and the simulator implement it the same way, so the core cannot tell
// which it runs on.

#include <optional>

#include "core/clients_table.h"
#include "core/message.h"
#include "core/partition_log.h"
#include "core/types.h"

namespace vsrsim::core {

enum class SendStatus : std::uint8_t { kSent, kConnectionClosed };

// What one replica did when it executed one committed op: the observers (checkers, trace) see every
// execution on every replica.
struct Execution {
  ReplicaIndex replica{};
  const LogEntry* entry = nullptr;
  // False when the op was an append of a session that is no longer in the table: it does not
  // execute. This is the replica's claim; observers judge by what its partition log gained.
  bool applied = false;
  Reply reply{};
  std::optional<ClientEntry> evicted;
  // The executing replica's partition log, after the execution: what an observer reads to see
  // what the execution really appended, whatever `applied` claims.
  const PartitionLog* state_machine = nullptr;
};

// A replica replaced its state machine and clients table with a checkpoint's: on restart, loading
// its own, or by state sync, installing a peer's. Its next execution is of op + 1.
struct CheckpointInstalled {
  ReplicaIndex replica{};
  Op op = 0;
  bool synced = false;  // From a peer (state sync), not from its own storage.
  const PartitionLog* state_machine = nullptr;
  const ClientsTable* table = nullptr;
};

class Bus {
 public:
  virtual ~Bus() = default;
  virtual void send_to_replica(ReplicaIndex to, const Message& message) = 0;
  // Fire-and-forget: a closed connection drops the message. The caller only counts it.
  virtual SendStatus send_to_client(ClientId to, const Message& message) = 0;
  // Asks the environment to make every write so far durable and then call Replica::on_sync_done.
  virtual void request_sync() = 0;
  virtual void on_execute(const Execution& execution) = 0;
  virtual void on_checkpoint_installed(const CheckpointInstalled& installed) = 0;
};

}  // namespace vsrsim::core
