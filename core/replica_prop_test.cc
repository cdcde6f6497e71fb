// Proves that a lone primary (replica_count 1) answers every client request as a reference model
// of the clients table says: a new request commits once and replies once, a resent latest request
// gets its byte-identical cached reply, an older one gets nothing and one of an evicted session
// gets an Eviction, with op, commit and the clients table equal to the model's after every command.
//
// The model is written from the design (shared/DESIGN.md and core/clients_table.h), not from the
// code: per client its live session, the requests committed in it and its evicted sessions, with a
// capacity of 1..3 and the oldest-commit eviction rule applied when a register commits into a full
// table. The harness completes every sync the replica asks for, so all proposals commit before the
// next command; the Pipeline command proposes several clients' requests in one sync window, so an
// eviction can land between an append's proposal and its commit.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <utility>
#include <variant>
#include <vector>

#include "core/bus.h"
#include "core/clients_table.h"
#include "core/message.h"
#include "core/mutants.h"
#include "core/replica.h"
#include "core/storage.h"
#include "core/types.h"

namespace vsrsim::core {
namespace {

constexpr std::uint64_t kPoolMax = 5;           // Clients that send requests: 1..kPoolMax.
constexpr std::size_t kCapacityMax = 3;         // The table's capacity (clients_max): 1..3.
constexpr std::size_t kPipelineClientsMax = 4;  // Below kPipelineMax, so nothing is dropped.
// A commit takes two syncs (the prepare, then the superblock with the new commit); more is a bug.
constexpr int kSyncRoundsMax = 3;

// --- The world around the replica -------------------------------------------------------------

// Writes land in `written_` in call order and become durable together when sync() runs.
class FakeStorage final : public Storage {
 public:
  struct Image {
    Superblock superblock;
    std::vector<LogEntry> journal;  // journal[i] is op i + 1.
    std::array<std::vector<std::uint64_t>, kCheckpointAreas> areas;
    std::vector<std::uint64_t> data;
  };

  void write_superblock(const Superblock& superblock) override { written_.superblock = superblock; }
  void write_checkpoint(std::uint8_t area, std::span<const std::uint64_t> words) override {
    written_.areas.at(area).assign(words.begin(), words.end());
  }
  std::vector<std::uint64_t> read_checkpoint(std::uint8_t area) const override {
    return durable_.areas.at(area);
  }
  void write_data(std::uint64_t offset, std::span<const std::uint64_t> entries) override {
    std::vector<std::uint64_t>& data = written_.data;
    if (data.size() < offset + entries.size()) data.resize(offset + entries.size());
    std::copy(entries.begin(), entries.end(), data.begin() + static_cast<std::ptrdiff_t>(offset));
  }
  std::vector<std::uint64_t> read_data(std::uint64_t offset, std::uint64_t count) const override {
    const std::vector<std::uint64_t>& data = durable_.data;
    if (offset >= data.size()) return {};
    const std::uint64_t end = std::min<std::uint64_t>(data.size(), offset + count);
    return {data.begin() + static_cast<std::ptrdiff_t>(offset),
            data.begin() + static_cast<std::ptrdiff_t>(end)};
  }
  void write_entry(const LogEntry& entry) override {
    if (written_.journal.size() < entry.op) written_.journal.resize(entry.op);
    written_.journal[entry.op - 1] = entry;
  }
  void truncate_after(Op op) override {
    if (written_.journal.size() > op) written_.journal.resize(op);
  }
  Superblock read_superblock() const override { return durable_.superblock; }
  std::vector<LogEntry> read_journal() const override { return durable_.journal; }

  void sync() { durable_ = written_; }

