#include "core/clients_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "core/message.h"
#include "core/mutants.h"
#include "core/types.h"

namespace vsrsim::core {
namespace {

constexpr ClientId kAlice{1};
constexpr ClientId kBob{2};
constexpr ClientId kCarol{3};
constexpr ClientId kDave{4};

Request RegisterRequest(ClientId client) {
  return Request{.client = client, .operation = Operation::kRegister};
}

Request AppendRequest(ClientId client, Session session, RequestNumber request) {
  return Request{.client = client,
                 .session = session,
                 .request = request,
                 .operation = Operation::kAppend,
                 .entry_count = 1,
                 .entries = {request, 0, 0, 0}};
}

// The reply of a register committed at `op`: its op is the session number.
Reply RegisterReply(ClientId client, Op op) {
  return Reply{.view = 0, .client = client, .session = op, .request = 0, .op = op};
}

Reply AppendReply(ClientId client, Session session, RequestNumber request, Op op) {
  return Reply{.view = 1,
               .client = client,
               .session = session,
               .request = request,
               .op = op,
               .first_offset = op * 10,
               .entry_count = 1};
}

MutantSet With(Mutant mutant) {
  MutantSet mutants;
  mutants.Add(mutant);
  return mutants;
}

// A table holding Alice at session 1 with requests 1 and 2 committed (ops 2 and 3).
ClientsTable AliceAtRequestTwo(MutantSet mutants = {}) {
  ClientsTable table(4, mutants);
  EXPECT_FALSE(table.commit_register(RegisterReply(kAlice, 1)).has_value());
  table.commit_reply(AppendReply(kAlice, 1, 1, 2));
  table.commit_reply(AppendReply(kAlice, 1, 2, 3));
  return table;
}

// --- Classification of appends -------------------------------------------------------------------

TEST(ClientsTableTest, NextRequestIsNew) {
  // The request one above the latest committed one, not in the pipeline, is New with no reply.
  const ClientsTable table = AliceAtRequestTwo();
  const Classification c = table.check_request(AppendRequest(kAlice, 1, 3), false);
  EXPECT_EQ(c.status, RequestStatus::kNew);
  EXPECT_EQ(c.reply, nullptr);
}

TEST(ClientsTableTest, LatestCommittedRequestIsDuplicateWithByteIdenticalReply) {
  // A retransmission of the latest committed request is Duplicate and points at the cached reply.
  const ClientsTable table = AliceAtRequestTwo();
  const Classification c = table.check_request(AppendRequest(kAlice, 1, 2), false);
  ASSERT_EQ(c.status, RequestStatus::kDuplicate);
  ASSERT_NE(c.reply, nullptr);
  EXPECT_EQ(*c.reply, AppendReply(kAlice, 1, 2, 3));
  EXPECT_EQ(c.reply, &table.find(kAlice)->reply);
}

TEST(ClientsTableTest, DuplicateWinsOverInPipeline) {
  // A committed request is Duplicate even if the caller claims it is in the pipeline.
  const ClientsTable table = AliceAtRequestTwo();
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 2), true).status,
            RequestStatus::kDuplicate);
}

TEST(ClientsTableTest, OlderRequestIsStale) {
  // A request older than the latest committed one is Stale, not InProgress, whatever the pipeline.
  const ClientsTable table = AliceAtRequestTwo();
  for (const bool in_pipeline : {false, true}) {
    const Classification c = table.check_request(AppendRequest(kAlice, 1, 1), in_pipeline);
    EXPECT_EQ(c.status, RequestStatus::kStale) << "in_pipeline " << in_pipeline;
    EXPECT_EQ(c.reply, nullptr);
  }
}

TEST(ClientsTableTest, NextRequestInPipelineIsInProgress) {
  // A request that is newer than the latest committed one and already prepared is InProgress.
  const ClientsTable table = AliceAtRequestTwo();
  const Classification c = table.check_request(AppendRequest(kAlice, 1, 3), true);
  EXPECT_EQ(c.status, RequestStatus::kInProgress);
  EXPECT_EQ(c.reply, nullptr);
}

TEST(ClientsTableTest, UnknownClientIsEvicted) {
  // An append from a client the table does not hold is Evicted, in or out of the pipeline.
  const ClientsTable table = AliceAtRequestTwo();
  EXPECT_EQ(table.check_request(AppendRequest(kBob, 5, 1), false).status, RequestStatus::kEvicted);
  EXPECT_EQ(table.check_request(AppendRequest(kBob, 5, 1), true).status, RequestStatus::kEvicted);
}

TEST(ClientsTableTest, OlderSessionIsEvicted) {
  // An append of a session older than the client's current one is Evicted.
  ClientsTable table(4, {});
  table.commit_register(RegisterReply(kAlice, 5));
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 4, 1), false).status,
            RequestStatus::kEvicted);
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 5, 1), false).status, RequestStatus::kNew);
}

