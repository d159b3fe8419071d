// Goal (issue 10, C: partitions offline for good): a read of /brokers/ids that fails without an
// answer (the connection to ZooKeeper was lost while it was in flight) is made again, so the
// controller neither takes the failure for an empty broker list — which marked every broker
// dead and every partition offline — nor loses its watch on /brokers/ids, which left it deaf to
// the brokers that came back.
// Method: three brokers, b1 the controller, "orders" led by b2 on all three. b3 is killed; when
// its session expires the controller's watch fires and it reads /brokers/ids; the test resets
// the controller's connection to ZooKeeper while that read is in flight (the read fails with
// CONNECTIONLOSS, the client reconnects with the same session). Then b3 is started again.
#include <gtest/gtest.h>

#include "model/controller/controller_events.h"
#include "model/coord/zk_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

TEST(ControllerBrokerListReadTest, AFailedReadIsRetriedAndNoPartitionGoesOffline) {
  KafkaTestCluster cluster(3);
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.ControllerId() == 1; }, 5 * kSecond));
  cluster.CreateTopic("orders", {2, 3, 1});
  ASSERT_FALSE(HasFatalFailure());
  const TopicPartition orders{"orders", 0};

  const TimeUs killed_at = cluster.Now();
  cluster.world().Kill(cluster.node(3));
  // The watch on /brokers/ids fires when b3's session expires...
  auto watch_fired = [&] {
    for (const TraceEvent& e : cluster.Events(ev::ZkWatchFired::kName)) {
      if (e.time_us > killed_at && e.As<ev::ZkWatchFired>()->path == zk_paths::kBrokerIds) {
        return true;
      }
    }
    return false;
  };
  ASSERT_TRUE(cluster.RunUntil(watch_fired, 30 * kSecond));
  // ...and the controller's read of the list leaves: the connection breaks under it.
  ZkClient& zk = cluster.broker(1)->zk();
  ASSERT_TRUE(cluster.RunUntil([&] { return zk.pending_requests() > 0; }, kSecond));
  cluster.world().network().ResetConnection(cluster.node(1), KafkaTestCluster::kZk);
  cluster.RunFor(10 * kSecond);

  // The read was made again (traced), and b3 alone was found dead.
  bool retried = false;
  for (const TraceEvent& e : cluster.Events(ev::ControllerZkRetry::kName)) {
    if (e.As<ev::ControllerZkRetry>()->path == zk_paths::kBrokerIds) retried = true;
  }
  EXPECT_TRUE(retried);
  ASSERT_TRUE(cluster.broker(1)->is_controller());
  const auto& live = cluster.broker(1)->controller().live_brokers();
  EXPECT_EQ(live.count(1), 1u);
  EXPECT_EQ(live.count(2), 1u);
  EXPECT_EQ(live.count(3), 0u);
  const Controller::PartitionView* view = cluster.ControllerView(orders);
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->state.leader, 2) << "the partition went offline";
  for (const TraceEvent& e : cluster.Events(ev::ControllerBrokerFailure::kName)) {
    EXPECT_EQ(e.As<ev::ControllerBrokerFailure>()->broker, 3) << "a live broker taken for dead";
  }

  // The watch is set again: b3's return is seen, and it rejoins the ISR.
  cluster.world().Start(cluster.node(3));
  EXPECT_TRUE(cluster.RunUntil(
      [&] {
        const Controller::PartitionView* v = cluster.ControllerView(orders);
        return cluster.broker(1)->controller().live_brokers().count(3) == 1 && v != nullptr &&
               v->state.isr.size() == 3;
      },
      60 * kSecond))
      << "the controller never saw b3 come back";
}

}  // namespace
}  // namespace ks::testing
