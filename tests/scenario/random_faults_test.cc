// Goal: random fault schedules over a safe configuration (RF 3, min.insync.replicas 2, acks=all,
// no unclean election, leader-epoch truncation) never abort or hang the simulator, and once every
// fault has ended the cluster heals itself: every partition led, every ISR full, every replica
// holding the same records, no acknowledged write lost or reordered, no invariant broken. Power
// losses are in two families: with every write fsynced (flush.messages 1) the same holds; with
// Kafka's default (no fsync) the ZooKeeper era can lose and diverge, and only liveness and the
// invariants are required.
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

// A family of schedules: which faults, and whether the brokers fsync every write.
struct Family {
  std::string name;
  bool power_loss = false;
  bool fsync = false;  // flush.messages 1: what a broker acknowledges survives its power loss
  // Kafka's ZooKeeper-era weakness is in play (power loss without fsync): a broker that lost its
  // unflushed tail can lead again, so writes may be lost, replicas diverge and a diverged follower
  // stay out of the ISR, as in Kafka.
  bool weak() const { return power_loss && !fsync; }
};

std::string ScenarioText(uint64_t seed, const FaultScheduleOptions& options, const Family& family) {
  std::string text = "name: random-faults-" + std::to_string(seed) + R"(
description: |
  A random fault schedule (tests/scenario/random_faults_test.cc) over a safe configuration.
seed: )" + std::to_string(seed) +
                     R"(
run_for: 130s
kafka:
  brokers: 3
  broker_config: {zookeeper.session.timeout.ms: 6000)" +
                     std::string(family.fsync ? ", flush.messages: 1" : "") + R"(}
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
    if (!family.weak()) {
      text += "  - {that: isr_size, partition: " + tp + ", equals: 3}\n";
      text += "  - {that: logs_equal, partition: " + tp + ", equals: true}\n";
    }
  }
  // Without idempotence a retried send can be written twice (Kafka's at-least-once): allowed.
  for (Checker checker : kAllCheckers) {
    const bool allowed =
        checker == Checker::kDuplicates ||
        (family.weak() && (checker == Checker::kLostWrites || checker == Checker::kOrder ||
                           checker == Checker::kDivergence || checker == Checker::kIsrLogsDiffer ||
                           checker == Checker::kUnderReplicated));
    text += "  - {that: violations, checker: " + std::string(CheckerName(checker)) +
            (allowed ? ", at_least: 0}\n" : ", equals: 0}\n");
  }
  return text;
}

int SeedsPerFamily(int fallback) {
  const char* text = std::getenv("KAFKASIM_RANDOM_FAULT_SEEDS");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : fallback;
}

void RunSeeds(const Family& family, const FaultScheduleOptions& options, uint64_t first,
              int count) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  for (uint64_t seed = first; seed < first + static_cast<uint64_t>(count); ++seed) {
    const std::string path = ::testing::TempDir() + "random-faults-" + family.name + "-" +
                             std::to_string(seed) + ".yaml";
    const std::string text = ScenarioText(seed, options, family);
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
    const Family family{"powerloss", true, false};
    EXPECT_NO_THROW(LoadScenarioText(ScenarioText(seed, Options(true), family), "s.yaml", registry))
        << ScenarioText(seed, Options(true), family);
  }
}

TEST(RandomFaultsTest, SafeClusterHealsWithoutPowerLoss) {
  RunSeeds({"nopowerloss", false, false}, Options(false), 1, SeedsPerFamily(4));
}

// With every write fsynced, a power loss loses nothing acknowledged: all checks hold.
TEST(RandomFaultsTest, SafeClusterWithFsyncHealsAfterPowerLoss) {
  RunSeeds({"fsync", true, true}, Options(true), 2001, SeedsPerFamily(4));
}

// Kafka's default (no fsync): writes may be lost and replicas diverge, but nothing aborts, hangs
// or stays offline.
TEST(RandomFaultsTest, DefaultClusterStaysLiveAfterPowerLoss) {
  RunSeeds({"powerloss", true, false}, Options(true), 1001, SeedsPerFamily(4));
}

}  // namespace
}  // namespace ks
