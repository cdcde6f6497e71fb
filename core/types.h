#pragma once
// Identifiers and protocol constants shared by the replica, the clients table and the client logic.
//
// Identifiers are strong types so a replica index can never be passed where a client id is
// expected. Counters that take part in arithmetic (view, op, commit, request numbers) are plain
// unsigned integers with the VR paper's names; they only ever grow, which the replica asserts.

#include <cstddef>
#include <cstdint>

namespace vsrsim::core {

enum class ReplicaIndex : std::uint8_t {};
enum class ClientId : std::uint64_t {};

constexpr std::uint8_t Raw(ReplicaIndex replica) { return static_cast<std::uint8_t>(replica); }
constexpr std::uint64_t Raw(ClientId client) { return static_cast<std::uint64_t>(client); }

// A view number (VR: view-number). View v's primary is replica v mod replica_count.
using View = std::uint64_t;
// An op number: the position of a prepare in the log. Op 0 is the root, never a request.
using Op = std::uint64_t;
// A session number: the op at which the client's `register` request committed.
using Session = std::uint64_t;
// A client's request number within its session; `register` is request 0.
using RequestNumber = std::uint64_t;

constexpr std::size_t kReplicasMax = 6;
// Entries (messages) one append request carries. Fixed so a request has no heap storage.
constexpr std::size_t kBatchEntriesMax = 4;
// Entries one read returns at most. Fixed so a reply has no heap storage.
constexpr std::size_t kReadEntriesMax = 4;
// Prepares the primary keeps in flight beyond commit_max. Requests beyond it are dropped, and the
// client retransmits.
constexpr std::size_t kPipelineMax = 8;

constexpr ReplicaIndex PrimaryOf(View view, std::size_t replica_count) {
  return ReplicaIndex{static_cast<std::uint8_t>(view % replica_count)};
}

// Quorum sizes (VR Revisited with flexible quorums as in TigerBeetle: replication quorum plus view
// change quorum exceed the replica count, so every view change quorum intersects every replication
// quorum).
constexpr std::size_t QuorumReplication(std::size_t replica_count) {
  return replica_count <= 2 ? replica_count : replica_count / 2 + 1;
}
constexpr std::size_t QuorumViewChange(std::size_t replica_count) {
  return replica_count - QuorumReplication(replica_count) + 1;
}

}  // namespace vsrsim::core
