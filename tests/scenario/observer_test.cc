// Goal: judging a run does not change it. The runtime checker and the probes read the brokers'
// logs from the simulated disk; if those reads were charged to the brokers as disk time, a run
// with the checker would schedule the brokers' later events differently from a run without it.
// Method: the same scenario (a leader crash under load, so the logs are read while they move)
// with the runtime checker every 10 ms and with it off (interval 0); the traces must be
// identical event for event. (Probes run under the same World::ObserverScope.)
#include <gtest/gtest.h>

#include <string>

#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace ks {
namespace {

std::string Scenario(const std::string& checker) {
  return R"(name: observer
seed: 3
run_for: 8s
kafka:
  brokers: 3
  broker_config: {zookeeper.session.timeout.ms: 3000}
  topics:
    - {name: orders, partitions: 2, replication_factor: 3}
  producers:
    - {name: p1, topic: orders, count: 4000, rate: 1000, config: {acks: all}}
  consumers:
    - {name: c1, topic: orders, config: {auto.offset.reset: earliest}}
  checker: {interval: )" +
         checker + R"(}
timeline:
  - {at: 2s, do: crash, node: {leader_of: orders-0}}
)";
}

RunResult RunText(const std::string& text) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  auto scenario = LoadScenarioText(text, "observer.yaml", registry);
  RunOptions options;
  options.keep_event_hashes = true;
  return RunScenario(*scenario, registry, options);
}

TEST(ObserverTest, RuntimeCheckerDoesNotChangeTheRun) {
  const RunResult checked = RunText(Scenario("10ms"));
  const RunResult unchecked = RunText(Scenario("0ms"));
  ASSERT_GT(checked.event_count, 1000);
  EXPECT_EQ(checked.event_hashes, unchecked.event_hashes);
  EXPECT_EQ(checked.digest, unchecked.digest);
}

}  // namespace
}  // namespace ks
