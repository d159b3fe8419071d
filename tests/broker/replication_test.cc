// Replication end to end: real Brokers, the controller and ZooKeeper in a World, a topic created
// by the KafkaAdmin, and a test client sending Produce and Fetch requests itself. The tests walk
// the HW/LEO sequence of one write, the meaning of acks, and leader elections (clean and
// unclean) after broker crashes, reading each replica's state as the world runs.
#include <gtest/gtest.h>

#include "model/check/checkers.h"
#include "model/controller/controller_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks {
namespace {

using testing::KafkaTestCluster;

const TopicPartition kTp{"orders", 0};

// Goal: the seed's walk-through of one message (at offset 4, after 4 committed ones): the
// leader's LEO moves first; the follower fetches it and its LEO moves; the follower's next fetch
// tells the leader, whose HW moves; the follower's HW moves one fetch after that; a consumer's
// Fetch sees the message only once the leader's HW has passed it.
TEST(ReplicationTest, HighWatermarkAndLogEndOffsetWalkThrough) {
  KafkaTestCluster cluster(2);
  cluster.CreateTopic("orders", {1, 2});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  Partition* leader = cluster.Replica(1, kTp);
  Partition* follower = cluster.Replica(2, kTp);
  ASSERT_TRUE(leader->is_leader());
  cluster.client().Produce(cluster.node(1), kTp, 4, kAcksAll);
  ASSERT_TRUE(cluster.RunUntil([&] { return follower->high_watermark() == 4; }, 5 * kSecond));

  cluster.client().Produce(cluster.node(1), kTp, 1, kAcksLeader);
  ASSERT_TRUE(cluster.RunUntil([&] { return leader->log_end_offset() == 5; }, kSecond));
  EXPECT_EQ(leader->high_watermark(), 4);
  EXPECT_EQ(follower->log_end_offset(), 4);
  const int64_t early_fetch = cluster.client().Fetch(cluster.node(1), kTp, 4);

  ASSERT_TRUE(cluster.RunUntil([&] { return follower->log_end_offset() == 5; }, kSecond));
  EXPECT_EQ(leader->high_watermark(), 4)
      << "the leader learns the follower's LEO on its next fetch";
  EXPECT_EQ(follower->high_watermark(), 4);

  ASSERT_TRUE(cluster.RunUntil([&] { return leader->high_watermark() == 5; }, kSecond));
  const TimeUs leader_hw_at = cluster.Now();
  EXPECT_EQ(follower->high_watermark(), 4) << "the follower learns the HW one fetch later";
  const FetchResponse* early = cluster.inbox().Find<FetchResponse>(early_fetch);
  ASSERT_NE(early, nullptr);
  ASSERT_EQ(early->partitions.size(), 1u);
  EXPECT_TRUE(early->partitions[0].records.empty()) << "offset 4 was above the HW";
  EXPECT_EQ(early->partitions[0].high_watermark, 4);

  ASSERT_TRUE(cluster.RunUntil([&] { return follower->high_watermark() == 5; }, 2 * kSecond));
  EXPECT_GE(cluster.Now() - leader_hw_at, 2 * kMillisecond) << "at least one more round trip";
  const int64_t late_fetch = cluster.client().Fetch(cluster.node(1), kTp, 4);
  ASSERT_TRUE(cluster.RunUntil(
      [&] { return cluster.inbox().Find<FetchResponse>(late_fetch) != nullptr; }, kSecond));
  const FetchResponse* late = cluster.inbox().Find<FetchResponse>(late_fetch);
  ASSERT_EQ(late->partitions.size(), 1u);
  std::vector<testing::PlainRecord> records = testing::DecodeAll(late->partitions[0].records);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].offset, 4);
}

// Goal: acks=all answers only once every ISR member has the record (the leader's HW passed it);
// acks=1 answers as soon as the leader appended, before the follower has it.
TEST(ReplicationTest, AcksAllWaitsForTheIsrAcksOneDoesNot) {
  KafkaTestCluster cluster(2);
  cluster.CreateTopic("orders", {1, 2});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  Partition* leader = cluster.Replica(1, kTp);
  Partition* follower = cluster.Replica(2, kTp);

  const int64_t one = cluster.client().Produce(cluster.node(1), kTp, 1, kAcksLeader);
  ASSERT_TRUE(cluster.RunUntil(
      [&] { return cluster.inbox().Find<ProduceResponse>(one) != nullptr; }, kSecond));
  EXPECT_EQ(cluster.inbox().Find<ProduceResponse>(one)->partitions[0].error, ErrorCode::kNone);
  EXPECT_EQ(leader->high_watermark(), 0) << "acks=1 answered before the record was committed";

  ASSERT_TRUE(cluster.RunUntil([&] { return follower->high_watermark() == 1; }, 2 * kSecond));
  const int64_t all = cluster.client().Produce(cluster.node(1), kTp, 1, kAcksAll);
  ASSERT_TRUE(cluster.RunUntil(
      [&] { return cluster.inbox().Find<ProduceResponse>(all) != nullptr; }, 2 * kSecond));
  const ProduceResponse* response = cluster.inbox().Find<ProduceResponse>(all);
  EXPECT_EQ(response->partitions[0].error, ErrorCode::kNone);
  EXPECT_EQ(response->partitions[0].base_offset, 1);
  EXPECT_EQ(follower->log_end_offset(), 2) << "the follower has it";
  EXPECT_EQ(leader->high_watermark(), 2);
}

