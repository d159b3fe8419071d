// Goal (issue 10, the gaps random faults left): a broker whose create of /controller was applied
// by ZooKeeper but whose reply a connection reset took still becomes the controller. Before, it
// took the failure for a lost race and watched "the winner's" node — its own, which never goes
// while its session lives — so the cluster had no controller for good. Kafka retries the create
// until connected and takes NODEEXISTS with its own id for success (checkedEphemeralCreate,
// KafkaZkClient.registerControllerAndIncrementControllerEpoch).
// Method: three brokers start; the test runs until ZooKeeper applies a /controller create, then
// at once resets the creator's connection to ZooKeeper, so the reply is lost in flight.
#include <gtest/gtest.h>

#include "model/controller/controller_events.h"
#include "model/coord/zk_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

TEST(ControllerElectionTest, ACreateWhoseReplyWasLostStillMakesItTheController) {
  KafkaTestCluster cluster(3);
  int64_t owner_session = 0;
  auto controller_created = [&] {
    for (const TraceEvent& e : cluster.Events(ev::ZkCreate::kName)) {
      const std::optional<ev::ZkCreate> create = e.As<ev::ZkCreate>();
      if (create->path == zk_paths::kController) {
        owner_session = create->owner_session;
        return true;
      }
    }
    return false;
  };
  ASSERT_TRUE(cluster.RunUntil(controller_created, 5 * kSecond));
  BrokerId creator = kNoBroker;
  for (BrokerId id = 1; id <= 3; ++id) {
    if (cluster.broker(id)->zk().session_id() == owner_session) creator = id;
  }
  ASSERT_NE(creator, kNoBroker);
  ASSERT_FALSE(cluster.broker(creator)->is_controller()) << "the reply must still be in flight";
  cluster.world().network().ResetConnection(cluster.node(creator), KafkaTestCluster::kZk);
  cluster.RunFor(10 * kSecond);

  // The reply was lost: the creator reconnected on the same session and found its own node.
  EXPECT_TRUE(cluster.broker(creator)->is_controller());
  EXPECT_EQ(cluster.ControllerId(), creator);
  EXPECT_EQ(cluster.Events(ev::ControllerActive::kName).size(), 1u);
}

}  // namespace
}  // namespace ks::testing
