// Goal: every scenario shipped in scenarios/ loads, runs with all its expectations met, and is
// deterministic (two runs, same digest). Scenarios under scenarios/bench/ are only loaded: they
// are benchmarks, run by hand (docs/performance.md).
// Method: one parameterised test per file, named after it, so ctest lists each scenario.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/world.h"

namespace ks {
namespace {

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  const std::filesystem::path root = std::filesystem::path(KAFKASIM_SOURCE_DIR) / "scenarios";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files.push_back(std::filesystem::relative(entry.path(), KAFKASIM_SOURCE_DIR).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class ScenarioFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioFileTest, RunsWithExpectationsMetAndIsDeterministic) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  const std::string path = std::string(KAFKASIM_SOURCE_DIR) + "/" + GetParam();
  std::unique_ptr<Scenario> scenario;
  try {
    scenario = LoadScenarioFile(path, registry);
  } catch (const ScenarioError& e) {
    FAIL() << e.what();
  }
  EXPECT_FALSE(scenario->description.empty()) << "every scenario tells its story";
  if (GetParam().rfind("scenarios/bench/", 0) == 0) return;
  RunOptions options;
  options.keep_event_hashes = true;
  const RunResult first = RunScenario(*scenario, registry, options);
  for (const ExpectationResult& e : first.expectations) {
    EXPECT_TRUE(e.passed) << e.position.ToString() << ": " << e.description << " (was " << e.actual
                          << ")";
  }
  for (const std::string& failure : first.failures) ADD_FAILURE() << failure;
  const RunResult second = RunScenario(*scenario, registry, options);
  EXPECT_EQ(first.digest, second.digest) << "not deterministic";
  EXPECT_EQ(first.event_hashes, second.event_hashes);
}

// Records, for each event, its time and the global clock when it was emitted.
class ClockSink final : public TraceSink {
 public:
  void OnEvent(const TraceEventView& event) override {
    events.push_back({event.seq, event.time_us, runner->world().Now(), event.node,
                      std::string(event.kind)});
  }
  struct Seen {
    int64_t seq;
    TimeUs time_us, clock_us;
    NodeId node;
    std::string kind;
  };
  std::vector<Seen> events;
  ScenarioRunner* runner = nullptr;
};

// Goal: the time order docs/trace-schema.md states ("Time order") holds in every scenario: an
// event's time is the global clock at its emission or later (a node busy with synchronous disk
// work runs ahead), the clock never goes back, and events of the world itself (node -1) carry the
// clock. (TraceStream checks the first two as it runs; this test says what a reader may rely on.)
TEST_P(ScenarioFileTest, EventTimesFollowTheClock) {
  if (GetParam().rfind("scenarios/bench/", 0) == 0) return;
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  auto scenario = LoadScenarioFile(std::string(KAFKASIM_SOURCE_DIR) + "/" + GetParam(), registry);
  ClockSink sink;
  RunOptions options;
  options.sinks.push_back(&sink);
  ScenarioRunner runner(*scenario, registry, options);
  sink.runner = &runner;
  runner.Begin();
  runner.AdvanceTo(kTimeNever);
  runner.Finish();
  ASSERT_FALSE(sink.events.empty());
  TimeUs clock_us = 0;
  for (const ClockSink::Seen& e : sink.events) {
    ASSERT_GE(e.clock_us, clock_us) << "event " << e.seq << ": the clock went back";
    clock_us = e.clock_us;
    ASSERT_GE(e.time_us, e.clock_us) << "event " << e.seq << " (" << e.kind << ") is in the past";
    if (e.node == kNoNode) {
      ASSERT_EQ(e.time_us, e.clock_us) << "event " << e.seq << " (" << e.kind << ")";
    }
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioFileTest, ::testing::ValuesIn(ScenarioFiles()),
                         TestName);

}  // namespace
}  // namespace ks
