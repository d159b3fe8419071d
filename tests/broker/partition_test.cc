// Partition's replication rules, one by one, as Kafka's Partition class has them: the leader
// epoch cache, the high watermark (HW) on leaders and followers, acks=all with
// min.insync.replicas, ISR shrink (time and count modes) and expansion, the one-proposal-at-a-time
// AlterPartition protocol with its maximal ISR, fetch epoch fencing, and OffsetsForLeaderEpoch.
//
// Method: one Partition over a real Log on a FakeEnv (manual clock, no network). The test plays
// the controller (LeaderAndIsr states, AlterPartition answers) and the followers (their fetch
// offsets), and reads what the partition decides.
#include "model/broker/partition.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "tests/support/batch_util.h"
#include "tests/support/fake_env.h"

namespace ks {
namespace {

using testing::FakeEnv;

constexpr int64_t kLagMs = 10000;

class PartitionTest : public ::testing::Test {
 protected:
  PartitionTest() {
    config_.broker_id = 1;
    config_.replica_lag_time_max_ms = kLagMs;
    config_.replica_lag_max_messages = 4;
  }

  void Create(BrokerId local = 1) {
    std::unique_ptr<Log> log;
    KafkaError error = Log::Open(env_, "orders", 0, config_.topic_defaults.log, &log);
    ASSERT_TRUE(error.ok()) << error.ToString();
    partition_ = std::make_unique<Partition>(env_, config_, local, TopicPartition{"orders", 0},
                                             std::move(log));
    partition_->SetIsrProposalSink(
        [this](const AlterPartitionRequest& request) { proposals_.push_back(request); });
  }

  LeaderAndIsrPartitionState State(BrokerId leader, int32_t epoch, std::vector<BrokerId> isr,
                                   std::vector<BrokerId> replicas = {1, 2, 3}) {
    LeaderAndIsrPartitionState state;
    state.tp = TopicPartition{"orders", 0};
    state.leader = leader;
    state.leader_epoch = epoch;
    state.isr = std::move(isr);
    state.replicas = std::move(replicas);
    state.partition_epoch = partition_epoch_;
    return state;
  }

  void Lead(int32_t epoch, std::vector<BrokerId> isr, std::vector<BrokerId> replicas = {1, 2, 3}) {
    ASSERT_TRUE(partition_->MakeLeader(State(1, epoch, std::move(isr), std::move(replicas))));
  }

  KafkaError Produce(int count, int16_t acks = kAcksLeader, int32_t min_isr = 1) {
    std::string batch = testing::MakeSimpleBatch(count, 1000, "v", 1000000, produced_);
    produced_ += count;
    LogAppendInfo info;
    return partition_->AppendAsLeader(&batch, acks, min_isr, &info);
  }

  // The controller accepts the pending proposal (as it would write it to ZooKeeper).
  void Accept() {
    ASSERT_FALSE(proposals_.empty());
    AlterPartitionResponse response;
    response.tp = TopicPartition{"orders", 0};
    response.leader = 1;
    response.leader_epoch = proposals_.back().leader_epoch;
    response.isr = proposals_.back().new_isr;
    response.partition_epoch = ++partition_epoch_;
    partition_->OnAlterPartitionResponse(response);
  }
  void Reject() {
    AlterPartitionResponse response;
    response.tp = TopicPartition{"orders", 0};
    response.error = ErrorCode::kInvalidUpdateVersion;
    partition_->OnAlterPartitionResponse(response);
  }

  // A batch as a leader wrote it: offsets from `base`, stamped with `epoch`.
  static std::string LeaderBatch(int count, int64_t base, int32_t epoch) {
    std::string batch = testing::MakeSimpleBatch(count, 1000, "v", 1000000, static_cast<int>(base));
    SetBaseOffset(batch.data(), base);
    SetPartitionLeaderEpoch(batch.data(), epoch);
    return batch;
  }

