#pragma once
// The tiny in-test world of the replica's example-based tests: FakeStorage keeps writes pending
// until a sync (and can make only a prefix of them durable: a crash in the middle of a sync),
// FakeBus puts every replica-bound message into one FIFO queue, and the test delivers messages and
// completes syncs by hand. No randomness and no timing: each test states its schedule. Shared by
// replica_test.cc and replica_checkpoint_test.cc; it holds no test of its own.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <utility>
#include <variant>
#include <vector>

#include "core/bus.h"
#include "core/message.h"
#include "core/mutants.h"
#include "core/replica.h"
#include "core/storage.h"
#include "core/types.h"

namespace vsrsim::core::testing {

// Writes wait in a pending list until sync() makes them all durable, as in the simulator.
class FakeStorage final : public Storage {
 public:
  void write_superblock(const Superblock& superblock) override {
    pending_.emplace_back(superblock);
  }
  void write_entry(const LogEntry& entry) override { pending_.emplace_back(entry); }
  void truncate_after(Op op) override { pending_.emplace_back(Truncate{op}); }
  void write_checkpoint(std::uint8_t area, std::span<const std::uint64_t> words) override {
    pending_.emplace_back(CheckpointWrite{area, {words.begin(), words.end()}});
  }
  std::vector<std::uint64_t> read_checkpoint(std::uint8_t area) const override {
    std::vector<std::uint64_t> words = areas_.at(area);
    if (((corrupt_checkpoint_reads_ >> area) & 1U) != 0 && !words.empty()) words.back() ^= 1;
    return words;
  }
  void write_data(std::uint64_t offset, std::span<const std::uint64_t> entries) override {
    pending_.emplace_back(DataWrite{offset, {entries.begin(), entries.end()}});
  }
  std::vector<std::uint64_t> read_data(std::uint64_t offset, std::uint64_t count) const override {
    if (offset >= data_.size()) return {};
    const std::uint64_t end = std::min<std::uint64_t>(data_.size(), offset + count);
    return {data_.begin() + static_cast<std::ptrdiff_t>(offset),
            data_.begin() + static_cast<std::ptrdiff_t>(end)};
  }
  Superblock read_superblock() const override { return superblock_; }
  std::vector<LogEntry> read_journal() const override { return journal_; }

  void sync() { SyncFirst(pending_.size()); }
  // Makes the first `count` pending writes durable and loses the rest: a crash in the middle of
  // a sync, the disk having written a prefix.
  void SyncFirst(std::size_t count) {
    for (std::size_t i = 0; i < count; i++) {
      const Write& write = pending_.at(i);
      if (const auto* superblock = std::get_if<Superblock>(&write)) {
        superblock_ = *superblock;
      } else if (const auto* entry = std::get_if<LogEntry>(&write)) {
        if (journal_.size() < entry->op) journal_.resize(entry->op);
        journal_[entry->op - 1] = *entry;
      } else if (const auto* checkpoint = std::get_if<CheckpointWrite>(&write)) {
        areas_.at(checkpoint->area) = checkpoint->words;
        if (std::exchange(tear_next_checkpoint_, false)) areas_.at(checkpoint->area).at(1) ^= 1;
      } else if (const auto* data = std::get_if<DataWrite>(&write)) {
        EXPECT_LE(data->offset, data_.size()) << "a hole in the data area";
        if (data_.size() < data->offset + data->entries.size()) {
          data_.resize(data->offset + data->entries.size());
        }
        std::copy(data->entries.begin(), data->entries.end(),
                  data_.begin() + static_cast<std::ptrdiff_t>(data->offset));
        if (std::exchange(tear_next_data_, false)) data_.at(data->offset) ^= 1;
      } else if (journal_.size() > std::get<Truncate>(write).op) {
        journal_.resize(std::get<Truncate>(write).op);
      }
    }
    pending_.clear();
  }
  std::size_t unsynced_writes() const { return pending_.size(); }
  // The kind of each pending write, in order: 0 superblock, 1 journal entry, 2 truncation,
  // 3 checkpoint, 4 data.
  std::vector<std::size_t> PendingKinds() const {
    std::vector<std::size_t> kinds;
    for (const Write& write : pending_) kinds.push_back(write.index());
    return kinds;
  }
  // The [offset, offset + size) of each pending data write, in order.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> PendingDataWrites() const {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> writes;
    for (const Write& write : pending_) {
      if (const auto* data = std::get_if<DataWrite>(&write)) {
        writes.emplace_back(data->offset, data->offset + data->entries.size());
      }
    }
    return writes;
  }
  // A crash: every unsynced write is lost.
  void LoseUnsynced() { pending_.clear(); }
  // The next checkpoint write that reaches the disk is torn (a word flipped).
  void TearNextCheckpoint() { tear_next_checkpoint_ = true; }
  // The next data write that reaches the disk is torn (its first entry flipped).
  void TearNextData() { tear_next_data_ = true; }
  // The durable data area, as the disk holds it.
  const std::vector<std::uint64_t>& data() const { return data_; }
  // A broken disk: the durable entry at `offset` changes.
  void CorruptData(std::uint64_t offset) { data_.at(offset) ^= 1; }
  // A storage fault (issue 17): the durable journal entry of `op` (an append) reads back with its
  // first appended entry flipped, so its checksum no longer verifies.
  void CorruptJournal(Op op) { journal_.at(op - 1).request.entries[0] ^= 1; }
  std::size_t pending_count() const { return pending_.size(); }
  // A storage fault (issue 17): every read of checkpoint area `area` returns it corrupt.
  void CorruptCheckpointReads(std::uint8_t area) {
    corrupt_checkpoint_reads_ = static_cast<std::uint8_t>(corrupt_checkpoint_reads_ | (1U << area));
  }
  void HealCheckpointReads() { corrupt_checkpoint_reads_ = 0; }

