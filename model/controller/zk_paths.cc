#include "model/controller/zk_paths.h"

#include <charconv>

namespace ks::zk_paths {

namespace {

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find(separator, start);
    if (end == std::string::npos) {
      parts.push_back(text.substr(start));
      break;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  T value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int32_t> ParseInt32(const std::string& text) { return ParseNumber<int32_t>(text); }

}  // namespace

std::string BrokerPath(BrokerId id) { return std::string(kBrokerIds) + "/" + std::to_string(id); }
std::string TopicPath(const std::string& topic) { return std::string(kBrokerTopics) + "/" + topic; }
std::string PartitionsPath(const std::string& topic) { return TopicPath(topic) + "/partitions"; }
std::string PartitionPath(const TopicPartition& tp) {
  return PartitionsPath(tp.topic) + "/" + std::to_string(tp.partition);
}
std::string PartitionStatePath(const TopicPartition& tp) { return PartitionPath(tp) + "/state"; }
std::string TopicConfigPath(const std::string& topic) {
  return std::string(kConfigTopics) + "/" + topic;
}

std::string EncodeBrokers(const std::vector<BrokerId>& brokers) {
  std::string text;
  for (BrokerId id : brokers) text += (text.empty() ? "" : ",") + std::to_string(id);
  return text;
}

std::optional<std::vector<BrokerId>> DecodeBrokers(const std::string& text) {
  std::vector<BrokerId> brokers;
  if (text.empty()) return brokers;
  for (const std::string& part : Split(text, ',')) {
    std::optional<int32_t> id = ParseInt32(part);
    if (!id) return std::nullopt;
    brokers.push_back(*id);
  }
  return brokers;
}

std::string EncodeAssignment(const Assignment& assignment, const OngoingReassignments& ongoing) {
  std::string text;
  for (const auto& [partition, replicas] : assignment) {
    text += (text.empty() ? "" : ";") + std::to_string(partition) + "=" + EncodeBrokers(replicas);
    auto it = ongoing.find(partition);
    if (it != ongoing.end()) {
      text += "|adding=" + EncodeBrokers(it->second.adding) +
              "|removing=" + EncodeBrokers(it->second.removing);
    }
  }
  return text;
}

namespace {

// One "p=replicas[|adding=..|removing=..]" entry of a topic znode.
bool DecodeAssignmentEntry(const std::string& entry, int32_t* partition,
                           std::vector<BrokerId>* replicas, OngoingReassignment* ongoing,
                           bool* reassigning) {
  const size_t equals = entry.find('=');
  if (equals == std::string::npos) return false;
  std::optional<int32_t> id = ParseInt32(entry.substr(0, equals));
  std::vector<std::string> parts = Split(entry.substr(equals + 1), '|');
  std::optional<std::vector<BrokerId>> list = DecodeBrokers(parts[0]);
  if (!id || !list) return false;
  *partition = *id;
  *replicas = *list;
  *reassigning = parts.size() > 1;
  for (size_t i = 1; i < parts.size(); ++i) {
    const size_t at = parts[i].find('=');
    if (at == std::string::npos) return false;
    std::optional<std::vector<BrokerId>> brokers = DecodeBrokers(parts[i].substr(at + 1));
    if (!brokers) return false;
    const std::string key = parts[i].substr(0, at);
    if (key == "adding")
      ongoing->adding = *brokers;
    else if (key == "removing")
      ongoing->removing = *brokers;
  }
  return true;
}

}  // namespace

std::optional<Assignment> DecodeAssignment(const std::string& text) {
  Assignment assignment;
  if (text.empty()) return assignment;
  for (const std::string& entry : Split(text, ';')) {
    int32_t partition = 0;
    std::vector<BrokerId> replicas;
    OngoingReassignment ongoing;
    bool reassigning = false;
    if (!DecodeAssignmentEntry(entry, &partition, &replicas, &ongoing, &reassigning)) {
      return std::nullopt;
    }
    assignment[partition] = replicas;
  }
  return assignment;
}

OngoingReassignments DecodeOngoingReassignments(const std::string& text) {
  OngoingReassignments result;
  if (text.empty()) return result;
  for (const std::string& entry : Split(text, ';')) {
    int32_t partition = 0;
    std::vector<BrokerId> replicas;
    OngoingReassignment ongoing;
    bool reassigning = false;
    if (DecodeAssignmentEntry(entry, &partition, &replicas, &ongoing, &reassigning) &&
        reassigning) {
      result[partition] = ongoing;
    }
  }
  return result;
}

std::string EncodePartitionState(const PartitionStateData& state) {
  std::string text = "leader=" + std::to_string(state.leader) +
                     ";leader_epoch=" + std::to_string(state.leader_epoch) +
                     ";isr=" + EncodeBrokers(state.isr) +
                     ";controller_epoch=" + std::to_string(state.controller_epoch);
  // Only when there is one, so that a cluster without ELR writes what it always wrote.
  if (!state.elr.empty()) text += ";elr=" + EncodeBrokers(state.elr);
  return text;
}

std::optional<PartitionStateData> DecodePartitionState(const std::string& text) {
  PartitionStateData state;
  for (const std::string& field : Split(text, ';')) {
    const size_t equals = field.find('=');
    if (equals == std::string::npos) return std::nullopt;
    const std::string key = field.substr(0, equals);
    const std::string value = field.substr(equals + 1);
    if (key == "isr" || key == "elr") {
      std::optional<std::vector<BrokerId>> brokers = DecodeBrokers(value);
      if (!brokers) return std::nullopt;
      (key == "isr" ? state.isr : state.elr) = *brokers;
      continue;
    }
    std::optional<int32_t> number = ParseInt32(value);
    if (!number) return std::nullopt;
    if (key == "leader")
      state.leader = *number;
    else if (key == "leader_epoch")
      state.leader_epoch = *number;
    else if (key == "controller_epoch")
      state.controller_epoch = *number;
  }
  return state;
}

std::string EncodeConfig(const std::vector<std::pair<std::string, std::string>>& config) {
  std::string text;
  for (const auto& [key, value] : config) text += (text.empty() ? "" : ";") + key + "=" + value;
  return text;
}

std::vector<std::pair<std::string, std::string>> DecodeConfig(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> config;
  if (text.empty()) return config;
  for (const std::string& entry : Split(text, ';')) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos) continue;
    config.emplace_back(entry.substr(0, equals), entry.substr(equals + 1));
  }
  return config;
}