 private:
  Image written_;
  Image durable_;
};

struct Executed {
  Op op = 0;
  bool applied = false;
  Reply reply{};
  std::optional<ClientEntry> evicted;
  bool operator==(const Executed&) const = default;
};

// What the replica emitted during one command: messages per client id, and executions.
struct Outputs {
  std::map<std::uint64_t, std::vector<Message>> deliveries;
  std::vector<Executed> executions;
  bool operator==(const Outputs&) const = default;
};

class FakeBus final : public Bus {
 public:
  void send_to_replica(ReplicaIndex, const Message&) override { replica_sends_++; }
  SendStatus send_to_client(ClientId to, const Message& message) override {
    outputs_.deliveries[Raw(to)].push_back(message);
    return SendStatus::kSent;
  }
  void request_sync() override { sync_requests_++; }
  void on_execute(const Execution& execution) override {
    if (!execution.applied) unapplied_total_++;
    outputs_.executions.push_back(
        {execution.entry->op, execution.applied, execution.reply, execution.evicted});
  }

  void on_checkpoint_installed(const CheckpointInstalled&) override {}

  // Returns the sync requests since the last call, and forgets them.
  std::uint64_t take_sync_requests() { return std::exchange(sync_requests_, 0); }
  Outputs take_outputs() { return std::exchange(outputs_, {}); }
  const Outputs& outputs() const { return outputs_; }
  std::uint64_t replica_sends() const { return replica_sends_; }
  std::uint64_t unapplied_total() const { return unapplied_total_; }

 private:
  Outputs outputs_;
  std::uint64_t sync_requests_ = 0;
  std::uint64_t replica_sends_ = 0;
  std::uint64_t unapplied_total_ = 0;
};

struct World {
  explicit World(std::size_t clients_max)
      : replica({.index = ReplicaIndex{0},
                 .replica_count = 1,
                 .clients_max = clients_max,
                 .mutants = MutantSet{},
                 .view_change_timeout_ticks = 20,
                 .heartbeat_ticks = 2,
                 .retry_ticks = 4},
                storage, bus, 0) {}

  // Completes every sync the replica asks for, storage first, until it asks for none.
  void Settle() {
    for (int round = 0;; round++) {
      const std::uint64_t requests = bus.take_sync_requests();
      if (requests == 0) return;
      RC_ASSERT(requests == 1U);  // One sync in flight at a time.
      RC_ASSERT(round < kSyncRoundsMax);
      storage.sync();
      replica.on_sync_done();
    }
  }

