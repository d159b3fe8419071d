// Goal: a deposed controller changes nothing. Its ZooKeeper writes are multis that first check
// /controller_epoch's version, so once a newer controller has been elected they fail and it
// resigns; brokers that have heard from the newer controller refuse the older one's requests
// (broker.stale_controller); and a controller whose session expired while it was paused resigns
// when it wakes, leaving the partition states to its successor.
// Method: three brokers, b1 the controller (it registers first). Each test deposes it its own way:
// - a newer election behind its back: /controller_epoch is bumped through another ZooKeeper
//   session, as a newly elected controller's Broker::BecomeController does (and as Kafka's
//   ControllerIntegrationTest.testControllerMove emulates a controller move), then a broker
//   failure gives b1 a write to make;
// - partitioned: b1 sends a LeaderAndIsr that a partition swallows, is cut off from ZooKeeper
//   until its session expires and another broker is elected, and resends the request when the
//   network heals;
// - paused past its session timeout while another broker is elected.
// Observed through ZooKeeper (read through another broker's session), the controllers' views,
// the replicas and the trace.
#include <gtest/gtest.h>

#include "model/controller/controller_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

const TopicPartition kOrders{"orders", 0};
using Ids = std::vector<BrokerId>;

bool HasField(const TraceEvent& event, const std::string& key, const std::string& value) {
  return event.Json().find("\"" + key + "\":" + value) != std::string::npos;
}

// The events of `kind` node `node` traced at or after `since`.
std::vector<TraceEvent> EventsOf(KafkaTestCluster& cluster, std::string_view kind, NodeId node,
                                 TimeUs since = 0) {
  std::vector<TraceEvent> out;
  for (const TraceEvent& e : cluster.Events(kind)) {
    if (e.node == node && e.time_us >= since) out.push_back(e);
  }
  return out;
}

// The controller among b2 and b3 (b1's successor), or kNoBroker.
BrokerId Successor(KafkaTestCluster& cluster) {
  for (BrokerId id : {2, 3}) {
    Broker* b = cluster.broker(id);
    if (b != nullptr && b->is_controller()) return id;
  }
  return kNoBroker;
}

class ControllerFencingTest : public ::testing::Test {
 protected:
  ControllerFencingTest() : cluster_(3) {}

  void SetUp() override {
    ASSERT_TRUE(
        cluster_.RunUntil([&] { return cluster_.broker(1)->is_controller(); }, 5 * kSecond));
    epoch_ = cluster_.broker(1)->controller().epoch();
  }

  KafkaTestCluster cluster_;
  int32_t epoch_ = 0;
};

TEST_F(ControllerFencingTest, AfterANewerElectionItsWriteFailsOnTheEpochAndItResigns) {
  cluster_.CreateTopic("orders", {2, 3});
  ASSERT_FALSE(HasFatalFailure());
  const std::string state_path = zk_paths::PartitionStatePath(kOrders);
  const ZkResult before = cluster_.ZkGet(2, state_path);
  ASSERT_TRUE(before.ok());
  const int32_t leader_epoch = cluster_.Replica(2, kOrders)->leader_epoch();

  // A newer controller's election, behind b1's back (it watches /controller, not the epoch).
  const ZkResult current = cluster_.ZkGet(2, zk_paths::kControllerEpoch);
  ASSERT_TRUE(current.ok());
  ASSERT_EQ(current.data, std::to_string(epoch_));
  const ZkResult bumped = cluster_.Zk(2, [&](ZkClient& zk, ZkCallback done) {
    zk.SetData(zk_paths::kControllerEpoch, std::to_string(epoch_ + 1), current.stat.version, done);
  });
  ASSERT_TRUE(bumped.ok());
  const TimeUs deposed_at = cluster_.Now();

  // b3 dies: b1 moves it out of the ISR — or tries to.
  cluster_.world().Crash(cluster_.node(3));
  ASSERT_TRUE(
      cluster_.RunUntil([&] { return !cluster_.broker(1)->is_controller(); }, 20 * kSecond));
  const std::vector<TraceEvent> resigned =
      EventsOf(cluster_, "controller.resign", cluster_.node(1), deposed_at);
  ASSERT_EQ(resigned.size(), 1u);
  const std::optional<ev::ControllerResign> fenced = resigned[0].As<ev::ControllerResign>();
  ASSERT_TRUE(fenced.has_value()) << resigned[0].Json();
  EXPECT_EQ(fenced->reason, ControllerResignReason::kFenced) << resigned[0].Json();

  // Nothing it wanted was written, and the leader heard nothing from it.
  const ZkResult after = cluster_.ZkGet(2, state_path);
  EXPECT_EQ(after.data, before.data);
  EXPECT_EQ(after.stat.version, before.stat.version);
  EXPECT_TRUE(
      EventsOf(cluster_, "controller.partition_state", cluster_.node(1), deposed_at).empty());
  EXPECT_EQ(cluster_.Replica(2, kOrders)->leader_epoch(), leader_epoch);
  EXPECT_EQ(cluster_.Replica(2, kOrders)->isr(), (Ids{2, 3}));
}

