// The truncation decisions of a follower's ReplicaFetcher in its three modes, on the logs of
// KIP-101's and KIP-279's historic scenarios: legacy-hw (truncate to the local HW, Kafka < 0.11)
// loses an acknowledged record or leaves the replicas divergent; kip-101 (Kafka 0.11) fixes
// that but diverges when the follower has an epoch the leader never had; leader-epoch
// (KIP-101 + KIP-279's walk-back) converges in every case.
//
// Method: a World with two nodes. Each owns one real Partition over a Log whose records and
// leader epochs the test writes directly (the history the scenario left behind). The leader
// node answers OffsetsForLeaderEpoch and Fetch from its Partition the way ReplicaManager does;
// the follower node runs the ReplicaFetcher under test. After the run, the two logs are compared
// with CheckDivergence (model/check/checkers.h).
#include "model/broker/replica_fetcher.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "model/broker/partition.h"
#include "model/check/checkers.h"
#include "model/env/check.h"
#include "sim/world.h"
#include "tests/support/batch_util.h"

namespace ks {
namespace {

const TopicPartition kTp{"orders", 0};
constexpr BrokerId kLeader = 1;
constexpr BrokerId kFollower = 2;
constexpr NodeId kLeaderNode = 0;

// What one replica looks like when the scenario starts, and where its Partition ends up.
struct ReplicaScript {
  BrokerId id = kNoBroker;
  BrokerConfig config;
  int32_t leader_epoch = 0;                 // the current epoch of the partition (LeaderAndIsr)
  std::function<void(Partition&)> prepare;  // writes the log's history
  Partition* partition = nullptr;
};

// Appends `count` records "<prefix><first>..." as written by a leader in `epoch`, one batch
// each: replicas truncate and fetch whole batches, so histories that diverge inside a batch
// could not have been made by Kafka.
void Write(Partition& partition, int count, int first, int32_t epoch,
           const std::string& prefix = "m") {
  for (int i = first; i < first + count; ++i) {
    std::string batch = testing::MakeSimpleBatch(1, 1000, prefix, 1000000, i);
    LogAppendInfo info;
    KafkaError error = partition.log().AppendAsLeader(&batch, epoch, &info);
    ASSERT_TRUE(error.ok()) << error.ToString();
  }
}

class ReplicaNode final : public Process {
 public:
  ReplicaNode(Env& env, ReplicaScript* script) : env_(env), script_(script) {}

  void Start() override {
    std::unique_ptr<Log> log;
    KS_CHECK(
        Log::Open(env_, kTp.topic, kTp.partition, script_->config.topic_defaults.log, &log).ok());
    partition_ =
        std::make_unique<Partition>(env_, script_->config, script_->id, kTp, std::move(log));
    script_->partition = partition_.get();
    script_->prepare(*partition_);
    LeaderAndIsrPartitionState state;
    state.tp = kTp;
    state.leader = kLeader;
    state.leader_epoch = script_->leader_epoch;
    state.isr = {kLeader, kFollower};
    state.replicas = {kLeader, kFollower};
    if (script_->id == kLeader) {
      KS_CHECK(partition_->MakeLeader(state));
      return;
    }
    KS_CHECK(partition_->MakeFollower(state));
    fetcher_ = std::make_unique<ReplicaFetcher>(
        env_, script_->config, script_->id, kLeader, kLeaderNode,
        [this](const TopicPartition& tp) { return tp == kTp ? partition_.get() : nullptr; });
    fetcher_->AddPartition(kTp, script_->leader_epoch);
  }

  void OnMessage(NodeId from, MessagePtr message) override {
    if (fetcher_ && fetcher_->HandleMessage(from, message)) return;
    if (auto* query = dynamic_cast<OffsetsForLeaderEpochRequest*>(message.get())) {
      auto response = std::make_unique<OffsetsForLeaderEpochResponse>();
      response->correlation_id = query->correlation_id;
      for (const EpochQuery& q : query->partitions) {
        EpochEndOffset answer = partition_->EndOffsetForEpoch(q.leader_epoch);
        answer.error = partition_->CheckFetchEpoch(q.current_leader_epoch, true);
        response->partitions.push_back(answer);
      }
      env_.Send(from, std::move(response));
    } else if (auto* fetch = dynamic_cast<FetchRequest*>(message.get())) {
      auto response = std::make_unique<FetchResponse>();
      response->correlation_id = fetch->correlation_id;
      for (const FetchPartition& wanted : fetch->partitions) {
        FetchPartitionResponse data;
        data.tp = wanted.tp;
        data.error = partition_->CheckFetchEpoch(wanted.current_leader_epoch, true);
        if (data.error == ErrorCode::kNone) {
          partition_->UpdateFollowerFetchState(fetch->replica_id, wanted.fetch_offset);
          LogReadResult read;
          data.error =
              partition_->Read(wanted.fetch_offset, wanted.partition_max_bytes, true, &read).code();
          data.records = std::move(read.records);
        }
        data.high_watermark = partition_->high_watermark();
        data.log_start_offset = partition_->log_start_offset();
        data.log_end_offset = partition_->log_end_offset();
        response->partitions.push_back(std::move(data));
      }
      // Nothing new: answer after a while, as a fetch held in purgatory would.
      const bool empty = response->partitions.empty() || response->partitions[0].records.empty();
      auto shared = std::shared_ptr<FetchResponse>(response.release());
      env_.SetTimer(empty ? 50 * kMillisecond : 0, [this, from, shared] {
        env_.Send(from, std::make_unique<FetchResponse>(*shared));
      });
    }
  }
  void OnConnectionReset(NodeId) override {}

