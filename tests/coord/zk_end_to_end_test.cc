// Goal: the coordination service behaves over the simulated network as Kafka needs ZooKeeper
// to: sessions negotiated and kept by pings, ephemerals deleted when a crashed client's session
// times out (not before), a paused client (the zombie) loses its session and learns it on
// resume, connection loss fails calls but keeps the session, watches fire across the network
// (also for changes made while a client was cut off), the controller-election pattern, and
// version-conditional updates that fence a stale writer. Method: a World with one ZkServer and
// client nodes embedding ZkClient (zk_test_util.h); faults are World faults.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/coord/zk_test_util.h"

namespace ks {
namespace {

using testing::ZkTestNode;
using testing::ZkWorld;

int CountOf(const std::vector<ZkState>& states, ZkState state) {
  return static_cast<int>(std::count(states.begin(), states.end(), state));
}

TEST(ZkEndToEndTest, ConnectsCreatesAndReads) {
  ZkWorld t(2);
  t.StartAllAndConnect();
  EXPECT_EQ(t.client(1).negotiated_session_timeout_ms(), 6000);
  EXPECT_NE(t.client(1).session_id(), t.client(2).session_id());
  EXPECT_EQ(t.server().session_count(), 2);
  ASSERT_TRUE(t.Create(1, "/brokers").ok());
  ASSERT_TRUE(t.Create(1, "/brokers/ids").ok());
  const ZkResult created = t.Create(1, "/brokers/ids/1", "host1:9092", /*ephemeral=*/true);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created.path, "/brokers/ids/1");
  const ZkResult read = t.GetData(2, "/brokers/ids/1");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.data, "host1:9092");
  EXPECT_EQ(read.stat.ephemeral_owner, t.client(1).session_id());
  EXPECT_GT(read.stat.czxid, 0) << "Kafka's broker epoch";
  const ZkResult children = t.GetChildren(2, "/brokers/ids");
  EXPECT_EQ(children.children, (std::vector<std::string>{"1"}));
  EXPECT_EQ(t.Create(2, "/brokers/ids/1").error, ZkError::kNodeExists);
  EXPECT_EQ(t.GetData(2, "/nope").error, ZkError::kNoNode);
  EXPECT_EQ(t.Events("zk.session_created").size(), 2u);
  EXPECT_EQ(t.Events("zk.create").size(), 3u);
}

