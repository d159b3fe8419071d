#include "model/broker/broker_config.h"

#include <charconv>

namespace ks {

namespace {

Status BadValue(std::string_view name, std::string_view value, std::string_view allowed) {
  return Status::InvalidArgument("invalid value '" + std::string(value) + "' for " +
                                 std::string(name) + ": expected " + std::string(allowed));
}

Status ParseInt(std::string_view name, std::string_view value, int64_t lo, int64_t hi,
                std::string_view allowed, int64_t* out) {
  int64_t parsed = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc() || end != value.data() + value.size() || parsed < lo || parsed > hi) {
    return BadValue(name, value, allowed);
  }
  *out = parsed;
  return Status::Ok();
}

template <typename T>
Status ParseIntInto(std::string_view name, std::string_view value, int64_t lo, int64_t hi,
                    std::string_view allowed, T* out) {
  int64_t parsed = 0;
  Status s = ParseInt(name, value, lo, hi, allowed, &parsed);
  if (s.ok()) *out = static_cast<T>(parsed);
  return s;
}

Status ParseBool(std::string_view name, std::string_view value, bool* out) {
  if (value == "true") {
    *out = true;
  } else if (value == "false") {
    *out = false;
  } else {
    return BadValue(name, value, "true or false");
  }
  return Status::Ok();
}

const std::vector<std::string>& BrokerOnlyNames() {
  static const std::vector<std::string> names = {
      "broker.id",
      "min.insync.replicas",
      "default.replication.factor",
      "num.partitions",
      "unclean.leader.election.enable",
      "replica.lag.time.max.ms",
      "replica.lag.max.messages",
      "replica.fetch.wait.max.ms",
      "replica.fetch.min.bytes",
      "replica.fetch.max.bytes",
      "replica.fetch.backoff.ms",
      "replica.socket.timeout.ms",
      "replica.high.watermark.checkpoint.interval.ms",
      "zookeeper.session.timeout.ms",
      "controller.socket.timeout.ms",
      "auto.leader.rebalance.enable",
      "leader.imbalance.check.interval.seconds",
      "leader.imbalance.per.broker.percentage",
      "kafkasim.isr.lag.mode",
      "kafkasim.truncation.mode",
      "eligible.leader.replicas.version",
  };
  return names;
}

// Broker-level names of topic-level settings ("log.segment.bytes" for segment.bytes), as in
// server.properties.
const std::vector<std::pair<std::string, std::string>>& BrokerLogAliases() {
  static const std::vector<std::pair<std::string, std::string>> aliases = {
      {"log.segment.bytes", "segment.bytes"},
      {"log.roll.ms", "segment.ms"},
      {"log.index.size.max.bytes", "segment.index.bytes"},
      {"log.index.interval.bytes", "index.interval.bytes"},
      {"log.retention.ms", "retention.ms"},
      {"log.retention.bytes", "retention.bytes"},
      {"log.cleanup.policy", "cleanup.policy"},
      {"log.cleaner.min.cleanable.ratio", "min.cleanable.dirty.ratio"},
      {"log.cleaner.delete.retention.ms", "delete.retention.ms"},
      {"log.cleaner.min.compaction.lag.ms", "min.compaction.lag.ms"},
      {"log.flush.interval.messages", "flush.messages"},
      {"log.flush.interval.ms", "flush.ms"},
      {"log.message.timestamp.type", "message.timestamp.type"},
      {"message.max.bytes", "max.message.bytes"},
  };
  return aliases;
}

Status SetBrokerOnly(std::string_view name, std::string_view value, BrokerConfig* c) {
  if (name == "broker.id")
    return ParseIntInto(name, value, 0, INT32_MAX, "an integer >= 0", &c->broker_id);
  if (name == "min.insync.replicas") {
    return ParseIntInto(name, value, 1, INT32_MAX, "an integer >= 1", &c->min_insync_replicas);
  }
  if (name == "default.replication.factor") {
    return ParseIntInto(name, value, 1, INT16_MAX, "an integer >= 1",
                        &c->default_replication_factor);
  }
  if (name == "num.partitions") {
    return ParseIntInto(name, value, 1, INT32_MAX, "an integer >= 1", &c->num_partitions);
  }
  if (name == "unclean.leader.election.enable") {
    return ParseBool(name, value, &c->unclean_leader_election_enable);
  }
  if (name == "replica.lag.time.max.ms") {
    return ParseInt(name, value, 1, INT64_MAX, "an integer >= 1", &c->replica_lag_time_max_ms);
  }
  if (name == "replica.lag.max.messages") {
    return ParseInt(name, value, 1, INT64_MAX, "an integer >= 1", &c->replica_lag_max_messages);
  }
  if (name == "replica.fetch.wait.max.ms") {
    return ParseIntInto(name, value, 0, INT32_MAX, "an integer >= 0",
                        &c->replica_fetch_wait_max_ms);
  }
  if (name == "replica.fetch.min.bytes") {
    return ParseIntInto(name, value, 1, INT32_MAX, "an integer >= 1", &c->replica_fetch_min_bytes);
  }
  if (name == "replica.fetch.max.bytes") {
    return ParseIntInto(name, value, 0, INT32_MAX, "an integer >= 0", &c->replica_fetch_max_bytes);
  }
  if (name == "replica.fetch.backoff.ms") {
    return ParseInt(name, value, 0, INT64_MAX, "an integer >= 0", &c->replica_fetch_backoff_ms);
  }
  if (name == "replica.socket.timeout.ms") {
    return ParseInt(name, value, 1, INT64_MAX, "an integer >= 1", &c->replica_socket_timeout_ms);
  }
  if (name == "replica.high.watermark.checkpoint.interval.ms") {
    return ParseInt(name, value, 1, INT64_MAX, "an integer >= 1",
                    &c->replica_high_watermark_checkpoint_interval_ms);
  }
  if (name == "zookeeper.session.timeout.ms") {
    return ParseInt(name, value, 1, INT64_MAX, "an integer >= 1", &c->zookeeper_session_timeout_ms);
  }
  if (name == "controller.socket.timeout.ms") {
    return ParseInt(name, value, 1, INT64_MAX, "an integer >= 1", &c->controller_socket_timeout_ms);
  }
  if (name == "auto.leader.rebalance.enable") {
    return ParseBool(name, value, &c->auto_leader_rebalance_enable);
  }
  if (name == "leader.imbalance.check.interval.seconds") {
    return ParseInt(name, value, 1, INT64_MAX, "an integer >= 1",
                    &c->leader_imbalance_check_interval_seconds);
  }
  if (name == "leader.imbalance.per.broker.percentage") {
    return ParseIntInto(name, value, 0, 100, "an integer from 0 to 100",
                        &c->leader_imbalance_per_broker_percentage);
  }
  if (name == "eligible.leader.replicas.version") {
    return ParseIntInto(name, value, 0, 1, "0 (off) or 1 (KIP-966 Eligible Leader Replicas)",
                        &c->eligible_leader_replicas_version);
  }
  if (name == "kafkasim.isr.lag.mode") {
    if (value == "time")
      c->isr_lag_mode = IsrLagMode::kTime;
    else if (value == "count")
      c->isr_lag_mode = IsrLagMode::kCount;
    else
      return BadValue(name, value,
                      "time (replica.lag.time.max.ms) or count (replica.lag.max.messages)");
    return Status::Ok();
  }
  if (name == "kafkasim.truncation.mode") {
    if (value == "leader-epoch")
      c->truncation_mode = TruncationMode::kLeaderEpoch;
    else if (value == "kip-101")
      c->truncation_mode = TruncationMode::kKip101;
    else if (value == "legacy-hw")
      c->truncation_mode = TruncationMode::kLegacyHighWatermark;
    else
      return BadValue(name, value, "leader-epoch, kip-101 or legacy-hw");
    return Status::Ok();
  }
  return Status::NotFound(std::string(name));
}

}  // namespace

