// Partition rules: how the controller changes one partition's leader and ISR, as pure functions of
// plain data (the assignment, the state ZooKeeper holds, the live brokers, the topic's settings).
// The Controller gathers the data, calls these, traces and writes what they decide; each rule is
// written here once and tested rule by rule (tests/broker/partition_rules_test.cc).
//
// The rules, as the ZooKeeper-era controller applies them (KafkaController,
// PartitionStateMachine, Election.scala) with KIP-966's eligible leader replicas beside them:
// - Dead brokers leave the ISR, but the ISR is never emptied: when every member is gone the last
//   one stays, dead, to remember who had everything (ZooKeeper-era Kafka). With ELR
//   (eligible.leader.replicas.version 1) the ISR may empty: the ELR remembers instead.
// - Leader choices (Kafka's PartitionLeaderElectionAlgorithms; "live" means registered):
//   clean: the first replica, in assignment order, that is live and in the ISR;
//   eligible (KIP-966, with ELR): the first live ELR member, when no ISR member lives;
//   unclean (unclean.leader.election.enable): the first live replica, when neither exists;
//   preferred: the first replica of the assignment, if it is live and in the ISR;
//   reassignment: the first target replica that is live and in the ISR;
//   controlled shutdown: the first replica that is live, in the ISR and not shutting down.
// - Every change the controller makes bumps the leader epoch (a ZooKeeper-era broker only learns
//   a new state with a new leader epoch), except an ISR change a leader asked for
//   (AlterPartition), which keeps it.
// - The ELR goes with every new ISR (elr::NextElr, model/controller/eligible_leader_replicas.h).
#pragma once

#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "model/controller/zk_paths.h"
#include "model/kafka/errors.h"
#include "model/kafka/topic_partition.h"

namespace ks::partition_rules {

using Brokers = std::vector<BrokerId>;
using BrokerSet = std::set<BrokerId>;
using zk_paths::PartitionStateData;

// What the controller knows of one partition.
struct PartitionView {
  Brokers replicas;  // the assignment, in order: the first is the preferred leader
  PartitionStateData state;
  int32_t zk_version = -1;  // the partition epoch; -1: no state znode yet (a new partition)

