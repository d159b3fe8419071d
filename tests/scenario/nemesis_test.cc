// Goal (issue 11, the nemesis): a scenario's `nemesis:` section declares a fault space; the run's
// seed draws a concrete schedule from it that is a pure function of the seed, stays inside the
// declared window, never has more faults in effect than allowed, ends every fault by the quiet
// period, and swarm-selects kinds per seed. The drawn steps run as ordinary steps (traced with
// `nemesis: true`); the schedule written out as `nemesis_schedule:` replays to the same digest;
// a nemesis step that does not apply in its node's state is skipped, not a failure; mistakes in
// the section are refused with their position.
#include "sim/scenario/nemesis.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario_error.h"

namespace ks {
namespace {

const char* kCluster = R"(name: nemesis-test
seed: 3
run_for: 60s
kafka:
  brokers: 3
  broker_config: {zookeeper.session.timeout.ms: 6000}
  topics:
    - {name: orders, partitions: 2, replication_factor: 3, config: {min.insync.replicas: 2}}
  producers:
    - {name: p1, topic: orders, count: 2000, rate: 100, start_at: 1s,
       config: {acks: all, max.in.flight.requests.per.connection: 1}}
)";

std::string WithNemesis(const std::string& nemesis) {
  return std::string(kCluster) + "nemesis:\n" + nemesis;
}

std::unique_ptr<Scenario> Load(const std::string& text) {
  static ScenarioRegistry* registry = [] {
    auto* r = new ScenarioRegistry;
    RegisterAllVocabulary(*r);
    return r;
  }();
  return LoadScenarioText(text, "nemesis.yaml", *registry);
}

RunResult RunWithSeed(const Scenario& scenario, uint64_t seed) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  RunOptions options;  // traced (no file): the digest covers every event
  options.seed = seed;
  return RunScenario(scenario, registry, options);
}

const char* kBroad = R"(  max_at_once: 2
  every: {min: 500ms, max: 3s}
  lasting: {min: 1s, max: 8s}
  window: {from: 2s, to: 30s}
  quiet: 20s
)";

// Which faults are in effect at each instant, counted from the schedule's steps.
TEST(NemesisTest, ScheduleIsAPureFunctionOfTheSeedAndKeepsItsBounds) {
  auto scenario = Load(WithNemesis(kBroad));
  ASSERT_TRUE(scenario->nemesis.has_value());
  const NemesisSpec& spec = *scenario->nemesis;
  EXPECT_EQ(spec.targets, (std::vector<std::string>{"zk", "b1", "b2", "b3"}))
      << "the default targets: the brokers and ZooKeeper";
  std::set<std::vector<NemesisKind>> kind_sets;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    const auto schedule = DrawNemesis(seed, spec, scenario->run_for_us);
    const auto again = DrawNemesis(seed, spec, scenario->run_for_us);
    ASSERT_EQ(schedule.size(), again.size());
    for (size_t i = 0; i < schedule.size(); ++i) {
      EXPECT_EQ(schedule[i].at_us, again[i].at_us);
      EXPECT_EQ(schedule[i].fault, again[i].fault);
    }
    const std::vector<NemesisKind> kept = SwarmKinds(seed, spec);
    ASSERT_FALSE(kept.empty());
    kind_sets.insert(kept);
    // The faults in effect, by what each holds; a recovery releases what its fault held.
    std::set<std::string> in_effect;
    size_t most = 0;
    for (size_t i = 0; i < schedule.size(); ++i) {
      const ScheduledFault& step = schedule[i];
      const Fault& f = step.fault;
      if (i > 0) EXPECT_LE(schedule[i - 1].at_us, step.at_us) << "seed " << seed;
      EXPECT_LE(step.at_us, 40 * kSecond) << "after the quiet period began, seed " << seed;
      std::string key;
      switch (f.kind) {
        case FaultKind::kKill:
        case FaultKind::kCrash:
        case FaultKind::kPause:
        case FaultKind::kRestart:
        case FaultKind::kResume:
          key = "process " + f.node;
          break;
        case FaultKind::kStop:
          if (!step.recovery) key = "process " + f.node;  // a full disk's recovery stops it
          break;
        case FaultKind::kIsolate:
        case FaultKind::kPartition:
        case FaultKind::kHeal:
          key = "network";
          break;
        case FaultKind::kSetLink:
          key = "link " + f.node + " " + f.peer;
          break;
        case FaultKind::kSlowDisk:
          key = "slow " + f.node;
          break;
        case FaultKind::kDiskFull:
          key = "full " + f.node;
          break;
        case FaultKind::kClockSkew:
          key = "clock " + f.node;
          break;
        default:
          break;  // instantaneous, or ends by itself
      }
      if (!step.recovery) {
        EXPECT_GE(step.at_us, 2 * kSecond) << "before the window, seed " << seed;
        EXPECT_LT(step.at_us, 30 * kSecond) << "after the window, seed " << seed;
        if (!key.empty()) EXPECT_TRUE(in_effect.insert(key).second) << key << ", seed " << seed;
      } else if (!key.empty()) {
        in_effect.erase(key);
      }
      most = std::max(most, in_effect.size());
    }
    EXPECT_TRUE(in_effect.empty()) << "a fault left in effect at the end, seed " << seed;
    EXPECT_LE(most, 2u) << "more than max_at_once faults together, seed " << seed;
  }
  EXPECT_GT(kind_sets.size(), 10u) << "swarm: seeds keep different subsets of the kinds";
  EXPECT_NE(FaultScheduleSteps(DrawNemesis(1, spec, scenario->run_for_us), ""),
            FaultScheduleSteps(DrawNemesis(2, spec, scenario->run_for_us), ""))
      << "two seeds, one schedule";
}

