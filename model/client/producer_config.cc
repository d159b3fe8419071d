#include "model/client/producer_config.h"

#include "model/util/config_def.h"

namespace ks {

namespace {

// Kafka's LONG of milliseconds (at least 0) that becomes simulated time.
Status Duration(std::string_view name, std::string_view value, int64_t* out) {
  return config::ParseDurationMs(name, value, 0, out);
}

}  // namespace

const std::vector<std::string_view>& ProducerConfigNames() {
  static const std::vector<std::string_view> kNames = {
      "acks",
      "batch.size",
      "linger.ms",
      "compression.type",
      "retries",
      "retry.backoff.ms",
      "reconnect.backoff.ms",
      "reconnect.backoff.max.ms",
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
  // Types and bounds: Kafka's ProducerConfig.
  if (name == "acks") {
    size_t index = 0;
    Status s = config::ParseChoice(name, value, {"all", "-1", "0", "1"}, &index);
    if (s.ok()) c->acks = index <= 1 ? kAcksAll : index == 2 ? kAcksNone : kAcksLeader;
    return s;
  }
  if (name == "batch.size")
    return config::ParseInt(name, value, 0, INT32_MAX, &c->batch_size_bytes);
  if (name == "linger.ms") return Duration(name, value, &c->linger_ms);
  if (name == "compression.type") {
    const std::vector<std::string_view> names = {"none", "gzip", "snappy", "lz4", "zstd"};
    size_t index = 0;
    if (Status s = config::ParseChoice(name, value, names, &index); !s.ok()) return s;
    const CompressionType type = *ParseCompressionName(names[index]);
    if (!CompressionSupported(type)) {
      return config::Invalid(name, value, "snappy is not built into kafkasim");
    }
    c->compression = type;
    return Status::Ok();
  }
  if (name == "retries") return config::ParseInt(name, value, 0, INT32_MAX, &c->retries);
  if (name == "retry.backoff.ms") return Duration(name, value, &c->retry_backoff_ms);
  if (name == "reconnect.backoff.ms") return Duration(name, value, &c->reconnect_backoff_ms);
  if (name == "reconnect.backoff.max.ms") {
    return Duration(name, value, &c->reconnect_backoff_max_ms);
  }
  if (name == "max.in.flight.requests.per.connection") {
    return config::ParseInt(name, value, 1, INT32_MAX, &c->max_in_flight_requests_per_connection);
  }
  if (name == "delivery.timeout.ms") {
    int32_t parsed = 0;
    Status s = config::ParseInt(name, value, 0, INT32_MAX, &parsed);
    if (s.ok()) c->delivery_timeout_ms = parsed;
    return s;
  }
  if (name == "request.timeout.ms") {
    int32_t parsed = 0;
    Status s = config::ParseInt(name, value, 0, INT32_MAX, &parsed);
    if (s.ok() && parsed < 1) {
      // Kafka takes 0, and real time moves on between two polls; here a request that times out
      // the instant it is sent would be retried in that same instant, forever.
      s = config::Invalid(name, value,
                          "Value must be at least 1 (kafkasim: at 0 a request times out the "
                          "instant it is sent and is retried in that instant, forever)");
    }
    if (s.ok()) c->request_timeout_ms = parsed;
    return s;
  }
  if (name == "metadata.max.age.ms") return Duration(name, value, &c->metadata_max_age_ms);
  if (name == "max.request.size") {
    return config::ParseInt(name, value, 0, INT32_MAX, &c->max_request_size_bytes);
  }
  if (name == "buffer.memory") {
    return config::ParseLong(name, value, 0, INT64_MAX, &c->buffer_memory_bytes);
  }
  if (name == "partitioner.class") {
    // kafkasim's short names for Kafka's partitioner classes.
    const std::vector<std::string_view> names = {"default", "uniform_sticky", "round_robin",
                                                 "random"};
    size_t index = 0;
    if (Status s = config::ParseChoice(name, value, names, &index); !s.ok()) return s;
    c->partitioner = *ParsePartitionerName(names[index]);
    return Status::Ok();
  }
  if (name == "enable.idempotence") {
    bool enabled = false;
    if (Status s = config::ParseBoolean(name, value, &enabled); !s.ok()) return s;
    if (enabled) {
      return config::Invalid(name, value,
                             "only false: idempotent and transactional producers are not "
                             "modelled yet");
    }
    c->enable_idempotence = false;
    return Status::Ok();
  }
  return config::Unknown("producer", name, ProducerConfigNames());
}

Status ValidateProducerConfig(const ProducerConfig& c) {
  // Kafka's producer refuses this at construction: a batch could never be delivered in time.
  if (c.delivery_timeout_ms < c.linger_ms + c.request_timeout_ms) {
    // KafkaProducer's ConfigException text.
    return Status::InvalidArgument(
        "delivery.timeout.ms should be equal to or larger than "
        "linger.ms + request.timeout.ms (" +
        std::to_string(c.delivery_timeout_ms) + " < " +
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
