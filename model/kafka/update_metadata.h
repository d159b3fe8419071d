// UpdateMetadata: the controller tells live brokers the live brokers and the states of some
// partitions, which the broker's metadata cache keeps to answer clients' Metadata requests. A
// request names the partitions whose state changed (none when only the broker list did); every
// partition goes only to a broker that just started and from a new controller. A broker keeps
// the partitions a request does not name.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/kafka/kafka_request.h"
#include "model/kafka/leader_and_isr.h"
#include "model/kafka/metadata.h"

namespace ks {

struct UpdateMetadataRequest final : KafkaRequest {
  BrokerId controller_id = kNoBroker;
  int32_t controller_epoch = 0;
  std::vector<LeaderAndIsrPartitionState> partitions;
  std::vector<BrokerEndpoint> live_brokers;
  std::string_view Kind() const override { return "UpdateMetadata"; }
  KS_MESSAGE_TYPE(UpdateMetadataRequest)
  int64_t SizeBytes() const override;
};
struct UpdateMetadataResponse final : KafkaResponse {
  ErrorCode error = ErrorCode::kNone;
  std::string_view Kind() const override { return "UpdateMetadataResponse"; }
  KS_MESSAGE_TYPE(UpdateMetadataResponse)
  int64_t SizeBytes() const override { return kRequestHeaderBytes; }
};

}  // namespace ks
