// Goal: the controller's partition rules, one by one, as Kafka's ZooKeeper-era controller applies
// them (PartitionLeaderElectionAlgorithms, Election.scala) with KIP-966's ELR beside them: dead
// brokers leave the ISR without emptying it (unless ELR), the six leader choices (clean,
// eligible, unclean, preferred, reassignment, controlled shutdown), the next state of each kind
// of election and ISR change, and the controller's judgement of an AlterPartition.
// Method: the pure functions of model/controller/partition_rules.h on small hand-made partitions
// (replicas 1, 2, 3 unless said otherwise); each test names the rule it checks.
#include "model/controller/partition_rules.h"

#include <gtest/gtest.h>

namespace ks::partition_rules {
namespace {

using Ids = std::vector<BrokerId>;

PartitionView View(Ids replicas, BrokerId leader, int32_t leader_epoch, Ids isr, Ids elr = {},
                   int32_t zk_version = 4) {
  PartitionView view;
  view.replicas = std::move(replicas);
  view.state.leader = leader;
  view.state.leader_epoch = leader_epoch;
  view.state.isr = std::move(isr);
  view.state.elr = std::move(elr);
  view.zk_version = zk_version;
  return view;
}

TopicSettings Zk() { return TopicSettings{}; }
TopicSettings Unclean() {
  TopicSettings settings;
  settings.unclean_leader_election_enable = true;
  return settings;
}
TopicSettings Elr(int32_t min_isr = 2) {
  TopicSettings settings;
  settings.elr_enabled = true;
  settings.min_insync_replicas = min_isr;
  return settings;
}

// --- Dead brokers leave the ISR, never emptying it ---------------------------------------------

TEST(IsrRuleTest, DeadMembersLeaveInOrder) {
  EXPECT_EQ(IsrWithout({3, 1, 2}, {1}, false), (Ids{3, 2}));
  EXPECT_EQ(LiveIsr({3, 1, 2}, {2, 3}, false), (Ids{3, 2}));
}

TEST(IsrRuleTest, WithoutElrTheLastMemberStaysEvenDead) {
  EXPECT_EQ(IsrWithout({1, 2}, {1, 2}, false), Ids{2});
  EXPECT_EQ(LiveIsr({2, 1}, {}, false), Ids{1});
}

TEST(IsrRuleTest, WithElrTheIsrMayEmpty) {
  EXPECT_EQ(IsrWithout({1, 2}, {1, 2}, true), Ids{});
  EXPECT_EQ(LiveIsr({1, 2}, {3}, true), Ids{});
}

TEST(IsrRuleTest, AnEmptyIsrStaysEmpty) { EXPECT_EQ(IsrWithout({}, {1}, false), Ids{}); }

TEST(IsrRuleTest, TheElrGoesWithTheNewIsrOnlyWithElr) {
  const PartitionView view = View({1, 2, 3}, 1, 5, {1, 2, 3});
  PartitionStateData next = view.state;
  next.isr = {1};
  EXPECT_EQ(WithElr(view, next, Zk()).elr, Ids{});
  EXPECT_EQ(WithElr(view, next, Elr(2)).elr, (Ids{2, 3}));
  EXPECT_EQ(WithElr(view, next, Elr(2), {3}).elr, Ids{2});  // 3 restarted uncleanly
}

// --- Leader choices ----------------------------------------------------------------------------

TEST(LeaderChoiceTest, CleanIsTheFirstLiveIsrMemberInAssignmentOrder) {
  EXPECT_EQ(CleanLeader({1, 2, 3}, {3, 2}, {1, 2, 3}), 2);  // assignment order, not ISR order
  EXPECT_EQ(CleanLeader({1, 2, 3}, {3, 2}, {1, 3}), 3);
  EXPECT_EQ(CleanLeader({1, 2, 3}, {1}, {2, 3}), kNoBroker);
}

TEST(LeaderChoiceTest, UncleanIsTheFirstLiveReplica) {
  EXPECT_EQ(UncleanLeader({1, 2, 3}, {3, 2}), 2);
  EXPECT_EQ(UncleanLeader({1, 2, 3}, {4}), kNoBroker);
}

TEST(LeaderChoiceTest, PreferredIsTheFirstReplicaOnlyIfLiveAndInSync) {
  EXPECT_EQ(PreferredLeader({1, 2, 3}, {2, 1}, {1, 2}), 1);
  EXPECT_EQ(PreferredLeader({1, 2, 3}, {2, 3}, {1, 2, 3}), kNoBroker);  // not in the ISR
  EXPECT_EQ(PreferredLeader({1, 2, 3}, {1, 2}, {2, 3}), kNoBroker);     // not live
  EXPECT_EQ(PreferredLeader({}, {1}, {1}), kNoBroker);
}

TEST(LeaderChoiceTest, ReassignmentIsTheFirstLiveIsrMemberOfTheTarget) {
  EXPECT_EQ(ReassignmentLeader({4, 3, 2}, {1, 2, 3, 4}, {1, 2, 3, 4}), 4);
  EXPECT_EQ(ReassignmentLeader({4, 3, 2}, {1, 2, 3}, {1, 2, 3, 4}), 3);  // 4 not in sync yet
  EXPECT_EQ(ReassignmentLeader({4, 3}, {1, 2}, {1, 2, 3, 4}), kNoBroker);
}

TEST(LeaderChoiceTest, ControlledShutdownSkipsTheBrokersShuttingDown) {
  // Kafka's live set includes the brokers shutting down; they just may not lead.
  EXPECT_EQ(ControlledShutdownLeader({1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {1}), 2);
  EXPECT_EQ(ControlledShutdownLeader({1, 2, 3}, {1, 3}, {1, 2, 3}, {1}), 3);
  EXPECT_EQ(ControlledShutdownLeader({1, 2, 3}, {1, 2}, {1, 3}, {1}), kNoBroker);
}

// --- Elections ---------------------------------------------------------------------------------

TEST(ElectionTest, APartitionNeedsALeaderWhenNewLeaderlessOrLedByTheDead) {
  EXPECT_TRUE(NeedsElection(View({1, 2}, kNoBroker, 0, {}, {}, -1), {1, 2}));
  EXPECT_TRUE(NeedsElection(View({1, 2}, kNoBroker, 3, {2}), {1, 2}));
  EXPECT_TRUE(NeedsElection(View({1, 2}, 1, 3, {1, 2}), {2}));
  EXPECT_FALSE(NeedsElection(View({1, 2}, 1, 3, {1, 2}), {1}));
}

TEST(ElectionTest, ANewPartitionTakesEveryLiveReplicaAsItsIsrAndEpochZero) {
  std::optional<Change> change =
      ElectLeader(View({1, 2, 3}, kNoBroker, 0, {}, {}, -1), {2, 3}, Zk());
  ASSERT_TRUE(change);
  EXPECT_EQ(change->election, Election::kNewPartition);
  EXPECT_EQ(change->state.leader, 2);
  EXPECT_EQ(change->state.leader_epoch, 0);
  EXPECT_EQ(change->state.isr, (Ids{2, 3}));
  EXPECT_FALSE(ElectLeader(View({1, 2, 3}, kNoBroker, 0, {}, {}, -1), {}, Zk()));
}

TEST(ElectionTest, ACleanElectionKeepsTheLiveIsrAndBumpsTheEpoch) {
  std::optional<Change> change = ElectLeader(View({1, 2, 3}, 1, 5, {1, 2, 3}), {2, 3}, Zk());
  ASSERT_TRUE(change);
  EXPECT_EQ(change->election, Election::kClean);
  EXPECT_EQ(change->state.leader, 2);
  EXPECT_EQ(change->state.leader_epoch, 6);
  EXPECT_EQ(change->state.isr, (Ids{2, 3}));
}

TEST(ElectionTest, WithoutALiveIsrMemberNobodyLeadsUnlessUncleanIsAllowed) {
  const PartitionView view = View({1, 2, 3}, 1, 5, {1});
  EXPECT_FALSE(ElectLeader(view, {2, 3}, Zk()));
  std::optional<Change> change = ElectLeader(view, {3, 2}, Unclean());
  ASSERT_TRUE(change);
  EXPECT_EQ(change->election, Election::kUnclean);
  EXPECT_EQ(change->state.leader, 2);
  EXPECT_EQ(change->state.isr, Ids{2});
  EXPECT_EQ(change->state.leader_epoch, 6);
}

TEST(ElectionTest, CleanWinsOverUncleanWhenBothArePossible) {
  std::optional<Change> change = ElectLeader(View({1, 2, 3}, 1, 5, {1, 3}), {2, 3}, Unclean());
  ASSERT_TRUE(change);
  EXPECT_EQ(change->election, Election::kClean);
  EXPECT_EQ(change->state.leader, 3);
}

TEST(ElectionTest, WithElrALiveEligibleReplicaLeadsAlone) {
  // The ISR {1} is below min ISR 2; 2 and 3 left it and are eligible.
  std::optional<Change> change = ElectLeader(View({1, 2, 3}, 1, 5, {1}, {2, 3}), {3}, Elr());
  ASSERT_TRUE(change);
  EXPECT_EQ(change->election, Election::kEligible);
  EXPECT_EQ(change->state.leader, 3);
  EXPECT_EQ(change->state.isr, Ids{3});
  EXPECT_EQ(change->state.elr, (Ids{1, 2}));  // the dead last ISR member joins the eligible
  EXPECT_EQ(change->state.leader_epoch, 6);
}

TEST(ElectionTest, EligibleWinsOverUncleanAndUncleanEmptiesTheElr) {
  TopicSettings both = Elr();
  both.unclean_leader_election_enable = true;
  std::optional<Change> eligible = ElectLeader(View({1, 2, 3}, 1, 5, {1}, {3}), {2, 3}, both);
  ASSERT_TRUE(eligible);
  EXPECT_EQ(eligible->election, Election::kEligible);
  EXPECT_EQ(eligible->state.leader, 3);
  std::optional<Change> unclean = ElectLeader(View({1, 2, 3}, 1, 5, {1}, {3}), {2}, both);
  ASSERT_TRUE(unclean);
  EXPECT_EQ(unclean->election, Election::kUnclean);
  EXPECT_EQ(unclean->state.leader, 2);
  EXPECT_EQ(unclean->state.elr, Ids{});
}

TEST(ElectionTest, AnOfflinePartitionHasNoLeaderAndKeepsItsLastIsrMember) {
  const PartitionStateData offline = OfflineState(View({1, 2, 3}, 1, 5, {1, 2}), {3}, Zk());
  EXPECT_EQ(offline.leader, kNoBroker);
  EXPECT_EQ(offline.leader_epoch, 6);
  EXPECT_EQ(offline.isr, Ids{2});
  const PartitionStateData with_elr = OfflineState(View({1, 2, 3}, 1, 5, {1, 2}), {3}, Elr());
  EXPECT_EQ(with_elr.isr, Ids{});
  EXPECT_EQ(with_elr.elr, (Ids{1, 2}));
}

TEST(BrokerFailureTest, ADeadFollowerLeavesTheIsrWithANewLeaderEpoch) {
  std::optional<Change> change = OnBrokersDead(View({1, 2, 3}, 1, 5, {1, 2, 3}), {3}, {1, 2}, Zk());
  ASSERT_TRUE(change);
  EXPECT_EQ(change->election, Election::kNone);
  EXPECT_EQ(change->state.leader, 1);
  EXPECT_EQ(change->state.isr, (Ids{1, 2}));
  EXPECT_EQ(change->state.leader_epoch, 6);
}

TEST(BrokerFailureTest, ADeadLeaderIsReplacedCleanly) {
  std::optional<Change> change = OnBrokersDead(View({1, 2, 3}, 1, 5, {1, 2, 3}), {1}, {2, 3}, Zk());
  ASSERT_TRUE(change);
  EXPECT_EQ(change->election, Election::kClean);
  EXPECT_EQ(change->state.leader, 2);
  EXPECT_EQ(change->state.isr, (Ids{2, 3}));
  EXPECT_EQ(change->state.leader_epoch, 6);
}

TEST(BrokerFailureTest, TheLastIsrMemberDyingLeavesThePartitionOfflineWithIt) {
  std::optional<Change> change = OnBrokersDead(View({1, 2, 3}, 1, 5, {1}), {1}, {2, 3}, Zk());
  ASSERT_TRUE(change);
  EXPECT_EQ(change->election, Election::kOffline);
  EXPECT_EQ(change->state.leader, kNoBroker);
  EXPECT_EQ(change->state.isr, Ids{1});
  EXPECT_EQ(change->state.leader_epoch, 6);
}

TEST(BrokerFailureTest, UnrelatedOrNewPartitionsDoNotChange) {
  EXPECT_FALSE(OnBrokersDead(View({1, 2, 3}, 1, 5, {1, 2}), {3}, {1, 2}, Zk()));
  EXPECT_FALSE(OnBrokersDead(View({1, 2, 3}, kNoBroker, 0, {}, {}, -1), {1}, {2, 3}, Zk()));
}

TEST(FailoverTest, ANewControllerDropsTheDeadFromTheIsrWhereTheLeaderLives) {
  std::optional<PartitionStateData> next =
      IsrWithoutDeadOnFailover(View({1, 2, 3}, 1, 5, {1, 2, 3}), {1, 3}, Zk());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->isr, (Ids{1, 3}));
  EXPECT_EQ(next->leader, 1);
  EXPECT_EQ(next->leader_epoch, 6);
  EXPECT_FALSE(IsrWithoutDeadOnFailover(View({1, 2, 3}, 1, 5, {1, 2}), {1, 2}, Zk()));
  EXPECT_FALSE(
      IsrWithoutDeadOnFailover(View({1, 2, 3}, 1, 5, {1, 2}), {2}, Zk()));  // an election's job
}

TEST(UncleanShutdownTest, TheyLeaveTheIsrAndElrButALeaderStays) {
  std::optional<PartitionStateData> next =
      WithoutUncleanShutdowns(View({1, 2, 3}, 1, 5, {1, 2}, {3}), {1, 2, 3}, Elr(3));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->isr, Ids{1});
  EXPECT_EQ(next->elr, Ids{});
  EXPECT_EQ(next->leader_epoch, 6);
  EXPECT_FALSE(WithoutUncleanShutdowns(View({1, 2, 3}, 1, 5, {1, 2}), {1}, Elr()));  // the leader
  EXPECT_FALSE(WithoutUncleanShutdowns(View({1, 2, 3}, 1, 5, {1, 2}), {}, Elr()));
}

TEST(PreferredElectionTest, LeadershipGoesBackToTheFirstReplica) {
  std::optional<PartitionStateData> next = PreferredElection(View({1, 2, 3}, 2, 5, {2, 1}), {1, 2});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->leader, 1);
  EXPECT_EQ(next->isr, (Ids{2, 1}));
  EXPECT_EQ(next->leader_epoch, 6);
  EXPECT_FALSE(PreferredElection(View({1, 2, 3}, 1, 5, {1, 2}), {1, 2}));  // already leads
  EXPECT_FALSE(PreferredElection(View({1, 2, 3}, 2, 5, {2}), {1, 2}));     // not in sync
}

