// Goal: the decisions of a partition reassignment's steps, rule by rule, as the ZooKeeper-era
// controller makes them (KafkaController.onPartitionReassignment with KIP-455): the replica list
// while the move runs (RS = TRS + (ORS - TRS)) with its adding and removing replicas, when phase B
// may start, where B3 moves leadership (ReassignPartitionLeaderElectionStrategy) and what B4
// leaves in the ISR and the ELR.
// Method: the pure functions of model/controller/reassignment_rules.h, mostly on the move of
// tests/broker/reassignment_test.cc (ORS [1, 2, 3], TRS [4, 3, 2]).
#include "model/controller/reassignment_rules.h"

#include <gtest/gtest.h>

namespace ks::reassignment_rules {
namespace {

using Ids = std::vector<BrokerId>;
const Ids kOriginal{1, 2, 3};
const Ids kTarget{4, 3, 2};

PartitionView View(Ids replicas, BrokerId leader, Ids isr, Ids elr = {}) {
  PartitionView view;
  view.replicas = std::move(replicas);
  view.state.leader = leader;
  view.state.leader_epoch = 7;
  view.state.isr = std::move(isr);
  view.state.elr = std::move(elr);
  view.zk_version = 9;
  return view;
}

TEST(ReassignmentRulesTest, DuringTheMoveTheTargetComesFirstThenTheRestOfTheOriginal) {
  EXPECT_EQ(ReplicasDuringMove(kOriginal, kTarget), (Ids{4, 3, 2, 1}));
  EXPECT_EQ(Adding(kOriginal, kTarget), Ids{4});
  EXPECT_EQ(Removing(kOriginal, kTarget), Ids{1});
  EXPECT_EQ(ReplicasDuringMove(kOriginal, kOriginal), kOriginal);  // a move to itself
  EXPECT_EQ(Minus({3, 1, 2}, {2}), (Ids{3, 1}));
}

TEST(ReassignmentRulesTest, PhaseBWaitsForEveryTargetReplicaInTheIsrAndOneLive) {
  EXPECT_FALSE(CaughtUp(kTarget, {1, 2, 3}, {1, 2, 3, 4}));  // 4 still catching up
  EXPECT_TRUE(CaughtUp(kTarget, {1, 2, 3, 4}, {1, 2, 3, 4}));
  EXPECT_FALSE(CaughtUp(kTarget, {2, 3, 4}, {1}));  // none of them can lead
  EXPECT_TRUE(CaughtUp(kTarget, {2, 3, 4}, {1, 2}));
}

TEST(ReassignmentRulesTest, B3MovesTheLeaderIntoTheTarget) {
  bool elected = false;
  const PartitionStateData moved =
      LeaderIntoTarget(View({4, 3, 2, 1}, 1, {1, 2, 3, 4}), kTarget, {1, 2, 3, 4}, &elected);
  EXPECT_TRUE(elected);
  EXPECT_EQ(moved.leader, 4);
  EXPECT_EQ(moved.leader_epoch, 8);
  EXPECT_EQ(moved.isr, (Ids{1, 2, 3, 4}));
}

TEST(ReassignmentRulesTest, B3KeepsALiveLeaderThatIsInTheTargetButBumpsTheEpoch) {
  bool elected = true;
  const PartitionStateData moved =
      LeaderIntoTarget(View({4, 3, 2, 1}, 3, {1, 2, 3, 4}), kTarget, {1, 2, 3, 4}, &elected);
  EXPECT_FALSE(elected);
  EXPECT_EQ(moved.leader, 3);
  EXPECT_EQ(moved.leader_epoch, 8);
}

TEST(ReassignmentRulesTest, B3ReplacesADeadLeaderEvenInTheTarget) {
  bool elected = false;
  const PartitionStateData moved =
      LeaderIntoTarget(View({4, 3, 2, 1}, 4, {2, 3, 4}), kTarget, {2, 3}, &elected);
  EXPECT_TRUE(elected);
  EXPECT_EQ(moved.leader, 3);
}

TEST(ReassignmentRulesTest, B4RemovesTheRemovedReplicasFromTheIsrAndTheElr) {
  const PartitionStateData shrunk =
      WithoutRemovedReplicas(View({4, 3, 2, 1}, 4, {4, 1, 3}, {2, 1}), {1}, true);
  EXPECT_EQ(shrunk.isr, (Ids{4, 3}));
  EXPECT_EQ(shrunk.elr, Ids{2});
  EXPECT_EQ(shrunk.leader, 4);
  EXPECT_EQ(shrunk.leader_epoch, 8);
}

}  // namespace
}  // namespace ks::reassignment_rules
