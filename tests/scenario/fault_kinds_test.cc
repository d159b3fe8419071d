// Goal: the fault kinds' table (sim/scenario/fault_kinds.h) is the world's: every action the world
// registers is a kind of the table, with the table's documentation; a fault of every kind, with
// every parameter, written by FaultStepText loads back as that kind's step; the node states in
// which the table says a kind applies are exactly those in which the world runs it; and the
// `injected:` text a live session saves (sim/scenario/injected_steps.h) appends its steps without
// moving a line of the original.
// Method: the world's vocabulary alone in a registry; small ping-pong scenarios built from the
// written steps, loaded and run; the written text compared to the expected YAML.
#include "sim/scenario/fault_kinds.h"

#include <gtest/gtest.h>

#include <set>

#include "sim/cli/vocabulary.h"
#include "sim/scenario/injected_steps.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/world_vocabulary.h"

namespace ks {
namespace {

constexpr const char* kPingPong = R"(name: faults
seed: 3
run_for: 60ms
world:
  network:
    latency: {min: 1ms, max: 1ms}
nodes:
  - name: echo
    kind: echo
  - name: pinger
    kind: pinger
    target: echo
    interval: 10ms
)";

// A fault of `kind` on echo (and pinger where it needs a second node) with every parameter its
// kind has.
Fault WithEveryParameter(FaultKind kind) {
  Fault fault{kind, "echo"};
  switch (FaultKindOf(kind).target) {
    case FaultTarget::kNetwork:
      fault.node.clear();
      break;
    case FaultTarget::kNode:
      break;
    case FaultTarget::kLink:
      fault.peer = "pinger";
      break;
    case FaultTarget::kSides:
      fault.node.clear();
      fault.sides = {{"echo"}, {"pinger"}};
      break;
  }
  for (const FaultParameter& parameter : FaultKindOf(kind).parameters) {
    switch (parameter.type) {
      case FaultParameterType::kInteger:
      case FaultParameterType::kSize:
        fault.arguments.push_back(FaultArgument::Number(parameter.key, 3));
        break;
      case FaultParameterType::kDuration:
        fault.arguments.push_back(FaultArgument::Number(parameter.key, 1500));
        break;
      case FaultParameterType::kBool:
        fault.arguments.push_back(FaultArgument::Number(parameter.key, 1));
        break;
      case FaultParameterType::kPath:
        fault.arguments.push_back(FaultArgument::Text(parameter.key, "data/a file.log"));
        break;
      case FaultParameterType::kLatency:
        fault.arguments.push_back(FaultArgument::Latency(parameter.key, kMillisecond, 3000));
        break;
    }
  }
  return fault;
}

std::string WithTimeline(const std::string& steps) { return kPingPong + ("timeline:\n" + steps); }

TEST(FaultKindsTest, TheTableIsInKindOrderAndFindsEveryAction) {
  std::set<std::string> actions;
  for (size_t i = 0; i < FaultKinds().size(); ++i) {
    const FaultKindInfo& info = FaultKinds()[i];
    EXPECT_EQ(static_cast<size_t>(info.kind), i);
    EXPECT_TRUE(actions.insert(info.action).second) << info.action << " twice";
    EXPECT_EQ(FindFaultKind(info.action), &info);
    EXPECT_NE(std::string(info.label), "");
    EXPECT_EQ(info.target == FaultTarget::kNode || info.target == FaultTarget::kLink,
              info.node_key != nullptr)
        << info.action;
    EXPECT_EQ(info.target == FaultTarget::kLink, info.peer_key != nullptr) << info.action;
    // Every parameter is in the documented synopsis.
    for (const FaultParameter& parameter : info.parameters) {
      EXPECT_NE(std::string(info.synopsis).find(parameter.key), std::string::npos)
          << info.action << " " << parameter.key;
    }
  }
  EXPECT_EQ(FindFaultKind("no_such_fault"), nullptr);
}

TEST(FaultKindsTest, TheWorldRegistersExactlyTheTableWithItsDocumentation) {
  ScenarioRegistry registry;
  RegisterWorldVocabulary(registry);
  std::vector<std::string> table;
  for (const FaultKindInfo& info : FaultKinds()) {
    table.push_back(info.action);
    ASSERT_EQ(registry.actions().count(info.action), 1u) << info.action;
    const VocabularyDoc& doc = registry.actions().at(info.action).doc;
    EXPECT_EQ(doc.summary, info.summary);
    EXPECT_EQ(doc.synopsis, info.synopsis);
  }
  std::sort(table.begin(), table.end());
  EXPECT_EQ(KeysOf(registry.actions()), table);
}

TEST(FaultKindsTest, AStepOfEveryKindWithEveryParameterLoadsAsThatKind) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  for (const FaultKindInfo& info : FaultKinds()) {
    const Fault fault = WithEveryParameter(info.kind);
    const std::string steps = FaultStepText(fault, 20 * kMillisecond, "a caption", "  ");
    std::unique_ptr<Scenario> scenario;
    try {
      scenario = LoadScenarioText(WithTimeline(steps), "faults.yaml", registry);
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << info.action << ": " << e.what() << "\n" << steps;
      continue;
    }
    ASSERT_EQ(scenario->steps.size(), 1u) << steps;
    EXPECT_EQ(scenario->steps[0].action_name, info.action);
    EXPECT_EQ(scenario->steps[0].time_us, 20 * kMillisecond);
    EXPECT_EQ(scenario->steps[0].caption, "a caption");
  }
}