TEST(ClientsTableTest, NewerSessionIsSessionAhead) {
  // An append of a session newer than the table's entry means this replica lags: SessionAhead.
  const ClientsTable table = AliceAtRequestTwo();
  const Classification c = table.check_request(AppendRequest(kAlice, 7, 1), false);
  EXPECT_EQ(c.status, RequestStatus::kSessionAhead);
  EXPECT_EQ(c.reply, nullptr);
}

// --- Classification of registers -----------------------------------------------------------------

TEST(ClientsTableTest, RegisterOfUnknownClientIsNew) {
  // A register from a client the table does not hold is New.
  const ClientsTable table = AliceAtRequestTwo();
  EXPECT_EQ(table.check_request(RegisterRequest(kBob), false).status, RequestStatus::kNew);
}

TEST(ClientsTableTest, RegisterRetransmissionGetsCachedRegisterReply) {
  // A register retransmitted before any append is Duplicate and resends the register's reply.
  ClientsTable table(4, {});
  table.commit_register(RegisterReply(kAlice, 7));
  const Classification c = table.check_request(RegisterRequest(kAlice), false);
  ASSERT_EQ(c.status, RequestStatus::kDuplicate);
  ASSERT_NE(c.reply, nullptr);
  EXPECT_EQ(*c.reply, RegisterReply(kAlice, 7));
}

TEST(ClientsTableTest, RegisterAfterAppendsIsStale) {
  // Once an append of the session committed, a late register of the same client is Stale.
  const ClientsTable table = AliceAtRequestTwo();
  EXPECT_EQ(table.check_request(RegisterRequest(kAlice), false).status, RequestStatus::kStale);
}

TEST(ClientsTableTest, RegisterInPipelineIsInProgress) {
  // A register already prepared is InProgress, whether or not the client is in the table.
  const ClientsTable table = AliceAtRequestTwo();
  EXPECT_EQ(table.check_request(RegisterRequest(kBob), true).status, RequestStatus::kInProgress);
  EXPECT_EQ(table.check_request(RegisterRequest(kAlice), true).status, RequestStatus::kInProgress);
}

// --- Commits and eviction
// -------------------------------------------------------------------------

TEST(ClientsTableTest, CommitRegisterRecordsSessionAndReply) {
  // A committed register creates an entry whose session and commit are the register's op.
  ClientsTable table(2, {});
  EXPECT_FALSE(table.commit_register(RegisterReply(kBob, 3)).has_value());
  const ClientEntry* entry = table.find(kBob);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(*entry, (ClientEntry{.client = kBob,
                                 .session = 3,
                                 .request = 0,
                                 .commit = 3,
                                 .reply = RegisterReply(kBob, 3)}));
  EXPECT_EQ(table.find(kAlice), nullptr);
}

TEST(ClientsTableTest, CommitReplyUpdatesLatestRequest) {
  // A committed append moves the entry's request, commit and cached reply forward.
  const ClientsTable table = AliceAtRequestTwo();
  const ClientEntry* entry = table.find(kAlice);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->session, 1U);
  EXPECT_EQ(entry->request, 2U);
  EXPECT_EQ(entry->commit, 3U);
  EXPECT_EQ(entry->reply, AppendReply(kAlice, 1, 2, 3));
}

TEST(ClientsTableTest, AppendsIntoFullTableNeverEvict) {
  // Appends of clients already in a full table never evict anyone.
  ClientsTable table(2, {});
  table.commit_register(RegisterReply(kAlice, 1));
  table.commit_register(RegisterReply(kBob, 2));
  table.commit_reply(AppendReply(kAlice, 1, 1, 3));
  table.commit_reply(AppendReply(kBob, 2, 1, 4));
  table.commit_reply(AppendReply(kAlice, 1, 2, 5));
  EXPECT_EQ(table.entries().size(), 2U);
  EXPECT_TRUE(table.has_session(kAlice, 1));
  EXPECT_TRUE(table.has_session(kBob, 2));
}

TEST(ClientsTableTest, RegisterIntoFullTableEvictsOldestCommit) {
  // A register into a full table evicts the entry whose latest commit is oldest, and returns it.
  ClientsTable table(3, {});
  table.commit_register(RegisterReply(kAlice, 1));
  table.commit_register(RegisterReply(kBob, 2));
  table.commit_register(RegisterReply(kCarol, 3));
  table.commit_reply(AppendReply(kAlice, 1, 1, 4));
  table.commit_reply(AppendReply(kCarol, 3, 1, 5));
  // Latest commits: Alice 4, Bob 2, Carol 5. Bob is neither the first inserted nor the lowest id.
  const std::optional<ClientEntry> evicted = table.commit_register(RegisterReply(kDave, 6));
  ASSERT_TRUE(evicted.has_value());
  EXPECT_EQ(*evicted, (ClientEntry{.client = kBob,
                                   .session = 2,
                                   .request = 0,
                                   .commit = 2,
                                   .reply = RegisterReply(kBob, 2)}));
  EXPECT_EQ(table.entries().size(), 3U);
  EXPECT_EQ(table.find(kBob), nullptr);
  EXPECT_TRUE(table.has_session(kDave, 6));
  EXPECT_EQ(table.check_request(AppendRequest(kBob, 2, 1), false).status, RequestStatus::kEvicted);
}

