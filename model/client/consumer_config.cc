#include "model/client/consumer_config.h"

#include "model/util/config_def.h"

namespace ks {

namespace {

// Kafka's LONG of milliseconds (at least 0) that becomes simulated time.
Status Duration(std::string_view name, std::string_view value, int64_t* out) {
  return config::ParseDurationMs(name, value, 0, out);
}

}  // namespace

std::string_view OffsetResetPolicyName(OffsetResetPolicy policy) {
  switch (policy) {
    case OffsetResetPolicy::kEarliest:
      return "earliest";
    case OffsetResetPolicy::kLatest:
      return "latest";
    case OffsetResetPolicy::kNone:
      return "none";
  }
  return "latest";
}

const std::vector<std::string_view>& ConsumerConfigNames() {
  static const std::vector<std::string_view> kNames = {
      "auto.offset.reset",  "fetch.max.wait.ms",         "fetch.min.bytes",
      "fetch.max.bytes",    "max.partition.fetch.bytes", "max.poll.records",
      "request.timeout.ms", "retry.backoff.ms",          "metadata.max.age.ms",
      "reconnect.backoff.ms", "reconnect.backoff.max.ms",
  };
  return kNames;
}

Status SetConsumerConfig(std::string_view name, std::string_view value, ConsumerConfig* c) {
  // Types and bounds: Kafka's ConsumerConfig.
  if (name == "auto.offset.reset") {
    const std::vector<OffsetResetPolicy> policies = {
        OffsetResetPolicy::kLatest, OffsetResetPolicy::kEarliest, OffsetResetPolicy::kNone};
    size_t index = 0;
    Status s = config::ParseChoice(name, value, {"latest", "earliest", "none"}, &index);
    if (s.ok()) c->auto_offset_reset = policies[index];
    return s;
  }
  if (name == "fetch.max.wait.ms") {
    return config::ParseInt(name, value, 0, INT32_MAX, &c->fetch_max_wait_ms);
  }
  if (name == "fetch.min.bytes")
    return config::ParseInt(name, value, 0, INT32_MAX, &c->fetch_min_bytes);
  if (name == "fetch.max.bytes")
    return config::ParseInt(name, value, 0, INT32_MAX, &c->fetch_max_bytes);
  if (name == "max.partition.fetch.bytes") {
    return config::ParseInt(name, value, 0, INT32_MAX, &c->max_partition_fetch_bytes);
  }
  if (name == "max.poll.records") {
    return config::ParseInt(name, value, 1, INT32_MAX, &c->max_poll_records);
  }
  if (name == "request.timeout.ms") {
    // Kafka takes 0; ValidateConsumerConfig requires more than fetch.max.wait.ms.
    int32_t parsed = 0;
    Status s = config::ParseInt(name, value, 0, INT32_MAX, &parsed);
    if (s.ok()) c->request_timeout_ms = parsed;
    return s;
  }
  if (name == "retry.backoff.ms") return Duration(name, value, &c->retry_backoff_ms);
  if (name == "reconnect.backoff.ms") return Duration(name, value, &c->reconnect_backoff_ms);
  if (name == "reconnect.backoff.max.ms") {
    return Duration(name, value, &c->reconnect_backoff_max_ms);
  }
  if (name == "metadata.max.age.ms") return Duration(name, value, &c->metadata_max_age_ms);
  return config::Unknown("consumer", name, ConsumerConfigNames());
}

Status ValidateConsumerConfig(const ConsumerConfig& c) {
  // A fetch the broker may hold for fetch.max.wait.ms must not time out while it waits.
  if (c.request_timeout_ms <= c.fetch_max_wait_ms) {
    return Status::InvalidArgument(
        "consumer config 'request.timeout.ms' (" + std::to_string(c.request_timeout_ms) +
        ") must be larger than fetch.max.wait.ms (" + std::to_string(c.fetch_max_wait_ms) + ")");
  }
  return Status::Ok();
}

Status ParseConsumerConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                           ConsumerConfig* config) {
  for (const auto& [name, value] : pairs) {
    if (Status s = SetConsumerConfig(name, value, config); !s.ok()) return s;
  }
  return ValidateConsumerConfig(*config);
}

}  // namespace ks
