#include "model/client/consumer_config.h"

#include "model/client/config_parsing.h"

namespace ks {

namespace {

constexpr std::string_view kKind = "consumer";
constexpr int64_t kLongMax = INT64_MAX;

using client_config::Invalid;
using client_config::ParseInteger;
using client_config::ParseInteger32;

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
  };
  return kNames;
}

Status SetConsumerConfig(std::string_view name, std::string_view value, ConsumerConfig* c) {
  if (name == "auto.offset.reset") {
    for (OffsetResetPolicy policy :
         {OffsetResetPolicy::kEarliest, OffsetResetPolicy::kLatest, OffsetResetPolicy::kNone}) {
      if (value == OffsetResetPolicyName(policy)) {
        c->auto_offset_reset = policy;
        return Status::Ok();
      }
    }
    return Invalid(kKind, name, value, "earliest, latest, none");
  }
  if (name == "fetch.max.wait.ms") {
    return ParseInteger32(kKind, name, value, 0, INT32_MAX, &c->fetch_max_wait_ms);
  }
  if (name == "fetch.min.bytes") {
    return ParseInteger32(kKind, name, value, 0, INT32_MAX, &c->fetch_min_bytes);
  }
  if (name == "fetch.max.bytes") {
    return ParseInteger32(kKind, name, value, 0, INT32_MAX, &c->fetch_max_bytes);
  }
  if (name == "max.partition.fetch.bytes") {
    return ParseInteger32(kKind, name, value, 0, INT32_MAX, &c->max_partition_fetch_bytes);
  }
  if (name == "max.poll.records") {
    return ParseInteger32(kKind, name, value, 1, INT32_MAX, &c->max_poll_records);
  }
  if (name == "request.timeout.ms") {
    return ParseInteger(kKind, name, value, 0, INT32_MAX, &c->request_timeout_ms);
  }
  if (name == "retry.backoff.ms") {
    return ParseInteger(kKind, name, value, 0, kLongMax, &c->retry_backoff_ms);
  }
  if (name == "metadata.max.age.ms") {
    return ParseInteger(kKind, name, value, 0, kLongMax, &c->metadata_max_age_ms);
  }
  return client_config::Unknown(kKind, name, ConsumerConfigNames());
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
