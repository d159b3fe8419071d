#include "model/broker/metadata_cache.h"

#include <algorithm>

namespace ks {

void MetadataCache::Update(const UpdateMetadataRequest& request) {
  SetController(request.controller_id, request.controller_epoch);
  live_brokers_.clear();
  for (const BrokerEndpoint& endpoint : request.live_brokers) {
    live_brokers_[endpoint.id] = endpoint.node;
    known_endpoints_[endpoint.id] = endpoint.node;
  }
  for (const LeaderAndIsrPartitionState& state : request.partitions) UpdatePartition(state);
}

void MetadataCache::UpdatePartition(const LeaderAndIsrPartitionState& state) {
  auto it = partitions_.find(state.tp);
  // Never go back to an older leader epoch (a delayed UpdateMetadata).
  if (it != partitions_.end() && it->second.leader_epoch > state.leader_epoch) return;
  partitions_[state.tp] = state;
}

void MetadataCache::AddEndpoints(const std::vector<BrokerEndpoint>& endpoints) {
  for (const BrokerEndpoint& endpoint : endpoints) known_endpoints_[endpoint.id] = endpoint.node;
}

void MetadataCache::SetController(BrokerId id, int32_t epoch) {
  if (epoch >= controller_epoch_) {
    controller_id_ = id;
    controller_epoch_ = epoch;
  }
}

std::vector<BrokerId> MetadataCache::LiveBrokers() const {
  std::vector<BrokerId> ids;
  for (const auto& [id, node] : live_brokers_) ids.push_back(id);
  return ids;
}

bool MetadataCache::ContainsTopic(const std::string& topic) const {
  auto it = partitions_.lower_bound(TopicPartition{topic, INT32_MIN});
  return it != partitions_.end() && it->first.topic == topic;
}

NodeId MetadataCache::NodeOf(BrokerId broker) const {
  auto it = known_endpoints_.find(broker);
  return it == known_endpoints_.end() ? kNoNode : it->second;
}

const std::optional<LeaderAndIsrPartitionState> MetadataCache::Partition(
    const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return std::nullopt;
  return it->second;
}

MetadataResponse MetadataCache::Describe(const std::vector<std::string>& topics) const {
  MetadataResponse response;
  response.controller_id = controller_id_;
  for (const auto& [id, node] : live_brokers_) response.brokers.push_back({id, node});
  for (const auto& [tp, state] : partitions_) {
    if (!topics.empty() && std::find(topics.begin(), topics.end(), tp.topic) == topics.end()) {
      continue;
    }
    PartitionMetadata metadata;
    metadata.tp = tp;
    metadata.leader = state.leader;
    metadata.leader_epoch = state.leader_epoch;
    metadata.replicas = state.replicas;
    metadata.isr = state.isr;
    if (state.leader == kNoBroker || live_brokers_.count(state.leader) == 0) {
      metadata.error = ErrorCode::kLeaderNotAvailable;
    }
    response.partitions.push_back(std::move(metadata));
  }
  for (const std::string& topic : topics) {
    const bool known = std::any_of(partitions_.begin(), partitions_.end(),
                                   [&](const auto& entry) { return entry.first.topic == topic; });
    if (!known) {
      PartitionMetadata missing;
      missing.tp = TopicPartition{topic, -1};
      missing.error = ErrorCode::kUnknownTopicOrPartition;
      response.partitions.push_back(std::move(missing));
    }
  }
  return response;
}

}  // namespace ks
