// The coverage signature is a fact about the run: the same run gives the same bitmap, different
// runs can differ, it round-trips through its text form, and it never changes a fingerprint.

#include "sim/protocol_coverage.h"

#include <gtest/gtest.h>

#include "sim/runner.h"

namespace vsrsim::sim {
namespace {

TEST(ProtocolCoverageTest, TheSameRunGivesTheSameSignature) {
  RunOptions options;
  options.seed = 11;
  const RunResult first = sim::Run(options, nullptr);
  const RunResult second = sim::Run(options, nullptr);
  EXPECT_GT(first.signature.count(), 0U);
  EXPECT_EQ(first.signature, second.signature);
  EXPECT_EQ(first.signature.hash(), second.signature.hash());
}

TEST(ProtocolCoverageTest, LossReachesStatesAFaultFreeRunDoesNot) {
  RunOptions calm;
  calm.seed = 3;
  RunOptions lossy = calm;
  lossy.network.loss = {1, 5};
  const RunResult a = sim::Run(calm, nullptr);
  const RunResult b = sim::Run(lossy, nullptr);
  EXPECT_GT(b.signature.count_new(a.signature), 0U);
}

TEST(ProtocolCoverageTest, TheTextFormRoundTrips) {
  Signature signature;
  signature.set(0);
  signature.set(63);
  signature.set(kSignatureBits - 1);
  Signature parsed;
  ASSERT_TRUE(Signature::Parse(signature.hex(), parsed));
  EXPECT_EQ(parsed, signature);
  EXPECT_EQ(parsed.count(), 3U);
  EXPECT_FALSE(Signature::Parse("zz", parsed));
  EXPECT_FALSE(Signature::Parse(std::string(kSignatureWords * 16, 'g'), parsed));
}

TEST(ProtocolCoverageTest, MergeAndCountNew) {
  Signature a;
  a.set(5);
  Signature b;
  b.set(5);
  b.set(700);
  EXPECT_EQ(b.count_new(a), 1U);
  a.merge(b);
  EXPECT_EQ(a.count(), 2U);
  EXPECT_EQ(b.count_new(a), 0U);
}

}  // namespace
}  // namespace vsrsim::sim
