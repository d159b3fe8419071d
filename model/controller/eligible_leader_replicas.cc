#include "model/controller/eligible_leader_replicas.h"

#include <algorithm>

namespace ks::elr {

namespace {
bool Contains(const std::vector<BrokerId>& list, BrokerId id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}
}  // namespace

std::vector<BrokerId> NextElr(const std::vector<BrokerId>& current_isr,
                              const std::vector<BrokerId>& current_elr,
                              const std::vector<BrokerId>& target_isr,
                              const std::vector<BrokerId>& replicas, int32_t min_insync_replicas,
                              const std::set<BrokerId>& unclean_shutdown) {
  std::vector<BrokerId> next;
  if (static_cast<int32_t>(target_isr.size()) >= min_insync_replicas) return next;
  for (BrokerId b : replicas) {
    const bool candidate = Contains(current_elr, b) || Contains(current_isr, b);
    if (candidate && !Contains(target_isr, b) && unclean_shutdown.count(b) == 0) {
      next.push_back(b);
    }
  }
  return next;
}

bool UncleanShutdown(int64_t previous_epoch, std::optional<int64_t> known_epoch) {
  return previous_epoch < 0 || (known_epoch && *known_epoch != previous_epoch);
}

}  // namespace ks::elr
