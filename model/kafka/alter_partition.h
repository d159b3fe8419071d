// AlterPartition (KIP-497): a leader asks the controller to change its partition's ISR. In
// ZooKeeper mode before 2.7 the leader wrote the ISR to ZooKeeper itself: with
// inter.broker.protocol.version below 2.7-IV2 kafkasim's leaders do too (model/broker/
// zk_isr_writer.h), and the request only carries the proposal to that writer.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/kafka/kafka_request.h"

namespace ks {

struct AlterPartitionRequest final : KafkaRequest {
  BrokerId broker_id = kNoBroker;
  int64_t broker_epoch = -1;
  TopicPartition tp;
  int32_t leader_epoch = 0;
  std::vector<BrokerId> new_isr;
  int32_t partition_epoch = 0;
  std::string_view Kind() const override { return "AlterPartition"; }
  KS_MESSAGE_TYPE(AlterPartitionRequest)
  int64_t SizeBytes() const override { return kRequestHeaderBytes + kPartitionEntryBytes; }
};
struct AlterPartitionResponse final : KafkaResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  BrokerId leader = kNoBroker;
  int32_t leader_epoch = 0;
  std::vector<BrokerId> isr;
  int32_t partition_epoch = 0;
  std::string_view Kind() const override { return "AlterPartitionResponse"; }
  KS_MESSAGE_TYPE(AlterPartitionResponse)
  int64_t SizeBytes() const override { return kRequestHeaderBytes + kPartitionEntryBytes; }
};

}  // namespace ks
