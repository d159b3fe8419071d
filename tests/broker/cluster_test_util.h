// A small Kafka cluster in a World for broker tests: a ZkServer ("zk", node 0), brokers 1..n
// (broker id i runs on node i), the KafkaAdmin, and a TestClient node that sends Produce and
// Fetch requests directly and keeps every response with its arrival time. Links have one fixed
// latency, so the interleavings the tests reason about are the ones that happen.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/admin/kafka_admin.h"
#include "model/broker/broker.h"
#include "model/coord/zk_server.h"
#include "model/env/check.h"
#include "sim/trace_stream.h"
#include "sim/world.h"
#include "tests/support/batch_util.h"

namespace ks::testing {

// What the test client received, owned by the test so it outlives the node.
struct ClientInbox {
  struct Arrival {
    TimeUs at_us;
    std::shared_ptr<Message> message;
  };
  std::vector<Arrival> arrivals;

  template <typename T>
  std::vector<const T*> All() const {
    std::vector<const T*> out;
    for (const Arrival& a : arrivals) {
      if (auto* m = dynamic_cast<const T*>(a.message.get())) out.push_back(m);
    }
    return out;
  }
  // The response with this correlation id, or null.
  template <typename T>
  const T* Find(int64_t correlation_id, TimeUs* at_us = nullptr) const {
    for (const Arrival& a : arrivals) {
      auto* m = dynamic_cast<const T*>(a.message.get());
      if (m != nullptr && m->correlation_id == correlation_id) {
        if (at_us != nullptr) *at_us = a.at_us;
        return m;
      }
    }
    return nullptr;
  }
};

class TestClient final : public Process {
 public:
  TestClient(Env& env, ClientInbox* inbox) : env_(env), inbox_(inbox) {}
  void Start() override {}
  void OnMessage(NodeId, MessagePtr message) override {
    inbox_->arrivals.push_back({env_.Now(), std::shared_ptr<Message>(std::move(message))});
  }
  void OnConnectionReset(NodeId) override {}

  // Sends `count` records as one batch; returns the correlation id.
  int64_t Produce(NodeId broker, const TopicPartition& tp, int count, int16_t acks,
                  const std::string& prefix = "m") {
    auto request = std::make_unique<ProduceRequest>();
    request->correlation_id = next_correlation_id_++;
    request->acks = acks;
    request->client_id = "test";
    request->timeout_ms = 30000;
    request->partitions.push_back({tp, MakeSimpleBatch(count, 1000, prefix, 1000000, sent_)});
    sent_ += count;
    const int64_t id = request->correlation_id;
    env_.Send(broker, std::move(request));
    return id;
  }
  // A consumer's fetch (no wait); returns the correlation id.
  int64_t Fetch(NodeId broker, const TopicPartition& tp, int64_t offset) {
    auto request = std::make_unique<FetchRequest>();
    request->correlation_id = next_correlation_id_++;
    request->max_wait_ms = 0;
    request->partitions.push_back({tp, offset, -1, 1 << 20});
    const int64_t id = request->correlation_id;
    env_.Send(broker, std::move(request));
    return id;
  }

 private:
  Env& env_;
  ClientInbox* inbox_;
  int64_t next_correlation_id_ = 1;
  int sent_ = 0;
};

inline BrokerConfig TestBrokerConfig() {
  BrokerConfig config;
  config.zookeeper_session_timeout_ms = 6000;
  config.replica_lag_time_max_ms = 10000;
  config.replica_fetch_backoff_ms = 100;
  config.auto_leader_rebalance_enable = false;
  return config;
}

class KafkaTestCluster {
 public:
  static constexpr NodeId kZk = 0;

  // With `trace_messages`, every message sent is traced (net.send, net.deliver).
  KafkaTestCluster(int broker_count, BrokerConfig config = TestBrokerConfig(), uint64_t seed = 11,
                   bool trace_messages = false)
      : world_(Options(seed, trace_messages)) {
    world_.trace().AddSink(&trace_);
    ZkServerOptions zk_options;
    zk_options.tick_ms = 500;
    world_.AddNode("zk", "zookeeper",
                   [zk_options](Env& env) { return std::make_unique<ZkServer>(env, zk_options); });
    for (BrokerId id = 1; id <= broker_count; ++id) {
      BrokerOptions options{config, kZk};
      options.config.broker_id = id;
      world_.AddNode("b" + std::to_string(id), "broker",
                     [options](Env& env) { return std::make_unique<Broker>(env, options); });
    }
    admin_ = world_.AddNode("admin", "admin",
                            [](Env& env) { return std::make_unique<KafkaAdmin>(env, kZk); });
    ClientInbox* inbox = &inbox_;
    client_ = world_.AddNode(
        "client", "client", [inbox](Env& env) { return std::make_unique<TestClient>(env, inbox); });
    world_.StartAll();
  }
  ~KafkaTestCluster() { world_.trace().RemoveSink(&trace_); }

