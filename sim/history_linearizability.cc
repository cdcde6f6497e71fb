#include "sim/history_linearizability.h"

#include <fmt/format.h>
// Inlined: the hashes here are of a few words, where the library call costs more than the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_set>
#include <vector>

#include "core/assert.h"
#include "sim/flat_hash_map.h"

namespace vsrsim::sim {

namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

// One operation of the search: its invocation, and its result if it returned ok.
struct Operation {
  HistoryFunction f = HistoryFunction::kAppend;
  std::uint32_t process = 0;
  std::uint64_t invoked_us = 0;
  const HistoryEvent* invoke = nullptr;  // Null for a final read.
  const HistoryEvent* ok = nullptr;      // Null for info.
  const FinalRead* final_read = nullptr;
  // Where an append must go: its acknowledged offset, or for an info append the offset the final
  // log shows its payload at.
  std::optional<std::uint64_t> offset;
};

// A call or a return, in a doubly linked list that the search lifts operations out of.
struct Node {
  std::size_t operation = 0;
  bool call = true;
  std::size_t match = kNone;  // A call's return node (kNone for info).
  std::size_t prev = kNone;
  std::size_t next = kNone;
};

// The model: the log, and a hash chained over its entries so a state is two words.
class LogModel {
 public:
  struct Mark {
    std::size_t length;
    std::uint64_t hash;
  };
  Mark mark() const { return {entries_.size(), hashes_.back()}; }
  void undo(Mark mark) {
    entries_.resize(mark.length);
    hashes_.resize(mark.length + 1);
  }
  // Applies `op` if its result matches the model; returns whether it did.
  bool step(const Operation& op) {
    if (op.final_read != nullptr) return op.final_read->entries == entries_;
    if (op.f == HistoryFunction::kAppend) {
      if (op.ok != nullptr &&
          (op.ok->offset != entries_.size() || op.ok->count != op.invoke->count)) {
        return false;
      }
      for (std::uint8_t i = 0; i < op.invoke->count; i++) push(op.invoke->values[i]);
      return true;
    }
    // An ok read (info reads are left out).
    const std::uint64_t offset = op.invoke->offset;
    const std::size_t available =
        offset >= entries_.size()
            ? 0
            : std::min<std::size_t>(op.invoke->count, entries_.size() - offset);
    if (op.ok->offset != offset || op.ok->count != available) return false;
    return std::equal(op.ok->values.begin(), op.ok->values.begin() + available,
                      entries_.begin() + static_cast<std::ptrdiff_t>(
                                             std::min<std::uint64_t>(offset, entries_.size())));
  }
  std::size_t length() const { return entries_.size(); }

