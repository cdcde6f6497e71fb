// The explorer's decisions depend only on its seed and on the results folded in, in order: two
// explorers fed the same results propose the same candidates; a result joins the corpus only when
// it reached bits no earlier one had; the first candidates are the fresh seeds seed, seed + 1, ...

#include "faults/explorer.h"

#include <gtest/gtest.h>

#include "faults/swarm.h"

namespace vsrsim::faults {
namespace {

// A stand-in for playing a candidate: a signature derived from its text, so every candidate has
// a fixed, varied result without running anything.
Played Fake(const Candidate& candidate) {
  Played played;
  played.scenario = candidate.scenario;
  if (candidate.fresh_seed) {
    played.scenario.options = ScriptedOptions(DrawOptions(*candidate.fresh_seed, Profile::kFull));
  }
  const std::string text = FormatScenario(played.scenario);
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  played.signature.set(hash % sim::kSignatureBits);
  played.signature.set((hash >> 20) % 64);
  played.ticks = 100;
  return played;
}

TEST(ExplorerTest, FirstCandidatesAreConsecutiveFreshSeeds) {
  Explorer explorer({.seed = 40});
  const std::vector<Candidate> batch = explorer.next_batch(3);
  ASSERT_EQ(batch.size(), 3U);
  for (std::size_t i = 0; i < batch.size(); i++) {
    ASSERT_TRUE(batch[i].fresh_seed.has_value());
    EXPECT_EQ(*batch[i].fresh_seed, 40 + i);
  }
}

TEST(ExplorerTest, TheSameResultsGiveTheSameSearch) {
  Explorer a({.seed = 5});
  Explorer b({.seed = 5});
  for (int round = 0; round < 20; round++) {
    const std::vector<Candidate> batch_a = a.next_batch(8);
    const std::vector<Candidate> batch_b = b.next_batch(8);
    ASSERT_EQ(batch_a.size(), batch_b.size());
    for (std::size_t i = 0; i < batch_a.size(); i++) {
      ASSERT_EQ(batch_a[i].fresh_seed, batch_b[i].fresh_seed);
      ASSERT_EQ(FormatScenario(batch_a[i].scenario), FormatScenario(batch_b[i].scenario));
      EXPECT_EQ(a.fold(batch_a[i], Fake(batch_a[i])), b.fold(batch_b[i], Fake(batch_b[i])));
    }
    a.mark();
    b.mark();
  }
  EXPECT_EQ(a.reached(), b.reached());
  EXPECT_EQ(a.corpus().size(), b.corpus().size());
  EXPECT_EQ(a.runs(), 160U);
  EXPECT_EQ(a.timeline().size(), 20U);
  EXPECT_LT(a.corpus().size(), 160U);  // Some results repeated known bits.
}

TEST(ExplorerTest, OnlyNewBitsJoinTheCorpus) {
  Explorer explorer({.seed = 1});
  const std::vector<Candidate> batch = explorer.next_batch(2);
  Played played = Fake(batch[0]);
  EXPECT_TRUE(explorer.fold(batch[0], played));
  EXPECT_FALSE(explorer.fold(batch[1], played));  // The same bits again.
  Played aborted;                                 // A run that aborted reports no signature.
  EXPECT_FALSE(explorer.fold(batch[1], aborted));
  EXPECT_EQ(explorer.corpus().size(), 1U);
  EXPECT_EQ(explorer.runs(), 3U);
  EXPECT_EQ(explorer.distinct_signatures(), 1U);
}

}  // namespace
}  // namespace vsrsim::faults
