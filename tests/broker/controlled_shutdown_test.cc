// Goal: Kafka's ZooKeeper-era controlled shutdown. A broker asked to stop has the controller move
// the leadership of what it leads to another in-sync replica and take it out of the ISRs it
// follows in, all while it is still up; it stops once the controller answers with nothing
// remaining. With no other in-sync replica it tries controlled.shutdown.max.retries times,
// controlled.shutdown.retry.backoff.ms apart, then stops anyway. The controller itself goes the
// same way (it asks itself). Without controlled.shutdown.enable the broker stops at once.
// Method: three brokers; topics whose assignments put the broker to stop first (it leads) or
// second (it follows); a stop through World::Shutdown; the leader and ISR are read from the
// controller's view, the attempts from the trace (broker.controlled_shutdown_attempt/_done).
#include <gtest/gtest.h>

#include "model/broker/broker_events.h"
#include "model/controller/controller_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

using Ids = std::vector<BrokerId>;

BrokerConfig WithControlledShutdown(bool enable) {
  BrokerConfig config = TestBrokerConfig();
  config.controlled_shutdown_enable = enable;
  return config;
}

class ControlledShutdownTest : public ::testing::Test {
 protected:
  explicit ControlledShutdownTest(bool enable = true) : cluster_(3, WithControlledShutdown(enable)) {}

  BrokerId Controller() {
    for (BrokerId id = 1; id <= 3; ++id) {
      Broker* b = cluster_.broker(id);
      if (b != nullptr && b->is_controller()) return id;
    }
    return kNoBroker;
  }
  // The brokers other than `id`, in order.
  static Ids Others(BrokerId id) {
    Ids others;
    for (BrokerId b = 1; b <= 3; ++b) {
      if (b != id) others.push_back(b);
    }
    return others;
  }
  // `victim` leads "led" and follows in "followed".
  void CreateTopicsAround(BrokerId victim) {
    const Ids others = Others(victim);
    cluster_.CreateTopic("led", {victim, others[0], others[1]});
    cluster_.CreateTopic("followed", {others[0], victim, others[1]});
  }
  BrokerId CommittedLeader(const std::string& topic) {
    const Controller::PartitionView* view = cluster_.ControllerView({topic, 0});
    return view == nullptr ? kNoBroker : view->state.leader;
  }
  Ids CommittedIsr(const std::string& topic) {
    const Controller::PartitionView* view = cluster_.ControllerView({topic, 0});
    return view == nullptr ? Ids{} : view->state.isr;
  }
  std::optional<ev::BrokerControlledShutdownDone> DoneEvent() {
    for (const TraceEvent& e : cluster_.Events("broker.controlled_shutdown_done")) {
      return e.As<ev::BrokerControlledShutdownDone>();
    }
    return std::nullopt;
  }

  KafkaTestCluster cluster_;
};

TEST_F(ControlledShutdownTest, LeadershipMovesWhileTheBrokerIsStillUp) {
  ASSERT_TRUE(cluster_.RunUntil([&] { return Controller() != kNoBroker; }, 10 * kSecond));
  const BrokerId victim = Others(Controller())[0];
  CreateTopicsAround(victim);
  ASSERT_FALSE(HasFatalFailure());
  const Ids others = Others(victim);
  World& world = cluster_.world();
  world.Shutdown(cluster_.node(victim));
  EXPECT_TRUE(world.stopping(cluster_.node(victim)));
  ASSERT_TRUE(cluster_.RunUntil([&] { return CommittedLeader("led") == others[0]; }, kSecond));
  EXPECT_EQ(world.status(cluster_.node(victim)), NodeStatus::kUp) << "moved before it stopped";
  ASSERT_TRUE(cluster_.RunUntil(
      [&] { return world.status(cluster_.node(victim)) == NodeStatus::kStopped; }, kSecond));
  EXPECT_EQ(CommittedIsr("led"), (Ids{others[0], others[1]}));
  EXPECT_EQ(CommittedIsr("followed"), (Ids{others[0], others[1]}))
      << "a follower leaves the ISR too";
  std::optional<ev::BrokerControlledShutdownDone> done = DoneEvent();
  ASSERT_TRUE(done.has_value());
  EXPECT_TRUE(done->succeeded);
  EXPECT_EQ(done->attempts, 1);
}

