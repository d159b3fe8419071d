// Produce: a client's records for one or more partitions, and the leader's answer (sent once the
// acks asked for are met: at once with acks=1, when the ISR has them with acks=-1, never with
// acks=0).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/kafka/kafka_request.h"

namespace ks {

// Acks values of ProduceRequest: 0 (no response), 1 (leader appended), -1 ("all": the ISR has it).
constexpr int16_t kAcksNone = 0;
constexpr int16_t kAcksLeader = 1;
constexpr int16_t kAcksAll = -1;

struct ProducePartitionData {
  TopicPartition tp;
  std::string records;  // one or more v2 batches
};
struct ProduceRequest final : KafkaRequest {
  int16_t acks = kAcksAll;
  int32_t timeout_ms = 30000;  // the producer's request.timeout.ms
  std::string client_id;
  std::vector<ProducePartitionData> partitions;
  std::string_view Kind() const override { return "Produce"; }
  KS_MESSAGE_TYPE(ProduceRequest)
  int64_t SizeBytes() const override;
};
struct ProducePartitionResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  std::string error_message;
  int64_t base_offset = -1;
  int64_t log_append_time_ms = -1;
  int64_t log_start_offset = -1;
};
struct ProduceResponse final : KafkaResponse {
  std::vector<ProducePartitionResponse> partitions;
  std::string_view Kind() const override { return "ProduceResponse"; }
  KS_MESSAGE_TYPE(ProduceResponse)
  int64_t SizeBytes() const override;
};

}  // namespace ks
