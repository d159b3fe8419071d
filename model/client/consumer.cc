#include "model/client/consumer.h"

#include <algorithm>

#include "model/client/client_events.h"
#include "model/env/check.h"
#include "model/log/batch_scanner.h"

namespace ks {

namespace {

bool InvalidatesMetadata(ErrorCode error) {
  switch (error) {
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kFencedLeaderEpoch:
    case ErrorCode::kUnknownLeaderEpoch:
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kLeaderNotAvailable:
    case ErrorCode::kKafkaStorageError:
    case ErrorCode::kReplicaNotAvailable:
    case ErrorCode::kNetworkException:
    case ErrorCode::kRequestTimedOut:
      return true;
    default:
      return false;
  }
}

}  // namespace

KafkaConsumer::KafkaConsumer(Env& env, ConsumerConfig config, std::vector<NodeId> bootstrap,
                             std::string client_name)
    : env_(env),
      config_(config),
      client_name_(std::move(client_name)),
      metadata_(env, std::move(bootstrap),
                ClientMetadataOptions{config.request_timeout_ms, config.retry_backoff_ms,
                                      config.metadata_max_age_ms, config.reconnect_backoff_ms,
                                      config.reconnect_backoff_max_ms},
                client_name_, ClientMetadata::Owner::kConsumer, &correlation_ids_),
      wakeup_(env, [this] { RunFetcher(); }) {
  KS_CHECK_MSG(ValidateConsumerConfig(config_).ok(), ValidateConsumerConfig(config_).ToString());
  metadata_.SetOnUpdate([this] { ScheduleWakeup(env_.Now()); });
}

void KafkaConsumer::Start() { metadata_.Start(); }

void KafkaConsumer::Assign(std::vector<TopicPartition> partitions) {
  std::map<TopicPartition, PartitionState> kept;
  for (const TopicPartition& tp : partitions) {
    metadata_.AddTopic(tp.topic);
    auto it = partitions_.find(tp);
    if (it != partitions_.end()) {
      kept.emplace(tp, std::move(it->second));
      continue;
    }
    PartitionState& state = kept[tp];
    // No group, so no committed offset: a new partition starts where auto.offset.reset says.
    NeedsReset(state, config_.auto_offset_reset);
  }
  partitions_ = std::move(kept);
  assignment_ = std::move(partitions);
  ScheduleWakeup(env_.Now());
}

void KafkaConsumer::NeedsReset(PartitionState& state, OffsetResetPolicy policy) {
  state.position = -1;
  state.fetch_offset = -1;
  state.buffered.clear();
  ++state.epoch;
  state.reset_in_flight = false;
  state.fetch_in_flight = false;
  if (policy == OffsetResetPolicy::kNone) {
    state.reset.reset();
    state.awaiting_seek = true;
    state.error_reported = false;
  } else {
    state.reset = policy;
    state.awaiting_seek = false;
  }
}

void KafkaConsumer::Seek(const TopicPartition& tp, int64_t offset) {
  auto it = partitions_.find(tp);
  KS_CHECK_MSG(it != partitions_.end(), "Seek on unassigned partition " + tp.Name());
  PartitionState& state = it->second;
  state.position = offset;
  state.fetch_offset = offset;
  state.buffered.clear();
  state.reset.reset();
  state.reset_in_flight = false;
  state.fetch_in_flight = false;
  state.awaiting_seek = false;
  ++state.epoch;
  ScheduleWakeup(env_.Now());
}

void KafkaConsumer::SeekToBeginning(const std::vector<TopicPartition>& partitions) {
  for (const TopicPartition& tp : partitions) {
    auto it = partitions_.find(tp);
    KS_CHECK_MSG(it != partitions_.end(), "SeekToBeginning on unassigned partition " + tp.Name());
    NeedsReset(it->second, OffsetResetPolicy::kEarliest);
  }
  ScheduleWakeup(env_.Now());
}

void KafkaConsumer::SeekToEnd(const std::vector<TopicPartition>& partitions) {
  for (const TopicPartition& tp : partitions) {
    auto it = partitions_.find(tp);
    KS_CHECK_MSG(it != partitions_.end(), "SeekToEnd on unassigned partition " + tp.Name());
    NeedsReset(it->second, OffsetResetPolicy::kLatest);
  }
  ScheduleWakeup(env_.Now());
}

void KafkaConsumer::Poll(PollCallback callback) {
  poll_callback_ = std::move(callback);
  ScheduleWakeup(env_.Now());
}

std::optional<int64_t> KafkaConsumer::Position(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  if (it == partitions_.end() || it->second.position < 0) return std::nullopt;
  return it->second.position;
}

int64_t KafkaConsumer::HighWatermark(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? -1 : it->second.high_watermark;
}

void KafkaConsumer::ScheduleWakeup(TimeUs at) { wakeup_.At(at); }

void KafkaConsumer::RunFetcher() {
  const TimeUs now = env_.Now();
  TimeUs next_wake = kTimeNever;
  bool leaderless = false;
  // Resets first: a partition fetches only once it has a position.
  for (auto& [tp, state] : partitions_) {
    if (!state.reset.has_value() || state.reset_in_flight) continue;
    if (state.backoff_until > now) {
      next_wake = std::min(next_wake, state.backoff_until);
      continue;
    }
    const PartitionLeader* leader = metadata_.Leader(tp);
    if (leader == nullptr || leader->node == kNoNode) {
      leaderless = true;
      continue;
    }
    SendListOffsets(tp, state, leader->node);
  }
  if (poll_callback_) SendFetches(now, &next_wake);
  for (const auto& [tp, state] : partitions_) {
    if (state.reset.has_value() || state.awaiting_seek || state.fetch_in_flight) continue;
    const PartitionLeader* leader = metadata_.Leader(tp);
    if (leader == nullptr || leader->node == kNoNode) leaderless = true;
  }
  if (leaderless) metadata_.RequestUpdate();
  if (next_wake != kTimeNever) ScheduleWakeup(next_wake);
  MaybeCompletePoll();
}

void KafkaConsumer::SendListOffsets(const TopicPartition& tp, PartitionState& state, NodeId node) {
  auto request = std::make_unique<ListOffsetsRequest>();
  const int64_t correlation_id = correlation_ids_++;
  request->correlation_id = correlation_id;
  request->tp = tp;
  request->timestamp =
      *state.reset == OffsetResetPolicy::kEarliest ? kEarliestTimestamp : kLatestTimestamp;
  state.reset_in_flight = true;
  PendingRequest& pending = requests_[correlation_id];
  pending.node = node;
  pending.is_fetch = false;
  pending.partitions.emplace_back(tp, state.epoch);
  pending.timeout_timer =
      env_.SetTimer(MillisecondsToUs(config_.request_timeout_ms), [this, correlation_id] {
        FailRequest(correlation_id);
        ScheduleWakeup(env_.Now());
      });
  env_.Send(node, std::move(request));
}

void KafkaConsumer::SendFetches(TimeUs now, TimeUs* next_wake) {
  std::map<NodeId, std::unique_ptr<FetchRequest>> fetches;
  for (auto& [tp, state] : partitions_) {
    if (state.reset.has_value() || state.awaiting_seek || state.fetch_in_flight ||
        state.position < 0 || !state.buffered.empty()) {
      continue;
    }
    if (state.backoff_until > now) {
      *next_wake = std::min(*next_wake, state.backoff_until);
      continue;
    }
    const PartitionLeader* leader = metadata_.Leader(tp);
    if (leader == nullptr || leader->node == kNoNode) continue;
    const NodeId node = leader->node;
    if (fetches.count(node) == 0 && fetches_per_node_[node] > 0) continue;  // one per node
    // No connection to the leader during its reconnect backoff (Kafka's NetworkClient.ready).
    if (const TimeUs connectable_at = metadata_.ConnectableAt(node); connectable_at > now) {
      *next_wake = std::min(*next_wake, connectable_at);
      continue;
    }
    std::unique_ptr<FetchRequest>& request = fetches[node];
    if (request == nullptr) {
      request = std::make_unique<FetchRequest>();
      request->replica_id = kConsumerReplicaId;
      request->max_wait_ms = config_.fetch_max_wait_ms;
      request->min_bytes = config_.fetch_min_bytes;
      request->max_bytes = config_.fetch_max_bytes;
    }
    FetchPartition partition;
    partition.tp = tp;
    partition.fetch_offset = state.fetch_offset;
    partition.current_leader_epoch = leader->leader_epoch;
    partition.partition_max_bytes = config_.max_partition_fetch_bytes;
    request->partitions.push_back(std::move(partition));
    state.fetch_in_flight = true;
  }
  for (auto& [node, request] : fetches) {
    const int64_t correlation_id = correlation_ids_++;
    request->correlation_id = correlation_id;
    PendingRequest& pending = requests_[correlation_id];
    pending.node = node;
    pending.is_fetch = true;
    for (const FetchPartition& p : request->partitions) {
      pending.partitions.emplace_back(p.tp, partitions_[p.tp].epoch);
    }
    pending.timeout_timer =
        env_.SetTimer(MillisecondsToUs(config_.request_timeout_ms), [this, correlation_id, node] {
          // As the producer: a timed-out node is not asked for metadata while others are left.
          metadata_.NoteNodeFailed(node);
          FailRequest(correlation_id);
          metadata_.RequestUpdate();
          ScheduleWakeup(env_.Now());
        });
    ++fetches_per_node_[node];
    ++fetches_sent_;
    env_.Send(node, std::move(request));
  }
}

// A request that got no answer (timeout or reset): its partitions may be asked again.
void KafkaConsumer::FailRequest(int64_t correlation_id) {
  auto it = requests_.find(correlation_id);
  if (it == requests_.end()) return;
  PendingRequest pending = std::move(it->second);
  requests_.erase(it);
  if (pending.timeout_timer != kNoTimer) env_.CancelTimer(pending.timeout_timer);
  if (pending.is_fetch) --fetches_per_node_[pending.node];
  last_error_ = ErrorCode::kRequestTimedOut;
  for (const auto& [tp, epoch] : pending.partitions) {
    auto state = partitions_.find(tp);
    if (state == partitions_.end() || state->second.epoch != epoch) continue;
    if (pending.is_fetch) {
      state->second.fetch_in_flight = false;
    } else {
      state->second.reset_in_flight = false;
    }
    state->second.backoff_until = env_.Now() + MillisecondsToUs(config_.retry_backoff_ms);
  }
}

bool KafkaConsumer::HandleMessage(NodeId from, MessagePtr& message) {
  if (metadata_.HandleMessage(from, message)) return true;
  if (auto* fetch = MessageAs<FetchResponse>(message.get())) {
    metadata_.NoteNodeAnswered(from);
    HandleFetchResponse(from, *fetch);
  } else if (auto* list = MessageAs<ListOffsetsResponse>(message.get())) {
    HandleListOffsetsResponse(*list);
  } else {
    return false;
  }
  ScheduleWakeup(env_.Now());
  return true;
}

void KafkaConsumer::HandleConnectionReset(NodeId peer) {
  metadata_.HandleConnectionReset(peer);
  std::vector<int64_t> failed;
  for (const auto& [correlation_id, pending] : requests_) {
    if (pending.node == peer) failed.push_back(correlation_id);
  }
  for (int64_t correlation_id : failed) FailRequest(correlation_id);
  metadata_.RequestUpdate();
  ScheduleWakeup(env_.Now());
}

void KafkaConsumer::Backoff(PartitionState& state, ErrorCode error) {
  last_error_ = error;
  state.backoff_until = env_.Now() + MillisecondsToUs(config_.retry_backoff_ms);
  if (InvalidatesMetadata(error)) metadata_.RequestUpdate();
}

void KafkaConsumer::HandleListOffsetsResponse(const ListOffsetsResponse& response) {
  auto it = requests_.find(response.correlation_id);
  if (it == requests_.end()) return;  // timed out before: ignored
  PendingRequest pending = std::move(it->second);
  requests_.erase(it);
  if (pending.timeout_timer != kNoTimer) env_.CancelTimer(pending.timeout_timer);
  KS_CHECK(pending.partitions.size() == 1);
  auto state_it = partitions_.find(pending.partitions[0].first);
  if (state_it == partitions_.end() || state_it->second.epoch != pending.partitions[0].second) {
    return;  // unassigned or sought since
  }
  PartitionState& state = state_it->second;
  state.reset_in_flight = false;
  if (response.error != ErrorCode::kNone) {
    Backoff(state, response.error);
    return;
  }
  env_.Trace(ev::ConsumerReset{.client = client_name_,
                               .tp = response.tp,
                               .strategy = *state.reset,
                               .offset = response.offset});
  state.reset.reset();
  state.position = response.offset;
  state.fetch_offset = response.offset;
  state.buffered.clear();
}

void KafkaConsumer::HandleFetchResponse(NodeId from, const FetchResponse& response) {
  auto it = requests_.find(response.correlation_id);
  if (it == requests_.end()) return;  // timed out before: ignored
  PendingRequest pending = std::move(it->second);
  requests_.erase(it);
  if (pending.timeout_timer != kNoTimer) env_.CancelTimer(pending.timeout_timer);
  --fetches_per_node_[pending.node];
  std::map<TopicPartition, int64_t> epochs(pending.partitions.begin(), pending.partitions.end());
  const bool tracing = env_.Observes<ev::ConsumerFetch>();
  std::vector<ev::FetchedPartition> fetched;
  for (const FetchPartitionResponse& p : response.partitions) {
    auto epoch = epochs.find(p.tp);
    auto state_it = partitions_.find(p.tp);
    if (epoch == epochs.end() || state_it == partitions_.end() ||
        state_it->second.epoch != epoch->second) {
      continue;  // not asked for, unassigned, or sought since
    }
    PartitionState& state = state_it->second;
    state.fetch_in_flight = false;
    const int64_t fetch_offset = state.fetch_offset;
    const size_t before = state.buffered.size();
    if (p.error == ErrorCode::kNone) {
      state.high_watermark = p.high_watermark;
      Decode(p.tp, state, p.records);
    } else if (p.error == ErrorCode::kOffsetOutOfRange) {
      last_error_ = p.error;
      NeedsReset(state, config_.auto_offset_reset);
    } else {
      Backoff(state, p.error);
    }
    if (tracing) {
      fetched.push_back(
          ev::FetchedPartition{.tp = p.tp,
                               .error = p.error,
                               .fetch_offset = fetch_offset,
                               .records = static_cast<int64_t>(state.buffered.size() - before),
                               .high_watermark = p.high_watermark});
    }
  }
  // Partitions the answer did not mention may be fetched again.
  for (const auto& [tp, epoch] : pending.partitions) {
    auto state_it = partitions_.find(tp);
    if (state_it != partitions_.end() && state_it->second.epoch == epoch) {
      state_it->second.fetch_in_flight = false;
    }
  }
  if (tracing) {
    env_.Trace(ev::ConsumerFetch{.client = client_name_,
                                 .node = from,
                                 .correlation_id = response.correlation_id,
                                 .partitions = fetched});
  }
}

void KafkaConsumer::Decode(const TopicPartition& tp, PartitionState& state,
                           std::string_view records) {
  BatchScanner scanner(records);
  BatchHeader header;
  while (scanner.Next(&header)) {
    if (header.next_offset() <= state.fetch_offset) continue;  // entirely below the position
    if (!header.is_control()) {
      Status status = reader_.Open(header);
      Record record;
      while (status.ok() && reader_.Next(&record)) {
        if (record.offset < state.fetch_offset) continue;  // the batch started earlier
        ConsumerRecord out;
        out.tp = tp;
        out.offset = record.offset;
        if (record.key.has_value()) out.key = std::string(*record.key);
        if (record.value.has_value()) out.value = std::string(*record.value);
        out.timestamp_ms = record.timestamp_ms;
        state.buffered.push_back(std::move(out));
      }
      if (!status.ok() || !reader_.status().ok()) {
        Backoff(state, ErrorCode::kCorruptMessage);
        return;
      }
    }
    // Past the whole batch, even over offsets compaction removed.
    state.fetch_offset = header.next_offset();
  }
  // A batch cut by the size limit ends the usable part of the response; a corrupt one is an
  // error.
  if (!scanner.at_end() && !scanner.stopped_inside_batch()) {
    Backoff(state, ErrorCode::kCorruptMessage);
  }
}

void KafkaConsumer::MaybeCompletePoll() {
  if (!poll_callback_) return;
  PollResult result;
  for (auto& [tp, state] : partitions_) {
    if (state.awaiting_seek && !state.error_reported) {
      state.error_reported = true;
      result.error = KafkaError(
          ErrorCode::kOffsetOutOfRange,
          "no valid position for " + tp.Name() + " and auto.offset.reset is none; Seek first");
      result.error_tp = tp;
      break;
    }
  }
  // Hand out buffered records up to max.poll.records, starting at a rotating partition so that
  // one busy partition does not starve the others.
  std::vector<PartitionState*> states;
  for (auto& [tp, state] : partitions_) states.push_back(&state);
  const size_t limit = static_cast<size_t>(config_.max_poll_records);
  for (size_t i = 0; i < states.size() && result.records.size() < limit; ++i) {
    PartitionState& state = *states[(poll_rotation_ + i) % states.size()];
    while (!state.buffered.empty() && result.records.size() < limit) {
      state.position = state.buffered.front().offset + 1;
      result.records.push_back(std::move(state.buffered.front()));
      state.buffered.pop_front();
    }
    if (state.buffered.empty() && state.position >= 0) {
      state.position = std::max(state.position, state.fetch_offset);
    }
  }
  if (!states.empty()) ++poll_rotation_;
  if (result.records.empty() && result.error.ok()) return;
  records_consumed_ += static_cast<int64_t>(result.records.size());
  PollCallback callback = std::move(poll_callback_);
  poll_callback_ = nullptr;
  callback(result);
}

}  // namespace ks