TEST_F(ControlledShutdownTest, TheControllerAsksItselfThenAnotherBrokerTakesOver) {
  ASSERT_TRUE(cluster_.RunUntil([&] { return Controller() != kNoBroker; }, 10 * kSecond));
  const BrokerId victim = Controller();
  CreateTopicsAround(victim);
  ASSERT_FALSE(HasFatalFailure());
  const Ids others = Others(victim);
  World& world = cluster_.world();
  world.Shutdown(cluster_.node(victim));
  ASSERT_TRUE(cluster_.RunUntil([&] { return CommittedLeader("led") == others[0]; }, kSecond));
  EXPECT_EQ(world.status(cluster_.node(victim)), NodeStatus::kUp);
  ASSERT_TRUE(cluster_.RunUntil(
      [&] {
        const BrokerId c = Controller();
        return c != kNoBroker && c != victim;
      },
      5 * kSecond))
      << "its session closed: /controller was deleted and another broker won it";
  std::optional<ev::BrokerControlledShutdownDone> done = DoneEvent();
  ASSERT_TRUE(done.has_value());
  EXPECT_TRUE(done->succeeded);
}

TEST_F(ControlledShutdownTest, WithNoOtherInSyncReplicaItRetriesThenStopsAnyway) {
  ASSERT_TRUE(cluster_.RunUntil([&] { return Controller() != kNoBroker; }, 10 * kSecond));
  const BrokerId victim = Others(Controller())[0];
  const BrokerId partner = Others(Controller())[1];
  cluster_.CreateTopic("pair", {victim, partner});
  ASSERT_FALSE(HasFatalFailure());
  World& world = cluster_.world();
  // The partner stops first (a controlled shutdown: it leaves the ISR at once).
  world.Shutdown(cluster_.node(partner));
  ASSERT_TRUE(cluster_.RunUntil([&] { return CommittedIsr("pair") == Ids{victim}; }, kSecond));
  const TimeUs stop_at = world.Now();
  world.Shutdown(cluster_.node(victim));
  ASSERT_TRUE(cluster_.RunUntil(
      [&] { return world.status(cluster_.node(victim)) == NodeStatus::kStopped; }, 60 * kSecond));
  const BrokerConfig defaults;
  EXPECT_GE(world.Now() - stop_at,
            defaults.controlled_shutdown_max_retries *
                defaults.controlled_shutdown_retry_backoff_ms * kMillisecond)
      << "every failed attempt is followed by the backoff";
  std::vector<ev::BrokerControlledShutdownAttempt> attempts;
  for (const TraceEvent& e : cluster_.Events("broker.controlled_shutdown_attempt")) {
    auto attempt = e.As<ev::BrokerControlledShutdownAttempt>();
    if (attempt && attempt->broker == victim) attempts.push_back(*attempt);
  }
  ASSERT_EQ(attempts.size(), 3u);
  for (const auto& attempt : attempts) {
    EXPECT_EQ(attempt.error, ErrorCode::kNone);
    EXPECT_EQ(attempt.partitions_remaining, 1) << "pair has nobody else to lead it";
  }
  std::optional<ev::BrokerControlledShutdownDone> done;
  for (const TraceEvent& e : cluster_.Events("broker.controlled_shutdown_done")) {
    auto d = e.As<ev::BrokerControlledShutdownDone>();
    if (d && d->broker == victim) done = d;
  }
  ASSERT_TRUE(done.has_value());
  EXPECT_FALSE(done->succeeded);
  EXPECT_EQ(done->attempts, 3);
}

class UncontrolledShutdownTest : public ControlledShutdownTest {
 protected:
  UncontrolledShutdownTest() : ControlledShutdownTest(false) {}
};

TEST_F(UncontrolledShutdownTest, WithoutItTheBrokerStopsAtOnceAndTheControllerElectsAfter) {
  ASSERT_TRUE(cluster_.RunUntil([&] { return Controller() != kNoBroker; }, 10 * kSecond));
  const BrokerId victim = Others(Controller())[0];
  CreateTopicsAround(victim);
  ASSERT_FALSE(HasFatalFailure());
  World& world = cluster_.world();
  world.Shutdown(cluster_.node(victim));
  EXPECT_EQ(world.status(cluster_.node(victim)), NodeStatus::kStopped);
  EXPECT_EQ(CommittedLeader("led"), victim) << "nobody moved it before the stop";
  // Its session's close reaches ZooKeeper (the world lets its last messages leave): the
  // controller learns of it without waiting for the session timeout.
  ASSERT_TRUE(cluster_.RunUntil([&] { return CommittedLeader("led") == Others(victim)[0]; },
                                kSecond));
  EXPECT_FALSE(DoneEvent().has_value());
}

}  // namespace
}  // namespace ks::testing