TEST(ClientsTableTest, EvictionIsIndependentOfInsertionOrder) {
  // For every order in which three clients register, the one with the oldest latest commit is
  // evicted and the surviving entries are kept sorted by client id.
  std::array<ClientId, 3> order = {kAlice, kBob, kCarol};
  int orders = 0;
  do {
    ClientsTable table(3, {});
    for (std::size_t i = 0; i < order.size(); i++)
      table.commit_register(RegisterReply(order[i], i + 1));
    // The first and last registered clients commit an append; the middle one keeps commit 2.
    table.commit_reply(AppendReply(order[0], 1, 1, 4));
    table.commit_reply(AppendReply(order[2], 3, 1, 5));
    const std::optional<ClientEntry> evicted = table.commit_register(RegisterReply(kDave, 6));
    ASSERT_TRUE(evicted.has_value());
    EXPECT_EQ(evicted->client, order[1]);
    EXPECT_EQ(evicted->commit, 2U);
    ASSERT_EQ(table.entries().size(), 3U);
    EXPECT_TRUE(std::is_sorted(
        table.entries().begin(), table.entries().end(),
        [](const ClientEntry& a, const ClientEntry& b) { return Raw(a.client) < Raw(b.client); }));
    orders++;
  } while (std::next_permutation(order.begin(), order.end(),
                                 [](ClientId a, ClientId b) { return Raw(a) < Raw(b); }));
  EXPECT_EQ(orders, 6);
}

TEST(ClientsTableTest, SameCommitsGiveEqualTables) {
  // Two tables fed the same commits in op order are equal, evictions included.
  ClientsTable a(2, {});
  ClientsTable b(2, {});
  for (ClientsTable* table : {&a, &b}) {
    table->commit_register(RegisterReply(kCarol, 1));
    table->commit_register(RegisterReply(kAlice, 2));
    table->commit_reply(AppendReply(kCarol, 1, 1, 3));
    table->commit_register(RegisterReply(kBob, 4));
  }
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.Digest(), b.Digest());
  EXPECT_EQ(a.find(kAlice), nullptr);
}

// --- Queries
// ---------------------------------------------------------------------------------------

TEST(ClientsTableTest, HasSessionAndAdmitsOnlyTheCurrentSession) {
  // has_session and admits are true for the client's current session only.
  ClientsTable table(4, {});
  table.commit_register(RegisterReply(kAlice, 5));
  EXPECT_TRUE(table.has_session(kAlice, 5));
  EXPECT_FALSE(table.has_session(kAlice, 4));
  EXPECT_FALSE(table.has_session(kAlice, 6));
  EXPECT_FALSE(table.has_session(kBob, 5));
  EXPECT_TRUE(table.admits(AppendRequest(kAlice, 5, 1)));
  EXPECT_FALSE(table.admits(AppendRequest(kAlice, 4, 1)));
  EXPECT_FALSE(table.admits(AppendRequest(kBob, 5, 1)));
}

TEST(ClientsTableTest, DigestEqualForEqualTablesAndChangesOnCommit) {
  // Equal tables have equal digests; a committed append or register changes the digest.
  ClientsTable a(4, {});
  ClientsTable b(4, {});
  EXPECT_EQ(a.Digest(), b.Digest());
  a.commit_register(RegisterReply(kAlice, 1));
  b.commit_register(RegisterReply(kAlice, 1));
  EXPECT_EQ(a.Digest(), b.Digest());
  const std::uint64_t before = a.Digest();
  a.commit_reply(AppendReply(kAlice, 1, 1, 2));
  EXPECT_NE(a.Digest(), before);
  EXPECT_NE(a.Digest(), b.Digest());
  b.commit_reply(AppendReply(kAlice, 1, 1, 2));
  EXPECT_EQ(a.Digest(), b.Digest());
  b.commit_register(RegisterReply(kBob, 3));
  EXPECT_NE(a.Digest(), b.Digest());
}

TEST(ClientsTableTest, PendingIsIgnoredWithoutMutants) {
  // Without mutants a registered pending waiter does not change any classification.
  ClientsTable table = AliceAtRequestTwo();
  table.register_pending(kAlice, 3);
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 3), false).status, RequestStatus::kNew);
}