 private:
  void push(std::uint64_t entry) {
    const std::array<std::uint64_t, 2> words = {hashes_.back(), entry};
    entries_.push_back(entry);
    hashes_.push_back(XXH3_64bits(words.data(), sizeof(words)));
  }
  std::vector<std::uint64_t> entries_;
  std::vector<std::uint64_t> hashes_ = {0};
};

struct Configuration {
  std::vector<std::uint64_t> linearised;
  std::size_t length = 0;
  std::uint64_t hash = 0;
  bool operator==(const Configuration&) const = default;
};
struct ConfigurationHash {
  std::size_t operator()(const Configuration& c) const {
    return XXH3_64bits_withSeed(c.linearised.data(), c.linearised.size() * sizeof(std::uint64_t),
                                c.hash ^ c.length);
  }
};
// The fast memo key: the linearised set as the XOR of one random word per operation (updated in
// O(1) per step, where hashing the bitset costs O(operations) and made the search quadratic), the
// log's length and hash. Distinct configurations could share a key (about n^2 / 2^128 for n
// configurations); a shared key only prunes, so it can only turn a pass into a violation, and
// every violation is searched again with exact keys before it is reported.
struct FastKey {
  std::uint64_t linearised = 0;
  std::size_t length = 0;
  std::uint64_t hash = 0;
  bool operator==(const FastKey&) const = default;
};
struct FastKeyHash {
  std::size_t operator()(const FastKey& k) const {
    return static_cast<std::size_t>(k.linearised ^ (k.hash * 0x9e3779b97f4a7c15ULL) ^ k.length);
  }
};
// One operation's word: the finaliser is a bijection, so the words are distinct; how they XOR
// together can collide only as FastKey says, which the exact re-search rules out.
std::uint64_t OperationWord(std::size_t op) { return MixBits(op + 0x7a0b1157ULL); }

std::vector<Operation> OperationsOf(const History& history, std::vector<Node>& nodes) {
  std::vector<Operation> operations;
  operations.reserve(history.events.size() / 2 + history.final_reads.size());
  nodes.reserve(history.events.size() + 2 * history.final_reads.size());
  std::vector<std::size_t> open;  // process -> its call node.
  const auto add_call = [&](const Operation& op) {
    operations.push_back(op);
    nodes.push_back({.operation = operations.size() - 1, .call = true});
    return nodes.size() - 1;
  };
  for (const HistoryEvent& event : history.events) {
    if (event.f == HistoryFunction::kRegister) continue;
    if (event.process >= open.size()) open.resize(event.process + 1, kNone);
    std::size_t& call = open[event.process];
    if (event.type == HistoryType::kInvoke) {
      call = add_call({.f = event.f,
                       .process = event.process,
                       .invoked_us = event.time_us,
                       .invoke = &event,
                       .final_read = nullptr,
                       .offset = std::nullopt});
    } else if (call != kNone) {
      Operation& op = operations[nodes[call].operation];
      if (event.type == HistoryType::kOk) {
        op.ok = &event;
        if (op.f == HistoryFunction::kAppend) op.offset = event.offset;
        nodes.push_back({.operation = nodes[call].operation, .call = false});
      }
      call = kNone;
    }
  }
  // Info reads neither constrain nor change the log; fail operations never took effect. With a
  // final read (the final-read checker has passed: its entries are unique and were all appended),
  // an info append whose payload is not in the final log can only take effect after the final
  // read, which is the same as never: it is left out. One whose payload is there must take effect
  // before it, at the offset where the payload sits.
  // Payload entry -> its offset + 1 in the final log (looked up only, never iterated).
  PayloadMap<std::uint64_t> final_offset;
  const bool info_appends = std::any_of(nodes.begin(), nodes.end(), [&](const Node& node) {
    const Operation& op = operations[node.operation];
    return node.call && op.ok == nullptr && op.f == HistoryFunction::kAppend;
  });
  if (info_appends && !history.final_reads.empty()) {
    const std::vector<std::uint64_t>& log = history.final_reads.front().entries;
    for (std::uint64_t offset = 0; offset < log.size(); offset++) {
      final_offset.try_emplace(log[offset], offset + 1);
    }
  }
  for (Node& node : nodes) {
    Operation& op = operations[node.operation];
    if (!node.call || op.ok != nullptr) continue;
    if (op.f == HistoryFunction::kRead) {
      node.operation = kNone;
    } else if (!history.final_reads.empty()) {
      const std::uint64_t* found = final_offset.find(op.invoke->values[0]);
      if (found == nullptr) {
        node.operation = kNone;
      } else {
        op.offset = *found - 1;
      }
    }
  }
  std::erase_if(nodes, [](const Node& node) { return node.operation == kNone; });
  for (const FinalRead& read : history.final_reads) {
    add_call({.f = HistoryFunction::kRead, .final_read = &read, .offset = std::nullopt});
    nodes.push_back({.operation = operations.size() - 1, .call = false});
  }
  return operations;
}

std::string Describe(const Operation& op) {
  if (op.final_read != nullptr) {
    return fmt::format("the final read of replica {} ({} entries)", op.final_read->replica,
                       op.final_read->entries.size());
  }
  if (op.f == HistoryFunction::kAppend) {
    return fmt::format(
        "process {}'s append of {:x} (+{} more) invoked at {} us, acknowledged at "
        "offset {}",
        op.process, op.invoke->values[0], op.invoke->count - 1, op.invoked_us, op.ok->offset);
  }
  return fmt::format("process {}'s read({}, {}) invoked at {} us, which returned {} entries",
                     op.process, op.invoke->offset, op.invoke->count, op.invoked_us, op.ok->count);
}

LinearizabilitySearch Search(const History& history, std::uint64_t steps_max, bool exact) {
  std::vector<Node> nodes;
  const std::vector<Operation> operations = OperationsOf(history, nodes);
  // Link the list and match each call with its return (info operations have none).
  std::vector<std::size_t> call_of(operations.size(), kNone);
  std::size_t ok_remaining = 0;
  for (std::size_t i = 0; i < nodes.size(); i++) {
    nodes[i].prev = i == 0 ? kNone : i - 1;
    nodes[i].next = i + 1 < nodes.size() ? i + 1 : kNone;
    nodes[i].match = kNone;
    if (nodes[i].call) {
      call_of[nodes[i].operation] = i;
    } else {
      nodes[call_of[nodes[i].operation]].match = i;
      ok_remaining++;
    }
  }
  std::size_t head = nodes.empty() ? kNone : 0;
  const auto lift = [&](std::size_t node) {
    for (const std::size_t n : {node, nodes[node].match}) {
      if (n == kNone) continue;
      if (nodes[n].prev == kNone)
        head = nodes[n].next;
      else
        nodes[nodes[n].prev].next = nodes[n].next;
      if (nodes[n].next != kNone) nodes[nodes[n].next].prev = nodes[n].prev;
    }
  };
  const auto unlift = [&](std::size_t node) {
    for (const std::size_t n : {nodes[node].match, node}) {
      if (n == kNone) continue;
      if (nodes[n].prev == kNone)
        head = n;
      else
        nodes[nodes[n].prev].next = n;
      if (nodes[n].next != kNone) nodes[nodes[n].next].prev = n;
    }
  };

  LogModel model;
  Configuration configuration{.linearised =
                                  std::vector<std::uint64_t>((operations.size() + 63) / 64)};
  // Looked up only, never iterated.
  std::unordered_set<Configuration, ConfigurationHash> seen;
  // A flat table (the fast search inserts one key per step forward; node-based sets allocated
  // each one). The value 1 marks a key as present.
  FlatHashMap<FastKey, std::uint8_t, FastKeyHash> seen_fast;
  std::vector<std::uint64_t> words(operations.size());
  for (std::size_t op = 0; op < operations.size(); op++) words[op] = OperationWord(op);
  std::uint64_t linearised_word = 0;
  // The memo holds exhausted configurations only: one is recorded when the search backtracks out
  // of it. That prunes exactly what recording every configuration on first visit would: a
  // configuration on the stack cannot be reached again before it is popped (every step down adds an
  // operation, so a descendant's set is strictly larger), and once popped it is recorded. A search
  // that never backtracks (every clean history) then touches no table at all.
  const auto exhausted = [&] {
    if (exact) return seen.contains(configuration);
    return seen_fast.find({.linearised = linearised_word,
                           .length = configuration.length,
                           .hash = configuration.hash}) != nullptr;
  };
  const auto record_exhausted = [&] {
    if (exact) {
      seen.insert(configuration);
    } else {
      seen_fast.try_emplace({.linearised = linearised_word,
                             .length = configuration.length,
                             .hash = configuration.hash},
                            1);
    }
  };
  std::size_t recorded = 0;
  struct Frame {
    std::size_t node;
    LogModel::Mark mark;
  };
  std::vector<Frame> stack;
  std::size_t deepest = 0;
  std::size_t stuck = kNone;  // The return node where the deepest attempt had to backtrack.
  LinearizabilitySearch search;
  std::size_t node = head;
  while (ok_remaining > 0) {
    if (++search.steps > steps_max) {
      search.finding = Violation{
          Outcome::kUnknown, "history-linearizability",
          fmt::format("the search for a linearization of {} operations ran out of its budget of "
                      "{} steps ({} linearised at most): the verdict is unknown",
                      operations.size(), steps_max, deepest)};
      return search;
    }
    if (node != kNone && nodes[node].call) {
      const std::size_t op = nodes[node].operation;
      const LogModel::Mark mark = model.mark();
      if (model.step(operations[op])) {
        configuration.linearised[op / 64] |= std::uint64_t{1} << (op % 64);
        linearised_word ^= words[op];
        configuration.length = model.length();
        configuration.hash = model.mark().hash;
        if (recorded == 0 || !exhausted()) {
          stack.push_back({node, mark});
          if (nodes[node].match != kNone) ok_remaining--;
          lift(node);
          node = head;
          continue;
        }
        configuration.linearised[op / 64] &= ~(std::uint64_t{1} << (op % 64));
        linearised_word ^= words[op];
        model.undo(mark);
      }
      node = nodes[node].next;
      continue;
    }
    // A return whose call is not linearised (or the end of the list): backtrack.
    if (node != kNone && (stuck == kNone || stack.size() > deepest)) {
      deepest = stack.size();
      stuck = node;
    }
    if (stack.empty()) break;
    const Frame frame = stack.back();
    stack.pop_back();
    // The model still holds the frame's state; the configuration's length and hash may be those
    // of a later attempt, so they are taken from the model again.
    configuration.length = model.length();
    configuration.hash = model.mark().hash;
    record_exhausted();
    recorded++;
    const std::size_t op = nodes[frame.node].operation;
    configuration.linearised[op / 64] &= ~(std::uint64_t{1} << (op % 64));
    linearised_word ^= words[op];
    model.undo(frame.mark);
    if (nodes[frame.node].match != kNone) ok_remaining++;
    unlift(frame.node);
    node = nodes[frame.node].next;
  }
  if (ok_remaining == 0) return search;
  VSRSIM_ASSERT(stuck != kNone);
  search.finding = Violation{
      Outcome::kSafety, "history-linearizability",
      fmt::format("the client history has no linearization against a sequential partition log: "
                  "at best {} of {} operations linearise, and then {} cannot",
                  deepest, operations.size(), Describe(operations[nodes[stuck].operation]))};
  return search;
}

}  // namespace

LinearizabilitySearch CheckLinearizable(const History& history, std::uint64_t steps_max) {
  LinearizabilitySearch fast = Search(history, steps_max, /*exact=*/false);
  if (!fast.finding || fast.finding->outcome != Outcome::kSafety) return fast;
  // A violation is reported only when the exact search agrees (see FastKey).
  LinearizabilitySearch exact = Search(history, steps_max, /*exact=*/true);
  exact.steps += fast.steps;
  return exact;
}

}  // namespace vsrsim::sim
