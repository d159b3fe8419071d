// Where ZooKeeper-era Kafka keeps its cluster state, and how each znode's data is written.
// The formats are kafkasim's (plain "key=value" text instead of Kafka's JSON), the paths are
// Kafka's:
//   /brokers/ids/<id>                       ephemeral: "node=<simulator node id>", and with
//                                           eligible.leader.replicas.version 1
//                                           ";previous_epoch=<broker epoch or -1>" (KIP-966)
//   /controller                             ephemeral: "brokerid=<id>"
//   /controller_epoch                       "<epoch>"; its version fences zombie controllers
//   /brokers/topics/<topic>                 assignment: "0=1,2,3;1=2,3,1"; a partition being
//                                           reassigned also lists its adding and removing
//                                           replicas (KIP-455): "0=4,2,3,1|adding=4|removing=1"
//   /brokers/topics/<topic>/partitions/<p>/state
//                                           "leader=1;leader_epoch=3;isr=1,2;controller_epoch=2"
//                                           plus ";elr=3" when the ELR (KIP-966) is not empty;
//                                           its znode version is the partition epoch
//   /config/topics/<topic> "min.insync.replicas=2;unclean.leader.election.enable=true"
//   /admin/preferred_replica_election       "orders-0,orders-1" (empty: every partition)
//   /admin/reassign_partitions              "orders-0=2,3,4;orders-1=3,4,2"
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/env/message.h"  // NodeId
#include "model/kafka/topic_partition.h"

namespace ks::zk_paths {

inline constexpr const char* kBrokerIds = "/brokers/ids";
inline constexpr const char* kBrokerTopics = "/brokers/topics";
inline constexpr const char* kController = "/controller";
inline constexpr const char* kControllerEpoch = "/controller_epoch";
inline constexpr const char* kConfigTopics = "/config/topics";
inline constexpr const char* kPreferredElection = "/admin/preferred_replica_election";
inline constexpr const char* kReassignPartitions = "/admin/reassign_partitions";
// The legacy ISR path (before KIP-497): a leader that changed an ISR in ZooKeeper creates a
// sequential child "isr_change_NNNNNNNNNN" listing the partitions ("orders-0,orders-1").
inline constexpr const char* kIsrChangeNotification = "/isr_change_notification";

std::string BrokerPath(BrokerId id);
std::string TopicPath(const std::string& topic);
std::string PartitionsPath(const std::string& topic);
std::string PartitionPath(const TopicPartition& tp);
std::string PartitionStatePath(const TopicPartition& tp);
std::string TopicConfigPath(const std::string& topic);

using Assignment = std::map<int32_t, std::vector<BrokerId>>;
// A reassignment in progress, as KIP-455 records it beside the replicas (RS = ORS + TRS):
// AR = TRS - ORS are being added, RR = ORS - TRS are being removed.
struct OngoingReassignment {
  std::vector<BrokerId> adding;
  std::vector<BrokerId> removing;
  bool operator==(const OngoingReassignment&) const = default;
};
using OngoingReassignments = std::map<int32_t, OngoingReassignment>;
std::string EncodeAssignment(const Assignment& assignment,
                             const OngoingReassignments& ongoing = {});
// The replicas of each partition (adding and removing ones included).
std::optional<Assignment> DecodeAssignment(const std::string& text);
// The partitions of the topic znode that are being reassigned.
OngoingReassignments DecodeOngoingReassignments(const std::string& text);

struct PartitionStateData {
  BrokerId leader = kNoBroker;
  int32_t leader_epoch = 0;
  std::vector<BrokerId> isr;
  int32_t controller_epoch = 0;
  // Eligible Leader Replicas (KIP-966): replicas outside the ISR that still hold everything up
  // to the HW. Always empty unless eligible.leader.replicas.version is 1.
  std::vector<BrokerId> elr;
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

// /controller: "brokerid=<id>".
std::string EncodeController(BrokerId id);
std::optional<BrokerId> DecodeController(const std::string& text);
// /controller_epoch: the epoch in decimal.
std::optional<int32_t> DecodeControllerEpoch(const std::string& text);
// /brokers/ids/<id>: "node=<node>", with eligible.leader.replicas.version 1
// ";previous_epoch=<the epoch of the clean-shutdown file, -1: none>".
struct BrokerRegistration {
  NodeId node = kNoNode;
  std::optional<int64_t> previous_epoch;
};
std::string EncodeBrokerRegistration(const BrokerRegistration& registration);
std::optional<BrokerRegistration> DecodeBrokerRegistration(const std::string& text);

}  // namespace ks::zk_paths