  FakeEnv env_;
  BrokerConfig config_;
  std::unique_ptr<Partition> partition_;
  std::vector<AlterPartitionRequest> proposals_;
  int32_t partition_epoch_ = 0;
  int produced_ = 0;
};

// Goal: becoming leader records (epoch, LEO) in the leader-epoch cache, so OffsetsForLeaderEpoch
// can later say where each epoch began; a LeaderAndIsr with an older epoch changes nothing.
TEST_F(PartitionTest, MakeLeaderAssignsEpochAtLogEndOffset) {
  Create();
  Lead(0, {1});
  ASSERT_TRUE(Produce(3).ok());
  Lead(2, {1});
  ASSERT_TRUE(Produce(2).ok());
  const auto& entries = partition_->log().leader_epoch_cache().entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].epoch, 0);
  EXPECT_EQ(entries[0].start_offset, 0);
  EXPECT_EQ(entries[1].epoch, 2);
  EXPECT_EQ(entries[1].start_offset, 3);
  EXPECT_FALSE(partition_->MakeLeader(State(1, 1, {1})));
  EXPECT_EQ(partition_->leader_epoch(), 2);
}

// Goal: the leader's HW is the smallest LEO over its ISR, moving as the slowest member fetches.
TEST_F(PartitionTest, LeaderHighWatermarkIsMinimumLogEndOffsetOverIsr) {
  Create();
  Lead(0, {1, 2, 3});
  ASSERT_TRUE(Produce(5).ok());
  EXPECT_EQ(partition_->log_end_offset(), 5);
  EXPECT_EQ(partition_->high_watermark(), 0);  // no follower has fetched
  partition_->UpdateFollowerFetchState(2, 5);
  EXPECT_EQ(partition_->high_watermark(), 0);  // 3 is unknown: it holds the HW
  partition_->UpdateFollowerFetchState(3, 3);
  EXPECT_EQ(partition_->high_watermark(), 3);
  partition_->UpdateFollowerFetchState(3, 5);
  EXPECT_EQ(partition_->high_watermark(), 5);
}

// Goal: the leader's HW never goes down, even when a follower reports a lower LEO (it truncated)
// or the ISR changes.
TEST_F(PartitionTest, LeaderHighWatermarkNeverDecreases) {
  Create();
  Lead(0, {1, 2});
  ASSERT_TRUE(Produce(5).ok());
  partition_->UpdateFollowerFetchState(2, 5);
  ASSERT_EQ(partition_->high_watermark(), 5);
  partition_->UpdateFollowerFetchState(2, 2);
  EXPECT_EQ(partition_->high_watermark(), 5);
  Lead(1, {1, 2, 3});  // a re-election with a new, unknown member
  EXPECT_EQ(partition_->high_watermark(), 5);
}

// Goal: a new leader does not know its followers' LEOs; its HW waits until every ISR follower
// has fetched in the new epoch.
TEST_F(PartitionTest, NewLeaderHighWatermarkWaitsForEveryIsrFollower) {
  Create();
  Lead(0, {1, 2, 3});
  ASSERT_TRUE(Produce(5).ok());
  Lead(1, {1, 2, 3});
  EXPECT_EQ(partition_->high_watermark(), 0);
  partition_->UpdateFollowerFetchState(2, 5);
  EXPECT_EQ(partition_->high_watermark(), 0);
  partition_->UpdateFollowerFetchState(3, 5);
  EXPECT_EQ(partition_->high_watermark(), 5);
}

