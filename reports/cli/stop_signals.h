#pragma once
// SIGINT and SIGTERM for the CLI's commands that run children (run, sweep): the handler only
// records which signal arrived; the command polls StopSignal(), kills and waits for its children,
// keeps what finished, and exits 128 + the signal (130 for SIGINT, 143 for SIGTERM), so nothing
// is left running and the exit code says the verdict is incomplete.

namespace vsrsim::reports {

void InstallStopSignals();
// The first stop signal that arrived, or 0.
int StopSignal();
// 128 + signal, as a shell reports a process the signal ended.
int ExitCodeOfSignal(int signal);
// "SIGINT", "SIGTERM".
const char* SignalName(int signal);
// Called first in a forked child: the kernel kills it if its parent dies (even by SIGKILL, which
// no handler sees), so a child is never left running with parent pid 1.
void DieWithParent(int parent_pid);

}  // namespace vsrsim::reports
