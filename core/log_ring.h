#pragma once
// The replica's in-memory log: the ops it journals, a window of at most `slots` ops above an
// anchor, in a ring of fixed size, so memory is bounded by the journal and not by the run.
//
// Invariants: it holds every op in [first(), last()], consecutively, each entry's parent the
// previous entry's checksum; first() is the anchor (the root op 0, or a checkpoint's op, whose
// entry may be only a header: op and checksum). Pushing past capacity drops the oldest op, which
// the replica allows only at or below its checkpoint. Each held op carries an acknowledgement
// bitmask (the primary's count of PrepareOks). What it does not do: storage; the replica writes
// the journal (core/storage.h) in step with it.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/assert.h"
#include "core/message.h"
#include "core/types.h"

namespace vsrsim::core {

class LogRing {
 public:
  // Holds up to `slots` ops above its anchor; starts holding only the root (op 0).
  explicit LogRing(std::size_t slots) : entries_(slots + 1), acks_(slots + 1) {
    VSRSIM_ASSERT_GT(slots, 0U);
  }

  Op first() const { return first_; }
  Op last() const { return last_; }
  std::size_t slots() const { return entries_.size() - 1; }
  bool holds(Op op) const { return op >= first_ && op <= last_; }
  const LogEntry& at(Op op) const {
    VSRSIM_ASSERT(holds(op));
    return entries_[op % entries_.size()];
  }
  const LogEntry& operator[](Op op) const { return at(op); }
  const LogEntry& back() const { return at(last_); }
  std::uint8_t& acks(Op op) {
    VSRSIM_ASSERT(holds(op));
    return acks_[op % acks_.size()];
  }

  // Appends op last() + 1, dropping the oldest op when full.
  void push_back(const LogEntry& entry) {
    VSRSIM_ASSERT_EQ(entry.op, last_ + 1);
    VSRSIM_ASSERT_EQ(entry.parent, back().checksum);
    last_ = entry.op;
    entries_[last_ % entries_.size()] = entry;
    acks_[last_ % acks_.size()] = 0;
    if (last_ - first_ > slots()) first_++;
  }
  // Drops every op above `op`. Requires: holds(op).
  void truncate_after(Op op) {
    VSRSIM_ASSERT(holds(op));
    last_ = op;
  }
  // Holds only `anchor` (a checkpoint's op and checksum, or the root).
  void reset(const LogEntry& anchor) {
    first_ = anchor.op;
    last_ = anchor.op;
    entries_[anchor.op % entries_.size()] = anchor;
    acks_[anchor.op % acks_.size()] = 0;
  }
  // The entries above `after`, in op order. Requires: holds(after).
  std::vector<LogEntry> suffix(Op after) const {
    VSRSIM_ASSERT(holds(after));
    std::vector<LogEntry> entries;
    entries.reserve(last_ - after);
    for (Op op = after + 1; op <= last_; op++) entries.push_back(at(op));
    return entries;
  }

  // Every held entry, anchor first (for tests and reports; it allocates).
  std::vector<LogEntry> held() const { return suffix_from(first_); }

 private:
  std::vector<LogEntry> suffix_from(Op from) const {
    std::vector<LogEntry> entries;
    for (Op op = from; op <= last_; op++) entries.push_back(at(op));
    return entries;
  }
  std::vector<LogEntry> entries_;  // entries_[op % size]
  std::vector<std::uint8_t> acks_;
  Op first_ = 0;
  Op last_ = 0;
};

// The intact hash chain above `anchor` among journal slots read from storage (in any order): ops
// anchor.op + 1.., each chained on the previous and with a checksum that verifies; a torn,
// corrupt, missing or foreign slot ends it. What a restart loads above its checkpoint. `verify`
// false skips recomputing each checksum (mutant journal-trusts-bytes).
inline std::vector<LogEntry> FollowJournal(std::vector<LogEntry> written, const LogEntry& anchor,
                                           bool verify = true) {
  // Ties broken by checksum: a misdirected write can leave two intact copies of an op, and the
  // order among them must not depend on the sort's implementation.
  std::sort(written.begin(), written.end(), [](const LogEntry& a, const LogEntry& b) {
    return a.op != b.op ? a.op < b.op : a.checksum < b.checksum;
  });
  std::vector<LogEntry> chain;
  LogEntry last = anchor;
  for (std::size_t i = 0; i < written.size(); i++) {
    const LogEntry& entry = written[i];
    if (entry.op <= last.op) continue;
    if (entry.op != last.op + 1 || entry.parent != last.checksum ||
        (verify && EntryChecksum(entry) != entry.checksum)) {
      // Another copy of the same op may still link on the chain.
      if (entry.op == last.op + 1 && i + 1 < written.size() && written[i + 1].op == entry.op) {
        continue;
      }
      break;
    }
    chain.push_back(entry);
    last = entry;
  }
  return chain;
}

}  // namespace vsrsim::core
