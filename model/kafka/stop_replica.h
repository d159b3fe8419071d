// StopReplica: the controller tells a broker to stop its replicas of some partitions (they stop
// fetching), and with delete_partitions to delete their logs (a reassignment's removed replicas).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/kafka/kafka_request.h"

namespace ks {

struct StopReplicaRequest final : KafkaRequest {
  BrokerId controller_id = kNoBroker;
  int32_t controller_epoch = 0;
  bool delete_partitions = false;
  std::vector<TopicPartition> partitions;
  std::string_view Kind() const override { return "StopReplica"; }
  KS_MESSAGE_TYPE(StopReplicaRequest)
  int64_t SizeBytes() const override {
    return kRequestHeaderBytes + PartitionEntriesBytes(partitions.size());
  }
};
struct StopReplicaResponse final : KafkaResponse {
  ErrorCode error = ErrorCode::kNone;
  std::string_view Kind() const override { return "StopReplicaResponse"; }
  KS_MESSAGE_TYPE(StopReplicaResponse)
  int64_t SizeBytes() const override { return kRequestHeaderBytes; }
};

}  // namespace ks
