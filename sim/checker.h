#pragma once
// A checker's finding is a value: which checker fired and a message that names the client, request,
// ops and replicas involved. Checkers never assert; a finding ends the run with its outcome.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vsrsim::sim {

// kNondeterministic is a sweep's finding: the same seed ran twice with different fingerprints.
// kKilled is not a finding about the system under test: the process running the seed died from a
// signal it did not raise itself (SIGKILL from outside, the OOM killer), on its run and its re-run.
// kUnknown: a checker could not reach a verdict within its budget (the linearizability search);
// it is never a pass.
enum class Outcome : std::uint8_t {
  kPass,
  kSafety,
  kLiveness,
  kCrash,
  kTimeout,
  kNondeterministic,
  kKilled,
  kUnknown,
};

// Every outcome, in the order reports list them.
inline constexpr std::array kOutcomes = {
    Outcome::kPass,    Outcome::kSafety,           Outcome::kLiveness, Outcome::kCrash,
    Outcome::kTimeout, Outcome::kNondeterministic, Outcome::kKilled,   Outcome::kUnknown};

const char* OutcomeName(Outcome outcome);
int ExitCodeOf(Outcome outcome);

struct Violation {
  Outcome outcome = Outcome::kSafety;
  std::string checker;
  std::string message;
};

using Finding = std::optional<Violation>;

// Whether `checker` judges from the outside only: from what a client could see (the client history,
// its final reads, a client left waiting, a replica process that aborted), reading no execution
// report and no replica state. The others (at-most-once, reply-caching, the witness
// linearizability, agreement, durability, hygiene, convergence) are white-box.
bool IsOutsideOnly(std::string_view checker);

}  // namespace vsrsim::sim
