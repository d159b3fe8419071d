// Partitioner: how the producer chooses a partition for a record, as Kafka's producer does.
//
// Keyed records hash with Kafka's murmur2 (bit-identical to org.apache.kafka.common.utils.Utils
// .murmur2, so a key lands on the same partition number as with a real Kafka client):
//   partition = ToPositive(Murmur2(key bytes)) % partition_count.
// Kafka's partitioner.class choices, by short name:
//   default         keyed records by hash; null keys "sticky" (KIP-480): every null-key record of a
//                   topic goes to one partition until a batch for it is completed, then the
//                   partitioner switches at random to another available partition.
//   uniform_sticky  sticky for every record, keyed or not (Kafka's UniformStickyPartitioner).
//   round_robin     one partition after the other (over the available ones if any).
//   random          uniformly at random over the available partitions (Kafka 2.3's null-key
//                   behaviour, kept for comparison).
// "Available" means the partition has a leader; with none available, all partitions are used.
// Randomness comes from the Rng handed in (the producer passes env.Random("partitioner")).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/env/rng.h"

namespace ks {

// Kafka's murmur2: seed 0x9747b28c, m 0x5bd1e995, r 24, little-endian 4-byte words, the tail
// mixed as Kafka's Java switch on length % 4. Returns the signed 32-bit result Java returns.
int32_t Murmur2(std::string_view bytes);

// Kafka's Utils.toPositive: clears the sign bit (not abs: INT_MIN maps to 0).
constexpr int32_t ToPositive(int32_t value) { return value & 0x7fffffff; }

// The partition of a keyed record with the default partitioner. REQUIRES: partition_count > 0.
int32_t PartitionForKey(std::string_view key, int32_t partition_count);

enum class PartitionerKind { kDefault, kUniformSticky, kRoundRobin, kRandom };

// "default", "uniform_sticky", "round_robin", "random".
std::string_view PartitionerName(PartitionerKind kind);
std::optional<PartitionerKind> ParsePartitionerName(std::string_view name);

class Partitioner {
 public:
  // `rng` must outlive the partitioner.
  Partitioner(PartitionerKind kind, Rng& rng) : kind_(kind), rng_(rng) {}

  // Chooses a partition of `topic` for a record. `available` lists the partitions that have a
  // leader, ascending. REQUIRES: partition_count > 0.
  int32_t Partition(const std::string& topic, const std::optional<std::string_view>& key,
                    int32_t partition_count, std::span<const int32_t> available);

  // True when the record's partition comes from the sticky cache (the producer then tells the
  // partitioner when a new batch would be needed, KIP-480's "abort on new batch").
  bool IsSticky(const std::optional<std::string_view>& key) const {
    return kind_ == PartitionerKind::kUniformSticky ||
           (kind_ == PartitionerKind::kDefault && !key.has_value());
  }

  // The sticky partition of `topic` (`previous`) needs a new batch: choose another one, at
  // random among the available partitions other than `previous` (all partitions if none is
  // available). Does nothing if the sticky partition already moved away from `previous`.
  void OnNewBatch(const std::string& topic, int32_t partition_count,
                  std::span<const int32_t> available, int32_t previous);

  PartitionerKind kind() const { return kind_; }

 private:
  int32_t StickyPartition(const std::string& topic, int32_t partition_count,
                          std::span<const int32_t> available);
  int32_t RandomPartition(int32_t partition_count, std::span<const int32_t> available,
                          int32_t excluded);

  PartitionerKind kind_;
  Rng& rng_;
  std::map<std::string, int32_t, std::less<>> sticky_;        // topic -> current sticky partition
  std::map<std::string, uint32_t, std::less<>> round_robin_;  // topic -> next counter
};

}  // namespace ks