std::vector<std::string> BrokerConfigNames() {
  std::vector<std::string> names = BrokerOnlyNames();
  for (const auto& [alias, topic_name] : BrokerLogAliases()) names.push_back(alias);
  for (std::string_view name : LogConfigNames()) names.emplace_back(name);
  return names;
}

Status ParseBrokerConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                         BrokerConfig* config) {
  for (const auto& [raw_name, value] : pairs) {
    std::string name = raw_name;
    for (const auto& [alias, topic_name] : BrokerLogAliases()) {
      if (name == alias) name = topic_name;
    }
    Status s = SetBrokerOnly(name, value, config);
    if (s.ok()) continue;
    if (!s.IsNotFound()) return s;
    s = SetLogConfig(name, value, &config->log);
    if (s.ok()) continue;
    if (s.message().rfind("unknown log config", 0) != 0) return s;
    // Unknown everywhere: suggest among every broker and topic name.
    std::string closest;
    int best = 1 << 30;
    for (const std::string& candidate : BrokerConfigNames()) {
      const int d = EditDistance(name, candidate);
      if (d < best) {
        best = d;
        closest = candidate;
      }
    }
    std::string message = "unknown config '" + raw_name + "'";
    if (best <= std::max<int>(3, static_cast<int>(raw_name.size()) / 3)) {
      message += " (did you mean '" + closest + "'?)";
    }
    return Status::InvalidArgument(message);
  }
  return Status::Ok();
}

std::string_view TruncationModeName(TruncationMode mode) {
  switch (mode) {
    case TruncationMode::kLeaderEpoch:
      return "leader-epoch";
    case TruncationMode::kKip101:
      return "kip-101";
    case TruncationMode::kLegacyHighWatermark:
      return "legacy-hw";
  }
  return "?";
}

std::string_view IsrLagModeName(IsrLagMode mode) {
  return mode == IsrLagMode::kTime ? "time" : "count";
}

}  // namespace ks
