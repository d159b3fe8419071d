// Goal: every mistake in a scenario file is reported at its file:line:column, saying what was
// found and what was expected (with the closest valid name for a misspelling), and nothing runs.
// Method: load small texts with LoadScenarioText and compare the error's position and message.
#include "sim/scenario/loader.h"

#include <gtest/gtest.h>

#include "sim/cli/vocabulary.h"

namespace ks {
namespace {

class LoaderTest : public ::testing::Test {
 protected:
  LoaderTest() { RegisterAllVocabulary(registry_); }

  // Loads `text`, expecting an error; returns it.
  ScenarioError LoadError(const std::string& text) {
    try {
      LoadScenarioText(text, "test.yaml", registry_);
    } catch (const ScenarioError& e) {
      return e;
    }
    ADD_FAILURE() << "expected a ScenarioError for:\n" << text;
    return ScenarioError(SourcePosition{}, "none");
  }

  ScenarioRegistry registry_;
};

constexpr const char* kNodes = R"(name: t
nodes:
  - name: echo
    kind: echo
  - name: pinger
    kind: pinger
    target: echo
)";

TEST_F(LoaderTest, ValidScenarioLoadsEverything) {
  const std::string text = std::string(kNodes) + R"(seed: 9
run_for: 2s
world:
  network:
    latency: {min: 1ms, max: 2ms}
    links:
      - {from: pinger, to: echo, drop_ppm: 1000}
  disk:
    fsync_latency: 3ms
    torn_tail: prefix
timeline:
  - at: 100ms
    do: crash
    node: pinger
    caption: boom
  - after: 1s
    do: restart
    node: pinger
  - when: {that: node_status, node: pinger, equals: up}
    timeout: 5s
expect:
  - that: pongs_received
    node: pinger
    at_least: 1
)";
  auto scenario = LoadScenarioText(text, "test.yaml", registry_);
  EXPECT_EQ(scenario->name, "t");
  EXPECT_EQ(scenario->seed, 9u);
  EXPECT_EQ(scenario->run_for_us, 2 * kSecond);
  EXPECT_EQ(scenario->world.link_defaults.latency_min_us, 1000);
  EXPECT_EQ(scenario->world.link_defaults.latency_max_us, 2000);
  EXPECT_EQ(scenario->world.disk_defaults.fsync_latency_us, 3000);
  EXPECT_EQ(scenario->world.disk_defaults.torn_tail, TornTail::kPrefix);
  ASSERT_EQ(scenario->link_overrides.size(), 1u);
  EXPECT_EQ(scenario->link_overrides[0].second.drop_ppm, 1000u);
  ASSERT_EQ(scenario->nodes.size(), 2u);
  EXPECT_EQ(scenario->nodes[1].role, "client");
  ASSERT_EQ(scenario->steps.size(), 3u);
  EXPECT_EQ(scenario->steps[0].timing, Step::Timing::kAt);
  EXPECT_EQ(scenario->steps[0].time_us, 100 * kMillisecond);
  EXPECT_EQ(scenario->steps[0].caption, "boom");
  EXPECT_EQ(scenario->steps[0].position.line, 19);
  EXPECT_EQ(scenario->steps[1].timing, Step::Timing::kAfter);
  EXPECT_EQ(scenario->steps[2].timing, Step::Timing::kWhen);
  EXPECT_EQ(scenario->steps[2].timeout_us, 5 * kSecond);
  ASSERT_EQ(scenario->expectations.size(), 1u);
  EXPECT_EQ(scenario->expectations[0].Describe(), "pongs_received(pinger) at_least 1");
}

