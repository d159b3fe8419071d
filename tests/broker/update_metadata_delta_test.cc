// Goal (issue 10, "Scale"): the controller's UpdateMetadata names only the partitions that changed,
// as Kafka's ZooKeeper-era controller does (ControllerBrokerRequestBatch): an ISR change costs
// each broker one partition, not every partition of the cluster. Every partition goes only to a
// broker that just started (onBrokerStartup) and from a new controller. Before the fix every
// UpdateMetadata carried all N partitions, so a failover cost N per ISR change, N^2 in all.
// Method: three brokers, b1 the controller, twelve one-partition topics led in turn by b1, b2
// and b3, replicated on all three. b3 is killed; the test client keeps producing to the live
// leaders, which drop b3 from their ISRs after replica.lag.time.max.ms (2 s), one AlterPartition
// each, before b3's ZooKeeper session expires (10 s). The UpdateMetadata requests the controller
// sends meanwhile are read from the network's send events (their size says how many partitions
// they name: UpdateMetadataRequest::SizeBytes). Then b3 restarts and must get every partition.
#include <gtest/gtest.h>

#include "model/controller/controller_events.h"
#include "sim/world_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

constexpr int kTopics = 12;

BrokerConfig DeltaConfig() {
  BrokerConfig config = TestBrokerConfig();
  config.zookeeper_session_timeout_ms = 10000;
  config.replica_lag_time_max_ms = 2000;
  return config;
}

// The size of an UpdateMetadata naming `partitions` partitions of three replicas with ISRs of
// `isr` members, with three live brokers.
int64_t UpdateMetadataBytes(int partitions, int isr, int live_brokers = 3) {
  UpdateMetadataRequest request;
  request.live_brokers.resize(live_brokers);
  for (int i = 0; i < partitions; ++i) {
    LeaderAndIsrPartitionState state;
    state.replicas = {1, 2, 3};
    state.isr.resize(isr);
    request.partitions.push_back(state);
  }
  return request.SizeBytes();
}

struct Sent {
  TimeUs at = 0;
  std::string to;
  int64_t bytes = 0;
};

// The UpdateMetadata requests b1 (the controller) sent after `from`.
std::vector<Sent> UpdateMetadataSent(KafkaTestCluster& cluster, TimeUs from) {
  std::vector<Sent> sent;
  for (const TraceEvent& e : cluster.Events(ev::NetSend::kName)) {
    if (e.node != cluster.node(1) || e.time_us <= from) continue;
    const std::optional<ev::NetSend> send = e.As<ev::NetSend>();
    if (send->message != "UpdateMetadata") continue;
    sent.push_back({e.time_us, std::string(send->to), send->bytes});
  }
  return sent;
}

std::string Topic(int i) { return "t" + std::to_string(i); }

TEST(UpdateMetadataDeltaTest, AnIsrChangeSendsOnlyItsPartitionAndAStartedBrokerGetsAll) {
  KafkaTestCluster cluster(3, DeltaConfig(), /*seed=*/11, /*trace_messages=*/true);
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.ControllerId() == 1; }, 5 * kSecond));
  const std::vector<std::vector<BrokerId>> orders = {{1, 2, 3}, {2, 3, 1}, {3, 1, 2}};
  for (int i = 0; i < kTopics; ++i) {
    cluster.CreateTopic(Topic(i), orders[i % 3]);
    ASSERT_FALSE(HasFatalFailure());
  }

  const TimeUs killed_at = cluster.Now();
  cluster.world().Kill(cluster.node(3));
  // Writes to the partitions b1 and b2 lead, so that their ISRs shrink while b3 is registered.
  for (int round = 0; round < 60; ++round) {
    for (int i = 0; i < kTopics; ++i) {
      const BrokerId leader = orders[i % 3][0];
      if (leader != 3) cluster.client().Produce(cluster.node(leader), {Topic(i), 0}, 1, -1);
    }
    cluster.RunFor(100 * kMillisecond);
  }
  TimeUs removed_at = -1;
  for (const TraceEvent& e : cluster.Events(ev::ControllerBrokerFailure::kName)) {
    if (e.As<ev::ControllerBrokerFailure>()->broker == 3) removed_at = e.time_us;
  }
  ASSERT_EQ(removed_at, -1) << "b3's session should outlive the ISR shrinks";
  int shrunk = 0;
  for (int i = 0; i < kTopics; ++i) {
    const Controller::PartitionView* view = cluster.ControllerView({Topic(i), 0});
    ASSERT_NE(view, nullptr);
    if (view->state.leader != 3 && view->state.isr.size() == 2) ++shrunk;
  }
  ASSERT_EQ(shrunk, kTopics * 2 / 3) << "every partition b1 or b2 leads dropped b3";

  // Each ISR change reached every broker as an UpdateMetadata naming that one partition (the last
  // topic's ISR may still have been growing to three when b3 was killed).
  int isr_updates = 0;
  for (const Sent& sent : UpdateMetadataSent(cluster, killed_at)) {
    EXPECT_TRUE(sent.bytes == UpdateMetadataBytes(1, 2) || sent.bytes == UpdateMetadataBytes(1, 3))
        << sent.bytes << " bytes to " << sent.to << " at " << sent.at;
    if (sent.bytes == UpdateMetadataBytes(1, 2)) ++isr_updates;
  }
  EXPECT_GE(isr_updates, shrunk * 2) << "one per ISR change to b1 and b2 (and b3 while listed)";

  // b3 restarts: it gets every partition, the others only the new broker list.
  ASSERT_TRUE(cluster.RunUntil(
      [&] { return cluster.broker(1)->controller().live_brokers().count(3) == 0; }, 15 * kSecond));
  const TimeUs restarted_at = cluster.Now();
  cluster.world().Start(cluster.node(3));
  ASSERT_TRUE(cluster.RunUntil(
      [&] { return cluster.broker(1)->controller().live_brokers().count(3) != 0; }, 15 * kSecond));
  cluster.RunFor(100 * kMillisecond);
  bool b3_got_all = false, b2_got_broker_list = false;
  for (const Sent& sent : UpdateMetadataSent(cluster, restarted_at)) {
    if (sent.to == "b3" && sent.bytes >= UpdateMetadataBytes(kTopics, 1)) b3_got_all = true;
    if (sent.to == "b2" && sent.bytes == UpdateMetadataBytes(0, 0)) b2_got_broker_list = true;
    if (sent.to != "b3") {
      EXPECT_LT(sent.bytes, UpdateMetadataBytes(kTopics, 1)) << "to " << sent.to;
    }
  }
  EXPECT_TRUE(b3_got_all);
  EXPECT_TRUE(b2_got_broker_list);
  // And its metadata cache knows every partition.
  for (int i = 0; i < kTopics; ++i) {
    EXPECT_TRUE(cluster.broker(3)->metadata().Partition({Topic(i), 0}).has_value()) << Topic(i);
  }
}

}  // namespace
}  // namespace ks::testing
