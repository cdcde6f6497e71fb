#include "reports/cli/stop_signals.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace vsrsim::reports {

namespace {

volatile sig_atomic_t g_signal = 0;

void OnSignal(int signal) {
  if (g_signal == 0) g_signal = signal;
}

}  // namespace

void InstallStopSignals() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

int StopSignal() { return g_signal; }

int ExitCodeOfSignal(int signal) { return 128 + signal; }

const char* SignalName(int signal) { return signal == SIGINT ? "SIGINT" : "SIGTERM"; }

void DieWithParent(int parent_pid) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have died between the fork and the prctl.
  if (::getppid() != parent_pid) ::_exit(1);
}

}  // namespace vsrsim::reports
