#pragma once
// The registry of subscribers: the one place that knows every checker. MakeObservers builds them
// for a run, in the fixed order the cluster publishes to (the first finding of an event is the
// earliest subscriber's). A new checker is one new file (a class deriving from Observer) and one
// line in MakeObservers.
//
// Three subscribers are also reached by others: the canonical committed history (at-most-once's,
// which reply-caching and the witness linearizability check against, and tests read), and the
// client history (which the runner ends with the final reads and judges from the outside), and the
// quiescence bound (which the runner starts watching once a run has settled), and the protocol
// coverage signature (not a checker: it never reports a finding).

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

#include "sim/at_most_once.h"
#include "sim/history.h"
#include "sim/observer.h"
#include "sim/options.h"
#include "sim/protocol_coverage.h"
#include "sim/quiescence.h"

namespace vsrsim::sim {

// How much per-op room subscribers reserve, so they do not allocate as a run goes.
struct ObserverSizes {
  std::size_t appends = 0;  // Append requests of the workload.
  std::size_t ops = 0;      // All ops: appends and a register per client.
};

struct Observers {
  std::vector<std::unique_ptr<Observer>> all;  // In publishing order.
  const AtMostOnceChecker* canonical = nullptr;
  HistoryRecorder* client_history = nullptr;
  QuiescenceChecker* quiescence = nullptr;              // Watched only at the end of a settled run.
  const ProtocolCoverage* protocol_coverage = nullptr;  // The run's coverage signature.
};

Observers MakeObservers(const RunOptions& options, const ObserverSizes& sizes);

// Per message kind, the subscribers of `hook` (kMessageSent or kMessageDelivered) that take that
// kind (Observer::kinds_sent / kinds_delivered), in the order of `observers`.
using SubscribersByKind = std::array<std::vector<Observer*>, kMessageKindCount>;
SubscribersByKind ByMessageKind(const std::vector<std::unique_ptr<Observer>>& observers, Hook hook);

}  // namespace vsrsim::sim