  FakeStorage storage;
  FakeBus bus;
  Replica replica;
};

// --- The reference model ----------------------------------------------------------------------

// A client as the design sees it: the table entry it must have while its session is live, the
// requests committed in that session (history[n] is request n; the register is 0), and the
// sessions it lost to eviction.
struct ModelClient {
  std::optional<ClientEntry> live;
  std::vector<Request> history;
  std::vector<Session> evicted;
};

struct Model {
  std::size_t capacity = 0;
  Op op = 0;  // Every proposal commits within its command, so this is commit_min and commit_max.
  std::uint64_t offset = 0;  // The state machine's next offset.
  std::uint64_t payload_next = 1;
  std::map<std::uint64_t, ModelClient> clients;  // Ids 1..pool, every one present.
  std::uint64_t cached_replies = 0;
  std::uint64_t stale_dropped = 0;
  std::uint64_t evictions_sent = 0;
};

struct Pick {
  std::uint64_t client = 0;
  std::uint8_t entry_count = 1;
};

// The client's next request: a register without a live session, else the next append carrying
// fresh payload values.
Request NextRequest(Model& model, const Pick& pick) {
  const ModelClient& client = model.clients.at(pick.client);
  if (!client.live.has_value()) {
    return Request{.client = ClientId{pick.client}, .operation = Operation::kRegister};
  }
  Request request{.client = ClientId{pick.client},
                  .session = client.live->session,
                  .request = client.live->request + 1,
                  .operation = Operation::kAppend,
                  .entry_count = pick.entry_count};
  for (std::uint8_t i = 0; i < pick.entry_count; i++) request.entries.at(i) = model.payload_next++;
  return request;
}

// Executes `request` at the next op, as the design says, and adds what the replica must emit.
void CommitInModel(Model& model, const Request& request, Outputs& expected) {
  const Op op = ++model.op;
  ModelClient& client = model.clients.at(Raw(request.client));
  Executed executed{.op = op, .applied = true, .reply = {}, .evicted = std::nullopt};
  executed.reply = Reply{.view = 0,
                         .client = request.client,
                         .session = request.session,
                         .request = request.request,
                         .op = op};
  if (request.operation == Operation::kRegister) {
    executed.reply.session = op;
    const auto live_count = std::count_if(model.clients.begin(), model.clients.end(),
                                          [](const auto& c) { return c.second.live.has_value(); });
    if (static_cast<std::size_t>(live_count) == model.capacity) {
      ModelClient* oldest = nullptr;
      for (auto& [id, c] : model.clients) {
        if (c.live && (oldest == nullptr || c.live->commit < oldest->live->commit)) oldest = &c;
      }
      RC_ASSERT(oldest != nullptr);
      executed.evicted = oldest->live;
      oldest->evicted.push_back(oldest->live->session);
      oldest->live.reset();
      oldest->history.clear();
    }
    client.live = ClientEntry{request.client, op, 0, op, executed.reply};
    client.history = {request};
  } else if (client.live.has_value() && client.live->session == request.session) {
    executed.reply.first_offset = model.offset;
    executed.reply.entry_count = request.entry_count;
    model.offset += request.entry_count;
    client.live->request = request.request;
    client.live->commit = op;
    client.live->reply = executed.reply;
    client.history.push_back(request);
  } else {
    // Its session was evicted between its proposal and its commit: it does not execute.
    executed.applied = false;
  }
  if (executed.applied) expected.deliveries[Raw(request.client)].push_back(executed.reply);
  expected.executions.push_back(executed);
}

// --- Failure output ---------------------------------------------------------------------------

std::ostream& operator<<(std::ostream& os, const Reply& r) {
  return os << "Reply{view=" << r.view << " client=" << Raw(r.client) << " session=" << r.session
            << " request=" << r.request << " op=" << r.op << " first_offset=" << r.first_offset
            << " entry_count=" << static_cast<int>(r.entry_count) << "}";
}

std::ostream& operator<<(std::ostream& os, const Outputs& outputs) {
  for (const auto& [client, messages] : outputs.deliveries) {
    for (const Message& message : messages) {
      os << "to client " << client << ": ";
      if (const auto* reply = std::get_if<Reply>(&message)) {
        os << *reply;
      } else if (const auto* eviction = std::get_if<Eviction>(&message)) {
        os << "Eviction{view=" << eviction->view << " session=" << eviction->session << "}";
      } else {
        os << MessageName(message);
      }
      os << "; ";
    }
  }
  for (const Executed& e : outputs.executions) {
    os << "executed op=" << e.op << " applied=" << e.applied << " " << e.reply;
    if (e.evicted) os << " evicting client " << Raw(e.evicted->client);
    os << "; ";
  }
  return os;
}

struct TableRows {
  std::vector<ClientEntry> entries;
  bool operator==(const TableRows&) const = default;
};

std::ostream& operator<<(std::ostream& os, const TableRows& rows) {
  for (const ClientEntry& e : rows.entries) {
    os << "[client=" << Raw(e.client) << " session=" << e.session << " request=" << e.request
       << " commit=" << e.commit << " " << e.reply << "] ";
  }
  return os;
}

// --- Checks -----------------------------------------------------------------------------------

// The replica emitted exactly `expected` during the command and now equals `model`.
void AssertMatches(const Model& model, World& world, const Outputs& expected) {
  RC_ASSERT(world.bus.take_outputs() == expected);
  const Replica& replica = world.replica;
  RC_ASSERT(replica.op() == model.op);
  RC_ASSERT(replica.commit_min() == model.op);
  RC_ASSERT(replica.commit_max() == model.op);
  RC_ASSERT(!replica.sync_pending());
  RC_ASSERT(replica.state_machine().next_offset() == model.offset);
  TableRows rows;
  for (const auto& [id, client] : model.clients) {
    if (client.live) rows.entries.push_back(*client.live);
  }
  RC_ASSERT(TableRows{replica.clients_table().entries()} == rows);
  const ReplicaCounters& counters = replica.counters();
  RC_ASSERT(counters.cached_replies == model.cached_replies);
  RC_ASSERT(counters.stale_dropped == model.stale_dropped);
  RC_ASSERT(counters.evictions_sent == model.evictions_sent);
  RC_ASSERT(counters.client_sends_dropped == 0U);
  RC_ASSERT(counters.view_changes_started == 0U);
  RC_ASSERT(world.bus.replica_sends() == 0U);
  // Everything executed is durable: the journal is the log and the superblock names the commit.
  RC_ASSERT(world.storage.read_superblock().commit == model.op);
  RC_ASSERT(world.storage.read_journal() == replica.log().suffix(0));
}

// The model's side of a submission: every pick's next request is proposed at the next op in one
// sync window, then all commit in op order. Returns the requests, in proposal order.
std::vector<Request> SubmitInModel(Model& model, const std::vector<Pick>& picks,
                                   Outputs& expected) {
  std::vector<Request> requests;
  for (const Pick& pick : picks) requests.push_back(NextRequest(model, pick));
  for (const Request& request : requests) CommitInModel(model, request, expected);
  return requests;
}

// Proposes the picked clients' next requests in one sync window (optionally retransmitting each
// while it is in the pipeline), lets them commit, and checks the replica against the model.
void RunSubmission(const Model& model, World& world, const std::vector<Pick>& picks,
                   bool retransmit_in_pipeline) {
  Model next = model;
  Outputs expected;
  const std::vector<Request> requests = SubmitInModel(next, picks, expected);
  for (std::size_t i = 0; i < requests.size(); i++) {
    world.replica.on_message(requests[i]);
    // Proposed at the next op; nothing commits or replies before the sync.
    RC_ASSERT(world.replica.op() == model.op + i + 1);
    RC_ASSERT(world.replica.commit_min() == model.op);
  }
  if (retransmit_in_pipeline) {
    for (const Request& request : requests) world.replica.on_message(request);
    RC_ASSERT(world.replica.op() == model.op + requests.size());  // In progress: no new op.
  }
  RC_ASSERT(world.bus.outputs() == Outputs{});
  world.Settle();
  AssertMatches(next, world, expected);
}

// Sends a request that must not create an op, then checks the replica against `next`.
void RunResend(const Model& model, const Model& next, World& world, const Request& request,
               const Outputs& expected) {
  world.replica.on_message(request);
  RC_ASSERT(world.replica.op() == model.op);
  world.Settle();
  AssertMatches(next, world, expected);
}

// --- Commands ---------------------------------------------------------------------------------

using ReplicaCommand = rc::state::Command<Model, World>;

template <typename Eligible>
std::uint64_t PickClient(const Model& model, Eligible eligible) {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, client] : model.clients) {
    if (eligible(client)) ids.push_back(id);
  }
  RC_PRE(!ids.empty());
  return *rc::gen::elementOf(ids);
}

