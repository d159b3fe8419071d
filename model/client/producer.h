// KafkaProducer: Kafka's producer client as a component embedded in a node's Process. The
// Process forwards its messages and connection resets to it (HandleMessage,
// HandleConnectionReset); everything else happens through the Env: timers for linger.ms,
// retry.backoff.ms, request.timeout.ms and delivery.timeout.ms, the "partitioner" random stream,
// and trace events (docs/trace-schema.md, "Clients and the history").
//
// What it does, as Kafka's producer (KafkaProducer, RecordAccumulator, Sender):
// - Send partitions the record (model/client/partitioner.h) once the topic's metadata is known
//   and appends it to the partition's open batch: a real v2 record batch (BatchBuilder). A batch
//   closes when the next record would take it past batch.size (a larger record gets a batch of
//   its own) and is sent when full or once linger.ms has passed since it opened.
// - The sender wakes like Kafka's sender thread: after Sends of the same instant (so they batch
//   together), when a linger or backoff ends, and when a response or metadata arrives. Each
//   wake-up sends at most one ProduceRequest per leader broker, holding at most one batch per
//   partition, while fewer than max.in.flight.requests.per.connection are unanswered on it.
// - A batch that fails with a retriable error (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE,
//   NOT_ENOUGH_REPLICAS(_AFTER_APPEND), REQUEST_TIMED_OUT, UNKNOWN_TOPIC_OR_PARTITION,
//   KAFKA_STORAGE_ERROR, a request timeout, a reset) goes back to the front of its partition's
//   queue and is resent after retry.backoff.ms, up to `retries` times and within
//   delivery.timeout.ms. As in Kafka without idempotence, with more than one request in flight a
//   retry can overtake later batches (reordering) and a resend of a batch the broker did append
//   writes it twice (duplicates). Metadata is refreshed on the errors that mean it is stale.
// - request.timeout.ms: a request unanswered that long has failed (retriably, outcome unknown);
//   a late answer to it is ignored.
// - delivery.timeout.ms: a batch older than that fails with REQUEST_TIMED_OUT, whether it waits
//   in the accumulator or is in flight (KIP-91).
// - acks=0: the broker sends no response; a batch is acknowledged (offset -1) as soon as its
//   request is handed to the network.
//
// Outcomes: every Send ends in exactly one callback, never from inside Send itself. The outcome
// says what a history must record: kOk (acknowledged, with the offset unless acks=0), kFailed
// (definitely not written: rejected before any attempt could have been appended), kUnknown (may
// have been written: some attempt was sent and its fate is not known, or the broker said
// NOT_ENOUGH_REPLICAS_AFTER_APPEND).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/client/client_metadata.h"
#include "model/client/partitioner.h"
#include "model/client/producer_config.h"
#include "model/env/env.h"
#include "model/env/wakeup_timer.h"
#include "model/kafka/produce.h"
#include "model/log/record_batch.h"

namespace ks {

enum class SendOutcome { kOk, kFailed, kUnknown };
std::string_view SendOutcomeName(SendOutcome outcome);

struct SendResult {
  TopicPartition tp;  // partition -1 if the record never got one
  int64_t offset = -1;
  ErrorCode error = ErrorCode::kNone;
  SendOutcome outcome = SendOutcome::kOk;
};

using SendCallback = std::function<void(const SendResult&)>;

// True for the errors the producer retries.
bool IsRetriableProduceError(ErrorCode error);

class KafkaProducer {
 public:
  // `bootstrap`: nodes to ask for metadata first. The config must be valid
  // (ValidateProducerConfig); a broken one is a KS_CHECK failure.
  KafkaProducer(Env& env, ProducerConfig config, std::vector<NodeId> bootstrap,
                std::string client_name);
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Fetches metadata now (Send would do it too).
  void Start();

  // Queues a record. Returns its partition if already chosen, else -1 (the topic's metadata is
  // not known yet; the record waits for it, within delivery.timeout.ms). `callback` runs once,
  // later, with the outcome.
  int32_t Send(std::string_view topic, std::optional<std::string_view> key, std::string_view value,
               SendCallback callback);

  // Takes the responses meant for this producer (true); leaves other messages alone.
  bool HandleMessage(NodeId from, MessagePtr& message);
  void HandleConnectionReset(NodeId peer);