TEST(FaultKindsTest, PartitionsOneWayAndBetweenManyGroupsLoad) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  Fault one_way{FaultKind::kPartition};
  one_way.sides = {{"echo"}, {"pinger"}};
  one_way.one_way = true;
  Fault three{FaultKind::kPartition};
  three.sides = {{"echo"}, {"pinger"}, {"echo", "pinger"}};
  const std::string steps = FaultStepText(one_way, 10 * kMillisecond, "", "  ") +
                            FaultStepText(three, 20 * kMillisecond, "", "  ");
  EXPECT_NE(steps.find("    from: [echo]\n    to: [pinger]\n"), std::string::npos) << steps;
  EXPECT_NE(steps.find("    between: [[echo], [pinger], [echo, pinger]]\n"), std::string::npos);
  EXPECT_EQ(LoadScenarioText(WithTimeline(steps), "faults.yaml", registry)->steps.size(), 2u);
  EXPECT_EQ(one_way.Describe(), "partition echo -> pinger (one way)");
  EXPECT_EQ(three.Describe(), "partition echo | pinger | echo,pinger");
}

// The step that brings echo into `status` at 10 ms, before the fault at 20 ms (empty for up).
std::string IntoStatus(NodeStatus status) {
  switch (status) {
    case NodeStatus::kUp:
    case NodeStatus::kNotStarted:
      return "";
    case NodeStatus::kPaused:
      return "  - at: 10ms\n    do: pause\n    node: echo\n";
    case NodeStatus::kCrashed:
      return "  - at: 10ms\n    do: crash\n    node: echo\n";
    case NodeStatus::kStopped:
      return "  - at: 10ms\n    do: stop\n    node: echo\n";
  }
  return "";
}

TEST(FaultKindsTest, TheWorldRunsAFaultInExactlyTheStatesTheTableSays) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  const NodeStatus statuses[] = {NodeStatus::kNotStarted, NodeStatus::kUp, NodeStatus::kPaused,
                                 NodeStatus::kCrashed, NodeStatus::kStopped};
  int refusals = 0;
  for (const FaultKindInfo& info : FaultKinds()) {
    if (info.node_key == nullptr) continue;  // no node: nothing to be in a state
    for (NodeStatus status : statuses) {
      std::string text =
          WithTimeline(IntoStatus(status) +
                       FaultStepText(WithEveryParameter(info.kind), 20 * kMillisecond, "", "  "));
      if (status == NodeStatus::kNotStarted) {
        text.replace(text.find("    kind: echo\n"), 15, "    kind: echo\n    start: false\n");
      }
      const std::unique_ptr<Scenario> scenario = LoadScenarioText(text, "faults.yaml", registry);
      const RunResult result = RunScenario(*scenario, registry, RunOptions{});
      const std::string refusal = "cannot " + std::string(info.action) + " echo: it is " +
                                  std::string(NodeStatusName(status));
      bool refused = false;
      for (const std::string& failure : result.failures) {
        refused |= failure.find(refusal) != std::string::npos;
      }
      EXPECT_EQ(refused, !info.applies_in.Contains(status))
          << info.action << " on a node " << NodeStatusName(status);
      refusals += refused;
    }
  }
  // crash and kill: 3 states each; stop and pause: 4; restart: 2; resume: 4.
  EXPECT_EQ(refusals, 3 + 3 + 4 + 4 + 2 + 4);
}

TEST(FaultKindsTest, DescribeNamesTheFaultForPeople) {
  EXPECT_EQ((Fault{FaultKind::kCrash, "b1"}).Describe(), "crash b1 (power loss)");
  EXPECT_EQ((Fault{FaultKind::kKill, "b1"}).Describe(), "kill b1 (kill -9)");
  EXPECT_EQ((Fault{FaultKind::kRestart, "b1"}).Describe(), "restart b1");
  EXPECT_EQ((Fault{FaultKind::kPause, "b1"}).Describe(), "pause b1 (a long GC)");
  EXPECT_EQ((Fault{FaultKind::kResume, "b1"}).Describe(), "resume b1");
  EXPECT_EQ((Fault{FaultKind::kIsolate, "b1"}).Describe(), "isolate b1 (partition it away)");
  EXPECT_EQ(Fault::CutLink("b1", "b2").Describe(), "cut the link b1 - b2");
  EXPECT_EQ(Fault{FaultKind::kHeal}.Describe(), "heal every partition");
  Fault slow{FaultKind::kSlowDisk, "b1"};
  slow.arguments = {FaultArgument::Number("factor", 10)};
  EXPECT_EQ(slow.Describe(), "slow b1's disk (factor: 10)");
  Fault spike{FaultKind::kDelaySpike, "b1"};
  spike.arguments = {FaultArgument::Number("for", 2 * kSecond),
                     FaultArgument::Number("extra", 250 * kMillisecond)};
  EXPECT_EQ(spike.Describe(), "delay the links b1 -> * (extra: 250ms, for: 2s)");
}