TEST_F(ControllerFencingTest, BrokersRefuseTheRequestsOfADeposedController) {
  cluster_.CreateTopic("orders", {2, 3});
  ASSERT_FALSE(HasFatalFailure());
  World& world = cluster_.world();

  // b1 makes payments-0 and tells b3, which does not hear it: the request stays unanswered.
  world.network().Partition({cluster_.node(1)}, {cluster_.node(3)}, false);
  const TopicPartition payments{"payments", 0};
  world.ProcessAs<KafkaAdmin>(cluster_.admin())->CreateTopic("payments", {{0, {3}}}, {});
  ASSERT_TRUE(cluster_.RunUntil(
      [&] {
        auto& views = cluster_.broker(1)->controller().partitions();
        auto it = views.find(payments);
        return it != views.end() && !it->second.is_new();
      },
      5 * kSecond));
  ASSERT_EQ(cluster_.Replica(3, payments), nullptr);

  // Cut off from ZooKeeper too, b1's session expires and another broker takes over.
  world.network().Partition({cluster_.node(1)}, {KafkaTestCluster::kZk}, false);
  ASSERT_TRUE(cluster_.RunUntil(
      [&] {
        Partition* replica = cluster_.Replica(3, payments);
        return Successor(cluster_) != kNoBroker && replica != nullptr && replica->is_leader();
      },
      30 * kSecond));
  const BrokerId successor = Successor(cluster_);
  const int32_t new_epoch = cluster_.broker(successor)->controller().epoch();
  EXPECT_EQ(new_epoch, epoch_ + 1);
  Partition* replica = cluster_.Replica(3, payments);  // made by the successor's LeaderAndIsr
  EXPECT_EQ(cluster_.broker(3)->metadata().controller_epoch(), new_epoch);
  const int32_t leader_epoch = replica->leader_epoch();
  ASSERT_TRUE(cluster_.broker(1)->is_controller()) << "b1 has not heard of its expiry yet";

  // The network heals: the reset connection makes b1 send b3 its unanswered request again.
  const TimeUs healed_at = cluster_.Now();
  world.network().HealAll();
  ASSERT_TRUE(cluster_.RunUntil(
      [&] {
        return !EventsOf(cluster_, "broker.stale_controller", cluster_.node(3), healed_at).empty();
      },
      5 * kSecond));
  const TraceEvent refused =
      EventsOf(cluster_, "broker.stale_controller", cluster_.node(3), healed_at).front();
  EXPECT_TRUE(HasField(refused, "controller", "1")) << refused.Json();
  EXPECT_TRUE(HasField(refused, "epoch", std::to_string(epoch_))) << refused.Json();
  EXPECT_TRUE(HasField(refused, "known_epoch", std::to_string(new_epoch))) << refused.Json();
  EXPECT_TRUE(replica->is_leader());
  EXPECT_EQ(replica->leader_epoch(), leader_epoch);
  EXPECT_EQ(cluster_.broker(3)->metadata().controller_epoch(), new_epoch);

  // And b1 learns it was deposed when its ZooKeeper client reconnects.
  ASSERT_TRUE(
      cluster_.RunUntil([&] { return !cluster_.broker(1)->is_controller(); }, 20 * kSecond));
  EXPECT_EQ(Successor(cluster_), successor);
}

TEST_F(ControllerFencingTest, APausedControllerWhoseSessionExpiredResignsAndChangesNothing) {
  cluster_.CreateTopic("orders", {1, 2, 3});  // b1 leads it too
  ASSERT_FALSE(HasFatalFailure());
  World& world = cluster_.world();
  const TimeUs paused_at = cluster_.Now();
  world.Pause(cluster_.node(1));
  ASSERT_TRUE(cluster_.RunUntil(
      [&] {
        const BrokerId id = Successor(cluster_);
        if (id == kNoBroker) return false;
        auto& views = cluster_.broker(id)->controller().partitions();
        auto it = views.find(kOrders);
        return it != views.end() && it->second.state.leader != 1;
      },
      30 * kSecond));
  const BrokerId successor = Successor(cluster_);
  EXPECT_EQ(cluster_.broker(successor)->controller().epoch(), epoch_ + 1);

  world.Resume(cluster_.node(1));
  ASSERT_TRUE(cluster_.RunUntil(
      [&] {
        return !cluster_.broker(1)->is_controller() && cluster_.broker(1)->registered() &&
               cluster_.broker(1)->metadata().controller_epoch() == epoch_ + 1;
      },
      30 * kSecond));
  const std::vector<TraceEvent> resigned =
      EventsOf(cluster_, "controller.resign", cluster_.node(1), paused_at);
  ASSERT_EQ(resigned.size(), 1u);
  const std::optional<ev::ControllerResign> expired = resigned[0].As<ev::ControllerResign>();
  ASSERT_TRUE(expired.has_value()) << resigned[0].Json();
  EXPECT_EQ(expired->reason, ControllerResignReason::kSessionExpired) << resigned[0].Json();
  EXPECT_TRUE(
      EventsOf(cluster_, "controller.partition_state", cluster_.node(1), paused_at).empty());
  // The partition's state is the successor's, written with its epoch.
  const std::optional<zk_paths::PartitionStateData> state =
      zk_paths::DecodePartitionState(cluster_.ZkGet(2, zk_paths::PartitionStatePath(kOrders)).data);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->controller_epoch, epoch_ + 1);
  EXPECT_NE(state->leader, 1);
  EXPECT_EQ(Successor(cluster_), successor);
  EXPECT_EQ(cluster_.ControllerId(), successor);  // and b1 no longer thinks it is one
}

}  // namespace
}  // namespace ks::testing
