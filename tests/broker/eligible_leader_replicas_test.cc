// Goal: KIP-966's Eligible Leader Replicas, rule by rule — the ELR arithmetic the controller
// applies to every ISR change, the "strict min ISR" high watermark, the election of an eligible
// replica when no ISR member lives, the empty ISR with no leader, and the removal of a broker that
// restarts after an unclean shutdown (told apart from a clean one by its clean-shutdown file).
// Method: the pure rules directly; the rest in a four-broker cluster (b1 is the controller, the
// partition lives on 2, 3, 4) with eligible.leader.replicas.version 1 and min.insync.replicas 2,
// driven by crashes, clean stops and a network partition, observed through the controller's
// committed state, the replicas and the trace.
#include "model/controller/eligible_leader_replicas.h"

#include <gtest/gtest.h>

#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

const TopicPartition kTp{"orders", 0};
using Ids = std::vector<BrokerId>;

// --- The rules ---------------------------------------------------------------------------------

TEST(ElrRulesTest, ReplicasLeavingAnIsrBelowMinIsrBecomeEligible) {
  EXPECT_EQ(elr::NextElr({2, 3, 4}, {}, {2}, {2, 3, 4}, 2), (Ids{3, 4}));
}

TEST(ElrRulesTest, AnIsrAtMinIsrClearsTheElr) {
  EXPECT_EQ(elr::NextElr({3}, {2, 4}, {3, 4}, {2, 3, 4}, 2), Ids{});
  EXPECT_EQ(elr::NextElr({2, 3, 4}, {}, {2, 3}, {2, 3, 4}, 2), Ids{});  // 4 left at min ISR
}

TEST(ElrRulesTest, TheElrAccumulatesAndKeepsTheDead) {
  // The last ISR member dies: the ISR empties and it joins those already eligible.
  EXPECT_EQ(elr::NextElr({2}, {3, 4}, {}, {2, 3, 4}, 2), (Ids{2, 3, 4}));
}

TEST(ElrRulesTest, UncleanShutdownAndUnassignedReplicasAreNotEligible) {
  EXPECT_EQ(elr::NextElr({2}, {3, 4}, {2}, {2, 3, 4}, 2, {3}), (Ids{4}));
  EXPECT_EQ(elr::NextElr({2}, {3, 4}, {2}, {2, 4}, 2), (Ids{4}));
}

TEST(ElrRulesTest, TheElrFollowsAssignmentOrderAndElectsTheFirstLive) {
  EXPECT_EQ(elr::NextElr({4, 2}, {3}, {}, {3, 4, 2}, 2), (Ids{3, 4, 2}));
  EXPECT_EQ(elr::FirstLiveEligible(Ids{3, 4, 2}, Ids{2, 4}, [](BrokerId b) { return b != 4; }), 2);
  EXPECT_EQ(elr::FirstLiveEligible(Ids{3, 4, 2}, Ids{}, [](BrokerId) { return true; }), kNoBroker);
}

TEST(ElrRulesTest, OnlyAFileNamingTheKnownEpochMakesAShutdownClean) {
  EXPECT_FALSE(elr::UncleanShutdown(7, 7));
  EXPECT_TRUE(elr::UncleanShutdown(-1, 7));             // no file: a crash or a kill
  EXPECT_TRUE(elr::UncleanShutdown(5, 7));              // a file from an older registration
  EXPECT_FALSE(elr::UncleanShutdown(5, std::nullopt));  // an epoch the controller never saw
  EXPECT_TRUE(elr::UncleanShutdown(-1, std::nullopt));  // a first start: in no ISR or ELR anyway
}

// --- In a cluster --------------------------------------------------------------------------------

BrokerConfig ElrConfig() {
  BrokerConfig config = TestBrokerConfig();
  config.eligible_leader_replicas_version = 1;
  config.topic_defaults.min_insync_replicas = 2;
  config.replica_lag_time_max_ms = 2000;
  return config;
}

class ElrClusterTest : public ::testing::Test {
 protected:
  ElrClusterTest() : cluster_(4, ElrConfig()) {}

  void SetUp() override {
    // b1 registers first and becomes the controller; it hosts no replica of the partition.
    ASSERT_TRUE(
        cluster_.RunUntil([&] { return cluster_.broker(1)->is_controller(); }, 5 * kSecond));
    cluster_.CreateTopic("orders", {2, 3, 4});
  }

