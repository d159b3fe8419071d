// Goal: the words of issue 10 mean what docs/scenario-format.md says: a step expected to be refused
// (`expect_error`), a condition comparing two probes, producer keys chosen by the scenario (`key`,
// `keys`, `key_pattern`) landing where Kafka's murmur2 partitioner puts them, the
// `not_controller` selector, the `leader_epochs` probe and the consumer `seek` action. Each can
// fail.
// Method: small scenarios loaded from text and run to their end; their failures, expectations and
// events are read back.
#include <gtest/gtest.h>

#include "model/client/partitioner.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace ks {
namespace {

class WordsTest : public ::testing::Test {
 protected:
  WordsTest() { RegisterAllVocabulary(registry_); }

  RunResult Run(const std::string& text, TraceCollector* collector = nullptr) {
    scenario_ = LoadScenarioText(text, "test.yaml", registry_);
    RunOptions options;
    if (collector != nullptr) options.sinks.push_back(collector);
    return RunScenario(*scenario_, registry_, options);
  }

  std::string LoadErrorOf(const std::string& text) {
    try {
      LoadScenarioText(text, "test.yaml", registry_);
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  }

  ScenarioRegistry registry_;
  std::unique_ptr<Scenario> scenario_;
};

// A log of 10 records (offsets 0..9) on a log_host, then `step` at 2s.
std::string LogScenario(const std::string& step, const std::string& expect = "") {
  return R"(name: words
run_for: 3s
nodes:
  - {name: storage, kind: log_host, logs: [{topic: orders}]}
timeline:
  - at: 1s
    do: append
    node: storage
    topic: orders
    count: 10
)" + step + (expect.empty() ? "" : "expect:\n" + expect);
}

TEST_F(WordsTest, AStepRefusedWithTheExpectedErrorIsNoFailure) {
  TraceCollector collector;
  const RunResult result = Run(LogScenario(R"(  - at: 2s
    do: delete_records
    node: storage
    topic: orders
    offset: 400
    expect_error: OFFSET_OUT_OF_RANGE
)"),
                               &collector);
  EXPECT_TRUE(result.failures.empty()) << result.failures[0];
  int refused = 0;
  for (const TraceEvent& e : collector.events) refused += e.kind == "scenario.step_refused";
  EXPECT_EQ(refused, 1);
}

TEST_F(WordsTest, AStepThatSucceedsOrFailsOtherwiseThanExpectedFailsTheRun) {
  RunResult result = Run(LogScenario(R"(  - at: 2s
    do: delete_records
    node: storage
    topic: orders
    offset: 5
    expect_error: OFFSET_OUT_OF_RANGE
)"));
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_NE(result.failures[0].find("was expected to fail with OFFSET_OUT_OF_RANGE, but it "
                                    "succeeded"),
            std::string::npos)
      << result.failures[0];
  result = Run(LogScenario(R"(  - at: 2s
    do: delete_records
    node: storage
    topic: orders
    offset: 400
    expect_error: NOT_LEADER_OR_FOLLOWER
)"));
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_NE(result.failures[0].find("but it failed with OFFSET_OUT_OF_RANGE"), std::string::npos)
      << result.failures[0];
  EXPECT_NE(LoadErrorOf(LogScenario(R"(  - at: 2s
    do: delete_records
    node: storage
    topic: orders
    offset: 400
    expect_error: OFFSET_OUT_OF_RANGES
)"))
                .find("did you mean 'OFFSET_OUT_OF_RANGE'"),
            std::string::npos);
  EXPECT_NE(LoadErrorOf(LogScenario("  - at: 2s\n    expect_error: OFFSET_OUT_OF_RANGE\n"))
                .find("'expect_error' needs a 'do' action"),
            std::string::npos);
}

TEST_F(WordsTest, AConditionComparesTwoProbesAtTheSameInstant) {
  const std::string start = "{that: log_start_offset, node: storage, topic: orders}";
  const RunResult result =
      Run(LogScenario("", "  - {that: log_end_offset, node: storage, topic: orders, above: " +
                              start + "}\n  - {that: log_end_offset, node: storage, topic: " +
                              "orders, below: " + start + "}\n"));
  ASSERT_EQ(result.expectations.size(), 2u);
  EXPECT_TRUE(result.expectations[0].passed);
  EXPECT_EQ(result.expectations[0].actual, "10 vs 0");
  EXPECT_EQ(result.expectations[0].description,
            "log_end_offset(storage:orders-0) above log_start_offset(storage:orders-0)");
  EXPECT_FALSE(result.expectations[1].passed);
}

// One broker, a topic of 3 partitions, one producer of 20 records with the given keys.
std::string KeyScenario(const std::string& keys, const std::string& expect) {
  return R"(name: keys
run_for: 5s
kafka:
  brokers: 1
  topics:
    - {name: orders, partitions: 3, replication_factor: 1}
  producers:
    - {name: p1, topic: orders, count: 20, rate: 100, start_at: 1s, )" +
         keys + R"(}
expect:
)" + expect;
}

std::string LeoIs(int partition, int leo) {
  return "  - {that: leo, broker: b1, partition: orders-" + std::to_string(partition) +
         ", equals: " + std::to_string(leo) + "}\n";
}

TEST_F(WordsTest, AFixedKeyLandsOnMurmur2sPartition) {
  const int target = PartitionForKey("user-42", 3);
  std::string expect = "  - {that: partition_of_key, topic: orders, key: user-42, equals: " +
                       std::to_string(target) + "}\n";
  for (int p = 0; p < 3; ++p) expect += LeoIs(p, p == target ? 20 : 0);
  const RunResult result = Run(KeyScenario("key: user-42", expect));
  for (const ExpectationResult& e : result.expectations) {
    EXPECT_TRUE(e.passed) << e.description << " was " << e.actual;
  }
  EXPECT_TRUE(result.failures.empty());
}

TEST_F(WordsTest, KeysAreCycledAndAPatternNumbersThem) {
  // Two keys on two different partitions, alternating: 10 records each.
  std::string other;
  for (int i = 0; other.empty(); ++i) {
    const std::string key = "user-" + std::to_string(i);
    if (PartitionForKey(key, 3) != PartitionForKey("user-42", 3)) other = key;
  }
  std::string expect = LeoIs(PartitionForKey("user-42", 3), 10);
  expect += LeoIs(PartitionForKey(other, 3), 10);
  RunResult result = Run(KeyScenario("keys: [user-42, " + other + "]", expect));
  for (const ExpectationResult& e : result.expectations) {
    EXPECT_TRUE(e.passed) << e.description << " was " << e.actual;
  }
  // user-{n} with the send's number: user-0..user-19, each where murmur2 puts it.
  int per_partition[3] = {0, 0, 0};
  for (int n = 0; n < 20; ++n) per_partition[PartitionForKey("user-" + std::to_string(n), 3)]++;
  expect.clear();
  for (int p = 0; p < 3; ++p) expect += LeoIs(p, per_partition[p]);
  result = Run(KeyScenario("key_pattern: \"user-{n}\"", expect));
  for (const ExpectationResult& e : result.expectations) {
    EXPECT_TRUE(e.passed) << e.description << " was " << e.actual;
  }
  EXPECT_NE(LoadErrorOf(KeyScenario("key: a, keys: [b]", "")).find("a producer's keys are one of"),
            std::string::npos);
  EXPECT_NE(LoadErrorOf(KeyScenario("key_pattern: user", "")).find("holds {n}"),
            std::string::npos);
}

TEST_F(WordsTest, NotControllerSelectsALiveBrokerOtherThanTheController) {
  const RunResult result = Run(R"(name: roles
run_for: 3s
kafka:
  brokers: 3
timeline:
  - at: 1s
    do: crash
    node: {not_controller: any}
expect:
  - {that: node_status, node: {controller: any}, equals: up}
  - {that: node_status, node: {not_controller: any}, equals: up}
  - {that: node_status, node: {not_controller: any}, equals: crashed}
)");
  ASSERT_EQ(result.expectations.size(), 3u);
  EXPECT_TRUE(result.failures.empty());
  EXPECT_TRUE(result.expectations[0].passed) << "the controller was not the one crashed";
  EXPECT_TRUE(result.expectations[1].passed) << "the other live broker";
  EXPECT_FALSE(result.expectations[2].passed) << "a crashed broker is never selected";
}

TEST_F(WordsTest, LeaderEpochsReadsAReplicasEpochCache) {
  const RunResult result = Run(R"(name: epochs
run_for: 3s
kafka:
  brokers: 1
  topics:
    - {name: orders, partitions: 1, replication_factor: 1}
  producers:
    - {name: p1, topic: orders, count: 5, rate: 100, start_at: 1s}
expect:
  - {that: leader_epochs, broker: b1, partition: orders-0, equals: "0:0"}
  - {that: leader_epochs, broker: b1, partition: orders-0, equals: "0:0,1:5"}
)");
  ASSERT_EQ(result.expectations.size(), 2u);
  EXPECT_TRUE(result.expectations[0].passed) << result.expectations[0].actual;
  EXPECT_FALSE(result.expectations[1].passed);
}

TEST_F(WordsTest, SeekRereadsFromThePositionGiven) {
  const std::string head = R"(name: seek
run_for: 4s
kafka:
  brokers: 1
  topics:
    - {name: orders, partitions: 1, replication_factor: 1}
  producers:
    - {name: p1, topic: orders, count: 10, rate: 100, start_at: 1s}
  consumers:
    - {name: c1, topic: orders, start_at: 1s, config: {auto.offset.reset: earliest}}
timeline:
  - at: 2s
    do: seek
    consumer: c1
    partition: orders-0
)";
  const std::string expect = "expect:\n  - {that: consumed, consumer: c1, equals: ";
  RunResult result = Run(head + "    to: beginning\n" + expect + "20}\n");
  EXPECT_TRUE(result.failures.empty());
  EXPECT_TRUE(result.expectations[0].passed) << result.expectations[0].actual;
  result = Run(head + "    offset: 7\n" + expect + "13}\n");
  EXPECT_TRUE(result.expectations[0].passed) << result.expectations[0].actual;
  result = Run(head + "    to: end\n" + expect + "10}\n");
  EXPECT_TRUE(result.expectations[0].passed) << result.expectations[0].actual;
  std::string unassigned = head;
  unassigned.replace(unassigned.find("partition: orders-0"), 19, "partition: orders-3");
  result = Run(unassigned + "    offset: 0\n");
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_NE(result.failures[0].find("No current assignment for partition orders-3"),
            std::string::npos)
      << result.failures[0];
  EXPECT_NE(LoadErrorOf(head + "    offset: 1\n    to: end\n").find("exactly one of 'offset'"),
            std::string::npos);
}

}  // namespace
}  // namespace ks
