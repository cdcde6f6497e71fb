// A stateful RapidCheck test of ClientsTable against a reference model written from the design
// (shared/DESIGN.md, "The system under test"): a map from client to its latest committed session,
// request, op and reply, with capacity and oldest-commit eviction on register. Small pools of
// clients and small capacities make evictions frequent.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <vector>

#include "core/clients_table.h"
#include "core/message.h"
#include "core/mutants.h"
#include "core/types.h"

namespace vsrsim::core {
namespace {

constexpr std::uint64_t kClientsMin = 1;
constexpr std::uint64_t kClientsMax = 8;

struct ModelEntry {
  Session session = 0;
  RequestNumber request = 0;
  Op commit = 0;
  Reply reply{};
};

struct Model {
  std::size_t capacity = 0;
  Op op = 0;  // The op of the latest commit.
  std::uint64_t offset = 0;
  std::map<std::uint64_t, ModelEntry> clients;
  // Every session each client ever had, evicted ones included, to aim requests at old sessions.
  std::map<std::uint64_t, std::vector<Session>> sessions;
};

// The design's classification, written independently of ClientsTable::check_request.
RequestStatus Classify(const Model& model, const Request& request, bool in_pipeline) {
  const auto it = model.clients.find(Raw(request.client));
  if (request.operation == Operation::kRegister) {
    if (in_pipeline) return RequestStatus::kInProgress;
    if (it == model.clients.end()) return RequestStatus::kNew;
    return it->second.request == 0 ? RequestStatus::kDuplicate : RequestStatus::kStale;
  }
  if (it == model.clients.end()) return RequestStatus::kEvicted;
  const ModelEntry& entry = it->second;
  if (request.session < entry.session) return RequestStatus::kEvicted;
  if (request.session > entry.session) return RequestStatus::kSessionAhead;
  if (request.request < entry.request) return RequestStatus::kStale;
  if (request.request == entry.request) return RequestStatus::kDuplicate;
  return in_pipeline ? RequestStatus::kInProgress : RequestStatus::kNew;
}

// The client whose latest commit is oldest. Requires: the model holds a client.
std::uint64_t OldestClient(const Model& model) {
  std::optional<std::uint64_t> oldest;
  Op oldest_commit = 0;
  for (const auto& [client, entry] : model.clients) {
    if (!oldest.has_value() || entry.commit < oldest_commit) {
      oldest = client;
      oldest_commit = entry.commit;
    }
  }
  RC_ASSERT(oldest.has_value());
  return *oldest;
}

// The table holds exactly the model's entries, in client id order, within capacity.
void AssertTableMatches(const Model& model, const ClientsTable& table) {
  RC_ASSERT(table.entries().size() <= model.capacity);
  RC_ASSERT(table.entries().size() == model.clients.size());
  auto it = model.clients.begin();
  for (const ClientEntry& entry : table.entries()) {
    RC_ASSERT(Raw(entry.client) == it->first);
    RC_ASSERT(entry.session == it->second.session);
    RC_ASSERT(entry.request == it->second.request);
    RC_ASSERT(entry.commit == it->second.commit);
    RC_ASSERT(entry.reply == it->second.reply);
    ++it;
  }
}

using TableCommand = rc::state::Command<Model, ClientsTable>;

// A register of a client that is not in the table commits at the next op.
struct RegisterCommit : TableCommand {
  std::uint64_t client = 0;
  View view = 0;

  explicit RegisterCommit(const Model& model) {
    std::vector<std::uint64_t> absent;
    for (std::uint64_t c = kClientsMin; c <= kClientsMax; c++) {
      if (!model.clients.contains(c)) absent.push_back(c);
    }
    RC_PRE(!absent.empty());
    client = *rc::gen::elementOf(absent);
    view = *rc::gen::inRange<View>(0, 4);
  }

  void checkPreconditions(const Model& model) const override {
    RC_PRE(!model.clients.contains(client));
  }

