// KafkaConsumer: Kafka's consumer client with manual assignment (assign / seek / poll; consumer
// groups and commits are a later issue), a component embedded in a node's Process, which
// forwards messages and connection resets to it.
//
// As Kafka's consumer (KafkaConsumer, Fetcher, SubscriptionState):
// - Each assigned partition has a position: the offset of the next record Poll returns. A
//   partition without one is reset by auto.offset.reset — earliest / latest through a
//   ListOffsets request to its leader — or, with "none", Poll surfaces OFFSET_OUT_OF_RANGE for it
//   and it stays idle until Seek. OFFSET_OUT_OF_RANGE from a fetch triggers the same reset.
// - While a Poll is waiting, the consumer fetches from each partition's leader: one FetchRequest
//   per leader at a time (replica_id -1, fetch.max.wait.ms, fetch.min.bytes,
//   max.partition.fetch.bytes, current_leader_epoch from metadata), for the partitions that have
//   a position and no undelivered records. It decodes the v2 batches, skipping records below the
//   fetch position when a batch starts earlier, and completes the Poll with up to
//   max.poll.records records, advancing positions as it hands them out.
// - NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION,
//   LEADER_NOT_AVAILABLE, KAFKA_STORAGE_ERROR, request timeouts and connection resets refresh
//   metadata; the partition is retried after retry.backoff.ms.
// The broker only returns records below the high watermark; the consumer does not check it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/client/client_metadata.h"
#include "model/client/consumer_config.h"
#include "model/env/env.h"
#include "model/env/wakeup_timer.h"
#include "model/kafka/errors.h"
#include "model/kafka/fetch.h"
#include "model/kafka/list_offsets.h"
#include "model/log/record_batch.h"

namespace ks {

struct ConsumerRecord {
  TopicPartition tp;
  int64_t offset = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt: a tombstone
  int64_t timestamp_ms = -1;
};

struct PollResult {
  std::vector<ConsumerRecord> records;
  // Set when a partition needs the caller's attention (auto.offset.reset=none and no valid
  // position: OFFSET_OUT_OF_RANGE); `error_tp` names it. Records may come with it.
  KafkaError error;
  TopicPartition error_tp;
};

using PollCallback = std::function<void(PollResult& result)>;

class KafkaConsumer {
 public:
  // The config must be valid (ValidateConsumerConfig); a broken one is a KS_CHECK failure.
  KafkaConsumer(Env& env, ConsumerConfig config, std::vector<NodeId> bootstrap,
                std::string client_name);
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;

  // Fetches metadata now (Assign would do it too).
  void Start();

  // Replaces the assignment. Partitions kept from the old one keep their positions.
  void Assign(std::vector<TopicPartition> partitions);
  // Sets the position of an assigned partition (KS_CHECK that it is assigned).
  void Seek(const TopicPartition& tp, int64_t offset);
  void SeekToBeginning(const std::vector<TopicPartition>& partitions);
  void SeekToEnd(const std::vector<TopicPartition>& partitions);

  // Asks for records: `callback` runs once, later (never inside Poll), when records or an error
  // are available. At most one Poll waits at a time; a new one replaces the old callback.
  void Poll(PollCallback callback);
  bool poll_pending() const { return static_cast<bool>(poll_callback_); }

  bool HandleMessage(NodeId from, MessagePtr& message);
  void HandleConnectionReset(NodeId peer);

  const std::vector<TopicPartition>& assignment() const { return assignment_; }
  // The position of a partition; nullopt if unknown (being reset) or not assigned.
  std::optional<int64_t> Position(const TopicPartition& tp) const;
  // The high watermark the last fetch reported; -1 if none yet.
  int64_t HighWatermark(const TopicPartition& tp) const;
  int64_t records_consumed() const { return records_consumed_; }
  int64_t fetches_sent() const { return fetches_sent_; }
  ErrorCode last_error() const { return last_error_; }
  ClientMetadata& metadata() { return metadata_; }

 private:
  struct PartitionState {
    int64_t position = -1;      // next offset Poll returns; -1: unknown
    int64_t fetch_offset = -1;  // next offset to fetch (position plus the buffered records)
    std::optional<OffsetResetPolicy> reset;  // a reset to do (earliest or latest)
    bool reset_in_flight = false;
    bool fetch_in_flight = false;
    bool awaiting_seek = false;  // auto.offset.reset=none: idle until Seek
    bool error_reported = false;
    int64_t epoch = 0;  // bumped by seeks, so answers to older requests are ignored
    TimeUs backoff_until = 0;
    int64_t high_watermark = -1;
    std::deque<ConsumerRecord> buffered;
  };

  struct PendingRequest {
    NodeId node = kNoNode;
    std::vector<std::pair<TopicPartition, int64_t>> partitions;  // with their epoch
    TimerId timeout_timer = kNoTimer;
    bool is_fetch = true;
  };

  void ScheduleWakeup(TimeUs at);
  void RunFetcher();
  void NeedsReset(PartitionState& state, OffsetResetPolicy policy);
  void SendListOffsets(const TopicPartition& tp, PartitionState& state, NodeId node);
  void SendFetches(TimeUs now, TimeUs* next_wake);
  void HandleFetchResponse(NodeId from, const FetchResponse& response);
  void HandleListOffsetsResponse(const ListOffsetsResponse& response);
  void FailRequest(int64_t correlation_id);
  void Decode(const TopicPartition& tp, PartitionState& state, std::string_view records);
  void MaybeCompletePoll();
  void Backoff(PartitionState& state, ErrorCode error);

  Env& env_;
  ConsumerConfig config_;
  std::string client_name_;
  int64_t correlation_ids_ = 0;
  ClientMetadata metadata_;

  std::vector<TopicPartition> assignment_;
  std::map<TopicPartition, PartitionState> partitions_;
  std::map<int64_t, PendingRequest> requests_;  // by correlation id
  std::map<NodeId, int32_t> fetches_per_node_;
  PollCallback poll_callback_;
  size_t poll_rotation_ = 0;
  BatchReader reader_;

  WakeupTimer wakeup_;  // runs the fetcher at the earliest time asked for

  int64_t records_consumed_ = 0;
  int64_t fetches_sent_ = 0;
  ErrorCode last_error_ = ErrorCode::kNone;
};

}  // namespace ks
