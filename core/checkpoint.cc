#include "core/checkpoint.h"

#include <xxhash.h>

#include "core/assert.h"

namespace vsrsim::core {

namespace {

constexpr std::uint64_t kMagic = 0x7673'7273'6370'0001;  // "vsrscp", version 1.
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

std::vector<std::uint64_t> EncodeCheckpoint(Op op, std::uint64_t entry_checksum,
                                            const PartitionLog& partition,
                                            const ClientsTable& table,
                                            CheckpointOmissions omissions) {
  const std::vector<std::uint64_t>& entries = partition.entries();
  const std::size_t table_size = omissions.table ? 0 : table.entries().size();
  std::vector<std::uint64_t> words;
  words.reserve(6 + entries.size() + table_size * kEntryWords);
  words.insert(words.end(), {kMagic, op, entry_checksum, entries.size()});
  words.insert(words.end(), entries.begin(), entries.end());
  words.push_back(table_size);
  for (std::size_t i = 0; i < table_size; i++) {
    EncodeEntry(table.entries()[i], omissions.replies, words);
  }
  words.push_back(Hash(words));
  return words;
}

std::uint64_t CheckpointChecksum(std::span<const std::uint64_t> words) {
  return words.empty() ? 0 : words.back();
}

std::optional<CheckpointState> DecodeCheckpoint(std::span<const std::uint64_t> words) {
  // The smallest encoding: magic, op, entry checksum, two lengths and the checksum.
  if (words.size() < 6 || Hash(words.first(words.size() - 1)) != words.back()) return std::nullopt;
  if (words[0] != kMagic) return std::nullopt;
  CheckpointState state{.op = words[1], .entry_checksum = words[2], .partition = {}, .table = {}};
  const std::uint64_t partition_size = words[3];
  if (partition_size > words.size() - 6) return std::nullopt;
  std::size_t at = 4;
  state.partition.assign(words.begin() + static_cast<std::ptrdiff_t>(at),
                         words.begin() + static_cast<std::ptrdiff_t>(at + partition_size));
  at += partition_size;
  const std::uint64_t table_size = words[at++];
  if (table_size > (words.size() - 1 - at) / kEntryWords ||
      at + table_size * kEntryWords != words.size() - 1) {
    return std::nullopt;
  }
  for (std::uint64_t i = 0; i < table_size; i++) {
    state.table.push_back(DecodeEntry(words.subspan(at, kEntryWords)));
    at += kEntryWords;
  }
  return state;
}

}  // namespace vsrsim::core
