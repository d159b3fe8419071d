// The viewer's fold: given a sequence of trace events, the picture after each prefix is what the
// events say (leader, epoch, ISR, HW, LEO, crash state, captions), and the store's snapshots and
// seeks give exactly the picture of a full fold. Method: small hand-written event sequences in the
// schema of docs/trace-schema.md, plus one real recorded run (the flagship scenario) for seeking.
#include "viewer/cluster_model.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "model/broker/broker_events.h"
#include "model/check/checker_events.h"
#include "model/client/client_events.h"
#include "model/controller/controller_events.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/scenario_events.h"
#include "sim/world_events.h"
#include "tests/viewer/model_picture.h"
#include "viewer/trace_store.h"

namespace ks {
namespace {

class EventList {
 public:
  template <typename E>
  EventList& Add(TimeUs time_us, NodeId node, const E& event) {
    TraceEvent stored{static_cast<int64_t>(events_.size()),
                      time_us,
                      node,
                      std::string(E::kName),
                      &EventKindOf<E>(),
                      ""};
    EncodeEvent(event, &stored.data);
    events_.push_back(std::move(stored));
    return *this;
  }
  const std::vector<TraceEvent>& events() const { return events_; }

 private:
  std::vector<TraceEvent> events_;
};

const std::vector<int32_t> kAll = {1, 2, 3};
const std::vector<int32_t> kTwoThree = {2, 3};
const std::vector<int32_t> kOne = {1};
const std::vector<int64_t> kLostOffsets = {3, 4};
const TopicPartition kOrders0{"orders", 0};

ev::ReplicaRoleChange Role(ReplicaRole role, int32_t leader, int32_t epoch,
                           const std::vector<int32_t>& isr, int64_t hw) {
  return ev::ReplicaRoleChange{.tp = kOrders0,
                               .role = role,
                               .leader = leader,
                               .leader_epoch = epoch,
                               .isr = isr,
                               .replicas = kAll,
                               .hw = hw,
                               .leo = hw};
}

// Three brokers and a zookeeper; b1 leads orders-0, then crashes and b2 is elected.
EventList ThreeBrokerStory() {
  EventList list;
  list.Add(0, -1,
           ev::ScenarioBegin{.name = "story",
                             .seed = 1,
                             .run_for_us = 9,
                             .description = "A \"short\" story\nin two lines"})
      .Add(0, 0, ev::NodeAdd{.name = "zk", .role = "zookeeper"})
      .Add(0, 1, ev::NodeAdd{.name = "b1", .role = "broker"})
      .Add(0, 2, ev::NodeAdd{.name = "b2", .role = "broker"})
      .Add(0, 3, ev::NodeAdd{.name = "b3", .role = "broker"})
      .Add(0, 5, ev::NodeAdd{.name = "p1", .role = "producer"})
      .Add(0, 0, ev::NodeStart{.incarnation = 1})
      .Add(0, 1, ev::NodeStart{.incarnation = 1})
      .Add(0, 2, ev::NodeStart{.incarnation = 1})
      .Add(0, 3, ev::NodeStart{.incarnation = 1})
      .Add(10, 1, ev::ControllerActive{.broker = 1, .epoch = 1})
      .Add(20, 1,
           ev::ControllerElection{.tp = kOrders0,
                                  .leader = 1,
                                  .leader_epoch = 0,
                                  .isr = kAll,
                                  .how = partition_rules::Election::kNewPartition,
                                  .unclean = false})
      .Add(21, 1,
           ev::ControllerPartitionState{.tp = kOrders0,
                                        .leader = 1,
                                        .leader_epoch = 0,
                                        .isr = kAll,
                                        .replicas = kAll,
                                        .partition_epoch = 0})
      .Add(30, 1, Role(ReplicaRole::kLeader, 1, 0, kAll, 0))
      .Add(30, 2, Role(ReplicaRole::kFollower, 1, 0, kAll, 0))
      .Add(30, 3, Role(ReplicaRole::kFollower, 1, 0, kAll, 0))
      .Add(40, 5,
           ev::HistoryOp{.op = 0,
                         .process = "p1",
                         .type = HistoryType::kInvoke,
                         .f = HistoryFunction::kSend,
                         .tp = TpRef("orders", -1),
                         .value = "p1-0"})
      .Add(41, 1, ev::ReplicaLeo{.tp = kOrders0, .leo = 5})
      .Add(42, 2, ev::ReplicaLeo{.tp = kOrders0, .leo = 3})
      .Add(43, 1, ev::ReplicaHw{.tp = kOrders0, .hw = 3, .leo = 5, .by = HwSource::kLeader})
      .Add(44, 5,
           ev::HistoryOp{.op = 0,
                         .process = "p1",
                         .type = HistoryType::kOk,
                         .f = HistoryFunction::kSend,
                         .tp = kOrders0,
                         .value = "p1-0",
                         .offset = 0})
      .Add(50, -1,
           ev::ScenarioStep{
               .index = 0, .line = 4, .action = "crash", .caption = "Power loss on b1."})
      .Add(50, 1, ev::NodeCrash{.power_loss = true})
      .Add(60, 2,
           ev::ControllerElection{.tp = kOrders0,
                                  .leader = 2,
                                  .leader_epoch = 1,
                                  .isr = kTwoThree,
                                  .how = partition_rules::Election::kClean,
                                  .unclean = false})
      .Add(61, 2, Role(ReplicaRole::kLeader, 2, 1, kTwoThree, 3))
      .Add(62, -1, ev::NetPartition{.sides = "b1,b2 | b3", .one_way = false})
      .Add(63, -1,
           ev::CheckerViolation{.checker = Checker::kLostWrites,
                                .tp = kOrders0,
                                .offsets = kLostOffsets,
                                .replicas = kOne,
                                .detail = "2 acked writes lost",
                                .seed = 1})
      .Add(70, 1, ev::NodeRestart{.incarnation = 2})
      .Add(71, 1, ev::ReplicaTruncate{.tp = kOrders0, .from_leo = 5, .to = 3, .reason = "epoch"})
      .Add(72, -1, ev::NetHeal{});
  return list;
}

ClusterModel Fold(const std::vector<TraceEvent>& events, size_t count) {
  ClusterModel model;
  for (size_t i = 0; i < count && i < events.size(); ++i) model.Apply(events[i]);
  return model;
}

size_t IndexOf(const std::vector<TraceEvent>& events, const std::string& kind, int nth = 0) {
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind == kind && nth-- == 0) return i;
  }
  return events.size();
}

