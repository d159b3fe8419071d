#include "model/controller/reassignment_rules.h"

#include <algorithm>

namespace ks::reassignment_rules {

using partition_rules::Contains;

Brokers Minus(const Brokers& a, const Brokers& b) {
  Brokers out;
  for (BrokerId id : a) {
    if (!Contains(b, id)) out.push_back(id);
  }
  return out;
}

Brokers ReplicasDuringMove(const Brokers& original, const Brokers& target) {
  Brokers all = target;
  for (BrokerId b : original) {
    if (!Contains(all, b)) all.push_back(b);
  }
  return all;
}

bool CaughtUp(const Brokers& target, const Brokers& isr, const BrokerSet& live) {
  const bool all_in_isr =
      std::all_of(target.begin(), target.end(), [&](BrokerId b) { return Contains(isr, b); });
  return all_in_isr && partition_rules::ReassignmentLeader(target, isr, live) != kNoBroker;
}

PartitionStateData LeaderIntoTarget(const PartitionView& view, const Brokers& target,
                                    const BrokerSet& live, bool* elected) {
  PartitionStateData next = view.state;
  next.leader_epoch = view.state.leader_epoch + 1;
  *elected = !Contains(target, view.state.leader) || live.count(view.state.leader) == 0;
  if (*elected) {
    const BrokerId leader = partition_rules::ReassignmentLeader(target, view.state.isr, live);
    if (leader != kNoBroker) next.leader = leader;
  }
  return next;
}

PartitionStateData WithoutRemovedReplicas(const PartitionView& view, const Brokers& removed,
                                          bool elr_enabled) {
  PartitionStateData next = view.state;
  next.isr = partition_rules::IsrWithout(view.state.isr, BrokerSet(removed.begin(), removed.end()),
                                         elr_enabled);
  next.elr = Minus(view.state.elr, removed);
  next.leader_epoch = view.state.leader_epoch + 1;
  return next;
}

}  // namespace ks::reassignment_rules
