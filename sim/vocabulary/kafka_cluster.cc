#include "sim/vocabulary/kafka_cluster.h"

#include "model/coord/zk_server.h"

namespace ks {

Broker* KafkaCluster::BrokerProcess(World& world, BrokerId id) const {
  auto it = brokers.find(id);
  if (it == brokers.end()) return nullptr;
  return world.ProcessAs<Broker>(it->second);
}

BrokerId KafkaCluster::BrokerOfNode(NodeId node) const {
  for (const auto& [id, n] : brokers) {
    if (n == node) return id;
  }
  return kNoBroker;
}

namespace {
std::optional<std::string> ReadZnode(World& world, NodeId zookeeper, const std::string& path) {
  auto* server = world.ProcessAs<ZkServer>(zookeeper);
  if (server == nullptr) return std::nullopt;
  std::string data;
  ZkStat stat;
  // A read without a watch (session 0) does not change the tree.
  if (const_cast<ZkTree&>(server->tree()).GetData(path, 0, &data, &stat) != ZkError::kOk) {
    return std::nullopt;
  }
  return data;
}
}  // namespace

std::optional<zk_paths::PartitionStateData> KafkaCluster::PartitionState(
    World& world, const TopicPartition& tp) const {
  std::optional<std::string> data = ReadZnode(world, zookeeper, zk_paths::PartitionStatePath(tp));
  if (!data) return std::nullopt;
  return zk_paths::DecodePartitionState(*data);
}

std::optional<std::vector<BrokerId>> KafkaCluster::Replicas(World& world,
                                                            const TopicPartition& tp) const {
  const std::vector<BrokerId>* replicas = ReplicasIn(TopicAssignment(world, tp.topic), tp);
  if (replicas == nullptr) return std::nullopt;
  return *replicas;
}

const std::optional<zk_paths::Assignment>& KafkaCluster::TopicAssignment(
    World& world, const std::string& topic) const {
  DecodedAssignment& decoded = decoded_assignments_[topic];
  auto* server = world.ProcessAs<ZkServer>(zookeeper);
  const std::string path = zk_paths::TopicPath(topic);
  ZkStat stat;
  // An existence check without a watch (session 0) reads the version without copying the data.
  if (server == nullptr ||
      const_cast<ZkTree&>(server->tree()).Exists(path, 0, &stat) != ZkError::kOk) {
    decoded = DecodedAssignment{};
    return decoded.assignment;
  }
  const uint32_t incarnation = world.incarnation(zookeeper);
  if (decoded.zookeeper_incarnation == incarnation && decoded.czxid == stat.czxid &&
      decoded.mzxid == stat.mzxid) {
    return decoded.assignment;
  }
  std::optional<std::string> data = ReadZnode(world, zookeeper, path);
  decoded.zookeeper_incarnation = incarnation;
  decoded.czxid = stat.czxid;
  decoded.mzxid = stat.mzxid;
  decoded.assignment = data ? zk_paths::DecodeAssignment(*data) : std::nullopt;
  return decoded.assignment;
}

const std::vector<BrokerId>* KafkaCluster::ReplicasIn(
    const std::optional<zk_paths::Assignment>& live, const TopicPartition& tp) const {
  if (live) {
    auto it = live->find(tp.partition);
    if (it != live->end()) return &it->second;
  }
  for (const TopicSpec& topic : topics) {
    if (topic.name != tp.topic) continue;
    auto it = topic.assignment.find(tp.partition);
    if (it != topic.assignment.end()) return &it->second;
  }
  return nullptr;
}

BrokerId KafkaCluster::ControllerId(World& world) const {
  std::optional<std::string> data = ReadZnode(world, zookeeper, zk_paths::kController);
  std::optional<BrokerId> id = data ? zk_paths::DecodeController(*data) : std::nullopt;
  return id.value_or(kNoBroker);
}

int64_t KafkaCluster::ControllerEpoch(World& world) const {
  std::optional<std::string> data = ReadZnode(world, zookeeper, zk_paths::kControllerEpoch);
  std::optional<int32_t> epoch = data ? zk_paths::DecodeControllerEpoch(*data) : std::nullopt;
  return epoch.value_or(-1);
}

std::vector<TopicPartition> KafkaCluster::AllPartitions() const {
  std::vector<TopicPartition> partitions;
  for (const TopicSpec& topic : topics) {
    for (const auto& [partition, replicas] : topic.assignment) {
      partitions.push_back({topic.name, partition});
    }
  }
  return partitions;
}

}  // namespace ks
