#include "reports/text_trace.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "faults/swarm.h"
#include "faults/swarm_nemesis.h"
#include "sim/runner.h"

namespace vsrsim::reports {
namespace {

constexpr std::size_t kReplicas = 3;

std::string Delivered(const core::Message& message, std::uint8_t from = 4, std::uint8_t to = 0) {
  return DescribeRecord(sim::MessageRecord(sim::TraceKind::kDeliver, 2000, from, to, 0, 1500,
                                           core::Summarize(message)),
                        kReplicas);
}

core::Request AppendRequest() {
  core::Request request{.client = core::ClientId{0xabc},
                        .session = 5,
                        .request = 7,
                        .operation = core::Operation::kAppend,
                        .entry_count = 2};
  request.entries[0] = 0xfeed;
  request.entries[1] = 0xbeef;
  return request;
}

TEST(TextTraceTest, EveryMessageKindShowsItsFieldsByName) {
  // One message of each kind, with distinct values: the line names the kind and every field the
  // issue asks for, with its value.
  const core::Request append = AppendRequest();
  EXPECT_EQ(Delivered(append),
            "c1 -> r0 request client=2748 session=5 request=7 append entries=2 "
            "first_entry=feed");
  core::Request read{.client = core::ClientId{0xabc},
                     .session = 5,
                     .request = 8,
                     .operation = core::Operation::kRead,
                     .entry_count = 4,
                     .read_offset = 12};
  EXPECT_EQ(Delivered(read),
            "c1 -> r0 request client=2748 session=5 request=8 read entries=4 "
            "offset=12");
  core::Request register_request{.client = core::ClientId{0xabc}};
  EXPECT_EQ(Delivered(register_request),
            "c1 -> r0 request client=2748 session=0 request=0 register");
  const core::Reply reply{.view = 2,
                          .client = core::ClientId{0xabc},
                          .session = 5,
                          .request = 7,
                          .op = 40,
                          .first_offset = 11};
  EXPECT_EQ(Delivered(reply, 1, 4),
            "r1 -> c1 reply view=2 client=2748 session=5 request=7 op=40 offset=11");
  EXPECT_EQ(
      Delivered(core::Eviction{.view = 3, .client = core::ClientId{0xabc}, .session = 5}, 1, 4),
      "r1 -> c1 eviction view=3 client=2748 session=5");
  core::Prepare prepare{.view = 2, .commit = 39};
  prepare.entry.op = 40;
  prepare.entry.request = append;
  EXPECT_EQ(Delivered(prepare, 0, 1),
            "r0 -> r1 prepare view=2 op=40 commit=39 client=2748 session=5 request=7");
  EXPECT_EQ(Delivered(core::PrepareOk{.view = 2, .op = 40, .replica = core::ReplicaIndex{1}}, 1),
            "r1 -> r0 prepare_ok view=2 op=40 replica=1");
  EXPECT_EQ(
      Delivered(core::Commit{.view = 2, .commit = 39, .replica = core::ReplicaIndex{0}}, 0, 2),
      "r0 -> r2 commit view=2 commit=39 replica=0");
  EXPECT_EQ(Delivered(core::StartViewChange{.view = 3, .replica = core::ReplicaIndex{2}}, 2, 1),
            "r2 -> r1 start_view_change view=3 replica=2");
  core::DoViewChange dvc{.view = 3,
                         .log_view = 2,
                         .op = 41,
                         .commit = 39,
                         .replica = core::ReplicaIndex{2},
                         .checkpoint = 38,
                         .checkpoint_checksum = 0,
                         .log = {}};
  dvc.log.resize(3);
  EXPECT_EQ(Delivered(dvc, 2, 0),
            "r2 -> r0 do_view_change view=3 log_view=2 op=41 commit=39 checkpoint=38 replica=2");
  core::StartView start_view{.view = 3,
                             .commit = 39,
                             .nonce = 77,
                             .replica = core::ReplicaIndex{0},
                             .checkpoint = 39,
                             .checkpoint_checksum = 0,
                             .log = {}};
  start_view.log.resize(2);
  start_view.log[0].op = 40;
  start_view.log[1].op = 41;
  EXPECT_EQ(Delivered(start_view, 0, 1),
            "r0 -> r1 start_view view=3 commit=39 checkpoint=39 last_op=41 nonce=77 replica=0");
  EXPECT_EQ(
      Delivered(core::RequestStartView{.view = 3, .nonce = 77, .replica = core::ReplicaIndex{1}}, 1,
                0),
      "r1 -> r0 request_start_view view=3 nonce=77 replica=1");
  EXPECT_EQ(
      Delivered(core::RequestPrepare{.view = 3, .op = 40, .replica = core::ReplicaIndex{1}}, 1, 0),
      "r1 -> r0 request_prepare view=3 op=40 replica=1");
  EXPECT_EQ(
      Delivered(core::RequestCheckpoint{.view = 3, .op = 40, .replica = core::ReplicaIndex{1}}, 1,
                0),
      "r1 -> r0 request_checkpoint view=3 op=40 replica=1");
  EXPECT_EQ(Delivered(core::SyncCheckpoint{.view = 3,
                                           .op = 40,
                                           .checksum = 9,
                                           .replica = core::ReplicaIndex{0},
                                           .words = {1, 2},
                                           .partition = {5, 6, 7}},
                      0, 1),
            "r0 -> r1 sync_checkpoint view=3 op=40 checksum=9 words=2 replica=0 partition=3");
  // Every kind has a name and at least one field.
  for (std::size_t kind = 0; kind < std::variant_size_v<core::Message>; kind++) {
    EXPECT_STRNE(core::MessageKindName(kind), "unknown");
    EXPECT_NE(core::MessageFieldNames(kind)[0], nullptr) << kind;
  }
}

TEST(TextTraceTest, DropsSayWhyIncludingAReplicaThatIsDown) {
  const core::Message ok = core::PrepareOk{.view = 2, .op = 40, .replica = core::ReplicaIndex{1}};
  EXPECT_EQ(DescribeRecord(sim::MessageRecord(sim::TraceKind::kDrop, 2000, 1, 0,
                                              sim::kDropReplicaDown, 1500, core::Summarize(ok)),
                           kReplicas),
            "r1 -> r0 prepare_ok view=2 op=40 replica=1 DROPPED (replica down)");
  EXPECT_EQ(DescribeRecord(
                sim::MessageRecord(sim::TraceKind::kDrop, 2000, 1, 0, 3, 1500, core::Summarize(ok)),
                kReplicas),
            "r1 -> r0 prepare_ok view=2 op=40 replica=1 DROPPED (partition)");
}

sim::TraceRecord Fault(std::uint64_t kind, std::uint8_t from, std::uint8_t to, std::uint64_t b) {
  return {.kind = sim::TraceKind::kFault, .from = from, .to = to, .a = kind, .b = b};
}

TEST(TextTraceTest, FaultsInWordsAndTheViolationWithItsMessage) {
  EXPECT_EQ(DescribeRecord(Fault(sim::kIsolateFault, 2, 0, 25), kReplicas),
            "isolate r2 for 25 ticks");
  EXPECT_EQ(DescribeRecord(Fault(sim::kBlockFault, 4, 0, 10), kReplicas),
            "block c1 -> r0 for 10 ticks");
  EXPECT_EQ(DescribeRecord(Fault(sim::kClogFault, 0, 1, 1), kReplicas),
            "clog r0 -> r1 for 1 tick (held, then delivered)");
  EXPECT_EQ(DescribeRecord(Fault(sim::kDisconnectFault, 3, 0, 25'500), kReplicas),
            "disconnect c0 from every replica for 25.500 ms");
  EXPECT_EQ(DescribeRecord(Fault(sim::kReplayFault, 0, 1, (8 << 8) | 2), kReplicas),
            "r0 -> r1 REPLAY of a stale start_view (2 sends of its kind ago)");
  EXPECT_EQ(DescribeRecord(Fault(sim::kCrashInSyncFault, 1, 0, 0), kReplicas),
            "arm r1 to crash right before its next sync completes");
  EXPECT_EQ(DescribeRecord(Fault(sim::kHealFault, 0, 0, 0b101), kReplicas),
            "heal: faults stop, the liveness phase begins with core {r0,r2}");
  const sim::TraceRecord violation{.kind = sim::TraceKind::kViolation};
  EXPECT_EQ(DescribeRecord(violation, kReplicas, "at-most-once: client abc request 7 twice"),
            "VIOLATION at-most-once: client abc request 7 twice");
  EXPECT_EQ(DescribeRecord(violation, kReplicas), "VIOLATION");
}

TEST(TextTraceTest, FiltersKeepTheNamedProcessesAndTheLastRecords) {
  std::vector<sim::TraceRecord> records;
  const core::Message commit = core::Commit{.view = 1, .commit = 1};
  for (std::uint8_t i = 0; i < 10; i++) {
    const auto from = static_cast<std::uint8_t>(i % 3);
    const auto to = static_cast<std::uint8_t>((i + 1) % 3);
    records.push_back(sim::MessageRecord(sim::TraceKind::kDeliver, 1000U * (i + 1U), from, to, 0,
                                         1000U * i, core::Summarize(commit)));
  }
  records.push_back({.time_us = 20'000, .kind = sim::TraceKind::kViolation});
  const std::string all = RenderTextTrace(records, kReplicas, "x: y");
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 11);
  EXPECT_NE(all.find("VIOLATION x: y"), std::string::npos);

  TraceFilter only_r2{.only = {2}, .last = 0};
  const std::string r2 = RenderTextTrace(records, kReplicas, "x: y", only_r2);
  // r2 is in records 1, 2 (to r2, from r2), 4, 5, 7, 8, and the violation always shows.
  EXPECT_EQ(std::count(r2.begin(), r2.end(), '\n'), 7);
  EXPECT_EQ(r2.find("r0 -> r1"), std::string::npos);

  TraceFilter last{.only = {}, .last = 3};
  const std::string tail = RenderTextTrace(records, kReplicas, "x: y", last);
  EXPECT_EQ(tail.rfind("... 8 earlier records left out (--trace-last 3)\n", 0), 0U);
  EXPECT_EQ(std::count(tail.begin(), tail.end(), '\n'), 4);
  EXPECT_NE(tail.find("VIOLATION"), std::string::npos);
}

TEST(TextTraceTest, AClientsFilterKeepsTheExecutionsOfItsRequests) {
  // c1 (process 4) sends a request as client 2748; r0 executes it, and an op of another client.
  std::vector<sim::TraceRecord> records;
  records.push_back(sim::MessageRecord(sim::TraceKind::kDeliver, 1000, 4, 0, 0, 900,
                                       core::Summarize(AppendRequest())));
  records.push_back({.time_us = 2000,
                     .kind = sim::TraceKind::kExecute,
                     .from = 0,
                     .a = 7,
                     .b = 1,
                     .c = 2748,
                     .d = 7,
                     .e = 5});
  records.push_back({.time_us = 2000,
                     .kind = sim::TraceKind::kExecute,
                     .from = 0,
                     .a = 8,
                     .b = 1,
                     .c = 99,
                     .d = 1,
                     .e = 1});
  const std::string text = RenderTextTrace(records, kReplicas, "", {.only = {4}, .last = 0});
  EXPECT_NE(text.find("r0 executes op 7 (client 2748 session 5 request 7)"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("executes op 8"), std::string::npos) << text;
}

TEST(TextTraceTest, ProcessListsNameReplicasAndClientsOfTheRun) {
  std::string error;
  const auto ok = ParseProcessList("r0,c3,r2", 3, 4, error);
  ASSERT_TRUE(ok.has_value()) << error;
  EXPECT_EQ(*ok, (std::vector<std::uint8_t>{0, 6, 2}));
  for (const char* bad : {"", "r3", "c4", "x1", "r", "r0,", "r-1", "r0x"}) {
    EXPECT_FALSE(ParseProcessList(bad, 3, 4, error).has_value()) << bad;
    EXPECT_NE(error.find("r0..r2"), std::string::npos) << error;
  }
}

TEST(TextTraceTest, AFailingRunCarriesTheStateTable) {
  // A seed the silent-eviction mutant fails: the result carries a table of every replica and
  // client; a passing run carries none.
  for (std::uint64_t seed = 1; seed <= 200; seed++) {
    sim::RunOptions options = faults::DrawOptions(seed, faults::Profile::kFull);
    options.mutants.Add(core::Mutant::kSilentEviction);
    faults::SwarmNemesis nemesis;
    const sim::RunResult result = sim::Run(options, &nemesis);
    if (result.outcome == sim::Outcome::kPass) {
      EXPECT_TRUE(result.state.empty());
      continue;
    }
    EXPECT_NE(result.state.find("state at the end of the run"), std::string::npos);
    for (std::size_t r = 0; r < options.replica_count; r++) {
      EXPECT_NE(result.state.find(fmt::format("\n  r{} ", r)), std::string::npos) << r;
    }
    for (std::size_t c = 0; c < options.client_count; c++) {
      EXPECT_NE(result.state.find(fmt::format("\n  c{} ", c)), std::string::npos) << c;
    }
    return;
  }
  FAIL() << "no seed in 1..200 fails under silent-eviction";
}

}  // namespace
}  // namespace vsrsim::reports
