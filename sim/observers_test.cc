#include "sim/observers.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace vsrsim::sim {
namespace {

// A subscriber of the message hooks that takes the kinds it is told.
class KindsObserver final : public Observer {
 public:
  KindsObserver(std::uint32_t hooks, std::uint32_t sent, std::uint32_t delivered)
      : hooks_(hooks), sent_(sent), delivered_(delivered) {}
  std::uint32_t hooks() const override { return hooks_; }
  std::uint32_t kinds_sent() const override { return sent_; }
  std::uint32_t kinds_delivered() const override { return delivered_; }

 private:
  std::uint32_t hooks_;
  std::uint32_t sent_;
  std::uint32_t delivered_;
};

std::size_t KindOf(const core::Message& message) { return message.index(); }

// A kind's bit is the message variant's index of that alternative.
TEST(ObserversTest, MessageKindBitsAreTheVariantIndices) {
  EXPECT_EQ(MessageKindBits<core::Request>(), 1U << KindOf(core::Request{}));
  EXPECT_EQ(MessageKindBits<core::Commit>(), 1U << KindOf(core::Commit{}));
  EXPECT_EQ((MessageKindBits<core::Prepare, core::StartView>()),
            (1U << KindOf(core::Prepare{})) | (1U << KindOf(core::StartView{})));
  EXPECT_EQ(kAllMessageKinds, (1U << kMessageKindCount) - 1);
}

// A message reaches exactly the subscribers of its hook that take its kind, in registry order;
// one that does not subscribe to the hook gets nothing, whatever kinds it names.
TEST(ObserversTest, MessagesReachOnlyTheSubscribersOfTheirKind) {
  std::vector<std::unique_ptr<Observer>> observers;
  observers.push_back(std::make_unique<KindsObserver>(
      HookBit(Hook::kMessageSent), MessageKindBits<core::Commit>(), kAllMessageKinds));
  observers.push_back(std::make_unique<KindsObserver>(
      HookBit(Hook::kMessageSent) | HookBit(Hook::kMessageDelivered), kAllMessageKinds,
      MessageKindBits<core::PrepareOk>()));
  observers.push_back(std::make_unique<KindsObserver>(HookBit(Hook::kExecuted), kAllMessageKinds,
                                                      kAllMessageKinds));
  const SubscribersByKind sent = ByMessageKind(observers, Hook::kMessageSent);
  const SubscribersByKind delivered = ByMessageKind(observers, Hook::kMessageDelivered);
  const std::size_t commit = KindOf(core::Commit{});
  const std::size_t prepare_ok = KindOf(core::PrepareOk{});
  EXPECT_EQ(sent[commit], (std::vector<Observer*>{observers[0].get(), observers[1].get()}));
  EXPECT_EQ(sent[prepare_ok], (std::vector<Observer*>{observers[1].get()}));
  EXPECT_EQ(delivered[prepare_ok], (std::vector<Observer*>{observers[1].get()}));
  EXPECT_TRUE(delivered[commit].empty());
  for (std::size_t kind = 0; kind < kMessageKindCount; kind++) {
    for (const Observer* observer : sent[kind]) EXPECT_NE(observer, observers[2].get());
  }
}

// The registry's subscribers: the wire contract sees every kind sent, and no kind is delivered to
// a subscriber that does not take it (the durability checker takes only handed-over logs).
TEST(ObserversTest, RegistryWireContractSeesEverySend) {
  RunOptions options;
  const Observers observers = MakeObservers(options, ObserverSizes{.appends = 4, .ops = 8});
  const SubscribersByKind sent = ByMessageKind(observers.all, Hook::kMessageSent);
  const SubscribersByKind delivered = ByMessageKind(observers.all, Hook::kMessageDelivered);
  for (std::size_t kind = 0; kind < kMessageKindCount; kind++) {
    EXPECT_FALSE(sent[kind].empty()) << "kind " << kind;
  }
  EXPECT_TRUE(delivered[KindOf(core::Reply{})].empty());
  EXPECT_FALSE(delivered[KindOf(core::StartView{})].empty());
}

}  // namespace
}  // namespace vsrsim::sim
