#include "sim/coverage.h"

namespace vsrsim::sim {

std::vector<std::pair<std::string, std::uint64_t>> Coverage::Fields() const {
  return {
      {"view_changes", view_changes},
      {"crashes", crashes},
      {"restarts", restarts},
      {"partitions", partitions},
      {"client_disconnects", client_disconnects},
      {"evictions", evictions},
      {"cached_replies", cached_replies},
      {"stale_dropped", stale_dropped},
      {"state_transfers", state_transfers},
      {"messages_dropped", messages_dropped},
      {"messages_duplicated", messages_duplicated},
      {"client_sends_dropped", client_sends_dropped},
      {"writes_lost", writes_lost},
      {"repairs", repairs},
      {"retransmissions", retransmissions},
  };
}

}  // namespace vsrsim::sim
