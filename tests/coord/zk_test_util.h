// A World with one ZkServer node ("zk", node 0) and client nodes ("c1", "c2", ...) whose test
// Process embeds a ZkClient, forwarding messages and resets to it as a broker would. What each
// client sees (states, watch events) goes to a ClientLog the test owns, so it outlives crashes.
// Tests script behaviour through the log's hooks and issue calls with Call(), which runs the
// world until the callback fired.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/coord/zk_client.h"
#include "model/coord/zk_server.h"
#include "model/env/check.h"
#include "sim/trace_stream.h"
#include "sim/world.h"

namespace ks::testing {

struct SeenWatch {
  ZkWatchType type;
  std::string path;
  TimeUs at_us;
};

class ZkTestNode;

struct ClientLog {
  std::vector<ZkState> states;
  std::vector<SeenWatch> watches;
  std::function<void(ZkTestNode&)> on_start;
  std::function<void(ZkTestNode&, ZkState)> on_state;
  std::function<void(ZkTestNode&, const ZkWatchEvent&)> on_watch;
};

class ZkTestNode final : public Process {
 public:
  ZkTestNode(Env& env, NodeId server, ZkClientOptions options, ClientLog* log)
      : env_(env), client_(env, server, options), log_(log) {}

  void Start() override {
    client_.SetStateHandler([this](ZkState state) {
      log_->states.push_back(state);
      if (log_->on_state) log_->on_state(*this, state);
    });
    client_.SetWatchHandler([this](const ZkWatchEvent& event) {
      log_->watches.push_back(SeenWatch{event.type, event.path, env_.Now()});
      if (log_->on_watch) log_->on_watch(*this, event);
    });
    client_.Start();
    if (log_->on_start) log_->on_start(*this);
  }
  void OnMessage(NodeId from, MessagePtr message) override {
    EXPECT_TRUE(client_.HandleMessage(from, message)) << "only ZK traffic in these tests";
  }
  void OnConnectionReset(NodeId peer) override { client_.HandleConnectionReset(peer); }

  Env& env() { return env_; }
  ZkClient& client() { return client_; }

 private:
  Env& env_;
  ZkClient client_;
  ClientLog* log_;
};

// Session timeouts in these tests: 6 s with a 500 ms tick (so expiry is checked finely).
inline ZkServerOptions TestServerOptions() {
  ZkServerOptions options;
  options.tick_ms = 500;
  return options;
}

inline ZkClientOptions TestClientOptions() {
  ZkClientOptions options;
  options.session_timeout_ms = 6000;
  options.connection_timeout_ms = 6000;
  return options;
}

inline WorldOptions TestWorldOptions(uint64_t seed = 5) {
  WorldOptions options;
  options.seed = seed;
  options.link_defaults.latency_min_us = 300;
  options.link_defaults.latency_max_us = 900;
  return options;
}

class ZkWorld {
 public:
  static constexpr NodeId kServer = 0;

  ZkWorld(int clients, ZkServerOptions server_options = TestServerOptions(),
          ZkClientOptions client_options = TestClientOptions(),
          WorldOptions world_options = TestWorldOptions(), DiskOptions server_disk = {})
      : world_(world_options) {
    world_.trace().AddSink(&trace_);
    world_.AddNode(
        "zk", "zookeeper",
        [server_options](Env& env) { return std::make_unique<ZkServer>(env, server_options); },
        server_disk);
    for (int i = 1; i <= clients; ++i) {
      logs_.push_back(std::make_unique<ClientLog>());
      ClientLog* log = logs_.back().get();
      world_.AddNode("c" + std::to_string(i), "client", [client_options, log](Env& env) {
        return std::make_unique<ZkTestNode>(env, kServer, client_options, log);
      });
    }
  }
  ~ZkWorld() { world_.trace().RemoveSink(&trace_); }

  // Starts every node and runs until every client is connected.
  void StartAllAndConnect() {
    world_.StartAll();
    ASSERT_TRUE(RunUntil(
        [&] {
          for (NodeId c = 1; c < world_.node_count(); ++c) {
            if (client(c).state() != ZkState::kConnected) return false;
          }
          return true;
        },
        10 * kSecond));
  }

  World& world() { return world_; }
  ZkServer& server() {
    auto* server = world_.ProcessAs<ZkServer>(kServer);
    KS_CHECK(server != nullptr);
    return *server;
  }
  ZkTestNode& node(NodeId id) {
    auto* node = world_.ProcessAs<ZkTestNode>(id);
    KS_CHECK(node != nullptr);
    return *node;
  }
  ZkClient& client(NodeId id) { return node(id).client(); }
  ClientLog& log(NodeId id) { return *logs_[static_cast<size_t>(id - 1)]; }
  TimeUs Now() { return world_.Now(); }

  bool RunUntil(const std::function<bool()>& predicate, DurationUs within) {
    return world_.scheduler().RunUntil(predicate, world_.Now() + within);
  }
  void RunFor(DurationUs duration) { world_.scheduler().RunUntil(world_.Now() + duration); }
  // Runs `action` as a world event at `at`.
  void At(TimeUs at, std::function<void()> action) {
    world_.scheduler().Schedule(at, [action = std::move(action)] { action(); });
  }

  // Issues a call on client `id` and runs the world until its callback ran (at most 30 s).
  ZkResult Call(NodeId id, const std::function<void(ZkClient&, ZkCallback)>& issue) {
    // Shared: a callback that comes after a failed wait must not write to a dead frame.
    auto result = std::make_shared<std::optional<ZkResult>>();
    issue(client(id), [result](const ZkResult& r) { *result = r; });
    EXPECT_TRUE(RunUntil([&] { return result->has_value(); }, 30 * kSecond)) << "no answer";
    if (result->has_value()) return **result;
    ZkResult none;
    none.error = ZkError::kSystemError;
    return none;
  }
  ZkResult Create(NodeId id, const std::string& path, const std::string& data = "",
                  bool ephemeral = false) {
    return Call(id, [&](ZkClient& c, ZkCallback cb) { c.Create(path, data, ephemeral, cb); });
  }
  ZkResult Exists(NodeId id, const std::string& path, bool watch = false) {
    return Call(id, [&](ZkClient& c, ZkCallback cb) { c.Exists(path, watch, cb); });
  }
  ZkResult GetData(NodeId id, const std::string& path, bool watch = false) {
    return Call(id, [&](ZkClient& c, ZkCallback cb) { c.GetData(path, watch, cb); });
  }
  ZkResult GetChildren(NodeId id, const std::string& path, bool watch = false) {
    return Call(id, [&](ZkClient& c, ZkCallback cb) { c.GetChildren(path, watch, cb); });
  }
  ZkResult SetData(NodeId id, const std::string& path, const std::string& data, int32_t version) {
    return Call(id, [&](ZkClient& c, ZkCallback cb) { c.SetData(path, data, version, cb); });
  }

  // The trace events of `kind`, in order.
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
  std::vector<std::unique_ptr<ClientLog>> logs_;
};

}  // namespace ks::testing