// Goal: Kafka's rule that a follower outside the ISR which caught up within
// replica.lag.time.max.ms still holds the HW (it is about to join), and stops holding it once
// that time has passed.
TEST_F(PartitionTest, CaughtUpFollowerOutsideIsrHoldsHighWatermark) {
  Create();
  Lead(0, {1, 2});
  ASSERT_TRUE(Produce(5).ok());
  partition_->UpdateFollowerFetchState(2, 5);
  partition_->UpdateFollowerFetchState(3, 5);  // caught up: proposes to join
  ASSERT_EQ(proposals_.size(), 1u);
  Reject();  // the controller says no (say, a stale partition epoch)
  ASSERT_FALSE(partition_->isr_change_pending());
  ASSERT_TRUE(Produce(5).ok());
  env_.AdvanceMs(1000);
  partition_->UpdateFollowerFetchState(2, 10);
  EXPECT_EQ(partition_->high_watermark(), 5) << "3 caught up 1 s ago: it holds the HW";
  env_.AdvanceMs(kLagMs);
  partition_->UpdateFollowerFetchState(2, 10);
  EXPECT_EQ(partition_->high_watermark(), 10) << "3 has not caught up for the lag time";
}

// Goal (regression): a replica outside the ISR that is far behind when a leader is elected does
// not hold the new leader's HW. The leader used to presume every follower fetched at election
// time, so that replica's first lagging fetch counted as "caught up" and held the HW for
// replica.lag.time.max.ms (Kafka resets an out-of-sync replica's times to 0).
TEST_F(PartitionTest, LaggingFollowerOutsideIsrDoesNotHoldNewLeadersHighWatermark) {
  Create();
  Lead(0, {1});
  ASSERT_TRUE(Produce(5).ok());
  env_.AdvanceMs(5000);
  Lead(1, {1, 2});
  ASSERT_EQ(partition_->high_watermark(), 5);
  ASSERT_TRUE(Produce(5).ok());
  partition_->UpdateFollowerFetchState(3, 2);  // below the HW: not joining the ISR either
  EXPECT_TRUE(proposals_.empty());
  partition_->UpdateFollowerFetchState(2, 10);
  EXPECT_EQ(partition_->high_watermark(), 10);
}

// Goal: a follower's HW is min(the leader's HW in its last fetch response, its own LEO), and it
// follows the leader's even downwards (Kafka's UnifiedLog.updateHighWatermark).
TEST_F(PartitionTest, FollowerHighWatermarkIsMinOfLeadersAndOwnLogEndOffset) {
  Create(2);
  ASSERT_TRUE(partition_->MakeFollower(State(1, 0, {1, 2})));
  LogAppendInfo info;
  ASSERT_TRUE(partition_->AppendAsFollower(LeaderBatch(3, 0, 0), &info).ok());
  partition_->UpdateHighWatermarkFromLeader(5);
  EXPECT_EQ(partition_->high_watermark(), 3);
  ASSERT_TRUE(partition_->AppendAsFollower(LeaderBatch(3, 3, 0), &info).ok());
  partition_->UpdateHighWatermarkFromLeader(5);
  EXPECT_EQ(partition_->high_watermark(), 5);
  partition_->UpdateHighWatermarkFromLeader(4);  // a new leader whose HW lagged
  EXPECT_EQ(partition_->high_watermark(), 4);
}

