#include "sim/reply_caching.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bus.h"
#include "core/message.h"
#include "core/partition_log.h"
#include "sim/at_most_once.h"

namespace vsrsim::sim {
namespace {

constexpr core::ClientId kClient{0x77};
constexpr core::ClientId kOtherClient{0x99};

// A canonical history of three ops: kClient registers (op 1, session 1), appends request 1 with two
// payloads at offset 0 (op 2), and kOtherClient's append of a session the table no longer holds
// commits without being applied (op 3).
class ReplyCachingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Commit(core::Request{.client = kClient, .operation = core::Operation::kRegister}, true,
           core::Reply{.view = 0, .client = kClient, .session = 1, .request = 0, .op = 1});
    Commit(core::Request{.client = kClient,
                         .session = 1,
                         .request = 1,
                         .operation = core::Operation::kAppend,
                         .entry_count = 2,
                         .entries = {5, 6, 0, 0}},
           true, append_reply_);
    Commit(core::Request{.client = kOtherClient,
                         .session = 4,
                         .request = 1,
                         .operation = core::Operation::kAppend,
                         .entry_count = 1,
                         .entries = {7, 0, 0, 0}},
           false,
           core::Reply{.view = 0, .client = kOtherClient, .session = 4, .request = 1, .op = 3});
  }

  void Commit(const core::Request& request, bool applied, const core::Reply& reply,
              std::optional<core::ClientEntry> evicted = std::nullopt) {
    entries_.push_back(core::MakeEntry(entries_.back(), 0, request));
    if (applied && request.operation == core::Operation::kAppend) {
      log_.append(std::span<const std::uint64_t>(request.entries.data(), request.entry_count));
    }
    const core::Execution execution{.replica = core::ReplicaIndex{0},
                                    .entry = &entries_.back(),
                                    .applied = applied,
                                    .reply = reply,
                                    .evicted = evicted,
                                    .state_machine = &log_};
    ASSERT_EQ(history_.on_execute(execution), std::nullopt);
  }

  static void ExpectViolation(const Finding& finding, const std::vector<std::string>& mentions) {
    ASSERT_TRUE(finding.has_value());
    EXPECT_EQ(finding->outcome, Outcome::kSafety);
    EXPECT_EQ(finding->checker, "reply-caching");
    for (const std::string& mention : mentions) {
      EXPECT_NE(finding->message.find(mention), std::string::npos)
          << "'" << mention << "' not in: " << finding->message;
    }
  }

  const core::Reply append_reply_{.view = 0,
                                  .client = kClient,
                                  .session = 1,
                                  .request = 1,
                                  .op = 2,
                                  .first_offset = 0,
                                  .entry_count = 2};
  std::vector<core::LogEntry> entries_ = [] {
    std::vector<core::LogEntry> entries = {core::LogEntry{}};
    entries.reserve(16);  // Executions point into it; it must not reallocate.
    return entries;
  }();
  core::PartitionLog log_;  // Replica 0's partition log.
  AtMostOnceChecker history_;
  ReplyCachingChecker checker_{history_};
};

TEST_F(ReplyCachingTest, ReplyEqualToTheHistoryPasses) {
  // Accepting exactly the reply of the op's execution (register or append, any number of times)
  // passes.
  EXPECT_EQ(checker_.on_accept(append_reply_), std::nullopt);
  EXPECT_EQ(checker_.on_accept(append_reply_), std::nullopt);
  EXPECT_EQ(checker_.on_accept(
                core::Reply{.view = 0, .client = kClient, .session = 1, .request = 0, .op = 1}),
            std::nullopt);
}

TEST_F(ReplyCachingTest, DifferentFirstOffsetFires) {
  // A reply whose first_offset differs from the execution's is not the cached reply.
  core::Reply reply = append_reply_;
  reply.first_offset = 1;
  ExpectViolation(checker_.on_accept(reply), {fmt::format("client {}", core::Raw(kClient)),
                                              "request 1", "op 2", "offset 1 vs 0"});
}

TEST_F(ReplyCachingTest, AnyOtherDifferingFieldFires) {
  // The comparison is of the whole reply: a different view, session or entry count fires too.
  core::Reply view = append_reply_;
  view.view = 1;
  ExpectViolation(checker_.on_accept(view), {"view 1 vs 0"});
  core::Reply entry_count = append_reply_;
  entry_count.entry_count = 1;
  ExpectViolation(checker_.on_accept(entry_count), {"differs"});
  core::Reply session = append_reply_;
  session.session = 2;
  ExpectViolation(checker_.on_accept(session), {"session 2 vs 1"});
}

