// TopicConfig: one topic's settings, as Kafka's topic-level configs (TopicConfig.java, checked by
// LogConfig.java) define them: the log's (LogConfig: segment.bytes, retention.ms, cleanup.policy,
// ...) and the replication's (min.insync.replicas, unclean.leader.election.enable).
//
// A topic stores only what it overrides (kafka-topics --config NAME=VALUE), as text in ZooKeeper's
// /config/topics/<topic>; every other setting comes from the broker's defaults (log.segment.bytes,
// min.insync.replicas, ... in server.properties), which may differ from broker to broker.
// TopicConfigOverrides is that text parsed and validated once — unknown names and bad values
// refused with Kafka's messages — and holds the typed values; ApplyTo lays them over any
// broker's defaults without reading text again. The admin tool and brokers validate a topic's
// config with it before writing the znode, and the controller parses the znode with it once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/env/status.h"
#include "model/log/log_config.h"

namespace ks {

using ConfigPairs = std::vector<std::pair<std::string, std::string>>;

struct TopicConfig {
  // min.insync.replicas: the ISR size below which an acks=all produce fails NOT_ENOUGH_REPLICAS.
  int32_t min_insync_replicas = 1;
  // unclean.leader.election.enable: may an out-of-sync replica lead when no ISR member is alive.
  bool unclean_leader_election_enable = false;
  LogConfig log;
};

class TopicConfigOverrides {
 public:
  TopicConfigOverrides() = default;

  // Parses a topic's overrides (name, value text), in order. Every name must be a topic config
  // ("Unknown topic config name: x", Kafka's LogConfig.validateNames) and every value valid
  // (Kafka's ConfigException message). On error returns InvalidArgument, sets *bad_index (if
  // given) to the offending pair, and leaves *out unchanged.
  static Status Parse(const ConfigPairs& pairs, TopicConfigOverrides* out,
                      size_t* bad_index = nullptr);

  // `defaults` (a broker's topic defaults) with these overrides laid over them.
  TopicConfig ApplyTo(TopicConfig defaults) const;

  // The overrides as text, in the order given: what /config/topics/<topic> holds.
  const ConfigPairs& pairs() const { return pairs_; }
  bool empty() const { return pairs_.empty(); }
  // The min.insync.replicas this topic sets for itself, if it does.
  std::optional<int32_t> min_insync_replicas() const;

 private:
  ConfigPairs pairs_;
  TopicConfig values_;                 // parsed values; meaningful only where set
  std::vector<LogConfigKey> log_set_;  // the log settings overridden
  bool min_insync_replicas_set_ = false;
  bool unclean_leader_election_enable_set_ = false;
};

// Every topic config name (for suggestions and docs).
const std::vector<std::string_view>& TopicConfigNames();

// The topic-level configs (min.insync.replicas, unclean.leader.election.enable and the log's)
// parsed into *config: for the broker's defaults (server.properties names without "log.").
// Returns NotFound (and leaves *config alone) if `name` is not a topic config.
Status SetTopicConfig(std::string_view name, std::string_view value, TopicConfig* config);

}  // namespace ks
