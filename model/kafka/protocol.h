// Kafka's requests and responses between clients, brokers and the controller, as simulator
// messages (model/env/message.h): C++ structs whose SizeBytes() approximates their size on the
// wire (a fixed header per request and partition plus the record bytes they carry), which is
// what the network's bandwidth and byte accounting use.
//
// Names and fields follow Kafka's protocol (Produce, Fetch, Metadata, ListOffsets,
// OffsetsForLeaderEpoch, LeaderAndIsr, UpdateMetadata, StopReplica, AlterPartition); records
// travel as Kafka v2 record batches (model/log/record_batch.h), byte for byte. Every request
// carries a correlation id its response repeats; a response goes back over the connection the
// request came in on, so a reset loses both and the client's request.timeout.ms fires.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/message.h"
#include "model/kafka/errors.h"
#include "model/kafka/topic_config.h"
#include "model/kafka/topic_partition.h"

namespace ks {

// Fixed overheads used by SizeBytes(): a request/response header, and per partition entry.
constexpr int64_t kRequestHeaderBytes = 24;
constexpr int64_t kPartitionEntryBytes = 32;

// Acks values of ProduceRequest: 0 (no response), 1 (leader appended), -1 ("all": the ISR has it).
constexpr int16_t kAcksNone = 0;
constexpr int16_t kAcksLeader = 1;
constexpr int16_t kAcksAll = -1;

// ListOffsets' special timestamps.
constexpr int64_t kEarliestTimestamp = -2;
constexpr int64_t kLatestTimestamp = -1;

// Replica id of a FetchRequest sent by a consumer (brokers send their broker id).
constexpr BrokerId kConsumerReplicaId = -1;

struct KafkaRequest : Message {
  int64_t correlation_id = 0;
};
struct KafkaResponse : Message {
  int64_t correlation_id = 0;
};

// ---------------------------------------------------------------------------------------------
// Produce
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

// ---------------------------------------------------------------------------------------------
// Fetch (followers and consumers)
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

// ---------------------------------------------------------------------------------------------
// ListOffsets (consumers: auto.offset.reset, seekToBeginning/End)
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

// ---------------------------------------------------------------------------------------------
// OffsetsForLeaderEpoch (KIP-101: a follower asks where an epoch ends on the leader)
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
    return kRequestHeaderBytes + kPartitionEntryBytes * static_cast<int64_t>(partitions.size());
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
    return kRequestHeaderBytes + kPartitionEntryBytes * static_cast<int64_t>(partitions.size());
  }
};

// ---------------------------------------------------------------------------------------------
// Metadata (clients learn leaders; brokers answer from their metadata cache)
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

// ---------------------------------------------------------------------------------------------
// Controller -> brokers
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
struct StopReplicaRequest final : KafkaRequest {
  BrokerId controller_id = kNoBroker;
  int32_t controller_epoch = 0;
  bool delete_partitions = false;
  std::vector<TopicPartition> partitions;
  std::string_view Kind() const override { return "StopReplica"; }
  KS_MESSAGE_TYPE(StopReplicaRequest)
  int64_t SizeBytes() const override {
    return kRequestHeaderBytes + kPartitionEntryBytes * static_cast<int64_t>(partitions.size());
  }
};
struct StopReplicaResponse final : KafkaResponse {
  ErrorCode error = ErrorCode::kNone;
  std::string_view Kind() const override { return "StopReplicaResponse"; }
  KS_MESSAGE_TYPE(StopReplicaResponse)
  int64_t SizeBytes() const override { return kRequestHeaderBytes; }
};

// ---------------------------------------------------------------------------------------------
// Leader -> controller: ISR changes (KIP-497 AlterPartition; in ZooKeeper mode before 2.7 the
// leader wrote the ISR to ZooKeeper itself — the controller does it for us, with the same check
// of leader epoch and partition epoch).
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