  Reply MakeReply(const Model& model) const {
    const Op op = model.op + 1;
    return Reply{.view = view, .client = ClientId{client}, .session = op, .request = 0, .op = op};
  }

  void apply(Model& model) const override {
    const Reply reply = MakeReply(model);
    if (model.clients.size() == model.capacity) model.clients.erase(OldestClient(model));
    model.clients[client] = ModelEntry{reply.session, 0, reply.op, reply};
    model.sessions[client].push_back(reply.session);
    model.op = reply.op;
  }

  void run(const Model& model, ClientsTable& table) const override {
    std::optional<std::uint64_t> expected_evicted;
    if (model.clients.size() == model.capacity) expected_evicted = OldestClient(model);
    const std::optional<ClientEntry> evicted = table.commit_register(MakeReply(model));
    RC_ASSERT(evicted.has_value() == expected_evicted.has_value());
    if (evicted.has_value()) {
      const ModelEntry& entry = model.clients.at(*expected_evicted);
      RC_ASSERT(Raw(evicted->client) == *expected_evicted);
      RC_ASSERT(evicted->session == entry.session);
      RC_ASSERT(evicted->commit == entry.commit);
      RC_ASSERT(evicted->reply == entry.reply);
    }
    AssertTableMatches(nextState(model), table);
  }

  void show(std::ostream& os) const override {
    os << "RegisterCommit(client=" << client << ", view=" << view << ")";
  }
};

// The next request of a client in the table commits at the next op.
struct AppendCommit : TableCommand {
  std::uint64_t client = 0;
  View view = 0;
  std::uint8_t entry_count = 0;

  explicit AppendCommit(const Model& model) {
    RC_PRE(!model.clients.empty());
    std::vector<std::uint64_t> present;
    for (const auto& [c, entry] : model.clients) present.push_back(c);
    client = *rc::gen::elementOf(present);
    view = *rc::gen::inRange<View>(0, 4);
    entry_count = *rc::gen::inRange<std::uint8_t>(1, kBatchEntriesMax + 1);
  }

  Reply MakeReply(const Model& model) const {
    const ModelEntry& entry = model.clients.at(client);
    return Reply{.view = view,
                 .client = ClientId{client},
                 .session = entry.session,
                 .request = entry.request + 1,
                 .op = model.op + 1,
                 .first_offset = model.offset,
                 .entry_count = entry_count};
  }

  void checkPreconditions(const Model& model) const override {
    RC_PRE(model.clients.contains(client));
  }

  void apply(Model& model) const override {
    const Reply reply = MakeReply(model);
    ModelEntry& entry = model.clients.at(client);
    entry.request = reply.request;
    entry.commit = reply.op;
    entry.reply = reply;
    model.op = reply.op;
    model.offset += entry_count;
  }

  void run(const Model& model, ClientsTable& table) const override {
    const std::size_t size_before = table.entries().size();
    table.commit_reply(MakeReply(model));
    RC_ASSERT(table.entries().size() == size_before);
    AssertTableMatches(nextState(model), table);
  }

  void show(std::ostream& os) const override {
    os << "AppendCommit(client=" << client << ", view=" << view
       << ", entries=" << static_cast<int>(entry_count) << ")";
  }
};

// Classifies a generated request, aimed near the client's current and past sessions and its
// latest request, and compares with the model.
struct CheckRequest : TableCommand {
  Request request{};
  bool in_pipeline = false;

