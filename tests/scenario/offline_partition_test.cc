// Goal (issue 10, C): the final offline_partition check reports a partition left without a leader
// in a cluster that is whole — every broker up and connected to ZooKeeper, nothing faulted for a
// session timeout and more — and stays silent while the cluster is not whole (a broker down at the
// end may legitimately leave its partitions leaderless).
// Method: a three-broker scenario run through the runner. Halfway, the partition's state znode is
// overwritten through a broker's ZooKeeper session with leader -1 (the ISR kept), behind the
// controller's back: the state a controller that lost track of its brokers leaves behind. The
// checker's verdict is read from the checker.violation events.
#include <gtest/gtest.h>

#include "model/broker/broker.h"
#include "model/check/checker_events.h"
#include "model/controller/zk_paths.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace ks {
namespace {

constexpr const char* kScenario = R"(name: offline-partition
seed: 9
run_for: 60s
kafka:
  brokers: 3
  topics:
    - {name: orders, partitions: 1, replication_factor: 3, assignment: [[2, 3, 1]]}
)";

// Runs the scenario (plus `timeline`), overwriting orders-0's state at 20 s with no leader, and
// returns the partitions offline_partition reported.
std::vector<TopicPartition> RunOverwritten(const std::string& timeline) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  std::unique_ptr<Scenario> scenario =
      LoadScenarioText(std::string(kScenario) + timeline, "offline.yaml", registry);
  TraceCollector collector;
  RunOptions options;
  options.sinks = {&collector};
  ScenarioRunner runner(*scenario, registry, options);
  runner.Begin();
  runner.AdvanceTo(20 * kSecond);
  const TopicPartition tp{"orders", 0};
  zk_paths::PartitionStateData offline;
  offline.leader = kNoBroker;
  offline.leader_epoch = 100;
  offline.isr = {2, 3, 1};
  auto* broker = runner.world().ProcessAs<Broker>(runner.world().FindNode("b1"));
  EXPECT_NE(broker, nullptr);
  bool written = false;
  broker->zk().SetData(zk_paths::PartitionStatePath(tp), zk_paths::EncodePartitionState(offline),
                       -1, [&](const ZkResult& result) { written = result.ok(); });
  runner.AdvanceTo(21 * kSecond);
  EXPECT_TRUE(written);
  while (runner.AdvanceTo(runner.end_time_us())) {
  }
  runner.Finish();
  std::vector<TopicPartition> found;
  for (const TraceEvent& e : collector.events) {
    std::optional<ev::CheckerViolation> v = e.As<ev::CheckerViolation>();
    if (v && v->checker == Checker::kOfflinePartition) found.push_back(v->tp.Owned());
  }
  return found;
}

TEST(OfflinePartitionTest, ALeaderlessPartitionInAWholeClusterIsReported) {
  EXPECT_EQ(RunOverwritten(""), std::vector<TopicPartition>{(TopicPartition{"orders", 0})});
}

TEST(OfflinePartitionTest, NotReportedWhileABrokerIsDown) {
  EXPECT_TRUE(RunOverwritten("timeline:\n  - at: 50s\n    do: kill\n    node: b3\n").empty());
}

TEST(OfflinePartitionTest, NotReportedBeforeTheClusterHadASessionTimeoutToSettle) {
  // A restart at 45 s: 15 s later is less than the session timeout (18 s) plus 5 s.
  EXPECT_TRUE(RunOverwritten("timeline:\n  - at: 44s\n    do: kill\n    node: b3\n"
                  "  - at: 45s\n    do: restart\n    node: b3\n")
                  .empty());
}

}  // namespace
}  // namespace ks
