// MetadataCache: a broker's view of the cluster, as the controller last told it (UpdateMetadata
// and LeaderAndIsr): live brokers and their endpoints, and each partition's leader, epoch,
// replicas and ISR. Brokers answer clients' Metadata requests from it, and find the controller
// and partition leaders through it.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "model/kafka/metadata.h"
#include "model/kafka/update_metadata.h"

namespace ks {

class MetadataCache {
 public:
  // Replaces the live brokers and updates the partitions the request names; the others are kept
  // (the controller sends only what changed).
  void Update(const UpdateMetadataRequest& request);
  void UpdatePartition(const LeaderAndIsrPartitionState& state);
  void AddEndpoints(const std::vector<BrokerEndpoint>& endpoints);

  NodeId NodeOf(BrokerId broker) const;  // kNoNode if unknown
  BrokerId controller_id() const { return controller_id_; }
  int32_t controller_epoch() const { return controller_epoch_; }
  void SetController(BrokerId id, int32_t epoch);
  const std::optional<LeaderAndIsrPartitionState> Partition(const TopicPartition& tp) const;
  MetadataResponse Describe(const std::vector<std::string>& topics) const;
  // The live brokers the controller last named, by id (ascending).
  std::vector<BrokerId> LiveBrokers() const;
  // Whether some partition of `topic` is known (Kafka's metadataCache.contains(topic)).
  bool ContainsTopic(const std::string& topic) const;

 private:
  BrokerId controller_id_ = kNoBroker;
  int32_t controller_epoch_ = -1;
  std::map<BrokerId, NodeId> live_brokers_;
  std::map<BrokerId, NodeId> known_endpoints_;  // also brokers seen as leaders
  std::map<TopicPartition, LeaderAndIsrPartitionState> partitions_;
};

}  // namespace ks