  explicit CheckRequest(const Model& model) {
    // Mostly a client in the table, so that every status comes up often.
    std::vector<std::uint64_t> present;
    for (const auto& [c, entry] : model.clients) present.push_back(c);
    const auto client = present.empty() || *rc::gen::inRange(0, 4) == 0
                            ? *rc::gen::inRange<std::uint64_t>(kClientsMin, kClientsMax + 1)
                            : *rc::gen::elementOf(present);
    in_pipeline = *rc::gen::arbitrary<bool>();
    request.client = ClientId{client};
    if (*rc::gen::inRange(0, 8) == 0) {
      request.operation = Operation::kRegister;
      return;
    }
    request.operation = Operation::kAppend;
    request.entry_count = 1;
    std::vector<Session> candidates = {model.op + 1};
    RequestNumber latest = 0;
    if (const auto it = model.sessions.find(client); it != model.sessions.end()) {
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    }
    if (const auto it = model.clients.find(client); it != model.clients.end()) {
      // Weigh the current session heavily so Duplicate, Stale, New and InProgress all come up.
      candidates.insert(candidates.end(), 4, it->second.session);
      candidates.push_back(it->second.session + 1);
      latest = it->second.request;
    }
    request.session = *rc::gen::elementOf(candidates);
    const RequestNumber low = latest > 2 ? latest - 2 : 1;
    request.request = *rc::gen::inRange<RequestNumber>(low, latest + 3);
  }

  void run(const Model& model, ClientsTable& table) const override {
    const Classification c = table.check_request(request, in_pipeline);
    const RequestStatus expected = Classify(model, request, in_pipeline);
    RC_ASSERT(c.status == expected);
    if (expected == RequestStatus::kDuplicate) {
      RC_ASSERT(c.reply != nullptr);
      RC_ASSERT(*c.reply == model.clients.at(Raw(request.client)).reply);
    } else {
      RC_ASSERT(c.reply == nullptr);
    }
  }

  void show(std::ostream& os) const override {
    os << "CheckRequest(client=" << Raw(request.client)
       << ", op=" << (request.operation == Operation::kRegister ? "register" : "append")
       << ", session=" << request.session << ", request=" << request.request
       << ", in_pipeline=" << in_pipeline << ")";
  }
};

RC_GTEST_PROP(ClientsTableProp, MatchesReferenceModel, ()) {
  // Any interleaving of register commits, append commits and classifications keeps the table
  // equal to the model and classifies every request as the model does.
  Model model;
  model.capacity = *rc::gen::inRange<std::size_t>(2, 5);
  ClientsTable table(model.capacity, MutantSet{});
  rc::state::check(model, table,
                   rc::state::gen::execOneOfWithArgs<RegisterCommit, AppendCommit, CheckRequest>());
}

RC_GTEST_PROP(ClientsTableProp, SameCommitsGiveSameTableAndDigest, ()) {
  // Two tables that execute the same commits in op order are equal and have equal digests, and
  // the digest tells them apart from the table one commit earlier.
  const auto capacity = *rc::gen::inRange<std::size_t>(1, 5);
  const auto steps = *rc::gen::container<std::vector<std::uint64_t>>(
      rc::gen::inRange<std::uint64_t>(kClientsMin, kClientsMax + 1));
  ClientsTable a(capacity, MutantSet{});
  ClientsTable b(capacity, MutantSet{});
  Op op = 0;
  for (const std::uint64_t client : steps) {
    // A client in the table appends its next request; one that is not registers.
    op++;
    const ClientEntry* found = a.find(ClientId{client});
    const std::optional<ClientEntry> entry =
        found == nullptr ? std::nullopt : std::optional<ClientEntry>(*found);
    const std::uint64_t digest_before = a.Digest();
    for (ClientsTable* table : {&a, &b}) {
      if (!entry.has_value()) {
        table->commit_register(
            Reply{.client = ClientId{client}, .session = op, .request = 0, .op = op});
      } else {
        table->commit_reply(Reply{.client = ClientId{client},
                                  .session = entry->session,
                                  .request = entry->request + 1,
                                  .op = op,
                                  .first_offset = op,
                                  .entry_count = 1});
      }
    }
    RC_ASSERT(a == b);
    RC_ASSERT(a.Digest() == b.Digest());
    RC_ASSERT(a.Digest() != digest_before);
  }
}

}  // namespace
}  // namespace vsrsim::core
