// Goal: the transaction log round-trips every transaction type, replays records in order, and
// survives a torn tail wherever the cut falls: replay stops at the last intact record and
// truncates the rest, so later appends are readable. Method: a FakeEnv's SimDisk, written
// directly and cut or corrupted at every byte of the last record.
#include "model/coord/zk_txn_log.h"

#include <gtest/gtest.h>

#include "tests/support/fake_env.h"

namespace ks {
namespace {

std::vector<ZkTxn> SampleTxns() {
  ZkTxn session;
  session.type = ZkTxnType::kCreateSession;
  session.zxid = 1;
  session.time_ms = 1'700'000'000'000;
  session.session_id = 0x1234567890;
  session.session_timeout_ms = 6000;
  ZkTxn write;
  write.type = ZkTxnType::kWrite;
  write.zxid = 2;
  write.session_id = session.session_id;
  write.ops = {ZkOp::Create("/brokers/ids/1", std::string("\0host:9092", 10), true),
               ZkOp::SetData("/controller_epoch", "7", 6), ZkOp::Check("/x", -1),
               ZkOp::Delete("/y", 3)};
  ZkTxn close;
  close.type = ZkTxnType::kCloseSession;
  close.zxid = 3;
  close.session_id = session.session_id;
  return {session, write, close};
}

std::vector<ZkTxn> ReplayAll(ZkTxnLog& log, ZkReplayStats* stats) {
  std::vector<ZkTxn> txns;
  EXPECT_TRUE(log.Replay([&](const ZkTxn& txn) { txns.push_back(txn); }, stats).ok());
  return txns;
}

TEST(ZkTxnLogTest, EncodingRoundTrips) {
  for (const ZkTxn& txn : SampleTxns()) {
    ZkTxn decoded;
    ASSERT_TRUE(DecodeZkTxn(EncodeZkTxn(txn), &decoded));
    EXPECT_EQ(decoded, txn);
  }
  ZkTxn decoded;
  const std::string bytes = EncodeZkTxn(SampleTxns()[1]);
  EXPECT_FALSE(DecodeZkTxn(bytes.substr(0, bytes.size() - 1), &decoded));
  EXPECT_FALSE(DecodeZkTxn(bytes + "x", &decoded));
  EXPECT_FALSE(DecodeZkTxn("", &decoded));
}

TEST(ZkTxnLogTest, ReplaysInOrderAndAMissingFileIsEmpty) {
  testing::FakeEnv env;
  ZkTxnLog log(env.LocalDisk(), "zk/txn.log", true);
  ZkReplayStats stats;
  EXPECT_TRUE(ReplayAll(log, &stats).empty());
  for (const ZkTxn& txn : SampleTxns()) ASSERT_TRUE(log.Append(txn).ok());
  EXPECT_EQ(env.disk().DurableSize("zk/txn.log"), 0) << "appends reach the page cache only";
  ASSERT_TRUE(log.Sync().ok());
  EXPECT_EQ(env.disk().DurableSize("zk/txn.log"), env.disk().Size("zk/txn.log"))
      << "force_sync: one Sync makes the group durable";
  EXPECT_EQ(ReplayAll(log, &stats), SampleTxns());
  EXPECT_EQ(stats.transactions, 3);
  EXPECT_EQ(stats.dropped_bytes, 0);
}

TEST(ZkTxnLogTest, WithoutForceSyncNothingIsDurable) {
  testing::FakeEnv env;
  ZkTxnLog log(env.LocalDisk(), "zk/txn.log", false);
  ASSERT_TRUE(log.Append(SampleTxns()[0]).ok());
  ASSERT_TRUE(log.Sync().ok());
  EXPECT_EQ(env.disk().DurableSize("zk/txn.log"), 0);
}

TEST(ZkTxnLogTest, ATornLastRecordIsDroppedWhereverItIsCut) {
  testing::FakeEnv env;
  Disk& disk = env.LocalDisk();
  ZkTxnLog log(disk, "zk/txn.log", true);
  const std::vector<ZkTxn> txns = SampleTxns();
  ASSERT_TRUE(log.Append(txns[0]).ok());
  ASSERT_TRUE(log.Append(txns[1]).ok());
  const int64_t intact = disk.Size("zk/txn.log");
  ASSERT_TRUE(log.Append(txns[2]).ok());
  const int64_t full = disk.Size("zk/txn.log");
  std::string all;
  ASSERT_TRUE(disk.Read("zk/txn.log", 0, full, &all).ok());
  for (int64_t cut = intact; cut < full; ++cut) {
    for (bool garbage : {false, true}) {
      std::string bytes = all.substr(0, static_cast<size_t>(cut));
      if (garbage && cut > intact) bytes.back() = static_cast<char>(bytes.back() ^ 0x5a);
      ASSERT_TRUE(disk.Delete("zk/txn.log").ok());
      ASSERT_TRUE(disk.Append("zk/txn.log", bytes).ok());
      ZkReplayStats stats;
      EXPECT_EQ(ReplayAll(log, &stats), (std::vector<ZkTxn>{txns[0], txns[1]})) << cut;
      EXPECT_EQ(stats.dropped_bytes, cut - intact);
      EXPECT_EQ(disk.Size("zk/txn.log"), intact) << "the torn tail is truncated";
    }
  }
  // A flipped bit inside an intact-length record fails its checksum: replay stops before it.
  std::string corrupt = all;
  corrupt[static_cast<size_t>(intact) + 12] ^= 1;
  ASSERT_TRUE(disk.Delete("zk/txn.log").ok());
  ASSERT_TRUE(disk.Append("zk/txn.log", corrupt).ok());
  ZkReplayStats stats;
  EXPECT_EQ(ReplayAll(log, &stats).size(), 2u);
  // Appends after a truncated tail are readable.
  ASSERT_TRUE(log.Append(txns[2]).ok());
  EXPECT_EQ(ReplayAll(log, &stats), txns);
}

}  // namespace
}  // namespace ks
