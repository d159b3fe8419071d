// KafkaRequest and KafkaResponse: the base of every Kafka API's messages between clients, brokers
// and the controller, as simulator messages (model/env/message.h). Each API family has its own
// header beside this one (produce.h, fetch.h, metadata.h, list_offsets.h,
// offsets_for_leader_epoch.h, and the controller's leader_and_isr.h, update_metadata.h,
// stop_replica.h, alter_partition.h, controlled_shutdown.h).
//
// The messages are C++ structs whose SizeBytes() approximates their size on the wire (a fixed
// header per request and partition plus the record bytes they carry), which is what the
// network's bandwidth and byte accounting use. Names and fields follow Kafka's protocol; records
// travel as Kafka v2 record batches (model/log/record_batch.h), byte for byte. Every request
// carries a correlation id its response repeats; a response goes back over the connection the
// request came in on, so a reset loses both and the client's request.timeout.ms fires.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/env/message.h"
#include "model/kafka/errors.h"
#include "model/kafka/topic_partition.h"

namespace ks {

// Fixed overheads used by SizeBytes(): a request/response header, and per partition entry.
constexpr int64_t kRequestHeaderBytes = 24;
constexpr int64_t kPartitionEntryBytes = 32;

// The bytes of `count` partition entries.
inline int64_t PartitionEntriesBytes(size_t count) {
  return kPartitionEntryBytes * static_cast<int64_t>(count);
}

struct KafkaRequest : Message {
  int64_t correlation_id = 0;
};
struct KafkaResponse : Message {
  int64_t correlation_id = 0;
};

}  // namespace ks
