#include "faults/explorer.h"

#include <algorithm>

#include "faults/scenario_mutation.h"

namespace vsrsim::faults {

namespace {

constexpr std::uint64_t kRarityScale = std::uint64_t{1} << 24;

}  // namespace

Explorer::Explorer(const ExplorerOptions& options)
    : options_(options),
      prng_(sim::Prng(options.seed).Fork("explore")),
      fresh_next_(options.seed),
      hits_(sim::kSignatureBits, 0) {}

std::size_t Explorer::pick() {
  std::vector<std::uint64_t> energy(corpus_.size(), 0);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < corpus_.size(); i++) {
    const CorpusEntry& entry = corpus_[i];
    std::uint64_t rarity = 0;
    for (std::size_t bit = 0; bit < sim::kSignatureBits; bit++) {
      if (entry.signature.test(bit))
        rarity += kRarityScale / std::max<std::uint32_t>(hits_[bit], 1);
    }
    energy[i] = std::max<std::uint64_t>(rarity / (1 + entry.picked / 4), 1);
    total += energy[i];
  }
  std::uint64_t draw = prng_.Below(total);
  for (std::size_t i = 0; i < energy.size(); i++) {
    if (draw < energy[i]) return i;
    draw -= energy[i];
  }
  return energy.size() - 1;
}

std::vector<Candidate> Explorer::next_batch(std::size_t count) {
  std::vector<Candidate> batch;
  batch.reserve(count);
  for (std::size_t i = 0; i < count; i++) {
    Candidate candidate;
    if (corpus_.empty() || prng_.Below(options_.fresh_every) == 0) {
      candidate.fresh_seed = fresh_next_++;
      candidate.what = "fresh seed";
    } else {
      const std::size_t parent = pick();
      CorpusEntry& entry = corpus_[parent];
      entry.picked++;
      candidate.parent = parent;
      candidate.scenario = MutateScenario(entry.scenario, entry.ticks, prng_, candidate.what);
    }
    batch.push_back(std::move(candidate));
  }
  return batch;
}

bool Explorer::fold(const Candidate& candidate, const Played& played) {
  runs_++;
  const sim::Signature& signature = played.signature;
  if (signature.count() == 0) return false;  // A run that could not report (it aborted).
  const std::uint64_t hash = signature.hash();
  const auto at = std::lower_bound(signatures_.begin(), signatures_.end(), hash);
  if (at == signatures_.end() || *at != hash) signatures_.insert(at, hash);
  for (std::size_t bit = 0; bit < sim::kSignatureBits; bit++) {
    if (signature.test(bit)) hits_[bit]++;
  }
  const std::size_t new_bits = signature.count_new(reached_);
  if (new_bits == 0) return false;
  reached_.merge(signature);
  corpus_.push_back({.scenario = played.scenario,
                     .signature = signature,
                     .ticks = played.ticks,
                     .found_at = runs_,
                     .new_bits = new_bits,
                     .what = candidate.what});
  return true;
}

void Explorer::mark() {
  timeline_.push_back({.runs = runs_,
                       .bits = reached_.count(),
                       .signatures = signatures_.size(),
                       .corpus = corpus_.size()});
}

}  // namespace vsrsim::faults