TEST_F(LoaderTest, MisspeltStepKeySuggestsTheClosestName) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(timeline:
  - at: 1s
    do: crash
    nod: pinger
)");
  // "nod" is not a key of crash: reported at the key itself... but `node` is missing first.
  EXPECT_EQ(e.position().file, "test.yaml");
  EXPECT_EQ(e.position().line, 9);
  EXPECT_NE(e.message().find("'node'"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, UnknownKeyIsReportedAtItsPositionWithSuggestion) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(timeline:
  - at: 1s
    do: crash
    node: pinger
    captoin: hello
)");
  EXPECT_EQ(e.position().line, 12);
  EXPECT_EQ(e.position().column, 5);
  EXPECT_NE(e.message().find("unknown key 'captoin'"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("did you mean 'caption'"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, UnknownActionListsTheClosest) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(timeline:
  - at: 1s
    do: crsh
    node: pinger
)");
  EXPECT_EQ(e.position().line, 10);
  EXPECT_EQ(e.position().column, 9);
  EXPECT_NE(e.message().find("did you mean 'crash'"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, UnknownNodeNamesTheKnownOnes) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(timeline:
  - at: 1s
    do: crash
    node: pingr
)");
  EXPECT_EQ(e.position().line, 11);
  EXPECT_NE(e.message().find("no node named 'pingr'"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("did you mean 'pinger'"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, DurationWithoutUnitIsRejected) {
  const ScenarioError e = LoadError(std::string(kNodes) + "run_for: 250\n");
  EXPECT_EQ(e.position().line, 8);
  EXPECT_EQ(e.position().column, 10);
  EXPECT_NE(e.message().find("expected a duration with a unit"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("'250'"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, YamlSyntaxErrorHasAPosition) {
  const ScenarioError e = LoadError("name: t\nnodes: [a, b\n");
  EXPECT_GE(e.position().line, 2);
  EXPECT_NE(e.message().find("not valid YAML"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, StepNeedsExactlyOneTiming) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(timeline:
  - at: 1s
    after: 2s
    do: heal
)");
  EXPECT_EQ(e.position().line, 9);
  EXPECT_NE(e.message().find("exactly one of 'at'"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, InjectedStepsNeedAnAbsoluteTime) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(injected:
  - after: 2s
    do: heal
)");
  EXPECT_EQ(e.position().line, 9);
  EXPECT_NE(e.message().find("needs 'at'"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, ConditionNeedsExactlyOneComparison) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(expect:
  - that: node_status
    node: echo
)");
  EXPECT_NE(e.message().find("exactly one comparison"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, UnknownProbeSuggests) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(expect:
  - that: node_statos
    node: echo
    equals: up
)");
  EXPECT_EQ(e.position().line, 9);
  EXPECT_NE(e.message().find("did you mean 'node_status'"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, UnknownTopLevelKeySuggests) {
  const ScenarioError e = LoadError(std::string(kNodes) + "timelin: []\n");
  EXPECT_EQ(e.position().line, 8);
  EXPECT_EQ(e.position().column, 1);
  EXPECT_NE(e.message().find("did you mean 'timeline'"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, DuplicateNodeName) {
  const ScenarioError e = LoadError(R"(name: t
nodes:
  - {name: a, kind: echo}
  - {name: a, kind: echo}
)");
  EXPECT_EQ(e.position().line, 4);
  EXPECT_NE(e.message().find("exists already"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, BadChoiceListsAllowedValues) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(world:
  disk:
    torn_tail: half
)");
  EXPECT_EQ(e.position().line, 10);
  EXPECT_NE(e.message().find("none, prefix, garbage"), std::string::npos) << e.what();
}

TEST_F(LoaderTest, MissingFileIsAnError) {
  try {
    LoadScenarioFile("/nonexistent/scenario.yaml", registry_);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read the scenario file"), std::string::npos);
  }
}

TEST_F(LoaderTest, NotAMappingAtTopLevel) {
  const ScenarioError e = LoadError("- a\n- b\n");
  EXPECT_EQ(e.position().line, 1);
  EXPECT_NE(e.message().find("a scenario is a YAML mapping"), std::string::npos);
}

TEST_F(LoaderTest, TimeoutOnlyForWhenSteps) {
  const ScenarioError e = LoadError(std::string(kNodes) + R"(timeline:
  - at: 1s
    timeout: 2s
)");
  EXPECT_EQ(e.position().line, 10);
  EXPECT_NE(e.message().find("only applies to a 'when' step"), std::string::npos);
}

}  // namespace
}  // namespace ks
