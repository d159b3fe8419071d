#include "model/admin/replica_assignment.h"

#include <set>
#include <string>

namespace ks {

namespace {

constexpr size_t kMaxTopicNameLength = 249;

std::string ListText(const std::vector<BrokerId>& brokers) {
  std::string text;
  for (BrokerId b : brokers) text += (text.empty() ? "" : ", ") + std::to_string(b);
  return "[" + text + "]";
}

bool HasDuplicates(const std::vector<BrokerId>& brokers) {
  return std::set<BrokerId>(brokers.begin(), brokers.end()).size() != brokers.size();
}

}  // namespace

KafkaError AssignReplicas(int32_t partitions, int32_t replication_factor,
                          const std::vector<BrokerId>& brokers, int32_t first_partition,
                          const zk_paths::Assignment& existing, zk_paths::Assignment* out) {
  if (partitions <= 0) {
    return KafkaError(ErrorCode::kInvalidPartitions, "Number of partitions must be larger than 0.");
  }
  if (replication_factor <= 0) {
    return KafkaError(ErrorCode::kInvalidReplicationFactor,
                      "Replication factor must be larger than 0.");
  }
  const int32_t n = static_cast<int32_t>(brokers.size());
  if (replication_factor > n) {
    return KafkaError(ErrorCode::kInvalidReplicationFactor,
                      "Replication factor: " + std::to_string(replication_factor) +
                          " larger than available brokers: " + std::to_string(n) + ".");
  }
  zk_paths::Assignment assignment = existing;
  int32_t shift = 0;
  for (int32_t p = 0; p < first_partition + partitions; ++p) {
    if (p > 0 && p % n == 0) ++shift;
    if (p < first_partition) continue;
    const int32_t first = p % n;
    std::vector<BrokerId> replicas = {brokers[first]};
    for (int32_t j = 0; j < replication_factor - 1; ++j) {
      const int32_t offset = 1 + (shift + j) % (n - 1);
      replicas.push_back(brokers[(first + offset) % n]);
    }
    assignment[p] = replicas;
  }
  *out = std::move(assignment);
  return KafkaError::None();
}

KafkaError ValidateTopicName(std::string_view topic) {
  std::string reason;
  if (topic.empty()) {
    reason = "the empty string is not allowed";
  } else if (topic == "." || topic == "..") {
    reason = "'" + std::string(topic) + "' is not allowed";
  } else if (topic.size() > kMaxTopicNameLength) {
    reason = "the length of '" + std::string(topic) + "' is longer than the max allowed length " +
             std::to_string(kMaxTopicNameLength);
  } else {
    for (char c : topic) {
      const bool legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!legal) {
        reason = "'" + std::string(topic) +
                 "' contains one or more characters other than ASCII alphanumerics, '.', '_' "
                 "and '-'";
        break;
      }
    }
  }
  if (reason.empty()) return KafkaError::None();
  return KafkaError(ErrorCode::kInvalidTopicException, "Topic name is invalid: " + reason);
}

KafkaError ValidateAssignment(const zk_paths::Assignment& assignment) {
  std::set<size_t> sizes;
  for (const auto& [partition, replicas] : assignment) sizes.insert(replicas.size());
  if (sizes.size() != 1) {
    return KafkaError(ErrorCode::kInvalidReplicaAssignment,
                      "All partitions should have the same number of replicas");
  }
  for (const auto& [partition, replicas] : assignment) {
    if (HasDuplicates(replicas)) {
      return KafkaError(ErrorCode::kInvalidReplicaAssignment,
                        "Duplicate replica assignment found: partition " +
                            std::to_string(partition) + " -> " + ListText(replicas));
    }
  }
  int32_t expected = 0;
  for (const auto& [partition, replicas] : assignment) {
    if (partition != expected++) {
      return KafkaError(ErrorCode::kInvalidReplicaAssignment,
                        "partitions should be a consecutive 0-based integer sequence");
    }
  }
  return KafkaError::None();
}

KafkaError ValidateReassignmentReplicas(const std::vector<BrokerId>& replicas) {
  if (replicas.empty()) {
    return KafkaError(ErrorCode::kInvalidReplicaAssignment,
                      "Empty replica list specified in partition reassignment.");
  }
  if (HasDuplicates(replicas)) {
    return KafkaError(
        ErrorCode::kInvalidReplicaAssignment,
        "Duplicate replica ids in partition reassignment replica list: " + ListText(replicas));
  }
  for (BrokerId b : replicas) {
    if (b < 0) {
      return KafkaError(ErrorCode::kInvalidReplicaAssignment,
                        "Invalid broker id in replica list: " + ListText(replicas));
    }
  }
  return KafkaError::None();
}

}  // namespace ks
