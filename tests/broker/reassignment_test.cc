// Goal: partition reassignment follows the ZooKeeper-era controller's steps in order (A1-A4, then
// B1-B8 once the target replicas are in the ISR), leaves the cluster on the target replicas with
// the request cleared, and completes when the controller fails over in the middle of it, at any
// step: the new controller resumes from ZooKeeper.
// Method: four brokers, orders-0 on [1, 2, 3] moved to [4, 3, 2], with some records written first
// so that b4 has a log to fetch. The controller's steps are read from the trace
// (controller.reassignment_step); the failover is a power loss of the controller, scheduled to run
// right after the event that traced the chosen step.
#include <gtest/gtest.h>

#include "model/controller/controller_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

const TopicPartition kTp{"orders", 0};
using Ids = std::vector<BrokerId>;

// The broker that is the controller, or kNoBroker.
BrokerId ControllerOf(KafkaTestCluster& cluster, int brokers) {
  for (BrokerId id = 1; id <= brokers; ++id) {
    Broker* b = cluster.broker(id);
    if (b != nullptr && b->is_controller()) return id;
  }
  return kNoBroker;
}

// The step of a controller.reassignment_step ("A1"...), "" for another event.
std::string StepOf(const TraceEvent& e) {
  const std::optional<ev::ControllerReassignmentStep> step = e.As<ev::ControllerReassignmentStep>();
  return step ? std::string(TraceName(step->step)) : "";
}

// Crashes the controller once a reassignment step named `step` has been traced.
class CrashControllerAtStep final : public TraceSink {
 public:
  CrashControllerAtStep(KafkaTestCluster* cluster, std::string step)
      : cluster_(cluster), step_(std::move(step)) {}
  void OnEvent(const TraceEventView& event) override {
    if (fired_ || event.kind != "controller.reassignment_step" ||
        StepOf(event.ToEvent()) != step_) {
      return;
    }
    fired_ = true;
    victim = static_cast<BrokerId>(event.node);
    // Not from inside the controller's own handler: right after it.
    World& world = cluster_->world();
    world.scheduler().Schedule(world.Now(),
                               [this] { cluster_->world().Crash(cluster_->node(victim)); });
  }
  BrokerId victim = kNoBroker;

 private:
  KafkaTestCluster* cluster_;
  std::string step_;
  bool fired_ = false;
};

class ReassignmentTest : public ::testing::Test {
 protected:
  ReassignmentTest() : cluster_(4) {}

  void SetUp() override {
    cluster_.CreateTopic("orders", {1, 2, 3});
    ASSERT_FALSE(HasFatalFailure());
    cluster_.client().Produce(cluster_.node(1), kTp, 50, kAcksAll);
    ASSERT_TRUE(cluster_.RunUntil([&] { return cluster_.Replica(1, kTp)->high_watermark() == 50; },
                                  5 * kSecond));
  }

  void Reassign() {
    auto* admin = cluster_.world().ProcessAs<KafkaAdmin>(cluster_.world().FindNode("admin"));
    admin->Reassign({{kTp, {4, 3, 2}}});
  }

  // The reassignment is done: the controller's view and ZooKeeper name the target, the request
  // is gone, the target replicas are the ISR and the old replica b1 no longer takes part.
  bool Done() {
    const Controller::PartitionView* view = cluster_.ControllerView(kTp);
    if (view == nullptr || view->replicas != Ids{4, 3, 2}) return false;
    Ids isr = view->state.isr;
    std::sort(isr.begin(), isr.end());
    if (isr != Ids{2, 3, 4}) return false;
    auto* zk = cluster_.world().ProcessAs<ZkServer>(KafkaTestCluster::kZk);
    std::string data;
    ZkStat stat;
    auto& tree = const_cast<ZkTree&>(zk->tree());
    if (tree.GetData(zk_paths::kReassignPartitions, 0, &data, &stat) != ZkError::kNoNode) {
      return false;
    }
    if (tree.GetData(zk_paths::TopicPath("orders"), 0, &data, &stat) != ZkError::kOk ||
        data != "0=4,3,2") {
      return false;
    }
    // b1 no longer replicates the partition (its log is deleted, unless it was down when the
    // StopReplica went out: then the stray log stays, unused, as in ZooKeeper-era Kafka).
    Partition* old = cluster_.Replica(1, kTp);
    if (old != nullptr && old->role() != ReplicaRole::kNone) return false;
    const std::vector<std::string> steps = Steps();
    return !steps.empty() && steps.back() == "B8";
  }