std::uint8_t GenEntryCount() { return *rc::gen::inRange<std::uint8_t>(1, kBatchEntriesMax + 1); }

bool IsLive(const ModelClient& client) { return client.live.has_value(); }
bool IsNotLive(const ModelClient& client) { return !client.live.has_value(); }

// The commands that propose: the picked clients' next requests, in one sync window.
struct Submit : ReplicaCommand {
  std::vector<Pick> picks;
  bool retransmit = false;  // Each request is sent again while it is in the pipeline.
  void apply(Model& model) const override {
    Outputs ignored;
    SubmitInModel(model, picks, ignored);
  }
  void run(const Model& model, World& world) const override {
    RunSubmission(model, world, picks, retransmit);
  }
};

// A client without a live session registers (again, if it was evicted).
struct Register : Submit {
  explicit Register(const Model& model) { picks = {{PickClient(model, IsNotLive), 0}}; }
  void checkPreconditions(const Model& model) const override {
    RC_PRE(IsNotLive(model.clients.at(picks[0].client)));
  }
  void show(std::ostream& os) const override { os << "Register(" << picks[0].client << ")"; }
};

// A client with a live session sends its next append, with fresh payload.
struct SubmitNext : Submit {
  explicit SubmitNext(const Model& model) {
    picks = {{PickClient(model, IsLive), GenEntryCount()}};
  }
  void checkPreconditions(const Model& model) const override {
    RC_PRE(IsLive(model.clients.at(picks[0].client)));
  }
  void show(std::ostream& os) const override { os << "SubmitNext(" << picks[0].client << ")"; }
};

