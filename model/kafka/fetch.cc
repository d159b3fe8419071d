#include "model/kafka/fetch.h"

namespace ks {

int64_t FetchRequest::SizeBytes() const {
  return kRequestHeaderBytes + PartitionEntriesBytes(partitions.size());
}

int64_t FetchResponse::SizeBytes() const {
  int64_t size = kRequestHeaderBytes + PartitionEntriesBytes(partitions.size());
  for (const auto& p : partitions) size += static_cast<int64_t>(p.records.size());
  return size;
}

}  // namespace ks
