// ControlledShutdown: a broker that is asked to stop asks the controller to move leadership off it
// first (ZooKeeper mode, KafkaServer.controlledShutdown). The controller moves every partition
// the broker leads (with more than one replica) to another live in-sync replica, takes the broker
// out of the ISRs it follows in, and answers with the partitions the broker still leads; the
// broker retries until none remain.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/kafka/kafka_request.h"

namespace ks {

struct ControlledShutdownRequest final : KafkaRequest {
  BrokerId broker_id = kNoBroker;
  int64_t broker_epoch = -1;  // the czxid of its registration (KIP-380)
  std::string_view Kind() const override { return "ControlledShutdown"; }
  KS_MESSAGE_TYPE(ControlledShutdownRequest)
  int64_t SizeBytes() const override { return kRequestHeaderBytes; }
};
struct ControlledShutdownResponse final : KafkaResponse {
  // NOT_CONTROLLER, STALE_BROKER_EPOCH or BROKER_NOT_AVAILABLE (not registered), else NONE.
  ErrorCode error = ErrorCode::kNone;
  std::vector<TopicPartition> partitions_remaining;
  std::string_view Kind() const override { return "ControlledShutdownResponse"; }
  KS_MESSAGE_TYPE(ControlledShutdownResponse)
  int64_t SizeBytes() const override {
    return kRequestHeaderBytes + PartitionEntriesBytes(partitions_remaining.size());
  }
};

}  // namespace ks
