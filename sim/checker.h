#pragma once
// A checker's finding is a value: which checker fired and a message that names the client, request,
// ops and replicas involved. Checkers never assert; a finding ends the run with its outcome.

#include <optional>
#include <string>

namespace vsrsim::sim {

// kNondeterministic is a sweep's finding: the same seed ran twice with different fingerprints.
enum class Outcome : std::uint8_t {
  kPass,
  kSafety,
  kLiveness,
  kCrash,
  kTimeout,
  kNondeterministic
};

const char* OutcomeName(Outcome outcome);
int ExitCodeOf(Outcome outcome);

struct Violation {
  Outcome outcome = Outcome::kSafety;
  std::string checker;
  std::string message;
};

using Finding = std::optional<Violation>;

}  // namespace vsrsim::sim
