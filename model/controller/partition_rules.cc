#include "model/controller/partition_rules.h"

#include <algorithm>

#include "model/controller/eligible_leader_replicas.h"

namespace ks::partition_rules {

bool Contains(const Brokers& brokers, BrokerId id) {
  return std::find(brokers.begin(), brokers.end(), id) != brokers.end();
}

// --- The ISR ------------------------------------------------------------------------------------

Brokers IsrWithout(const Brokers& isr, const BrokerSet& gone, bool elr_enabled) {
  Brokers next;
  for (BrokerId b : isr) {
    if (gone.count(b) == 0) next.push_back(b);
  }
  // Without ELR the last member stays, even dead, to remember who had it all. With ELR the ISR
  // may empty: the dead go to the ELR, which remembers instead.
  if (next.empty() && !isr.empty() && !elr_enabled) next.push_back(isr.back());
  return next;
}

Brokers LiveIsr(const Brokers& isr, const BrokerSet& live, bool elr_enabled) {
  BrokerSet gone;
  for (BrokerId b : isr) {
    if (live.count(b) == 0) gone.insert(b);
  }
  return IsrWithout(isr, gone, elr_enabled);
}

PartitionStateData WithElr(const PartitionView& current, PartitionStateData next,
                           const TopicSettings& settings, const BrokerSet& unclean_shutdown) {
  if (!settings.elr_enabled) return next;
  next.elr = elr::NextElr(current.state.isr, current.state.elr, next.isr, current.replicas,
                          settings.min_insync_replicas, unclean_shutdown);
  return next;
}

// --- Leader choices -----------------------------------------------------------------------------

BrokerId CleanLeader(const Brokers& replicas, const Brokers& isr, const BrokerSet& live) {
  for (BrokerId b : replicas) {
    if (live.count(b) != 0 && Contains(isr, b)) return b;
  }
  return kNoBroker;
}

BrokerId UncleanLeader(const Brokers& replicas, const BrokerSet& live) {
  for (BrokerId b : replicas) {
    if (live.count(b) != 0) return b;
  }
  return kNoBroker;
}

BrokerId PreferredLeader(const Brokers& replicas, const Brokers& isr, const BrokerSet& live) {
  if (replicas.empty()) return kNoBroker;
  const BrokerId preferred = replicas.front();
  return live.count(preferred) != 0 && Contains(isr, preferred) ? preferred : kNoBroker;
}

BrokerId ReassignmentLeader(const Brokers& target, const Brokers& isr, const BrokerSet& live) {
  return CleanLeader(target, isr, live);  // the same search, over the target replicas
}

BrokerId ControlledShutdownLeader(const Brokers& replicas, const Brokers& isr,
                                  const BrokerSet& live, const BrokerSet& shutting_down) {
  for (BrokerId b : replicas) {
    if (live.count(b) != 0 && Contains(isr, b) && shutting_down.count(b) == 0) return b;
  }
  return kNoBroker;
}

// --- Elections ----------------------------------------------------------------------------------

bool NeedsElection(const PartitionView& view, const BrokerSet& live) {
  return view.is_new() || view.state.leader == kNoBroker || live.count(view.state.leader) == 0;
}

std::optional<Change> ElectLeader(const PartitionView& view, const BrokerSet& live,
                                  const TopicSettings& settings) {
  PartitionStateData next = view.state;
  next.leader_epoch = view.is_new() ? 0 : view.state.leader_epoch + 1;
  if (view.is_new()) {
    // A new partition: the first live replica leads, every live replica is in sync.
    Brokers in_sync;
    for (BrokerId b : view.replicas) {
      if (live.count(b) != 0) in_sync.push_back(b);
    }
    if (in_sync.empty()) return std::nullopt;
    next.leader = in_sync.front();
    next.isr = in_sync;
    return Change{next, Election::kNewPartition};
  }
  if (const BrokerId b = CleanLeader(view.replicas, view.state.isr, live); b != kNoBroker) {
    next.leader = b;
    next.isr = LiveIsr(view.state.isr, live, settings.elr_enabled);  // holds b: never emptied
    return Change{WithElr(view, next, settings), Election::kClean};
  }
  if (settings.elr_enabled) {
    // KIP-966: no ISR member is alive; an eligible one holds everything up to the HW.
    PartitionStateData emptied = next;
    emptied.isr.clear();
    const Brokers eligible = WithElr(view, emptied, settings).elr;
    const BrokerId b = elr::FirstLiveEligible(view.replicas, eligible,
                                              [&](BrokerId id) { return live.count(id) != 0; });
    if (b != kNoBroker) {
      next.leader = b;
      next.isr = {b};
      next.elr.clear();
      for (BrokerId e : eligible) {
        if (e != b) next.elr.push_back(e);
      }
      return Change{next, Election::kEligible};
    }
  }
  if (settings.unclean_leader_election_enable) {
    if (const BrokerId b = UncleanLeader(view.replicas, live); b != kNoBroker) {
      next.leader = b;
      next.isr = {b};
      next.elr.clear();  // an unclean election leaves no one else eligible
      return Change{next, Election::kUnclean};
    }
  }
  return std::nullopt;
}

PartitionStateData OfflineState(const PartitionView& view, const BrokerSet& live,
                                const TopicSettings& settings) {
  PartitionStateData next = view.state;
  next.leader = kNoBroker;
  next.leader_epoch = view.state.leader_epoch + 1;
  next.isr = LiveIsr(view.state.isr, live, settings.elr_enabled);
  return WithElr(view, next, settings);
}

std::optional<Change> OnBrokersDead(const PartitionView& view, const BrokerSet& dead,
                                    const BrokerSet& live, const TopicSettings& settings) {
  if (view.is_new()) return std::nullopt;
  const PartitionStateData& state = view.state;
  const bool leader_dead = dead.count(state.leader) != 0;
  const bool isr_has_dead = std::any_of(state.isr.begin(), state.isr.end(),
                                        [&](BrokerId b) { return dead.count(b) != 0; });
  if (!leader_dead && !isr_has_dead) return std::nullopt;
  PartitionView shrunk = view;
  shrunk.state.isr = IsrWithout(state.isr, dead, settings.elr_enabled);
  shrunk.state = WithElr(view, shrunk.state, settings);
  PartitionStateData next = shrunk.state;
  next.leader_epoch = state.leader_epoch + 1;  // ZooKeeper-era Kafka bumps it for an ISR change too
  if (!leader_dead) return Change{next, Election::kNone};
  if (std::optional<Change> elected = ElectLeader(shrunk, live, settings)) return elected;
  next.leader = kNoBroker;
  return Change{next, Election::kOffline};
}

std::optional<PartitionStateData> IsrWithoutDeadOnFailover(const PartitionView& view,
                                                           const BrokerSet& live,
                                                           const TopicSettings& settings) {
  if (view.is_new() || live.count(view.state.leader) == 0) return std::nullopt;
  PartitionStateData next = view.state;
  next.isr = LiveIsr(view.state.isr, live, settings.elr_enabled);  // holds the leader
  if (next.isr.size() == view.state.isr.size()) return std::nullopt;
  next.leader_epoch = view.state.leader_epoch + 1;
  return WithElr(view, next, settings);
}

std::optional<PartitionStateData> WithoutUncleanShutdowns(const PartitionView& view,
                                                          const BrokerSet& brokers,
                                                          const TopicSettings& settings) {
  if (view.is_new() || brokers.empty()) return std::nullopt;
  const PartitionStateData& state = view.state;
  const bool in_elr = std::any_of(state.elr.begin(), state.elr.end(),
                                  [&](BrokerId b) { return brokers.count(b) != 0; });
  const bool in_isr = std::any_of(state.isr.begin(), state.isr.end(), [&](BrokerId b) {
    return brokers.count(b) != 0 && b != state.leader;
  });
  if (!in_elr && !in_isr) return std::nullopt;
  PartitionStateData next = state;
  next.isr.clear();
  for (BrokerId b : state.isr) {
    if (brokers.count(b) == 0 || b == state.leader) next.isr.push_back(b);
  }
  next = WithElr(view, next, settings, brokers);
  // Kafka's KRaft controller changes only the partition epoch here; a ZooKeeper-era broker
  // learns a new partition epoch only with a new leader epoch, so it is bumped as for every
  // other change this controller makes.
  next.leader_epoch = state.leader_epoch + 1;
  return next;
}

std::optional<PartitionStateData> PreferredElection(const PartitionView& view,
                                                    const BrokerSet& live) {
  const BrokerId preferred = PreferredLeader(view.replicas, view.state.isr, live);
  if (preferred == kNoBroker || preferred == view.state.leader) return std::nullopt;
  PartitionStateData next = view.state;
  next.leader = preferred;
  next.leader_epoch = view.state.leader_epoch + 1;
  return next;
}

bool LeaderImbalanced(int not_leading, int total, int32_t imbalance_percentage) {
  return total != 0 && not_leading * 100 > imbalance_percentage * total;
}

std::optional<PartitionStateData> ControlledShutdownElection(const PartitionView& view,
                                                             const BrokerSet& live,
                                                             const BrokerSet& shutting_down,
                                                             const TopicSettings& settings) {
  const BrokerId leader =
      ControlledShutdownLeader(view.replicas, view.state.isr, live, shutting_down);
  if (leader == kNoBroker) return std::nullopt;
  PartitionStateData next = view.state;
  next.leader = leader;
  next.leader_epoch = view.state.leader_epoch + 1;
  next.isr = IsrWithout(view.state.isr, shutting_down, settings.elr_enabled);  // holds `leader`
  return WithElr(view, next, settings);
}

std::optional<PartitionStateData> ControlledShutdownOfFollower(const PartitionView& view,
                                                               BrokerId broker,
                                                               const TopicSettings& settings) {
  if (view.is_new() || view.state.leader == broker || !Contains(view.state.isr, broker)) {
    return std::nullopt;
  }
  PartitionStateData next = view.state;
  next.isr = IsrWithout(view.state.isr, {broker}, settings.elr_enabled);
  if (next.isr == view.state.isr) return std::nullopt;  // its last member stays
  next.leader_epoch = view.state.leader_epoch + 1;
  return WithElr(view, next, settings);
}

// --- AlterPartition -----------------------------------------------------------------------------

AlterPartitionDecision DecideAlterPartition(const PartitionView& view, const BrokerSet& live,
                                            const AlterPartitionProposal& proposal,
                                            const TopicSettings& settings) {
  const PartitionStateData& state = view.state;
  if (view.is_new()) return {ErrorCode::kUnknownTopicOrPartition, std::nullopt};
  if (proposal.leader != state.leader) return {ErrorCode::kNotLeaderOrFollower, std::nullopt};
  if (proposal.leader_epoch != state.leader_epoch) {
    return {ErrorCode::kFencedLeaderEpoch, std::nullopt};
  }
  // Before the partition epoch: a retried request that succeeded finds the ISR already so.
  if (proposal.new_isr == state.isr) return {ErrorCode::kNone, std::nullopt};
  if (proposal.partition_epoch != view.zk_version) {
    return {ErrorCode::kInvalidUpdateVersion, std::nullopt};
  }
  // KIP-841: the leader stays in, only replicas, and no dead broker may be added.
  const bool eligible =
      Contains(proposal.new_isr, state.leader) &&
      std::none_of(proposal.new_isr.begin(), proposal.new_isr.end(), [&](BrokerId b) {
        return !Contains(view.replicas, b) || (!Contains(state.isr, b) && live.count(b) == 0);
      });
  if (!eligible) return {ErrorCode::kIneligibleReplica, std::nullopt};
  PartitionStateData next = state;
  next.isr = proposal.new_isr;
  return {ErrorCode::kNone, WithElr(view, next, settings)};
}

}  // namespace ks::partition_rules
