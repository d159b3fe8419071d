#include "model/client/producer_config.h"

#include "model/client/config_parsing.h"

namespace ks {

namespace {

constexpr std::string_view kKind = "producer";
constexpr int64_t kLongMax = INT64_MAX;

using client_config::Invalid;
using client_config::ParseInteger;
using client_config::ParseInteger32;

}  // namespace

const std::vector<std::string_view>& ProducerConfigNames() {
  static const std::vector<std::string_view> kNames = {
      "acks",
      "batch.size",
      "linger.ms",
      "compression.type",
      "retries",
      "retry.backoff.ms",
      "max.in.flight.requests.per.connection",
      "delivery.timeout.ms",
      "request.timeout.ms",
      "metadata.max.age.ms",
      "max.request.size",
      "buffer.memory",
      "partitioner.class",
      "enable.idempotence",
  };
  return kNames;
}

std::string AcksName(int16_t acks) { return acks == kAcksAll ? "all" : std::to_string(acks); }

Status SetProducerConfig(std::string_view name, std::string_view value, ProducerConfig* c) {
  if (name == "acks") {
    if (value == "0") {
      c->acks = kAcksNone;
    } else if (value == "1") {
      c->acks = kAcksLeader;
    } else if (value == "all" || value == "-1") {
      c->acks = kAcksAll;
    } else {
      return Invalid(kKind, name, value, "0, 1, all, -1");
    }
    return Status::Ok();
  }
  if (name == "batch.size") {
    return ParseInteger32(kKind, name, value, 0, INT32_MAX, &c->batch_size_bytes);
  }
  if (name == "linger.ms") return ParseInteger(kKind, name, value, 0, kLongMax, &c->linger_ms);
  if (name == "compression.type") {
    const std::optional<CompressionType> type = ParseCompressionName(value);
    if (!type || !CompressionSupported(*type)) {
      return Invalid(kKind, name, value, "none, gzip, lz4, zstd (snappy is not built in)");
    }
    c->compression = *type;
    return Status::Ok();
  }
  if (name == "retries") return ParseInteger32(kKind, name, value, 0, INT32_MAX, &c->retries);
  if (name == "retry.backoff.ms") {
    return ParseInteger(kKind, name, value, 0, kLongMax, &c->retry_backoff_ms);
  }
  if (name == "max.in.flight.requests.per.connection") {
    return ParseInteger32(kKind, name, value, 1, INT32_MAX,
                          &c->max_in_flight_requests_per_connection);
  }
  if (name == "delivery.timeout.ms") {
    return ParseInteger(kKind, name, value, 0, INT32_MAX, &c->delivery_timeout_ms);
  }
  if (name == "request.timeout.ms") {
    return ParseInteger(kKind, name, value, 0, INT32_MAX, &c->request_timeout_ms);
  }
  if (name == "metadata.max.age.ms") {
    return ParseInteger(kKind, name, value, 0, kLongMax, &c->metadata_max_age_ms);
  }
  if (name == "max.request.size") {
    return ParseInteger32(kKind, name, value, 1, INT32_MAX, &c->max_request_size_bytes);
  }
  if (name == "buffer.memory") {
    return ParseInteger(kKind, name, value, 0, kLongMax, &c->buffer_memory_bytes);
  }
  if (name == "partitioner.class") {
    const std::optional<PartitionerKind> kind = ParsePartitionerName(value);
    if (!kind) {
      return Invalid(kKind, name, value, "default, uniform_sticky, round_robin, random");
    }
    c->partitioner = *kind;
    return Status::Ok();
  }
  if (name == "enable.idempotence") {
    bool enabled = false;
    if (Status s = client_config::ParseBoolean(kKind, name, value, &enabled); !s.ok()) return s;
    if (enabled) {
      return Invalid(kKind, name, value,
                     "false (idempotent and transactional producers are not modelled yet)");
    }
    c->enable_idempotence = false;
    return Status::Ok();
  }
  return client_config::Unknown(kKind, name, ProducerConfigNames());
}

Status ValidateProducerConfig(const ProducerConfig& c) {
  // Kafka's producer refuses this at construction: a batch could never be delivered in time.
  if (c.delivery_timeout_ms < c.linger_ms + c.request_timeout_ms) {
    return Status::InvalidArgument("producer config 'delivery.timeout.ms' (" +
                                   std::to_string(c.delivery_timeout_ms) +
                                   ") must be at least linger.ms + request.timeout.ms (" +
                                   std::to_string(c.linger_ms + c.request_timeout_ms) + ")");
  }
  return Status::Ok();
}

Status ParseProducerConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                           ProducerConfig* config) {
  for (const auto& [name, value] : pairs) {
    if (Status s = SetProducerConfig(name, value, config); !s.ok()) return s;
  }
  return ValidateProducerConfig(*config);
}

}  // namespace ks