// Goal: truncation leaves the HW at min(HW, the new LEO), as Kafka's UnifiedLog.truncateTo
// does: a truncation to an offset above the HW never raises it, and one below lowers it to the
// new LEO, which is the base of the batch holding the offset (a batch is removed whole), not the
// offset asked for. Regression: the HW was set to the requested offset, above the LEO.
TEST_F(PartitionTest, TruncationLeavesHighWatermarkAtMostTheNewLogEndOffset) {
  Create(2);
  ASSERT_TRUE(partition_->MakeFollower(State(1, 0, {1, 2})));
  LogAppendInfo info;
  ASSERT_TRUE(partition_->AppendAsFollower(LeaderBatch(3, 0, 0), &info).ok());
  ASSERT_TRUE(partition_->AppendAsFollower(LeaderBatch(4, 3, 0), &info).ok());
  ASSERT_TRUE(partition_->AppendAsFollower(LeaderBatch(4, 7, 0), &info).ok());
  partition_->UpdateHighWatermarkFromLeader(4);
  ASSERT_EQ(partition_->high_watermark(), 4);

  // Above the HW, in the middle of the last batch [7, 10]: the HW stays 4.
  ASSERT_TRUE(partition_->TruncateTo(9, "test").ok());
  EXPECT_EQ(partition_->log_end_offset(), 7);
  EXPECT_EQ(partition_->high_watermark(), 4);

  // Above the HW, in the middle of the batch [3, 6] that holds the HW: the LEO falls to 3,
  // below the HW, which follows it down.
  ASSERT_TRUE(partition_->TruncateTo(5, "test").ok());
  EXPECT_EQ(partition_->log_end_offset(), 3);
  EXPECT_EQ(partition_->high_watermark(), 3);

  // Below the HW, in the middle of the batch [0, 2]: HW = LEO = 0, not the offset asked for.
  ASSERT_TRUE(partition_->TruncateTo(1, "test").ok());
  EXPECT_EQ(partition_->log_end_offset(), 0);
  EXPECT_EQ(partition_->high_watermark(), 0);
}

// Goal: acks=all with fewer in-sync replicas than min.insync.replicas is refused with
// NOT_ENOUGH_REPLICAS before anything is appended; acks=1 is not affected.
TEST_F(PartitionTest, AcksAllBelowMinInsyncReplicasIsRejectedBeforeAppend) {
  Create();
  Lead(0, {1, 2});
  KafkaError error = Produce(1, kAcksAll, 3);
  EXPECT_EQ(error.code(), ErrorCode::kNotEnoughReplicas);
  EXPECT_EQ(partition_->log_end_offset(), 0);
  EXPECT_TRUE(Produce(1, kAcksLeader, 3).ok());
  EXPECT_EQ(partition_->log_end_offset(), 1);
  EXPECT_TRUE(Produce(1, kAcksAll, 2).ok());
}

// Goal: an acks=all append that was accepted waits for the HW, and completes with
// NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas meanwhile; while
// the shrink is only pending, the removed member still counts (the HW waits for it).
TEST_F(PartitionTest, AckAfterIsrShrankIsNotEnoughReplicasAfterAppend) {
  Create();
  Lead(0, {1, 2, 3});
  ASSERT_TRUE(Produce(5, kAcksAll, 3).ok());
  EXPECT_EQ(partition_->CheckEnoughReplicasReachOffset(5, 3), std::nullopt);
  env_.AdvanceMs(kLagMs + 1);
  partition_->UpdateFollowerFetchState(2, 5);
  partition_->MaybeShrinkIsr();
  ASSERT_EQ(proposals_.size(), 1u);
  EXPECT_EQ(proposals_.back().new_isr, (std::vector<BrokerId>{1, 2}));
  partition_->UpdateFollowerFetchState(2, 5);
  EXPECT_EQ(partition_->high_watermark(), 0) << "a pending shrink: 3 still counts";
  Accept();
  EXPECT_EQ(partition_->isr(), (std::vector<BrokerId>{1, 2}));
  EXPECT_EQ(partition_->high_watermark(), 5);
  EXPECT_EQ(partition_->CheckEnoughReplicasReachOffset(5, 3),
            ErrorCode::kNotEnoughReplicasAfterAppend);
  EXPECT_EQ(partition_->CheckEnoughReplicasReachOffset(5, 2), ErrorCode::kNone);
}

// Goal: the check after the append counts the maximal ISR, as Kafka's does: a member whose
// expansion is pending already counts towards min.insync.replicas.
TEST_F(PartitionTest, PendingExpansionCountsForMinInsyncAfterAppend) {
  Create();
  Lead(0, {1, 2}, {1, 2, 3});
  ASSERT_TRUE(Produce(5, kAcksAll, 2).ok());
  partition_->UpdateFollowerFetchState(2, 5);
  partition_->UpdateFollowerFetchState(3, 5);
  ASSERT_TRUE(partition_->isr_change_pending());
  EXPECT_EQ(partition_->CheckEnoughReplicasReachOffset(5, 3), ErrorCode::kNone);
}