TEST(ZkEndToEndTest, SessionTimeoutIsNegotiatedWithinTwoAndTwentyTicks) {
  for (auto [requested, granted] :
       {std::pair{100, 1000}, std::pair{7000, 7000}, std::pair{1'000'000, 10'000}}) {
    ZkClientOptions options = testing::TestClientOptions();
    options.session_timeout_ms = requested;
    ZkWorld t(1, testing::TestServerOptions(), options);
    t.StartAllAndConnect();
    EXPECT_EQ(t.client(1).negotiated_session_timeout_ms(), granted) << requested;
  }
}

TEST(ZkEndToEndTest, EphemeralOfACrashedClientGoesAfterTheSessionTimeoutNotBefore) {
  ZkWorld t(2);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/ids").ok());
  ASSERT_TRUE(t.Create(1, "/ids/1", "", true).ok());
  ASSERT_TRUE(t.GetChildren(2, "/ids", /*watch=*/true).ok());
  const TimeUs crash_at = t.Now() + 100 * kMillisecond;
  t.At(crash_at, [&] { t.world().Crash(1); });
  // The server last heard from c1 at most a ping interval (2 s) before the crash.
  t.RunFor(crash_at + 3'900 * kMillisecond - t.Now());
  EXPECT_TRUE(t.server().tree().Contains("/ids/1")) << "the session is still within its timeout";
  EXPECT_TRUE(t.log(2).watches.empty());
  ASSERT_TRUE(t.RunUntil([&] { return !t.server().tree().Contains("/ids/1"); }, 3 * kSecond));
  const auto expired = t.Events("zk.session_expired");
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_GE(expired[0].time_us, crash_at + 4 * kSecond);
  EXPECT_LE(expired[0].time_us, crash_at + 6'500 * kMillisecond);
  ASSERT_TRUE(t.RunUntil([&] { return !t.log(2).watches.empty(); }, kSecond));
  EXPECT_EQ(t.log(2).watches[0].type, ZkWatchType::kNodeChildrenChanged);
  EXPECT_EQ(t.log(2).watches[0].path, "/ids");
  EXPECT_EQ(t.server().session_count(), 1);
}

TEST(ZkEndToEndTest, PausedClientLosesItsSessionAndLearnsItOnResume) {
  ZkWorld t(2);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/ids").ok());
  ASSERT_TRUE(t.Create(1, "/ids/1", "", true).ok());
  const int64_t old_session = t.client(1).session_id();
  const TimeUs pause_at = t.Now();
  t.world().Pause(1);
  t.RunFor(10 * kSecond);
  EXPECT_FALSE(t.server().tree().Contains("/ids/1")) << "expired while paused";
  EXPECT_FALSE(t.server().HasSession(old_session));
  EXPECT_EQ(t.log(1).states, (std::vector<ZkState>{ZkState::kConnected}))
      << "a paused process notices nothing: the zombie still believes it is registered";
  // Meanwhile another broker takes the id: the zombie's ephemeral is gone, not in the way.
  ASSERT_TRUE(t.Create(2, "/ids/1", "", true).ok());
  t.world().Resume(1);
  ASSERT_TRUE(t.RunUntil([&] { return t.client(1).state() == ZkState::kExpired; }, 5 * kSecond));
  EXPECT_EQ(CountOf(t.log(1).states, ZkState::kConnected), 1) << "never back on the old session";
  EXPECT_EQ(t.log(1).states.back(), ZkState::kExpired);
  EXPECT_GT(t.Now(), pause_at + 10 * kSecond);
  EXPECT_EQ(t.Create(1, "/ids/x").error, ZkError::kSessionExpired);
  // Kafka's reaction: a new session, then re-registration.
  t.client(1).Reconnect();
  ASSERT_TRUE(t.RunUntil([&] { return t.client(1).state() == ZkState::kConnected; }, 5 * kSecond));
  EXPECT_NE(t.client(1).session_id(), old_session);
  EXPECT_EQ(t.Create(1, "/ids/1", "", true).error, ZkError::kNodeExists);
  ASSERT_TRUE(t.Create(1, "/ids/3", "", true).ok());
}

// Kafka's brokers call Reconnect() from inside the state handler and re-register on connect.
TEST(ZkEndToEndTest, ReconnectFromTheStateHandlerReRegistersTheEphemeral) {
  ZkWorld t(1);
  int registrations = 0;
  t.log(1).on_state = [&](ZkTestNode& node, ZkState state) {
    if (state == ZkState::kExpired) node.client().Reconnect();
    if (state == ZkState::kConnected) {
      node.client().Create("/ids/1", "", true, [&](const ZkResult& r) {
        if (r.ok()) ++registrations;
      });
    }
  };
  t.world().StartAll();
  t.RunFor(10 * kMillisecond);
  ASSERT_TRUE(t.Create(1, "/ids").ok());
  ASSERT_TRUE(t.Create(1, "/ids/1", "", true).ok());
  const int64_t old_session = t.client(1).session_id();
  t.world().Pause(1);
  t.RunFor(10 * kSecond);
  t.world().Resume(1);
  ASSERT_TRUE(t.RunUntil([&] { return registrations == 1; }, 5 * kSecond));
  EXPECT_NE(t.client(1).session_id(), old_session);
  EXPECT_EQ(t.Exists(1, "/ids/1").stat.ephemeral_owner, t.client(1).session_id());
  EXPECT_EQ(t.log(1).states, (std::vector<ZkState>{ZkState::kConnected, ZkState::kDisconnected,
                                                   ZkState::kExpired, ZkState::kConnected}));
}

TEST(ZkEndToEndTest, ConnectionLossFailsCallsButKeepsTheSessionAndItsWatches) {
  ZkWorld t(2);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/e", "v0", true).ok());
  const int64_t session = t.client(1).session_id();
  // Cut right after an answer, so the server's last contact is now and the session outlives
  // the client's read timeout (2/3 of 6 s) plus a reconnect.
  ASSERT_TRUE(t.GetData(1, "/e", /*watch=*/true).ok());
  const TimeUs cut_at = t.Now();
  t.world().network().Partition({1}, {ZkWorld::kServer}, /*one_way=*/false);
  std::optional<ZkResult> during;
  t.At(cut_at + kSecond,
       [&] { t.client(1).Exists("/e", false, [&](const ZkResult& r) { during = r; }); });
  t.RunFor(500 * kMillisecond);
  ASSERT_TRUE(t.SetData(2, "/e", "v1", 0).ok()) << "changed while c1 cannot hear of it";
  t.At(cut_at + 4'500 * kMillisecond, [&] { t.world().network().HealAll(); });
  ASSERT_TRUE(t.RunUntil([&] { return during.has_value(); }, 5 * kSecond));
  EXPECT_EQ(during->error, ZkError::kConnectionLoss);
  EXPECT_EQ(t.client(1).state(), ZkState::kDisconnected);
  ASSERT_TRUE(t.RunUntil([&] { return t.client(1).state() == ZkState::kConnected; }, 5 * kSecond));
  EXPECT_EQ(t.client(1).session_id(), session) << "the same session";
  EXPECT_EQ(t.log(1).states, (std::vector<ZkState>{ZkState::kConnected, ZkState::kDisconnected,
                                                   ZkState::kConnected}));
  EXPECT_TRUE(t.server().tree().Contains("/e"));
  ASSERT_TRUE(t.RunUntil([&] { return !t.log(1).watches.empty(); }, kSecond))
      << "the watch set before the cut fires after the reconnect (SetWatches)";
  EXPECT_EQ(t.log(1).watches[0].type, ZkWatchType::kNodeDataChanged);
  EXPECT_EQ(t.log(1).watches[0].path, "/e");
  EXPECT_TRUE(t.Events("zk.session_expired").empty());
}

TEST(ZkEndToEndTest, WatchesFireAcrossTheNetworkOnce) {
  ZkWorld t(2);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/topics").ok());
  ASSERT_TRUE(t.GetChildren(1, "/topics", true).ok());
  EXPECT_EQ(t.Exists(1, "/topics/orders", true).error, ZkError::kNoNode);
  ASSERT_TRUE(t.Create(2, "/topics/orders", "{}").ok());
  ASSERT_TRUE(t.RunUntil([&] { return t.log(1).watches.size() == 2; }, kSecond));
  EXPECT_EQ(t.log(1).watches[0].type, ZkWatchType::kNodeCreated);
  EXPECT_EQ(t.log(1).watches[0].path, "/topics/orders");
  EXPECT_EQ(t.log(1).watches[1].type, ZkWatchType::kNodeChildrenChanged);
  EXPECT_EQ(t.log(1).watches[1].path, "/topics");
  ASSERT_TRUE(t.GetData(1, "/topics/orders", true).ok());
  ASSERT_TRUE(t.SetData(2, "/topics/orders", "{1}", -1).ok());
  ASSERT_TRUE(t.SetData(2, "/topics/orders", "{2}", -1).ok());
  t.RunFor(kSecond);
  ASSERT_EQ(t.log(1).watches.size(), 3u) << "one-shot: the second change fires nothing";
  EXPECT_EQ(t.log(1).watches[2].type, ZkWatchType::kNodeDataChanged);
  EXPECT_EQ(t.log(2).watches.size(), 0u);
  EXPECT_EQ(t.Events("zk.watch_fired").size(), 3u);
}

// The controller election of Kafka's ZooKeeper mode: create the ephemeral /controller; if it
// exists, watch it and try again when it goes.
struct Election {
  std::vector<std::pair<NodeId, TimeUs>> winners;
};

void TryToBecomeController(ZkTestNode& node, Election* election) {
  node.client().Create("/controller", "", true, [&node, election](const ZkResult& r) {
    if (r.ok()) {
      election->winners.emplace_back(node.env().Self(), node.env().Now());
      return;
    }
    if (r.error != ZkError::kNodeExists) return;
    node.client().Exists("/controller", true, [&node, election](const ZkResult& e) {
      if (e.error == ZkError::kNoNode) TryToBecomeController(node, election);  // gone already
    });
  });
}

TEST(ZkEndToEndTest, ControllerElectionHasOneWinnerAndFailsOverWhenItCrashes) {
  ZkWorld t(2);
  Election election;
  for (NodeId id : {1, 2}) {
    t.log(id).on_start = [&](ZkTestNode& node) { TryToBecomeController(node, &election); };
    t.log(id).on_watch = [&](ZkTestNode& node, const ZkWatchEvent& event) {
      if (event.path == "/controller" && event.type == ZkWatchType::kNodeDeleted) {
        TryToBecomeController(node, &election);
      }
    };
  }
  t.StartAllAndConnect();
  ASSERT_TRUE(t.RunUntil([&] { return !election.winners.empty(); }, 5 * kSecond));
  t.RunFor(5 * kSecond);
  ASSERT_EQ(election.winners.size(), 1u) << "exactly one controller";
  const NodeId first = election.winners[0].first;
  const NodeId second = first == 1 ? 2 : 1;
  const TimeUs crash_at = t.Now();
  t.world().Crash(first);
  ASSERT_TRUE(t.RunUntil([&] { return election.winners.size() == 2; }, 10 * kSecond));
  EXPECT_EQ(election.winners[1].first, second);
  EXPECT_GE(election.winners[1].second, crash_at + 4 * kSecond) << "only after the expiry";
  EXPECT_EQ(t.log(second).watches.back().type, ZkWatchType::kNodeDeleted);
  const ZkResult controller = t.Exists(second, "/controller");
  EXPECT_EQ(controller.stat.ephemeral_owner, t.client(second).session_id());
}

TEST(ZkEndToEndTest, ConditionalUpdatesFenceAStaleWriter) {
  ZkWorld t(2);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/controller_epoch", "1").ok());
  ASSERT_TRUE(t.Create(1, "/state", "leader=1").ok());
  const int32_t seen_by_old = t.GetData(1, "/controller_epoch").stat.version;
  // A new controller bumps the epoch.
  ASSERT_TRUE(t.SetData(2, "/controller_epoch", "2", seen_by_old).ok());
  EXPECT_EQ(t.SetData(1, "/controller_epoch", "2", seen_by_old).error, ZkError::kBadVersion);
  // The old controller's partition-state write, guarded by the epoch it knew, fails whole.
  const ZkResult stale = t.Call(1, [&](ZkClient& c, ZkCallback cb) {
    c.Multi({ZkOp::Check("/controller_epoch", seen_by_old), ZkOp::SetData("/state", "leader=3")},
            cb);
  });
  EXPECT_EQ(stale.error, ZkError::kBadVersion);
  ASSERT_EQ(stale.results.size(), 2u);
  EXPECT_EQ(stale.results[1].error, ZkError::kRuntimeInconsistency);
  EXPECT_EQ(t.GetData(2, "/state").data, "leader=1");
  const ZkResult fresh = t.Call(2, [&](ZkClient& c, ZkCallback cb) {
    c.Multi(
        {ZkOp::Check("/controller_epoch", seen_by_old + 1), ZkOp::SetData("/state", "leader=2", 0)},
        cb);
  });
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh.results[1].stat.version, 1) << "the zk version Kafka uses as partition epoch";
}

TEST(ZkEndToEndTest, CloseDeletesEphemeralsAtOnce) {
  ZkWorld t(1);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/e", "", true).ok());
  t.client(1).Close();
  ASSERT_TRUE(t.RunUntil([&] { return !t.server().tree().Contains("/e"); }, 100 * kMillisecond));
  EXPECT_EQ(t.client(1).state(), ZkState::kClosed);
  EXPECT_EQ(t.Events("zk.session_closed").size(), 1u);
  EXPECT_EQ(t.Create(1, "/f").error, ZkError::kConnectionLoss);
}

TEST(ZkEndToEndTest, CallsWaitForTheConnectionUpToTheConnectionTimeout) {
  ZkWorld t(1);
  t.world().Start(1);  // the server is not up yet
  std::optional<ZkResult> early;
  std::optional<ZkResult> late;
  t.RunFor(kMillisecond);
  t.client(1).Create("/early", "", false, [&](const ZkResult& r) { early = r; });
  t.At(t.Now() + 3 * kSecond, [&] { t.world().Start(ZkWorld::kServer); });
  ASSERT_TRUE(t.RunUntil([&] { return early.has_value(); }, 10 * kSecond));
  EXPECT_TRUE(early->ok()) << "queued until connected";
  t.world().Crash(ZkWorld::kServer);
  t.client(1).Create("/late", "", false, [&](const ZkResult& r) { late = r; });
  ASSERT_TRUE(t.RunUntil([&] { return late.has_value(); }, 20 * kSecond));
  EXPECT_EQ(late->error, ZkError::kConnectionLoss);
}

// A raw node speaking the protocol by hand, to check the server's answers to a session it no
// longer knows.
class RawNode final : public Process {
 public:
  explicit RawNode(Env& env) : env_(env) {}
  void Start() override {}
  void OnMessage(NodeId, MessagePtr message) override { received.push_back(std::move(message)); }
  Env& env() { return env_; }
  std::vector<MessagePtr> received;

 private:
  Env& env_;
};

TEST(ZkEndToEndTest, AnExpiredSessionIsAnsweredSessionExpired) {
  World world(testing::TestWorldOptions());
  const NodeId server = world.AddNode("zk", "zookeeper", [](Env& env) {
    return std::make_unique<ZkServer>(env, testing::TestServerOptions());
  });
  const NodeId raw =
      world.AddNode("raw", "client", [](Env& env) { return std::make_unique<RawNode>(env); });
  world.StartAll();
  world.scheduler().RunUntil(world.Now() + kMillisecond);
  RawNode& node = *world.ProcessAs<RawNode>(raw);
  auto connect = std::make_unique<ZkConnectRequest>();
  connect->session_timeout_ms = 4000;
  node.env().Send(server, std::move(connect));
  world.scheduler().RunUntil(world.Now() + 100 * kMillisecond);
  ASSERT_EQ(node.received.size(), 1u);
  const auto& accepted = dynamic_cast<ZkConnectResponse&>(*node.received[0]);
  EXPECT_FALSE(accepted.expired);
  const int64_t session = accepted.session_id;
  world.scheduler().RunUntil(world.Now() + 5 * kSecond);  // silent past the timeout
  EXPECT_FALSE(world.ProcessAs<ZkServer>(server)->HasSession(session));

  auto request = std::make_unique<ZkRequest>();
  request->session_id = session;
  request->xid = 7;
  request->op = ZkOp::Create("/late", "", false);
  node.env().Send(server, std::move(request));
  auto ping = std::make_unique<ZkPing>();
  ping->session_id = session;
  node.env().Send(server, std::move(ping));
  auto resume = std::make_unique<ZkConnectRequest>();
  resume->session_id = session;
  resume->session_timeout_ms = 4000;
  node.env().Send(server, std::move(resume));
  world.scheduler().RunUntil(world.Now() + 100 * kMillisecond);
  ASSERT_EQ(node.received.size(), 4u);
  const auto& response = dynamic_cast<ZkResponse&>(*node.received[1]);
  EXPECT_EQ(response.xid, 7);
  EXPECT_EQ(response.result.error, ZkError::kSessionExpired);
  EXPECT_TRUE(dynamic_cast<ZkPong&>(*node.received[2]).session_expired);
  EXPECT_TRUE(dynamic_cast<ZkConnectResponse&>(*node.received[3]).expired);
  EXPECT_FALSE(world.ProcessAs<ZkServer>(server)->tree().Contains("/late"));
}

}  // namespace
}  // namespace ks
