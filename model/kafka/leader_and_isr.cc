#include "model/kafka/leader_and_isr.h"

namespace ks {

int64_t LeaderAndIsrRequest::SizeBytes() const {
  int64_t size = kRequestHeaderBytes + PartitionEntriesBytes(partitions.size()) +
                 8 * static_cast<int64_t>(live_leaders.size());
  for (const auto& p : partitions)
    size += 4 * static_cast<int64_t>(p.replicas.size() + p.isr.size());
  return size;
}

int64_t LeaderAndIsrResponse::SizeBytes() const {
  return kRequestHeaderBytes + 8 * static_cast<int64_t>(partitions.size());
}

}  // namespace ks
