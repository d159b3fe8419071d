#include "model/broker/partition.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "model/broker/broker_events.h"
#include "model/env/check.h"

namespace ks {

std::string_view ReplicaRoleName(ReplicaRole role) {
  switch (role) {
    case ReplicaRole::kNone:
      return "none";
    case ReplicaRole::kLeader:
      return "leader";
    case ReplicaRole::kFollower:
      return "follower";
  }
  return "?";
}

std::string_view HwSourceName(HwSource source) {
  switch (source) {
    case HwSource::kLeader:
      return "leader";
    case HwSource::kLeaderFetchResponse:
      return "leader's fetch response";
    case HwSource::kTruncation:
      return "truncation";
  }
  return "?";
}

std::string_view IsrChangeName(IsrChange change) {
  return change == IsrChange::kExpand ? "expand" : "shrink";
}

namespace {
bool Contains(const std::vector<BrokerId>& list, BrokerId id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}
// "Never" for a follower's fetch and catch-up times. Kafka uses 0, which with a real clock is
// decades ago; simulated time starts at 0, so 0 would read as "just now" for the first
// replica.lag.time.max.ms of a run. Far enough in the past that `now - kNeverUs` cannot overflow.
constexpr TimeUs kNeverUs = std::numeric_limits<TimeUs>::min() / 4;
}  // namespace

Partition::Partition(Env& env, const BrokerConfig& config, BrokerId local_id, TopicPartition tp,
                     std::unique_ptr<Log> log, int64_t checkpointed_high_watermark)
    : env_(env), config_(config), local_id_(local_id), tp_(std::move(tp)), log_(std::move(log)) {
  // The HW survives restarts through its checkpoint, but never above what the log recovered
  // (Kafka's Partition.updateHighWatermark: the checkpointed HW, within [log start, LEO]).
  high_watermark_ = std::min(checkpointed_high_watermark, log_->log_end_offset());
  high_watermark_ = std::max(high_watermark_, log_->log_start_offset());
}

void Partition::TraceRole() {
  env_.Trace(ev::ReplicaRoleChange{.tp = tp_,
                                   .role = role_,
                                   .leader = leader_,
                                   .leader_epoch = leader_epoch_,
                                   .isr = isr_,
                                   .replicas = replicas_,
                                   .hw = high_watermark_,
                                   .leo = log_->log_end_offset()});
}

void Partition::TraceIsr(IsrChange change) {
  env_.Trace(ev::ReplicaIsr{.tp = tp_,
                            .change = change,
                            .isr = isr_,
                            .partition_epoch = partition_epoch_,
                            .leader_epoch = leader_epoch_});
}

void Partition::CheckInvariants() const {
  KS_CHECK_MSG(high_watermark_ <= log_->log_end_offset(),
               tp_.Name() + ": HW " + std::to_string(high_watermark_) + " above LEO " +
                   std::to_string(log_->log_end_offset()));
  if (role_ == ReplicaRole::kLeader) {
    KS_CHECK_MSG(Contains(isr_, local_id_), tp_.Name() + ": the leader is not in its ISR");
    for (BrokerId id : isr_) {
      KS_CHECK_MSG(Contains(replicas_, id),
                   tp_.Name() + ": ISR member " + std::to_string(id) + " is not a replica");
    }
  }
}

bool Partition::AcceptState(const LeaderAndIsrPartitionState& state, ReplicaRole role) {
  // Kafka applies a LeaderAndIsr only with a newer leader epoch (or the same epoch, for a
  // replica that has no role yet, e.g. after a restart).
  if (state.leader_epoch < leader_epoch_ ||
      (state.leader_epoch == leader_epoch_ && role_ != ReplicaRole::kNone)) {
    // The same epoch again is normal (a new controller re-sends every state): ignore quietly.
    if (state.leader_epoch == leader_epoch_) return false;
    env_.Trace(ev::ReplicaStaleState{
        .tp = tp_, .role = role, .state_epoch = state.leader_epoch, .leader_epoch = leader_epoch_});
    return false;
  }
  leader_ = state.leader;
  leader_epoch_ = state.leader_epoch;
  partition_epoch_ = state.partition_epoch;
  controller_epoch_ = state.controller_epoch;
  replicas_ = state.replicas;
  isr_ = state.isr;
  min_insync_replicas_ = state.topic_config ? state.topic_config->min_insync_replicas().value_or(
                                                  config_.topic_defaults.min_insync_replicas)
                                            : config_.topic_defaults.min_insync_replicas;
  pending_isr_.reset();
  pending_request_.reset();
  return true;
}

bool Partition::MakeLeader(const LeaderAndIsrPartitionState& state) {
  if (!AcceptState(state, ReplicaRole::kLeader)) return false;
  role_ = ReplicaRole::kLeader;
  // The new epoch starts at our LEO: everything we have is what this epoch builds on.
  leader_epoch_start_offset_ = log_->log_end_offset();
  if (Status s = log_->leader_epoch_cache().Assign(leader_epoch_, leader_epoch_start_offset_);
      !s.ok()) {
    env_.Trace(ev::ReplicaError{.tp = tp_, .error = s.ToString()});
  }
  // Followers' LEOs are unknown until they fetch in this epoch; a replica in the ISR is
  // presumed caught up now, so it is not shrunk before it had a chance to fetch.
  followers_.clear();
  const TimeUs now = env_.Now();
  for (BrokerId id : replicas_) {
    if (id == local_id_) continue;
    FollowerState state_of;
    // As Kafka's Replica.resetReplicaState: an ISR member is presumed caught up (and fetching)
    // now; any other replica last fetched and caught up "never". Presuming a recent fetch for an
    // out-of-sync replica made its first (lagging) fetch count as caught up as of the election,
    // so a replica far behind held the new leader's HW for replica.lag.time.max.ms.
    const bool in_sync = Contains(isr_, id);
    state_of.last_caught_up_us = in_sync ? now : kNeverUs;
    state_of.last_fetch_us = in_sync ? now : kNeverUs;
    followers_[id] = state_of;
  }
  TraceRole();
  MaybeIncrementHighWatermark();
  CheckInvariants();
  return true;
}

bool Partition::MakeFollower(const LeaderAndIsrPartitionState& state) {
  if (!AcceptState(state, ReplicaRole::kFollower)) return false;
  role_ = ReplicaRole::kFollower;
  followers_.clear();
  leader_epoch_start_offset_ = -1;
  TraceRole();
  CheckInvariants();
  return true;
}

void Partition::MakeOffline() {
  role_ = ReplicaRole::kNone;
  followers_.clear();
  pending_isr_.reset();
  pending_request_.reset();
  TraceRole();
}

std::vector<BrokerId> Partition::MaximalIsr() const {
  std::vector<BrokerId> maximal = isr_;
  if (pending_isr_) {
    for (BrokerId id : *pending_isr_) {
      if (!Contains(maximal, id)) maximal.push_back(id);
    }
  }
  return maximal;
}

int64_t Partition::FollowerLogEndOffset(BrokerId follower) const {
  auto it = followers_.find(follower);
  return it == followers_.end() ? -1 : it->second.log_end_offset;
}

KafkaError Partition::AppendAsLeader(std::string* records, int16_t acks,
                                     int32_t min_insync_replicas, LogAppendInfo* info,
                                     AppendOrigin origin) {
  if (role_ != ReplicaRole::kLeader) {
    return KafkaError(ErrorCode::kNotLeaderOrFollower,
                      "broker " + std::to_string(local_id_) + " does not lead " + tp_.Name());
  }
  const int32_t in_sync = static_cast<int32_t>(isr_.size());
  if (acks == kAcksAll && in_sync < min_insync_replicas) {
    return KafkaError(ErrorCode::kNotEnoughReplicas,
                      tp_.Name() + " has " + std::to_string(in_sync) +
                          " in-sync replicas, min.insync.replicas is " +
                          std::to_string(min_insync_replicas));
  }
  KafkaError error = log_->AppendAsLeader(records, leader_epoch_, info, origin);
  if (!error.ok()) return error;
  env_.Trace(ev::ReplicaLeo{.tp = tp_, .leo = log_->log_end_offset()});
  // With no follower in the maximal ISR the HW moves at once (a single-replica ISR).
  MaybeIncrementHighWatermark();
  CheckInvariants();
  return KafkaError::None();
}

std::optional<ErrorCode> Partition::CheckEnoughReplicasReachOffset(
    int64_t required_offset, int32_t min_insync_replicas) const {
  if (role_ != ReplicaRole::kLeader) return ErrorCode::kNotLeaderOrFollower;
  if (high_watermark_ < required_offset) return std::nullopt;
  // Kafka's Partition.checkEnoughReplicasReachOffset counts the maximal ISR (a pending
  // expansion already counts, as it does for the HW), not only the committed one.
  if (static_cast<int32_t>(MaximalIsr().size()) < min_insync_replicas) {
    return ErrorCode::kNotEnoughReplicasAfterAppend;
  }
  return ErrorCode::kNone;
}

ErrorCode Partition::CheckFetchEpoch(int32_t current_leader_epoch, bool require_leader) const {
  // Kafka's Partition.getLocalLog checks the epoch first and the role second: a deposed leader
  // that already follows in a newer epoch answers a stale fetch with FENCED_LEADER_EPOCH (the
  // sender is behind), and one it has not heard of yet with UNKNOWN_LEADER_EPOCH (we are behind,
  // retry) — only an epoch that matches gets NOT_LEADER_OR_FOLLOWER.
  if (current_leader_epoch >= 0) {  // an old client (-1) is not checked
    if (current_leader_epoch < leader_epoch_) return ErrorCode::kFencedLeaderEpoch;
    if (current_leader_epoch > leader_epoch_) return ErrorCode::kUnknownLeaderEpoch;
  }
  if (require_leader && role_ != ReplicaRole::kLeader) return ErrorCode::kNotLeaderOrFollower;
  return ErrorCode::kNone;
}

bool Partition::IsFollowerInSync(BrokerId follower) const {
  auto it = followers_.find(follower);
  if (it == followers_.end()) return false;
  const int64_t leo = it->second.log_end_offset;
  return leo >= high_watermark_ && leader_epoch_start_offset_ >= 0 &&
         leo >= leader_epoch_start_offset_;
}

bool Partition::UpdateFollowerFetchState(BrokerId follower, int64_t fetch_offset) {
  auto it = followers_.find(follower);
  if (it == followers_.end() || role_ != ReplicaRole::kLeader) return false;
  FollowerState& state = it->second;
  const TimeUs now = env_.Now();
  const int64_t leader_leo = log_->log_end_offset();
  // A fetch from beyond our LEO fails with OFFSET_OUT_OF_RANGE, and Kafka updates the follower's
  // state only after a successful read: such a follower (a divergent log, after an unclean
  // election) must neither count as caught up nor be proposed for the ISR.
  if (fetch_offset > leader_leo) return false;
  // Kafka's rule: caught up now if the fetch reached our LEO; caught up as of the previous fetch
  // if it reached the LEO we had then.
  if (fetch_offset >= leader_leo) {
    state.last_caught_up_us = now;
  } else if (fetch_offset >= state.last_fetch_leader_log_end_offset) {
    state.last_caught_up_us = std::max(state.last_caught_up_us, state.last_fetch_us);
  }
  const bool leo_changed = state.log_end_offset != fetch_offset;
  state.log_end_offset = fetch_offset;
  state.last_fetch_us = now;
  state.last_fetch_leader_log_end_offset = leader_leo;
  if (leo_changed) {
    env_.Trace(ev::ReplicaFollowerLeo{.tp = tp_, .follower = follower, .leo = fetch_offset});
  }
  // Expansion: a follower outside the ISR that has caught up joins it (one proposal at a time).
  if (!pending_isr_ && !Contains(isr_, follower) && Contains(replicas_, follower) &&
      IsFollowerInSync(follower)) {
    std::vector<BrokerId> expanded = isr_;
    expanded.push_back(follower);
    ProposeIsr(expanded, IsrChange::kExpand);
  }
  return MaybeIncrementHighWatermark();
}

bool Partition::MaybeIncrementHighWatermark() {
  if (role_ != ReplicaRole::kLeader) return false;
  // KIP-966: under min ISR the HW stays, so whoever leaves this ISR still holds all below it.
  if (config_.elr_enabled() && static_cast<int32_t>(isr_.size()) < min_insync_replicas_) {
    return false;
  }
  const std::vector<BrokerId> maximal = MaximalIsr();
  const TimeUs now = env_.Now();
  int64_t new_hw = log_->log_end_offset();
  for (const auto& [id, state] : followers_) {
    const bool counts =
        Contains(maximal, id) ||
        (config_.isr_lag_mode == IsrLagMode::kTime && state.log_end_offset >= 0 &&
         now - state.last_caught_up_us <= MillisecondsToUs(config_.replica_lag_time_max_ms));
    if (!counts) continue;
    // An ISR member whose LEO we do not know yet holds the HW where it is.
    const int64_t leo = state.log_end_offset < 0 ? high_watermark_ : state.log_end_offset;
    new_hw = std::min(new_hw, leo);
  }
  if (new_hw > high_watermark_) {
    SetHighWatermark(new_hw, HwSource::kLeader);
    return true;
  }
  return false;
}

void Partition::SetHighWatermark(int64_t high_watermark, HwSource source) {
  if (high_watermark == high_watermark_) return;
  high_watermark_ = high_watermark;
  env_.Trace(
      ev::ReplicaHw{.tp = tp_, .hw = high_watermark_, .leo = log_->log_end_offset(), .by = source});
  CheckInvariants();
}

void Partition::MaybeShrinkIsr() {
  if (role_ != ReplicaRole::kLeader || pending_isr_) return;
  const TimeUs now = env_.Now();
  const DurationUs max_lag_us = MillisecondsToUs(config_.replica_lag_time_max_ms);
  const int64_t leader_leo = log_->log_end_offset();
  std::vector<BrokerId> kept;
  std::vector<BrokerId> removed;
  for (BrokerId id : isr_) {
    if (id == local_id_) {
      kept.push_back(id);
      continue;
    }
    const FollowerState& state = followers_[id];
    bool out_of_sync;
    if (config_.isr_lag_mode == IsrLagMode::kTime) {
      // Kafka's Replica.isCaughtUp: a follower at the leader's LEO is in sync however long ago
      // it fetched (with no new writes there is nothing to catch up to).
      out_of_sync =
          state.log_end_offset != leader_leo && now - state.last_caught_up_us > max_lag_us;
    } else {
      // Kafka <= 0.8: too many messages behind, or stuck (no fetch for the lag time). A follower
      // whose LEO is not known yet in this epoch is not "slow" (0.8 skipped unknown offsets).
      const int64_t behind = state.log_end_offset < 0 ? 0 : leader_leo - state.log_end_offset;
      out_of_sync =
          behind > config_.replica_lag_max_messages || now - state.last_fetch_us > max_lag_us;
    }
    (out_of_sync ? removed : kept).push_back(id);
  }
  if (removed.empty()) return;
  env_.Trace(ev::ReplicaOutOfSync{.tp = tp_, .replicas = removed, .mode = config_.isr_lag_mode});
  ProposeIsr(kept, IsrChange::kShrink);
}

void Partition::ProposeIsr(std::vector<BrokerId> new_isr, IsrChange change) {
  AlterPartitionRequest request;
  request.broker_id = local_id_;
  request.tp = tp_;
  request.leader_epoch = leader_epoch_;
  request.new_isr = new_isr;
  request.partition_epoch = partition_epoch_;
  pending_isr_ = std::move(new_isr);
  pending_request_ = request;
  env_.Trace(
      ev::ReplicaIsrProposed{.tp = tp_, .change = change, .proposed = *pending_isr_, .isr = isr_});
  if (propose_isr_) propose_isr_(request);
  // An expansion counts at once for the HW (the maximal ISR).
  MaybeIncrementHighWatermark();
}

void Partition::RetryPendingIsrChange() {
  if (pending_request_ && propose_isr_ && role_ == ReplicaRole::kLeader) {
    propose_isr_(*pending_request_);
  }
}

void Partition::OnAlterPartitionResponse(const AlterPartitionResponse& response) {
  if (!pending_isr_ || role_ != ReplicaRole::kLeader) return;
  if (response.error != ErrorCode::kNone) {
    env_.Trace(ev::ReplicaIsrRejected{.tp = tp_, .error = response.error});
    pending_isr_.reset();
    pending_request_.reset();
    return;
  }
  if (response.leader_epoch != leader_epoch_) return;  // for an older epoch of ours
  const bool expanded = response.isr.size() > isr_.size();
  isr_ = response.isr;
  partition_epoch_ = response.partition_epoch;
  pending_isr_.reset();
  pending_request_.reset();
  TraceIsr(expanded ? IsrChange::kExpand : IsrChange::kShrink);
  MaybeIncrementHighWatermark();
  CheckInvariants();
}

EpochEndOffset Partition::EndOffsetForEpoch(int32_t leader_epoch) const {
  EpochEndOffset result;
  result.tp = tp_;
  if (role_ != ReplicaRole::kLeader) {
    result.error = ErrorCode::kNotLeaderOrFollower;
    return result;
  }
  auto [epoch, end_offset] =
      log_->leader_epoch_cache().EndOffsetFor(leader_epoch, log_->log_end_offset());
  if (config_.truncation_mode == TruncationMode::kKip101 && epoch != leader_epoch &&
      epoch != kUndefinedEpoch) {
    // Kafka 0.11 answered with an end offset but not with the epoch it belonged to, so the
    // follower could not tell that the leader never had its epoch (KIP-279's bug).
    epoch = leader_epoch;
  }
  result.leader_epoch = epoch;
  result.end_offset = end_offset;
  return result;
}

KafkaError Partition::AppendAsFollower(std::string_view records, LogAppendInfo* info) {
  KafkaError error = log_->AppendAsFollower(records, info);
  if (!error.ok()) return error;
  env_.Trace(ev::ReplicaLeo{.tp = tp_, .leo = log_->log_end_offset()});
  CheckInvariants();
  return KafkaError::None();
}

void Partition::UpdateHighWatermarkFromLeader(int64_t leader_high_watermark) {
  // Kafka's follower takes the leader's HW as it is (UnifiedLog.updateHighWatermark, bounded by
  // its log start and end offsets), even when it is lower than its own: a new leader's HW can
  // lag the one its follower learned from the previous leader, and only the leader's counts.
  if (leader_high_watermark < 0) return;  // no HW in the response (an error answer)
  const int64_t hw =
      std::max(std::min(leader_high_watermark, log_->log_end_offset()), log_->log_start_offset());
  SetHighWatermark(hw, HwSource::kLeaderFetchResponse);
}

KafkaError Partition::TruncateTo(int64_t offset, std::string_view reason) {
  const int64_t leo = log_->log_end_offset();
  if (offset >= leo) return KafkaError::None();
  KafkaError error = log_->Truncate(offset);
  if (!error.ok()) return error;
  env_.Trace(ev::ReplicaTruncate{
      .tp = tp_, .from_leo = leo, .to = offset, .reason = reason, .mode = config_.truncation_mode});
  // Kafka's UnifiedLog.truncateTo: HW = min(HW, new LEO). The new LEO is the base of the batch
  // holding `offset` (a batch goes whole), so it may lie below `offset`, and below the HW even
  // when `offset` does not.
  const int64_t new_leo = log_->log_end_offset();
  if (high_watermark_ > new_leo) SetHighWatermark(new_leo, HwSource::kTruncation);
  env_.Trace(ev::ReplicaLeo{.tp = tp_, .leo = new_leo});
  CheckInvariants();
  return KafkaError::None();
}

std::pair<int32_t, int64_t> Partition::LatestEpoch() const {
  const std::optional<EpochEntry> latest = log_->leader_epoch_cache().Latest();
  if (!latest) return {kUndefinedEpoch, kUndefinedEpochOffset};
  return {latest->epoch, log_->log_end_offset()};
}

std::pair<int32_t, int64_t> Partition::EndOffsetForEpochLocally(int32_t epoch) const {
  return log_->leader_epoch_cache().EndOffsetFor(epoch, log_->log_end_offset());
}

KafkaError Partition::Read(int64_t fetch_offset, int64_t max_bytes, bool for_follower,
                           LogReadResult* out) const {
  const int64_t end = for_follower ? log_->log_end_offset() : high_watermark_;
  if (fetch_offset == end && fetch_offset >= log_->log_start_offset()) {
    out->records.clear();
    out->batch_count = 0;
    out->log_start_offset = log_->log_start_offset();
    out->log_end_offset = log_->log_end_offset();
    return KafkaError::None();
  }
  if (fetch_offset > end) {
    if (!for_follower && fetch_offset <= log_->log_end_offset()) {
      // Between HW and LEO: nothing visible yet, not an error.
      out->records.clear();
      out->batch_count = 0;
      return KafkaError::None();
    }
    return KafkaError(ErrorCode::kOffsetOutOfRange,
                      "fetch offset " + std::to_string(fetch_offset) + " is beyond " +
                          (for_follower ? "the LEO " : "the LEO ") +
                          std::to_string(log_->log_end_offset()) + " of " + tp_.Name());
  }
  return log_->Read(fetch_offset, max_bytes, end, out);
}

}  // namespace ks
