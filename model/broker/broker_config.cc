#include "model/broker/broker_config.h"

#include <algorithm>
#include <optional>
#include <string>

#include "model/util/config_def.h"

namespace ks {

namespace {

// A bound kafkasim sets below Kafka's own (Kafka takes any value of the type).
Status KafkasimMinimum(std::string_view name, std::string_view value, int64_t min,
                       std::string_view why) {
  return config::Invalid(
      name, value, "Value must be at least " + std::to_string(min) + " (" + std::string(why) + ")");
}

// Kafka's INT, at least `min` (Kafka's own bound when `why` is empty, else kafkasim's).
template <typename Field>
Status Int(std::string_view name, std::string_view value, int32_t min, Field* out,
           std::string_view why = {}) {
  int32_t parsed = 0;
  Status s = config::ParseInt(name, value, why.empty() ? min : INT32_MIN, INT32_MAX, &parsed);
  if (s.ok() && parsed < min) s = KafkasimMinimum(name, value, min, why);
  if (s.ok()) *out = parsed;
  return s;
}

// Kafka's LONG counting milliseconds (or seconds, `unit_ms` 1000) that become simulated time.
Status Duration(std::string_view name, std::string_view value, int64_t min, int64_t* out,
                int64_t unit_ms = 1, std::string_view why_min = {}) {
  int64_t parsed = 0;
  Status s =
      config::ParseLong(name, value, why_min.empty() ? min : INT64_MIN,
                        config::kMaxDurationMs / unit_ms, &parsed, config::kMaxDurationReason);
  if (s.ok() && parsed < min) s = KafkasimMinimum(name, value, min, why_min);
  if (s.ok()) *out = parsed;
  return s;
}

// "2.6", "0.10.2-IV0", "0.8.2.1", "2.7-IV1": the versions Kafka's ApiVersion accepts, from 0.8.0
// (the first with replication) to 3.9 (the last with ZooKeeper).
Status ParseProtocolVersion(std::string_view name, std::string_view value,
                            InterBrokerProtocolVersion* out) {
  auto invalid = [&] {
    return config::Invalid(name, value,
                           "Version `" + std::string(value) +
                               "` is not a valid version (kafkasim: 0.8.0 to 3.9, the ZooKeeper "
                               "era)");
  };
  std::string_view rest = value;
  InterBrokerProtocolVersion parsed;
  if (size_t dash = rest.find("-IV"); dash != std::string_view::npos) {
    std::string_view iv = rest.substr(dash + 3);
    if (iv.empty() || iv.size() > 2 || iv.find_first_not_of("0123456789") != std::string_view::npos) {
      return invalid();
    }
    parsed.iv = std::stoi(std::string(iv));
    rest = rest.substr(0, dash);
  }
  std::vector<int32_t> parts;
  size_t start = 0;
  while (start <= rest.size()) {
    const size_t dot = std::min(rest.find('.', start), rest.size());
    std::string_view part = rest.substr(start, dot - start);
    if (part.empty() || part.size() > 2 ||
        part.find_first_not_of("0123456789") != std::string_view::npos) {
      return invalid();
    }
    parts.push_back(std::stoi(std::string(part)));
    start = dot + 1;
  }
  // 0.x versions name three parts (0.10.2), later ones two (2.6); a patch may follow.
  const size_t needed = !parts.empty() && parts[0] == 0 ? 3 : 2;
  if (parts.size() < needed || parts.size() > needed + 1) return invalid();
  if (parts[0] == 0) {
    parsed.major = 0;
    parsed.minor = parts[1];
    if (parts[1] < 8 || parts[1] > 11) return invalid();
  } else {
    parsed.major = parts[0];
    parsed.minor = parts[1];
    const bool known = (parsed.major == 1 && parsed.minor <= 1) ||
                       (parsed.major == 2 && parsed.minor <= 8) ||
                       (parsed.major == 3 && parsed.minor <= 9);
    if (!known) return invalid();
  }
  *out = parsed;
  return Status::Ok();
}

using Setter = Status (*)(std::string_view name, std::string_view value, BrokerConfig* c);
struct Setting {
  std::string_view name;
  Setter set;
};

constexpr std::string_view kPositive = "kafkasim: zero or less has no meaning here";

// The broker's own settings, with KafkaConfig's types and bounds.
const std::vector<Setting>& BrokerSettings() {
  static const std::vector<Setting> kSettings = {
      {"broker.id",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 0, &c->broker_id, "kafkasim: brokers are numbered from 0");
       }},
      {"default.replication.factor",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->default_replication_factor, kPositive);
       }},
      {"num.partitions", [](auto name, auto value,
                            BrokerConfig* c) { return Int(name, value, 1, &c->num_partitions); }},
      {"replica.lag.time.max.ms",
       [](auto name, auto value, BrokerConfig* c) {
         return Duration(name, value, 1, &c->replica_lag_time_max_ms, 1, kPositive);
       }},
      {"replica.lag.max.messages",
       [](auto name, auto value, BrokerConfig* c) {
         Status s =
             config::ParseLong(name, value, INT64_MIN, INT64_MAX, &c->replica_lag_max_messages);
         if (s.ok() && c->replica_lag_max_messages < 1) {
           s = KafkasimMinimum(name, value, 1, kPositive);
         }
         return s;
       }},
      {"replica.fetch.wait.max.ms",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 0, &c->replica_fetch_wait_max_ms,
                    "kafkasim: a wait cannot be negative");
       }},
      {"replica.fetch.min.bytes",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->replica_fetch_min_bytes, kPositive);
       }},
      {"replica.fetch.max.bytes",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 0, &c->replica_fetch_max_bytes);
       }},
      {"replica.fetch.backoff.ms",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 0, &c->replica_fetch_backoff_ms);
       }},
      {"replica.socket.timeout.ms",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->replica_socket_timeout_ms, kPositive);
       }},
      {"replica.high.watermark.checkpoint.interval.ms",
       [](auto name, auto value, BrokerConfig* c) {
         return Duration(name, value, 1, &c->replica_high_watermark_checkpoint_interval_ms, 1,
                         kPositive);
       }},
      {"zookeeper.session.timeout.ms",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->zookeeper_session_timeout_ms, kPositive);
       }},
      {"controller.socket.timeout.ms",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->controller_socket_timeout_ms, kPositive);
       }},
      {"inter.broker.protocol.version",
       [](auto name, auto value, BrokerConfig* c) {
         return ParseProtocolVersion(name, value, &c->inter_broker_protocol_version);
       }},
      {"controlled.shutdown.enable",
       [](auto name, auto value, BrokerConfig* c) {
         return config::ParseBoolean(name, value, &c->controlled_shutdown_enable);
       }},
      {"controlled.shutdown.max.retries",
       [](auto name, auto value, BrokerConfig* c) {
         // Kafka takes any INT; zero or less means no attempt at all.
         return Int(name, value, INT32_MIN, &c->controlled_shutdown_max_retries);
       }},
      {"controlled.shutdown.retry.backoff.ms",
       [](auto name, auto value, BrokerConfig* c) {
         return Duration(name, value, 0, &c->controlled_shutdown_retry_backoff_ms, 1,
                         "kafkasim: a wait cannot be negative");
       }},
      {"auto.leader.rebalance.enable",
       [](auto name, auto value, BrokerConfig* c) {
         return config::ParseBoolean(name, value, &c->auto_leader_rebalance_enable);
       }},
      {"leader.imbalance.check.interval.seconds",
       [](auto name, auto value, BrokerConfig* c) {
         return Duration(name, value, 1, &c->leader_imbalance_check_interval_seconds, 1000);
       }},
      {"leader.imbalance.per.broker.percentage",
       [](auto name, auto value, BrokerConfig* c) {
         Status s =
             config::ParseInt(name, value, INT32_MIN, 100,
                              &c->leader_imbalance_per_broker_percentage, "kafkasim: a percentage");
         if (s.ok() && c->leader_imbalance_per_broker_percentage < 0) {
           s = KafkasimMinimum(name, value, 0, "kafkasim: a percentage");
         }
         return s;
       }},
      {"kafkasim.isr.lag.mode",
       [](auto name, auto value, BrokerConfig* c) {
         size_t index = 0;
         Status s = config::ParseChoice(name, value, {"time", "count"}, &index);
         if (s.ok()) c->isr_lag_mode = index == 0 ? IsrLagMode::kTime : IsrLagMode::kCount;
         return s;
       }},
      {"kafkasim.truncation.mode",
       [](auto name, auto value, BrokerConfig* c) {
         size_t index = 0;
         Status s =
             config::ParseChoice(name, value, {"leader-epoch", "kip-101", "legacy-hw"}, &index);
         if (s.ok()) {
           c->truncation_mode = index == 0   ? TruncationMode::kLeaderEpoch
                                : index == 1 ? TruncationMode::kKip101
                                             : TruncationMode::kLegacyHighWatermark;
         }
         return s;
       }},
      {"eligible.leader.replicas.version",
       [](auto name, auto value, BrokerConfig* c) {
         // A feature level in Kafka (kafka-features.sh): 0 (off) or 1.
         return config::ParseInt(name, value, 0, 1, &c->eligible_leader_replicas_version,
                                 "the feature's highest level");
       }},
      // GroupCoordinatorConfig and TransactionLogConfig.
      {"offsets.topic.num.partitions",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->offsets_topic_num_partitions);
       }},
      {"offsets.topic.replication.factor",
       [](auto name, auto value, BrokerConfig* c) {
         return config::ParseShort(name, value, 1, INT16_MAX, &c->offsets_topic_replication_factor);
       }},
      {"offsets.topic.segment.bytes",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->offsets_topic_segment_bytes);
       }},
      {"transaction.state.log.num.partitions",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->transaction_state_log_num_partitions);
       }},
      {"transaction.state.log.replication.factor",
       [](auto name, auto value, BrokerConfig* c) {
         return config::ParseShort(name, value, 1, INT16_MAX,
                                   &c->transaction_state_log_replication_factor);
       }},
      {"transaction.state.log.min.isr",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->transaction_state_log_min_isr);
       }},
      {"transaction.state.log.segment.bytes",
       [](auto name, auto value, BrokerConfig* c) {
         return Int(name, value, 1, &c->transaction_state_log_segment_bytes);
       }},
  };
  return kSettings;
}

