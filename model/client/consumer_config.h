// ConsumerConfig: the settings of a KafkaConsumer, with Kafka's names and defaults. Parsing works
// as ProducerConfig's (model/client/producer_config.h): unknown names suggest the closest valid
// one, bad values name the config and what it allows. Group settings (group.id, commits) belong
// to a later issue and are not accepted yet.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/env/status.h"

namespace ks {

// auto.offset.reset: where a partition without a valid position starts.
enum class OffsetResetPolicy { kEarliest, kLatest, kNone };
std::string_view OffsetResetPolicyName(OffsetResetPolicy policy);

struct ConsumerConfig {
  // auto.offset.reset: earliest, latest (Kafka's default) or none (the error is surfaced).
  OffsetResetPolicy auto_offset_reset = OffsetResetPolicy::kLatest;
  // fetch.max.wait.ms: how long the broker may hold a fetch waiting for fetch.min.bytes.
  int32_t fetch_max_wait_ms = 500;
  // fetch.min.bytes: the broker answers once it has this many bytes (or the wait is over).
  int32_t fetch_min_bytes = 1;
  // fetch.max.bytes: the bound on one fetch response.
  int32_t fetch_max_bytes = 52428800;
  // max.partition.fetch.bytes: the bound on one partition's share of a fetch response.
  int32_t max_partition_fetch_bytes = 1048576;
  // max.poll.records: records one poll returns at most.
  int32_t max_poll_records = 500;
  // request.timeout.ms: how long one request waits for its response.
  int64_t request_timeout_ms = 30000;
  // retry.backoff.ms: the wait before a failed fetch or offset lookup is retried.
  int64_t retry_backoff_ms = 100;
  // reconnect.backoff.ms / reconnect.backoff.max.ms: after a connection to a broker failed, the
  // wait before the next attempt, doubled per failure in a row up to the maximum (client_metadata.h).
  int64_t reconnect_backoff_ms = 50;
  int64_t reconnect_backoff_max_ms = 1000;
  // metadata.max.age.ms: metadata is refreshed at least this often.
  int64_t metadata_max_age_ms = 300000;
};

Status ParseConsumerConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                           ConsumerConfig* config);
Status SetConsumerConfig(std::string_view name, std::string_view value, ConsumerConfig* config);
Status ValidateConsumerConfig(const ConsumerConfig& config);
const std::vector<std::string_view>& ConsumerConfigNames();

}  // namespace ks
