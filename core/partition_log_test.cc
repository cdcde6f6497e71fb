#include "core/partition_log.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace vsrsim::core {
namespace {

TEST(PartitionLogTest, OffsetsAreDenseFromZero) {
  // Each append returns the offset right after the previous batch, starting at 0, with no gaps.
  PartitionLog log;
  EXPECT_EQ(log.next_offset(), 0U);
  const std::vector<std::uint64_t> first = {10, 11, 12};
  const std::vector<std::uint64_t> second = {20};
  const std::vector<std::uint64_t> third = {30, 31};
  EXPECT_EQ(log.append(first), 0U);
  EXPECT_EQ(log.append(second), 3U);
  EXPECT_EQ(log.append(third), 4U);
  EXPECT_EQ(log.next_offset(), 6U);
  EXPECT_EQ(log.entries(), (std::vector<std::uint64_t>{10, 11, 12, 20, 30, 31}));
}

TEST(PartitionLogTest, DuplicateAppendIsVisibleAtNewOffsets) {
  // Appending the same batch twice stores it twice, so a duplicate execution shows in the log.
  PartitionLog log;
  const std::vector<std::uint64_t> batch = {7, 8};
  EXPECT_EQ(log.append(batch), 0U);
  EXPECT_EQ(log.append(batch), 2U);
  EXPECT_EQ(log.entries(), (std::vector<std::uint64_t>{7, 8, 7, 8}));
}

TEST(PartitionLogTest, DigestChangesOnEveryAppend) {
  // The digest of an empty log is 0 and each non-empty append moves it to a value not seen before.
  PartitionLog log;
  EXPECT_EQ(log.Digest(), 0U);
  std::vector<std::uint64_t> seen = {log.Digest()};
  for (std::uint64_t value : {1U, 1U, 2U, 0U}) {
    const std::vector<std::uint64_t> batch = {value};
    log.append(batch);
    for (const std::uint64_t earlier : seen) EXPECT_NE(log.Digest(), earlier) << "value " << value;
    seen.push_back(log.Digest());
  }
}

TEST(PartitionLogTest, DigestIsEqualForEqualHistories) {
  // Two logs fed the same entries in the same order have equal digests and compare equal, however
  // the entries were split into batches.
  PartitionLog a;
  PartitionLog b;
  const std::vector<std::uint64_t> ab = {1, 2};
  const std::vector<std::uint64_t> c = {3};
  const std::vector<std::uint64_t> a_only = {1};
  const std::vector<std::uint64_t> bc = {2, 3};
  a.append(ab);
  a.append(c);
  b.append(a_only);
  b.append(bc);
  EXPECT_EQ(a.Digest(), b.Digest());
  EXPECT_EQ(a, b);
}

TEST(PartitionLogTest, DigestDependsOnOrder) {
  // The same entries in a different order give a different digest.
  PartitionLog a;
  PartitionLog b;
  const std::vector<std::uint64_t> forward = {1, 2};
  const std::vector<std::uint64_t> backward = {2, 1};
  a.append(forward);
  b.append(backward);
  EXPECT_NE(a.Digest(), b.Digest());
  EXPECT_NE(a, b);
}

TEST(PartitionLogTest, ReadReturnsTheEntriesThatExistFromTheOffset) {
  // A read copies entries[offset, offset + max) that exist: all of them, a short tail, or none.
  PartitionLog log;
  const std::vector<std::uint64_t> entries = {10, 11, 12};
  log.append(entries);
  std::array<std::uint64_t, 2> out{};
  EXPECT_EQ(log.read(0, out), 2U);
  EXPECT_EQ(out, (std::array<std::uint64_t, 2>{10, 11}));
  EXPECT_EQ(log.read(2, out), 1U);
  EXPECT_EQ(out[0], 12U);
  EXPECT_EQ(log.read(3, out), 0U);
  EXPECT_EQ(log.read(99, out), 0U);
}

}  // namespace
}  // namespace vsrsim::core
