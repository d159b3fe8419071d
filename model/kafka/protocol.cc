#include "model/kafka/protocol.h"

namespace ks {

namespace {
int64_t Entries(size_t n) { return kPartitionEntryBytes * static_cast<int64_t>(n); }
}  // namespace

int64_t ProduceRequest::SizeBytes() const {
  int64_t size =
      kRequestHeaderBytes + static_cast<int64_t>(client_id.size()) + Entries(partitions.size());
  for (const auto& p : partitions) size += static_cast<int64_t>(p.records.size());
  return size;
}

int64_t ProduceResponse::SizeBytes() const {
  return kRequestHeaderBytes + Entries(partitions.size());
}

int64_t FetchRequest::SizeBytes() const { return kRequestHeaderBytes + Entries(partitions.size()); }

int64_t FetchResponse::SizeBytes() const {
  int64_t size = kRequestHeaderBytes + Entries(partitions.size());
  for (const auto& p : partitions) size += static_cast<int64_t>(p.records.size());
  return size;
}

int64_t MetadataRequest::SizeBytes() const {
  int64_t size = kRequestHeaderBytes;
  for (const auto& t : topics) size += static_cast<int64_t>(t.size()) + 2;
  return size;
}

int64_t MetadataResponse::SizeBytes() const {
  int64_t size =
      kRequestHeaderBytes + 8 * static_cast<int64_t>(brokers.size()) + Entries(partitions.size());
  for (const auto& p : partitions)
    size += 4 * static_cast<int64_t>(p.replicas.size() + p.isr.size());
  return size;
}

int64_t LeaderAndIsrRequest::SizeBytes() const {
  int64_t size = kRequestHeaderBytes + Entries(partitions.size()) +
                 8 * static_cast<int64_t>(live_leaders.size());
  for (const auto& p : partitions)
    size += 4 * static_cast<int64_t>(p.replicas.size() + p.isr.size());
  return size;
}

int64_t LeaderAndIsrResponse::SizeBytes() const {
  return kRequestHeaderBytes + 8 * static_cast<int64_t>(partitions.size());
}

int64_t UpdateMetadataRequest::SizeBytes() const {
  int64_t size = kRequestHeaderBytes + Entries(partitions.size()) +
                 8 * static_cast<int64_t>(live_brokers.size());
  for (const auto& p : partitions)
    size += 4 * static_cast<int64_t>(p.replicas.size() + p.isr.size());
  return size;
}

}  // namespace ks
