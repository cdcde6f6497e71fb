// Tests of the checkpoint encoding: it round-trips the state machine and the clients table with
// its cached replies, and refuses anything torn, truncated or padded.

#include "core/checkpoint.h"

#include <gtest/gtest.h>

#include <array>

namespace vsrsim::core {
namespace {

struct Fixture {
  PartitionLog partition;
  ClientsTable table{4, MutantSet{}};
  Fixture() {
    const std::array<std::uint64_t, 3> batch = {7, 8, 9};
    partition.append(batch);
    table.commit_register(Reply{.view = 1, .client = ClientId{5}, .session = 1, .op = 1});
    table.commit_register(Reply{.view = 1, .client = ClientId{3}, .session = 2, .op = 2});
    table.commit_reply(Reply{.view = 2,
                             .client = ClientId{5},
                             .session = 1,
                             .request = 1,
                             .op = 3,
                             .first_offset = 0,
                             .entry_count = 3,
                             .entries = {1, 2, 3, 4}});
  }
};

TEST(CheckpointTest, RoundTripsStateMachineAndTableWithReplies) {
  // Decoding an encoding gives back every partition entry and every table entry, replies and all.
  const Fixture f;
  const auto words = EncodeCheckpoint(3, 0xabc, f.partition, f.table);
  const std::optional<CheckpointState> state = DecodeCheckpoint(words);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->op, 3U);
  EXPECT_EQ(state->entry_checksum, 0xabcU);
  EXPECT_EQ(state->partition, f.partition.entries());
  EXPECT_EQ(state->table, f.table.entries());
  EXPECT_EQ(CheckpointChecksum(words), words.back());
  // Restoring it gives tables and logs equal to the originals, digests included.
  PartitionLog partition;
  partition.restore(state->partition);
  ClientsTable table(4, MutantSet{});
  table.restore(state->table);
  EXPECT_EQ(partition, f.partition);
  EXPECT_EQ(partition.Digest(), f.partition.Digest());
  EXPECT_EQ(table, f.table);
  EXPECT_EQ(table.Digest(), f.table.Digest());
}

TEST(CheckpointTest, EqualStatesEncodeToEqualWords) {
  // The encoding is deterministic: the same state gives the same words and the same checksum.
  const Fixture a;
  const Fixture b;
  EXPECT_EQ(EncodeCheckpoint(3, 1, a.partition, a.table),
            EncodeCheckpoint(3, 1, b.partition, b.table));
  EXPECT_NE(CheckpointChecksum(EncodeCheckpoint(3, 1, a.partition, a.table)),
            CheckpointChecksum(EncodeCheckpoint(4, 1, a.partition, a.table)));
}

TEST(CheckpointTest, RefusesEveryTornWordTruncationAndExtension) {
  // Any single flipped word, any truncation and any extra word make the encoding invalid.
  const Fixture f;
  const auto words = EncodeCheckpoint(3, 1, f.partition, f.table);
  for (std::size_t i = 0; i < words.size(); i++) {
    auto torn = words;
    torn[i] ^= 0x5eed;
    EXPECT_FALSE(DecodeCheckpoint(torn).has_value()) << "word " << i;
    EXPECT_FALSE(DecodeCheckpoint(std::span(words).first(i)).has_value()) << "length " << i;
  }
  auto longer = words;
  longer.push_back(0);
  EXPECT_FALSE(DecodeCheckpoint(longer).has_value());
}

TEST(CheckpointTest, OmissionsLeaveOutTheTableOrTheReplies) {
  // The mutants' omissions: no table at all, or sessions whose cached replies are blank.
  const Fixture f;
  const auto no_table =
      DecodeCheckpoint(EncodeCheckpoint(3, 1, f.partition, f.table, {.table = true}));
  ASSERT_TRUE(no_table.has_value());
  EXPECT_TRUE(no_table->table.empty());
  EXPECT_EQ(no_table->partition, f.partition.entries());
  const auto no_replies =
      DecodeCheckpoint(EncodeCheckpoint(3, 1, f.partition, f.table, {.replies = true}));
  ASSERT_TRUE(no_replies.has_value());
  ASSERT_EQ(no_replies->table.size(), f.table.entries().size());
  for (std::size_t i = 0; i < no_replies->table.size(); i++) {
    EXPECT_EQ(no_replies->table[i].session, f.table.entries()[i].session);
    EXPECT_EQ(no_replies->table[i].reply, Reply{});
  }
}

}  // namespace
}  // namespace vsrsim::core
