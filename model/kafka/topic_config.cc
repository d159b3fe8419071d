#include "model/kafka/topic_config.h"

#include "model/util/config_def.h"

namespace ks {

namespace {

constexpr std::string_view kMinInsyncReplicas = "min.insync.replicas";
constexpr std::string_view kUncleanLeaderElectionEnable = "unclean.leader.election.enable";

}  // namespace

const std::vector<std::string_view>& TopicConfigNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names = {kMinInsyncReplicas, kUncleanLeaderElectionEnable};
    for (std::string_view name : LogConfigNames()) {
      if (IsTopicLevel(*FindLogConfigKey(name))) names.push_back(name);
    }
    return names;
  }();
  return kNames;
}

Status SetTopicConfig(std::string_view name, std::string_view value, TopicConfig* config) {
  // Kafka's LogConfig: min.insync.replicas an INT of at least 1, unclean.leader.election.enable a
  // BOOLEAN.
  if (name == kMinInsyncReplicas) {
    return config::ParseInt(name, value, 1, INT32_MAX, &config->min_insync_replicas);
  }
  if (name == kUncleanLeaderElectionEnable) {
    return config::ParseBoolean(name, value, &config->unclean_leader_election_enable);
  }
  std::optional<LogConfigKey> key = FindLogConfigKey(name);
  if (!key || !IsTopicLevel(*key)) return Status::NotFound(std::string(name));
  return SetLogConfig(*key, value, &config->log);
}

Status TopicConfigOverrides::Parse(const ConfigPairs& pairs, TopicConfigOverrides* out,
                                   size_t* bad_index) {
  TopicConfigOverrides parsed;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& [name, value] = pairs[i];
    Status s = SetTopicConfig(name, value, &parsed.values_);
    if (s.IsNotFound()) {
      // LogConfig.validateNames: "Unknown topic config name: x".
      s = config::Unknown("topic", name, TopicConfigNames());
    }
    if (!s.ok()) {
      if (bad_index != nullptr) *bad_index = i;
      return s;
    }
    if (name == kMinInsyncReplicas) {
      parsed.min_insync_replicas_set_ = true;
    } else if (name == kUncleanLeaderElectionEnable) {
      parsed.unclean_leader_election_enable_set_ = true;
    } else {
      parsed.log_set_.push_back(*FindLogConfigKey(name));
    }
  }
  parsed.pairs_ = pairs;
  *out = std::move(parsed);
  return Status::Ok();
}

TopicConfig TopicConfigOverrides::ApplyTo(TopicConfig defaults) const {
  if (min_insync_replicas_set_) defaults.min_insync_replicas = values_.min_insync_replicas;
  if (unclean_leader_election_enable_set_) {
    defaults.unclean_leader_election_enable = values_.unclean_leader_election_enable;
  }
  for (LogConfigKey key : log_set_) CopyLogConfig(key, values_.log, &defaults.log);
  return defaults;
}

std::optional<int32_t> TopicConfigOverrides::min_insync_replicas() const {
  if (!min_insync_replicas_set_) return std::nullopt;
  return values_.min_insync_replicas;
}

}  // namespace ks
