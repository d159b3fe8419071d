#include "model/kafka/produce.h"

namespace ks {

int64_t ProduceRequest::SizeBytes() const {
  int64_t size = kRequestHeaderBytes + static_cast<int64_t>(client_id.size()) +
                 PartitionEntriesBytes(partitions.size());
  for (const auto& p : partitions) size += static_cast<int64_t>(p.records.size());
  return size;
}

int64_t ProduceResponse::SizeBytes() const {
  return kRequestHeaderBytes + PartitionEntriesBytes(partitions.size());
}

}  // namespace ks
