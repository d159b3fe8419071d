// Metadata: clients learn the brokers, the controller and each partition's leader; brokers answer
// from their metadata cache (model/broker/metadata_cache.h). BrokerEndpoint, a broker's address,
// also travels in the controller's LeaderAndIsr and UpdateMetadata.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/kafka/kafka_request.h"

namespace ks {

struct PartitionMetadata {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  BrokerId leader = kNoBroker;
  int32_t leader_epoch = -1;
  std::vector<BrokerId> replicas;
  std::vector<BrokerId> isr;
};
struct BrokerEndpoint {
  BrokerId id = kNoBroker;
  NodeId node = kNoNode;  // where to send requests in the simulation
};
struct MetadataRequest final : KafkaRequest {
  std::vector<std::string> topics;  // empty: all
  std::string_view Kind() const override { return "Metadata"; }
  KS_MESSAGE_TYPE(MetadataRequest)
  int64_t SizeBytes() const override;
};
struct MetadataResponse final : KafkaResponse {
  BrokerId controller_id = kNoBroker;
  std::vector<BrokerEndpoint> brokers;
  std::vector<PartitionMetadata> partitions;
  std::string_view Kind() const override { return "MetadataResponse"; }
  KS_MESSAGE_TYPE(MetadataResponse)
  int64_t SizeBytes() const override;
};

}  // namespace ks
