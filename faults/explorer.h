#pragma once
// A coverage-guided search over scenarios (issue 15), the policy half of `vsrsim explore`: it
// keeps a corpus of scenarios that each reached coverage bits (sim/protocol_coverage.h) no earlier
// run had, proposes the next candidates (a fresh swarm seed, or a mutant of a corpus scenario
// picked with a weight towards rare bits, faults/scenario_mutation.h), and folds in what each
// candidate's run reached. It plays nothing itself: the caller plays a batch (in forked workers,
// in any order) and folds the results back in candidate order.
//
// Invariants: every decision comes from the explorer's own PRNG and from the results folded so
// far, in candidate order, so the same seed and the same results give the same corpus, whatever
// the number of workers. Weights are integers.
//
// The energy of a corpus entry (how likely it is picked) is the sum, over its bits, of 2^16 over
// the number of runs that reached that bit, divided by one more than a quarter of the times the
// entry was already picked: entries that alone reach rare states are mutated most, and none is
// mutated for ever.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "faults/scenario.h"
#include "sim/checker.h"
#include "sim/prng.h"
#include "sim/protocol_coverage.h"

namespace vsrsim::faults {

struct ExplorerOptions {
  std::uint64_t seed = 1;  // The explorer's PRNG, and the first fresh swarm seed.
  // One candidate in `fresh_every` is a fresh swarm seed (seed, seed + 1, ...), as a sweep plays.
  std::uint32_t fresh_every = 2;
};

struct Candidate {
  std::optional<std::uint64_t> fresh_seed;  // A swarm seed to dump and play, or:
  Scenario scenario;                        // a mutant to play.
  std::size_t parent = 0;                   // The corpus entry it was mutated from.
  std::string what;                         // The mutation ("add fault, move"), or "fresh seed".
};

// What playing a candidate gave.
struct Played {
  sim::Outcome outcome = sim::Outcome::kPass;
  sim::Signature signature;
  std::uint64_t ticks = 0;  // How long the run lasted (the horizon of its mutants' events).
  Scenario scenario;        // What was played (a fresh seed's dumped scenario).
};

struct CorpusEntry {
  Scenario scenario;
  sim::Signature signature;
  std::uint64_t ticks = 0;
  std::uint64_t found_at = 0;  // The run (1-based) that added it.
  std::size_t new_bits = 0;    // Bits no earlier run had reached.
  std::uint64_t picked = 0;
  std::string what;
};

// Coverage over time, after a batch.
struct ExplorePoint {
  std::uint64_t runs = 0;
  std::size_t bits = 0;
  std::size_t signatures = 0;
  std::size_t corpus = 0;
};

class Explorer {
 public:
  explicit Explorer(const ExplorerOptions& options);

  // The next `count` candidates.
  std::vector<Candidate> next_batch(std::size_t count);
  // Folds one played candidate; returns whether it joined the corpus (it reached new bits). Call
  // in candidate order.
  bool fold(const Candidate& candidate, const Played& played);
  // Records the coverage so far (after a batch).
  void mark();

  const std::vector<CorpusEntry>& corpus() const { return corpus_; }
  const sim::Signature& reached() const { return reached_; }
  std::size_t distinct_signatures() const { return signatures_.size(); }
  std::uint64_t runs() const { return runs_; }
  const std::vector<ExplorePoint>& timeline() const { return timeline_; }

 private:
  std::size_t pick();

  ExplorerOptions options_;
  sim::Prng prng_;
  std::uint64_t fresh_next_;
  std::uint64_t runs_ = 0;
  std::vector<CorpusEntry> corpus_;
  sim::Signature reached_;
  std::vector<std::uint32_t> hits_;        // Per bit: runs that reached it.
  std::vector<std::uint64_t> signatures_;  // Distinct signature hashes, sorted.
  std::vector<ExplorePoint> timeline_;
};

}  // namespace vsrsim::faults
