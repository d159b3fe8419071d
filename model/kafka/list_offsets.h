// ListOffsets: a consumer asks where a partition's log starts or ends (auto.offset.reset,
// seekToBeginning/End).
#pragma once

#include <cstdint>
#include <string_view>

#include "model/kafka/kafka_request.h"

namespace ks {

// ListOffsets' special timestamps.
constexpr int64_t kEarliestTimestamp = -2;
constexpr int64_t kLatestTimestamp = -1;

struct ListOffsetsRequest final : KafkaRequest {
  TopicPartition tp;
  int64_t timestamp = kLatestTimestamp;
  std::string_view Kind() const override { return "ListOffsets"; }
  KS_MESSAGE_TYPE(ListOffsetsRequest)
  int64_t SizeBytes() const override { return kRequestHeaderBytes + kPartitionEntryBytes; }
};
struct ListOffsetsResponse final : KafkaResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  int64_t offset = -1;
  std::string_view Kind() const override { return "ListOffsetsResponse"; }
  KS_MESSAGE_TYPE(ListOffsetsResponse)
  int64_t SizeBytes() const override { return kRequestHeaderBytes + kPartitionEntryBytes; }
};

}  // namespace ks
