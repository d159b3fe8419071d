// Partition: one broker's replica of one partition — its log, its role (leader or follower) in
// the current leader epoch, and, on the leader, what it knows of the other replicas: their log
// end offsets (LEO), when each was last caught up, the in-sync replica set (ISR) and the high
// watermark (HW).
//
// The replication rules, as Kafka's Partition class has them:
// - Leader HW = the smallest LEO among the leader and the followers that count: those in the
//   *maximal* ISR (the committed ISR plus any addition awaiting the controller), and those caught
//   up within replica.lag.time.max.ms. The leader's HW never goes down. A new leader starts from
//   its own HW and does not know the followers' LEOs until they fetch, so its HW waits for them.
//   With eligible.leader.replicas.version 1 (KIP-966's "strict min ISR") it does not advance at
//   all while the committed ISR is smaller than min.insync.replicas: that is what makes the
//   replicas that left such an ISR eligible to lead.
// - A follower's HW = min(the leader's HW in its last fetch response, its own LEO): it lags the
//   leader's by one round trip.
// - A follower joins the ISR once its LEO reaches the leader's HW and the start offset of the
//   leader's current epoch. It leaves the ISR when it has not caught up to the leader's LEO for
//   replica.lag.time.max.ms (time mode), or when it lags by more than replica.lag.max.messages
//   (count mode, Kafka <= 0.8) or has not fetched for replica.lag.time.max.ms. The leader itself
//   never leaves, so a leader's ISR is never empty (with ELR the controller may leave a partition
//   with an empty ISR and no leader).
// - ISR changes are proposed to the controller (AlterPartition) — or, before Kafka 2.7, written
//   to ZooKeeper by the broker (ZkIsrWriter) — and applied when it answers; one proposal at a
//   time. While an expansion is pending, HW and acks=all already count the new
//   member (the maximal ISR); while a shrink is pending, the old members still count.
// Local invariants are KS_CHECKed (HW <= LEO, the leader in its ISR, ISR within the replicas).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/broker/broker_config.h"
#include "model/env/env.h"
#include "model/kafka/alter_partition.h"
#include "model/kafka/errors.h"
#include "model/kafka/leader_and_isr.h"
#include "model/kafka/offsets_for_leader_epoch.h"
#include "model/kafka/produce.h"
#include "model/log/log.h"

namespace ks {

enum class ReplicaRole { kNone, kLeader, kFollower };
std::string_view ReplicaRoleName(ReplicaRole role);

// What moved a replica's high watermark: the leader's own rule, the leader's HW in a fetch
// response (a follower), or a truncation below it.
enum class HwSource { kLeader, kLeaderFetchResponse, kTruncation };
// "leader", "leader's fetch response", "truncation"
std::string_view HwSourceName(HwSource source);

// An ISR change a leader proposes (and the controller accepts).
enum class IsrChange { kExpand, kShrink };
std::string_view IsrChangeName(IsrChange change);  // "expand", "shrink"

class Partition {
 public:
  // `checkpointed_high_watermark`: the log directory's replication-offset-checkpoint entry (0 if
  // none); the HW starts there, within [log start, LEO].
  Partition(Env& env, const BrokerConfig& config, BrokerId local_id, TopicPartition tp,
            std::unique_ptr<Log> log, int64_t checkpointed_high_watermark = 0);

  // Role transitions (LeaderAndIsr). False if the state is older than what this replica knows
  // (its leader epoch is lower), in which case nothing changes.
  bool MakeLeader(const LeaderAndIsrPartitionState& state);
  bool MakeFollower(const LeaderAndIsrPartitionState& state);
  // StopReplica / the broker going down: no role any more.
  void MakeOffline();

  // --- Leader side ---------------------------------------------------------------------------
  // Appends a producer's (or a coordinator's) batches. NOT_ENOUGH_REPLICAS (nothing appended)
  // when acks=all and the ISR is smaller than min.insync.replicas; NOT_LEADER_OR_FOLLOWER if not
  // the leader.
  KafkaError AppendAsLeader(std::string* records, int16_t acks, int32_t min_insync_replicas,
                            LogAppendInfo* info, AppendOrigin origin = AppendOrigin::kClient);
  // For acks=all: nullopt while the HW is below `required_offset`; then NONE, or
  // NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below min.insync.replicas meanwhile.
  std::optional<ErrorCode> CheckEnoughReplicasReachOffset(int64_t required_offset,
                                                          int32_t min_insync_replicas) const;
  // Validates a fetch's current_leader_epoch: FENCED_LEADER_EPOCH if older than ours,
  // UNKNOWN_LEADER_EPOCH if newer, NOT_LEADER_OR_FOLLOWER if we do not lead.
  ErrorCode CheckFetchEpoch(int32_t current_leader_epoch, bool require_leader) const;
  // A follower fetched from `fetch_offset` (its LEO). Updates its state and may advance the HW
  // (returns true if it did). May propose an ISR expansion through the proposal callback.
  bool UpdateFollowerFetchState(BrokerId follower, int64_t fetch_offset);
  // The periodic ISR check: proposes a shrink if some followers are out of sync.
  void MaybeShrinkIsr();
  // The controller's answer to our proposal.
  void OnAlterPartitionResponse(const AlterPartitionResponse& response);
  // Re-sends a proposal that got no answer (the controller moved, or a connection reset).
  void RetryPendingIsrChange();
  // OffsetsForLeaderEpoch, answered by the leader.
  EpochEndOffset EndOffsetForEpoch(int32_t leader_epoch) const;