// Goal: acks=all against an ISR smaller than min.insync.replicas (a topic override) is refused
// with NOT_ENOUGH_REPLICAS and nothing is appended.
TEST(ReplicationTest, AcksAllBelowMinInsyncReplicasIsRefused) {
  KafkaTestCluster cluster(2);
  cluster.CreateTopic("orders", {1, 2}, {{"min.insync.replicas", "2"}});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  cluster.world().Crash(cluster.node(2));
  Partition* leader = cluster.Replica(1, kTp);
  ASSERT_TRUE(cluster.RunUntil([&] { return leader->isr().size() == 1; }, 30 * kSecond));
  const int64_t id = cluster.client().Produce(cluster.node(1), kTp, 1, kAcksAll);
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.inbox().Find<ProduceResponse>(id) != nullptr; },
                               kSecond));
  EXPECT_EQ(cluster.inbox().Find<ProduceResponse>(id)->partitions[0].error,
            ErrorCode::kNotEnoughReplicas);
  EXPECT_EQ(leader->log_end_offset(), 0);
}

// Goal: when the leader's broker crashes, the controller elects the first live replica of the
// assignment that is in the ISR (here 3, listed before 2), with a bumped leader epoch, and the
// new leader acts on it.
TEST(ReplicationTest, LeaderCrashElectsFirstLiveIsrReplicaWithBumpedEpoch) {
  KafkaTestCluster cluster(3);
  cluster.CreateTopic("orders", {1, 3, 2});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const int32_t epoch_before = cluster.Replica(1, kTp)->leader_epoch();
  cluster.client().Produce(cluster.node(1), kTp, 3, kAcksAll);
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.Replica(1, kTp)->high_watermark() == 3; },
                               2 * kSecond));
  cluster.world().Crash(cluster.node(1));
  ASSERT_TRUE(cluster.RunUntil(
      [&] {
        const Controller::PartitionView* view = cluster.ControllerView(kTp);
        return view != nullptr && view->state.leader != 1 && view->state.leader != kNoBroker;
      },
      60 * kSecond));
  const Controller::PartitionView* view = cluster.ControllerView(kTp);
  EXPECT_EQ(view->state.leader, 3);
  EXPECT_GT(view->state.leader_epoch, epoch_before);
  EXPECT_EQ(view->state.isr, (std::vector<BrokerId>{3, 2}));
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.Replica(3, kTp)->is_leader(); }, kSecond));
  EXPECT_EQ(cluster.Replica(3, kTp)->leader_epoch(), view->state.leader_epoch);
  EXPECT_EQ(cluster.Replica(3, kTp)->log_end_offset(), 3);
  const auto elections = cluster.Events("controller.election");
  ASSERT_FALSE(elections.empty());
  EXPECT_NE(elections.back().Json().find("clean: first live in-sync replica"), std::string::npos);
}

// The unclean-election story: broker 2 crashes and leaves the ISR; broker 1 takes writes alone,
// then crashes too; broker 2 comes back. Returns the live leader 30 s later, and 2's LEO.
struct UncleanOutcome {
  BrokerId leader = kNoBroker;
  int64_t new_leader_log_end_offset = -1;
  bool unclean_traced = false;
};
UncleanOutcome RunOutOfSyncReplicaReturns(bool unclean_enabled) {
  KafkaTestCluster cluster(2);
  std::vector<std::pair<std::string, std::string>> config;
  if (unclean_enabled) config.push_back({"unclean.leader.election.enable", "true"});
  cluster.CreateTopic("orders", {1, 2}, config);
  UncleanOutcome outcome;
  cluster.world().Crash(cluster.node(2));
  Partition* leader = cluster.Replica(1, kTp);
  EXPECT_TRUE(cluster.RunUntil([&] { return leader->isr().size() == 1; }, 30 * kSecond));
  cluster.client().Produce(cluster.node(1), kTp, 5, kAcksAll);
  EXPECT_TRUE(cluster.RunUntil([&] { return leader->high_watermark() == 5; }, kSecond));
  cluster.world().Crash(cluster.node(1));
  cluster.world().Start(cluster.node(2));
  cluster.RunFor(30 * kSecond);
  // A failed election writes nothing (the state still names the dead broker, as in Kafka's
  // ZooKeeper mode); what matters is whether a live replica leads.
  Partition* returned = cluster.Replica(2, kTp);
  if (returned != nullptr && returned->is_leader()) outcome.leader = 2;
  if (Partition* p = cluster.Replica(2, kTp))
    outcome.new_leader_log_end_offset = p->log_end_offset();
  for (const TraceEvent& e : cluster.Events("controller.election")) {
    const std::optional<ev::ControllerElection> election = e.As<ev::ControllerElection>();
    outcome.unclean_traced |= election && election->unclean;
  }
  return outcome;
}

// Goal: with unclean.leader.election.enable=false (the default), an out-of-sync replica is never
// elected: the partition stays offline while the only ISR member is down.
TEST(ReplicationTest, OutOfSyncReplicaIsNotElectedByDefault) {
  UncleanOutcome outcome = RunOutOfSyncReplicaReturns(false);
  EXPECT_EQ(outcome.leader, kNoBroker);
  EXPECT_FALSE(outcome.unclean_traced);
}

// Goal: with unclean.leader.election.enable=true (a topic override) the out-of-sync replica is
// elected — and the 5 acknowledged writes it never had are gone.
TEST(ReplicationTest, UncleanElectionElectsOutOfSyncReplicaWhenEnabled) {
  UncleanOutcome outcome = RunOutOfSyncReplicaReturns(true);
  EXPECT_EQ(outcome.leader, 2);
  EXPECT_TRUE(outcome.unclean_traced);
  EXPECT_EQ(outcome.new_leader_log_end_offset, 0);
}

}  // namespace
}  // namespace ks
