// LeaderAndIsr: the controller tells a broker, for each of its replicas, who leads with which
// leader epoch, the ISR and the replicas; the broker makes its replicas leaders or followers
// (ReplicaManager::HandleLeaderAndIsr). LeaderAndIsrPartitionState is also what UpdateMetadata
// carries for every partition.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/kafka/kafka_request.h"
#include "model/kafka/metadata.h"
#include "model/kafka/topic_config.h"

namespace ks {

struct LeaderAndIsrPartitionState {
  TopicPartition tp;
  int32_t controller_epoch = 0;
  BrokerId leader = kNoBroker;
  int32_t leader_epoch = 0;
  std::vector<BrokerId> isr;
  int32_t partition_epoch = 0;  // the version of the partition's state znode
  std::vector<BrokerId> replicas;
  bool is_new = false;
  // kafkasim's simplification: the topic's config overrides travel with the partition state
  // (Kafka's brokers read them from ZooKeeper's /config/topics/<topic>), parsed once by the
  // controller; null when the topic overrides nothing. Shared: every state of a topic, in every
  // request, points at the same overrides.
  std::shared_ptr<const TopicConfigOverrides> topic_config;
};
struct LeaderAndIsrRequest final : KafkaRequest {
  BrokerId controller_id = kNoBroker;
  int32_t controller_epoch = 0;
  int64_t broker_epoch = -1;  // the recipient's epoch as the controller knows it
  std::vector<LeaderAndIsrPartitionState> partitions;
  std::vector<BrokerEndpoint> live_leaders;
  std::string_view Kind() const override { return "LeaderAndIsr"; }
  KS_MESSAGE_TYPE(LeaderAndIsrRequest)
  int64_t SizeBytes() const override;
};
struct LeaderAndIsrResponse final : KafkaResponse {
  ErrorCode error = ErrorCode::kNone;
  std::vector<std::pair<TopicPartition, ErrorCode>> partitions;
  std::string_view Kind() const override { return "LeaderAndIsrResponse"; }
  KS_MESSAGE_TYPE(LeaderAndIsrResponse)
  int64_t SizeBytes() const override;
};

}  // namespace ks
