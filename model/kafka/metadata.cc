#include "model/kafka/metadata.h"

namespace ks {

int64_t MetadataRequest::SizeBytes() const {
  int64_t size = kRequestHeaderBytes;
  for (const auto& t : topics) size += static_cast<int64_t>(t.size()) + 2;
  return size;
}

int64_t MetadataResponse::SizeBytes() const {
  int64_t size = kRequestHeaderBytes + 8 * static_cast<int64_t>(brokers.size()) +
                 PartitionEntriesBytes(partitions.size());
  for (const auto& p : partitions)
    size += 4 * static_cast<int64_t>(p.replicas.size() + p.isr.size());
  return size;
}

}  // namespace ks