  const Controller::PartitionView& View() {
    const Controller::PartitionView* view = cluster_.ControllerView(kTp);
    EXPECT_NE(view, nullptr);
    return *view;
  }

  // Cuts the leader b2 off from b3 and b4 until the ISR is {2} (below min ISR 2).
  void ShrinkIsrToTheLeader() {
    cluster_.world().network().Partition({cluster_.node(2)}, {cluster_.node(3), cluster_.node(4)},
                                         false);
    ASSERT_TRUE(cluster_.RunUntil([&] { return View().state.isr == Ids{2}; }, 20 * kSecond));
  }

  bool WaitFor(const std::function<bool(const Controller::PartitionView&)>& predicate,
               DurationUs within) {
    return cluster_.RunUntil(
        [&] {
          const Controller::PartitionView* view = cluster_.ControllerView(kTp);
          return view != nullptr && predicate(*view);
        },
        within);
  }

  bool Traced(std::string_view kind, std::string_view fragment) const {
    for (const TraceEvent& e : cluster_.Events(kind)) {
      if (e.Json().find(fragment) != std::string::npos) return true;
    }
    return false;
  }

  KafkaTestCluster cluster_;
};

// Goal: followers removed while the ISR shrinks below min.insync.replicas join the ELR, which is
// traced; once the ISR is back at min.insync.replicas the ELR is empty again.
TEST_F(ElrClusterTest, ShrinkBelowMinIsrFillsTheElrAndRecoveryClearsIt) {
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_TRUE(View().state.elr.empty());
  ShrinkIsrToTheLeader();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(View().state.elr, (Ids{3, 4}));
  EXPECT_TRUE(Traced("controller.elr", "\"elr\":[3,4]"));
  cluster_.world().network().HealAll();
  ASSERT_TRUE(WaitFor([](const auto& v) { return v.state.isr.size() >= 2; }, 20 * kSecond));
  EXPECT_TRUE(View().state.elr.empty());
  EXPECT_TRUE(Traced("controller.elr", "\"elr\":[]"));
}

// Goal: the strict min ISR rule — under min.insync.replicas the leader's HW stays where it was
// even for acks=1 writes it appended, and it moves on once the ISR is back.
TEST_F(ElrClusterTest, HighWatermarkDoesNotAdvanceUnderMinIsr) {
  ASSERT_FALSE(HasFatalFailure());
  ShrinkIsrToTheLeader();
  ASSERT_FALSE(HasFatalFailure());
  Partition* leader = cluster_.Replica(2, kTp);
  ASSERT_TRUE(cluster_.RunUntil([&] { return leader->isr() == Ids{2}; }, 5 * kSecond));
  const int64_t hw = leader->high_watermark();
  cluster_.client().Produce(cluster_.node(2), kTp, 5, /*acks=*/1);
  ASSERT_TRUE(cluster_.RunUntil([&] { return leader->log_end_offset() == hw + 5; }, kSecond));
  cluster_.RunFor(2 * kSecond);
  EXPECT_EQ(leader->high_watermark(), hw);
  cluster_.world().network().HealAll();
  ASSERT_TRUE(cluster_.RunUntil([&] { return leader->high_watermark() == hw + 5; }, 20 * kSecond));
}

// Goal: when the last ISR member dies, the ISR may become empty and a live ELR member is elected
// cleanly; it alone forms the new ISR and leaves the ELR, the dead leader joins it.
TEST_F(ElrClusterTest, LastIsrMemberDiesAndAnEligibleReplicaIsElected) {
  ASSERT_FALSE(HasFatalFailure());
  ShrinkIsrToTheLeader();
  ASSERT_FALSE(HasFatalFailure());
  cluster_.world().network().HealAll();  // only b2's death is left to decide
  cluster_.world().Crash(cluster_.node(2));
  ASSERT_TRUE(WaitFor([](const auto& v) { return v.state.leader == 3; }, 30 * kSecond));
  EXPECT_TRUE(Traced("controller.election", "eligible leader replica elected (KIP-966)"));
  EXPECT_TRUE(Traced("controller.election", "\"unclean\":false"));
  // Right after the election: ISR {3}, ELR {2, 4} (traced, before b4 rejoins the ISR).
  EXPECT_TRUE(Traced("controller.elr", "\"elr\":[2,4],\"isr\":[3]"));
  ASSERT_TRUE(cluster_.RunUntil([&] { return cluster_.Replica(3, kTp)->is_leader(); }, kSecond));
}

