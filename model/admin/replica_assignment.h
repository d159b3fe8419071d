// Replica assignment and the checks Kafka makes before it writes a topic (ZooKeeper mode): pure
// functions shared by the admin tool (kafka-topics --create, --alter --partitions,
// kafka-reassign-partitions) and by brokers creating internal topics (Broker::CreateInternalTopic).
//
// Each failure is a KafkaError with Kafka's code and, in words, Kafka's message:
//   INVALID_REPLICATION_FACTOR  "Replication factor: 3 larger than available brokers: 1."
//   INVALID_PARTITIONS          "Number of partitions must be larger than 0."
//   INVALID_REPLICA_ASSIGNMENT  "Duplicate replica assignment found: ..." (one broker twice in a
//                               partition would let one broker count as several in-sync replicas)
//   INVALID_TOPIC_EXCEPTION     "Topic name is invalid: ..."
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/controller/zk_paths.h"
#include "model/kafka/errors.h"

namespace ks {

// Kafka's rack-unaware AdminUtils.assignReplicasToBrokers, with its random start index and shift
// fixed at 0 so that every seed draws the same picture: partition p's first replica is broker
// p mod n (in `brokers` order), the others follow with a shift that grows by one every n
// partitions. Partitions [first_partition, first_partition + partitions) are added to `existing`
// (kafka-topics --alter --partitions), the shift counted from partition 0.
// Errors: partitions < 1 (INVALID_PARTITIONS), replication_factor < 1 or more than the brokers
// (INVALID_REPLICATION_FACTOR).
KafkaError AssignReplicas(int32_t partitions, int32_t replication_factor,
                          const std::vector<BrokerId>& brokers, int32_t first_partition,
                          const zk_paths::Assignment& existing, zk_paths::Assignment* out);

// Topic.validate: not empty, not "." or "..", at most 249 characters, only ASCII alphanumerics,
// '.', '_' and '-'.
KafkaError ValidateTopicName(std::string_view topic);

// AdminZkClient.validateTopicCreate's checks of an assignment: partitions 0..n-1, every one with
// the same number of replicas, none naming a broker twice.
KafkaError ValidateAssignment(const zk_paths::Assignment& assignment);

// The controller's validateReplicas for a reassignment target: not empty, no broker twice, no
// negative id.
KafkaError ValidateReassignmentReplicas(const std::vector<BrokerId>& replicas);

}  // namespace ks