// Goal: time mode removes a follower that keeps fetching but does not reach the leader's LEO
// within replica.lag.time.max.ms, and keeps one that does — however often each fetches.
TEST_F(PartitionTest, TimeModeShrinksFollowerThatStaysBehind) {
  Create();
  Lead(0, {1, 2, 3});
  int64_t slow = 0;
  for (int second = 0; second < 12; ++second) {
    ASSERT_TRUE(Produce(10).ok());
    slow += 5;  // follower 2 replicates half of what comes in
    partition_->UpdateFollowerFetchState(2, slow);
    partition_->UpdateFollowerFetchState(3, partition_->log_end_offset());
    partition_->MaybeShrinkIsr();
    if (second < 9) {
      EXPECT_TRUE(proposals_.empty()) << "at second " << second;
    }
    env_.AdvanceMs(1000);
  }
  ASSERT_EQ(proposals_.size(), 1u);
  EXPECT_EQ(proposals_.back().new_isr, (std::vector<BrokerId>{1, 3}));
}

// Goal: a follower at the leader's LEO stays in sync although it has not fetched for the lag
// time: there was nothing to catch up to (Kafka's Replica.isCaughtUp).
TEST_F(PartitionTest, TimeModeKeepsIdleFollowerAtLogEndOffset) {
  Create();
  Lead(0, {1, 2});
  ASSERT_TRUE(Produce(5).ok());
  partition_->UpdateFollowerFetchState(2, 5);
  env_.AdvanceMs(3 * kLagMs);
  partition_->MaybeShrinkIsr();
  EXPECT_TRUE(proposals_.empty());
}

// A burst of 10 records (replica.lag.max.messages is 4), then follower 2 fetches right away but
// is 5 behind, then the ISR check: the proposals it made.
class IsrLagModeTest : public PartitionTest {
 protected:
  std::vector<AlterPartitionRequest> BurstThenIsrCheck(IsrLagMode mode) {
    config_.isr_lag_mode = mode;
    Create();
    Lead(0, {1, 2});
    EXPECT_TRUE(Produce(10).ok());
    env_.AdvanceMs(100);
    partition_->UpdateFollowerFetchState(2, 5);
    partition_->MaybeShrinkIsr();
    return proposals_;
  }
};

// Goal: count mode (Kafka <= 0.8) removes a follower more than replica.lag.max.messages behind
// even though it fetches constantly — a burst of writes is enough...
TEST_F(IsrLagModeTest, CountModeShrinksAFollowerBehindByMessages) {
  std::vector<AlterPartitionRequest> proposals = BurstThenIsrCheck(IsrLagMode::kCount);
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals.back().new_isr, (std::vector<BrokerId>{1}));
}

// ...while time mode keeps it: it is fetching and will catch up. The reason Kafka 0.9 dropped
// the count rule (KAFKA-1546: a burst larger than replica.lag.max.messages made ISRs flap).
TEST_F(IsrLagModeTest, TimeModeKeepsAFollowerBehindByMessages) {
  EXPECT_TRUE(BurstThenIsrCheck(IsrLagMode::kTime).empty());
}

