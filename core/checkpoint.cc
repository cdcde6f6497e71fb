#include "core/checkpoint.h"

#include <xxhash.h>

#include "core/assert.h"

namespace vsrsim::core {

namespace {

constexpr std::uint64_t kMagic = 0x7673'7273'6370'0002;  // "vsrscp", version 2.
// Words per table entry: client, session, request, commit, then the reply's view, client, session,
// request, op, first_offset, entry_count and its read entries.
constexpr std::size_t kEntryWords = 11 + kReadEntriesMax;

std::uint64_t Hash(std::span<const std::uint64_t> words) {
  return XXH3_64bits(words.data(), words.size_bytes());
}

void EncodeEntry(const ClientEntry& entry, bool omit_reply, std::vector<std::uint64_t>& words) {
  const Reply reply = omit_reply ? Reply{} : entry.reply;
  words.insert(words.end(), {Raw(entry.client), entry.session, entry.request, entry.commit,
                             reply.view, Raw(reply.client), reply.session, reply.request, reply.op,
                             reply.first_offset, reply.entry_count});
  words.insert(words.end(), reply.entries.begin(), reply.entries.end());
}

ClientEntry DecodeEntry(std::span<const std::uint64_t> w) {
  VSRSIM_ASSERT_EQ(w.size(), kEntryWords);
  ClientEntry entry{
      .client = ClientId{w[0]}, .session = w[1], .request = w[2], .commit = w[3], .reply = {}};
  entry.reply = Reply{.view = w[4],
                      .client = ClientId{w[5]},
                      .session = w[6],
                      .request = w[7],
                      .op = w[8],
                      .first_offset = w[9],
                      .entry_count = static_cast<std::uint8_t>(w[10])};
  for (std::size_t i = 0; i < kReadEntriesMax; i++) entry.reply.entries[i] = w[11 + i];
  return entry;
}

}  // namespace

namespace {

void EncodeInto(Op op, std::uint64_t entry_checksum, std::uint64_t partition_length,
                std::uint64_t partition_digest, std::span<const ClientEntry> table,
                CheckpointOmissions omissions, std::vector<std::uint64_t>& words) {
  const std::size_t table_size = omissions.table ? 0 : table.size();
  words.clear();
  words.reserve(7 + table_size * kEntryWords);
  words.insert(words.end(),
               {kMagic, op, entry_checksum, partition_length, partition_digest, table_size});
  for (std::size_t i = 0; i < table_size; i++) EncodeEntry(table[i], omissions.replies, words);
  words.push_back(Hash(words));
}

}  // namespace

std::vector<std::uint64_t> EncodeCheckpoint(const CheckpointState& state,
                                            CheckpointOmissions omissions) {
  std::vector<std::uint64_t> words;
  EncodeInto(state.op, state.entry_checksum, state.partition_length, state.partition_digest,
             state.table, omissions, words);
  return words;
}

void EncodeCheckpointInto(Op op, std::uint64_t entry_checksum, const PartitionLog& partition,
                          const ClientsTable& table, CheckpointOmissions omissions,
                          std::vector<std::uint64_t>& words) {
  EncodeInto(op, entry_checksum, partition.next_offset(), partition.Digest(), table.entries(),
             omissions, words);
}

std::vector<std::uint64_t> EncodeCheckpoint(Op op, std::uint64_t entry_checksum,
                                            const PartitionLog& partition,
                                            const ClientsTable& table,
                                            CheckpointOmissions omissions) {
  std::vector<std::uint64_t> words;
  EncodeCheckpointInto(op, entry_checksum, partition, table, omissions, words);
  return words;
}

std::uint64_t CheckpointChecksum(std::span<const std::uint64_t> words) {
  return words.empty() ? 0 : words.back();
}

std::optional<CheckpointState> DecodeCheckpoint(std::span<const std::uint64_t> words) {
  // The smallest encoding: magic, op, entry checksum, partition length and digest, the table's
  // length and the checksum.
  constexpr std::size_t kHeaderWords = 6;
  if (words.size() < kHeaderWords + 1 || Hash(words.first(words.size() - 1)) != words.back()) {
    return std::nullopt;
  }
  if (words[0] != kMagic) return std::nullopt;
  CheckpointState state{.op = words[1],
                        .entry_checksum = words[2],
                        .partition_length = words[3],
                        .partition_digest = words[4],
                        .table = {}};
  const std::uint64_t table_size = words[5];
  std::size_t at = kHeaderWords;
  if (table_size > (words.size() - 1 - at) / kEntryWords ||
      at + table_size * kEntryWords != words.size() - 1) {
    return std::nullopt;
  }
  state.table.reserve(table_size);
  for (std::uint64_t i = 0; i < table_size; i++) {
    state.table.push_back(DecodeEntry(words.subspan(at, kEntryWords)));
    at += kEntryWords;
  }
  return state;
}

std::optional<PartitionLog> RestorePartition(const CheckpointState& state,
                                             std::span<const std::uint64_t> entries) {
  if (entries.size() != state.partition_length) return std::nullopt;
  PartitionLog partition;
  partition.restore(entries);
  if (partition.Digest() != state.partition_digest) return std::nullopt;
  return partition;
}

}  // namespace vsrsim::core
