// Where ZooKeeper-era Kafka keeps its cluster state, and how each znode's data is written.
// The formats are kafkasim's (plain "key=value" text instead of Kafka's JSON), the paths are
// Kafka's:
//   /brokers/ids/<id>                       ephemeral: "node=<simulator node id>"
//   /controller                             ephemeral: "brokerid=<id>"
//   /controller_epoch                       "<epoch>"; its version fences zombie controllers
//   /brokers/topics/<topic>                 assignment: "0=1,2,3;1=2,3,1"
//   /brokers/topics/<topic>/partitions/<p>/state
//                                           "leader=1;leader_epoch=3;isr=1,2;controller_epoch=2"
//                                           its znode version is the partition epoch
//   /config/topics/<topic>                  "min.insync.replicas=2;unclean.leader.election.enable=true"
//   /admin/preferred_replica_election       "orders-0,orders-1" (empty: every partition)
//   /admin/reassign_partitions              "orders-0=2,3,4;orders-1=3,4,2"
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/kafka/topic_partition.h"

namespace ks::zk_paths {

inline constexpr const char* kBrokerIds = "/brokers/ids";
inline constexpr const char* kBrokerTopics = "/brokers/topics";
inline constexpr const char* kController = "/controller";
inline constexpr const char* kControllerEpoch = "/controller_epoch";
inline constexpr const char* kConfigTopics = "/config/topics";
inline constexpr const char* kPreferredElection = "/admin/preferred_replica_election";
inline constexpr const char* kReassignPartitions = "/admin/reassign_partitions";

std::string BrokerPath(BrokerId id);
std::string TopicPath(const std::string& topic);
std::string PartitionsPath(const std::string& topic);
std::string PartitionPath(const TopicPartition& tp);
std::string PartitionStatePath(const TopicPartition& tp);
std::string TopicConfigPath(const std::string& topic);

using Assignment = std::map<int32_t, std::vector<BrokerId>>;
std::string EncodeAssignment(const Assignment& assignment);
std::optional<Assignment> DecodeAssignment(const std::string& text);

struct PartitionStateData {
  BrokerId leader = kNoBroker;
  int32_t leader_epoch = 0;
  std::vector<BrokerId> isr;
  int32_t controller_epoch = 0;
};
std::string EncodePartitionState(const PartitionStateData& state);
std::optional<PartitionStateData> DecodePartitionState(const std::string& text);

std::string EncodeConfig(const std::vector<std::pair<std::string, std::string>>& config);
std::vector<std::pair<std::string, std::string>> DecodeConfig(const std::string& text);

// "1,2,3" <-> {1,2,3}
std::string EncodeBrokers(const std::vector<BrokerId>& brokers);
std::optional<std::vector<BrokerId>> DecodeBrokers(const std::string& text);

// "orders-0=2,3;orders-1=3,4" <-> reassignments; "orders-0,orders-1" <-> partitions.
std::map<TopicPartition, std::vector<BrokerId>> DecodeReassignments(const std::string& text);
std::string EncodeReassignments(const std::map<TopicPartition, std::vector<BrokerId>>& moves);
std::vector<TopicPartition> DecodePartitionList(const std::string& text);
std::optional<TopicPartition> ParseTopicPartition(const std::string& name);

}  // namespace ks::zk_paths
