#include "sim/protocol_coverage.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <bit>
#include <variant>

namespace vsrsim::sim {

namespace {

// Where each family of bits starts; the families never overlap (asserted below).
constexpr std::size_t kStateBase = 0;         // 3 statuses x 128.
constexpr std::size_t kViewChangeBase = 384;  // DoViewChange count x primary: 16.
constexpr std::size_t kMiscBase = 400;        // Single facts: 16.
constexpr std::size_t kClientBase = 448;      // Retransmission bucket x link clear x operation.
constexpr std::size_t kEventBase = 512;       // Event x recovering: 80.
constexpr std::size_t kPairBase = 1024;       // Previous event x event: 1600.
constexpr std::size_t kEvents = 40;
static_assert(kPairBase + kEvents * kEvents == kSignatureBits);

enum Misc : std::size_t {
  kStateTransfer,
  kTableFull,
  kEvictionExecuted,
  kRecoveringInOwnLogView,
  kClientEvicted,
  kReplyToUnclearClient,
  kRecoveringPrimaryOfView,
};

// The replica events of the history pairs.
enum Event : std::uint8_t {
  kCrashed,
  kRestarted,
  kEnteredViewChange,
  kBecamePrimary,
  kBecameBackup,
  kStateTransferred,
  kRepairStarted,
  kRecoveredToNormal,
  kFirstMessageEvent,  // + kind * 3 + relation (older, own, newer view): 10 kinds, up to 37.
};
// Every replica-to-replica kind (all but the first three) has its three events below kEvents: a new
// message kind needs room here. Issue 17's repair by (op, checksum) shares the events of the
// repair it extends (RequestEntry those of RequestPrepare, RepairEntry those of Prepare), so the
// signature's layout, and every signature recorded before it, stays.
constexpr std::size_t kRepairKinds = 2;
static_assert(kFirstMessageEvent + (std::variant_size_v<core::Message> - 3 - kRepairKinds) * 3 <=
              kEvents);
static_assert(kEventBase + 2 * kEvents <= kPairBase);

constexpr std::size_t Bucket(std::uint64_t value) {
  if (value <= 1) return static_cast<std::size_t>(value);
  return value <= 3 ? 2 : 3;
}

// The replica-to-replica message kinds, 0..7, by variant index; -1 for client messages.
int ReplicaKind(const core::Message& message) {
  const std::size_t index = message.index();
  if (std::holds_alternative<core::RequestEntry>(message)) {
    return static_cast<int>(core::Message(core::RequestPrepare{}).index() - 3);
  }
  if (std::holds_alternative<core::RepairEntry>(message)) {
    return static_cast<int>(core::Message(core::Prepare{}).index() - 3);
  }
  // Request, Reply and Eviction are the first three alternatives.
  return index < 3 ? -1 : static_cast<int>(index - 3);
}

}  // namespace

std::size_t Signature::count() const {
  std::size_t total = 0;
  for (std::uint64_t word : words) total += static_cast<std::size_t>(std::popcount(word));
  return total;
}

std::size_t Signature::count_new(const Signature& seen) const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < kSignatureWords; i++) {
    total += static_cast<std::size_t>(std::popcount(words[i] & ~seen.words[i]));
  }
  return total;
}

void Signature::merge(const Signature& other) {
  for (std::size_t i = 0; i < kSignatureWords; i++) words[i] |= other.words[i];
}

std::uint64_t Signature::hash() const {
  // Hash the words one by one in a fixed byte order, so the hash never depends on the host's.
  std::array<unsigned char, kSignatureWords * 8> bytes{};
  for (std::size_t i = 0; i < kSignatureWords; i++) {
    for (std::size_t b = 0; b < 8; b++) {
      bytes[i * 8 + b] = static_cast<unsigned char>(words[i] >> (8 * b));
    }
  }
  return XXH3_64bits(bytes.data(), bytes.size());
}

std::string Signature::hex() const {
  std::string text;
  text.reserve(kSignatureWords * 16);
  for (std::uint64_t word : words) text += fmt::format("{:016x}", word);
  return text;
}

bool Signature::Parse(const std::string& text, Signature& signature) {
  if (text.size() != kSignatureWords * 16) return false;
  for (std::size_t i = 0; i < kSignatureWords; i++) {
    std::uint64_t word = 0;
    for (std::size_t d = 0; d < 16; d++) {
      const char c = text[i * 16 + d];
      std::uint64_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint64_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint64_t>(c - 'a' + 10);
      } else {
        return false;
      }
      word = (word << 4) | digit;
    }
    signature.words[i] = word;
  }
  return true;
}

ProtocolCoverage::ProtocolCoverage(std::size_t replica_count, std::size_t client_count)
    : replica_count_(replica_count),
      replicas_(replica_count),
      client_link_clear_(client_count, 1) {}

void ProtocolCoverage::event(std::size_t replica, std::uint8_t next, bool recovering) {
  ReplicaMemory& memory = replicas_[replica];
  signature_.set(kEventBase + next + (recovering ? kEvents : 0));
  if (memory.last_event == next) return;
  if (memory.last_event < kEvents) signature_.set(kPairBase + memory.last_event * kEvents + next);
  memory.last_event = next;
}

