// Goal (issue 10, A: every retry loop bounded): with a peer down, every component that resends
// on an error or a reset does so at a bounded, steady rate set by its backoff, never a rate that
// grows with time: the producer and the consumer (reconnect.backoff.ms doubling up to
// reconnect.backoff.max.ms, then retry.backoff.ms), the replica
// fetcher (replica.fetch.backoff.ms), the controller's channel (100 ms, controller_channel.h) and
// the ZooKeeper client (a random pause of up to a tenth of the session timeout, at most 1 s,
// before each reconnection, as ZooKeeper's ClientCnxn).
// Method: scenarios run through the runner; a killed process refuses every later send, and each
// refusal is a net.drop event of the sender ("connection refused"). Sends are counted per sender,
// destination, message kind and second, over seconds where the peer stays down.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>

#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/world_events.h"

namespace ks {
namespace {

// Refused sends per (sender, destination, message kind), per second of the run.
using Key = std::tuple<std::string, std::string, std::string>;
struct Refusals {
  std::map<Key, std::map<int64_t, int>> per_second;
  // The most sends of `message` from `from` to `to` in any second in [from_s, to_s).
  int MaxPerSecond(const std::string& from, const std::string& to, const std::string& message,
                   int64_t from_s, int64_t to_s) const {
    auto it = per_second.find({from, to, message});
    if (it == per_second.end()) return 0;
    int most = 0;
    for (const auto& [second, count] : it->second) {
      if (second >= from_s && second < to_s) most = std::max(most, count);
    }
    return most;
  }
  int Total(const std::string& from, const std::string& to, const std::string& message,
            int64_t from_s, int64_t to_s) const {
    auto it = per_second.find({from, to, message});
    if (it == per_second.end()) return 0;
    int total = 0;
    for (const auto& [second, count] : it->second) {
      if (second >= from_s && second < to_s) total += count;
    }
    return total;
  }
};

Refusals RunCounting(const std::string& text) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  std::unique_ptr<Scenario> scenario = LoadScenarioText(text, "retry.yaml", registry);
  TraceCollector collector;
  RunOptions options;
  options.sinks = {&collector};
  RunScenario(*scenario, registry, options);
  std::map<NodeId, std::string> names;
  Refusals refusals;
  for (const TraceEvent& e : collector.events) {
    if (std::optional<ev::NodeAdd> add = e.As<ev::NodeAdd>()) names[e.node] = add->name;
    std::optional<ev::NetDrop> drop = e.As<ev::NetDrop>();
    if (!drop || drop->reason != std::optional<std::string_view>("connection refused")) continue;
    const Key key{names[e.node], std::string(drop->to), std::string(drop->message)};
    ++refusals.per_second[key][e.time_us / kSecond];
  }
  return refusals;
}

// b3 leads orders-0 (an explicit assignment) and is killed at 5 s; its session (18 s) outlives
// the run, so every client of it keeps trying it: the producer and consumer (their metadata
// still names b3), the followers' fetchers, and the controller if it has anything for b3.
constexpr const char* kLeaderKilled = R"(name: retry-backoff-leader-killed
seed: 5
run_for: 20s
kafka:
  brokers: 3
  topics:
    - {name: orders, partitions: 1, replication_factor: 3, assignment: [[3, 1, 2]]}
  producers:
    - {name: p1, topic: orders, count: 100000, rate: 200, start_at: 1s,
       config: {acks: all, retries: 1000000, delivery.timeout.ms: 120000, request.timeout.ms: 30000}}
  consumers:
    - {name: c1, topic: orders, start_at: 1s}
timeline:
  - at: 5s
    do: kill
    node: b3
)";

TEST(RetryBackoffTest, ClientsFetchersAndTheControllerResendToAKilledLeaderAtABoundedRate) {
  const Refusals r = RunCounting(kLeaderKilled);
  // Seconds 6..19: b3 dead and still registered, nothing elected elsewhere.
  // Producer: at most max.in.flight.requests.per.connection (5) requests per connection attempt;
  // attempts 50, 100, 200, 400 ms apart at first (at most 5 in a second), then one per
  // reconnect.backoff.max.ms (1 s, +-20 %: at most 7 in five seconds).
  EXPECT_GT(r.Total("p1", "b3", "Produce", 6, 20), 0);
  EXPECT_LE(r.MaxPerSecond("p1", "b3", "Produce", 6, 20), 5 * 5);
  EXPECT_LE(r.Total("p1", "b3", "Produce", 15, 20), 5 * 7);
  // Consumer: one fetch per connection attempt.
  EXPECT_GT(r.Total("c1", "b3", "Fetch", 6, 20), 0);
  EXPECT_LE(r.MaxPerSecond("c1", "b3", "Fetch", 6, 20), 5);
  EXPECT_LE(r.Total("c1", "b3", "Fetch", 15, 20), 7);
  // Followers: one fetch per replica.fetch.backoff.ms (1 s), plus the first attempt.
  EXPECT_GT(r.Total("b1", "b3", "Fetch", 6, 20), 0);
  EXPECT_LE(r.MaxPerSecond("b1", "b3", "Fetch", 6, 20), 2);
  EXPECT_LE(r.MaxPerSecond("b2", "b3", "Fetch", 6, 20), 2);
  // The controller (whichever of b1, b2 it is): one request per 100 ms backoff, if it has one
  // for b3 (a dead leader's ISR cannot shrink; tests/broker/controller_resend_storm_test.cc kills
  // a follower, so that the controller has something to tell it).
  for (const std::string& controller : {"b1", "b2"}) {
    for (const std::string& kind : {"UpdateMetadata", "LeaderAndIsr", "StopReplica"}) {
      EXPECT_LE(r.MaxPerSecond(controller, "b3", kind, 6, 20), 10) << controller << " " << kind;
    }
  }
  // Steady, not growing: the last five seconds cost no more than the first five (give or take a
  // few, for the ZooKeeper client's random pauses).
  for (const auto& [key, seconds] : r.per_second) {
    const auto& [from, to, message] = key;
    EXPECT_LE(r.Total(from, to, message, 15, 20), r.Total(from, to, message, 6, 11) + 5)
        << from << " -> " << to << " " << message;
  }
}

// The ZooKeeper server is killed at 3 s: every broker's client loses its connection and tries
// again and again (the session would expire only on a live server).
constexpr const char* kZooKeeperKilled = R"(name: retry-backoff-zookeeper-killed
seed: 5
run_for: 20s
kafka:
  brokers: 3
  topics:
    - {name: orders, partitions: 1, replication_factor: 3}
timeline:
  - at: 3s
    do: kill
    node: zk
)";

TEST(RetryBackoffTest, ZooKeeperClientsReconnectAtABoundedRate) {
  const Refusals r = RunCounting(kZooKeeperKilled);
  for (const std::string& broker : {"b1", "b2", "b3"}) {
    int reconnects = 0;
    for (const auto& [key, seconds] : r.per_second) {
      const auto& [from, to, message] = key;
      if (from != broker || to != "zk") continue;
      reconnects += r.Total(from, to, message, 4, 20);
      // A pause of 1..1000 ms (18 s / 10, at most 1 s) before each attempt: a few a second.
      EXPECT_LE(r.MaxPerSecond(from, to, message, 4, 20), 20) << broker << " " << message;
      EXPECT_LE(r.Total(from, to, message, 15, 20), r.Total(from, to, message, 4, 9) + 10)
          << broker << " " << message;
    }
    EXPECT_GT(reconnects, 0) << broker << " never tried to reconnect";
  }
}

}  // namespace
}  // namespace ks