  static WorldOptions Options(uint64_t seed, bool trace_messages = false) {
    WorldOptions options;
    options.seed = seed;
    options.trace_messages = trace_messages;
    options.link_defaults.latency_min_us = kMillisecond;
    options.link_defaults.latency_max_us = kMillisecond;
    return options;
  }

  // Creates the topic and runs until every assigned replica is in the ISR with a leader.
  void CreateTopic(const std::string& topic, std::vector<BrokerId> replicas,
                   std::vector<std::pair<std::string, std::string>> config = {}) {
    zk_paths::Assignment assignment;
    assignment[0] = replicas;
    TopicConfigOverrides overrides;
    ASSERT_TRUE(TopicConfigOverrides::Parse(config, &overrides).ok());
    world_.ProcessAs<KafkaAdmin>(admin_)->CreateTopic(topic, assignment, overrides);
    const TopicPartition tp{topic, 0};
    ASSERT_TRUE(RunUntil(
        [&] {
          Partition* leader = LeaderReplica(tp);
          if (leader == nullptr || leader->isr().size() != replicas.size()) return false;
          for (BrokerId id : replicas) {
            Partition* p = Replica(id, tp);
            if (p == nullptr || p->role() == ReplicaRole::kNone) return false;
          }
          return true;
        },
        30 * kSecond))
        << "the topic never got a leader with a full ISR";
  }

  Broker* broker(BrokerId id) { return world_.ProcessAs<Broker>(static_cast<NodeId>(id)); }
  NodeId node(BrokerId id) const { return static_cast<NodeId>(id); }
  Partition* Replica(BrokerId id, const TopicPartition& tp) {
    Broker* b = broker(id);
    return b == nullptr ? nullptr : b->replica_manager().GetPartition(tp);
  }
  // The controller's record of the partition (from whichever live broker is controller).
  const Controller::PartitionView* ControllerView(const TopicPartition& tp) {
    for (NodeId n = 1; n < admin_; ++n) {
      Broker* b = world_.ProcessAs<Broker>(n);
      if (b == nullptr || !b->is_controller()) continue;
      auto it = b->controller().partitions().find(tp);
      if (it != b->controller().partitions().end() && it->second.zk_version >= 0) {
        return &it->second;
      }
    }
    return nullptr;
  }
  Partition* LeaderReplica(const TopicPartition& tp) {
    for (NodeId n = 1; n < admin_; ++n) {
      Partition* p = Replica(static_cast<BrokerId>(n), tp);
      if (p != nullptr && p->is_leader()) return p;
    }
    return nullptr;
  }
  // Runs one ZooKeeper call through broker `via`'s session — another client of the ensemble, as
  // an operator's zkCli (or a pre-2.7 leader writing its own ISR) would be — and returns its
  // answer (CONNECTIONLOSS if none came within 10 s).
  ZkResult Zk(BrokerId via, const std::function<void(ZkClient&, ZkCallback)>& call) {
    auto answer = std::make_shared<std::optional<ZkResult>>();
    call(broker(via)->zk(), [answer](const ZkResult& result) { *answer = result; });
    EXPECT_TRUE(RunUntil([&] { return answer->has_value(); }, 10 * kSecond))
        << "ZooKeeper did not answer";
    return answer->value_or(ZkResult{ZkError::kConnectionLoss});
  }
  ZkResult ZkGet(BrokerId via, const std::string& path) {
    return Zk(via, [&](ZkClient& zk, ZkCallback done) { zk.GetData(path, false, done); });
  }
  // The broker that is the controller (the first found), or kNoBroker.
  BrokerId ControllerId() {
    for (NodeId n = 1; n < admin_; ++n) {
      Broker* b = world_.ProcessAs<Broker>(n);
      if (b != nullptr && b->is_controller()) return b->id();
    }
    return kNoBroker;
  }
  NodeId admin() const { return admin_; }

  TestClient& client() { return *world_.ProcessAs<TestClient>(client_); }
  ClientInbox& inbox() { return inbox_; }
  World& world() { return world_; }
  TimeUs Now() const { return world_.Now(); }

  bool RunUntil(const std::function<bool()>& predicate, DurationUs within) {
    return world_.scheduler().RunUntil(predicate, world_.Now() + within);
  }
  void RunFor(DurationUs duration) { world_.scheduler().RunUntil(world_.Now() + duration); }

  std::vector<TraceEvent> Events(std::string_view kind) const {
    std::vector<TraceEvent> out;
    for (const TraceEvent& event : trace_.events) {
      if (event.kind == kind) out.push_back(event);
    }
    return out;
  }

 private:
  World world_;
  TraceCollector trace_;
  ClientInbox inbox_;
  NodeId admin_ = kNoNode;
  NodeId client_ = kNoNode;
};

}  // namespace ks::testing
