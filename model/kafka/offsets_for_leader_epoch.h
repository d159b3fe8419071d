// OffsetsForLeaderEpoch (KIP-101): a follower asks where a leader epoch ends on the leader, to
// know where to truncate its own log.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/kafka/kafka_request.h"

namespace ks {

struct EpochQuery {
  TopicPartition tp;
  int32_t current_leader_epoch = -1;
  int32_t leader_epoch = -1;
};
struct OffsetsForLeaderEpochRequest final : KafkaRequest {
  BrokerId replica_id = kNoBroker;
  std::vector<EpochQuery> partitions;
  std::string_view Kind() const override { return "OffsetsForLeaderEpoch"; }
  KS_MESSAGE_TYPE(OffsetsForLeaderEpochRequest)
  int64_t SizeBytes() const override {
    return kRequestHeaderBytes + PartitionEntriesBytes(partitions.size());
  }
};
struct EpochEndOffset {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  int32_t leader_epoch = -1;
  int64_t end_offset = -1;
};
struct OffsetsForLeaderEpochResponse final : KafkaResponse {
  std::vector<EpochEndOffset> partitions;
  std::string_view Kind() const override { return "OffsetsForLeaderEpochResponse"; }
  KS_MESSAGE_TYPE(OffsetsForLeaderEpochResponse)
  int64_t SizeBytes() const override {
    return kRequestHeaderBytes + PartitionEntriesBytes(partitions.size());
  }
};

}  // namespace ks
