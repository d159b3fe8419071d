// Goal: the controller's probes read what ZooKeeper holds — `controller_epoch` goes up by one at
// every controller election, `replicas` shows RS = ORS + TRS while a reassignment runs and the
// target once it is done, `elr` lists the eligible leader replicas (KIP-966).
// Method: small Kafka scenarios whose `when` steps and expectations use the probes; a step that
// times out or an expectation that fails is a test failure.
#include <gtest/gtest.h>

#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace ks {
namespace {

class ControllerProbesTest : public ::testing::Test {
 protected:
  ControllerProbesTest() { RegisterAllVocabulary(registry_); }

  void RunAndExpectSuccess(const std::string& text) {
    auto scenario = LoadScenarioText(text, "test.yaml", registry_);
    const RunResult result = RunScenario(*scenario, registry_, {});
    for (const ExpectationResult& e : result.expectations) {
      EXPECT_TRUE(e.passed) << e.description << " (was " << e.actual << ")";
    }
    for (const std::string& failure : result.failures) ADD_FAILURE() << failure;
  }

  ScenarioRegistry registry_;
};

TEST_F(ControllerProbesTest, ControllerEpochCountsElections) {
  RunAndExpectSuccess(R"(name: t
seed: 5
run_for: 20s
kafka:
  brokers: 3
  broker_config: {zookeeper.session.timeout.ms: 4000}
timeline:
  - when: {that: controller_epoch, equals: 1}
    timeout: 1s
  - after: 0s
    do: crash
    node: {controller: any}
  - when: {that: controller_epoch, equals: 2}
    timeout: 10s
expect:
  - {that: controller_epoch, equals: 2}
)");
}

TEST_F(ControllerProbesTest, ReplicasShowTheReassignmentAndElrStaysEmptyWithoutIt) {
  RunAndExpectSuccess(R"(name: t
seed: 5
run_for: 10s
kafka:
  brokers: 4
  topics:
    - {name: t, partitions: 1, replication_factor: 3, assignment: [[1, 2, 3]]}
timeline:
  - when: {that: replicas, partition: t-0, equals: "1,2,3"}
    timeout: 1s
  - after: 0s
    do: crash
    node: b4
  - after: 0s
    do: reassign
    partition: t-0
    replicas: [4, 3, 2]
  - when: {that: replicas, partition: t-0, equals: "4,3,2,1"}
    timeout: 2s
  - after: 1s
    do: restart
    node: b4
  - when: {that: replicas, partition: t-0, equals: "4,3,2"}
    timeout: 5s
expect:
  - {that: isr_size, partition: t-0, equals: 3}
  - {that: elr, partition: t-0, equals: ""}
)");
}

TEST_F(ControllerProbesTest, ElrListsTheEligibleReplicas) {
  // b3 and b4 lose power: the controller removes them from the ISR, below min.insync.replicas,
  // so they are eligible; they restart without a clean-shutdown file and are no longer.
  RunAndExpectSuccess(R"(name: t
seed: 5
run_for: 30s
kafka:
  brokers: 4
  broker_config:
    eligible.leader.replicas.version: 1
    min.insync.replicas: 2
    zookeeper.session.timeout.ms: 4000
  topics:
    - {name: t, partitions: 1, replication_factor: 3, assignment: [[2, 3, 4]]}
timeline:
  - at: 1s
    do: crash
    node: b3
  - after: 0s
    do: crash
    node: b4
  - when: {that: elr, partition: t-0, equals: "3,4"}
    timeout: 15s
  - after: 0s
    do: restart
    node: b3
  - after: 0s
    do: restart
    node: b4
  - when: {that: elr, partition: t-0, equals: ""}
    timeout: 5s
expect:
  - {that: isr_size, partition: t-0, equals: 3}
)");
}

}  // namespace
}  // namespace ks