 private:
  struct Truncate {
    Op op;
  };
  struct CheckpointWrite {
    std::uint8_t area;
    std::vector<std::uint64_t> words;
  };
  struct DataWrite {
    std::uint64_t offset;
    std::vector<std::uint64_t> entries;
  };
  using Write = std::variant<Superblock, LogEntry, Truncate, CheckpointWrite, DataWrite>;
  std::vector<Write> pending_;
  Superblock superblock_;
  std::vector<LogEntry> journal_;
  std::array<std::vector<std::uint64_t>, kCheckpointAreas> areas_;
  std::vector<std::uint64_t> data_;
  bool tear_next_checkpoint_ = false;
  bool tear_next_data_ = false;
  std::uint8_t corrupt_checkpoint_reads_ = 0;  // One bit per area.
};

struct Envelope {
  ReplicaIndex from{};
  ReplicaIndex to{};
  Message message;
};

struct ClientDelivery {
  ClientId to{};
  Message message;
};

// What every bus shares: the replica queue, the client inboxes and the closed connections.
struct Network {
  std::deque<Envelope> to_replicas;
  std::vector<ClientDelivery> to_clients;
  std::set<std::uint64_t> closed_clients;
  // Replica-bound sends made while the sender's storage held unsynced writes. Must stay 0.
  std::uint64_t sends_while_unsynced = 0;
};

struct Executed {
  Op op = 0;
  bool applied = false;
  Reply reply{};
  std::optional<ClientEntry> evicted;
};

class FakeBus final : public Bus {
 public:
  FakeBus(ReplicaIndex self, Network& network, const FakeStorage& storage)
      : self_(self), network_(network), storage_(storage) {}

  void send_to_replica(ReplicaIndex to, const Message& message) override {
    if (storage_.unsynced_writes() > 0) network_.sends_while_unsynced++;
    network_.to_replicas.push_back({self_, to, message});
  }
  SendStatus send_to_client(ClientId to, const Message& message) override {
    if (network_.closed_clients.contains(Raw(to))) {
      closed_sends_++;
      return SendStatus::kConnectionClosed;
    }
    network_.to_clients.push_back({to, message});
    return SendStatus::kSent;
  }
  void request_sync() override { sync_requested_ = true; }
  void on_execute(const Execution& execution) override {
    executions_.push_back(
        {execution.entry->op, execution.applied, execution.reply, execution.evicted});
  }

  // Returns whether a sync was requested since the last call, and forgets the request.
  bool take_sync_request() { return std::exchange(sync_requested_, false); }
  bool sync_requested() const { return sync_requested_; }
  void on_checkpoint_installed(const CheckpointInstalled& installed) override {
    installed_.push_back(installed.op);
  }
  const std::vector<Executed>& executions() const { return executions_; }
  // The op of every checkpoint this replica installed, in order.
  const std::vector<Op>& installed() const { return installed_; }
  std::uint64_t closed_sends() const { return closed_sends_; }

 private:
  ReplicaIndex self_;
  Network& network_;
  const FakeStorage& storage_;
  bool sync_requested_ = false;
  std::vector<Executed> executions_;
  std::vector<Op> installed_;
  std::uint64_t closed_sends_ = 0;
};