// A client sends its next request (register or append) and retransmits it before it commits.
struct RetransmitBeforeCommit : Submit {
  explicit RetransmitBeforeCommit(const Model& model) {
    picks = {{*rc::gen::inRange<std::uint64_t>(1, model.clients.size() + 1), GenEntryCount()}};
    retransmit = true;
  }
  void show(std::ostream& os) const override {
    os << "RetransmitBeforeCommit(" << picks[0].client << ")";
  }
};

// Distinct clients, in a random order, each send their next request before any of them commits,
// so a register can evict a session whose append is already in the pipeline.
struct Pipeline : Submit {
  explicit Pipeline(const Model& model) {
    std::vector<std::uint64_t> ids(model.clients.size());
    std::iota(ids.begin(), ids.end(), 1U);
    RC_PRE(ids.size() >= 2U);
    for (std::size_t i = ids.size() - 1; i > 0; i--) {
      std::swap(ids[i], ids[*rc::gen::inRange<std::size_t>(0, i + 1)]);
    }
    const auto count =
        *rc::gen::inRange<std::size_t>(2, std::min(ids.size(), kPipelineClientsMax) + 1);
    for (std::size_t i = 0; i < count; i++) picks.push_back({ids[i], GenEntryCount()});
    retransmit = *rc::gen::arbitrary<bool>();
  }
  void show(std::ostream& os) const override {
    os << "Pipeline(";
    for (const Pick& pick : picks) os << pick.client << " ";
    os << (retransmit ? "retransmitted)" : ")");
  }
};

// A client resends its latest committed request: the cached reply comes back, byte-identical.
struct Retransmit : ReplicaCommand {
  std::uint64_t client;
  explicit Retransmit(const Model& model) : client(PickClient(model, IsLive)) {}
  void checkPreconditions(const Model& model) const override {
    RC_PRE(IsLive(model.clients.at(client)));
  }
  void apply(Model& model) const override { model.cached_replies++; }
  void run(const Model& model, World& world) const override {
    const ModelClient& c = model.clients.at(client);
    Outputs expected;
    expected.deliveries[client] = {c.live->reply};
    RunResend(model, nextState(model), world, c.history.back(), expected);
  }
  void show(std::ostream& os) const override { os << "Retransmit(" << client << ")"; }
};

// A client resends an older committed request of its live session: it gets nothing back.
struct SendStale : ReplicaCommand {
  std::uint64_t client;
  RequestNumber request;
  explicit SendStale(const Model& model)
      : client(
            PickClient(model, [](const ModelClient& c) { return c.live && c.live->request > 0; })),
        request(*rc::gen::inRange<RequestNumber>(0, model.clients.at(client).live->request)) {}
  void checkPreconditions(const Model& model) const override {
    const ModelClient& c = model.clients.at(client);
    RC_PRE(c.live.has_value() && request < c.live->request);
  }
  void apply(Model& model) const override { model.stale_dropped++; }
  void run(const Model& model, World& world) const override {
    RunResend(model, nextState(model), world, model.clients.at(client).history.at(request), {});
  }
  void show(std::ostream& os) const override {
    os << "SendStale(" << client << ", request=" << request << ")";
  }
};

