// ProducerConfig: the settings of a KafkaProducer, with Kafka's names and defaults.
//
// Configs arrive as text key/value pairs (scenario files). ParseProducerConfig applies them on
// top of the defaults and rejects what Kafka would reject: an unknown name (the error suggests
// the closest valid one), a value that is not allowed (the error names the config, the value and
// what is allowed), and the combination Kafka's producer refuses at construction:
// delivery.timeout.ms < linger.ms + request.timeout.ms.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/client/partitioner.h"
#include "model/env/status.h"
#include "model/kafka/produce.h"
#include "model/log/compression.h"

namespace ks {

struct ProducerConfig {
  // acks: 0 (no response), 1 (the leader appended), all / -1 (the ISR has it).
  int16_t acks = kAcksAll;
  // batch.size: a partition's batch is sent once it holds this many bytes.
  int32_t batch_size_bytes = 16384;
  // linger.ms: how long a batch that is not full waits for more records.
  int64_t linger_ms = 0;
  // compression.type: none, gzip, lz4, zstd (snappy is not built in).
  CompressionType compression = CompressionType::kNone;
  // retries: how often a batch is resent after a retriable error.
  int32_t retries = 2147483647;
  // retry.backoff.ms: the wait before a batch is resent, and between metadata refreshes.
  int64_t retry_backoff_ms = 100;
  // reconnect.backoff.ms / reconnect.backoff.max.ms: after a connection to a broker failed, the
  // wait before the next attempt, doubled per failure in a row up to the maximum (client_metadata.h).
  int64_t reconnect_backoff_ms = 50;
  int64_t reconnect_backoff_max_ms = 1000;
  // max.in.flight.requests.per.connection: unanswered Produce requests per broker.
  int32_t max_in_flight_requests_per_connection = 5;
  // delivery.timeout.ms: the bound on a send, from Send to its acknowledgement or failure.
  int64_t delivery_timeout_ms = 120000;
  // request.timeout.ms: how long one request waits for its response.
  int64_t request_timeout_ms = 30000;
  // metadata.max.age.ms: metadata is refreshed at least this often.
  int64_t metadata_max_age_ms = 300000;
  // max.request.size: the largest request (and so the largest record) the producer sends.
  int32_t max_request_size_bytes = 1048576;
  // buffer.memory: bytes of records the producer holds unsent or unacknowledged. Kafka blocks
  // Send for max.block.ms when it is exhausted; here Send fails at once (the record was never
  // sent), which a workload avoids by capping its outstanding sends.
  int64_t buffer_memory_bytes = 33554432;
  // partitioner.class, by short name: default, uniform_sticky, round_robin, random.
  PartitionerKind partitioner = PartitionerKind::kDefault;
  // enable.idempotence: the hook for idempotent and transactional producers (a later issue);
  // only false is accepted for now.
  bool enable_idempotence = false;
};

// Applies `pairs` (config name, value text) to *config in order, then checks the combination.
// On error returns InvalidArgument; *config is then partially updated.
Status ParseProducerConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                           ProducerConfig* config);
// One pair.
Status SetProducerConfig(std::string_view name, std::string_view value, ProducerConfig* config);
// The checks across configs.
Status ValidateProducerConfig(const ProducerConfig& config);

// Every accepted config name, for help texts and suggestions.
const std::vector<std::string_view>& ProducerConfigNames();

// "all" for -1, else the number.
std::string AcksName(int16_t acks);

}  // namespace ks
