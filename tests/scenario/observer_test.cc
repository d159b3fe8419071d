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

// Goal: the checkers judge exactly the same whether or not a run records its events
// (world.tracing: false produces only the events somebody observes: the history and the counts).
// Method: every historic-failure scenario (each expects its checker to fire, or not) and the
// flagship, run recording and not recording; the expectations' values (the violations probes),
// the failures and the summary (checkers, elections, ISR changes) must be the same, and the run
// that does not record must have produced no recorded event at all.
class RecordingTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RecordingTest, CheckersJudgeTheSameWithoutRecording) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  auto scenario =
      LoadScenarioFile(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/" + GetParam(), registry);
  RunOptions recording;
  RunOptions silent;
  silent.tracing = false;
  const RunResult with = RunScenario(*scenario, registry, recording);
  const RunResult without = RunScenario(*scenario, registry, silent);
  ASSERT_GT(with.event_count, 100);
  EXPECT_EQ(without.event_count, 0);
  ASSERT_EQ(with.expectations.size(), without.expectations.size());
  for (size_t i = 0; i < with.expectations.size(); ++i) {
    EXPECT_EQ(with.expectations[i].description, without.expectations[i].description);
    EXPECT_EQ(with.expectations[i].actual, without.expectations[i].actual)
        << with.expectations[i].description;
    EXPECT_EQ(with.expectations[i].passed, without.expectations[i].passed);
  }
  EXPECT_EQ(with.failures, without.failures);
  // The summary minus its first lines' run statistics: partitions, cluster counts, clients,
  // checkers.
  EXPECT_EQ(with.summary_lines, without.summary_lines);
}

INSTANTIATE_TEST_SUITE_P(
    Failures, RecordingTest,
    ::testing::Values("failures/kip-101-hw-truncation-broken.yaml",
                      "failures/kip-101-divergence-broken.yaml",
                      "failures/kip-279-fast-failover-broken.yaml",
                      "failures/jepsen-2013-unclean-election-broken.yaml",
                      "failures/kip-966-last-replica-standing-broken.yaml",
                      "failures/count-based-isr-flapping-broken.yaml",
                      "curriculum/replication-flagship.yaml"),
    [](const ::testing::TestParamInfo<std::string>& info) {
      std::string name = info.param.substr(info.param.find('/') + 1);
      name = name.substr(0, name.find('.'));
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace ks
