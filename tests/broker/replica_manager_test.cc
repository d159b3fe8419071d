// The broker's seams for components it owns (the group and transaction coordinators, later):
// ReplicaManager::AppendRecords, the internal append that client produce wraps, and the
// leadership listeners (Kafka's onElection / onResignation). Driven through a real cluster
// (tests/broker/cluster_test_util.h), calling the leader's ReplicaManager as a coordinator
// running on that broker would.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/broker/cluster_test_util.h"

namespace ks {
namespace {

using testing::KafkaTestCluster;
using testing::MakeSimpleBatch;

const TopicPartition kTp{"orders", 0};

// What an internal append's callback received, and when.
struct AppendOutcome {
  std::optional<std::vector<ProducePartitionResponse>> results;
  TimeUs at_us = -1;
  // The ISR members' LEOs as the leader knew them when the callback ran.
  std::vector<int64_t> isr_log_end_offsets;
};

// Appends `count` records to kTp on broker `id` as a coordinator would.
void InternalAppend(KafkaTestCluster& cluster, BrokerId id, int count, int16_t acks,
                    int32_t timeout_ms, AppendOutcome* outcome) {
  std::vector<ProducePartitionData> entries;
  entries.push_back({kTp, MakeSimpleBatch(count, 1000)});
  Partition* leader = cluster.Replica(id, kTp);
  cluster.broker(id)->replica_manager().AppendRecords(
      timeout_ms, acks, AppendOrigin::kCoordinator, std::move(entries),
      [&cluster, leader, id, outcome](std::vector<ProducePartitionResponse> results) {
        outcome->results = std::move(results);
        outcome->at_us = cluster.Now();
        if (leader == nullptr || !leader->is_leader()) return;
        for (BrokerId member : leader->isr()) {
          outcome->isr_log_end_offsets.push_back(
              member == id ? leader->log_end_offset() : leader->FollowerLogEndOffset(member));
        }
      },
      "test-coordinator");
}

// Goal: an internal append with acks=all completes only once every ISR member holds it, as a
// client's would. Method: pause one follower (it stays in the ISR: replica.lag.time.max.ms is
// 10 s) before appending; nothing completes while it is paused; once it resumes and fetches, the
// callback runs once, with NONE and the base offset, and the leader then knows every ISR member's
// LEO to be past the append.
TEST(ReplicaManagerAppendTest, AcksAllCompletesOnlyWhenTheIsrHasIt) {
  KafkaTestCluster cluster(3);
  cluster.CreateTopic("orders", {1, 2, 3}, {{"min.insync.replicas", "2"}});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  cluster.world().Pause(cluster.node(3));
  AppendOutcome outcome;
  InternalAppend(cluster, 1, 5, kAcksAll, 30000, &outcome);
  EXPECT_EQ(cluster.Replica(1, kTp)->log_end_offset(), 5) << "appended at once";
  cluster.RunFor(2 * kSecond);
  EXPECT_FALSE(outcome.results.has_value()) << "broker 3 is in the ISR and has not fetched it";
  EXPECT_EQ(cluster.Replica(1, kTp)->isr().size(), 3u);

  cluster.world().Resume(cluster.node(3));
  ASSERT_TRUE(cluster.RunUntil([&] { return outcome.results.has_value(); }, 5 * kSecond));
  ASSERT_EQ(outcome.results->size(), 1u);
  const ProducePartitionResponse& result = outcome.results->front();
  EXPECT_EQ(result.tp, kTp);
  EXPECT_EQ(result.error, ErrorCode::kNone);
  EXPECT_EQ(result.base_offset, 0);
  ASSERT_EQ(outcome.isr_log_end_offsets.size(), 3u);
  for (int64_t leo : outcome.isr_log_end_offsets) EXPECT_GE(leo, 5);
  const auto produced = cluster.Events("broker.produce");
  ASSERT_FALSE(produced.empty());
  EXPECT_NE(produced.back().Json().find("\"client\":\"test-coordinator\""), std::string::npos)
      << produced.back().Json();
}

// Goal: the waiting append gives up at its timeout with REQUEST_TIMED_OUT (the records stay in
// the leader's log, as in Kafka).
TEST(ReplicaManagerAppendTest, AcksAllTimesOutWhileAnIsrMemberLags) {
  KafkaTestCluster cluster(2);
  cluster.CreateTopic("orders", {1, 2});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  cluster.world().Pause(cluster.node(2));
  AppendOutcome outcome;
  const TimeUs start = cluster.Now();
  InternalAppend(cluster, 1, 3, kAcksAll, 500, &outcome);
  ASSERT_TRUE(cluster.RunUntil([&] { return outcome.results.has_value(); }, 2 * kSecond));
  EXPECT_EQ(outcome.results->front().error, ErrorCode::kRequestTimedOut);
  EXPECT_EQ(outcome.results->front().base_offset, -1);
  EXPECT_GE(outcome.at_us - start, 500 * kMillisecond);
  EXPECT_EQ(cluster.Replica(1, kTp)->log_end_offset(), 3);
}

// Goal: below min.insync.replicas an acks=all append is refused with NOT_ENOUGH_REPLICAS and
// nothing is appended; acks=1 still appends; a broker that does not lead answers
// NOT_LEADER_OR_FOLLOWER. Those answers need no waiting: the callback has run when the call
// returns.
TEST(ReplicaManagerAppendTest, ErrorsWithoutWaiting) {
  KafkaTestCluster cluster(2);
  cluster.CreateTopic("orders", {1, 2}, {{"min.insync.replicas", "2"}});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  cluster.world().Crash(cluster.node(2));
  Partition* leader = cluster.Replica(1, kTp);
  ASSERT_TRUE(cluster.RunUntil([&] { return leader->isr().size() == 1; }, 30 * kSecond));

  AppendOutcome refused;
  InternalAppend(cluster, 1, 2, kAcksAll, 30000, &refused);
  ASSERT_TRUE(refused.results.has_value());
  EXPECT_EQ(refused.results->front().error, ErrorCode::kNotEnoughReplicas);
  EXPECT_EQ(leader->log_end_offset(), 0);

  AppendOutcome leader_only;
  InternalAppend(cluster, 1, 2, kAcksLeader, 30000, &leader_only);
  ASSERT_TRUE(leader_only.results.has_value());
  EXPECT_EQ(leader_only.results->front().error, ErrorCode::kNone);
  EXPECT_EQ(leader->log_end_offset(), 2);

  cluster.world().Start(cluster.node(2));
  ASSERT_TRUE(cluster.RunUntil(
      [&] {
        Partition* p = cluster.Replica(2, kTp);
        return p != nullptr && p->role() == ReplicaRole::kFollower;
      },
      30 * kSecond));
  AppendOutcome not_leader;
  InternalAppend(cluster, 2, 1, kAcksAll, 30000, &not_leader);
  ASSERT_TRUE(not_leader.results.has_value());
  EXPECT_EQ(not_leader.results->front().error, ErrorCode::kNotLeaderOrFollower);
}

// Goal: an acks=all append whose leader is deposed before the ISR has it completes with
// NOT_LEADER_OR_FOLLOWER, not at its timeout.
TEST(ReplicaManagerAppendTest, AWaitingAppendFailsWhenTheReplicaStopsLeading) {
  KafkaTestCluster cluster(3);
  cluster.CreateTopic("orders", {1, 2, 3});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  // Broker 1 leads but cannot reach anyone: its followers never fetch the append, and the
  // controller moves leadership away once its ZooKeeper session expires.
  cluster.world().network().Partition({cluster.node(1)},
                                      {cluster.node(2), cluster.node(3), KafkaTestCluster::kZk},
                                      /*one_way=*/false);
  AppendOutcome outcome;
  InternalAppend(cluster, 1, 2, kAcksAll, 120000, &outcome);
  ASSERT_FALSE(outcome.results.has_value());
  // Healing lets the new controller's LeaderAndIsr reach broker 1, which becomes a follower.
  ASSERT_TRUE(cluster.RunUntil(
      [&] { return cluster.Replica(2, kTp)->is_leader() || cluster.Replica(3, kTp)->is_leader(); },
      60 * kSecond));
  EXPECT_FALSE(outcome.results.has_value()) << "broker 1 has not heard yet";
  cluster.world().network().HealAll();
  ASSERT_TRUE(cluster.RunUntil([&] { return outcome.results.has_value(); }, 30 * kSecond));
  EXPECT_EQ(outcome.results->front().error, ErrorCode::kNotLeaderOrFollower);
  EXPECT_LT(outcome.at_us, 120 * kSecond) << "not at the timeout";
}

// Goal: a callback may append again (a coordinator writing on from an answer): the second append
// completes too, in order, within the same round of completions.
TEST(ReplicaManagerAppendTest, ACallbackMayAppendAgain) {
  KafkaTestCluster cluster(1);
  cluster.CreateTopic("orders", {1});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  ReplicaManager& replicas = cluster.broker(1)->replica_manager();
  std::vector<int64_t> base_offsets;
  auto batch = [](int count) {
    std::vector<ProducePartitionData> entries;
    entries.push_back({kTp, MakeSimpleBatch(count, 1000)});
    return entries;
  };
  replicas.AppendRecords(30000, kAcksAll, AppendOrigin::kCoordinator, batch(3),
                         [&](std::vector<ProducePartitionResponse> results) {
                           base_offsets.push_back(results.front().base_offset);
                           replicas.AppendRecords(
                               30000, kAcksAll, AppendOrigin::kCoordinator, batch(2),
                               [&](std::vector<ProducePartitionResponse> more) {
                                 base_offsets.push_back(more.front().base_offset);
                               });
                         });
  EXPECT_EQ(base_offsets, (std::vector<int64_t>{0, 3})) << "a one-replica ISR acks at once";
}

// ---- leadership listeners ----

// Records what one broker's listener heard: "leader orders-0 epoch 1", "resign orders-0 epoch 1".
class RecordingListener final : public LeadershipListener {
 public:
  void OnBecomeLeader(const TopicPartition& tp, int32_t leader_epoch) override {
    heard.push_back("leader " + tp.Name() + " epoch " + std::to_string(leader_epoch));
  }
  void OnResign(const TopicPartition& tp, int32_t leader_epoch) override {
    heard.push_back("resign " + tp.Name() + " epoch " + std::to_string(leader_epoch));
  }
  std::vector<std::string> heard;
};

const TopicPartition kOffsets{"__consumer_offsets", 0};

// Goal: a listener on "__consumer_offsets" hears election and resignation with the right epochs
// through a leader crash, and nothing of other topics. Method: listeners on brokers 1-3 before
// the topic exists (and on broker 1's next incarnation, registered as it restarts); then: the
// topic is created (1 leads in epoch 0, 2 and 3 follow), 1 crashes (3 leads in epoch 1, 2 follows
// the new leader), 1 restarts (it follows 3).
TEST(LeadershipListenerTest, HearsElectionAndResignationThroughALeaderCrash) {
  KafkaTestCluster cluster(3);
  std::vector<std::unique_ptr<RecordingListener>> listeners;
  auto listen = [&](BrokerId id) {
    listeners.push_back(std::make_unique<RecordingListener>());
    cluster.broker(id)->replica_manager().AddLeadershipListener("__consumer_offsets",
                                                                listeners.back().get());
    return listeners.back().get();
  };
  RecordingListener* first = listen(1);
  RecordingListener* second = listen(2);
  RecordingListener* third = listen(3);
  cluster.CreateTopic("orders", {1, 2, 3});  // another topic: not heard
  cluster.CreateTopic("__consumer_offsets", {1, 3, 2});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  ASSERT_TRUE(cluster.Replica(1, kOffsets)->is_leader());
  EXPECT_EQ(first->heard, (std::vector<std::string>{"leader __consumer_offsets-0 epoch 0"}));
  EXPECT_EQ(second->heard, (std::vector<std::string>{"resign __consumer_offsets-0 epoch 0"}));
  EXPECT_EQ(third->heard, (std::vector<std::string>{"resign __consumer_offsets-0 epoch 0"}));

  cluster.world().Crash(cluster.node(1));
  ASSERT_TRUE(cluster.RunUntil(
      [&] {
        Partition* p = cluster.Replica(3, kOffsets);
        Partition* q = cluster.Replica(2, kOffsets);
        return p != nullptr && p->is_leader() && q != nullptr && q->leader() == 3;
      },
      60 * kSecond));
  const int32_t epoch = cluster.Replica(3, kOffsets)->leader_epoch();
  EXPECT_EQ(epoch, 1);
  EXPECT_EQ(third->heard.back(), "leader __consumer_offsets-0 epoch 1");
  EXPECT_EQ(second->heard.back(), "resign __consumer_offsets-0 epoch 1")
      << "a follower of a new leader resigns, as Kafka's onResignation is called";

  cluster.world().Start(cluster.node(1));
  RecordingListener* restarted = listen(1);
  ASSERT_TRUE(cluster.RunUntil(
      [&] {
        Partition* p = cluster.Replica(1, kOffsets);
        return p != nullptr && p->role() == ReplicaRole::kFollower;
      },
      60 * kSecond));
  EXPECT_EQ(
      restarted->heard,
      (std::vector<std::string>{"resign __consumer_offsets-0 epoch " +
                                std::to_string(cluster.Replica(1, kOffsets)->leader_epoch())}));
  EXPECT_EQ(third->heard.size(), 2u) << "the leader heard nothing more: " << third->heard.back();
}

// Goal: a removed listener hears nothing more, and a StopReplica resigns with no epoch (-1).
TEST(LeadershipListenerTest, StopReplicaResignsAndRemovedListenersHearNothing) {
  KafkaTestCluster cluster(2);
  RecordingListener kept;
  RecordingListener removed;
  cluster.broker(1)->replica_manager().AddLeadershipListener("__consumer_offsets", &kept);
  cluster.broker(1)->replica_manager().AddLeadershipListener("__consumer_offsets", &removed);
  cluster.broker(1)->replica_manager().RemoveLeadershipListener(&removed);
  cluster.CreateTopic("__consumer_offsets", {1, 2});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  EXPECT_TRUE(removed.heard.empty());
  ASSERT_EQ(kept.heard, (std::vector<std::string>{"leader __consumer_offsets-0 epoch 0"}));

  // A StopReplica as the controller sends it when the replica leaves the assignment.
  auto stop = std::make_unique<StopReplicaRequest>();
  stop->controller_epoch = 1 << 20;  // not stale, whatever the controller's epoch is
  stop->partitions.push_back(kOffsets);
  cluster.broker(1)->replica_manager().HandleStopReplica(cluster.node(2), *stop);
  EXPECT_EQ(kept.heard.back(), "resign __consumer_offsets-0 epoch -1");
  cluster.broker(1)->replica_manager().RemoveLeadershipListener(&kept);
}

}  // namespace
}  // namespace ks
