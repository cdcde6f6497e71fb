#pragma once
// The client history (sim/history.h) as JSON Lines: one object per line, in time order, then one
// final-read line per healed replica. The format is a contract (README, "The history"):
//   {"type":"invoke","f":"append","process":P,"time_us":T,"value":{"payload":[u64,...]}}
//   {"type":"ok","f":"append","process":P,"time_us":T,"value":{"offset":O,"count":N}}
//   {"type":"invoke","f":"read","process":P,"time_us":T,"value":{"offset":O,"max":M}}
//   {"type":"ok","f":"read","process":P,"time_us":T,"value":{"offset":O,"entries":[u64,...]}}
//   {"type":"invoke","f":"register",...,"value":{}}, {"type":"ok","f":"register",...,
//     "value":{"session":S}}
//   {"type":"info"|"fail",...} with the value of the invocation it completes
//   {"type":"final-read","replica":R,"entries":[u64,...]}
// Fields may be added, never renamed. The parser reads exactly what the writer writes (tests and
// tools that check a history file use it); it rejects anything else with a line number.

#include <optional>
#include <string>
#include <string_view>

#include "sim/history.h"

namespace vsrsim::reports {

std::string HistoryJsonLines(const sim::History& history);
// Returns the history, or nullopt with `error` naming the line and what is wrong.
std::optional<sim::History> ParseHistoryJsonLines(std::string_view text, std::string& error);

}  // namespace vsrsim::reports