TEST(PreferredElectionTest, ABrokerIsImbalancedAboveThePercentage) {
  EXPECT_FALSE(LeaderImbalanced(1, 10, 10));  // 10 % is not above 10 %
  EXPECT_TRUE(LeaderImbalanced(2, 10, 10));
  EXPECT_FALSE(LeaderImbalanced(0, 0, 10));
}

TEST(ControlledShutdownTest, TheShuttingDownLeaveTheIsrAndLeadership) {
  std::optional<PartitionStateData> next =
      ControlledShutdownElection(View({1, 2, 3}, 1, 5, {1, 2, 3}), {1, 2, 3}, {1}, Zk());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->leader, 2);
  EXPECT_EQ(next->isr, (Ids{2, 3}));
  EXPECT_EQ(next->leader_epoch, 6);
  // The last in-sync replica shutting down: nobody else can lead, the election fails.
  EXPECT_FALSE(ControlledShutdownElection(View({1, 2, 3}, 1, 5, {1}), {1, 2, 3}, {1}, Zk()));
}

TEST(ControlledShutdownTest, AFollowerShuttingDownLeavesTheIsrUnderTheSameLeader) {
  std::optional<PartitionStateData> next =
      ControlledShutdownOfFollower(View({1, 2, 3}, 1, 5, {1, 2, 3}), 2, Zk());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->leader, 1);
  EXPECT_EQ(next->isr, (Ids{1, 3}));
  EXPECT_EQ(next->leader_epoch, 6) << "a controller's change: a new leader epoch";
  // Nothing to do: not in the ISR, the leader (an election's job), or a new partition.
  EXPECT_FALSE(ControlledShutdownOfFollower(View({1, 2, 3}, 1, 5, {1, 3}), 2, Zk()));
  EXPECT_FALSE(ControlledShutdownOfFollower(View({1, 2, 3}, 1, 5, {1, 2, 3}), 1, Zk()));
  PartitionView fresh = View({1, 2, 3}, 1, 5, {1, 2, 3});
  fresh.zk_version = -1;
  EXPECT_FALSE(ControlledShutdownOfFollower(fresh, 2, Zk()));
}