  // Records sent (Send called) and not completed yet.
  int64_t in_flight() const { return outstanding_records_; }
  int64_t acked() const { return acked_; }
  int64_t failed() const { return failed_; }    // outcome kFailed
  int64_t unknown() const { return unknown_; }  // outcome kUnknown
  ErrorCode last_error() const { return last_error_; }
  int64_t requests_sent() const { return requests_sent_; }
  int64_t retries() const { return retries_; }
  int64_t requests_in_flight() const { return static_cast<int64_t>(in_flight_.size()); }
  const ProducerConfig& config() const { return config_; }
  const std::string& client_name() const { return client_name_; }
  ClientMetadata& metadata() { return metadata_; }

 private:
  struct Batch {
    TopicPartition tp;
    std::string bytes;
    std::vector<SendCallback> callbacks;
    int64_t records_bytes = 0;  // what the records hold against buffer.memory
    TimeUs created_at = 0;
    TimeUs deadline = 0;  // created_at + delivery.timeout.ms
    TimeUs retry_at = 0;
    int32_t attempts = 0;
    bool maybe_written = false;
  };
  using BatchPtr = std::unique_ptr<Batch>;

  struct PartitionQueue {
    std::deque<BatchPtr> closed;  // complete batches waiting to be sent, retries first
    BatchPtr open;                // the batch records are appended to
    BatchBuilder builder;         // builds `open` into open->bytes
    // With max.in.flight.requests.per.connection 1, a partition with a batch in flight sends
    // nothing else until that request ends (Kafka's RecordAccumulator muted partitions).
    bool muted = false;
  };

  struct WaitingRecord {  // a record whose topic has no metadata yet
    std::string topic;
    std::optional<std::string> key;
    std::string value;
    int64_t timestamp_ms = 0;
    SendCallback callback;
    TimeUs deadline = 0;
  };

  struct InFlightRequest {
    NodeId node = kNoNode;
    std::vector<BatchPtr> batches;      // a null entry: the batch expired while in flight
    std::vector<TopicPartition> muted;  // partitions this request keeps muted until it ends
    TimerId timeout_timer = kNoTimer;
  };

  struct Completion {  // a result to deliver on the next wake-up
    SendCallback callback;
    SendResult result;
  };

  void ScheduleWakeup(TimeUs at);
  void RunSender();
  void AssignWaitingRecords();
  void Append(const TopicPartition& tp, std::optional<std::string_view> key, std::string_view value,
              int64_t timestamp_ms, SendCallback callback);
  bool NeedsNewBatch(const TopicPartition& tp, int64_t record_bytes);
  void CloseOpenBatch(PartitionQueue& queue);
  void ExpireBatches(TimeUs now);
  void Drain(TimeUs now, TimeUs* next_wake);
  void SendRequest(NodeId node, std::vector<BatchPtr> batches);
  void HandleProduceResponse(NodeId from, const ProduceResponse& response);
  void FailRequest(int64_t correlation_id, ErrorCode error);
  // Ends the muting of the partitions a finished request carried.
  void Unmute(const InFlightRequest& request);
  void RetryOrFail(BatchPtr batch, ErrorCode error);
  void Complete(BatchPtr batch, SendOutcome outcome, ErrorCode error, int64_t base_offset);
  void CompleteRecord(SendCallback callback, SendResult result);
  void DeliverCompletions();
  int32_t PartitionFor(const std::string& topic, const std::optional<std::string_view>& key,
                       int64_t record_bytes);

  Env& env_;
  ProducerConfig config_;
  std::string client_name_;
  int64_t correlation_ids_ = 0;
  ClientMetadata metadata_;
  Partitioner partitioner_;

  std::map<TopicPartition, PartitionQueue> queues_;
  std::deque<WaitingRecord> waiting_;
  std::map<int64_t, InFlightRequest> in_flight_;  // by correlation id
  std::map<NodeId, int32_t> in_flight_per_node_;
  std::vector<Completion> completions_;
  size_t drain_rotation_ = 0;

  WakeupTimer wakeup_;                  // runs the sender at the earliest time asked for
  TimeUs next_expiry_at_ = kTimeNever;  // no batch expires before this
  bool running_ = false;                // inside RunSender

  int64_t outstanding_records_ = 0;
  int64_t buffered_bytes_ = 0;
  int64_t acked_ = 0;
  int64_t failed_ = 0;
  int64_t unknown_ = 0;
  int64_t requests_sent_ = 0;
  int64_t retries_ = 0;
  ErrorCode last_error_ = ErrorCode::kNone;
};

}  // namespace ks
