// Goal: the world drives processes as the Env contract says — Start once per incarnation, pause
// holds timers and messages (which then run in order, their timer ids still valid), crash and
// kill end an incarnation with and without the page cache, shutdown is announced, skew moves only
// the wall clock, and disk latency keeps a node busy. Method: TestProcess nodes with scripted
// hooks, checked through their NodeLog and the disks.
#include "sim/world.h"

#include <gtest/gtest.h>

#include "tests/sim/sim_test_util.h"

namespace ks {
namespace {

using testing::FixedLatency;
using testing::OptionsWith;
using testing::TestProcess;
using testing::TestWorld;

TEST(WorldTest, StartRunsProcessStartOncePerIncarnation) {
  TestWorld t(OptionsWith(FixedLatency(100)), 2);
  EXPECT_EQ(t.world().status(0), NodeStatus::kNotStarted);
  EXPECT_EQ(t.world().process(0), nullptr);
  t.StartAll();
  EXPECT_EQ(t.world().status(0), NodeStatus::kUp);
  EXPECT_EQ(t.log(0).starts, 1);
  EXPECT_EQ(t.log(1).starts, 1);
  EXPECT_EQ(t.world().incarnation(0), 1u);
  EXPECT_EQ(t.world().FindNode("n1"), 1);
  EXPECT_EQ(t.world().FindNode("nope"), kNoNode);
  EXPECT_EQ(t.world().NodeName(1), "n1");
}

TEST(WorldTest, PausedNodeRunsItsTimersAndMessagesOnResumeInOrder) {
  TestWorld t(OptionsWith(FixedLatency(100)), 2);
  t.StartAll();
  std::vector<std::string> order;
  Env& env = t.process(1).env();
  const TimerId first = env.SetTimer(1'000, [&] { order.push_back("timer@1000"); });
  const TimerId cancelled = env.SetTimer(1'200, [&] { order.push_back("cancelled"); });
  env.SetTimer(1'700, [&] { order.push_back("timer@1700"); });
  t.log(1).on_message = [&](TestProcess& p, NodeId, const testing::TestMessage& m) {
    order.push_back("message " + std::to_string(m.seq()) + " at " + std::to_string(p.env().Now()));
  };
  t.At(500, [&] { t.world().Pause(1); });
  t.At(1'400, [&] { t.Send(0, 1, 0); });  // arrives at 1500, while paused
  t.At(1'600, [&] { t.Send(0, 1, 1); });
  t.At(2'000, [&] {
    EXPECT_TRUE(t.world().scheduler().IsPending(first)) << "a parked timer keeps its id";
    EXPECT_TRUE(t.process(1).env().CancelTimer(cancelled)) << "and can be cancelled";
  });
  t.RunUntil(2'999);
  EXPECT_TRUE(order.empty());
  EXPECT_EQ(t.world().status(1), NodeStatus::kPaused);
  t.At(3'000, [&] { t.world().Resume(1); });
  t.RunUntil(kTimeNever);
  EXPECT_EQ(order, (std::vector<std::string>{"timer@1000", "message 0 at 3000", "timer@1700",
                                             "message 1 at 3000"}));
  EXPECT_FALSE(t.process(1).env().CancelTimer(first)) << "it ran";
}

// Regression: unparked events got fresh sequence numbers, so a message due exactly at the
// instant of the resume (scheduled before the resume) overtook earlier messages of its
// connection that had waited during the pause.
TEST(WorldTest, ResumeKeepsConnectionOrderWithAMessageDueAtTheResumeInstant) {
  TestWorld t(OptionsWith(FixedLatency(1'000)), 2);
  t.StartAll();
  t.At(100, [&] { t.world().Pause(1); });
  t.At(200, [&] { t.Send(0, 1, 0); });        // arrives at 1200: parked
  t.At(2'000, [&] { t.Send(0, 1, 1); });      // arrives at 3000
  t.At(3'000, [&] { t.world().Resume(1); });  // scheduled after message 1's arrival
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.SeqsFrom(1, 0), (std::vector<int64_t>{0, 1}));
}

TEST(WorldTest, CrashDropsTimersAndRestartRunsStartWithOnlySyncedBytes) {
  TestWorld t(OptionsWith(FixedLatency(100)), 1);
  int timer_runs = 0;
  t.log(0).on_start = [&](TestProcess& p) {
    Disk& disk = p.env().LocalDisk();
    if (!disk.Exists("state")) {
      ASSERT_TRUE(disk.Append("state", "synced").ok());
      ASSERT_TRUE(disk.Fsync("state").ok());
      ASSERT_TRUE(disk.Append("state", "+cached").ok());
    }
    p.env().SetTimer(10'000, [&] { timer_runs++; });
  };
  t.StartAll();
  EXPECT_EQ(t.world().disk(0).Size("state"), 13);
  t.At(5'000, [&] { t.world().Crash(0); });
  t.At(6'000, [&] {
    EXPECT_EQ(t.world().status(0), NodeStatus::kCrashed);
    EXPECT_EQ(t.world().process(0), nullptr);
    t.world().Start(0);
  });
  t.RunUntil(14'000);
  EXPECT_EQ(timer_runs, 0) << "the first incarnation's timer (due at 10000) died with it";
  t.RunUntil(kTimeNever);
  EXPECT_EQ(timer_runs, 1) << "the new incarnation's timer ran";
  EXPECT_EQ(t.log(0).starts, 2);
  EXPECT_EQ(t.world().incarnation(0), 2u);
  std::string bytes;
  ASSERT_TRUE(t.world().disk(0).Read("state", 0, 100, &bytes).ok());
  EXPECT_EQ(bytes, "synced");
}

TEST(WorldTest, CrashOfAPausedNodeDropsWhatWaited) {
  TestWorld t(OptionsWith(FixedLatency(100)), 2);
  t.StartAll();
  int timer_runs = 0;
  t.process(1).env().SetTimer(1'000, [&] { timer_runs++; });
  t.At(500, [&] { t.world().Pause(1); });
  t.At(600, [&] { t.Send(0, 1, 0); });
  t.At(2'000, [&] { t.world().Crash(1); });
  t.At(3'000, [&] { t.world().Start(1); });
  t.RunUntil(kTimeNever);
  EXPECT_EQ(timer_runs, 0);
  EXPECT_TRUE(t.log(1).received.empty());
  EXPECT_EQ(t.world().scheduler().LiveCount(), 0u) << "parked events were released";
}

TEST(WorldTest, KillKeepsThePageCache) {
  TestWorld t(OptionsWith(FixedLatency(100)), 1);
  t.StartAll();
  ASSERT_TRUE(t.process(0).env().LocalDisk().Append("f", "unsynced").ok());
  t.world().Kill(0);
  EXPECT_EQ(t.world().status(0), NodeStatus::kCrashed);
  EXPECT_EQ(t.log(0).shutdowns, 0) << "a kill is not announced";
  t.world().Start(0);
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.log(0).starts, 2);
  EXPECT_EQ(t.world().disk(0).Size("f"), 8);
}

TEST(WorldTest, ShutdownCallsProcessShutdown) {
  TestWorld t(OptionsWith(FixedLatency(100)), 1);
  t.StartAll();
  t.world().Shutdown(0);
  EXPECT_EQ(t.log(0).shutdowns, 1);
  EXPECT_EQ(t.world().status(0), NodeStatus::kStopped);
  EXPECT_EQ(t.world().process(0), nullptr);
  t.world().Start(0);
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.log(0).starts, 2);
}

// Goal: a clean stop is a graceful exit. Method: n0 sends in Shutdown, the peer must receive it
// and only then see the connection close (before the fix, the close came first and the message
// was lost: a broker's close-session request never reached ZooKeeper).
TEST(WorldTest, AStoppedProcessesLastMessagesArriveBeforeItsConnectionsClose) {
  TestWorld t(OptionsWith(FixedLatency(100)), 2);
  t.StartAll();
  t.Send(0, 1, 1);
  t.log(0).on_shutdown = [](TestProcess& p) { p.Send(1, 2); };
  t.At(10, [&] { t.world().Shutdown(0); });
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.SeqsFrom(1, 0), (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(t.log(1).resets.size(), 1u);
  EXPECT_EQ(t.log(1).resets[0].peer, 0);
  EXPECT_EQ(t.log(1).resets[0].at_us, 110) << "the close follows the last message";
}

// Goal: a process may take time to prepare its shutdown (a broker's controlled shutdown), and
// stays up meanwhile. Method: n0 proceeds only when n1 answers; a second stop meanwhile is
// ignored; n1's message sent to the stopped n0 is refused by the close, not by a second reset.
TEST(WorldTest, AStopWaitsForThePreparedShutdownToProceed) {
  TestWorld t(OptionsWith(FixedLatency(100)), 2);
  t.StartAll();
  auto proceed = std::make_shared<Callback>();
  t.log(0).on_prepare_shutdown = [proceed](TestProcess& p, Callback go) {
    *proceed = std::move(go);
    p.Send(1, 7);
  };
  t.log(0).on_message = [proceed](TestProcess&, NodeId, const testing::TestMessage& m) {
    if (m.seq() == 8) (*proceed)();
  };
  t.log(1).on_message = [](TestProcess& p, NodeId from, const testing::TestMessage& m) {
    if (m.seq() == 7) p.Send(from, 8);
  };
  t.world().Shutdown(0);
  EXPECT_TRUE(t.world().stopping(0));
  EXPECT_EQ(t.world().status(0), NodeStatus::kUp);
  t.world().Shutdown(0);  // ignored: already stopping
  t.RunUntil(150);
  EXPECT_EQ(t.log(0).shutdowns, 0);
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.log(0).shutdowns, 1);
  EXPECT_EQ(t.world().status(0), NodeStatus::kStopped);
  EXPECT_FALSE(t.world().stopping(0));
  EXPECT_EQ(t.SeqsFrom(0, 1), (std::vector<int64_t>{8}));
  ASSERT_EQ(t.log(1).resets.size(), 1u);
  EXPECT_EQ(t.log(1).resets[0].at_us, 200) << "closed when the stop completed (nothing in flight)";
}

// Goal: a node that crashes while it prepares its shutdown is crashed, not stopped: its late
// proceed does nothing.
TEST(WorldTest, ACrashWhileStoppingWins) {
  TestWorld t(OptionsWith(FixedLatency(100)), 1);
  t.StartAll();
  auto proceed = std::make_shared<Callback>();
  t.log(0).on_prepare_shutdown = [proceed](TestProcess&, Callback go) { *proceed = std::move(go); };
  t.world().Shutdown(0);
  t.world().Crash(0);
  EXPECT_EQ(t.world().status(0), NodeStatus::kCrashed);
  EXPECT_FALSE(t.world().stopping(0));
  (*proceed)();
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.world().status(0), NodeStatus::kCrashed);
  EXPECT_EQ(t.log(0).shutdowns, 0);
}

TEST(WorldTest, ClockSkewShiftsTheWallClockOnly) {
  WorldOptions options = OptionsWith(FixedLatency(100));
  options.wall_clock_start_ms = 1'000'000;
  TestWorld t(options, 2);
  t.StartAll();
  t.RunUntil(5'500);
  t.world().SetClockSkew(1, -250);
  EXPECT_EQ(t.world().clock_skew_ms(1), -250);
  EXPECT_EQ(t.process(0).env().WallClockMs(), 1'000'005);
  EXPECT_EQ(t.process(1).env().WallClockMs(), 1'000'005 - 250);
  EXPECT_EQ(t.process(1).env().Now(), t.process(0).env().Now());
}

TEST(WorldTest, DiskLatencyKeepsTheNodeBusy) {
  WorldOptions options = OptionsWith(FixedLatency(100));
  options.disk_defaults.write_latency_us = 20;
  options.disk_defaults.fsync_latency_us = 2'000;
  TestWorld t(options, 2);
  t.StartAll();
  // At 1000, node 1 appends and fsyncs (busy for 2020 us), then replies.
  t.log(1).on_message = [](TestProcess& p, NodeId from, const testing::TestMessage& m) {
    if (m.seq() != 0) return;
    Disk& disk = p.env().LocalDisk();
    EXPECT_TRUE(disk.Append("log", "record").ok());
    EXPECT_TRUE(disk.Fsync("log").ok());
    EXPECT_EQ(p.env().Now(), 1'000 + 20 + 2'000) << "Now includes the node's own disk time";
    p.Send(from, 100);
  };
  t.At(900, [&] { t.Send(0, 1, 0); });    // arrives at 1000
  t.At(1'500, [&] { t.Send(0, 1, 1); });  // arrives at 1600, while node 1 is busy
  int timer_runs_at = -1;
  t.At(1'000, [&] {
    // A timer of node 1 due during its disk call runs when the call is over.
    t.process(1).env().SetTimer(1'000, [&] { timer_runs_at = t.process(1).env().Now(); });
  });
  t.RunUntil(kTimeNever);
  ASSERT_EQ(t.log(0).received.size(), 1u);
  EXPECT_EQ(t.log(0).received[0].at_us, 3'020 + 100) << "the reply departs after the fsync";
  ASSERT_EQ(t.log(1).received.size(), 2u);
  EXPECT_EQ(t.log(1).received[1].at_us, 3'020) << "deferred until the node is free";
  EXPECT_EQ(timer_runs_at, 3'020);
}

// Regression: an event deferred while the node was busy got a fresh sequence number, so a
// message on the same connection arriving exactly when the disk call ended overtook it.
TEST(WorldTest, DeferredMessagesKeepConnectionOrder) {
  WorldOptions options = OptionsWith(FixedLatency(1'000));
  options.disk_defaults.write_latency_us = 0;
  options.disk_defaults.fsync_latency_us = 2'000;
  TestWorld t(options, 2);
  t.StartAll();
  t.At(0, [&] {
    ASSERT_TRUE(t.process(1).env().LocalDisk().Fsync("missing").IsNotFound());  // busy to 2000
    t.process(0).env().SetTimer(1'000, [&] { t.Send(0, 1, 1); });               // arrives at 2000
    t.Send(0, 1, 0);  // arrives at 1000, deferred to 2000
  });
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.SeqsFrom(1, 0), (std::vector<int64_t>{0, 1}));
}

TEST(WorldTest, TracesLifecycleEvents) {
  TestWorld t(OptionsWith(FixedLatency(100)), 1);
  TraceCollector collector;
  t.world().trace().AddSink(&collector);
  t.StartAll();
  t.world().Pause(0);
  t.world().Resume(0);
  t.world().Crash(0);
  std::vector<std::string> kinds;
  for (const TraceEvent& e : collector.events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"node.start", "node.pause", "node.resume", "node.crash"}));
  EXPECT_EQ(collector.events[0].Json(), R"({"incarnation":1})");
  EXPECT_EQ(collector.events[0].node, 0);
  EXPECT_EQ(t.world().trace().event_count(), 5) << "node.add came before the collector";
}

}  // namespace
}  // namespace ks