// Goal: a follower joins the ISR only once its LEO reaches both the leader's HW and the start
// offset of the leader's current epoch.
TEST_F(PartitionTest, ExpansionNeedsHighWatermarkAndEpochStartOffset) {
  Create();
  Lead(0, {1, 3});
  ASSERT_TRUE(Produce(10).ok());
  partition_->UpdateFollowerFetchState(3, 4);
  ASSERT_EQ(partition_->high_watermark(), 4);
  Lead(1, {1, 3});  // epoch 1 starts at 10; 3 is unknown again and holds the HW at 4
  ASSERT_EQ(partition_->high_watermark(), 4);
  partition_->UpdateFollowerFetchState(2, 3);
  EXPECT_TRUE(proposals_.empty()) << "below the HW";
  partition_->UpdateFollowerFetchState(2, 6);
  EXPECT_TRUE(proposals_.empty()) << "above the HW but below the epoch's start offset";
  partition_->UpdateFollowerFetchState(2, 10);
  ASSERT_EQ(proposals_.size(), 1u);
  EXPECT_EQ(proposals_.back().new_isr, (std::vector<BrokerId>{1, 3, 2}));
}

// Goal: one ISR proposal at a time; a pending expansion already counts for the HW (the maximal
// ISR); no shrink is proposed while it is pending.
TEST_F(PartitionTest, OneProposalAtATimeAndPendingExpansionCountsForHighWatermark) {
  Create();
  Lead(0, {1}, {1, 2, 3});
  ASSERT_TRUE(Produce(5).ok());
  ASSERT_EQ(partition_->high_watermark(), 5);
  partition_->UpdateFollowerFetchState(2, 5);
  ASSERT_EQ(proposals_.size(), 1u);
  partition_->UpdateFollowerFetchState(3, 5);
  EXPECT_EQ(proposals_.size(), 1u) << "3 waits for the first proposal's answer";
  ASSERT_TRUE(Produce(5).ok());
  EXPECT_EQ(partition_->high_watermark(), 5) << "pending member 2 holds the HW";
  env_.AdvanceMs(kLagMs + 1);
  partition_->MaybeShrinkIsr();
  EXPECT_EQ(proposals_.size(), 1u);
  partition_->UpdateFollowerFetchState(2, 10);
  EXPECT_EQ(partition_->high_watermark(), 10);
  Accept();
  EXPECT_EQ(partition_->isr(), (std::vector<BrokerId>{1, 2}));
  partition_->UpdateFollowerFetchState(3, 10);
  ASSERT_EQ(proposals_.size(), 2u);
  EXPECT_EQ(proposals_.back().new_isr, (std::vector<BrokerId>{1, 2, 3}));
}

// Goal: the leader never leaves its ISR: when every follower is out of sync it proposes itself
// alone, in both lag modes.
TEST_F(PartitionTest, LeaderNeverLeavesItsIsr) {
  Create();
  Lead(0, {1, 2, 3});
  ASSERT_TRUE(Produce(5).ok());
  env_.AdvanceMs(kLagMs + 1);
  partition_->MaybeShrinkIsr();
  ASSERT_EQ(proposals_.size(), 1u);
  EXPECT_EQ(proposals_.back().new_isr, (std::vector<BrokerId>{1}));
  Accept();
  EXPECT_EQ(partition_->isr(), (std::vector<BrokerId>{1}));
  env_.AdvanceMs(kLagMs + 1);
  partition_->MaybeShrinkIsr();
  EXPECT_EQ(proposals_.size(), 1u);
  EXPECT_EQ(partition_->high_watermark(), 5);
}

