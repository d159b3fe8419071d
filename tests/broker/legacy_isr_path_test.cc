// Goal: the ISR path follows inter.broker.protocol.version. Below 2.7-IV2 (before KIP-497) the
// partition leader writes its ISR change into the state znode itself, conditionally on the
// zkVersion it cached, and the controller learns of it through /isr_change_notification; when the
// znode changed behind the leader's back its cached zkVersion is stale and the ISR stays as it
// was ("Cached zkVersion not equal to that in zookeeper, skip updating ISR"). From 2.7-IV2 the
// leader sends AlterPartition to the controller (the default).
// Method: three brokers, orders-0 on [1, 2, 3]; a follower cut off from the leader so that the leader shrinks the
// ISR after replica.lag.time.max.ms; the ZooKeeper state, the controller's view and the trace
// (replica.isr_zk_write, controller.isr_refreshed, controller.alter_partition) are read.
#include <gtest/gtest.h>

#include "model/broker/broker_events.h"
#include "model/controller/controller_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

const TopicPartition kTp{"orders", 0};
using Ids = std::vector<BrokerId>;

BrokerConfig WithProtocol(const std::string& version) {
  BrokerConfig config = TestBrokerConfig();
  EXPECT_TRUE(ParseBrokerConfig({{"inter.broker.protocol.version", version}}, &config).ok());
  return config;
}

// b3 stops fetching: cut off from the leader b1 (both ways), still registered. (A kill would do,
// but the controller's resends to a killed broker are another issue's storm.)
// Records are written so that b3 falls behind.
void CutFollower(KafkaTestCluster& cluster) {
  cluster.world().network().Partition({cluster.node(3)}, {cluster.node(1)}, false);
  cluster.client().Produce(cluster.node(1), kTp, 10, 1);
}

Ids ZkIsr(KafkaTestCluster& cluster) {
  const ZkResult state = cluster.ZkGet(1, zk_paths::PartitionStatePath(kTp));
  std::optional<zk_paths::PartitionStateData> decoded = zk_paths::DecodePartitionState(state.data);
  return decoded ? decoded->isr : Ids{};
}

TEST(LegacyIsrPathTest, TheLeaderWritesTheIsrAndTheControllerIsNotified) {
  KafkaTestCluster cluster(3, WithProtocol("2.6"));
  cluster.CreateTopic("orders", {1, 2, 3});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  CutFollower(cluster);
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.Replica(1, kTp)->isr().size() == 2; },
                               15 * kSecond));
  EXPECT_EQ(ZkIsr(cluster), (Ids{1, 2})) << "written by the leader";
  EXPECT_TRUE(cluster.Events("controller.alter_partition").empty()) << "no AlterPartition";
  ASSERT_EQ(cluster.Events("replica.isr_zk_write").size(), 1u);
  // The notification goes out after the 5 s black-out (checked every 2.5 s).
  ASSERT_TRUE(cluster.RunUntil(
      [&] {
        const Controller::PartitionView* view = cluster.ControllerView(kTp);
        return view != nullptr && view->state.isr == Ids{1, 2};
      },
      10 * kSecond));
  EXPECT_FALSE(cluster.Events("controller.isr_refreshed").empty());
  const ZkResult notifications =
      cluster.Zk(1, [](ZkClient& zk, ZkCallback done) {
        zk.GetChildren(zk_paths::kIsrChangeNotification, false, done);
      });
  EXPECT_TRUE(notifications.children.empty()) << "the controller deleted what it read";
}

TEST(LegacyIsrPathTest, AStaleCachedZkVersionLeavesTheIsrAsItWas) {
  KafkaTestCluster cluster(3, WithProtocol("0.10.2"));
  cluster.CreateTopic("orders", {1, 2, 3});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  // Someone else (a controller whose LeaderAndIsr the leader has not seen) rewrites the state:
  // its version moves on, the leader's cached one is stale.
  const ZkResult state = cluster.ZkGet(1, zk_paths::PartitionStatePath(kTp));
  ASSERT_TRUE(state.ok());
  ASSERT_TRUE(cluster
                  .Zk(1,
                      [&](ZkClient& zk, ZkCallback done) {
                        zk.SetData(zk_paths::PartitionStatePath(kTp), state.data, -1, done);
                      })
                  .ok());
  CutFollower(cluster);
  ASSERT_TRUE(cluster.RunUntil([&] { return !cluster.Events("replica.isr_zk_write").empty(); },
                               15 * kSecond));
  cluster.RunFor(12 * kSecond);  // a few more ISR checks
  const std::vector<TraceEvent> writes = cluster.Events("replica.isr_zk_write");
  ASSERT_GE(writes.size(), 2u) << "every later attempt fails the same way";
  for (const TraceEvent& e : writes) {
    auto write = e.As<ev::ReplicaIsrZkWrite>();
    ASSERT_TRUE(write.has_value());
    EXPECT_EQ(write->error, ErrorCode::kInvalidUpdateVersion);
    EXPECT_EQ(write->cached_zk_version, state.stat.version);
  }
  EXPECT_EQ(cluster.Replica(1, kTp)->isr().size(), 3u) << "skip updating ISR";
  EXPECT_EQ(ZkIsr(cluster), (Ids{1, 2, 3}));
}

TEST(LegacyIsrPathTest, From27Iv2TheLeaderSendsAlterPartition) {
  KafkaTestCluster cluster(3, WithProtocol("2.7"));
  cluster.CreateTopic("orders", {1, 2, 3});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  CutFollower(cluster);
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.Replica(1, kTp)->isr().size() == 2; },
                               15 * kSecond));
  EXPECT_FALSE(cluster.Events("controller.alter_partition").empty());
  EXPECT_TRUE(cluster.Events("replica.isr_zk_write").empty());
}

TEST(LegacyIsrPathTest, TheVersionDecidesThePath) {
  auto alter_partition = [](const std::string& version) {
    BrokerConfig config;
    EXPECT_TRUE(ParseBrokerConfig({{"inter.broker.protocol.version", version}}, &config).ok())
        << version;
    return config.inter_broker_protocol_version.alter_partition();
  };
  EXPECT_TRUE(BrokerConfig{}.inter_broker_protocol_version.alter_partition()) << "the default";
  EXPECT_FALSE(alter_partition("0.8.0"));
  EXPECT_FALSE(alter_partition("0.10.2-IV0"));
  EXPECT_FALSE(alter_partition("0.8.2.1"));
  EXPECT_FALSE(alter_partition("2.6"));
  EXPECT_FALSE(alter_partition("2.7-IV1"));
  EXPECT_TRUE(alter_partition("2.7-IV2"));
  EXPECT_TRUE(alter_partition("2.7"));
  EXPECT_TRUE(alter_partition("3.9"));
  BrokerConfig config;
  for (const char* bad : {"4.0", "0.7.0", "2.6-IVx", "2", "0.10", "abc", "2.9"}) {
    EXPECT_FALSE(ParseBrokerConfig({{"inter.broker.protocol.version", bad}}, &config).ok()) << bad;
  }
}

}  // namespace
}  // namespace ks::testing