  std::string Dump() const {
    std::string out;
    for (const char* kind : {"controller.reassignment_step", "controller.partition_state",
                             "controller.active", "controller.election", "node.crash",
                             "controller.alter_partition", "replica.isr", "node.start"}) {
      for (const TraceEvent& e : cluster_.Events(kind)) {
        out += "\n" + std::to_string(e.time_us / 1000) + " " + std::to_string(e.node) + " " +
               e.kind + " " + e.Json();
      }
    }
    return out;
  }

  std::vector<std::string> Steps() const {
    std::vector<std::string> steps;
    for (const TraceEvent& e : cluster_.Events("controller.reassignment_step")) {
      steps.push_back(StepOf(e));
    }
    return steps;
  }

  KafkaTestCluster cluster_;
};

// Goal: the steps run in Kafka's order, each once, and the move completes with the leader moved
// into the target (b1 led and is removed) and every record on the new replica.
TEST_F(ReassignmentTest, StepsRunInKafkasOrder) {
  ASSERT_FALSE(HasFatalFailure());
  Reassign();
  ASSERT_TRUE(cluster_.RunUntil([&] { return Done(); }, 30 * kSecond));
  EXPECT_EQ(Steps(), (std::vector<std::string>{"A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4", "B5",
                                               "B6", "B7", "B8"}));
  const Controller::PartitionView* view = cluster_.ControllerView(kTp);
  EXPECT_EQ(view->state.leader, 4);
  EXPECT_EQ(cluster_.Replica(4, kTp)->log_end_offset(), 50);
  // A1 recorded the adding and removing replicas in the topic znode (KIP-455).
  const auto steps = cluster_.Events("controller.reassignment_step");
  EXPECT_NE(steps.front().Json().find("\"replicas\":[4,3,2,1],\"adding\":[4],"
                                      "\"removing\":[1]"),
            std::string::npos);
  EXPECT_EQ(cluster_.Events("controller.reassignment_completed").size(), 1u);
}

// Goal: the move completes whatever step the controller dies after (each chosen step is followed
// by a ZooKeeper round trip the dead controller never sees answered; B5 and B8 run in the same
// handler as B4 and B7); the new controller (a higher controller epoch) runs the remaining steps,
// starting again from A1 or, when the target is already in the ISR, from B1.
class ReassignmentFailoverTest : public ReassignmentTest,
                                 public ::testing::WithParamInterface<std::string> {};

TEST_P(ReassignmentFailoverTest, ResumesAfterControllerFailover) {
  ASSERT_FALSE(HasFatalFailure());
  CrashControllerAtStep crash(&cluster_, GetParam());
  cluster_.world().trace().AddSink(&crash);
  Reassign();
  ASSERT_TRUE(cluster_.RunUntil([&] { return crash.victim != kNoBroker; }, 10 * kSecond));
  const int32_t old_epoch = cluster_.broker(crash.victim) != nullptr
                                ? cluster_.broker(crash.victim)->controller().epoch()
                                : 0;
  // A new controller takes over; the old one comes back later (it may be a replica of the move).
  ASSERT_TRUE(cluster_.RunUntil(
      [&] {
        const BrokerId c = ControllerOf(cluster_, 4);
        return c != kNoBroker && c != crash.victim;
      },
      30 * kSecond));
  const BrokerId successor = ControllerOf(cluster_, 4);
  EXPECT_GT(cluster_.broker(successor)->controller().epoch(), old_epoch);
  cluster_.world().Start(cluster_.node(crash.victim));
  EXPECT_TRUE(cluster_.RunUntil([&] { return Done(); }, 60 * kSecond))
      << "controller " << crash.victim << " died after step " << GetParam() << Dump();
  cluster_.world().trace().RemoveSink(&crash);
  // The successor traced the completion.
  bool completed_by_successor = false;
  for (const TraceEvent& e : cluster_.Events("controller.reassignment_step")) {
    completed_by_successor |= StepOf(e) == "B8" && e.node == cluster_.node(successor);
  }
  EXPECT_TRUE(completed_by_successor);
}

INSTANTIATE_TEST_SUITE_P(Steps, ReassignmentFailoverTest,
                         ::testing::Values("A1", "A4", "B3", "B4", "B6"));

}  // namespace
}  // namespace ks::testing
