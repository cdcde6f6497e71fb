#include "sim/observers.h"

#include "core/assert.h"
#include "sim/agreement.h"
#include "sim/commit_quorum.h"
#include "sim/durability.h"
#include "sim/hygiene.h"
#include "sim/linearizability.h"
#include "sim/reply_caching.h"
#include "sim/starvation.h"
#include "sim/wire_contract.h"

namespace vsrsim::sim {

Observers MakeObservers(const RunOptions& options, const ObserverSizes& sizes) {
  Observers observers;
  auto history = std::make_unique<HistoryRecorder>(
      options.client_count,
      2 * (std::size_t{options.client_count} * (options.requests_per_client + 2)));
  observers.client_history = history.get();
  auto at_most_once = std::make_unique<AtMostOnceChecker>();
  at_most_once->reserve(sizes.appends, options.client_count);
  observers.canonical = at_most_once.get();
  auto linearizability = std::make_unique<LinearizabilityChecker>(*at_most_once);
  linearizability->reserve(sizes.ops);

  observers.all.push_back(std::move(history));
  observers.all.push_back(std::move(at_most_once));
  observers.all.push_back(std::make_unique<ReplyCachingChecker>(*observers.canonical));
  observers.all.push_back(std::move(linearizability));
  observers.all.push_back(std::make_unique<AgreementChecker>(options.replica_count));
  observers.all.push_back(std::make_unique<WireContractChecker>(options.replica_count));
  observers.all.push_back(std::make_unique<DurabilityChecker>(options.replica_count));
  observers.all.push_back(std::make_unique<CommitQuorumChecker>(options.replica_count));
  observers.all.push_back(std::make_unique<StarvationChecker>(
      options.replica_count, options.client_count,
      StarvationChecker::BoundsFor(options.view_change_timeout_ticks_max,
                                   options.client_retry_ticks_max)));
  observers.all.push_back(std::make_unique<HygieneChecker>());
  auto quiescence = std::make_unique<QuiescenceChecker>();
  observers.quiescence = quiescence.get();
  observers.all.push_back(std::move(quiescence));
  auto coverage = std::make_unique<ProtocolCoverage>(options.replica_count, options.client_count);
  observers.protocol_coverage = coverage.get();
  observers.all.push_back(std::move(coverage));
  return observers;
}

SubscribersByKind ByMessageKind(const std::vector<std::unique_ptr<Observer>>& observers,
                                Hook hook) {
  VSRSIM_ASSERT(hook == Hook::kMessageSent || hook == Hook::kMessageDelivered);
  SubscribersByKind subscribers;
  for (const std::unique_ptr<Observer>& observer : observers) {
    if ((observer->hooks() & HookBit(hook)) == 0) continue;
    const std::uint32_t kinds =
        hook == Hook::kMessageSent ? observer->kinds_sent() : observer->kinds_delivered();
    for (std::size_t kind = 0; kind < kMessageKindCount; kind++) {
      if (((kinds >> kind) & 1U) != 0) subscribers[kind].push_back(observer.get());
    }
  }
  return subscribers;
}

}  // namespace vsrsim::sim