// Goal: with every eligible replica down the partition has an empty ISR and no leader (legal only
// with ELR), and an ELR member that comes back after a clean shutdown is elected.
TEST_F(ElrClusterTest, EmptyIsrWaitsForAnEligibleReplicaThatStoppedCleanly) {
  ASSERT_FALSE(HasFatalFailure());
  ShrinkIsrToTheLeader();
  ASSERT_FALSE(HasFatalFailure());
  cluster_.world().Shutdown(cluster_.node(3));
  cluster_.world().Shutdown(cluster_.node(4));
  cluster_.world().Crash(cluster_.node(2));
  ASSERT_TRUE(WaitFor([](const auto& v) { return v.state.leader == kNoBroker; }, 30 * kSecond));
  EXPECT_TRUE(View().state.isr.empty());
  EXPECT_EQ(View().state.elr, (Ids{2, 3, 4}));
  cluster_.world().network().HealAll();
  cluster_.world().Start(cluster_.node(3));
  ASSERT_TRUE(WaitFor([](const auto& v) { return v.state.leader == 3; }, 30 * kSecond));
  EXPECT_EQ(View().state.isr, Ids{3});
  EXPECT_FALSE(Traced("controller.unclean_shutdown", "\"broker\":3"));
}

// Goal: a broker that restarts after a power loss (no clean-shutdown file) is removed from the
// ELR, and is not elected though it was eligible before; one stopped cleanly stays eligible.
TEST_F(ElrClusterTest, UncleanRestartLeavesTheElrCleanRestartDoesNot) {
  ASSERT_FALSE(HasFatalFailure());
  ShrinkIsrToTheLeader();
  ASSERT_FALSE(HasFatalFailure());
  cluster_.world().Crash(cluster_.node(3));     // power loss
  cluster_.world().Shutdown(cluster_.node(4));  // clean stop: writes its broker epoch
  ASSERT_TRUE(WaitFor(
      [&](const auto&) { return cluster_.broker(1)->controller().live_brokers().size() == 2; },
      30 * kSecond));
  cluster_.world().Start(cluster_.node(3));
  cluster_.world().Start(cluster_.node(4));
  ASSERT_TRUE(WaitFor([](const auto& v) { return v.state.elr == Ids{4}; }, 30 * kSecond));
  EXPECT_TRUE(Traced("controller.unclean_shutdown", "\"broker\":3,\"previous_epoch\":-1"));
  EXPECT_FALSE(Traced("controller.unclean_shutdown", "\"broker\":4"));
  // Now the leader dies too: 4, eligible, leads; 3 would have lost nothing here, but the
  // controller cannot know that.
  cluster_.world().Crash(cluster_.node(2));
  ASSERT_TRUE(WaitFor([](const auto& v) { return v.state.leader == 4; }, 30 * kSecond));
}

// Goal: the same power loss of a last ISR member, without ELR (the ZooKeeper-era default): the
// ISR keeps the dead broker and the partition waits for it.
TEST(ElrOffTest, IsrIsNeverEmptiedWithoutElr) {
  BrokerConfig config = ElrConfig();
  config.eligible_leader_replicas_version = 0;
  KafkaTestCluster cluster(4, config);
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.broker(1)->is_controller(); }, 5 * kSecond));
  cluster.CreateTopic("orders", {2, 3, 4});
  cluster.world().network().Partition({cluster.node(2)}, {cluster.node(3), cluster.node(4)}, false);
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.ControllerView(kTp)->state.isr == Ids{2}; },
                               20 * kSecond));
  cluster.world().network().HealAll();
  cluster.world().Crash(cluster.node(2));
  ASSERT_TRUE(cluster.RunUntil(
      [&] { return cluster.ControllerView(kTp)->state.leader == kNoBroker; }, 30 * kSecond));
  EXPECT_EQ(cluster.ControllerView(kTp)->state.isr, Ids{2});
  EXPECT_TRUE(cluster.ControllerView(kTp)->state.elr.empty());
  EXPECT_TRUE(cluster.Events("controller.elr").empty());
}

}  // namespace
}  // namespace ks::testing
