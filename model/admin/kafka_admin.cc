#include "model/admin/kafka_admin.h"

#include <memory>

#include "model/admin/admin_zk_client.h"

namespace ks {

KafkaAdmin::KafkaAdmin(Env& env, NodeId zookeeper) : env_(env), zk_(env, zookeeper) {}

void KafkaAdmin::Start() {
  zk_.SetStateHandler([this](ZkState state) {
    if (state == ZkState::kConnected) RunNext();
    if (state == ZkState::kExpired) zk_.Reconnect();
  });
  zk_.Start();
}

void KafkaAdmin::OnMessage(NodeId from, MessagePtr message) { zk_.HandleMessage(from, message); }

void KafkaAdmin::OnConnectionReset(NodeId peer) { zk_.HandleConnectionReset(peer); }

void KafkaAdmin::Enqueue(std::string what, Step step) {
  env_.Trace(ev::AdminRequest{.what = what});
  queue_.emplace_back(std::move(what), std::move(step));
  RunNext();
}

void KafkaAdmin::RunNext() {
  if (busy_ || queue_.empty() || zk_.state() != ZkState::kConnected) return;
  busy_ = true;
  auto [what, step] = std::move(queue_.front());
  queue_.pop_front();
  step([this, what] {
    busy_ = false;
    ++completed_;
    env_.Trace(ev::AdminDone{.what = what});
    RunNext();
  });
}

void KafkaAdmin::CreateTopic(std::string topic, zk_paths::Assignment assignment,
                             TopicConfigOverrides config) {
  Enqueue("create topic " + topic, [this, topic, assignment, config](std::function<void()> done) {
    CreateTopicInZk(zk_, topic, assignment, config, [this, topic, done](const ZkResult& result) {
      if (!result.ok()) {
        env_.Trace(ev::AdminError{.topic = topic, .error = ZkErrorName(result.error)});
      }
      done();
    });
  });
}

void KafkaAdmin::SetAssignment(std::string topic, zk_paths::Assignment assignment) {
  Enqueue("alter topic " + topic, [this, topic, assignment](std::function<void()> done) {
    zk_.SetData(zk_paths::TopicPath(topic), zk_paths::EncodeAssignment(assignment), -1,
                [done](const ZkResult&) { done(); });
  });
}

void KafkaAdmin::Reassign(std::map<TopicPartition, std::vector<BrokerId>> moves) {
  Enqueue("reassign partitions", [this, moves](std::function<void()> done) {
    CreateZkParents(zk_, {"/admin"}, [this, moves, done] {
      zk_.Create(zk_paths::kReassignPartitions, zk_paths::EncodeReassignments(moves), false,
                 [done](const ZkResult&) { done(); });
    });
  });
}

void KafkaAdmin::ElectPreferred(std::vector<TopicPartition> partitions) {
  std::string list;
  for (const TopicPartition& tp : partitions) list += (list.empty() ? "" : ",") + tp.Name();
  Enqueue("preferred replica election", [this, list](std::function<void()> done) {
    CreateZkParents(zk_, {"/admin"}, [this, list, done] {
      zk_.Create(zk_paths::kPreferredElection, list, false, [done](const ZkResult&) { done(); });
    });
  });
}

}  // namespace ks