  // --- Follower side -------------------------------------------------------------------------
  KafkaError AppendAsFollower(std::string_view records, LogAppendInfo* info);
  void UpdateHighWatermarkFromLeader(int64_t leader_high_watermark);
  // Truncates the log to `offset` (a follower dropping a divergent or unreplicated tail): the
  // batch holding `offset` goes whole, and the HW becomes min(HW, the new LEO).
  KafkaError TruncateTo(int64_t offset, std::string_view reason);
  // The follower's latest epoch and where its log says that epoch ends.
  std::pair<int32_t, int64_t> LatestEpoch() const;
  std::pair<int32_t, int64_t> EndOffsetForEpochLocally(int32_t epoch) const;

  // --- Reads -----------------------------------------------------------------------------------
  // Consumers read below the HW; followers (for_follower) up to the LEO.
  KafkaError Read(int64_t fetch_offset, int64_t max_bytes, bool for_follower,
                  LogReadResult* out) const;

  // Where ISR proposals go (the broker sends them to the controller).
  using IsrProposalSink = std::function<void(const AlterPartitionRequest&)>;
  void SetIsrProposalSink(IsrProposalSink sink) { propose_isr_ = std::move(sink); }

  const TopicPartition& tp() const { return tp_; }
  ReplicaRole role() const { return role_; }
  bool is_leader() const { return role_ == ReplicaRole::kLeader; }
  BrokerId leader() const { return leader_; }
  int32_t leader_epoch() const { return leader_epoch_; }
  int32_t partition_epoch() const { return partition_epoch_; }
  // The topic's min.insync.replicas as its last LeaderAndIsr gave it (or the broker default).
  int32_t min_insync_replicas() const { return min_insync_replicas_; }
  const std::vector<BrokerId>& replicas() const { return replicas_; }
  const std::vector<BrokerId>& isr() const { return isr_; }
  // The committed ISR plus a pending addition: who counts for HW and acks=all.
  std::vector<BrokerId> MaximalIsr() const;
  bool isr_change_pending() const { return pending_isr_.has_value(); }
  int64_t high_watermark() const { return high_watermark_; }
  int64_t log_end_offset() const { return log_->log_end_offset(); }
  int64_t log_start_offset() const { return log_->log_start_offset(); }
  // The leader's view of a follower's LEO (-1 unknown).
  int64_t FollowerLogEndOffset(BrokerId follower) const;
  Log& log() { return *log_; }
  const Log& log() const { return *log_; }

 private:
  struct FollowerState {
    int64_t log_end_offset = -1;  // unknown until it fetches in this epoch
    TimeUs last_fetch_us = 0;
    int64_t last_fetch_leader_log_end_offset = -1;
    TimeUs last_caught_up_us = 0;
  };

  bool AcceptState(const LeaderAndIsrPartitionState& state, ReplicaRole role);
  bool MaybeIncrementHighWatermark();
  void SetHighWatermark(int64_t high_watermark, HwSource source);
  bool IsFollowerInSync(BrokerId follower) const;
  void ProposeIsr(std::vector<BrokerId> new_isr, IsrChange change);
  void TraceRole();
  void TraceIsr(IsrChange change);
  void CheckInvariants() const;

  Env& env_;
  const BrokerConfig& config_;
  BrokerId local_id_;
  TopicPartition tp_;
  std::unique_ptr<Log> log_;
  ReplicaRole role_ = ReplicaRole::kNone;
  BrokerId leader_ = kNoBroker;
  int32_t leader_epoch_ = -1;
  int32_t partition_epoch_ = -1;
  int32_t controller_epoch_ = -1;
  int32_t min_insync_replicas_ = 1;  // the topic's, from the LeaderAndIsr (strict min ISR)
  std::vector<BrokerId> replicas_;
  std::vector<BrokerId> isr_;
  std::optional<std::vector<BrokerId>> pending_isr_;
  std::optional<AlterPartitionRequest> pending_request_;
  int64_t leader_epoch_start_offset_ = -1;
  int64_t high_watermark_ = 0;
  std::map<BrokerId, FollowerState> followers_;
  IsrProposalSink propose_isr_;
};

}  // namespace ks