TEST_F(ReplyCachingTest, ReplyForUncommittedOpFires) {
  // A reply for an op beyond the committed history, or for op 0, fires.
  core::Reply reply = append_reply_;
  reply.op = 4;
  ExpectViolation(checker_.on_accept(reply), {"at op 4", "no replica committed"});
  reply.op = 0;
  ExpectViolation(checker_.on_accept(reply), {"at op 0", "no replica committed"});
}

TEST_F(ReplyCachingTest, ReplyForOpCommittedLaterPasses) {
  // The control for the test above: once op 4 commits with that reply, accepting it passes.
  const core::Reply reply{.view = 0,
                          .client = kClient,
                          .session = 1,
                          .request = 2,
                          .op = 4,
                          .first_offset = 2,
                          .entry_count = 1};
  ExpectViolation(checker_.on_accept(reply), {"no replica committed"});
  Commit(core::Request{.client = kClient,
                       .session = 1,
                       .request = 2,
                       .operation = core::Operation::kAppend,
                       .entry_count = 1,
                       .entries = {8, 0, 0, 0}},
         true, reply);
  EXPECT_EQ(checker_.on_accept(reply), std::nullopt);
}

TEST_F(ReplyCachingTest, ReplyNamingAnotherRequestFires) {
  // A reply for op 2 that names a request other than the one op 2 executed fires.
  core::Reply reply = append_reply_;
  reply.request = 2;
  ExpectViolation(
      checker_.on_accept(reply),
      {"request 2 at op 2", fmt::format("executed client {} request 1", core::Raw(kClient))});
  core::Reply other_client = append_reply_;
  other_client.client = kOtherClient;
  ExpectViolation(checker_.on_accept(other_client),
                  {fmt::format("client {}", core::Raw(kOtherClient)), "op 2"});
}

TEST_F(ReplyCachingTest, ReplyForNonAppliedOpFires) {
  // A reply for an op that committed but did not execute (its session was gone) fires.
  const core::Reply reply{.view = 0, .client = kOtherClient, .session = 4, .request = 1, .op = 3};
  ExpectViolation(checker_.on_accept(reply), {"op 3", "applied false"});
}

TEST_F(ReplyCachingTest, EvictionByACommittedRegisterPasses) {
  // An eviction naming the session a committed register evicted passes.
  constexpr core::ClientId kNewcomer{0x55};
  Commit(core::Request{.client = kNewcomer, .operation = core::Operation::kRegister}, true,
         core::Reply{.view = 0, .client = kNewcomer, .session = 4, .request = 0, .op = 4},
         core::ClientEntry{.client = kOtherClient, .session = 3, .request = 0, .commit = 3});
  EXPECT_EQ(checker_.on_eviction(core::Eviction{.view = 2, .client = kOtherClient, .session = 3}),
            std::nullopt);
}

TEST_F(ReplyCachingTest, EvictionNoRegisterMadeFires) {
  // An eviction of a session that no committed register evicted fires, naming client and session.
  constexpr core::ClientId kNewcomer{0x55};
  Commit(core::Request{.client = kNewcomer, .operation = core::Operation::kRegister}, true,
         core::Reply{.view = 0, .client = kNewcomer, .session = 4, .request = 0, .op = 4},
         core::ClientEntry{.client = kOtherClient, .session = 3, .request = 0, .commit = 3});
  ExpectViolation(checker_.on_eviction(core::Eviction{.view = 2, .client = kClient, .session = 1}),
                  {fmt::format("client {}", core::Raw(kClient)), "session 1", "view 2",
                   "no committed register evicted it"});
  // The right client with another session, or the evicted session of another client, fires too.
  ExpectViolation(
      checker_.on_eviction(core::Eviction{.view = 2, .client = kOtherClient, .session = 4}),
      {"session 4"});
  ExpectViolation(
      checker_.on_eviction(core::Eviction{.view = 2, .client = kNewcomer, .session = 3}),
      {fmt::format("client {}", core::Raw(kNewcomer))});
}

}  // namespace
}  // namespace vsrsim::sim
