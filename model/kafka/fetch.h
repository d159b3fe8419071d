// Fetch: how followers replicate and consumers read. The leader answers with records from the
// fetch offset on (up to the high watermark for consumers), holding the request up to
// max_wait_ms when it has nothing new.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/kafka/kafka_request.h"

namespace ks {

// Replica id of a FetchRequest sent by a consumer (brokers send their broker id).
constexpr BrokerId kConsumerReplicaId = -1;

struct FetchPartition {
  TopicPartition tp;
  int64_t fetch_offset = 0;
  int32_t current_leader_epoch = -1;  // -1: not checked (old clients)
  int64_t partition_max_bytes = 1048576;
};
struct FetchRequest final : KafkaRequest {
  BrokerId replica_id = kConsumerReplicaId;
  int32_t max_wait_ms = 500;
  int32_t min_bytes = 1;
  int32_t max_bytes = 52428800;
  std::vector<FetchPartition> partitions;
  std::string_view Kind() const override { return "Fetch"; }
  KS_MESSAGE_TYPE(FetchRequest)
  int64_t SizeBytes() const override;
};
struct FetchPartitionResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
  int64_t log_end_offset = -1;  // not in Kafka's response; lets the viewer show leader LEO
  std::string records;
};
struct FetchResponse final : KafkaResponse {
  std::vector<FetchPartitionResponse> partitions;
  std::string_view Kind() const override { return "FetchResponse"; }
  KS_MESSAGE_TYPE(FetchResponse)
  int64_t SizeBytes() const override;
};

}  // namespace ks
