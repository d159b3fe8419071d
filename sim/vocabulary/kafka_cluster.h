// KafkaCluster: what a run knows about the Kafka cluster its scenario declared — which nodes are
// the ZooKeeper server, the brokers (by broker id), the admin tool, the producers and consumers —
// and how to read the cluster's truth for probes, selectors and checkers: partition states from
// ZooKeeper's tree (what the controller committed), replica states from each broker.
// It lives in the run's state store (ScenarioRun::State<KafkaCluster>()).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/broker/broker.h"
#include "model/check/checkers.h"
#include "model/controller/zk_paths.h"
#include "sim/scenario/runner.h"

namespace ks {

struct TopicSpec {
  std::string name;
  int32_t partitions = 1;
  int32_t replication_factor = 1;
  TopicConfigOverrides config;  // parsed and validated once, when the scenario is loaded
  zk_paths::Assignment assignment;
};

struct KafkaCluster {
  NodeId zookeeper = kNoNode;
  NodeId admin = kNoNode;
  std::map<BrokerId, NodeId> brokers;
  std::vector<NodeId> producers;
  std::vector<NodeId> consumers;
  std::vector<TopicSpec> topics;
  // eligible.leader.replicas.version 1 on some broker: an empty ISR is then legal (KIP-966).
  bool elr_enabled = false;
  // Runtime checker state: who claimed leadership of each (partition, epoch), and the
  // violations found so far (runtime and final).
  std::map<std::pair<TopicPartition, int32_t>, BrokerId> leader_claims;  // (tp, epoch) -> leader
  // How far each in-sync follower's log was checked equal to its leader's, and under which
  // generation of the partition's logs (VerifiedPrefix below): a truncation or a restart anywhere
  // voids what was checked, since the logs it compared are not those of now.
  struct VerifiedPrefix {
    int64_t offset = 0;
    uint64_t generation = 0;
  };
  std::map<std::pair<TopicPartition, BrokerId>, VerifiedPrefix> verified_prefix;
  std::vector<Violation> violations;
  bool final_checks_done = false;
  // Where ZooKeeper was when the runtime check last looked at every ISR: its incarnation and last
  // zxid (a zxid only grows within one incarnation, and every change of the tree takes one).
  struct ZkVersion {
    uint32_t incarnation = 0;
    int64_t zxid = -1;
    bool operator==(const ZkVersion&) const = default;
  };
  ZkVersion isr_checked_at;
  // Leaders (by their Partition object) whose in-sync followers were all checked equal up to the
  // leader's HW, and what the leader looked like then: nothing to check while it is unchanged.
  struct IsrLogsChecked {
    TopicPartition tp;
    BrokerId leader = kNoBroker;
    int64_t high_watermark = 0;
    uint64_t generation = 0;
    int32_t leader_epoch = 0;
    std::vector<BrokerId> isr;
    bool operator==(const IsrLogsChecked&) const = default;
  };
  std::unordered_map<const Partition*, IsrLogsChecked> isr_logs_checked;
  // The claim each leader (by its Partition object) last registered in leader_claims.
  struct Claim {
    TopicPartition tp;
    BrokerId leader = kNoBroker;
    int32_t leader_epoch = -1;
    bool operator==(const Claim&) const = default;
  };
  std::unordered_map<const Partition*, Claim> claimed_epochs;
  // The final check's partitions without a leader: acknowledged writes they do not serve.
  std::map<TopicPartition, int64_t> unavailable_writes;
  // What the lost writes' violations name as their cause ("power loss of b2 at 31.500 s").
  std::vector<std::string> loss_causes;

  bool declared() const { return zookeeper != kNoNode; }
  Broker* BrokerProcess(World& world, BrokerId id) const;
  BrokerId BrokerOfNode(NodeId node) const;
  // The partition's state as committed in ZooKeeper; nullopt if none (yet).
  std::optional<zk_paths::PartitionStateData> PartitionState(World& world,
                                                             const TopicPartition& tp) const;
  // The partition's replicas as the topic's znode lists them (the declared assignment where the
  // znode is missing or does not list it). Decodes the whole topic znode: a sweep over every
  // partition reads TopicAssignment once per topic and asks ReplicasIn instead.
  std::optional<std::vector<BrokerId>> Replicas(World& world, const TopicPartition& tp) const;
  // The topic's znode decoded (nullopt: missing or unreadable). Decoded again only when the
  // znode changed: the last decoding is kept with the znode's version, (czxid, mzxid) within one
  // incarnation of the ZooKeeper server (zxids only grow within one; a restarted server may
  // reuse the numbers of transactions it lost). Valid until the next call for the topic.
  const std::optional<zk_paths::Assignment>& TopicAssignment(World& world,
                                                             const std::string& topic) const;
  // Replicas(world, tp) given its topic's TopicAssignment (nullptr: none).
  const std::vector<BrokerId>* ReplicasIn(const std::optional<zk_paths::Assignment>& live,
                                          const TopicPartition& tp) const;
  BrokerId ControllerId(World& world) const;
  // The value of /controller_epoch (-1: no controller elected yet).
  int64_t ControllerEpoch(World& world) const;
  std::vector<TopicPartition> AllPartitions() const;

 private:
  struct DecodedAssignment {
    uint32_t zookeeper_incarnation = 0;
    int64_t czxid = -1;
    int64_t mzxid = -1;
    std::optional<zk_paths::Assignment> assignment;
  };
  mutable std::map<std::string, DecodedAssignment, std::less<>> decoded_assignments_;
};

}  // namespace ks