TEST(FaultKindsTest, StepTextWritesKeysInTheTablesOrderAndQuotesWhatIsNotAWord) {
  Fault corrupt{FaultKind::kCorruptFile, "b 1"};
  corrupt.arguments = {FaultArgument::Number("length", 2), FaultArgument::Number("offset", 7),
                       FaultArgument::Text("file", "orders-0/0.log")};
  EXPECT_EQ(FaultStepText(corrupt, 1500, "", ""),
            "- at: 1500us  # 0.001500 s\n"
            "  do: corrupt_file\n"
            "  node: \"b 1\"\n"
            "  file: \"orders-0/0.log\"\n"
            "  offset: 7\n"
            "  length: 2\n");
  Fault link{FaultKind::kSetLink, "b1", "null"};
  link.arguments = {FaultArgument::Latency("latency", kMillisecond, 2500),
                    FaultArgument::Number("one_way", 0)};
  EXPECT_EQ(FaultStepText(link, 0, "say \"hi\"", "  "),
            "  - at: 0us  # 0.000000 s\n"
            "    do: set_link\n"
            "    from: b1\n"
            "    to: \"null\"\n"
            "    one_way: false\n"
            "    latency: {min: 1ms, max: 2500us}\n"
            "    caption: \"say \\\"hi\\\"\"\n");
}

const InjectedOrigin kOrigin{"by clicking in kafkasim-viewer's live mode",
                             "Injected in the viewer: "};

TEST(InjectedStepsTest, AppendsStepsAndKeepsEveryOriginalLine) {
  std::string text, error;
  const std::string original = "name: x\nnodes: []\nexpect: []";  // no final newline
  ASSERT_TRUE(ScenarioWithInjected(original, {}, 1, kOrigin, &text, &error));
  EXPECT_EQ(text, original);
  ASSERT_TRUE(ScenarioWithInjected(
      original, {{1500, Fault::CutLink("b1", "zk")}, {2000, Fault{FaultKind::kHeal}}}, 7, kOrigin,
      &text, &error));
  EXPECT_EQ(text.rfind(original + "\n", 0), 0u);
  EXPECT_NE(text.find("# Faults injected by clicking in kafkasim-viewer's live mode (seed 7). "
                      "Each runs\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\ninjected:\n  - at: 1500us"), std::string::npos) << text;
  EXPECT_NE(text.find("    do: partition\n    between: [[b1], [zk]]\n"), std::string::npos);
  EXPECT_NE(text.find("    caption: \"Injected in the viewer: cut the link b1 - zk\"\n"),
            std::string::npos);
  EXPECT_NE(text.find("  - at: 2000us  # 0.002000 s\n    do: heal\n"), std::string::npos);
  EXPECT_NE(text.find("--seed 7"), std::string::npos);

  // A saved scenario opened again: new steps join its section, with its indentation.
  std::string again;
  ASSERT_TRUE(ScenarioWithInjected("name: x\ninjected:\n- at: 1us\n  do: heal\n",
                                   {{5, {FaultKind::kCrash, "b1"}}}, 7, kOrigin, &again, &error));
  EXPECT_EQ(again,
            "name: x\ninjected:\n- at: 1us\n  do: heal\n- at: 5us  # 0.000005 s\n"
            "  do: crash\n  node: b1\n"
            "  caption: \"Injected in the viewer: crash b1 (power loss)\"\n");
  // ...which must be the last section, or the steps would land in another one.
  EXPECT_FALSE(ScenarioWithInjected("injected:\n- at: 1us\nname: x\n",
                                    {{5, Fault{FaultKind::kHeal}}}, 7, kOrigin, &again, &error));
  EXPECT_NE(error.find("last"), std::string::npos);
  // ...and a block list.
  EXPECT_FALSE(ScenarioWithInjected("name: x\ninjected: [{at: 1us, do: heal}]\n",
                                    {{5, Fault{FaultKind::kHeal}}}, 7, kOrigin, &again, &error));
  EXPECT_NE(error.find("block list"), std::string::npos);
}

}  // namespace
}  // namespace ks
