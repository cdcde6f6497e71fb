#pragma once
// The clients table (VR Revisited section 4, "client-table"): per client session, the latest
// committed request and its reply, for at-most-once execution and byte-identical reply caching.
//
// Invariants:
// - It holds committed state only. Every replica, primary or backup, changes it only while
// executing
//   a committed op, in op order, so replicas with the same commit hold equal tables.
// - At most `capacity` entries, kept sorted by client id, so every iteration (eviction, digest,
//   comparison) has one order on every replica.
// - Eviction happens only when a `register` commits into a full table and removes the entry whose
//   latest commit is oldest (ops are unique, so there is no tie).
// What it deliberately does not hold: anything in flight. Whether a request is in the pipeline is
// the caller's knowledge, passed to check_request. The reviewed code's pending-waiter map exists
// here only to put the defects of mutants (c) and (d) back; with no mutant it stays empty.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/message.h"
#include "core/mutants.h"
#include "core/types.h"

namespace vsrsim::core {

enum class RequestStatus : std::uint8_t {
  kNew,           // The next request: propose it.
  kDuplicate,     // Equal to the latest committed request: resend the cached reply.
  kStale,         // Older than the latest committed request: drop it.
  kInProgress,    // Already in the pipeline: do not propose it again.
  kEvicted,       // Its session is not in the table (evicted or older): send an Eviction.
  kSessionAhead,  // Its session is newer than this replica's entry: this replica lags; drop it.
};

const char* StatusName(RequestStatus status);

struct ClientEntry {
  ClientId client{};
  Session session = 0;
  RequestNumber request = 0;
  Op commit = 0;  // The op of `reply`: the client's latest committed request.
  Reply reply{};
  bool operator==(const ClientEntry&) const = default;
};

struct Classification {
  RequestStatus status = RequestStatus::kNew;
  const Reply* reply = nullptr;  // Set for kDuplicate: the cached reply to resend.
};

class ClientsTable {
 public:
  ClientsTable(std::size_t capacity, MutantSet mutants);

  // Requires: `request` came from a client. `in_pipeline`: the same (client, session, request) is
  // prepared but not yet committed.
  Classification check_request(const Request& request, bool in_pipeline) const;

  // Executes a committed `register` at op `reply.op`; returns the evicted entry if the table was
  // full. Requires: reply.session == reply.op, reply.request == 0.
  std::optional<ClientEntry> commit_register(const Reply& reply);

  // Executes a committed append: records `reply` as the session's latest.
  // Requires: the session is in the table and reply.request is above its latest request.
  // (Under mutants (a) and (e) an unknown client is inserted instead.)
  void commit_reply(const Reply& reply);

  // True if (client, session) is the table's current session for that client.
  bool has_session(ClientId client, Session session) const;
  // Whether executing an append of `request` applies it: its session is current, or (mutants (a),
  // (e)) the reviewed table applied requests of clients it did not hold.
  bool admits(const Request& request) const {
    return unknown_client_is_new_ || has_session(request.client, request.session);
  }
  const ClientEntry* find(ClientId client) const;

  const std::vector<ClientEntry>& entries() const { return entries_; }
  // Replaces every entry with `entries` (a checkpoint's, restored on restart or state sync).
  // Requires: sorted by client id, unique, at most capacity(). Pending waiters are dropped.
  void restore(const std::vector<ClientEntry>& entries);
  std::size_t capacity() const { return capacity_; }
  // A digest of every entry, kept up to date as the table changes (the sum of a hash per entry),
  // so it costs nothing to ask for: observers compare tables at every commit.
  std::uint64_t Digest() const { return digest_; }
  bool operator==(const ClientsTable& other) const { return entries_ == other.entries_; }

  // The reviewed code's pending-waiter map, used only by mutants (c) and (d). A waiter is keyed by
  // (client, request) and is resolved by resolve_pending.
  void register_pending(ClientId client, RequestNumber request);
  // The reviewed primary's commit path woke the waiter of a request it committed. Only the primary
  // did (backups never ran that path, finding (a)), so a waiter registered by a primary that loses
  // its view is never resolved.
  void resolve_pending(ClientId client, RequestNumber request);
  void clear_pending() { pending_.clear(); }
  std::size_t pending_count() const { return pending_.size(); }
  const std::set<std::pair<std::uint64_t, RequestNumber>>& pending() const { return pending_; }

 private:
  // Removes and returns the entry whose latest commit is oldest. Requires: the table is not empty.
  ClientEntry evict_oldest();
  // Recomputes the digest share of the entry at `it`, which was just changed in place.
  void rehash(std::vector<ClientEntry>::iterator it);
  void insert_entry(std::vector<ClientEntry>::iterator it, const ClientEntry& entry);
  std::vector<ClientEntry>::iterator lower_bound(ClientId client);
  std::vector<ClientEntry>::const_iterator lower_bound(ClientId client) const;

  std::size_t capacity_;
  MutantSet mutants_;
  // The reviewed table's semantics (mutants (a) and (e)): a client it does not hold is New, and
  // executing its request inserts it.
  bool unknown_client_is_new_;
  std::vector<ClientEntry> entries_;
  std::vector<std::uint64_t> hashes_;  // hashes_[i]: entries_[i]'s share of the digest.
  std::uint64_t digest_ = 0;           // The sum of hashes_.
  std::set<std::pair<std::uint64_t, RequestNumber>> pending_;
};

}  // namespace vsrsim::core
