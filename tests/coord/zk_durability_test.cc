// Goal: the server's transaction log makes every acknowledged transaction survive a power loss
// (fsync before the answer, one fsync for a group of writes), sessions and their ephemerals
// included; recovery tolerates a torn tail (prefix or garbage) and later appends stay readable;
// without forceSync acknowledged writes can be lost, which is the point of the option; a failed log
// write stops the server. Method: a client writes a numbered sequence one write at a time while the
// World crashes the server node; the acknowledged writes are compared with the tree after the
// restart.
#include <gtest/gtest.h>

#include <set>

#include "model/coord/zk_txn_log.h"
#include "tests/coord/zk_test_util.h"

namespace ks {
namespace {

using testing::ZkTestNode;
using testing::ZkWorld;

std::string Key(int i) { return "/data/k" + std::to_string(1000 + i); }

// Writes /data/k1000, k1001, ... one after the other from client 1, each after the previous
// answer, recording which were acknowledged.
struct Writer {
  std::set<std::string> acked;
  std::set<std::string> failed;
  int next = 0;
  bool stop = false;

  void WriteNext(ZkClient& client) {
    if (stop) return;
    const std::string path = Key(next++);
    client.Create(path, "v", false, [this, &client, path](const ZkResult& r) {
      (r.ok() ? acked : failed).insert(path);
      if (r.ok()) WriteNext(client);
    });
  }
};

// Children of /data after the server's recovery, read straight from its tree.
std::set<std::string> RecoveredKeys(ZkWorld& t) {
  std::set<std::string> keys;
  for (int i = 0; i < 100'000; ++i) {
    if (!t.server().tree().Contains(Key(i))) break;  // recovery keeps a prefix of the sequence
    keys.insert(Key(i));
  }
  return keys;
}

TEST(ZkDurabilityTest, AcknowledgedWritesSessionsAndEphemeralsSurviveAPowerLoss) {
  ZkWorld t(1);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/data").ok());
  ASSERT_TRUE(t.Create(1, "/broker", "", /*ephemeral=*/true).ok());
  const int64_t session = t.client(1).session_id();
  Writer writer;
  writer.WriteNext(t.client(1));
  t.RunFor(300 * kMillisecond);
  ASSERT_GT(writer.acked.size(), 10u);
  t.world().Crash(ZkWorld::kServer);
  writer.stop = true;
  const size_t acked = writer.acked.size();
  t.RunFor(2 * kSecond);
  t.world().Start(ZkWorld::kServer);
  t.RunFor(kMillisecond);
  const std::set<std::string> recovered = RecoveredKeys(t);
  for (const std::string& key : writer.acked) {
    EXPECT_EQ(recovered.count(key), 1u) << "acknowledged and lost: " << key;
  }
  EXPECT_LE(recovered.size(), acked + 1) << "at most the one write in flight got in unanswered";
  EXPECT_TRUE(t.server().tree().Contains("/broker")) << "the ephemeral's session is alive";
  EXPECT_TRUE(t.server().HasSession(session));
  const auto recoveries = t.Events("zk.recovered");
  ASSERT_EQ(recoveries.size(), 2u);
  EXPECT_NE(recoveries[1].Json().find("\"bytes_dropped\":0"), std::string::npos);
  // The client reconnects within the fresh window the restart granted, on the same session.
  ASSERT_TRUE(t.RunUntil([&] { return t.client(1).state() == ZkState::kConnected; }, 6 * kSecond));
  EXPECT_EQ(t.client(1).session_id(), session);
  t.RunFor(10 * kSecond);
  EXPECT_TRUE(t.server().tree().Contains("/broker"));
  EXPECT_TRUE(t.Events("zk.session_expired").empty());
}

// Group commit (ZooKeeper's SyncRequestProcessor): writes that arrive together share an fsync,
// and none is answered before it is durable: a power loss in the middle of a burst keeps every
// answered write.
TEST(ZkDurabilityTest, ABurstOfWritesSharesFsyncsAndKeepsWhatWasAnswered) {
  for (bool crash : {false, true}) {
    ZkWorld t(2);
    t.StartAllAndConnect();
    ASSERT_TRUE(t.Create(1, "/data").ok());
    const int64_t fsyncs_before = t.world().disk(ZkWorld::kServer).fsync_count();
    constexpr int kWrites = 300;
    std::set<std::string> acked;
    for (int i = 0; i < kWrites; ++i) {
      const std::string path = Key(i);
      t.client(1 + i % 2).Create(path, "v", false, [&acked, path](const ZkResult& r) {
        if (r.ok()) acked.insert(path);
      });
    }
    if (!crash) {
      t.RunFor(kSecond);
      EXPECT_EQ(acked.size(), static_cast<size_t>(kWrites));
      const int64_t fsyncs = t.world().disk(ZkWorld::kServer).fsync_count() - fsyncs_before;
      EXPECT_GE(fsyncs, 1);
      EXPECT_LE(fsyncs, 10) << "one fsync per write would be " << kWrites;
      continue;
    }
    ASSERT_TRUE(t.RunUntil([&] { return acked.size() >= 20; }, kSecond));
    ASSERT_LT(acked.size(), static_cast<size_t>(kWrites)) << "the crash must cut the burst";
    t.world().Crash(ZkWorld::kServer);
    t.RunFor(kSecond);
    t.world().Start(ZkWorld::kServer);
    t.RunFor(kMillisecond);
    for (const std::string& key : acked) {
      EXPECT_TRUE(t.server().tree().Contains(key)) << "answered and lost: " << key;
    }
  }
}

TEST(ZkDurabilityTest, ASessionWhoseClientDiedExpiresAfterTheRestartWindow) {
  ZkWorld t(1);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/broker", "", true).ok());
  t.world().Crash(1);
  t.world().Crash(ZkWorld::kServer);
  t.RunFor(20 * kSecond);  // far longer than the session timeout, but the server was down
  t.world().Start(ZkWorld::kServer);
  t.RunFor(5 * kSecond);
  EXPECT_TRUE(t.server().tree().Contains("/broker")) << "a full timeout from the restart";
  t.RunFor(2 * kSecond);
  EXPECT_FALSE(t.server().tree().Contains("/broker"));
}

TEST(ZkDurabilityTest, RecoveryDropsATornGarbageTailAndLaterAppendsSurvive) {
  DiskOptions disk;
  disk.torn_tail = TornTail::kGarbage;
  ZkWorld t(1, testing::TestServerOptions(), testing::TestClientOptions(),
            testing::TestWorldOptions(), disk);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/a").ok());
  // A record the server was writing when the power went: in the page cache, not synced.
  ZkTxn unsynced;
  unsynced.zxid = t.server().last_zxid() + 1;
  unsynced.ops = {ZkOp::Create("/never-acked", std::string(4000, 'x'), false)};
  const std::string log_file = testing::TestServerOptions().log_file;
  ZkTxnLog(t.world().disk(ZkWorld::kServer), log_file, /*force_sync=*/false).Append(unsynced);
  t.world().Crash(ZkWorld::kServer);
  t.world().Start(ZkWorld::kServer);
  t.RunFor(kMillisecond);
  EXPECT_TRUE(t.server().tree().Contains("/a"));
  EXPECT_FALSE(t.server().tree().Contains("/never-acked"));
  const auto recoveries = t.Events("zk.recovered");
  ASSERT_EQ(recoveries.size(), 2u);
  EXPECT_EQ(recoveries[1].Json().find("\"bytes_dropped\":0,"), std::string::npos)
      << "garbage was left and dropped: " << recoveries[1].Json();
  // A power loss is silent: the client learns of it when it next uses the dead connection (a
  // reset), and reconnects; its first call may fail with CONNECTIONLOSS.
  bool created = false;
  for (int attempt = 0; attempt < 3 && !created; ++attempt) {
    ASSERT_TRUE(
        t.RunUntil([&] { return t.client(1).state() == ZkState::kConnected; }, 6 * kSecond));
    created = t.Create(1, "/b").ok();
  }
  ASSERT_TRUE(created);
  t.world().Crash(ZkWorld::kServer);
  t.world().Start(ZkWorld::kServer);
  t.RunFor(kMillisecond);
  EXPECT_TRUE(t.server().tree().Contains("/a"));
  EXPECT_TRUE(t.server().tree().Contains("/b")) << "appended after the truncated tail";
}

TEST(ZkDurabilityTest, WithoutForceSyncAcknowledgedWritesAreLostButRecoveryIsConsistent) {
  ZkServerOptions options = testing::TestServerOptions();
  options.force_sync = false;
  DiskOptions disk;
  disk.torn_tail = TornTail::kPrefix;
  ZkWorld t(1, options, testing::TestClientOptions(), testing::TestWorldOptions(), disk);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/data").ok());
  Writer writer;
  writer.WriteNext(t.client(1));
  t.RunFor(300 * kMillisecond);
  writer.stop = true;
  t.world().Crash(ZkWorld::kServer);
  t.world().Start(ZkWorld::kServer);
  t.RunFor(kMillisecond);
  // A torn prefix of the whole (never synced) log survives: the tree is a prefix of the history.
  const std::set<std::string> recovered = RecoveredKeys(t);
  EXPECT_LT(recovered.size(), writer.acked.size()) << "acknowledged writes were lost";
  for (const std::string& key : recovered) EXPECT_EQ(writer.acked.count(key), 1u) << key;
  EXPECT_EQ(t.server().tree().node_count(),
            static_cast<int64_t>(recovered.size()) + (t.server().tree().Contains("/data") ? 2 : 1))
      << "no node outside the prefix";
}

TEST(ZkDurabilityTest, AFailedLogWriteStopsTheServer) {
  ZkWorld t(1);
  t.StartAllAndConnect();
  ASSERT_TRUE(t.Create(1, "/a").ok());
  t.world().disk(ZkWorld::kServer).SetFull(true);
  std::optional<ZkResult> result;
  t.client(1).Create("/b", "", false, [&](const ZkResult& r) { result = r; });
  ASSERT_TRUE(t.RunUntil([&] { return result.has_value(); }, 10 * kSecond));
  EXPECT_EQ(result->error, ZkError::kConnectionLoss) << "a halted server answers nothing";
  EXPECT_TRUE(t.server().halted());
  EXPECT_FALSE(t.server().tree().Contains("/b"));
  EXPECT_EQ(t.Events("zk.halted").size(), 1u);
  t.world().disk(ZkWorld::kServer).SetFull(false);
  t.world().Crash(ZkWorld::kServer);
  t.world().Start(ZkWorld::kServer);
  t.RunFor(kMillisecond);
  EXPECT_FALSE(t.server().halted());
  EXPECT_TRUE(t.server().tree().Contains("/a"));
}

}  // namespace
}  // namespace ks
