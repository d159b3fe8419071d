// KafkaAdmin: the ZooKeeper-era admin tools (kafka-topics.sh, kafka-reassign-partitions.sh,
// kafka-preferred-replica-election.sh with --zookeeper) as a node: it writes the admin znodes
// the controller watches, and nothing else. Scenario actions queue work on it.
//
// Requests run one at a time, in order; each waits for the ZooKeeper session. Every request
// and its outcome are traced (admin.request, admin.done).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/controller/zk_paths.h"
#include "model/coord/zk_client.h"
#include "model/env/env.h"
#include "model/kafka/topic_config.h"

namespace ks {

// The admin tool's trace events (docs/trace-schema.md; node: the admin tool).
namespace ev {
struct AdminRequest {
  static constexpr std::string_view kName = "admin.request";
  std::string_view what;  // "create topic orders"
  static void Fields(auto& e, auto& v) { v("what", e.what); }
};
struct AdminDone {
  static constexpr std::string_view kName = "admin.done";
  std::string_view what;
  static void Fields(auto& e, auto& v) { v("what", e.what); }
};
struct AdminError {
  static constexpr std::string_view kName = "admin.error";
  std::string_view topic;
  std::string_view error;  // a ZooKeeper error name
  static void Fields(auto& e, auto& v) {
    v("topic", e.topic);
    v("error", e.error);
  }
};
}  // namespace ev

class KafkaAdmin final : public Process {
 public:
  KafkaAdmin(Env& env, NodeId zookeeper);

  void Start() override;
  void OnMessage(NodeId from, MessagePtr message) override;
  void OnConnectionReset(NodeId peer) override;

  // kafka-topics --create: /config/topics/<t>, then /brokers/topics/<t> with the assignment
  // (CreateTopicInZk). REQUIRES: validated (ValidateTopicName, ValidateAssignment; the config by
  // TopicConfigOverrides::Parse), as kafka-topics validates before it writes.
  void CreateTopic(std::string topic, zk_paths::Assignment assignment, TopicConfigOverrides config);
  // kafka-topics --alter --partitions: the assignment with the new partitions added.
  void SetAssignment(std::string topic, zk_paths::Assignment assignment);
  // kafka-reassign-partitions --execute.
  void Reassign(std::map<TopicPartition, std::vector<BrokerId>> moves);
  // kafka-preferred-replica-election (empty: every partition).
  void ElectPreferred(std::vector<TopicPartition> partitions);

  int64_t completed() const { return completed_; }
  int64_t pending() const { return static_cast<int64_t>(queue_.size()) + (busy_ ? 1 : 0); }

 private:
  using Step = std::function<void(std::function<void()> done)>;
  void Enqueue(std::string what, Step step);
  void RunNext();

  Env& env_;
  ZkClient zk_;
  std::deque<std::pair<std::string, Step>> queue_;
  bool busy_ = false;
  int64_t completed_ = 0;
};

}  // namespace ks
