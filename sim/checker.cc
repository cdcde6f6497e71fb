#include "sim/checker.h"

namespace vsrsim::sim {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kSafety:
      return "safety";
    case Outcome::kLiveness:
      return "liveness";
    case Outcome::kCrash:
      return "crash";
    case Outcome::kTimeout:
      return "timeout";
    case Outcome::kNondeterministic:
      return "determinism";
    case Outcome::kKilled:
      return "killed";
    case Outcome::kUnknown:
      return "unknown";
  }
  return "unknown";
}

bool IsOutsideOnly(std::string_view checker) {
  return checker == "history-linearizability" || checker == "final-read" ||
         checker == "starvation" || checker == "liveness" || checker == "crash";
}

int ExitCodeOf(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return 0;
    case Outcome::kSafety:
      return 1;
    case Outcome::kLiveness:
      return 2;
    case Outcome::kCrash:
      return 3;
    case Outcome::kTimeout:
      return 2;  // A seed that never ends made no progress: a liveness failure.
    case Outcome::kNondeterministic:
      return 4;
    case Outcome::kKilled:
      return 75;  // EX_TEMPFAIL: not the seed's fault; run it again.
    case Outcome::kUnknown:
      return 5;  // No verdict: not a pass, and not known to be a violation.
  }
  return 1;
}

}  // namespace vsrsim::sim
