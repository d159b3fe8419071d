// Goal: a broker creates Kafka's internal topics itself, as a ZooKeeper-era broker does when a
// FindCoordinator finds no metadata for them: __consumer_offsets and __transaction_state get the
// partition count and replication factor of the broker's settings, Kafka's assignment over the
// live brokers, and the coordinator's compacted config, written through ZooKeeper; the controller
// then elects their leaders like any topic's. With fewer live brokers than the replication factor
// nothing is created (INVALID_REPLICATION_FACTOR), as in Kafka since KIP-115.
// Method: the pure spec first; then a three-broker cluster whose broker 2 is asked to create the
// topics, observed through ZooKeeper's tree, the controller's view and the replicas' logs.
#include "model/broker/internal_topics.h"

#include <gtest/gtest.h>

#include "model/admin/replica_assignment.h"
#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

using Ids = std::vector<BrokerId>;

TEST(InternalTopicSpecTest, KafkasDefaultsAndTheCoordinatorsConfigs) {
  const BrokerConfig config;
  const InternalTopicSpec offsets = InternalTopicSpecFor(InternalTopic::kConsumerOffsets, config);
  EXPECT_EQ(offsets.name, "__consumer_offsets");
  EXPECT_EQ(offsets.partitions, 50);
  EXPECT_EQ(offsets.replication_factor, 3);
  EXPECT_EQ(offsets.config, (ConfigPairs{{"cleanup.policy", "compact"},
                                         {"compression.type", "producer"},
                                         {"segment.bytes", "104857600"}}));
  const InternalTopicSpec txn = InternalTopicSpecFor(InternalTopic::kTransactionState, config);
  EXPECT_EQ(txn.name, "__transaction_state");
  EXPECT_EQ(txn.partitions, 50);
  EXPECT_EQ(txn.replication_factor, 3);
  TopicConfigOverrides overrides;
  ASSERT_TRUE(TopicConfigOverrides::Parse(txn.config, &overrides).ok());
  const TopicConfig applied = overrides.ApplyTo(TopicConfig());
  EXPECT_EQ(applied.min_insync_replicas, 2);
  EXPECT_FALSE(applied.unclean_leader_election_enable);
  EXPECT_TRUE(applied.log.cleanup_compact && !applied.log.cleanup_delete);
  EXPECT_EQ(applied.log.compression_type, "uncompressed");
  EXPECT_EQ(applied.log.segment_bytes, 104857600);
}

BrokerConfig SmallOffsetsTopic() {
  BrokerConfig config = TestBrokerConfig();
  config.offsets_topic_num_partitions = 6;
  config.transaction_state_log_num_partitions = 4;
  return config;
}

// Runs until broker `id` knows `count` live brokers (the controller's UpdateMetadata reached it).
void AwaitLiveBrokers(KafkaTestCluster& cluster, BrokerId id, size_t count) {
  ASSERT_TRUE(cluster.RunUntil(
      [&] {
        Broker* b = cluster.broker(id);
        return b != nullptr && b->metadata().LiveBrokers().size() == count;
      },
      30 * kSecond));
}

std::optional<KafkaError> Create(KafkaTestCluster& cluster, BrokerId id, InternalTopic topic) {
  auto result = std::make_shared<std::optional<KafkaError>>();
  cluster.broker(id)->CreateInternalTopic(topic, [result](const KafkaError& e) { *result = e; });
  cluster.RunUntil([&] { return result->has_value(); }, 10 * kSecond);
  return *result;
}

std::string ZnodeData(KafkaTestCluster& cluster, const std::string& path) {
  std::string data;
  ZkStat stat;
  auto* zk = cluster.world().ProcessAs<ZkServer>(KafkaTestCluster::kZk);
  // A read without a watch (session 0) leaves the tree as it was.
  if (zk == nullptr ||
      const_cast<ZkTree&>(zk->tree()).GetData(path, 0, &data, &stat) != ZkError::kOk) {
    return "<none>";
  }
  return data;
}

