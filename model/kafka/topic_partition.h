// TopicPartition: the name of one partition ("orders-0"), the key of everything per partition.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace ks {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  std::string Name() const { return topic + "-" + std::to_string(partition); }
  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
};

// Kafka's broker ids are small integers chosen by configuration (broker.id); they are not the
// simulator's node ids. -1 means "none" (no leader, a consumer's replica id).
using BrokerId = int32_t;
constexpr BrokerId kNoBroker = -1;

}  // namespace ks