// A client sends an append of a session it lost to eviction: it is told it was evicted.
struct SendEvicted : ReplicaCommand {
  std::uint64_t client;
  std::size_t index;
  RequestNumber request;
  explicit SendEvicted(const Model& model)
      : client(PickClient(model, [](const ModelClient& c) { return !c.evicted.empty(); })),
        index(*rc::gen::inRange<std::size_t>(0, model.clients.at(client).evicted.size())),
        request(*rc::gen::inRange<RequestNumber>(1, 4)) {}
  void checkPreconditions(const Model& model) const override {
    RC_PRE(index < model.clients.at(client).evicted.size());
  }
  void apply(Model& model) const override { model.evictions_sent++; }
  void run(const Model& model, World& world) const override {
    const Session session = model.clients.at(client).evicted.at(index);
    Outputs expected;
    expected.deliveries[client] = {
        Eviction{.view = 0, .client = ClientId{client}, .session = session}};
    const Request sent{.client = ClientId{client},
                       .session = session,
                       .request = request,
                       .operation = Operation::kAppend,
                       .entry_count = 1};
    RunResend(model, nextState(model), world, sent, expected);
  }
  void show(std::ostream& os) const override {
    os << "SendEvicted(" << client << ", evicted session #" << index << ", request=" << request
       << ")";
  }
};

// A client with a live session sends an append naming a session it never had, above its own: the
// replica cannot judge it (on a lagging replica it would be legitimate) and drops it silently.
struct SendSessionAhead : ReplicaCommand {
  std::uint64_t client;
  Session ahead;  // Added to the client's session.
  explicit SendSessionAhead(const Model& model)
      : client(PickClient(model, IsLive)), ahead(*rc::gen::inRange<Session>(1, 4)) {}
  void checkPreconditions(const Model& model) const override {
    RC_PRE(IsLive(model.clients.at(client)));
  }
  void run(const Model& model, World& world) const override {
    const ClientEntry& live = *model.clients.at(client).live;
    const Request sent{.client = ClientId{client},
                       .session = live.session + ahead,
                       .request = live.request + 1,
                       .operation = Operation::kAppend,
                       .entry_count = 1};
    RunResend(model, model, world, sent, {});
  }
  void show(std::ostream& os) const override {
    os << "SendSessionAhead(" << client << ", +" << ahead << ")";
  }
};

RC_GTEST_PROP(ReplicaProp, ClassifiesRequestsLikeTheModel, ()) {
  // Any sequence of registers, appends, pipelined proposals, retransmissions, stale requests and
  // requests of evicted sessions gets the model's answers and leaves the model's table.
  Model model;
  model.capacity = *rc::gen::inRange<std::size_t>(1, kCapacityMax + 1);
  const auto pool = *rc::gen::inRange<std::uint64_t>(1, kPoolMax + 1);
  for (std::uint64_t id = 1; id <= pool; id++) model.clients[id] = ModelClient{};
  World world(model.capacity);
  rc::state::check(
      model, world,
      rc::state::gen::execOneOfWithArgs<Register, SubmitNext, Pipeline, RetransmitBeforeCommit,
                                        Retransmit, SendStale, SendEvicted, SendSessionAhead>());
  const ReplicaCounters& counters = world.replica.counters();
  RC_CLASSIFY(counters.cached_replies > 0, "cached reply");
  RC_CLASSIFY(counters.stale_dropped > 0, "stale dropped");
  RC_CLASSIFY(counters.evictions_sent > 0, "eviction sent");
  RC_CLASSIFY(world.bus.unapplied_total() > 0, "append of a session evicted in the pipeline");
}

}  // namespace
}  // namespace vsrsim::core