 private:
  Env& env_;
  ReplicaScript* script_;
  std::unique_ptr<Partition> partition_;
  std::unique_ptr<ReplicaFetcher> fetcher_;
};

// Runs the two replicas for a while and returns what the divergence checker says about them.
class FetcherScenario {
 public:
  explicit FetcherScenario(TruncationMode mode) : world_(Options()) {
    leader_.id = kLeader;
    follower_.id = kFollower;
    leader_.config.truncation_mode = mode;
    follower_.config.truncation_mode = mode;
    leader_.config.broker_id = kLeader;
    follower_.config.broker_id = kFollower;
  }
  static WorldOptions Options() {
    WorldOptions options;
    options.seed = 3;
    options.link_defaults.latency_min_us = kMillisecond;
    options.link_defaults.latency_max_us = kMillisecond;
    return options;
  }

  // Starts both nodes (the follower's fetcher may truncate at once, in legacy-hw mode).
  void Start() {
    world_.AddNode("leader", "broker",
                   [this](Env& env) { return std::make_unique<ReplicaNode>(env, &leader_); });
    world_.AddNode("follower", "broker",
                   [this](Env& env) { return std::make_unique<ReplicaNode>(env, &follower_); });
    world_.StartAll();
    world_.scheduler().RunUntil(world_.Now());  // the processes' Start runs as an event
  }
  void RunFor(DurationUs duration) { world_.scheduler().RunUntil(world_.Now() + duration); }

  std::vector<Violation> Divergence() {
    std::vector<ReplicaSnapshot> snapshots;
    for (ReplicaScript* script : {&leader_, &follower_}) {
      ReplicaSnapshot snapshot;
      snapshot.broker = script->id;
      snapshot.high_watermark = script->partition->high_watermark();
      snapshot.log_end_offset = script->partition->log_end_offset();
      EXPECT_TRUE(ReadRecords(script->partition->log(), script->partition->log_start_offset(),
                              snapshot.log_end_offset, &snapshot.records)
                      .ok());
      snapshots.push_back(std::move(snapshot));
    }
    return CheckDivergence(kTp, snapshots, world_.Now());
  }

  ReplicaScript leader_;
  ReplicaScript follower_;

 private:
  World world_;
};

// KIP-101's first scenario, the truncation half: the follower has m0 and m1 (both acknowledged,
// the leader's HW is 2) but learned only HW 1 before it restarted. legacy-hw truncates m1 away
// at once — had the follower been elected now, an acknowledged record was lost; leader-epoch
// asks the leader where epoch 0 ends (2) and keeps it.
void RunKip101Scenario1(TruncationMode mode, int64_t expected_log_end_offset_at_start) {
  FetcherScenario scenario(mode);
  scenario.leader_.leader_epoch = 1;
  scenario.leader_.prepare = [](Partition& p) { Write(p, 2, 0, 0); };
  scenario.follower_.leader_epoch = 1;
  scenario.follower_.prepare = [](Partition& p) {
    Write(p, 2, 0, 0);
    p.UpdateHighWatermarkFromLeader(1);
  };
  scenario.Start();
  EXPECT_EQ(scenario.follower_.partition->log_end_offset(), expected_log_end_offset_at_start);
  scenario.RunFor(kSecond);
  EXPECT_EQ(scenario.follower_.partition->log_end_offset(), 2);
  EXPECT_TRUE(scenario.Divergence().empty());
}

// Goal: legacy-hw truncates an acknowledged record above the follower's (lagging) HW.
TEST(ReplicaFetcherTest, Kip101Scenario1LegacyTruncatesAcknowledgedRecord) {
  RunKip101Scenario1(TruncationMode::kLegacyHighWatermark, 1);
}

// Goal: leader-epoch keeps it: the leader's epoch 0 ends at 2.
TEST(ReplicaFetcherTest, Kip101Scenario1LeaderEpochKeepsAcknowledgedRecord) {
  RunKip101Scenario1(TruncationMode::kLeaderEpoch, 2);
}

// KIP-101's second scenario: after a power loss the new leader (epoch 1) lost m1 and wrote n1 at
// offset 1; the old leader, now following, still has m1 there and a HW of 2.
std::vector<Violation> RunKip101Scenario2(TruncationMode mode) {
  FetcherScenario scenario(mode);
  scenario.leader_.leader_epoch = 1;
  scenario.leader_.prepare = [](Partition& p) {
    Write(p, 1, 0, 0);
    Write(p, 1, 1, 1, "n");
  };
  scenario.follower_.leader_epoch = 1;
  scenario.follower_.prepare = [](Partition& p) {
    Write(p, 2, 0, 0);
    p.UpdateHighWatermarkFromLeader(2);
  };
  scenario.Start();
  scenario.RunFor(kSecond);
  EXPECT_EQ(scenario.leader_.partition->high_watermark(), 2);
  EXPECT_EQ(scenario.follower_.partition->high_watermark(), 2);
  return scenario.Divergence();
}

// Goal: legacy-hw leaves the logs divergent at offset 1 (m1 vs n1), both below the HW.
TEST(ReplicaFetcherTest, Kip101Scenario2LegacyDiverges) {
  std::vector<Violation> violations = RunKip101Scenario2(TruncationMode::kLegacyHighWatermark);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].checker, Checker::kDivergence);
  EXPECT_EQ(violations[0].offsets.front(), 1);
}