constexpr std::uint32_t kViewChangeTimeoutTicks = 20;

struct ClusterOptions {
  std::uint8_t replica_count = 3;
  std::size_t clients_max = 8;
  MutantSet mutants{};
  std::uint32_t checkpoint_ops = 0;  // Zero: no checkpoints.
  std::uint32_t journal_slots = 1024;
};

// Replicas on fake storage and buses. A stopped replica neither ticks nor receives messages.
class Cluster {
 public:
  explicit Cluster(const ClusterOptions& options) : stopped_(options.replica_count, false) {
    for (std::uint8_t i = 0; i < options.replica_count; i++) {
      storages_.push_back(std::make_unique<FakeStorage>());
      buses_.push_back(std::make_unique<FakeBus>(ReplicaIndex{i}, network_, *storages_.back()));
      const ReplicaOptions replica_options{.index = ReplicaIndex{i},
                                           .replica_count = options.replica_count,
                                           .clients_max = options.clients_max,
                                           .mutants = options.mutants,
                                           .view_change_timeout_ticks = kViewChangeTimeoutTicks,
                                           .heartbeat_ticks = 2,
                                           .retry_ticks = 4,
                                           .checkpoint_ops = options.checkpoint_ops,
                                           .journal_slots = options.journal_slots};
      replica_options_.push_back(replica_options);
      replicas_.push_back(
          std::make_unique<Replica>(replica_options, *storages_.back(), *buses_.back(), 0));
      incarnations_.push_back(0);
    }
  }

  Replica& replica(std::size_t i) { return *replicas_.at(i); }
  FakeBus& bus(std::size_t i) { return *buses_.at(i); }
  FakeStorage& storage(std::size_t i) { return *storages_.at(i); }
  Network& network() { return network_; }
  void Stop(std::size_t i) { stopped_.at(i) = true; }
  // A stopped replica runs again, as it was (messages sent to it meanwhile are lost).
  void Resume(std::size_t i) { stopped_.at(i) = false; }
  // Delivers queued messages one at a time, completing every sync except replica `held`'s, until
  // `done` holds; returns whether it did.
  template <typename Done>
  bool StepUntil(std::size_t held, const Done& done) {
    for (int step = 0; step < 10'000; step++) {
      for (std::size_t i = 0; i < replicas_.size(); i++) {
        if (i != held) CompleteSync(i);
      }
      if (done()) return true;
      if (network_.to_replicas.empty()) {
        for (std::size_t i = 0; i < replicas_.size(); i++) {
          if (!stopped_[i]) replicas_[i]->on_tick();
        }
        continue;
      }
      const Envelope envelope = network_.to_replicas.front();
      network_.to_replicas.pop_front();
      if (!stopped_[Raw(envelope.to)]) replicas_[Raw(envelope.to)]->on_message(envelope.message);
    }
    return false;
  }
  // Crashes replica i (its unsynced writes are lost) and restarts it from its durable storage, as
  // the simulator does: nonces of incarnation k lie above k << 32. The restarted replica's probe
  // (RequestStartView) waits in the network queue.
  void Restart(std::size_t i) { RestartAfterSyncing(i, 0); }
  // A crash in the middle of a sync: the first `durable` pending writes reach the disk, the rest
  // are lost; then the replica restarts.
  void RestartAfterSyncing(std::size_t i, std::size_t durable) {
    storages_.at(i)->SyncFirst(durable);
    buses_.at(i)->take_sync_request();
    incarnations_.at(i)++;
    replicas_.at(i) = std::make_unique<Replica>(replica_options_.at(i), *storages_.at(i),
                                                *buses_.at(i), (incarnations_.at(i) << 32) | 1);
    stopped_.at(i) = false;
  }

  // Completes replica i's requested sync, if any: storage first, then the replica.
  bool CompleteSync(std::size_t i) {
    if (stopped_[i] || !buses_[i]->take_sync_request()) return false;
    storages_[i]->sync();
    replicas_[i]->on_sync_done();
    return true;
  }

  // Completes syncs and delivers queued replica messages in FIFO order until nothing is left.
  void Settle() {
    for (int step = 0; step < 10'000; step++) {
      bool synced = false;
      for (std::size_t i = 0; i < replicas_.size(); i++) synced = CompleteSync(i) || synced;
      if (synced) continue;
      if (network_.to_replicas.empty()) return;
      const Envelope envelope = network_.to_replicas.front();
      network_.to_replicas.pop_front();
      if (!stopped_[Raw(envelope.to)]) replicas_[Raw(envelope.to)]->on_message(envelope.message);
    }
    ADD_FAILURE() << "the cluster did not settle";
  }