// --- Mutants -------------------------------------------------------------------------------------

TEST(ClientsTableMutantTest, StaleAsInProgressClassifiesOlderRequestInProgress) {
  // Mutant (c): a request older than the latest committed one is InProgress instead of Stale.
  const ClientsTable table = AliceAtRequestTwo(With(Mutant::kStaleAsInProgress));
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 1), false).status,
            RequestStatus::kInProgress);
  // The other answers are unchanged.
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 2), false).status,
            RequestStatus::kDuplicate);
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 3), false).status, RequestStatus::kNew);
  EXPECT_EQ(table.check_request(AppendRequest(kBob, 1, 1), false).status, RequestStatus::kEvicted);
}

TEST(ClientsTableMutantTest, SilentEvictionTreatsUnknownClientAsNew) {
  // Mutant (e): an unknown client's append is New, and committing it inserts the client and
  // silently evicts the entry with the oldest commit from a full table.
  ClientsTable table(2, With(Mutant::kSilentEviction));
  table.commit_register(RegisterReply(kAlice, 1));
  table.commit_register(RegisterReply(kBob, 2));
  EXPECT_EQ(table.check_request(AppendRequest(kCarol, 9, 1), false).status, RequestStatus::kNew);
  EXPECT_EQ(table.check_request(AppendRequest(kCarol, 9, 1), true).status,
            RequestStatus::kInProgress);
  EXPECT_TRUE(table.admits(AppendRequest(kCarol, 9, 1)));
  table.commit_reply(AppendReply(kCarol, 9, 1, 3));
  // Alice had the oldest commit and is gone without a register having committed.
  EXPECT_EQ(table.entries().size(), 2U);
  EXPECT_EQ(table.find(kAlice), nullptr);
  EXPECT_TRUE(table.has_session(kBob, 2));
  ASSERT_NE(table.find(kCarol), nullptr);
  EXPECT_EQ(table.find(kCarol)->reply, AppendReply(kCarol, 9, 1, 3));
  // Alice's retransmission after her silent eviction now looks New, so it would execute again.
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 1), false).status, RequestStatus::kNew);
}

TEST(ClientsTableMutantTest, TablePrimaryOnlyCallsAnUnknownClientNew) {
  // Mutant (a) keeps the reviewed classification: a client the table does not hold (a backup's
  // table stayed empty) is New and admitted, and executing its append inserts it.
  ClientsTable table(2, With(Mutant::kTablePrimaryOnly));
  EXPECT_EQ(table.check_request(AppendRequest(kCarol, 9, 1), false).status, RequestStatus::kNew);
  EXPECT_EQ(table.check_request(AppendRequest(kCarol, 9, 1), true).status,
            RequestStatus::kInProgress);
  EXPECT_TRUE(table.admits(AppendRequest(kCarol, 9, 1)));
  table.commit_reply(AppendReply(kCarol, 9, 1, 3));
  ASSERT_NE(table.find(kCarol), nullptr);
  EXPECT_EQ(table.check_request(AppendRequest(kCarol, 9, 1), false).status,
            RequestStatus::kDuplicate);
}

TEST(ClientsTableMutantTest, PendingSurvivesUntilResolvedAfterCommit) {
  // Mutant (d): a pending (client, request) answers InProgress until the primary resolves it after
  // that request's commit; committing alone (as a backup does) leaves it in place.
  ClientsTable table = AliceAtRequestTwo(With(Mutant::kPendingSurvivesViewChange));
  table.register_pending(kAlice, 3);
  EXPECT_EQ(table.pending_count(), 1U);
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 3), false).status,
            RequestStatus::kInProgress);
  // Another request of the same client is unaffected.
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 2), false).status,
            RequestStatus::kDuplicate);
  table.commit_reply(AppendReply(kAlice, 1, 3, 4));
  EXPECT_EQ(table.pending_count(), 1U);
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 3), false).status,
            RequestStatus::kInProgress);
  table.resolve_pending(kAlice, 3);
  EXPECT_EQ(table.pending_count(), 0U);
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 3), false).status,
            RequestStatus::kDuplicate);
}

TEST(ClientsTableMutantTest, PendingSurvivesUntilClearPending) {
  // Mutant (d): a pending (client, request) answers InProgress until clear_pending.
  ClientsTable table = AliceAtRequestTwo(With(Mutant::kPendingSurvivesViewChange));
  table.register_pending(kAlice, 3);
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 3), false).status,
            RequestStatus::kInProgress);
  table.clear_pending();
  EXPECT_EQ(table.pending_count(), 0U);
  EXPECT_EQ(table.check_request(AppendRequest(kAlice, 1, 3), false).status, RequestStatus::kNew);
}

}  // namespace
}  // namespace vsrsim::core
