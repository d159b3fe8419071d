#include "model/broker/replica_fetcher.h"

#include "model/broker/broker_events.h"
#include "model/broker/partition.h"
#include "model/env/check.h"

namespace ks {

ReplicaFetcher::ReplicaFetcher(Env& env, const BrokerConfig& config, BrokerId local_id,
                               BrokerId leader, NodeId leader_node, PartitionLookup lookup)
    : env_(env),
      config_(config),
      local_id_(local_id),
      leader_(leader),
      leader_node_(leader_node),
      lookup_(std::move(lookup)) {}

ReplicaFetcher::~ReplicaFetcher() {
  env_.CancelTimer(timeout_timer_);
  env_.CancelTimer(next_timer_);
}

void ReplicaFetcher::AddPartition(const TopicPartition& tp, int32_t leader_epoch) {
  Partition* partition = lookup_(tp);
  KS_CHECK(partition != nullptr);
  State state;
  state.leader_epoch = leader_epoch;
  state.truncating = true;
  state.fetch_offset = partition->log_end_offset();
  if (config_.truncation_mode == TruncationMode::kLegacyHighWatermark) {
    // Kafka before 0.11: whatever is above our high watermark may not be on the leader; cut it.
    partition->TruncateTo(partition->high_watermark(), "become follower: truncate to HW");
    state.truncating = false;
    state.fetch_offset = partition->log_end_offset();
  } else if (partition->LatestEpoch().first == kUndefinedEpoch) {
    // No epoch to ask about (an empty log, or one whose epochs are unknown): Kafka's fetcher
    // truncates such a partition to its high watermark instead (AbstractFetcherThread's
    // partitions without epochs).
    if (partition->log_end_offset() > partition->high_watermark()) {
      partition->TruncateTo(partition->high_watermark(), "no leader epoch: truncate to HW");
    }
    state.truncating = false;
    state.fetch_offset = partition->log_end_offset();
  }
  partitions_[tp] = state;
  if (in_flight_ == 0 && next_timer_ == kNoTimer) ScheduleNext(0);
}

void ReplicaFetcher::RemovePartition(const TopicPartition& tp) { partitions_.erase(tp); }

void ReplicaFetcher::UpdateLeaderEpoch(const TopicPartition& tp, int32_t leader_epoch) {
  auto it = partitions_.find(tp);
  if (it != partitions_.end()) it->second.leader_epoch = leader_epoch;
}

void ReplicaFetcher::ScheduleNext(DurationUs delay) {
  if (next_timer_ != kNoTimer) return;
  next_timer_ = env_.SetTimer(delay, [this] {
    next_timer_ = kNoTimer;
    SendNext();
  });
}

void ReplicaFetcher::SendNext() {
  if (in_flight_ != 0 || partitions_.empty()) return;
  bool any_truncating = false;
  for (const auto& [tp, state] : partitions_) any_truncating |= state.truncating;
  if (any_truncating) {
    SendEpochQueries();
  } else {
    SendFetch();
  }
}

void ReplicaFetcher::SendEpochQueries() {
  auto request = std::make_unique<OffsetsForLeaderEpochRequest>();
  request->correlation_id = next_correlation_id_++;
  request->replica_id = local_id_;
  for (const auto& [tp, state] : partitions_) {
    if (!state.truncating) continue;
    Partition* partition = lookup_(tp);
    request->partitions.push_back(
        EpochQuery{tp, state.leader_epoch, partition->LatestEpoch().first});
  }
  in_flight_ = request->correlation_id;
  env_.Send(leader_node_, std::move(request));
  timeout_timer_ = env_.SetTimer(MillisecondsToUs(config_.replica_socket_timeout_ms), [this] {
    timeout_timer_ = kNoTimer;
    OnRequestFailed("request timed out");
  });
}

void ReplicaFetcher::SendFetch() {
  auto request = std::make_unique<FetchRequest>();
  request->correlation_id = next_correlation_id_++;
  request->replica_id = local_id_;
  request->max_wait_ms = config_.replica_fetch_wait_max_ms;
  request->min_bytes = config_.replica_fetch_min_bytes;
  for (const auto& [tp, state] : partitions_) {
    request->partitions.push_back(FetchPartition{tp, state.fetch_offset, state.leader_epoch,
                                                 config_.replica_fetch_max_bytes});
  }
  in_flight_ = request->correlation_id;
  env_.Send(leader_node_, std::move(request));
  timeout_timer_ = env_.SetTimer(
      MillisecondsToUs(config_.replica_socket_timeout_ms + config_.replica_fetch_wait_max_ms),
      [this] {
        timeout_timer_ = kNoTimer;
        OnRequestFailed("request timed out");
      });
}

void ReplicaFetcher::OnRequestFailed(std::string_view reason) {
  in_flight_ = 0;
  env_.CancelTimer(timeout_timer_);
  timeout_timer_ = kNoTimer;
  env_.Trace(ev::FetcherError{.leader = leader_, .reason = reason});
  ScheduleNext(MillisecondsToUs(config_.replica_fetch_backoff_ms));
}

bool ReplicaFetcher::HandleMessage(NodeId from, MessagePtr& message) {
  if (from != leader_node_) return false;
  if (auto* epochs = MessageAs<OffsetsForLeaderEpochResponse>(message.get())) {
    if (epochs->correlation_id != in_flight_) return true;  // a late answer: ignore
    in_flight_ = 0;
    env_.CancelTimer(timeout_timer_);
    timeout_timer_ = kNoTimer;
    OnEpochResponse(*epochs);
    return true;
  }
  if (auto* fetch = MessageAs<FetchResponse>(message.get())) {
    if (fetch->correlation_id != in_flight_) return true;
    in_flight_ = 0;
    env_.CancelTimer(timeout_timer_);
    timeout_timer_ = kNoTimer;
    OnFetchResponse(*fetch);
    return true;
  }
  return false;
}

void ReplicaFetcher::HandleConnectionReset(NodeId peer) {
  if (peer == leader_node_ && in_flight_ != 0) OnRequestFailed("connection reset");
}

void ReplicaFetcher::TruncateOnEpochAnswer(Partition& partition, State& state,
                                           const EpochEndOffset& answer) {
  const auto [our_epoch, our_leo] = partition.LatestEpoch();
  int64_t truncate_to;
  std::string reason;
  if (answer.leader_epoch == kUndefinedEpoch || answer.end_offset < 0) {
    // The leader knows no epoch as old as ours: fall back to the high watermark (as Kafka does).
    truncate_to = partition.high_watermark();
    reason = "leader has no epoch <= " + std::to_string(our_epoch) + ": truncate to HW";
  } else if (answer.leader_epoch == our_epoch ||
             config_.truncation_mode == TruncationMode::kKip101) {
    truncate_to = std::min(answer.end_offset, our_leo);
    reason = "epoch " + std::to_string(our_epoch) + " ends at " +
             std::to_string(answer.end_offset) + " on the leader";
  } else {
    // KIP-279: the leader's answer is for an older epoch; cut where both logs end that epoch.
    const auto [our_floor_epoch, ours] = partition.EndOffsetForEpochLocally(answer.leader_epoch);
    if (our_floor_epoch != kUndefinedEpoch && our_floor_epoch != answer.leader_epoch) {
      // We never had the leader's epoch: our records from our largest older epoch on may differ
      // from the leader's. KIP-279 (Kafka's AbstractFetcherThread.getOffsetTruncationState) cuts
      // to where that older epoch ends here and asks again with it, walking back until both
      // logs name the same epoch. Stopping at the first answer (as this code did) kept records
      // of an epoch the leader never had, so the replicas diverged.
      WalkBack(partition, state, std::min(ours, our_leo), answer);
      return;
    }
    truncate_to = std::min(answer.end_offset, ours < 0 ? our_leo : ours);
    reason = "leader's latest epoch <= " + std::to_string(our_epoch) + " is " +
             std::to_string(answer.leader_epoch) + ", ending at " +
             std::to_string(answer.end_offset);
  }
  KafkaError error = partition.TruncateTo(truncate_to, reason);
  if (!error.ok()) {
    env_.Trace(ev::FetcherError{.tp = partition.tp(), .reason = error.ToString()});
  }
  state.truncating = false;
  state.fetch_offset = partition.log_end_offset();
}

void ReplicaFetcher::WalkBack(Partition& partition, State& state, int64_t truncate_to,
                              const EpochEndOffset& answer) {
  const int32_t epoch_before = partition.LatestEpoch().first;
  KafkaError error = partition.TruncateTo(
      truncate_to, "leader's epoch " + std::to_string(answer.leader_epoch) +
                       " is unknown here: walk back to our older epoch and ask again");
  // Epochs that start at the cut hold no records now; drop them so the next question is about
  // the epoch before (TruncateTo leaves the cache alone when no record is removed).
  if (error.ok()) {
    Status status = partition.log().leader_epoch_cache().TruncateFromEnd(truncate_to);
    if (!status.ok()) error = KafkaError(ErrorCode::kKafkaStorageError, status.ToString());
  }
  if (!error.ok()) {
    env_.Trace(ev::FetcherError{.tp = partition.tp(), .reason = error.ToString()});
  }
  state.fetch_offset = partition.log_end_offset();
  // Each step lowers our latest epoch; if it could not, stop rather than ask forever.
  state.truncating = partition.LatestEpoch().first < epoch_before;
}

void ReplicaFetcher::OnEpochResponse(const OffsetsForLeaderEpochResponse& response) {
  bool any_error = false;
  for (const EpochEndOffset& answer : response.partitions) {
    auto it = partitions_.find(answer.tp);
    if (it == partitions_.end() || !it->second.truncating) continue;
    Partition* partition = lookup_(answer.tp);
    if (partition == nullptr) continue;
    if (answer.error != ErrorCode::kNone) {
      env_.Trace(ev::FetcherError{.tp = answer.tp, .reason = ErrorName(answer.error)});
      any_error = true;
      continue;  // retried after the backoff, or replaced by a newer LeaderAndIsr
    }
    TruncateOnEpochAnswer(*partition, it->second, answer);
  }
  // An error answer is retried after the backoff; a walk-back step asks again at once.
  ScheduleNext(any_error ? MillisecondsToUs(config_.replica_fetch_backoff_ms) : 0);
}

void ReplicaFetcher::OnFetchResponse(const FetchResponse& response) {
  bool had_error = false;
  for (const FetchPartitionResponse& data : response.partitions) {
    auto it = partitions_.find(data.tp);
    if (it == partitions_.end()) continue;
    State& state = it->second;
    Partition* partition = lookup_(data.tp);
    if (partition == nullptr || state.truncating) continue;
    if (data.error == ErrorCode::kOffsetOutOfRange) {
      // Our LEO is past the leader's (an unclean leader, or data the leader lost): Kafka cuts
      // the follower to the leader's LEO; below the leader's log start it starts over there.
      if (data.log_end_offset >= 0 && state.fetch_offset > data.log_end_offset) {
        partition->TruncateTo(data.log_end_offset, "fetch offset beyond the leader's LEO");
      } else if (data.log_start_offset > state.fetch_offset) {
        partition->log().TruncateFullyAndStartAt(data.log_start_offset);
      }
      state.fetch_offset = partition->log_end_offset();
      continue;
    }
    if (data.error != ErrorCode::kNone) {
      had_error = true;
      env_.Trace(ev::FetcherError{.tp = data.tp, .reason = ErrorName(data.error)});
      continue;
    }
    if (!data.records.empty()) {
      LogAppendInfo info;
      KafkaError error = partition->AppendAsFollower(data.records, &info);
      if (!error.ok()) {
        had_error = true;
        env_.Trace(ev::FetcherError{.tp = data.tp, .reason = error.ToString()});
        continue;
      }
    }
    state.fetch_offset = partition->log_end_offset();
    partition->UpdateHighWatermarkFromLeader(data.high_watermark);
  }
  ScheduleNext(had_error ? MillisecondsToUs(config_.replica_fetch_backoff_ms) : 0);
}

}  // namespace ks