Finding ProtocolCoverage::on_replica_stepped(ObservedAt, const core::Replica& replica) {
  const std::size_t index = core::Raw(replica.index());
  ReplicaMemory& memory = replicas_[index];
  const core::Status replica_status = replica.status();
  const auto status = static_cast<std::uint8_t>(replica_status);
  const core::View view = replica.view();
  const bool primary = replica.is_primary();
  const std::uint64_t view_gap = view - replica.log_view();
  const core::Op op = replica.op();
  const core::Op commit_max = replica.commit_max();
  const std::uint64_t depth = op > commit_max ? op - commit_max : 0;
  const bool lag = replica.commit_min() < commit_max;
  const bool repair = replica.repair_outstanding();
  const std::uint64_t state_transfers = replica.counters().state_transfers;
  signature_.set(kStateBase + status * 128U + Bucket(view_gap) * 32 + Bucket(depth) * 8 +
                 (lag ? 4U : 0U) + (repair ? 2U : 0U) + (primary ? 1U : 0U));
  if (replica.clients_table().entries().size() >= replica.clients_table().capacity()) {
    signature_.set(kMiscBase + kTableFull);
  }
  // Most steps are of a normal replica in the view, status and repair state of its previous step:
  // nothing below would set a bit or change what is remembered.
  if (replica_status == core::Status::kNormal && status == memory.status && view == memory.view &&
      repair == memory.repair && state_transfers == memory.state_transfers) {
    return std::nullopt;
  }
  const bool recovering = replica_status == core::Status::kRecovering;
  if (replica_status == core::Status::kViewChange) {
    const std::size_t dvcs = std::min<std::size_t>(replica.do_view_change_count(), 7);
    signature_.set(kViewChangeBase + dvcs * 2 + (primary ? 1U : 0U));
  }
  if (recovering && replica.log_view() == view) {
    signature_.set(kMiscBase + kRecoveringInOwnLogView);
  }
  if (recovering && primary) signature_.set(kMiscBase + kRecoveringPrimaryOfView);
  if (status != memory.status || view != memory.view) {
    if (replica_status == core::Status::kViewChange) {
      event(index, kEnteredViewChange, false);
    } else if (replica_status == core::Status::kNormal) {
      if (memory.status == static_cast<std::uint8_t>(core::Status::kRecovering)) {
        event(index, kRecoveredToNormal, false);
      }
      event(index, primary ? kBecamePrimary : kBecameBackup, false);
    }
  }
  if (state_transfers != memory.state_transfers) {
    signature_.set(kMiscBase + kStateTransfer);
    event(index, kStateTransferred, recovering);
  }
  if (repair && !memory.repair) event(index, kRepairStarted, recovering);
  memory.status = status;
  memory.view = view;
  memory.repair = repair;
  memory.state_transfers = state_transfers;
  return std::nullopt;
}

Finding ProtocolCoverage::on_message_delivered(ObservedAt, Process to,
                                               const core::Message& message) {
  const int kind = ReplicaKind(message);
  if (kind < 0 || to >= replica_count_) return std::nullopt;
  const ReplicaMemory& memory = replicas_[to];
  const core::View view = core::MessageView(message);
  const std::uint8_t relation = view < memory.view ? 0 : (view == memory.view ? 1 : 2);
  // Normal-operation traffic of the replica's own view is the steady state: it would only wash
  // out the pairs that matter.
  if (relation == 1 && kind <= 2) return std::nullopt;
  event(to, static_cast<std::uint8_t>(kFirstMessageEvent + kind * 3 + relation),
        memory.status == static_cast<std::uint8_t>(core::Status::kRecovering));
  return std::nullopt;
}

Finding ProtocolCoverage::on_message_sent(ObservedAt, Process from, Process to,
                                          const core::Message& message) {
  if (from >= replica_count_ || to < replica_count_) return std::nullopt;
  const std::size_t client = to - replica_count_;
  if (client < client_link_clear_.size() && client_link_clear_[client] == 0 &&
      std::holds_alternative<core::Reply>(message)) {
    signature_.set(kMiscBase + kReplyToUnclearClient);
  }
  return std::nullopt;
}

Finding ProtocolCoverage::on_client_sent(ObservedAt, const ClientSent& sent) {
  if (sent.client < client_link_clear_.size()) {
    client_link_clear_[sent.client] = sent.link_clear ? 1 : 0;
  }
  const auto operation = static_cast<std::size_t>(sent.request->operation);
  // A send is either the first of its request or one more retransmission of it; the client counts
  // them itself, so the bucket is only "first or retransmitted" plus the link's state.
  signature_.set(kClientBase + std::min<std::size_t>(operation, 2) * 4 +
                 (sent.retransmission ? 2U : 0U) + (sent.link_clear ? 1U : 0U));
  return std::nullopt;
}

Finding ProtocolCoverage::on_client_evicted(ObservedAt, std::size_t, const core::Eviction&) {
  signature_.set(kMiscBase + kClientEvicted);
  return std::nullopt;
}

Finding ProtocolCoverage::on_replica_crashed(ObservedAt, std::size_t replica) {
  event(replica, kCrashed, false);
  replicas_[replica].status = 0xff;
  return std::nullopt;
}

Finding ProtocolCoverage::on_replica_restarted(ObservedAt, const core::Replica& replica,
                                               const core::Superblock&) {
  const std::size_t index = core::Raw(replica.index());
  event(index, kRestarted, true);
  ReplicaMemory& memory = replicas_[index];
  memory.status = static_cast<std::uint8_t>(replica.status());
  memory.view = replica.view();
  memory.repair = false;
  memory.state_transfers = replica.counters().state_transfers;
  return std::nullopt;
}

Finding ProtocolCoverage::on_executed(ObservedAt, const core::Execution& execution) {
  if (execution.evicted.has_value()) signature_.set(kMiscBase + kEvictionExecuted);
  return std::nullopt;
}

}  // namespace vsrsim::sim
