#include "sim/linearizability.h"

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

constexpr core::ClientId kAlice{0x41};
constexpr core::ClientId kBob{0x42};

// Feeds a canonical history to an AtMostOnceChecker, one committed op at a time, and hands out
// the reply each op's execution produced.
class LinearizabilityTest : public ::testing::Test {
 protected:
  LinearizabilityTest() { entries_.reserve(16); }  // Executions point into it: no reallocation.

  void Register(core::ClientId client) {
    const core::Op op = entries_.size();
    Commit(core::Request{.client = client, .operation = core::Operation::kRegister}, true,
           core::Reply{.client = client, .session = op, .op = op});
  }

  // Commits an append of `count` entries whose reply says the executing replica placed them at
  // `first_offset`. The partition log places them at its end; a reply that says otherwise is a
  // false claim, which the at-most-once checker reports (kept in claim_finding_).
  core::Reply Append(core::ClientId client, core::Session session, core::RequestNumber request,
                     std::uint8_t count, std::uint64_t first_offset, bool applied = true) {
    const core::Op op = entries_.size();
    core::Request append{.client = client,
                         .session = session,
                         .request = request,
                         .operation = core::Operation::kAppend,
                         .entry_count = count};
    for (std::uint8_t i = 0; i < count; i++) append.entries[i] = op * 100 + i;
    core::Reply reply{.client = client, .session = session, .request = request, .op = op};
    if (applied) {
      reply.first_offset = first_offset;
      reply.entry_count = count;
    }
    Commit(append, applied, reply, /*claim_true=*/!applied || first_offset == log_.next_offset());
    return reply;
  }

  void Commit(const core::Request& request, bool applied, const core::Reply& reply,
              bool claim_true = true) {
    entries_.push_back(core::MakeEntry(entries_.back(), 0, request));
    if (applied && request.operation == core::Operation::kAppend) {
      log_.append(std::span<const std::uint64_t>(request.entries.data(), request.entry_count));
    }
    const core::Execution execution{.replica = core::ReplicaIndex{0},
                                    .entry = &entries_.back(),
                                    .applied = applied,
                                    .reply = reply,
                                    .evicted = std::nullopt,
                                    .state_machine = &log_};
    const Finding finding = history_.on_execute(execution);
    if (claim_true) {
      ASSERT_EQ(finding, std::nullopt);
    } else {
      ASSERT_TRUE(finding.has_value());
      claim_finding_ = finding;
    }
  }

  static void ExpectViolation(const Finding& finding, const std::vector<std::string>& mentions) {
    ASSERT_TRUE(finding.has_value());
    EXPECT_EQ(finding->outcome, Outcome::kSafety);
    EXPECT_EQ(finding->checker, "linearizability");
    for (const std::string& mention : mentions) {
      EXPECT_NE(finding->message.find(mention), std::string::npos)
          << "'" << mention << "' not in: " << finding->message;
    }
  }

  std::vector<core::LogEntry> entries_ = {core::LogEntry{}};
  core::PartitionLog log_;  // Replica 0's partition log.
  Finding claim_finding_;
  AtMostOnceChecker history_;
  LinearizabilityChecker checker_{history_};
};

TEST_F(LinearizabilityTest, SequentialOffsetsPass) {
  // Appends whose offsets follow one sequential log, acknowledged in op order, pass.
  Register(kAlice);
  Register(kBob);
  checker_.on_invoke(kAlice);
  checker_.on_invoke(kBob);
  const core::Reply alice = Append(kAlice, 1, 1, 2, 0);
  const core::Reply bob = Append(kBob, 2, 1, 3, 2);
  EXPECT_EQ(checker_.on_acknowledge(alice), std::nullopt);
  EXPECT_EQ(checker_.on_acknowledge(bob), std::nullopt);
  checker_.on_invoke(kAlice);
  const core::Reply alice2 = Append(kAlice, 1, 2, 1, 5);
  EXPECT_EQ(checker_.on_acknowledge(alice2), std::nullopt);
}

TEST_F(LinearizabilityTest, OffsetOffTheSequentialLogFires) {
  // An append executed at an offset the sequential model does not give its op fires, naming the
  // client, request, op and both offsets.
  Register(kAlice);
  Register(kBob);
  checker_.on_invoke(kAlice);
  checker_.on_invoke(kBob);
  const core::Reply alice = Append(kAlice, 1, 1, 2, 0);
  const core::Reply bob = Append(kBob, 2, 1, 3, 1);  // Overlaps Alice's entries 0 and 1.
  EXPECT_EQ(checker_.on_acknowledge(alice), std::nullopt);
  ExpectViolation(checker_.on_acknowledge(bob),
                  {fmt::format("client {} request 1", core::Raw(kBob)), "at offset 1 (op 4)",
                   "puts op 4 at offset 2"});
  // The at-most-once checker saw the false claim first: the log put Bob's entries at offset 2.
  ASSERT_TRUE(claim_finding_.has_value());
  EXPECT_NE(claim_finding_->message.find("answered op 4"), std::string::npos)
      << claim_finding_->message;
}

TEST_F(LinearizabilityTest, NonAppliedOpsTakeNoOffsets) {
  // An op that committed without executing takes no room in the model log.
  Register(kAlice);
  Register(kBob);
  checker_.on_invoke(kAlice);
  checker_.on_invoke(kBob);
  Append(kAlice, 7, 1, 4, 0, /*applied=*/false);  // A session the table no longer holds.
  const core::Reply bob = Append(kBob, 2, 1, 1, 0);
  EXPECT_EQ(checker_.on_acknowledge(bob), std::nullopt);

  // The control: had the model counted the non-applied op, offset 4 would be the right one.
  core::Reply shifted = bob;
  shifted.first_offset = 4;
  ExpectViolation(checker_.on_acknowledge(shifted), {"at offset 4 (op 4)", "at offset 0"});
}

TEST_F(LinearizabilityTest, InvokedAfterAnAcknowledgementMustCommitLater) {
  // Bob's append, sent after Alice's op 4 was acknowledged, may not commit at op 3.
  Register(kAlice);
  Register(kBob);
  const core::Reply bob = Append(kBob, 2, 1, 1, 0);      // Op 3.
  const core::Reply alice = Append(kAlice, 1, 1, 2, 1);  // Op 4.
  checker_.on_invoke(kAlice);
  EXPECT_EQ(checker_.on_acknowledge(alice), std::nullopt);
  checker_.on_invoke(kBob);
  ExpectViolation(checker_.on_acknowledge(bob),
                  {fmt::format("client {} request 1 committed at op 3", core::Raw(kBob)),
                   "after op 4 had been acknowledged", "real-time order"});
}

TEST_F(LinearizabilityTest, ConcurrentAppendsMayCommitInAnyOrder) {
  // The control: Bob sent before Alice's acknowledgement, so his lower op is fine.
  Register(kAlice);
  Register(kBob);
  const core::Reply bob = Append(kBob, 2, 1, 1, 0);      // Op 3.
  const core::Reply alice = Append(kAlice, 1, 1, 2, 1);  // Op 4.
  checker_.on_invoke(kAlice);
  checker_.on_invoke(kBob);
  EXPECT_EQ(checker_.on_acknowledge(alice), std::nullopt);
  EXPECT_EQ(checker_.on_acknowledge(bob), std::nullopt);
}

}  // namespace
}  // namespace vsrsim::sim
