// Goal: the kafka: section reads YAML into the model's typed configuration and nothing else:
// brokers' disks start from world.disk like every node's (with broker_disk's keys on top, any of
// world.disk's keys), and bad input is refused at its position with Kafka's words.
// Method: load small scenarios, build their world (ScenarioRunner::Begin) and read the brokers'
// disks; for errors, compare the ScenarioError's position and message.
#include <gtest/gtest.h>

#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace ks {
namespace {

class KafkaSectionTest : public ::testing::Test {
 protected:
  KafkaSectionTest() { RegisterAllVocabulary(registry_); }

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

// Regression: world.disk never reached the brokers (the kafka section kept its own copy of the
// disk parser, which started from the built-in defaults and refused throughput_bytes_per_s).
TEST_F(KafkaSectionTest, BrokersStartFromWorldDiskWithBrokerDiskOnTop) {
  auto scenario = LoadScenarioText(R"(name: disks
world:
  disk: {write_latency: 30us, fsync_latency: 7ms, throughput_bytes_per_s: 1MB}
kafka:
  brokers: 2
  broker_disk: {throughput_bytes_per_s: 5MB, torn_tail: prefix}
)",
                                   "test.yaml", registry_);
  ScenarioRunner runner(*scenario, registry_, {});
  runner.Begin();
  World& world = runner.world();
  for (const char* name : {"b1", "b2"}) {
    const DiskOptions& disk = world.disk(world.FindNode(name)).options();
    EXPECT_EQ(disk.write_latency_us, 30) << name << ": world.disk";
    EXPECT_EQ(disk.fsync_latency_us, 7 * kMillisecond) << name << ": world.disk";
    EXPECT_EQ(disk.throughput_bytes_per_s, 5000000) << name << ": broker_disk";
    EXPECT_EQ(disk.torn_tail, TornTail::kPrefix) << name << ": broker_disk";
  }
  const DiskOptions& zk = world.disk(world.FindNode("zk")).options();
  EXPECT_EQ(zk.fsync_latency_us, 7 * kMillisecond) << "every node starts from world.disk";
  EXPECT_EQ(zk.throughput_bytes_per_s, 1000000);
  runner.AdvanceTo(kMillisecond);
  runner.Finish();
}

TEST_F(KafkaSectionTest, TopicErrorsSpeakKafka) {
  const std::string head = "name: t\nkafka:\n  brokers: 3\n  topics:\n";
  ScenarioError e = LoadError(head + "    - {name: t, replication_factor: 4}\n");
  EXPECT_EQ(e.position().line, 5);
  EXPECT_EQ(e.message(),
            "Replication factor: 4 larger than available brokers: 3. (INVALID_REPLICATION_FACTOR)");
  e = LoadError(head + "    - {name: t, replication_factor: 3, assignment: [[1, 2, 1]]}\n");
  EXPECT_EQ(e.position().line, 5);
  EXPECT_EQ(e.position().column, 53);  // the partition's list
  EXPECT_NE(e.message().find("INVALID_REPLICA_ASSIGNMENT"), std::string::npos) << e.message();
  e = LoadError(head + "    - {name: 'or ders'}\n");
  EXPECT_NE(e.message().find("Topic name is invalid"), std::string::npos) << e.message();
  e = LoadError(head + "    - {name: t, config: {min.insync.replicas: 0}}\n");
  EXPECT_EQ(e.position().column, 47) << "a bad value is the value's mistake";
  EXPECT_EQ(e.message(),
            "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1");
  e = LoadError(head + "    - {name: t, config: {min.insync.replica: 2}}\n");
  EXPECT_EQ(e.position().column, 26) << "an unknown name is the name's mistake";
  e = LoadError(head + "    - {name: t}\n    - {name: t}\n");
  EXPECT_EQ(e.position().line, 6);
  EXPECT_NE(e.message().find("TOPIC_ALREADY_EXISTS"), std::string::npos) << e.message();
  e = LoadError(head + "    - {name: t, config: {segment.bytes: 1, segment.bytes: 2}}\n");
  EXPECT_NE(e.message().find("written twice"), std::string::npos) << e.message();
}

// A value larger than max.request.size is not a scenario error: as in Kafka, each send fails
// (MESSAGE_TOO_LARGE, the producer's RecordTooLargeException) and the run goes on.
TEST_F(KafkaSectionTest, ARecordLargerThanMaxRequestSizeFailsItsSendAndTheRunGoesOn) {
  auto scenario = LoadScenarioText(R"(name: large
run_for: 2s
kafka:
  brokers: 1
  topics: [{name: t}]
  producers: [{name: p, topic: t, count: 3, value_bytes: 2MiB}]
expect:
  - {that: failed, producer: p, equals: 3}
  - {that: acked, producer: p, equals: 0}
)",
                                   "test.yaml", registry_);
  const RunResult result = RunScenario(*scenario, registry_, {});
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.end_time_us, 2 * kSecond);
}

TEST_F(KafkaSectionTest, NodeNamesAreUniqueAcrossTheScenario) {
  ScenarioError e = LoadError("name: t\nnodes: [{name: b2, kind: echo}]\nkafka:\n  brokers: 3\n");
  EXPECT_EQ(e.position().line, 4);
  EXPECT_EQ(e.message(), "a node named 'b2' exists already");
  e = LoadError(
      "name: t\nkafka:\n  brokers: 1\n  topics: [{name: t}]\n"
      "  consumers: [{name: admin, topic: t}]\n");
  EXPECT_EQ(e.position().line, 5);
  EXPECT_EQ(e.message(), "a node named 'admin' exists already");
}

}  // namespace
}  // namespace ks