TEST(NemesisTest, WithoutSwarmEverySeedKeepsEveryKind) {
  auto scenario = Load(WithNemesis("  faults: [kill, pause]\n  swarm: false\n"));
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    EXPECT_EQ(SwarmKinds(seed, *scenario->nemesis),
              (std::vector<NemesisKind>{NemesisKind::kKill, NemesisKind::kPause}));
  }
}

TEST(NemesisTest, WrittenScheduleReplaysToTheSameDigest) {
  const std::string text = WithNemesis(kBroad);
  auto scenario = Load(text);
  const uint64_t seed = 5;
  const RunResult drawn = RunWithSeed(*scenario, seed);
  std::string written = text + "nemesis_schedule:\n";
  for (const ScheduledFault& step : DrawNemesis(seed, *scenario->nemesis, scenario->run_for_us)) {
    written += FaultStepText(step.fault, step.at_us, NemesisCaption(step), "  ");
  }
  auto fixed = Load(written);
  ASSERT_TRUE(fixed->nemesis_schedule.has_value());
  EXPECT_EQ(RunWithSeed(*fixed, seed).digest, drawn.digest);
  EXPECT_GT(drawn.event_count, 1000);
  // Another seed draws another schedule: the run differs.
  EXPECT_NE(RunWithSeed(*scenario, seed + 1).digest, drawn.digest);
}

TEST(NemesisTest, AStepThatDoesNotApplyIsSkippedNotAFailure) {
  // b1 is up: a restart of it cannot run.
  auto scenario = Load(WithNemesis(kBroad) + R"(nemesis_schedule:
  - {at: 3s, do: restart, node: b1}
)");
  const RunResult result = RunWithSeed(*scenario, 1);
  EXPECT_TRUE(result.failures.empty()) << result.failures.front();
}

void ExpectRefused(const std::string& nemesis, int line, const std::string& words) {
  try {
    Load(WithNemesis(nemesis));
    ADD_FAILURE() << "accepted: " << nemesis;
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.position().line, line) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(NemesisTest, MistakesAreRefusedWithTheirPosition) {
  // The `nemesis:` key is on line 12; its first key on line 13.
  ExpectRefused("  faults: [kill, explode]\n", 13, "unknown fault kind 'explode'");
  ExpectRefused("  targets: [b1, b9]\n", 13, "unknown node 'b9'");
  ExpectRefused("  window: {from: 20s, to: 10s}\n", 13, "ends before it starts");
  ExpectRefused("  quiet: 60s\n", 13, "shorter than the run");
  ExpectRefused("  every: {min: 5s, max: 1s}\n", 13, "0 < min <= max");
  ExpectRefused("  max_at_once: 0\n", 13, "");
  ExpectRefused("  window: {from: 50s}\n  quiet: 20s\n", 13, "no time for faults");
  try {
    Load(std::string(kCluster) + "nemesis_schedule:\n  - {at: 1s, do: heal}\n");
    ADD_FAILURE() << "a schedule without its nemesis was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.position().line, 12) << e.what();
  }
}

}  // namespace
}  // namespace ks
