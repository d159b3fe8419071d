// Goal: random fault schedules over a safe configuration (RF 3, min.insync.replicas 2, acks=all,
// no unclean election, leader-epoch truncation) never abort or hang the simulator, and once every
// fault has ended the cluster heals itself: every partition has a leader and a full ISR and no
// invariant breaks; without power loss, every replica holds the same records and no acknowledged
// write is lost or reordered (with power loss Kafka's ZooKeeper era can lose and diverge).
// Method: sim/scenario/fault_schedule draws a schedule per seed (kills, clean stops, power losses,
// pauses, isolations, one- and two-way partitions, resets, delay spikes, slow disks, on brokers
// and ZooKeeper); the test writes it as an ordinary scenario file (kept in the test's temporary
// directory, so a failing seed replays with `kafkasim run FILE`), runs it, and checks the end.
// KAFKASIM_RANDOM_FAULT_SEEDS=N runs N seeds per schedule family instead of the default few;
// with KAFKASIM_RANDOM_FAULT_WRITE_ONLY set it only writes the scenario files (to run each in its
// own process: an aborting seed then stops only itself).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "model/check/checkers.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/fault_schedule.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace ks {
namespace {

constexpr int kPartitions = 3;
constexpr TimeUs kLastFault = 60 * kSecond;

std::string ScenarioText(uint64_t seed, const FaultScheduleOptions& options) {
  std::string text = "name: random-faults-" + std::to_string(seed) + R"(
description: |
  A random fault schedule (tests/scenario/random_faults_test.cc) over a safe configuration.
seed: )" + std::to_string(seed) +
                     R"(
run_for: 130s
kafka:
  brokers: 3
  broker_config: {zookeeper.session.timeout.ms: 6000}
  topics:
    - {name: orders, partitions: 3, replication_factor: 3, config: {min.insync.replicas: 2}}
  producers:
    - {name: p1, topic: orders, count: 9000, rate: 100, start_at: 1s,
       config: {acks: all, max.in.flight.requests.per.connection: 1}}
  consumers:
    - {name: c1, topic: orders, start_at: 1s, config: {auto.offset.reset: earliest}}
timeline:
)";
  text += FaultScheduleSteps(RandomFaultSchedule(seed, options), "  ");
  text += "expect:\n";
  for (int p = 0; p < kPartitions; ++p) {
    const std::string tp = "orders-" + std::to_string(p);
    text += "  - {that: leader, partition: " + tp + ", not_equals: none}\n";
    text += "  - {that: isr_size, partition: " + tp + ", equals: 3}\n";
    if (!options.power_loss)
      text += "  - {that: logs_equal, partition: " + tp + ", equals: true}\n";
  }
  // Without idempotence a retried send can be written twice (Kafka's at-least-once): allowed.
  // A power loss drops what no replica had fsynced; a broker that lost its tail can come back as
  // leader in the ZooKeeper era (a new controller cannot tell it restarted; KIP-966 fixes it), so
  // acknowledged writes may be lost and replicas diverge, as they would in Kafka: allowed there,
  // and so are logs that differ at the end. Without power loss, nothing of that is allowed.
  const bool power_loss = options.power_loss;
  for (Checker checker : kAllCheckers) {
    const bool allowed =
        checker == Checker::kDuplicates ||
        (power_loss && (checker == Checker::kLostWrites || checker == Checker::kOrder ||
                        checker == Checker::kDivergence || checker == Checker::kIsrLogsDiffer));
    text += "  - {that: violations, checker: " + std::string(CheckerName(checker)) +
            (allowed ? ", at_least: 0}\n" : ", equals: 0}\n");
  }
  return text;
}

int SeedsPerFamily(int fallback) {
  const char* text = std::getenv("KAFKASIM_RANDOM_FAULT_SEEDS");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : fallback;
}

void RunSeeds(const std::string& family, const FaultScheduleOptions& options, uint64_t first,
              int count) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  for (uint64_t seed = first; seed < first + static_cast<uint64_t>(count); ++seed) {
    const std::string path =
        ::testing::TempDir() + "random-faults-" + family + "-" + std::to_string(seed) + ".yaml";
    const std::string text = ScenarioText(seed, options);
    std::ofstream(path) << text;
    if (std::getenv("KAFKASIM_RANDOM_FAULT_WRITE_ONLY") != nullptr) continue;
    auto scenario = LoadScenarioText(text, path, registry);
    RunOptions run;
    run.tracing = false;
    run.reproduce = "kafkasim run " + path;
    const RunResult result = RunScenario(*scenario, registry, run);
    EXPECT_TRUE(result.failures.empty()) << "replay: kafkasim run " << path << "\n"
                                         << result.failures.front();
    for (const ExpectationResult& expectation : result.expectations) {
      EXPECT_TRUE(expectation.passed) << "replay: kafkasim run " << path << "\n  "
                                      << expectation.description << ": " << expectation.actual;
    }
  }
}

FaultScheduleOptions Options(bool power_loss) {
  FaultScheduleOptions options;
  options.last_fault_us = kLastFault;
  options.power_loss = power_loss;
  return options;
}

TEST(RandomFaultsTest, ScheduleIsAPureFunctionOfTheSeed) {
  const auto a = FaultScheduleSteps(RandomFaultSchedule(7, Options(true)), "");
  const auto b = FaultScheduleSteps(RandomFaultSchedule(7, Options(true)), "");
  const auto c = FaultScheduleSteps(RandomFaultSchedule(8, Options(true)), "");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(RandomFaultsTest, EveryScheduleLoadsAndEndsWithEveryNodeUp) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const auto schedule = RandomFaultSchedule(seed, Options(true));
    ASSERT_GE(schedule.size(), 13u);
    for (size_t i = 1; i < schedule.size(); ++i) {
      ASSERT_LE(schedule[i - 1].at_us, schedule[i].at_us);
    }
    EXPECT_NO_THROW(LoadScenarioText(ScenarioText(seed, Options(true)), "s.yaml", registry))
        << ScenarioText(seed, Options(true));
  }
}

TEST(RandomFaultsTest, SafeClusterHealsWithoutPowerLoss) {
  RunSeeds("nopowerloss", Options(false), 1, SeedsPerFamily(4));
}

TEST(RandomFaultsTest, SafeClusterHealsAfterPowerLoss) {
  RunSeeds("powerloss", Options(true), 1001, SeedsPerFamily(4));
}

}  // namespace
}  // namespace ks