  void Tick(std::initializer_list<std::size_t> replicas) {
    for (const std::size_t i : replicas) replicas_.at(i)->on_tick();
    Settle();
  }

  // Ticks every running replica until all of them executed everything the primary holds.
  void Converge() {
    for (int round = 0; round < 20; round++) {
      for (std::size_t i = 0; i < replicas_.size(); i++) {
        if (!stopped_[i]) replicas_[i]->on_tick();
      }
      Settle();
      if (Converged()) return;
    }
    ADD_FAILURE() << "the cluster did not converge";
  }

  // A client's request arrives at replica `to`; the cluster settles.
  void Send(std::size_t to, const Request& request) {
    replicas_.at(to)->on_message(request);
    Settle();
  }

  // Removes and returns the messages replicas sent to `client`.
  std::vector<Message> TakeClientMessages(ClientId client) {
    std::vector<Message> taken;
    std::vector<ClientDelivery> kept;
    for (ClientDelivery& delivery : network_.to_clients) {
      if (delivery.to == client) {
        taken.push_back(delivery.message);
      } else {
        kept.push_back(delivery);
      }
    }
    network_.to_clients = kept;
    return taken;
  }

 private:
  bool Converged() const {
    const Replica* primary = nullptr;
    for (std::size_t i = 0; i < replicas_.size(); i++) {
      if (!stopped_[i] && replicas_[i]->is_primary()) primary = replicas_[i].get();
    }
    if (primary == nullptr || primary->status() != Status::kNormal) return false;
    if (primary->commit_max() != primary->op()) return false;
    for (std::size_t i = 0; i < replicas_.size(); i++) {
      if (stopped_[i]) continue;
      const Replica& r = *replicas_[i];
      if (r.status() != Status::kNormal || r.view() != primary->view() ||
          r.commit_min() != primary->commit_max() || r.sync_pending()) {
        return false;
      }
    }
    return true;
  }

  Network network_;
  std::vector<bool> stopped_;
  std::vector<std::unique_ptr<FakeStorage>> storages_;
  std::vector<std::unique_ptr<FakeBus>> buses_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  std::vector<ReplicaOptions> replica_options_;
  std::vector<std::uint64_t> incarnations_;
};

constexpr ClientId kAlice{1};
constexpr ClientId kBob{2};

inline Request RegisterRequest(ClientId client) {
  return Request{.client = client, .operation = Operation::kRegister};
}

inline Request AppendRequest(ClientId client, Session session, RequestNumber request) {
  return Request{.client = client,
                 .session = session,
                 .request = request,
                 .operation = Operation::kAppend,
                 .entry_count = 2,
                 .entries = {100 * request, 100 * request + 1, 0, 0}};
}

inline MutantSet With(Mutant mutant) {
  MutantSet mutants{};
  mutants.Add(mutant);
  return mutants;
}

// The single message a client received, as a T; fails the test otherwise.
template <typename T>
T Only(const std::vector<Message>& messages) {
  EXPECT_EQ(messages.size(), 1U);
  if (messages.size() != 1 || !std::holds_alternative<T>(messages[0])) {
    ADD_FAILURE() << "expected exactly one message of variant index " << Message(T{}).index();
    return T{};
  }
  return std::get<T>(messages[0]);
}

// Registers Alice and commits her requests 1..last (ops 2..last + 1) on the running replicas,
// taking her replies as they come.
inline void AliceAppends(Cluster& cluster, RequestNumber last) {
  cluster.Send(0, RegisterRequest(kAlice));
  cluster.Converge();
  for (RequestNumber request = 1; request <= last; request++) {
    cluster.Send(0, AppendRequest(kAlice, 1, request));
    cluster.Converge();
    cluster.TakeClientMessages(kAlice);
  }
}

// Registers Alice (op 1, session 1) and commits her request 1 (op 2) on every replica. Returns
// the reply Alice received for it.
inline Reply RegisterAliceAndAppend(Cluster& cluster) {
  cluster.Send(0, RegisterRequest(kAlice));
  cluster.Converge();
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)).session, 1U);
  cluster.Send(0, AppendRequest(kAlice, 1, 1));
  cluster.Converge();
  return Only<Reply>(cluster.TakeClientMessages(kAlice));
}

}  // namespace vsrsim::core::testing
