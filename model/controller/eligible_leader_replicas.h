// Eligible Leader Replicas (KIP-966): the rules by which the controller keeps, next to the ISR,
// the replicas that left it while it was smaller than min.insync.replicas.
//
// Why they may lead: with eligible.leader.replicas.version 1 the leader's high watermark only
// advances while the ISR holds at least min.insync.replicas members (the "strict min ISR" rule,
// Partition::MaybeIncrementHighWatermark). A replica removed from an ISR that was already below
// that size therefore holds everything up to the HW — as long as it does not lose its page cache.
// The rules, as Kafka's KRaft controller applies them (PartitionChangeBuilder):
// - ISR at or above min.insync.replicas: the ELR is empty.
// - Below: the ELR is the old ELR plus the old ISR, minus the new ISR, minus replicas known to
//   have restarted after an unclean shutdown (UncleanShutdown). Dead replicas stay: that is the
//   point.
// - With no live ISR member, the first live ELR member (in assignment order) is elected; it
//   becomes the ISR alone and leaves the ELR. An unclean election empties the ELR.
// - The ISR may then be empty (leader -1) instead of keeping its last member.
// These are pure functions of the partition's state; the Controller calls them.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "model/kafka/topic_partition.h"

namespace ks::elr {

// The ELR that goes with a new ISR. `replicas` orders the result (assignment order) and bounds
// it: a replica that is no longer assigned is not eligible.
std::vector<BrokerId> NextElr(const std::vector<BrokerId>& current_isr,
                              const std::vector<BrokerId>& current_elr,
                              const std::vector<BrokerId>& target_isr,
                              const std::vector<BrokerId>& replicas, int32_t min_insync_replicas,
                              const std::set<BrokerId>& unclean_shutdown = {});

// A broker registering names the epoch its clean-shutdown file recorded (`previous_epoch`, -1 if
// there was none); the controller may know the epoch it last registered with (`known_epoch`).
// The shutdown was unclean — a crash or a kill — unless the file names the known epoch.
// A broker that never ran before has no file either, which changes nothing: it is in no ISR or
// ELR yet.
bool UncleanShutdown(int64_t previous_epoch, std::optional<int64_t> known_epoch);

// The first replica (assignment order) in `elr` that `is_live`; kNoBroker if none.
template <typename IsLive>
BrokerId FirstLiveEligible(const std::vector<BrokerId>& replicas, const std::vector<BrokerId>& elr,
                           IsLive is_live) {
  for (BrokerId b : replicas) {
    for (BrokerId e : elr) {
      if (e == b && is_live(b)) return b;
    }
  }
  return kNoBroker;
}

}  // namespace ks::elr
