// Small processes and helpers for the tests of the simulated world.
//
// TestProcess records what happens to its node (messages with their arrival time, connection
// resets, starts, shutdowns) into a NodeLog that the test owns, so the record outlives crashes
// and restarts. Tests script behaviour through the log's optional hooks.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/env/env.h"
#include "sim/world.h"

namespace ks::testing {

// A message carrying a sequence number, with a chosen size on the wire.
class TestMessage final : public Message {
 public:
  TestMessage(int64_t seq, int64_t size_bytes) : seq_(seq), size_bytes_(size_bytes) {}
  std::string_view Kind() const override { return "Test"; }
  int64_t SizeBytes() const override { return size_bytes_; }
  int64_t seq() const { return seq_; }

 private:
  int64_t seq_;
  int64_t size_bytes_;
};

class TestProcess;

struct Received {
  NodeId from;
  int64_t seq;
  TimeUs at_us;
};

struct ResetSeen {
  NodeId peer;
  TimeUs at_us;
};

struct NodeLog {
  int starts = 0;
  int shutdowns = 0;
  std::vector<Received> received;
  std::vector<ResetSeen> resets;
  std::function<void(TestProcess&)> on_start;
  std::function<void(TestProcess&, NodeId from, const TestMessage&)> on_message;
  // Called by PrepareShutdown instead of proceeding at once; the hook decides when to proceed.
  std::function<void(TestProcess&, Callback proceed)> on_prepare_shutdown;
  std::function<void(TestProcess&)> on_shutdown;
};

class TestProcess final : public Process {
 public:
  TestProcess(Env& env, NodeLog* log) : env_(env), log_(log) {}

  Env& env() { return env_; }

  void Start() override {
    log_->starts++;
    if (log_->on_start) log_->on_start(*this);
  }
  void OnMessage(NodeId from, MessagePtr message) override {
    const auto& test_message = static_cast<const TestMessage&>(*message);
    log_->received.push_back(Received{from, test_message.seq(), env_.Now()});
    if (log_->on_message) log_->on_message(*this, from, test_message);
  }
  void OnConnectionReset(NodeId peer) override {
    log_->resets.push_back(ResetSeen{peer, env_.Now()});
  }
  void PrepareShutdown(Callback proceed) override {
    if (log_->on_prepare_shutdown) {
      log_->on_prepare_shutdown(*this, std::move(proceed));
    } else {
      proceed();
    }
  }
  void Shutdown() override {
    log_->shutdowns++;
    if (log_->on_shutdown) log_->on_shutdown(*this);
  }

  void Send(NodeId to, int64_t seq, int64_t size_bytes = 100) {
    env_.Send(to, std::make_unique<TestMessage>(seq, size_bytes));
  }

 private:
  Env& env_;
  NodeLog* log_;
};

// A world of `node_count` TestProcess nodes named n0, n1, ..., started (their Start has run).
class TestWorld {
 public:
  TestWorld(WorldOptions options, int node_count) : world_(options) {
    for (int i = 0; i < node_count; ++i) {
      logs_.push_back(std::make_unique<NodeLog>());
      NodeLog* log = logs_.back().get();
      world_.AddNode("n" + std::to_string(i), "test",
                     [log](Env& env) { return std::make_unique<TestProcess>(env, log); });
    }
  }

  // Starts every node and runs their Start.
  void StartAll() {
    world_.StartAll();
    world_.scheduler().RunUntil(world_.Now());
  }

  World& world() { return world_; }
  NodeLog& log(NodeId node) { return *logs_[static_cast<size_t>(node)]; }
  TestProcess& process(NodeId node) {
    auto* process = world_.ProcessAs<TestProcess>(node);
    if (process == nullptr) throw std::logic_error("node is not running");
    return *process;
  }
  void Send(NodeId from, NodeId to, int64_t seq, int64_t size_bytes = 100) {
    process(from).Send(to, seq, size_bytes);
  }
  // Runs `action` as a world event at `at` (the way scenarios apply faults).
  void At(TimeUs at, std::function<void()> action) {
    world_.scheduler().Schedule(at, [action = std::move(action)] { action(); });
  }
  void RunUntil(TimeUs until) { world_.scheduler().RunUntil(until); }

  // The sequence numbers `node` received from `from`, in order.
  std::vector<int64_t> SeqsFrom(NodeId node, NodeId from) {
    std::vector<int64_t> seqs;
    for (const Received& r : log(node).received) {
      if (r.from == from) seqs.push_back(r.seq);
    }
    return seqs;
  }

 private:
  World world_;
  std::vector<std::unique_ptr<NodeLog>> logs_;
};

// Link options with a fixed latency (min == max), unlimited bandwidth, no loss.
inline LinkOptions FixedLatency(DurationUs latency_us) {
  LinkOptions options;
  options.latency_min_us = latency_us;
  options.latency_max_us = latency_us;
  return options;
}

inline WorldOptions OptionsWith(LinkOptions link, uint64_t seed = 7) {
  WorldOptions options;
  options.seed = seed;
  options.link_defaults = link;
  return options;
}

}  // namespace ks::testing