TEST(ClusterModelTest, StartsWithTheLeaderAndFullIsr) {
  const EventList story = ThreeBrokerStory();
  const auto& events = story.events();
  const ClusterModel model = Fold(events, IndexOf(events, "history.op"));
  EXPECT_EQ(model.scenario_name(), "story");
  EXPECT_EQ(model.description(), "A \"short\" story\nin two lines");
  EXPECT_EQ(model.controller(), 1);
  ASSERT_EQ(model.partitions().count("orders-0"), 1u);
  const PartitionView& partition = model.partitions().at("orders-0");
  EXPECT_EQ(partition.leader, 1);
  EXPECT_EQ(partition.leader_epoch, 0);
  EXPECT_EQ(partition.isr, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(partition.replicas, (std::vector<int32_t>{1, 2, 3}));
  for (int32_t broker : {1, 2, 3}) EXPECT_TRUE(partition.replica_by_broker.at(broker).in_isr);
  EXPECT_EQ(partition.replica_by_broker.at(1).role, "leader");
  EXPECT_EQ(partition.replica_by_broker.at(2).role, "follower");
  EXPECT_TRUE(model.Node(1)->up);
  EXPECT_FALSE(model.Node(1)->crashed);
}

TEST(ClusterModelTest, FollowsLeoHwLagAndClients) {
  const EventList story = ThreeBrokerStory();
  const auto& events = story.events();
  const ClusterModel model = Fold(events, IndexOf(events, "scenario.step"));
  const PartitionView& partition = model.partitions().at("orders-0");
  EXPECT_EQ(partition.replica_by_broker.at(1).leo, 5);
  EXPECT_EQ(partition.replica_by_broker.at(1).hw, 3);
  EXPECT_EQ(partition.replica_by_broker.at(2).leo, 3);
  EXPECT_EQ(partition.Lag(1), 0);
  EXPECT_EQ(partition.Lag(2), 2);
  EXPECT_EQ(partition.Lag(3), 5);
  const ClientView& producer = model.clients().at("p1");
  EXPECT_TRUE(producer.producer);
  EXPECT_EQ(producer.sends_invoked, 1);
  EXPECT_EQ(producer.sends_acked, 1);
  EXPECT_EQ(producer.InFlight(), 0);
  EXPECT_TRUE(model.caption().empty());
}

TEST(ClusterModelTest, CrashElectionPartitionAndViolation) {
  const EventList story = ThreeBrokerStory();
  const auto& events = story.events();
  const ClusterModel model = Fold(events, IndexOf(events, "node.restart"));
  EXPECT_EQ(model.caption(), "Power loss on b1.");
  EXPECT_TRUE(model.Node(1)->crashed);
  EXPECT_FALSE(model.Node(1)->up);
  const PartitionView& partition = model.partitions().at("orders-0");
  EXPECT_EQ(partition.leader, 2);
  EXPECT_EQ(partition.leader_epoch, 1);
  EXPECT_EQ(partition.elections, 2);
  EXPECT_EQ(partition.isr, (std::vector<int32_t>{2, 3}));
  EXPECT_FALSE(partition.replica_by_broker.at(1).in_isr);
  EXPECT_TRUE(model.network().partitioned);
  EXPECT_TRUE(model.LinkCut("b1", "b3"));
  EXPECT_FALSE(model.LinkCut("zk", "b3"));  // as in the world: zk is on neither side
  EXPECT_FALSE(model.LinkCut("b1", "b2"));
  ASSERT_EQ(model.violations().size(), 1u);
  EXPECT_EQ(model.violations()[0].checker, "lost_writes");
  EXPECT_EQ(model.violations()[0].detail, "2 acked writes lost");
}

TEST(ClusterModelTest, RestartTruncatesAndHealRestoresLinks) {
  const EventList story = ThreeBrokerStory();
  const auto& events = story.events();
  const ClusterModel model = Fold(events, events.size());
  EXPECT_TRUE(model.Node(1)->up);
  EXPECT_FALSE(model.Node(1)->crashed);
  EXPECT_EQ(model.Node(1)->incarnation, 2);
  const ReplicaView& replica = model.partitions().at("orders-0").replica_by_broker.at(1);
  EXPECT_EQ(replica.leo, 3);
  EXPECT_EQ(replica.truncated_from, 5);
  EXPECT_EQ(replica.truncated_to, 3);
  EXPECT_FALSE(model.network().partitioned);
  EXPECT_FALSE(model.LinkCut("b1", "b3"));
}

// Partitions add up until a heal (the world keeps each one), and "*" (isolate) is every node not
// named on the other side; a node named on no side keeps its links.
TEST(ClusterModelTest, PartitionsAddUpAndIsolateCutsANodeFromEveryone) {
  EventList list;
  list.Add(0, -1, ev::NetPartition{.sides = "b1 | b3", .one_way = false})
      .Add(1, -1, ev::NetPartition{.sides = "b2 | *", .one_way = false})
      .Add(2, -1, ev::NetHeal{});
  ClusterModel model = Fold(list.events(), 2);
  EXPECT_EQ(model.network().sides, "b1 | b3; b2 | *");
  EXPECT_TRUE(model.LinkCut("b1", "b3"));
  EXPECT_TRUE(model.LinkCut("b3", "b1"));
  EXPECT_FALSE(model.LinkCut("zk", "b3"));
  EXPECT_TRUE(model.LinkCut("b2", "zk"));
  EXPECT_TRUE(model.LinkCut("b1", "b2"));
  model = Fold(list.events(), 3);
  EXPECT_FALSE(model.LinkCut("b1", "b3"));
  EXPECT_FALSE(model.LinkCut("b2", "zk"));
}

TEST(TraceStoreTest, MarkersKindsAndNextOfKind) {
  TraceStore store;
  const EventList story = ThreeBrokerStory();
  for (const TraceEvent& event : story.events()) store.Append(event);
  int faults = 0, elections = 0, violations = 0, captions = 0;
  for (const Marker& marker : store.markers()) {
    faults += marker.kind == MarkerKind::kFault;
    elections += marker.kind == MarkerKind::kElection;
    violations += marker.kind == MarkerKind::kViolation;
    captions += marker.kind == MarkerKind::kCaption;
  }
  EXPECT_EQ(faults, 4);  // crash, partition, restart, heal
  EXPECT_EQ(elections, 2);
  EXPECT_EQ(violations, 1);
  EXPECT_EQ(captions, 1);
  const auto& events = story.events();
  EXPECT_EQ(store.NextOfKind(0, "node.crash"), IndexOf(events, "node.crash"));
  EXPECT_EQ(store.NextOfKind(0, "controller."), IndexOf(events, "controller.active"));
  EXPECT_EQ(store.NextMarker(IndexOf(events, "controller.election") + 1, MarkerKind::kElection),
            IndexOf(events, "controller.election", 1));
  EXPECT_FALSE(store.NextOfKind(0, "no.such").has_value());
}

TEST(TraceStoreTest, ClockNeverGoesBackAndPicksAPrefix) {
  TraceStore store;
  EventList list;
  list.Add(100, 1, ev::NodePause{}).Add(90, 2, ev::NodePause{}).Add(150, 1, ev::NodePause{});
  for (const TraceEvent& event : list.events()) store.Append(event);
  EXPECT_EQ(store.clock(1), 100);
  EXPECT_EQ(store.PositionAt(99), 0u);
  EXPECT_EQ(store.PositionAt(100), 2u);
  EXPECT_EQ(store.PositionAt(1000), 3u);
}

TEST(TraceStoreTest, SeekingEqualsAFullFoldOnARecordedRun) {
  const std::string trace = RecordFlagship("viewer_test_flagship.sqlite");
  ASSERT_FALSE(::testing::Test::HasFailure());
  std::string error;
  std::unique_ptr<TraceStore> store = TraceStore::Open(trace, AllEventKinds(), &error);
  ASSERT_NE(store, nullptr) << error;
  ASSERT_GT(store->size(), 3 * TraceStore::kSnapshotInterval);

  // Positions just before, at and after snapshot boundaries, and a few in between.
  std::vector<size_t> positions = {0,
                                   1,
                                   TraceStore::kSnapshotInterval - 1,
                                   TraceStore::kSnapshotInterval,
                                   TraceStore::kSnapshotInterval + 1,
                                   store->size() / 3,
                                   store->size() / 2,
                                   store->size() - 1,
                                   store->size()};
  ClusterModel full;
  size_t applied = 0;
  ClusterModel seeking;  // Seek() back and forth through the same positions
  size_t seeking_position = 0;
  for (size_t position : positions) {
    while (applied < position) full.Apply(store->event(applied++));
    EXPECT_EQ(ModelPicture(store->StateAfter(position)), ModelPicture(full))
        << "position " << position;
    store->Seek(position, &seeking, &seeking_position);
    EXPECT_EQ(ModelPicture(seeking), ModelPicture(full)) << "seek to " << position;
  }
  store->Seek(5, &seeking, &seeking_position);  // backwards: from a snapshot
  EXPECT_EQ(ModelPicture(seeking), ModelPicture(store->StateAfter(5)));

  // The story of the flagship: b1 leads, crashes at 10 s, b2 leads with epoch 1, b1 rejoins.
  const ClusterModel before = store->StateAt(9'000'000);
  EXPECT_EQ(before.partitions().at("orders-0").leader, 1);
  EXPECT_EQ(before.partitions().at("orders-0").isr.size(), 3u);
  const ClusterModel crashed = store->StateAt(12'000'000);
  EXPECT_TRUE(crashed.Node(1)->crashed);
  const ClusterModel after = store->StateAt(20'000'000);
  EXPECT_EQ(after.partitions().at("orders-0").leader, 2);
  EXPECT_EQ(after.partitions().at("orders-0").leader_epoch, 1);
  EXPECT_EQ(after.partitions().at("orders-0").isr, (std::vector<int32_t>{2, 3}));
  const ClusterModel end = store->StateAfter(store->size());
  EXPECT_EQ(end.partitions().at("orders-0").isr.size(), 3u);
  const ReplicaView& leader = *end.partitions().at("orders-0").Leader();
  EXPECT_EQ(leader.hw, 6000);
  EXPECT_EQ(leader.leo, 6000);
  EXPECT_EQ(end.clients().at("p1").sends_acked, 6000);
  // Read twice: the flagship's consumer seeks back to the beginning once it has read everything.
  EXPECT_EQ(end.clients().at("c1").records_consumed, 12000);
  // The consumer read everything the leader committed; every replica's log holds 6000 records.
  const ConsumerPartitionView& consumed = end.clients().at("c1").partitions.at("orders-0");
  EXPECT_EQ(consumed.position, 6000);
  EXPECT_EQ(end.ConsumerLag("orders-0", consumed).lag, 0);
  for (int32_t broker : {1, 2, 3}) {
    const LogView* log = end.Log("orders-0", broker);
    ASSERT_NE(log, nullptr) << broker;
    EXPECT_EQ(log->log_end, 6000) << broker;
    EXPECT_GT(log->SizeBytes(), 0) << broker;
  }
}

TEST(TraceStoreTest, BadFilesGiveAMessage) {
  std::string error;
  EXPECT_EQ(TraceStore::Open("/nonexistent/trace.sqlite", AllEventKinds(), &error), nullptr);
  EXPECT_FALSE(error.empty());
  const std::string text_file = std::string(KAFKASIM_BINARY_DIR) + "/viewer_test_not_a_trace.txt";
  ASSERT_EQ(std::system(("echo hello > " + text_file).c_str()), 0);
  error.clear();
  EXPECT_EQ(TraceStore::Open(text_file, AllEventKinds(), &error), nullptr);
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace ks
