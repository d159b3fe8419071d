// Reassignment rules: the decisions of a partition reassignment's steps (controller_reassignment.cc
// runs the steps, in the order of KafkaController.onPartitionReassignment), as pure functions of
// the original replicas (ORS), the target replicas (TRS), the partition's state and the live
// brokers. Tested rule by rule in tests/broker/reassignment_rules_test.cc.
// - A1: while the move runs the replicas are RS = TRS + (ORS - TRS): the target first, then the
//   original replicas that are not in it; AR = TRS - ORS are added, RR = ORS - TRS removed.
// - Phase B starts once every target replica is in the ISR and one of them is live (it can lead).
// - B3: leadership moves into TRS (ReassignPartitionLeaderElectionStrategy: the first target
//   replica that is live and in the ISR) if the leader is not in TRS or not live; the leader epoch
//   goes up either way.
// - B4: RR leave the ISR (never emptying it, as dead brokers do) and the ELR; new leader epoch.
#pragma once

#include "model/controller/partition_rules.h"

namespace ks::reassignment_rules {

using partition_rules::Brokers;
using partition_rules::BrokerSet;
using partition_rules::PartitionStateData;
using partition_rules::PartitionView;

// `a` without the members of `b`, in `a`'s order.
Brokers Minus(const Brokers& a, const Brokers& b);

// RS = TRS + (ORS - TRS).
Brokers ReplicasDuringMove(const Brokers& original, const Brokers& target);
// AR and RR.
inline Brokers Adding(const Brokers& original, const Brokers& target) {
  return Minus(target, original);
}
inline Brokers Removing(const Brokers& original, const Brokers& target) {
  return Minus(original, target);
}

// Phase B may start: every target replica is in the ISR, and one of them is live.
bool CaughtUp(const Brokers& target, const Brokers& isr, const BrokerSet& live);

// B3's state: a new leader epoch, and the leader moved into `target` if it is not there or not
// live (unchanged if no target replica can lead). `elected` tells whether there was an election
// (the leader was not in `target` or not live).
PartitionStateData LeaderIntoTarget(const PartitionView& view, const Brokers& target,
                                    const BrokerSet& live, bool* elected);

// B4's state: the `removed` replicas leave the ISR and the ELR; a new leader epoch.
PartitionStateData WithoutRemovedReplicas(const PartitionView& view, const Brokers& removed,
                                          bool elr_enabled);

}  // namespace ks::reassignment_rules
