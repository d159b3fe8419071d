// Goal: replica assignment and the checks before a topic is written are Kafka's
// (AdminUtils.assignReplicasToBrokers, AdminZkClient.validateTopicCreate, Topic.validate, the
// controller's validateReplicas), with Kafka's error codes and messages — in particular a broker
// named twice in a partition is refused, since it would count as two in-sync replicas.
// Method: the pure functions of model/admin/replica_assignment.h, rule by rule.
#include "model/admin/replica_assignment.h"

#include <gtest/gtest.h>

namespace ks {
namespace {

using Ids = std::vector<BrokerId>;

TEST(ReplicaAssignmentTest, MatchesKafkasRoundRobinWithAGrowingShift) {
  // AdminUtils' own example: five brokers, ten partitions, three replicas, start index 0.
  zk_paths::Assignment assignment;
  ASSERT_TRUE(AssignReplicas(10, 3, {0, 1, 2, 3, 4}, 0, {}, &assignment).ok());
  EXPECT_EQ(assignment[0], (Ids{0, 1, 2}));
  EXPECT_EQ(assignment[4], (Ids{4, 0, 1}));
  EXPECT_EQ(assignment[5], (Ids{0, 2, 3})) << "after a round, the followers shift by one";
  EXPECT_EQ(assignment[9], (Ids{4, 1, 2}));
}

TEST(ReplicaAssignmentTest, AddedPartitionsContinueTheExistingOnes) {
  zk_paths::Assignment first;
  ASSERT_TRUE(AssignReplicas(3, 2, {1, 2, 3}, 0, {}, &first).ok());
  zk_paths::Assignment grown;
  ASSERT_TRUE(AssignReplicas(3, 2, {1, 2, 3}, 3, first, &grown).ok());
  zk_paths::Assignment all_at_once;
  ASSERT_TRUE(AssignReplicas(6, 2, {1, 2, 3}, 0, {}, &all_at_once).ok());
  EXPECT_EQ(grown, all_at_once);
}

TEST(ReplicaAssignmentTest, RefusesWhatKafkaRefuses) {
  zk_paths::Assignment out;
  KafkaError error = AssignReplicas(4, 3, {1}, 0, {}, &out);
  EXPECT_EQ(error.code(), ErrorCode::kInvalidReplicationFactor);
  EXPECT_EQ(error.message(), "Replication factor: 3 larger than available brokers: 1.");
  EXPECT_EQ(AssignReplicas(4, 0, {1}, 0, {}, &out).code(), ErrorCode::kInvalidReplicationFactor);
  EXPECT_EQ(AssignReplicas(0, 1, {1}, 0, {}, &out).code(), ErrorCode::kInvalidPartitions);
  EXPECT_EQ(AssignReplicas(1, 1, {}, 0, {}, &out).code(), ErrorCode::kInvalidReplicationFactor)
      << "no brokers: no division by zero";
}

TEST(ReplicaAssignmentTest, ABrokerTwiceInAPartitionIsRefused) {
  // Regression: [[1,1,1]] was accepted, and one broker then met min.insync.replicas 2 alone.
  KafkaError error = ValidateAssignment({{0, {1, 1, 1}}});
  EXPECT_EQ(error.code(), ErrorCode::kInvalidReplicaAssignment);
  EXPECT_EQ(error.message(), "Duplicate replica assignment found: partition 0 -> [1, 1, 1]");
  EXPECT_EQ(ValidateAssignment({{0, {1, 2}}, {1, {2}}}).message(),
            "All partitions should have the same number of replicas");
  EXPECT_EQ(ValidateAssignment({{0, {1}}, {2, {2}}}).message(),
            "partitions should be a consecutive 0-based integer sequence");
  EXPECT_TRUE(ValidateAssignment({{0, {1, 2}}, {1, {2, 1}}}).ok());
  // And a reassignment target (KafkaController.validateReplicas).
  error = ValidateReassignmentReplicas({1, 1, 1});
  EXPECT_EQ(error.code(), ErrorCode::kInvalidReplicaAssignment);
  EXPECT_EQ(error.message(),
            "Duplicate replica ids in partition reassignment replica list: [1, 1, 1]");
  EXPECT_EQ(ValidateReassignmentReplicas({}).code(), ErrorCode::kInvalidReplicaAssignment);
  EXPECT_EQ(ValidateReassignmentReplicas({2, -1}).code(), ErrorCode::kInvalidReplicaAssignment);
  EXPECT_TRUE(ValidateReassignmentReplicas({3, 1, 2}).ok());
}

TEST(ReplicaAssignmentTest, TopicNamesFollowKafkasRule) {
  EXPECT_TRUE(ValidateTopicName("orders.v2_eu-1").ok());
  EXPECT_TRUE(ValidateTopicName("__consumer_offsets").ok());
  EXPECT_EQ(ValidateTopicName("").message(),
            "Topic name is invalid: the empty string is not allowed");
  EXPECT_EQ(ValidateTopicName("..").code(), ErrorCode::kInvalidTopicException);
  EXPECT_EQ(ValidateTopicName(std::string(250, 'a')).code(), ErrorCode::kInvalidTopicException);
  EXPECT_TRUE(ValidateTopicName(std::string(249, 'a')).ok());
  EXPECT_EQ(ValidateTopicName("a b").message(),
            "Topic name is invalid: 'a b' contains one or more characters other than ASCII "
            "alphanumerics, '.', '_' and '-'");
}

}  // namespace
}  // namespace ks
