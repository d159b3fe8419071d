// Goal: a broken invariant during `kafkasim run` is a bug with a seed: the process aborts (a
// driver running many seeds sees it in the exit status), prints the seed and the exact command
// that reproduces it, and leaves a valid trace of every event until then, marked aborted.
// Method: a test-only action that fails a KS_CHECK, added to the CLI's vocabulary through
// CliExtensions; the run happens in a death test's child process; the parent then reads the
// trace the child left.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "model/env/check.h"
#include "sim/cli/cli.h"
#include "sim/scenario/registry.h"
#include "sim/trace_reader.h"

namespace ks {
namespace {

class BreakInvariant final : public Action {
 public:
  Status Execute(ScenarioRun&) override {
    KS_CHECK_MSG(false, "broken on purpose by the test");
    return Status::Ok();
  }
};

int RunWithBrokenInvariant(const std::string& scenario, const std::string& trace) {
  CliExtensions extensions;
  extensions.vocabulary = [](ScenarioRegistry& registry) {
    registry.AddAction("break_invariant", {"Fails an invariant check (tests only).", ""},
                       [](Args&, ParseScope&) -> std::unique_ptr<Action> {
                         return std::make_unique<BreakInvariant>();
                       });
  };
  const std::vector<std::string> args = {"kafkasim", "run",     scenario, "--seed",
                                         "7",        "--trace", trace,    "--quiet"};
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  return RunCli(static_cast<int>(argv.size()), argv.data(), out, err, extensions);
}

TEST(InvariantFailureTest, AbortsNamingTheSeedAndKeepsTheTraceUntilThen) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string scenario = ::testing::TempDir() + "broken_invariant.yaml";
  std::ofstream(scenario) << R"(name: broken-invariant
run_for: 1s
nodes:
  - {name: echo, kind: echo}
  - {name: pinger, kind: pinger, target: echo, interval: 10ms}
timeline:
  - at: 500ms
    do: break_invariant
)";
  const std::string trace = ::testing::TempDir() + "broken_invariant.sqlite";
  std::remove(trace.c_str());
  EXPECT_DEATH(RunWithBrokenInvariant(scenario, trace),
               "invariant broken: false .*broken on purpose by the test\n"
               "kafkasim: this is a bug with a seed: seed=7; reproduce: .*kafkasim run .*"
               "broken_invariant.yaml --seed 7");

  std::string error;
  std::unique_ptr<TraceReader> reader = TraceReader::Open(trace, &error);
  ASSERT_NE(reader, nullptr) << error;
  EXPECT_EQ(reader->Meta("status"), "aborted");
  EXPECT_NE(reader->Meta("abort_reason").find("--seed 7"), std::string::npos);
  const std::vector<TraceEvent> events = reader->ReadAllEvents(&error);
  ASSERT_TRUE(error.empty()) << error;
  // Every event until the failure, the last one the step that broke the invariant.
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(std::to_string(events.size()), reader->Meta("recorded_events"));
  EXPECT_EQ(events.back().kind, "scenario.step");
  EXPECT_EQ(events.back().time_us, 500000);
  EXPECT_GT(events.size(), 50u) << "the pings before the failure are in the trace";
  EXPECT_EQ(reader->Nodes().size(), 2u);
}

}  // namespace
}  // namespace ks