// Goal: leader-epoch truncates to where the leader's epoch 0 ends (1), refetches n1, converges.
TEST(ReplicaFetcherTest, Kip101Scenario2LeaderEpochConverges) {
  EXPECT_TRUE(RunKip101Scenario2(TruncationMode::kLeaderEpoch).empty());
  EXPECT_TRUE(RunKip101Scenario2(TruncationMode::kKip101).empty());
}

// KIP-279's scenario: the follower wrote b1..b3 as leader in epoch 1, which the current leader
// never had (it has m0 m1 from epoch 0, then x2 x3 from epoch 2). Asked about epoch 1, the
// leader's epoch 0 ends at 2.
std::vector<Violation> RunKip279Scenario(TruncationMode mode) {
  FetcherScenario scenario(mode);
  scenario.leader_.leader_epoch = 3;
  scenario.leader_.prepare = [](Partition& p) {
    Write(p, 2, 0, 0);
    Write(p, 2, 2, 2, "x");
  };
  scenario.follower_.leader_epoch = 3;
  scenario.follower_.prepare = [](Partition& p) {
    Write(p, 1, 0, 0);
    Write(p, 3, 1, 1, "b");
  };
  scenario.Start();
  scenario.RunFor(kSecond);
  EXPECT_EQ(scenario.follower_.partition->log_end_offset(), 4);
  return scenario.Divergence();
}

// Goal: kip-101 (0.11's answer carries no epoch) truncates to min(2, LEO) and keeps b1 at 1,
// where the leader has m1: divergent logs.
TEST(ReplicaFetcherTest, Kip279ScenarioKip101ModeDiverges) {
  std::vector<Violation> violations = RunKip279Scenario(TruncationMode::kKip101);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].offsets.front(), 1);
}

// Goal: leader-epoch learns the answer is for epoch 0, cuts at its own end of epoch 0 (1) and
// converges.
TEST(ReplicaFetcherTest, Kip279ScenarioLeaderEpochConverges) {
  EXPECT_TRUE(RunKip279Scenario(TruncationMode::kLeaderEpoch).empty());
}

// Goal (regression): KIP-279's walk-back over more than one step. The follower's epochs are
// 0 (offsets 0-3), 2 (4-5), 4 (6-7); the leader's 0 (0-4), 3 (5-8). Asked about 4, the leader
// answers epoch 3 — which the follower never had; the fetcher used to cut at its end of
// epoch 2 (6) and stop, keeping epoch 2's records the leader never had. It must walk back, ask
// about 2, hear (0, 5), cut at its own end of epoch 0 (4), and converge.
TEST(ReplicaFetcherTest, LeaderEpochWalksBackOverSeveralEpochs) {
  FetcherScenario scenario(TruncationMode::kLeaderEpoch);
  scenario.leader_.leader_epoch = 5;
  scenario.leader_.prepare = [](Partition& p) {
    Write(p, 5, 0, 0);
    Write(p, 4, 5, 3, "a");
  };
  scenario.follower_.leader_epoch = 5;
  scenario.follower_.prepare = [](Partition& p) {
    Write(p, 4, 0, 0);
    Write(p, 2, 4, 2, "b");
    Write(p, 2, 6, 4, "c");
  };
  scenario.Start();
  scenario.RunFor(kSecond);
  EXPECT_EQ(scenario.follower_.partition->log_end_offset(), 9);
  EXPECT_TRUE(scenario.Divergence().empty());
  const auto& entries = scenario.follower_.partition->log().leader_epoch_cache().entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].epoch, 3);
  EXPECT_EQ(entries[1].start_offset, 5);
}

}  // namespace
}  // namespace ks
