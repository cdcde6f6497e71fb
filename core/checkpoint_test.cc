// Tests of the checkpoint encoding: it round-trips the partition's length and digest and the
// clients table with its cached replies, refuses anything torn, truncated or padded, and
// RestorePartition takes back exactly the entries the checkpoint names.

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

TEST(CheckpointTest, RoundTripsPartitionDigestAndTableWithReplies) {
  // Decoding an encoding gives back the partition's length and digest and every table entry,
  // replies and all.
  const Fixture f;
  const auto words = EncodeCheckpoint(3, 0xabc, f.partition, f.table);
  const std::optional<CheckpointState> state = DecodeCheckpoint(words);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->op, 3U);
  EXPECT_EQ(state->entry_checksum, 0xabcU);
  EXPECT_EQ(state->partition_length, 3U);
  EXPECT_EQ(state->partition_digest, f.partition.Digest());
  EXPECT_EQ(state->table, f.table.entries());
  EXPECT_EQ(CheckpointChecksum(words), words.back());
  // Re-encoding the decoded state gives the same words.
  EXPECT_EQ(EncodeCheckpoint(*state), words);
  // Restoring it gives tables and logs equal to the originals, digests included.
  const std::optional<PartitionLog> partition = RestorePartition(*state, f.partition.entries());
  ASSERT_TRUE(partition.has_value());
  ClientsTable table(4, MutantSet{});
  table.restore(state->table);
  EXPECT_EQ(*partition, f.partition);
  EXPECT_EQ(partition->Digest(), f.partition.Digest());
  EXPECT_EQ(table, f.table);
  EXPECT_EQ(table.Digest(), f.table.Digest());
}

TEST(CheckpointTest, EncodingIsBoundedByTheTableNotThePartition) {
  // A partition a thousand times longer encodes to the same number of words: a checkpoint costs
  // the table, never the history.
  Fixture f;
  const std::size_t short_size = EncodeCheckpoint(3, 1, f.partition, f.table).size();
  for (std::uint64_t i = 0; i < 3000; i++) {
    const std::array<std::uint64_t, 1> entry = {i};
    f.partition.append(entry);
  }
  EXPECT_EQ(EncodeCheckpoint(3, 1, f.partition, f.table).size(), short_size);
}

TEST(CheckpointTest, RestorePartitionRefusesEntriesThatAreNotTheCheckpoints) {
  // Entries lost at the end, torn anywhere, or extended are not the partition the checkpoint
  // names: RestorePartition refuses them, so a replica never installs a state it did not verify.
  const Fixture f;
  const auto state = DecodeCheckpoint(EncodeCheckpoint(3, 1, f.partition, f.table));
  ASSERT_TRUE(state.has_value());
  const std::vector<std::uint64_t>& entries = f.partition.entries();
  ASSERT_TRUE(RestorePartition(*state, entries).has_value());
  for (std::size_t i = 0; i < entries.size(); i++) {
    auto torn = entries;
    torn[i] ^= 0x5eed;
    EXPECT_FALSE(RestorePartition(*state, torn).has_value()) << "entry " << i;
    EXPECT_FALSE(RestorePartition(*state, std::span(entries).first(i)).has_value())
        << "length " << i;
  }
  auto longer = entries;
  longer.push_back(0);
  EXPECT_FALSE(RestorePartition(*state, longer).has_value());
  // The same entries in another order give another digest.
  const std::vector<std::uint64_t> swapped = {entries[1], entries[0], entries[2]};
  EXPECT_FALSE(RestorePartition(*state, swapped).has_value());
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
  EXPECT_EQ(no_table->partition_length, f.partition.next_offset());
  EXPECT_EQ(no_table->partition_digest, f.partition.Digest());
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