// Broker-level names of topic-level settings ("log.segment.bytes" for segment.bytes), as in
// server.properties.
const std::vector<std::pair<std::string_view, std::string_view>>& BrokerLogAliases() {
  static const std::vector<std::pair<std::string_view, std::string_view>> aliases = {
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

// A topic-level setting (or one of the log's background tasks) under its broker or topic name;
// NotFound if `name` is neither. Messages name the config as it was written.
Status SetTopicDefault(std::string_view name, std::string_view value, BrokerConfig* c) {
  std::string_view topic_name = name;
  for (const auto& [alias, target] : BrokerLogAliases()) {
    if (name == alias) topic_name = target;
  }
  std::optional<LogConfigKey> key = FindLogConfigKey(topic_name);
  if (key && !IsTopicLevel(*key)) {
    // The broker's background tasks (log.retention.check.interval.ms, log.cleaner.backoff.ms,
    // the two checkpoint intervals).
    return SetLogConfig(*key, value, &c->topic_defaults.log);
  }
  TopicConfig parsed = c->topic_defaults;
  Status s = SetTopicConfig(topic_name, value, &parsed);
  if (s.IsNotFound()) return s;
  if (!s.ok() && topic_name != name) {
    // Kafka names the config as given: "... for configuration log.segment.bytes: ...".
    const std::string from = "for configuration " + std::string(topic_name) + ":";
    std::string message = s.message();
    const size_t at = message.find(from);
    if (at != std::string::npos) {
      message.replace(at, from.size(), "for configuration " + std::string(name) + ":");
    }
    return Status::InvalidArgument(message);
  }
  if (s.ok()) c->topic_defaults = std::move(parsed);
  return s;
}

}  // namespace

std::vector<std::string> BrokerConfigNames() {
  std::vector<std::string> names;
  for (const Setting& setting : BrokerSettings()) names.emplace_back(setting.name);
  for (const auto& [alias, topic_name] : BrokerLogAliases()) names.emplace_back(alias);
  for (std::string_view name : TopicConfigNames()) names.emplace_back(name);
  names.emplace_back("log.retention.check.interval.ms");
  names.emplace_back("log.cleaner.backoff.ms");
  names.emplace_back("log.flush.offset.checkpoint.interval.ms");
  names.emplace_back("log.flush.start.offset.checkpoint.interval.ms");
  return names;
}

Status ParseBrokerConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                         BrokerConfig* config, size_t* bad_index) {
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& [name, value] = pairs[i];
    Status s = Status::NotFound(name);
    for (const Setting& setting : BrokerSettings()) {
      if (setting.name == name) s = setting.set(name, value, config);
    }
    if (s.IsNotFound()) s = SetTopicDefault(name, value, config);
    if (s.IsNotFound()) {
      const std::vector<std::string> known = BrokerConfigNames();
      s = config::Unknown("broker", name,
                          std::vector<std::string_view>(known.begin(), known.end()));
    }
    if (!s.ok()) {
      if (bad_index != nullptr) *bad_index = i;
      return s;
    }
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