std::optional<TopicPartition> ParseTopicPartition(const std::string& name) {
  const size_t dash = name.rfind('-');
  if (dash == std::string::npos || dash == 0) return std::nullopt;
  std::optional<int32_t> partition = ParseInt32(name.substr(dash + 1));
  if (!partition) return std::nullopt;
  return TopicPartition{name.substr(0, dash), *partition};
}

std::map<TopicPartition, std::vector<BrokerId>> DecodeReassignments(const std::string& text) {
  std::map<TopicPartition, std::vector<BrokerId>> moves;
  if (text.empty()) return moves;
  for (const std::string& entry : Split(text, ';')) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos) continue;
    std::optional<TopicPartition> tp = ParseTopicPartition(entry.substr(0, equals));
    std::optional<std::vector<BrokerId>> replicas = DecodeBrokers(entry.substr(equals + 1));
    if (tp && replicas) moves[*tp] = *replicas;
  }
  return moves;
}

std::string EncodeReassignments(const std::map<TopicPartition, std::vector<BrokerId>>& moves) {
  std::string text;
  for (const auto& [tp, replicas] : moves) {
    text += (text.empty() ? "" : ";") + tp.Name() + "=" + EncodeBrokers(replicas);
  }
  return text;
}

std::vector<TopicPartition> DecodePartitionList(const std::string& text) {
  std::vector<TopicPartition> partitions;
  if (text.empty()) return partitions;
  for (const std::string& name : Split(text, ',')) {
    if (std::optional<TopicPartition> tp = ParseTopicPartition(name)) partitions.push_back(*tp);
  }
  return partitions;
}

std::string EncodeController(BrokerId id) { return "brokerid=" + std::to_string(id); }

std::optional<BrokerId> DecodeController(const std::string& text) {
  constexpr std::string_view kPrefix = "brokerid=";
  if (text.rfind(kPrefix, 0) != 0) return std::nullopt;
  return ParseNumber<BrokerId>(std::string_view(text).substr(kPrefix.size()));
}

std::optional<int32_t> DecodeControllerEpoch(const std::string& text) {
  return ParseNumber<int32_t>(text);
}

std::string EncodeBrokerRegistration(const BrokerRegistration& registration) {
  std::string text = "node=" + std::to_string(registration.node);
  if (registration.previous_epoch) {
    text += ";previous_epoch=" + std::to_string(*registration.previous_epoch);
  }
  return text;
}

std::optional<BrokerRegistration> DecodeBrokerRegistration(const std::string& text) {
  constexpr std::string_view kNode = "node=";
  constexpr std::string_view kPreviousEpoch = ";previous_epoch=";
  if (text.rfind(kNode, 0) != 0) return std::nullopt;
  const size_t at = text.find(kPreviousEpoch);
  const std::string_view node = std::string_view(text).substr(
      kNode.size(), at == std::string::npos ? std::string::npos : at - kNode.size());
  BrokerRegistration registration;
  std::optional<NodeId> parsed_node = ParseNumber<NodeId>(node);
  if (!parsed_node) return std::nullopt;
  registration.node = *parsed_node;
  if (at != std::string::npos) {
    registration.previous_epoch =
        ParseNumber<int64_t>(std::string_view(text).substr(at + kPreviousEpoch.size()));
    if (!registration.previous_epoch) return std::nullopt;
  }
  return registration;
}

}  // namespace ks::zk_paths
