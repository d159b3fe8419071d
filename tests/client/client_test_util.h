// Worlds for the client tests: a FakeBroker node (tests/client/fake_broker.h) and one client
// node whose Process embeds the client under test and forwards messages and resets to it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/client/consumer.h"
#include "model/client/producer.h"
#include "sim/world.h"
#include "tests/client/fake_broker.h"

namespace ks::testing {

class ProducerHost final : public Process {
 public:
  ProducerHost(Env& env, ProducerConfig config, NodeId broker)
      : env_(env), producer_(env, config, {broker}, "p") {}
  void Start() override { producer_.Start(); }
  void OnMessage(NodeId from, MessagePtr message) override {
    producer_.HandleMessage(from, message);
  }
  void OnConnectionReset(NodeId peer) override { producer_.HandleConnectionReset(peer); }
  KafkaProducer& producer() { return producer_; }
  Env& env() { return env_; }

 private:
  Env& env_;
  KafkaProducer producer_;
};

inline WorldOptions ClientWorldOptions(DurationUs latency_us = kMillisecond) {
  WorldOptions options;
  options.seed = 42;
  options.link_defaults.latency_min_us = latency_us;
  options.link_defaults.latency_max_us = latency_us;
  return options;
}

// A world with the fake broker (node 0) and a client node (node 1) built by `factory`.
class ClientWorld {
 public:
  explicit ClientWorld(ProcessFactory client_factory, WorldOptions options = ClientWorldOptions())
      : world_(options) {
    broker_ = world_.AddNode("broker", "broker", [this](Env& env) {
      return std::make_unique<FakeBroker>(env, &state_);
    });
    client_ = world_.AddNode("client", "client", std::move(client_factory));
  }

  void Start() {
    world_.StartAll();
    world_.scheduler().RunUntil(world_.Now());
  }
  void At(TimeUs at, std::function<void()> action) {
    world_.scheduler().Schedule(at, [action = std::move(action)] { action(); });
  }
  void RunUntil(TimeUs until) { world_.scheduler().RunUntil(until); }
  void RunFor(DurationUs span) { RunUntil(world_.Now() + span); }

  World& world() { return world_; }
  FakeBrokerState& state() { return state_; }
  NodeId broker() const { return broker_; }
  NodeId client() const { return client_; }
  template <typename T>
  T& process() {
    T* p = world_.ProcessAs<T>(client_);
    if (p == nullptr) throw std::logic_error("client is not running");
    return *p;
  }

  // History events recorded so far (from the world's trace, if kept by a test sink).
 private:
  World world_;
  FakeBrokerState state_;
  NodeId broker_ = kNoNode;
  NodeId client_ = kNoNode;
};

// A producer world: ProducerHost with `config`, talking to the fake broker.
class ProducerWorld : public ClientWorld {
 public:
  explicit ProducerWorld(ProducerConfig config, WorldOptions options = ClientWorldOptions())
      : ClientWorld(
            [config](Env& env) -> std::unique_ptr<Process> {
              return std::make_unique<ProducerHost>(env, config, /*broker=*/0);
            },
            options) {}

  KafkaProducer& producer() { return process<ProducerHost>().producer(); }

  // Sends now (from a world event) and records the result with the time it came.
  void Send(std::optional<std::string> key, std::string value) {
    const size_t index = sent_++;
    producer().Send(state().topic, key, value, [this, index](const SendResult& result) {
      if (results_.size() <= index) results_.resize(index + 1);
      results_[index] = result;
      completed_at_.resize(results_.size());
      completed_at_[index] = world().Now();
      ++completed_;
    });
  }
  const std::vector<std::optional<SendResult>>& results() const { return results_; }
  const SendResult& result(size_t index) const { return *results_.at(index); }
  TimeUs completed_at(size_t index) const { return completed_at_.at(index); }
  size_t completed() const { return completed_; }

 private:
  size_t sent_ = 0;
  size_t completed_ = 0;
  std::vector<std::optional<SendResult>> results_;
  std::vector<TimeUs> completed_at_;
};

}  // namespace ks::testing

namespace ks::testing {

class ConsumerHost final : public Process {
 public:
  ConsumerHost(Env& env, ConsumerConfig config, NodeId broker)
      : consumer_(env, config, {broker}, "c") {}
  void Start() override { consumer_.Start(); }
  void OnMessage(NodeId from, MessagePtr message) override {
    consumer_.HandleMessage(from, message);
  }
  void OnConnectionReset(NodeId peer) override { consumer_.HandleConnectionReset(peer); }
  KafkaConsumer& consumer() { return consumer_; }

 private:
  KafkaConsumer consumer_;
};

// A consumer world: ConsumerHost with `config`; PollForever keeps a Poll waiting and collects
// what it returns.
class ConsumerWorld : public ClientWorld {
 public:
  explicit ConsumerWorld(ConsumerConfig config, WorldOptions options = ClientWorldOptions())
      : ClientWorld(
            [config](Env& env) -> std::unique_ptr<Process> {
              return std::make_unique<ConsumerHost>(env, config, /*broker=*/0);
            },
            options) {}

  KafkaConsumer& consumer() { return process<ConsumerHost>().consumer(); }

  void PollForever() {
    consumer().Poll([this](PollResult& result) {
      ++polls_;
      for (ConsumerRecord& r : result.records) records_.push_back(std::move(r));
      if (!result.error.ok()) errors_.push_back(result.error);
      PollForever();
    });
  }
  const std::vector<ConsumerRecord>& records() const { return records_; }
  const std::vector<KafkaError>& errors() const { return errors_; }
  int64_t polls() const { return polls_; }

 private:
  std::vector<ConsumerRecord> records_;
  std::vector<KafkaError> errors_;
  int64_t polls_ = 0;
};

}  // namespace ks::testing
