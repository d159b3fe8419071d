#include "model/client/partitioner.h"

#include "model/env/check.h"

namespace ks {

int32_t Murmur2(std::string_view bytes) {
  // All arithmetic in uint32_t: Java's int multiplication wraps the same way, and its >>> is a
  // logical shift, which is what an unsigned shift does.
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const uint32_t length = static_cast<uint32_t>(bytes.size());
  uint32_t h = kSeed ^ length;
  const uint32_t words = length / 4;
  for (uint32_t i = 0; i < words; ++i) {
    const uint32_t j = i * 4;
    uint32_t k = uint32_t{data[j]} | uint32_t{data[j + 1]} << 8 | uint32_t{data[j + 2]} << 16 |
                 uint32_t{data[j + 3]} << 24;
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  // The tail: the cases fall through, as in Kafka's switch.
  const uint32_t tail = words * 4;
  switch (length % 4) {
    case 3:
      h ^= uint32_t{data[tail + 2]} << 16;
      [[fallthrough]];
    case 2:
      h ^= uint32_t{data[tail + 1]} << 8;
      [[fallthrough]];
    case 1:
      h ^= uint32_t{data[tail]};
      h *= kM;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t PartitionForKey(std::string_view key, int32_t partition_count) {
  KS_CHECK(partition_count > 0);
  return ToPositive(Murmur2(key)) % partition_count;
}

std::string_view PartitionerName(PartitionerKind kind) {
  switch (kind) {
    case PartitionerKind::kDefault:
      return "default";
    case PartitionerKind::kUniformSticky:
      return "uniform_sticky";
    case PartitionerKind::kRoundRobin:
      return "round_robin";
    case PartitionerKind::kRandom:
      return "random";
  }
  return "default";
}

std::optional<PartitionerKind> ParsePartitionerName(std::string_view name) {
  for (PartitionerKind kind : {PartitionerKind::kDefault, PartitionerKind::kUniformSticky,
                               PartitionerKind::kRoundRobin, PartitionerKind::kRandom}) {
    if (name == PartitionerName(kind)) return kind;
  }
  if (name == "key_hash") return PartitionerKind::kDefault;  // the other name for it
  return std::nullopt;
}

int32_t Partitioner::Partition(const std::string& topic, const std::optional<std::string_view>& key,
                               int32_t partition_count, std::span<const int32_t> available) {
  KS_CHECK(partition_count > 0);
  switch (kind_) {
    case PartitionerKind::kDefault:
      if (key.has_value()) return PartitionForKey(*key, partition_count);
      return StickyPartition(topic, partition_count, available);
    case PartitionerKind::kUniformSticky:
      return StickyPartition(topic, partition_count, available);
    case PartitionerKind::kRoundRobin: {
      auto it = round_robin_.find(topic);
      if (it == round_robin_.end()) it = round_robin_.emplace(topic, 0).first;
      const uint32_t next = it->second++;
      if (!available.empty()) return available[next % available.size()];
      return static_cast<int32_t>(next % static_cast<uint32_t>(partition_count));
    }
    case PartitionerKind::kRandom:
      return RandomPartition(partition_count, available, -1);
  }
  return 0;
}

int32_t Partitioner::StickyPartition(const std::string& topic, int32_t partition_count,
                                     std::span<const int32_t> available) {
  auto it = sticky_.find(topic);
  if (it != sticky_.end() && it->second < partition_count) return it->second;
  const int32_t chosen = RandomPartition(partition_count, available, -1);
  sticky_[topic] = chosen;
  return chosen;
}

void Partitioner::OnNewBatch(const std::string& topic, int32_t partition_count,
                             std::span<const int32_t> available, int32_t previous) {
  KS_CHECK(partition_count > 0);
  auto it = sticky_.find(topic);
  // Another record already moved the sticky partition on: keep that choice (Kafka's
  // StickyPartitionCache.nextPartition compares with the old partition the same way).
  if (it != sticky_.end() && it->second != previous) return;
  sticky_[topic] = RandomPartition(partition_count, available, previous);
}

int32_t Partitioner::RandomPartition(int32_t partition_count, std::span<const int32_t> available,
                                     int32_t excluded) {
  // Candidates: the available partitions (or all), minus `excluded` when another one exists.
  if (!available.empty()) {
    const auto size = static_cast<uint64_t>(available.size());
    if (size == 1) return available[0];
    bool has_excluded = false;
    for (int32_t p : available) has_excluded |= (p == excluded);
    if (!has_excluded) return available[rng_.Below(size)];
    const uint64_t pick = rng_.Below(size - 1);
    for (uint64_t i = 0, seen = 0; i < size; ++i) {
      if (available[i] == excluded) continue;
      if (seen++ == pick) return available[i];
    }
    return available[0];
  }
  if (partition_count == 1) return 0;
  if (excluded < 0 || excluded >= partition_count) {
    return static_cast<int32_t>(rng_.Below(static_cast<uint64_t>(partition_count)));
  }
  const auto pick = static_cast<int32_t>(rng_.Below(static_cast<uint64_t>(partition_count - 1)));
  return pick < excluded ? pick : pick + 1;
}

}  // namespace ks