// Goal: the fetch's current_leader_epoch is checked before the role, as Kafka's getLocalLog:
// older -> FENCED_LEADER_EPOCH, newer -> UNKNOWN_LEADER_EPOCH, equal on a non-leader ->
// NOT_LEADER_OR_FOLLOWER; -1 (an old client) is not checked.
TEST_F(PartitionTest, FetchEpochChecks) {
  Create();
  Lead(5, {1});
  EXPECT_EQ(partition_->CheckFetchEpoch(5, true), ErrorCode::kNone);
  EXPECT_EQ(partition_->CheckFetchEpoch(-1, true), ErrorCode::kNone);
  EXPECT_EQ(partition_->CheckFetchEpoch(4, true), ErrorCode::kFencedLeaderEpoch);
  EXPECT_EQ(partition_->CheckFetchEpoch(6, true), ErrorCode::kUnknownLeaderEpoch);
  ASSERT_TRUE(partition_->MakeFollower(State(2, 6, {1, 2})));
  EXPECT_EQ(partition_->CheckFetchEpoch(6, true), ErrorCode::kNotLeaderOrFollower);
  EXPECT_EQ(partition_->CheckFetchEpoch(6, false), ErrorCode::kNone);
  EXPECT_EQ(partition_->CheckFetchEpoch(5, true), ErrorCode::kFencedLeaderEpoch);
  EXPECT_EQ(partition_->CheckFetchEpoch(7, true), ErrorCode::kUnknownLeaderEpoch);
  EXPECT_EQ(partition_->CheckFetchEpoch(-1, true), ErrorCode::kNotLeaderOrFollower);
}

// Goal (regression): a follower fetching from beyond the leader's LEO (a divergent log) is not
// taken as caught up and not proposed for the ISR; Kafka fails that read with
// OFFSET_OUT_OF_RANGE before it updates the follower's state.
TEST_F(PartitionTest, FetchBeyondLeaderLogEndOffsetDoesNotUpdateFollower) {
  Create();
  Lead(0, {1}, {1, 2});
  ASSERT_TRUE(Produce(5).ok());
  EXPECT_FALSE(partition_->UpdateFollowerFetchState(2, 8));
  EXPECT_EQ(partition_->FollowerLogEndOffset(2), -1);
  EXPECT_TRUE(proposals_.empty());
}

// Goal: the leader answers OffsetsForLeaderEpoch as Kafka's LeaderEpochFileCache.endOffsetFor:
// its latest epoch ends at the LEO, an older one where the next begins, an epoch it never had
// with the largest older epoch and where that one ends; a non-leader answers
// NOT_LEADER_OR_FOLLOWER.
TEST_F(PartitionTest, EndOffsetForEpochAnswersLikeOffsetsForLeaderEpoch) {
  Create();
  Lead(0, {1});
  ASSERT_TRUE(Produce(3).ok());
  Lead(2, {1});
  ASSERT_TRUE(Produce(4).ok());
  Lead(4, {1});
  ASSERT_TRUE(Produce(2).ok());
  auto answer = [&](int32_t epoch) {
    EpochEndOffset a = partition_->EndOffsetForEpoch(epoch);
    return std::make_pair(a.leader_epoch, a.end_offset);
  };
  EXPECT_EQ(answer(4), std::make_pair(4, int64_t{9}));
  EXPECT_EQ(answer(2), std::make_pair(2, int64_t{7}));
  EXPECT_EQ(answer(3), std::make_pair(2, int64_t{7}));
  EXPECT_EQ(answer(1), std::make_pair(0, int64_t{3}));
  EXPECT_EQ(answer(5), std::make_pair(kUndefinedEpoch, kUndefinedEpochOffset));
  ASSERT_TRUE(partition_->MakeFollower(State(2, 5, {1, 2})));
  EXPECT_EQ(partition_->EndOffsetForEpoch(4).error, ErrorCode::kNotLeaderOrFollower);
}

// Goal: kip-101 mode keeps Kafka 0.11's flaw: for an epoch the leader never had, it answers with
// the requested epoch (0.11's response carried no epoch), so the follower cannot tell.
TEST_F(PartitionTest, Kip101ModeAnswersWithTheRequestedEpoch) {
  config_.truncation_mode = TruncationMode::kKip101;
  Create();
  Lead(0, {1});
  ASSERT_TRUE(Produce(3).ok());
  Lead(2, {1});
  ASSERT_TRUE(Produce(4).ok());
  EpochEndOffset a = partition_->EndOffsetForEpoch(1);
  EXPECT_EQ(a.leader_epoch, 1);
  EXPECT_EQ(a.end_offset, 3);
}

}  // namespace
}  // namespace ks
