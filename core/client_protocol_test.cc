#include "core/client_protocol.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>

#include "core/message.h"
#include "core/types.h"

namespace vsrsim::core {
namespace {

constexpr ClientId kClient{42};
constexpr ClientId kOtherClient{43};

ClientOptions Options() {
  return ClientOptions{
      .id = kClient, .replica_count = 3, .retry_ticks_min = 4, .retry_ticks_max = 16};
}

Reply RegisterReply(Session session, View view = 0) {
  return Reply{.view = view, .client = kClient, .session = session, .request = 0, .op = session};
}

Reply AppendReply(Session session, RequestNumber request, View view = 0) {
  return Reply{.view = view,
               .client = kClient,
               .session = session,
               .request = request,
               .op = session + request,
               .first_offset = 0,
               .entry_count = 1};
}

// A client registered at session 7 in view 0.
ClientProtocol Registered() {
  ClientProtocol client(Options());
  client.start_register();
  EXPECT_EQ(client.on_reply(RegisterReply(7)), ReplyOutcome::kRegistered);
  return client;
}

constexpr std::array<std::uint64_t, 2> kPayload = {10, 11};

TEST(ClientProtocolTest, RegisterThenSubmit) {
  // A client registers with session 0 request 0, adopts the session of the reply, then submits
  // request 1 of that session carrying its payload.
  ClientProtocol client(Options());
  EXPECT_FALSE(client.registered());
  EXPECT_TRUE(client.idle());

  const ClientSend reg = client.start_register();
  EXPECT_EQ(Raw(reg.to), 0U);
  EXPECT_EQ(reg.request, (Request{.client = kClient, .operation = Operation::kRegister}));
  EXPECT_FALSE(client.idle());
  EXPECT_FALSE(client.registered());

  EXPECT_EQ(client.on_reply(RegisterReply(7)), ReplyOutcome::kRegistered);
  EXPECT_TRUE(client.registered());
  EXPECT_TRUE(client.idle());
  EXPECT_EQ(client.session(), 7U);

  const ClientSend append = client.submit(kPayload);
  EXPECT_EQ(Raw(append.to), 0U);
  EXPECT_EQ(append.request, (Request{.client = kClient,
                                     .session = 7,
                                     .request = 1,
                                     .operation = Operation::kAppend,
                                     .entry_count = 2,
                                     .entries = {10, 11, 0, 0}}));
  ASSERT_TRUE(client.in_flight().has_value());
  EXPECT_EQ(*client.in_flight(), append.request);
}

TEST(ClientProtocolTest, ReadIsTheSessionsNextRequestAndCompletesLikeAnAppend) {
  // A read carries the session, the next request number, the offset and the maximum; its reply
  // completes it.
  ClientProtocol client = Registered();
  const ClientSend send = client.submit_read(5, 3);
  EXPECT_EQ(send.request.operation, Operation::kRead);
  EXPECT_EQ(send.request.session, 7U);
  EXPECT_EQ(send.request.request, 1U);
  EXPECT_EQ(send.request.read_offset, 5U);
  EXPECT_EQ(send.request.entry_count, 3);
  EXPECT_EQ(client.on_reply(AppendReply(7, 1)), ReplyOutcome::kCompleted);
  EXPECT_TRUE(client.idle());
}

TEST(ClientProtocolTest, RequestNumbersGrowByOne) {
  // Each completed append lets the next submit use the next request number of the same session.
  ClientProtocol client = Registered();
  for (RequestNumber request = 1; request <= 3; request++) {
    const ClientSend send = client.submit(kPayload);
    EXPECT_EQ(send.request.request, request);
    EXPECT_EQ(send.request.session, 7U);
    EXPECT_EQ(client.on_reply(AppendReply(7, request)), ReplyOutcome::kCompleted);
    EXPECT_TRUE(client.idle());
  }
}

TEST(ClientProtocolTest, ReplyMatchingIgnoresOtherRequestsSessionsAndClients) {
  // Only a reply for the in-flight (client, session, request) completes it; others are ignored.
  ClientProtocol client = Registered();
  client.submit(kPayload);

  Reply other_client = AppendReply(7, 1);
  other_client.client = kOtherClient;
  EXPECT_EQ(client.on_reply(other_client), ReplyOutcome::kIgnored);
  EXPECT_EQ(client.on_reply(AppendReply(7, 2)), ReplyOutcome::kIgnored);
  EXPECT_EQ(client.on_reply(AppendReply(6, 1)), ReplyOutcome::kIgnored);
  EXPECT_EQ(client.on_reply(RegisterReply(7)), ReplyOutcome::kIgnored);
  EXPECT_FALSE(client.idle());

  EXPECT_EQ(client.on_reply(AppendReply(7, 1)), ReplyOutcome::kCompleted);
  EXPECT_TRUE(client.idle());
  // A late duplicate of the same reply finds nothing in flight.
  EXPECT_EQ(client.on_reply(AppendReply(7, 1)), ReplyOutcome::kIgnored);
}

TEST(ClientProtocolTest, EvictionAbandonsInFlightRequestAndUnregisters) {
  // An Eviction of the current session drops the in-flight request and leaves the client
  // unregistered; an Eviction of another session or client is ignored.
  ClientProtocol client = Registered();
  client.submit(kPayload);

  EXPECT_EQ(client.on_eviction(Eviction{.view = 0, .client = kClient, .session = 6}),
            ReplyOutcome::kIgnored);
  EXPECT_EQ(client.on_eviction(Eviction{.view = 0, .client = kOtherClient, .session = 7}),
            ReplyOutcome::kIgnored);
  EXPECT_FALSE(client.idle());
  EXPECT_TRUE(client.registered());

  EXPECT_EQ(client.on_eviction(Eviction{.view = 0, .client = kClient, .session = 7}),
            ReplyOutcome::kEvicted);
  EXPECT_TRUE(client.idle());
  EXPECT_FALSE(client.registered());
  EXPECT_FALSE(client.in_flight().has_value());
  // Nothing is retransmitted: the abandoned request is never resubmitted.
  for (int tick = 0; tick < 100; tick++) EXPECT_FALSE(client.on_tick().has_value());
  // The reply of the abandoned request, if it arrives later, is ignored.
  EXPECT_EQ(client.on_reply(AppendReply(7, 1)), ReplyOutcome::kIgnored);

  // The client registers again, with a fresh request numbering.
  const ClientSend reg = client.start_register();
  EXPECT_EQ(reg.request.operation, Operation::kRegister);
  EXPECT_EQ(client.on_reply(RegisterReply(20)), ReplyOutcome::kRegistered);
  EXPECT_EQ(client.submit(kPayload).request, (Request{.client = kClient,
                                                      .session = 20,
                                                      .request = 1,
                                                      .operation = Operation::kAppend,
                                                      .entry_count = 2,
                                                      .entries = {10, 11, 0, 0}}));
}

TEST(ClientProtocolTest, RetransmitsToNextReplicaWithDoublingTimeout) {
  // A silent replica makes the client resend the same request to the next replica after
  // retry_ticks_min ticks, then after twice as long each time, capped at retry_ticks_max.
  ClientProtocol client = Registered();
  const ClientSend first = client.submit(kPayload);
  EXPECT_EQ(Raw(first.to), 0U);

  // Expected (timeout, target) of each retransmission: 4 -> 1, 8 -> 2, 16 -> 0, 16 (capped) -> 1.
  const std::array<std::pair<std::uint32_t, std::uint8_t>, 4> expected = {
      {{4, 1}, {8, 2}, {16, 0}, {16, 1}}};
  std::uint64_t retransmissions = 0;
  for (const auto& [timeout_ticks, target] : expected) {
    for (std::uint32_t tick = 1; tick < timeout_ticks; tick++) {
      EXPECT_FALSE(client.on_tick().has_value()) << "tick " << tick << " of " << timeout_ticks;
    }
    const std::optional<ClientSend> resend = client.on_tick();
    ASSERT_TRUE(resend.has_value()) << "timeout " << timeout_ticks;
    EXPECT_EQ(Raw(resend->to), target);
    EXPECT_EQ(resend->request, first.request);
    retransmissions++;
    EXPECT_EQ(client.retransmissions(), retransmissions);
  }
}

TEST(ClientProtocolTest, IdleClientNeverRetransmits) {
  // With nothing in flight, ticks produce no sends.
  ClientProtocol client = Registered();
  for (int tick = 0; tick < 50; tick++) EXPECT_FALSE(client.on_tick().has_value());
  EXPECT_EQ(client.retransmissions(), 0U);
}

TEST(ClientProtocolTest, NewRequestRestartsAtMinimumTimeoutAndPrimary) {
  // After a completed request, the next one goes to the hinted primary with the minimum timeout.
  ClientProtocol client = Registered();
  client.submit(kPayload);
  for (int tick = 0; tick < 4; tick++) client.on_tick();  // One retransmission, to replica 1.
  ASSERT_EQ(client.retransmissions(), 1U);
  EXPECT_EQ(client.on_reply(AppendReply(7, 1)), ReplyOutcome::kCompleted);

  const ClientSend next = client.submit(kPayload);
  EXPECT_EQ(Raw(next.to), 0U);
  for (int tick = 1; tick < 4; tick++) EXPECT_FALSE(client.on_tick().has_value());
  const std::optional<ClientSend> resend = client.on_tick();
  ASSERT_TRUE(resend.has_value());
  EXPECT_EQ(Raw(resend->to), 1U);
}

TEST(ClientProtocolTest, ViewHintFromReplyTargetsThatViewsPrimary) {
  // The view in a reply makes the next request go to PrimaryOf(view); an older view does not move
  // the hint back.
  ClientProtocol client(Options());
  client.start_register();
  EXPECT_EQ(client.on_reply(RegisterReply(7, 4)), ReplyOutcome::kRegistered);
  EXPECT_EQ(client.submit(kPayload).to, PrimaryOf(4, 3));
  EXPECT_EQ(Raw(PrimaryOf(4, 3)), 1U);

  EXPECT_EQ(client.on_reply(AppendReply(7, 1, 8)), ReplyOutcome::kCompleted);
  EXPECT_EQ(client.submit(kPayload).to, PrimaryOf(8, 3));
  EXPECT_EQ(Raw(PrimaryOf(8, 3)), 2U);

  EXPECT_EQ(client.on_reply(AppendReply(7, 2, 3)), ReplyOutcome::kCompleted);
  EXPECT_EQ(client.submit(kPayload).to, PrimaryOf(8, 3));
}

TEST(ClientProtocolTest, ViewHintFromEvictionTargetsThatViewsPrimary) {
  // The view in an Eviction makes the re-registration go to PrimaryOf(view).
  ClientProtocol client = Registered();
  client.submit(kPayload);
  EXPECT_EQ(client.on_eviction(Eviction{.view = 5, .client = kClient, .session = 7}),
            ReplyOutcome::kEvicted);
  EXPECT_EQ(client.start_register().to, PrimaryOf(5, 3));
  EXPECT_EQ(Raw(PrimaryOf(5, 3)), 2U);
}

}  // namespace
}  // namespace vsrsim::core
