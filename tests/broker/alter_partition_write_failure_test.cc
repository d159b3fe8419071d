// Goal: regression test for "a ZooKeeper write that fails inside the controller's state write is
// dropped silently, and the AlterPartition that caused it is answered NONE". A leader's ISR change
// whose state write fails leaves the partition's state as it was — in ZooKeeper, in the
// controller and at the leader — and is answered with the error Kafka's ZooKeeper-era controller
// gives (KafkaController.processAlterPartition): INVALID_UPDATE_VERSION when the conditional write
// lost to another writer (BADVERSION), UNKNOWN_SERVER_ERROR for any other ZooKeeper error.
// Method: three brokers (b1 the controller), orders-0 on [1, 2, 3] led by b1. Another ZooKeeper
// session writes the partition's state znode behind the controller's back — rewriting it unchanged
// bumps its version; deleting it makes the write fail with NONODE — then b3 is cut off from the
// leader and records are produced, so that the leader's ISR check proposes {1, 2} once b3 has
// been behind for replica.lag.time.max.ms. The answer is
// read from the trace (controller.alter_partition, replica.isr_rejected), the state from
// ZooKeeper, the controller's view and the leader's replica.
#include <gtest/gtest.h>

#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

const TopicPartition kTp{"orders", 0};
using Ids = std::vector<BrokerId>;

bool HasField(const TraceEvent& event, const std::string& key, const std::string& value) {
  return event.Json().find("\"" + key + "\":\"" + value + "\"") != std::string::npos;
}

class AlterPartitionWriteFailureTest : public ::testing::Test {
 protected:
  AlterPartitionWriteFailureTest() : cluster_(3) {}

  void SetUp() override {
    ASSERT_TRUE(
        cluster_.RunUntil([&] { return cluster_.broker(1)->is_controller(); }, 5 * kSecond));
    cluster_.CreateTopic("orders", {1, 2, 3});
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_TRUE(cluster_.Replica(1, kTp)->is_leader());
    view_before_ = *cluster_.ControllerView(kTp);
  }

  // Cuts b3 off from the leader b1 and runs until the controller has answered the leader's
  // AlterPartition; returns that answer.
  TraceEvent ShrinkTheIsr() {
    const size_t answered = cluster_.Events("controller.alter_partition").size();
    cluster_.world().network().Partition({cluster_.node(1)}, {cluster_.node(3)}, false);
    cluster_.client().Produce(cluster_.node(1), kTp, 5, kAcksLeader);  // b3 falls behind
    EXPECT_TRUE(cluster_.RunUntil(
        [&] { return cluster_.Events("controller.alter_partition").size() > answered; },
        30 * kSecond));
    cluster_.RunFor(100 * kMillisecond);  // the answer reaches the leader
    const std::vector<TraceEvent> answers = cluster_.Events("controller.alter_partition");
    return answers.size() > answered ? answers.back() : TraceEvent{};
  }

  // Nothing changed but ZooKeeper's own copy, which the other writer touched.
  void ExpectTheStateUnchanged() {
    const Controller::PartitionView* view = cluster_.ControllerView(kTp);
    ASSERT_NE(view, nullptr);
    EXPECT_EQ(view->state.isr, (Ids{1, 2, 3}));
    EXPECT_EQ(view->state.leader_epoch, view_before_.state.leader_epoch);
    EXPECT_EQ(view->zk_version, view_before_.zk_version);
    Partition* leader = cluster_.Replica(1, kTp);
    EXPECT_EQ(leader->isr(), (Ids{1, 2, 3}));
    EXPECT_EQ(leader->partition_epoch(), view_before_.zk_version);
    EXPECT_FALSE(cluster_.Events("replica.isr_rejected").empty())
        << "the leader was told its change did not happen";
  }

  KafkaTestCluster cluster_;
  Controller::PartitionView view_before_;
};

TEST_F(AlterPartitionWriteFailureTest, AWriteThatLostToAnotherWriterIsInvalidUpdateVersion) {
  const std::string path = zk_paths::PartitionStatePath(kTp);
  const ZkResult state = cluster_.ZkGet(2, path);
  ASSERT_TRUE(state.ok());
  const ZkResult rewritten = cluster_.Zk(
      2, [&](ZkClient& zk, ZkCallback done) { zk.SetData(path, state.data, -1, done); });
  ASSERT_TRUE(rewritten.ok());

  const TraceEvent answer = ShrinkTheIsr();
  EXPECT_TRUE(HasField(answer, "error", "INVALID_UPDATE_VERSION")) << answer.Json();
  ExpectTheStateUnchanged();
  const ZkResult after = cluster_.ZkGet(2, path);
  EXPECT_EQ(after.data, state.data);
  EXPECT_EQ(after.stat.version,
            state.stat.version + 1);  // the other writer's, not the controller's
}

TEST_F(AlterPartitionWriteFailureTest, AnyOtherZooKeeperErrorIsUnknownServerError) {
  const std::string path = zk_paths::PartitionStatePath(kTp);
  const ZkResult deleted =
      cluster_.Zk(2, [&](ZkClient& zk, ZkCallback done) { zk.Delete(path, -1, done); });
  ASSERT_TRUE(deleted.ok());

  const TraceEvent answer = ShrinkTheIsr();
  EXPECT_TRUE(HasField(answer, "error", "UNKNOWN_SERVER_ERROR")) << answer.Json();
  ExpectTheStateUnchanged();
  EXPECT_EQ(cluster_.ZkGet(2, path).error, ZkError::kNoNode);  // the write did not create it
}

}  // namespace
}  // namespace ks::testing