  bool is_new() const { return zk_version < 0; }
};

// The settings the rules read, for the partition's topic (broker defaults or topic overrides).
struct TopicSettings {
  bool elr_enabled = false;  // eligible.leader.replicas.version 1
  int32_t min_insync_replicas = 1;
  bool unclean_leader_election_enable = false;
};

bool Contains(const Brokers& brokers, BrokerId id);

// --- The ISR ------------------------------------------------------------------------------------

// `isr` without the members in `gone`, in the same order. Never empty unless `elr_enabled`: if
// every member is gone, the last one stays.
Brokers IsrWithout(const Brokers& isr, const BrokerSet& gone, bool elr_enabled);
// `isr` without the members that are not `live`, by the same rule.
Brokers LiveIsr(const Brokers& isr, const BrokerSet& live, bool elr_enabled);

// `next` with the ELR that goes with its ISR, from `current`'s ISR and ELR (unchanged without
// ELR). Replicas in `unclean_shutdown` are not eligible.
PartitionStateData WithElr(const PartitionView& current, PartitionStateData next,
                           const TopicSettings& settings, const BrokerSet& unclean_shutdown = {});

// --- Leader choices (kNoBroker: nobody qualifies) -----------------------------------------------

BrokerId CleanLeader(const Brokers& replicas, const Brokers& isr, const BrokerSet& live);
BrokerId UncleanLeader(const Brokers& replicas, const BrokerSet& live);
BrokerId PreferredLeader(const Brokers& replicas, const Brokers& isr, const BrokerSet& live);
BrokerId ReassignmentLeader(const Brokers& target, const Brokers& isr, const BrokerSet& live);
// `live` includes the brokers shutting down (they are still registered).
BrokerId ControlledShutdownLeader(const Brokers& replicas, const Brokers& isr,
                                  const BrokerSet& live, const BrokerSet& shutting_down);

// --- Elections ----------------------------------------------------------------------------------

enum class Election {
  kNone,          // no election: only the ISR changed
  kNewPartition,  // every live replica in sync, the first one leads
  kClean,
  kEligible,  // KIP-966
  kUnclean,
  kOffline,  // nobody could be elected: no leader
  kPreferred,
  kPreferredAutoRebalance,
  kReassignment,
  kControlledShutdown,
};

// A partition's next state and how its leader was chosen.
struct Change {
  PartitionStateData state;
  Election election = Election::kNone;
};

// A partition needs a leader: it is new, or it has none, or its leader is not live.
bool NeedsElection(const PartitionView& view, const BrokerSet& live);

// The election of a new or offline partition (OfflinePartitionLeaderElectionStrategy): a new one
// takes every live replica as its ISR; otherwise clean, then (with ELR) eligible, then (if
// allowed) unclean. A clean leader keeps the live ISR members; an eligible or unclean one is the
// ISR alone (and an unclean one empties the ELR). The leader epoch is 0 for a new partition, one
// more otherwise. Nullopt when nobody can lead.
std::optional<Change> ElectLeader(const PartitionView& view, const BrokerSet& live,
                                  const TopicSettings& settings);

// A partition nobody can lead (an old controller's partition whose leader died): no leader, a new
// leader epoch, the ISR without the dead (never emptied unless ELR).
PartitionStateData OfflineState(const PartitionView& view, const BrokerSet& live,
                                const TopicSettings& settings);

// Brokers died (`dead`; `live` no longer holds them): they leave the ISR, and if the leader is
// among them a new one is elected (or the partition goes offline). Nullopt if the partition is
// new or none of them was its leader or in its ISR.
std::optional<Change> OnBrokersDead(const PartitionView& view, const BrokerSet& dead,
                                    const BrokerSet& live, const TopicSettings& settings);

// A new controller's clean-up (ReplicaStateMachine.startup moving the replicas of dead brokers
// offline): where the leader lives, the ISR members that do not live leave it. Nullopt if there
// are none (or the partition is new, or its leader is not live: that is an election's job).
std::optional<PartitionStateData> IsrWithoutDeadOnFailover(const PartitionView& view,
                                                           const BrokerSet& live,
                                                           const TopicSettings& settings);

// KIP-966: brokers that restarted after an unclean shutdown leave the ISR (but a leader stays)
// and the ELR. Nullopt if the partition is new or none of them is in its ISR (leader aside) or
// ELR.
std::optional<PartitionStateData> WithoutUncleanShutdowns(const PartitionView& view,
                                                          const BrokerSet& brokers,
                                                          const TopicSettings& settings);

// Moves leadership to the preferred replica (PreferredReplicaPartitionLeaderElectionStrategy):
// nullopt if it already leads, or is not live or not in the ISR.
std::optional<PartitionStateData> PreferredElection(const PartitionView& view,
                                                    const BrokerSet& live);

// auto.leader.rebalance.enable: a broker is imbalanced when it does not lead more than
// leader.imbalance.per.broker.percentage percent of the partitions it is preferred for.
bool LeaderImbalanced(int not_leading, int total, int32_t imbalance_percentage);

// Controlled shutdown (ControlledShutdownPartitionLeaderElectionStrategy, Election.scala's
// leaderForControlledShutdown): the brokers shutting down leave the ISR and leadership goes to
// the first live in-sync replica that is not shutting down, with a new leader epoch. Nullopt if
// there is none.
std::optional<PartitionStateData> ControlledShutdownElection(const PartitionView& view,
                                                             const BrokerSet& live,
                                                             const BrokerSet& shutting_down,
                                                             const TopicSettings& settings);
// Controlled shutdown of a follower (ReplicaStateMachine's OfflineReplica,
// removeReplicasFromIsr): `broker` leaves the ISR with a new leader epoch, the leader staying —
// unless it is the ISR's last member, which stays (ZooKeeper-era Kafka never empties an ISR; with
// ELR it may empty). Nullopt if it is not in the ISR, leads, or the partition is new.
std::optional<PartitionStateData> ControlledShutdownOfFollower(const PartitionView& view,
                                                               BrokerId broker,
                                                               const TopicSettings& settings);

// --- AlterPartition -----------------------------------------------------------------------------

// A leader's request to change the ISR (KIP-497), as the controller judges it.
struct AlterPartitionProposal {
  BrokerId leader = kNoBroker;  // the broker that asks
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  Brokers new_isr;
};
struct AlterPartitionDecision {
  ErrorCode error = ErrorCode::kNone;
  // The state to write; none with an error, or when the ISR already is the one proposed (a
  // retried request that succeeded: NONE, nothing to write).
  std::optional<PartitionStateData> write;
};
// In order: UNKNOWN_TOPIC_OR_PARTITION (no state yet), NOT_LEADER_OR_FOLLOWER (not from the
// leader), FENCED_LEADER_EPOCH, NONE if already so, INVALID_UPDATE_VERSION (an older partition
// epoch), INELIGIBLE_REPLICA (the leader left out, a non-replica, or a dead broker added).
AlterPartitionDecision DecideAlterPartition(const PartitionView& view, const BrokerSet& live,
                                            const AlterPartitionProposal& proposal,
                                            const TopicSettings& settings);

}  // namespace ks::partition_rules