// --- AlterPartition ----------------------------------------------------------------------------

AlterPartitionDecision Decide(const PartitionView& view, AlterPartitionProposal proposal,
                              BrokerSet live = {1, 2, 3}) {
  return DecideAlterPartition(view, live, proposal, Zk());
}

TEST(AlterPartitionTest, AValidShrinkIsWrittenWithTheSameLeaderEpoch) {
  AlterPartitionDecision decision = Decide(View({1, 2, 3}, 1, 5, {1, 2, 3}), {1, 5, 4, {1, 2}});
  EXPECT_EQ(decision.error, ErrorCode::kNone);
  ASSERT_TRUE(decision.write);
  EXPECT_EQ(decision.write->isr, (Ids{1, 2}));
  EXPECT_EQ(decision.write->leader_epoch, 5);
}

TEST(AlterPartitionTest, TheChecksAnswerKafkasErrorsInOrder) {
  const PartitionView view = View({1, 2, 3}, 1, 5, {1, 2});
  EXPECT_EQ(Decide(View({1, 2}, kNoBroker, 0, {}, {}, -1), {1, 0, 0, {1}}).error,
            ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(Decide(view, {2, 5, 4, {1}}).error, ErrorCode::kNotLeaderOrFollower);
  EXPECT_EQ(Decide(view, {1, 4, 4, {1}}).error, ErrorCode::kFencedLeaderEpoch);
  EXPECT_EQ(Decide(view, {1, 5, 3, {1}}).error, ErrorCode::kInvalidUpdateVersion);
  EXPECT_EQ(Decide(view, {1, 5, 4, {2}}).error, ErrorCode::kIneligibleReplica);  // leader left out
  EXPECT_EQ(Decide(view, {1, 5, 4, {1, 2, 4}}).error, ErrorCode::kIneligibleReplica);
  EXPECT_EQ(Decide(view, {1, 5, 4, {1, 2, 3}}, {1, 2}).error, ErrorCode::kIneligibleReplica);
  EXPECT_FALSE(Decide(view, {1, 5, 3, {1}}).write);
}

TEST(AlterPartitionTest, TheIsrAlreadySoIsNoneWithNothingToWriteWhateverThePartitionEpoch) {
  AlterPartitionDecision decision = Decide(View({1, 2, 3}, 1, 5, {1, 2}), {1, 5, 2, {1, 2}});
  EXPECT_EQ(decision.error, ErrorCode::kNone);
  EXPECT_FALSE(decision.write);
}

TEST(AlterPartitionTest, ADeadMemberMayStayButNotBeAdded) {
  // 2 is dead but still in the ISR (the leader has not removed it yet): keeping it is allowed.
  EXPECT_TRUE(Decide(View({1, 2, 3}, 1, 5, {1, 2}), {1, 5, 4, {1, 2, 3}}, {1, 3}).write);
}

TEST(AlterPartitionTest, WithElrTheShrunkIsrBringsItsElr) {
  AlterPartitionDecision decision =
      DecideAlterPartition(View({1, 2, 3}, 1, 5, {1, 2, 3}), {1, 2, 3}, {1, 5, 4, {1}}, Elr(2));
  ASSERT_TRUE(decision.write);
  EXPECT_EQ(decision.write->elr, (Ids{2, 3}));
}

}  // namespace
}  // namespace ks::partition_rules
