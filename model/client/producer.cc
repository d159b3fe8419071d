#include "model/client/producer.h"

#include <algorithm>

#include "model/client/client_events.h"
#include "model/env/check.h"

namespace ks {

namespace {

// An upper bound of one record's encoded size beyond its key and value: length, attributes,
// timestamp delta, offset delta, key and value lengths and the header count, as varints at
// their widest. Used for batch.size decisions before the record is written, as Kafka's
// estimateSizeInBytesUpperBound.
constexpr int64_t kRecordOverheadBytes = 32;

// Errors after which the producer's metadata is probably stale.
bool InvalidatesMetadata(ErrorCode error) {
  switch (error) {
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kLeaderNotAvailable:
    case ErrorCode::kFencedLeaderEpoch:
    case ErrorCode::kUnknownLeaderEpoch:
    case ErrorCode::kKafkaStorageError:
    case ErrorCode::kNetworkException:
    case ErrorCode::kReplicaNotAvailable:
      return true;
    default:
      return false;
  }
}

// Whether a batch the broker answered with `error` may nevertheless be in the log. The broker
// rejects before appending for most errors; these it can return after the append:
// NOT_ENOUGH_REPLICAS_AFTER_APPEND by definition; REQUEST_TIMED_OUT when acks=all waited in
// purgatory; KAFKA_STORAGE_ERROR when the disk failed mid-write; and with acks=all,
// NOT_LEADER_OR_FOLLOWER when the leader appended and then lost leadership while waiting for
// the ISR (with acks 0 or 1 the leadership check happens before the append).
bool MayHaveBeenWritten(ErrorCode error, int16_t acks) {
  switch (error) {
    case ErrorCode::kNotEnoughReplicasAfterAppend:
    case ErrorCode::kRequestTimedOut:
    case ErrorCode::kKafkaStorageError:
    case ErrorCode::kNetworkException:
    case ErrorCode::kUnknownServerError:
      return true;
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kFencedLeaderEpoch:
      return acks == kAcksAll;
    default:
      return false;
  }
}

}  // namespace

std::string_view SendOutcomeName(SendOutcome outcome) {
  switch (outcome) {
    case SendOutcome::kOk:
      return "ok";
    case SendOutcome::kFailed:
      return "fail";
    case SendOutcome::kUnknown:
      return "info";
  }
  return "info";
}

bool IsRetriableProduceError(ErrorCode error) {
  switch (error) {
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kLeaderNotAvailable:
    case ErrorCode::kNotEnoughReplicas:
    case ErrorCode::kNotEnoughReplicasAfterAppend:
    case ErrorCode::kRequestTimedOut:
    case ErrorCode::kNetworkException:
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kKafkaStorageError:
    case ErrorCode::kCorruptMessage:
    case ErrorCode::kFencedLeaderEpoch:
    case ErrorCode::kUnknownLeaderEpoch:
    case ErrorCode::kReplicaNotAvailable:
      return true;
    default:
      return false;
  }
}

KafkaProducer::KafkaProducer(Env& env, ProducerConfig config, std::vector<NodeId> bootstrap,
                             std::string client_name)
    : env_(env),
      config_(config),
      client_name_(std::move(client_name)),
      metadata_(env, std::move(bootstrap),
                ClientMetadataOptions{config.request_timeout_ms, config.retry_backoff_ms,
                                      config.metadata_max_age_ms, config.reconnect_backoff_ms,
                                      config.reconnect_backoff_max_ms},
                client_name_, ClientMetadata::Owner::kProducer, &correlation_ids_),
      partitioner_(config.partitioner, env.Random("partitioner")),
      wakeup_(env, [this] { RunSender(); }) {
  KS_CHECK_MSG(ValidateProducerConfig(config_).ok(), ValidateProducerConfig(config_).ToString());
  // New metadata may give waiting records a partition and leaderless batches a leader.
  metadata_.SetOnUpdate([this] { ScheduleWakeup(env_.Now()); });
}

void KafkaProducer::Start() { metadata_.Start(); }

int32_t KafkaProducer::Send(std::string_view topic, std::optional<std::string_view> key,
                            std::string_view value, SendCallback callback) {
  metadata_.AddTopic(topic);
  ++outstanding_records_;
  const int64_t record_bytes = kRecordOverheadBytes + static_cast<int64_t>(value.size()) +
                               (key.has_value() ? static_cast<int64_t>(key->size()) : 0);
  const TimeUs now = env_.Now();
  // Rejected before anything is sent: the outcome is certain (kFailed).
  if (record_bytes + kRecordBatchOverhead > config_.max_request_size_bytes) {
    CompleteRecord(std::move(callback),
                   SendResult{TopicPartition{std::string(topic), -1}, -1,
                              ErrorCode::kMessageTooLarge, SendOutcome::kFailed});
    ScheduleWakeup(now);
    return -1;
  }
  if (buffered_bytes_ + record_bytes > config_.buffer_memory_bytes) {
    // Kafka blocks for max.block.ms, then throws a TimeoutException (BufferExhausted).
    CompleteRecord(std::move(callback),
                   SendResult{TopicPartition{std::string(topic), -1}, -1,
                              ErrorCode::kRequestTimedOut, SendOutcome::kFailed});
    ScheduleWakeup(now);
    return -1;
  }
  const int64_t timestamp_ms = env_.WallClockMs();
  const TopicMetadataView* view = metadata_.Topic(topic);
  if (view == nullptr || view->partitions.empty() || !waiting_.empty()) {
    // Records wait in Send order, so one topic's records keep their order when it appears.
    WaitingRecord waiting;
    waiting.topic = std::string(topic);
    if (key.has_value()) waiting.key = std::string(*key);
    waiting.value = std::string(value);
    waiting.timestamp_ms = timestamp_ms;
    waiting.callback = std::move(callback);
    waiting.deadline = now + MillisecondsToUs(config_.delivery_timeout_ms);
    next_expiry_at_ = std::min(next_expiry_at_, waiting.deadline);
    buffered_bytes_ += record_bytes;
    waiting_.push_back(std::move(waiting));
    ScheduleWakeup(next_expiry_at_);
    return -1;
  }
  const std::string topic_name(topic);
  const int32_t partition = PartitionFor(topic_name, key, record_bytes);
  buffered_bytes_ += record_bytes;
  Append(TopicPartition{topic_name, partition}, key, value, timestamp_ms, std::move(callback));
  return partition;
}

int32_t KafkaProducer::PartitionFor(const std::string& topic,
                                    const std::optional<std::string_view>& key,
                                    int64_t record_bytes) {
  const TopicMetadataView* view = metadata_.Topic(topic);
  KS_CHECK(view != nullptr && !view->partitions.empty());
  const auto count = static_cast<int32_t>(view->partitions.size());
  int32_t partition = partitioner_.Partition(topic, key, count, view->available);
  // KIP-480: a sticky partition keeps its records until they would need a new batch; then the
  // partitioner moves on, and the record goes to the new choice.
  if (partitioner_.IsSticky(key) && NeedsNewBatch(TopicPartition{topic, partition}, record_bytes)) {
    partitioner_.OnNewBatch(topic, count, view->available, partition);
    partition = partitioner_.Partition(topic, key, count, view->available);
  }
  return partition;
}

bool KafkaProducer::NeedsNewBatch(const TopicPartition& tp, int64_t record_bytes) {
  auto it = queues_.find(tp);
  if (it == queues_.end() || it->second.open == nullptr) return true;
  const PartitionQueue& queue = it->second;
  return static_cast<int64_t>(queue.builder.size_bytes()) + record_bytes > config_.batch_size_bytes;
}

void KafkaProducer::Append(const TopicPartition& tp, std::optional<std::string_view> key,
                           std::string_view value, int64_t timestamp_ms, SendCallback callback) {
  PartitionQueue& queue = queues_[tp];
  const int64_t record_bytes = kRecordOverheadBytes + static_cast<int64_t>(value.size()) +
                               (key.has_value() ? static_cast<int64_t>(key->size()) : 0);
  // A record that does not fit closes the batch; a record larger than batch.size still goes
  // into a batch of its own.
  if (queue.open != nullptr &&
      static_cast<int64_t>(queue.builder.size_bytes()) + record_bytes > config_.batch_size_bytes) {
    CloseOpenBatch(queue);
  }
  const TimeUs now = env_.Now();
  if (queue.open == nullptr) {
    queue.open = std::make_unique<Batch>();
    queue.open->tp = tp;
    queue.open->created_at = now;
    queue.open->deadline = now + MillisecondsToUs(config_.delivery_timeout_ms);
    next_expiry_at_ = std::min(next_expiry_at_, queue.open->deadline);
    BatchOptions options;
    options.compression = config_.compression;
    queue.builder.Start(options, &queue.open->bytes);
  }
  RecordInput record;
  record.key = key;
  record.value = value;
  record.timestamp_ms = timestamp_ms;
  queue.builder.Add(record);
  queue.open->callbacks.push_back(std::move(callback));
  queue.open->records_bytes += record_bytes;
  if (static_cast<int64_t>(queue.builder.size_bytes()) >= config_.batch_size_bytes) {
    CloseOpenBatch(queue);
    ScheduleWakeup(now);
  } else {
    ScheduleWakeup(queue.open->created_at + MillisecondsToUs(config_.linger_ms));
  }
}

void KafkaProducer::CloseOpenBatch(PartitionQueue& queue) {
  const Status status = queue.builder.Finish();
  KS_CHECK_MSG(status.ok(), status.ToString());
  queue.closed.push_back(std::move(queue.open));
}

void KafkaProducer::ScheduleWakeup(TimeUs at) { wakeup_.At(at); }

void KafkaProducer::RunSender() {
  const TimeUs now = env_.Now();
  AssignWaitingRecords();
  ExpireBatches(now);
  TimeUs next_wake = kTimeNever;
  Drain(now, &next_wake);
  next_wake = std::min(next_wake, next_expiry_at_);
  if (next_wake != kTimeNever) ScheduleWakeup(next_wake);
  DeliverCompletions();
}

void KafkaProducer::AssignWaitingRecords() {
  if (waiting_.empty()) return;
  std::deque<WaitingRecord> still_waiting;
  while (!waiting_.empty()) {
    WaitingRecord record = std::move(waiting_.front());
    waiting_.pop_front();
    const TopicMetadataView* view = metadata_.Topic(record.topic);
    if (view == nullptr || view->partitions.empty()) {
      still_waiting.push_back(std::move(record));
      continue;
    }
    std::optional<std::string_view> key;
    if (record.key.has_value()) key = *record.key;
    const int64_t record_bytes = kRecordOverheadBytes + static_cast<int64_t>(record.value.size()) +
                                 (key.has_value() ? static_cast<int64_t>(key->size()) : 0);
    const int32_t partition = PartitionFor(record.topic, key, record_bytes);
    Append(TopicPartition{record.topic, partition}, key, record.value, record.timestamp_ms,
           std::move(record.callback));
  }
  waiting_ = std::move(still_waiting);
}

// KIP-91: every batch, waiting or in flight, fails once delivery.timeout.ms has passed since it
// was created. Only scans when the earliest deadline has come.
void KafkaProducer::ExpireBatches(TimeUs now) {
  if (now < next_expiry_at_) return;
  TimeUs earliest = kTimeNever;
  std::deque<WaitingRecord> still_waiting;
  for (WaitingRecord& record : waiting_) {
    if (record.deadline <= now) {
      buffered_bytes_ -= kRecordOverheadBytes + static_cast<int64_t>(record.value.size()) +
                         (record.key.has_value() ? static_cast<int64_t>(record.key->size()) : 0);
      CompleteRecord(std::move(record.callback),
                     SendResult{TopicPartition{record.topic, -1}, -1, ErrorCode::kRequestTimedOut,
                                SendOutcome::kFailed});
    } else {
      earliest = std::min(earliest, record.deadline);
      still_waiting.push_back(std::move(record));
    }
  }
  waiting_ = std::move(still_waiting);
  for (auto& [tp, queue] : queues_) {
    std::deque<BatchPtr> kept;
    for (BatchPtr& batch : queue.closed) {
      if (batch->deadline <= now) {
        const SendOutcome outcome =
            batch->maybe_written ? SendOutcome::kUnknown : SendOutcome::kFailed;
        Complete(std::move(batch), outcome, ErrorCode::kRequestTimedOut, -1);
      } else {
        earliest = std::min(earliest, batch->deadline);
        kept.push_back(std::move(batch));
      }
    }
    queue.closed = std::move(kept);
    if (queue.open != nullptr) {
      if (queue.open->deadline <= now) {
        CloseOpenBatch(queue);
        BatchPtr batch = std::move(queue.closed.back());
        queue.closed.pop_back();
        Complete(std::move(batch), SendOutcome::kFailed, ErrorCode::kRequestTimedOut, -1);
      } else {
        earliest = std::min(earliest, queue.open->deadline);
      }
    }
  }
  for (auto& [correlation_id, request] : in_flight_) {
    for (BatchPtr& batch : request.batches) {
      if (batch == nullptr) continue;
      if (batch->deadline <= now) {
        // Sent and unanswered: it may have been written.
        Complete(std::move(batch), SendOutcome::kUnknown, ErrorCode::kRequestTimedOut, -1);
        batch = nullptr;
      } else {
        earliest = std::min(earliest, batch->deadline);
      }
    }
  }
  next_expiry_at_ = earliest;
}

void KafkaProducer::Drain(TimeUs now, TimeUs* next_wake) {
  if (queues_.empty()) return;
  std::vector<std::pair<const TopicPartition*, PartitionQueue*>> partitions;
  partitions.reserve(queues_.size());
  for (auto& [tp, queue] : queues_) partitions.emplace_back(&tp, &queue);
  // Start at a rotating partition, so a request full to max.request.size does not always
  // favour the same partitions (Kafka's drainIndex).
  const size_t start = drain_rotation_++ % partitions.size();
  std::map<NodeId, std::vector<BatchPtr>> requests;
  std::map<NodeId, int64_t> request_bytes;
  bool leaderless = false;
  bool left_ready = false;
  const DurationUs linger_us = MillisecondsToUs(config_.linger_ms);
  for (size_t i = 0; i < partitions.size(); ++i) {
    const auto& [tp, queue] = partitions[(start + i) % partitions.size()];
    const bool from_open = queue->closed.empty();
    const Batch* front = from_open ? queue->open.get() : queue->closed.front().get();
    if (front == nullptr) continue;
    const PartitionLeader* leader = metadata_.Leader(*tp);
    if (leader == nullptr || leader->node == kNoNode) {
      leaderless = true;  // waits in the accumulator until metadata names a leader
      continue;
    }
    // Kafka guarantees order when max.in.flight.requests.per.connection is 1 by muting a
    // partition while one of its batches is in flight (Sender.guaranteeMessageOrder), whatever
    // the node: without it, a newer batch could go to a new leader while an older one is still
    // unanswered by the old leader, and the older one's retry would land after it.
    if (queue->muted) continue;
    if (front->attempts > 0 && front->retry_at > now) {
      *next_wake = std::min(*next_wake, front->retry_at);
      continue;
    }
    if (from_open && front->created_at + linger_us > now) {
      *next_wake = std::min(*next_wake, front->created_at + linger_us);
      continue;
    }
    const NodeId node = leader->node;
    // No connection to the leader during its reconnect backoff (Kafka's NetworkClient.ready).
    if (const TimeUs connectable_at = metadata_.ConnectableAt(node); connectable_at > now) {
      *next_wake = std::min(*next_wake, connectable_at);
      continue;
    }
    // The batch joins this pass's request to its leader, or needs room for a new request; when
    // the node is full, its next response wakes the sender.
    if (requests.count(node) == 0 &&
        in_flight_per_node_[node] >= config_.max_in_flight_requests_per_connection) {
      continue;
    }
    const int64_t size = from_open ? static_cast<int64_t>(queue->builder.size_bytes())
                                   : static_cast<int64_t>(front->bytes.size());
    int64_t& bytes = request_bytes[node];
    if (bytes > 0 && bytes + size > config_.max_request_size_bytes) {
      left_ready = true;
      continue;
    }
    if (from_open) CloseOpenBatch(*queue);
    bytes += size;
    requests[node].push_back(std::move(queue->closed.front()));
    queue->closed.pop_front();
    if (!queue->closed.empty() || queue->open != nullptr) left_ready = true;
  }
  if (leaderless) metadata_.RequestUpdate();
  for (auto& [node, batches] : requests) SendRequest(node, std::move(batches));
  // Like Kafka's sender loop, run again at once while requests go out: more batches may be
  // ready for nodes that still have room. A pass that sends nothing does not repeat.
  if (!requests.empty() && left_ready) *next_wake = now;
}

void KafkaProducer::SendRequest(NodeId node, std::vector<BatchPtr> batches) {
  auto request = std::make_unique<ProduceRequest>();
  const int64_t correlation_id = correlation_ids_++;
  request->correlation_id = correlation_id;
  request->acks = config_.acks;
  request->timeout_ms = static_cast<int32_t>(config_.request_timeout_ms);
  request->client_id = client_name_;
  request->partitions.reserve(batches.size());
  const bool tracing = env_.Observes<ev::ProducerRequestSent>();
  std::vector<ev::SentBatch> sent;
  int64_t bytes = 0;
  for (BatchPtr& batch : batches) {
    ++batch->attempts;
    bytes += static_cast<int64_t>(batch->bytes.size());
    // acks=0 never resends, so the bytes can move; otherwise a retry needs them.
    if (config_.acks == kAcksNone) {
      request->partitions.push_back(ProducePartitionData{batch->tp, std::move(batch->bytes)});
    } else {
      request->partitions.push_back(ProducePartitionData{batch->tp, batch->bytes});
    }
    if (tracing) {
      sent.push_back(ev::SentBatch{.tp = batch->tp,
                                   .records = static_cast<int64_t>(batch->callbacks.size()),
                                   .attempt = batch->attempts});
    }
  }
  if (tracing) {
    env_.Trace(ev::ProducerRequestSent{.client = client_name_,
                                       .node = node,
                                       .correlation_id = correlation_id,
                                       .acks = int64_t{config_.acks},
                                       .bytes = bytes,
                                       .batches = sent});
  }
  env_.Send(node, std::move(request));
  ++requests_sent_;
  if (config_.acks == kAcksNone) {
    // No response will come: written to the network is all the producer ever learns.
    for (BatchPtr& batch : batches)
      Complete(std::move(batch), SendOutcome::kOk, ErrorCode::kNone, -1);
    return;
  }
  InFlightRequest& in_flight = in_flight_[correlation_id];
  in_flight.node = node;
  if (config_.max_in_flight_requests_per_connection == 1) {
    for (const BatchPtr& batch : batches) {
      queues_[batch->tp].muted = true;
      in_flight.muted.push_back(batch->tp);
    }
  }
  in_flight.batches = std::move(batches);
  in_flight.timeout_timer =
      env_.SetTimer(MillisecondsToUs(config_.request_timeout_ms), [this, correlation_id] {
        auto it = in_flight_.find(correlation_id);
        if (it == in_flight_.end()) return;
        it->second.timeout_timer = kNoTimer;
        env_.Trace(ev::ProducerRequestTimeout{
            .client = client_name_, .node = it->second.node, .correlation_id = correlation_id});
        // Kafka's NetworkClient disconnects a node whose request timed out, so the metadata
        // refresh this asks for goes to another node.
        metadata_.NoteNodeFailed(it->second.node);
        FailRequest(correlation_id, ErrorCode::kRequestTimedOut);
        metadata_.RequestUpdate();
        ScheduleWakeup(env_.Now());
        DeliverCompletions();
      });
  ++in_flight_per_node_[node];
}

bool KafkaProducer::HandleMessage(NodeId from, MessagePtr& message) {
  if (metadata_.HandleMessage(from, message)) return true;
  auto* response = MessageAs<ProduceResponse>(message.get());
  if (response == nullptr) return false;
  metadata_.NoteNodeAnswered(from);
  HandleProduceResponse(from, *response);
  ScheduleWakeup(env_.Now());
  DeliverCompletions();
  return true;
}

void KafkaProducer::HandleProduceResponse(NodeId from, const ProduceResponse& response) {
  auto it = in_flight_.find(response.correlation_id);
  if (it == in_flight_.end()) return;  // answered after its request timed out: ignored
  InFlightRequest request = std::move(it->second);
  in_flight_.erase(it);
  --in_flight_per_node_[request.node];
  if (request.timeout_timer != kNoTimer) env_.CancelTimer(request.timeout_timer);
  Unmute(request);
  const bool tracing = env_.Observes<ev::ProducerResponse>();
  std::vector<ev::ProducedPartition> outcomes;
  bool stale_metadata = false;
  for (const ProducePartitionResponse& p : response.partitions) {
    if (tracing) {
      outcomes.push_back(
          ev::ProducedPartition{.tp = p.tp, .error = p.error, .base_offset = p.base_offset});
    }
    for (BatchPtr& batch : request.batches) {
      if (batch == nullptr || batch->tp != p.tp) continue;
      if (p.error == ErrorCode::kNone) {
        Complete(std::move(batch), SendOutcome::kOk, ErrorCode::kNone, p.base_offset);
      } else {
        batch->maybe_written |= MayHaveBeenWritten(p.error, config_.acks);
        stale_metadata |= InvalidatesMetadata(p.error);
        RetryOrFail(std::move(batch), p.error);
      }
      batch = nullptr;
      break;
    }
  }
  if (tracing) {
    env_.Trace(ev::ProducerResponse{.client = client_name_,
                                    .node = from,
                                    .correlation_id = response.correlation_id,
                                    .partitions = outcomes});
  }
  // A batch the response did not mention: its fate is unknown.
  for (BatchPtr& batch : request.batches) {
    if (batch == nullptr) continue;
    batch->maybe_written = true;
    RetryOrFail(std::move(batch), ErrorCode::kUnknownServerError);
  }
  if (stale_metadata) metadata_.RequestUpdate();
}

void KafkaProducer::HandleConnectionReset(NodeId peer) {
  metadata_.HandleConnectionReset(peer);
  std::vector<int64_t> failed;
  for (const auto& [correlation_id, request] : in_flight_) {
    if (request.node == peer) failed.push_back(correlation_id);
  }
  for (int64_t correlation_id : failed) FailRequest(correlation_id, ErrorCode::kNetworkException);
  metadata_.RequestUpdate();
  ScheduleWakeup(env_.Now());
  DeliverCompletions();
}

void KafkaProducer::FailRequest(int64_t correlation_id, ErrorCode error) {
  auto it = in_flight_.find(correlation_id);
  if (it == in_flight_.end()) return;
  InFlightRequest request = std::move(it->second);
  in_flight_.erase(it);
  --in_flight_per_node_[request.node];
  if (request.timeout_timer != kNoTimer) env_.CancelTimer(request.timeout_timer);
  Unmute(request);
  for (BatchPtr& batch : request.batches) {
    if (batch == nullptr) continue;
    batch->maybe_written = true;  // sent, and nobody knows what became of it
    RetryOrFail(std::move(batch), error);
  }
}

void KafkaProducer::Unmute(const InFlightRequest& request) {
  for (const TopicPartition& tp : request.muted) queues_[tp].muted = false;
}

void KafkaProducer::RetryOrFail(BatchPtr batch, ErrorCode error) {
  const TimeUs now = env_.Now();
  last_error_ = error;
  if (IsRetriableProduceError(error) && batch->attempts <= config_.retries &&
      now < batch->deadline) {
    ++retries_;
    batch->retry_at = now + MillisecondsToUs(config_.retry_backoff_ms);
    env_.Trace(ev::ProducerRetry{.client = client_name_,
                                 .tp = batch->tp,
                                 .records = static_cast<int64_t>(batch->callbacks.size()),
                                 .attempt = batch->attempts,
                                 .error = error});
    next_expiry_at_ = std::min(next_expiry_at_, batch->deadline);
    const TimeUs retry_at = batch->retry_at;
    // Back to the front of its queue, ahead of batches created after it (Kafka's reenqueue).
    queues_[batch->tp].closed.push_front(std::move(batch));
    ScheduleWakeup(retry_at);
    return;
  }
  const SendOutcome outcome = batch->maybe_written ? SendOutcome::kUnknown : SendOutcome::kFailed;
  Complete(std::move(batch), outcome, error, -1);
}

void KafkaProducer::Complete(BatchPtr batch, SendOutcome outcome, ErrorCode error,
                             int64_t base_offset) {
  buffered_bytes_ -= batch->records_bytes;
  if (outcome != SendOutcome::kOk) {
    last_error_ = error;
    env_.Trace(ev::ProducerBatchFailed{.client = client_name_,
                                       .tp = batch->tp,
                                       .records = static_cast<int64_t>(batch->callbacks.size()),
                                       .attempts = batch->attempts,
                                       .error = error,
                                       .outcome = outcome});
  }
  int64_t index = 0;
  for (SendCallback& callback : batch->callbacks) {
    SendResult result;
    result.tp = batch->tp;
    result.offset = (outcome == SendOutcome::kOk && base_offset >= 0) ? base_offset + index : -1;
    result.error = error;
    result.outcome = outcome;
    CompleteRecord(std::move(callback), std::move(result));
    ++index;
  }
}

void KafkaProducer::CompleteRecord(SendCallback callback, SendResult result) {
  --outstanding_records_;
  switch (result.outcome) {
    case SendOutcome::kOk:
      ++acked_;
      break;
    case SendOutcome::kFailed:
      ++failed_;
      break;
    case SendOutcome::kUnknown:
      ++unknown_;
      break;
  }
  completions_.push_back(Completion{std::move(callback), std::move(result)});
}

void KafkaProducer::DeliverCompletions() {
  // Callbacks may call Send, which may queue further completions (a rejected record): loop.
  while (!completions_.empty()) {
    std::vector<Completion> batch;
    batch.swap(completions_);
    for (Completion& completion : batch) {
      if (completion.callback) completion.callback(completion.result);
    }
  }
}

}  // namespace ks
