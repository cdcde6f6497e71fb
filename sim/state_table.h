#pragma once
// The cluster's state as a table, for an engineer reproducing a failure: per replica its status,
// view, log_view, op, commit_min, commit_max and clients table (and its pending waiters); per
// client its session, the request in flight, its retransmissions and the last reply it accepted.
// Runs put it in a failing result (RunResult::state), `vsrsim run` prints it and the HTML page
// shows it at the top.

#include <string>

namespace vsrsim::sim {

class Cluster;

// `when` opens the header line: "at the end of the run" for a finished run.
std::string DescribeState(const Cluster& cluster, const char* when = "at the end of the run");

}  // namespace vsrsim::sim
