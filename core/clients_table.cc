#include "core/clients_table.h"

// Inlined: the hashes here are of a few words, where the library call costs more than the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>

#include "core/assert.h"

namespace vsrsim::core {

namespace {

// One entry's share of the table digest. Client ids are unique in the table, so a sum of these
// identifies the set of entries without depending on their order.
std::uint64_t EntryHash(const ClientEntry& e) {
  const std::array<std::uint64_t, 8> words = {
      Raw(e.client),        e.session,    e.request,          e.commit, e.reply.op,
      e.reply.first_offset, e.reply.view, e.reply.entry_count};
  return XXH3_64bits(words.data(), sizeof(words));
}

}  // namespace

const char* StatusName(RequestStatus status) {
  switch (status) {
    case RequestStatus::kNew:
      return "new";
    case RequestStatus::kDuplicate:
      return "duplicate";
    case RequestStatus::kStale:
      return "stale";
    case RequestStatus::kInProgress:
      return "in_progress";
    case RequestStatus::kEvicted:
      return "evicted";
    case RequestStatus::kSessionAhead:
      return "session_ahead";
  }
  return "unknown";
}

ClientsTable::ClientsTable(std::size_t capacity, MutantSet mutants)
    : capacity_(capacity),
      mutants_(mutants),
      // The reviewed table called a client it did not hold New. Mutant (e) needs it so a silently
      // evicted client's retry executes again; mutant (a) needs it so a new primary, whose table
      // as a backup stayed empty, executes a committed request's retransmission again.
      unknown_client_is_new_(mutants.Has(Mutant::kSilentEviction) ||
                             mutants.Has(Mutant::kTablePrimaryOnly)) {
  VSRSIM_ASSERT_GT(capacity, 0U);
  entries_.reserve(capacity);
  hashes_.reserve(capacity);
}

std::vector<ClientEntry>::iterator ClientsTable::lower_bound(ClientId client) {
  return std::lower_bound(entries_.begin(), entries_.end(), client,
                          [](const ClientEntry& e, ClientId c) { return Raw(e.client) < Raw(c); });
}

std::vector<ClientEntry>::const_iterator ClientsTable::lower_bound(ClientId client) const {
  return std::lower_bound(entries_.begin(), entries_.end(), client,
                          [](const ClientEntry& e, ClientId c) { return Raw(e.client) < Raw(c); });
}

const ClientEntry* ClientsTable::find(ClientId client) const {
  const auto it = lower_bound(client);
  if (it == entries_.end() || it->client != client) return nullptr;
  return &*it;
}

bool ClientsTable::has_session(ClientId client, Session session) const {
  const ClientEntry* entry = find(client);
  return entry != nullptr && entry->session == session;
}

Classification ClientsTable::check_request(const Request& request, bool in_pipeline) const {
  // Mutant (d): the reviewed code consulted its pending map first, and nothing cleared it on a view
  // change, so an orphaned entry answers InProgress for ever.
  if (mutants_.Has(Mutant::kPendingSurvivesViewChange) &&
      pending_.contains({Raw(request.client), request.request})) {
    return {RequestStatus::kInProgress, nullptr};
  }
  const ClientEntry* entry = find(request.client);
  if (request.operation == Operation::kRegister) {
    VSRSIM_ASSERT_EQ(request.request, 0U);
    if (in_pipeline) return {RequestStatus::kInProgress, nullptr};
    if (entry == nullptr) return {RequestStatus::kNew, nullptr};
    if (entry->request == 0) return {RequestStatus::kDuplicate, &entry->reply};
    return {RequestStatus::kStale, nullptr};
  }
  VSRSIM_ASSERT_GT(request.request, 0U);
  if (entry == nullptr) {
    // Mutants (a) and (e): the reviewed table knew nothing of evicted sessions; a client it did not
    // hold looked New.
    if (unknown_client_is_new_) {
      return {in_pipeline ? RequestStatus::kInProgress : RequestStatus::kNew, nullptr};
    }
    return {RequestStatus::kEvicted, nullptr};
  }
  if (request.session < entry->session) return {RequestStatus::kEvicted, nullptr};
  if (request.session > entry->session) return {RequestStatus::kSessionAhead, nullptr};
  if (request.request < entry->request) {
    // Mutant (c): the reviewed check_request answered InProgress for an older request.
    if (mutants_.Has(Mutant::kStaleAsInProgress)) return {RequestStatus::kInProgress, nullptr};
    return {RequestStatus::kStale, nullptr};
  }
  if (request.request == entry->request) return {RequestStatus::kDuplicate, &entry->reply};
  if (in_pipeline) return {RequestStatus::kInProgress, nullptr};
  return {RequestStatus::kNew, nullptr};
}

std::optional<ClientEntry> ClientsTable::commit_register(const Reply& reply) {
  VSRSIM_ASSERT_EQ(reply.session, reply.op);
  VSRSIM_ASSERT_EQ(reply.request, 0U);
  std::optional<ClientEntry> evicted;
  auto it = lower_bound(reply.client);
  if (it != entries_.end() && it->client == reply.client) {
    // A client registers again only after it was evicted, so this happens only if a register was
    // proposed twice; the newer session replaces the older one.
    *it = ClientEntry{reply.client, reply.session, 0, reply.op, reply};
    rehash(it);
    return evicted;
  }
  if (entries_.size() == capacity_) {
    evicted = evict_oldest();
    it = lower_bound(reply.client);
  }
  insert_entry(it, ClientEntry{reply.client, reply.session, 0, reply.op, reply});
  VSRSIM_ASSERT_LE(entries_.size(), capacity_);
  return evicted;
}

void ClientsTable::commit_reply(const Reply& reply) {
  auto it = lower_bound(reply.client);
  const bool known = it != entries_.end() && it->client == reply.client;
  if (unknown_client_is_new_ && known) {
    // Mutants (a), (e): the reviewed commit_reply updated the client's slot in place, whatever it
    // held.
    *it = ClientEntry{reply.client, reply.session, reply.request, reply.op, reply};
    rehash(it);
    return;
  }
  if (unknown_client_is_new_) {
    // Mutants (a), (e): the reviewed commit_reply allocated a slot for an unknown client, silently
    // evicting the oldest one when full.
    if (entries_.size() == capacity_) {
      evict_oldest();
      it = lower_bound(reply.client);
    }
    insert_entry(it, ClientEntry{reply.client, reply.session, reply.request, reply.op, reply});
    return;
  }
  VSRSIM_ASSERT(known);
  VSRSIM_ASSERT_EQ(it->session, reply.session);
  VSRSIM_ASSERT_GT(reply.request, it->request);
  VSRSIM_ASSERT_GT(reply.op, it->commit);
  it->request = reply.request;
  it->commit = reply.op;
  it->reply = reply;
  rehash(it);
}

void ClientsTable::resolve_pending(ClientId client, RequestNumber request) {
  // Without mutants (c) and (d) the map is always empty: every commit of a primary asks.
  if (pending_.empty()) return;
  pending_.erase({Raw(client), request});
}

void ClientsTable::rehash(std::vector<ClientEntry>::iterator it) {
  const auto index = static_cast<std::size_t>(it - entries_.begin());
  digest_ -= hashes_[index];
  hashes_[index] = EntryHash(*it);
  digest_ += hashes_[index];
}

void ClientsTable::insert_entry(std::vector<ClientEntry>::iterator it, const ClientEntry& entry) {
  const auto index = it - entries_.begin();
  const std::uint64_t hash = EntryHash(*entries_.insert(it, entry));
  hashes_.insert(hashes_.begin() + index, hash);
  digest_ += hash;
}

ClientEntry ClientsTable::evict_oldest() {
  VSRSIM_ASSERT(!entries_.empty());
  const auto oldest = std::min_element(
      entries_.begin(), entries_.end(),
      [](const ClientEntry& a, const ClientEntry& b) { return a.commit < b.commit; });
  ClientEntry evicted = *oldest;
  const auto index = static_cast<std::size_t>(oldest - entries_.begin());
  digest_ -= hashes_[index];
  hashes_.erase(hashes_.begin() + static_cast<std::ptrdiff_t>(index));
  entries_.erase(oldest);
  return evicted;
}

void ClientsTable::restore(const std::vector<ClientEntry>& entries) {
  VSRSIM_ASSERT_LE(entries.size(), capacity_);
  entries_.clear();
  hashes_.clear();
  digest_ = 0;
  pending_.clear();
  for (const ClientEntry& entry : entries) {
    if (!entries_.empty()) VSRSIM_ASSERT_LT(Raw(entries_.back().client), Raw(entry.client));
    insert_entry(entries_.end(), entry);
  }
}

void ClientsTable::register_pending(ClientId client, RequestNumber request) {
  pending_.insert({Raw(client), request});
}

}  // namespace vsrsim::core
