#include "model/kafka/update_metadata.h"

namespace ks {

int64_t UpdateMetadataRequest::SizeBytes() const {
  int64_t size = kRequestHeaderBytes + PartitionEntriesBytes(partitions.size()) +
                 8 * static_cast<int64_t>(live_brokers.size());
  for (const auto& p : partitions)
    size += 4 * static_cast<int64_t>(p.replicas.size() + p.isr.size());
  return size;
}

}  // namespace ks