TEST(InternalTopicsTest, ABrokerCreatesConsumerOffsetsAndTheControllerElectsItsLeaders) {
  KafkaTestCluster cluster(3, SmallOffsetsTopic());
  AwaitLiveBrokers(cluster, 2, 3);
  std::optional<KafkaError> created = Create(cluster, 2, InternalTopic::kConsumerOffsets);
  ASSERT_TRUE(created.has_value());
  EXPECT_TRUE(created->ok()) << created->ToString();

  // Written through ZooKeeper as AdminZkClient writes a topic: the config, then the assignment.
  zk_paths::Assignment expected;
  ASSERT_TRUE(AssignReplicas(6, 3, {1, 2, 3}, 0, {}, &expected).ok());
  EXPECT_EQ(ZnodeData(cluster, "/brokers/topics/__consumer_offsets"),
            zk_paths::EncodeAssignment(expected));
  EXPECT_EQ(ZnodeData(cluster, "/config/topics/__consumer_offsets"),
            "cleanup.policy=compact;compression.type=producer;segment.bytes=104857600");

  // The controller elects a leader for every partition, with every replica in sync; each replica
  // runs a compacted log.
  ASSERT_TRUE(cluster.RunUntil(
      [&] {
        for (int32_t p = 0; p < 6; ++p) {
          const Controller::PartitionView* view =
              cluster.ControllerView(TopicPartition{"__consumer_offsets", p});
          if (view == nullptr || view->state.leader == kNoBroker || view->state.isr.size() != 3) {
            return false;
          }
          for (BrokerId id : view->replicas) {
            Partition* replica = cluster.Replica(id, TopicPartition{"__consumer_offsets", p});
            if (replica == nullptr || replica->role() == ReplicaRole::kNone) return false;
          }
        }
        return true;
      },
      30 * kSecond))
      << "the controller never elected leaders for __consumer_offsets";
  for (int32_t p = 0; p < 6; ++p) {
    const TopicPartition tp{"__consumer_offsets", p};
    const Controller::PartitionView* view = cluster.ControllerView(tp);
    EXPECT_EQ(view->replicas, expected.at(p));
    EXPECT_EQ(view->state.leader, expected.at(p).front()) << "the preferred replica leads";
    for (BrokerId id : expected.at(p)) {
      Partition* replica = cluster.Replica(id, tp);
      ASSERT_NE(replica, nullptr) << tp.Name() << " on broker " << id;
      EXPECT_TRUE(replica->log().config().cleanup_compact);
      EXPECT_FALSE(replica->log().config().cleanup_delete);
      EXPECT_EQ(replica->log().config().segment_bytes, 104857600);
    }
  }
  // Asked again, the broker finds it in its metadata.
  created = Create(cluster, 3, InternalTopic::kConsumerOffsets);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->code(), ErrorCode::kTopicAlreadyExists);
}

TEST(InternalTopicsTest, TransactionStateGetsItsMinIsrAndNoUncleanElection) {
  KafkaTestCluster cluster(3, SmallOffsetsTopic());
  AwaitLiveBrokers(cluster, 1, 3);
  std::optional<KafkaError> created = Create(cluster, 1, InternalTopic::kTransactionState);
  ASSERT_TRUE(created.has_value() && created->ok());
  const TopicPartition tp{"__transaction_state", 0};
  ASSERT_TRUE(cluster.RunUntil(
      [&] {
        Partition* leader = cluster.LeaderReplica(tp);
        return leader != nullptr && leader->isr().size() == 3;
      },
      30 * kSecond));
  Partition* leader = cluster.LeaderReplica(tp);
  EXPECT_EQ(leader->min_insync_replicas(), 2) << "transaction.state.log.min.isr";
  EXPECT_EQ(leader->log().config().compression_type, "uncompressed");
  EXPECT_TRUE(leader->log().config().cleanup_compact);
}

TEST(InternalTopicsTest, FewerLiveBrokersThanTheReplicationFactorCreatesNothing) {
  KafkaTestCluster cluster(3, SmallOffsetsTopic());
  AwaitLiveBrokers(cluster, 1, 3);
  cluster.world().Crash(cluster.node(2));
  cluster.world().Crash(cluster.node(3));
  AwaitLiveBrokers(cluster, 1, 1);
  std::optional<KafkaError> created = Create(cluster, 1, InternalTopic::kConsumerOffsets);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->code(), ErrorCode::kInvalidReplicationFactor);
  EXPECT_EQ(created->message(), "Replication factor: 3 larger than available brokers: 1.");
  cluster.RunFor(kSecond);
  EXPECT_EQ(ZnodeData(cluster, "/brokers/topics/__consumer_offsets"), "<none>");
}

}  // namespace
}  // namespace ks::testing
