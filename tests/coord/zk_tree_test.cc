// Goal: ZkTree follows ZooKeeper's data-tree semantics one rule at a time — versions and stats,
// BADVERSION / NOTEMPTY / NONODE / NODEEXISTS / NOCHILDRENFOREPHEMERALS, sequential names,
// ephemerals removed with their session, one-shot watches of the right types, multi atomicity,
// and Validate leaving the tree untouched. Method: a bare tree driven with hand-numbered zxids.
#include "model/coord/zk_tree.h"

#include <gtest/gtest.h>

#include <tuple>

namespace ks {
namespace {

constexpr int64_t kSessionA = 11;
constexpr int64_t kSessionB = 22;

class ZkTreeTest : public ::testing::Test {
 protected:
  // One write as its own transaction, by `session`.
  ZkError Do(ZkOp op, int64_t session = kSessionA, ZkOpResult* out = nullptr) {
    return DoMulti({std::move(op)}, session, out);
  }
  ZkError DoMulti(std::vector<ZkOp> ops, int64_t session = kSessionA, ZkOpResult* out = nullptr) {
    std::vector<ZkOpResult> results;
    const ZkError error =
        tree_.Write(ops, ZkTxnContext{session, tree_.last_zxid() + 1, 1000}, &results, &fired_);
    last_results_ = results;
    if (out != nullptr && !results.empty()) *out = results[0];
    return error;
  }
  ZkStat StatOf(const std::string& path) {
    ZkStat stat;
    EXPECT_EQ(tree_.Exists(path, 0, &stat), ZkError::kOk) << path;
    return stat;
  }
  std::vector<ZkFiredWatch> TakeFired() { return std::exchange(fired_, {}); }

  ZkTree tree_;
  std::vector<ZkFiredWatch> fired_;
  std::vector<ZkOpResult> last_results_;
};

TEST_F(ZkTreeTest, CreateGetAndStats) {
  ZkOpResult result;
  ASSERT_EQ(Do(ZkOp::Create("/brokers", "", false), kSessionA, &result), ZkError::kOk);
  EXPECT_EQ(result.path, "/brokers");
  ASSERT_EQ(Do(ZkOp::Create("/brokers/ids", "x", false)), ZkError::kOk);
  std::string data;
  ZkStat stat;
  ASSERT_EQ(tree_.GetData("/brokers/ids", 0, &data, &stat), ZkError::kOk);
  EXPECT_EQ(data, "x");
  EXPECT_EQ(stat.czxid, 2);
  EXPECT_EQ(stat.mzxid, 2);
  EXPECT_EQ(stat.version, 0);
  EXPECT_EQ(stat.data_length, 1);
  EXPECT_EQ(stat.ephemeral_owner, 0);
  EXPECT_EQ(stat.ctime_ms, 1000);
  const ZkStat parent = StatOf("/brokers");
  EXPECT_EQ(parent.num_children, 1);
  EXPECT_EQ(parent.cversion, 1);
  EXPECT_EQ(parent.pzxid, 2);
  EXPECT_EQ(tree_.last_zxid(), 2);
}

TEST_F(ZkTreeTest, CreateErrors) {
  EXPECT_EQ(Do(ZkOp::Create("/a/b", "", false)), ZkError::kNoNode) << "parent missing";
  ASSERT_EQ(Do(ZkOp::Create("/a", "", false)), ZkError::kOk);
  EXPECT_EQ(Do(ZkOp::Create("/a", "", false)), ZkError::kNodeExists);
  EXPECT_EQ(Do(ZkOp::Create("a", "", false)), ZkError::kBadArguments);
  EXPECT_EQ(Do(ZkOp::Create("/a/", "", false)), ZkError::kBadArguments);
  EXPECT_EQ(Do(ZkOp::Create("/a//b", "", false)), ZkError::kBadArguments);
  EXPECT_EQ(Do(ZkOp::Create("/", "", false)), ZkError::kBadArguments);
  ASSERT_EQ(Do(ZkOp::Create("/e", "", true)), ZkError::kOk);
  EXPECT_EQ(Do(ZkOp::Create("/e/child", "", false)), ZkError::kNoChildrenForEphemerals);
  EXPECT_EQ(tree_.last_zxid(), 2) << "failed writes take no zxid";
}

TEST_F(ZkTreeTest, SetDataChecksVersions) {
  ASSERT_EQ(Do(ZkOp::Create("/controller_epoch", "1", false)), ZkError::kOk);
  ZkOpResult result;
  ASSERT_EQ(Do(ZkOp::SetData("/controller_epoch", "2", 0), kSessionA, &result), ZkError::kOk);
  EXPECT_EQ(result.stat.version, 1);
  EXPECT_EQ(Do(ZkOp::SetData("/controller_epoch", "3", 0)), ZkError::kBadVersion)
      << "a stale version is fenced";
  ASSERT_EQ(Do(ZkOp::SetData("/controller_epoch", "3", ZkOp::kAnyVersion)), ZkError::kOk);
  std::string data;
  ZkStat stat;
  ASSERT_EQ(tree_.GetData("/controller_epoch", 0, &data, &stat), ZkError::kOk);
  EXPECT_EQ(data, "3");
  EXPECT_EQ(stat.version, 2);
  EXPECT_EQ(stat.mzxid, 3);
  EXPECT_EQ(Do(ZkOp::SetData("/missing", "", -1)), ZkError::kNoNode);
}

TEST_F(ZkTreeTest, DeleteChecksVersionAndChildren) {
  ASSERT_EQ(Do(ZkOp::Create("/a", "", false)), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/a/b", "", false)), ZkError::kOk);
  EXPECT_EQ(Do(ZkOp::Delete("/a")), ZkError::kNotEmpty);
  EXPECT_EQ(Do(ZkOp::Delete("/a/b", 5)), ZkError::kBadVersion);
  EXPECT_EQ(Do(ZkOp::Delete("/a/b", 0)), ZkError::kOk);
  EXPECT_EQ(Do(ZkOp::Delete("/a/b")), ZkError::kNoNode);
  EXPECT_EQ(Do(ZkOp::Delete("/a")), ZkError::kOk);
  EXPECT_EQ(Do(ZkOp::Delete("/")), ZkError::kBadArguments);
  EXPECT_EQ(StatOf("/").cversion, 2);
}

TEST_F(ZkTreeTest, SequentialNamesUseTheParentsCversion) {
  ASSERT_EQ(Do(ZkOp::Create("/q", "", false)), ZkError::kOk);
  ZkOpResult result;
  ASSERT_EQ(Do(ZkOp::Create("/q/item-", "", false, true), kSessionA, &result), ZkError::kOk);
  EXPECT_EQ(result.path, "/q/item-0000000000");
  ASSERT_EQ(Do(ZkOp::Create("/q/other", "", false)), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Delete("/q/other")), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/q/item-", "", false, true), kSessionA, &result), ZkError::kOk);
  EXPECT_EQ(result.path, "/q/item-0000000003") << "deletes count too, so names never repeat";
  ASSERT_EQ(Do(ZkOp::Create("/q/", "", false, true), kSessionA, &result), ZkError::kOk);
  EXPECT_EQ(result.path, "/q/0000000004");
  std::vector<std::string> children;
  ZkStat stat;
  ASSERT_EQ(tree_.GetChildren("/q", 0, &children, &stat), ZkError::kOk);
  EXPECT_EQ(children,
            (std::vector<std::string>{"0000000004", "item-0000000000", "item-0000000003"}));
}

TEST_F(ZkTreeTest, EphemeralsDieWithTheirSession) {
  ASSERT_EQ(Do(ZkOp::Create("/brokers", "", false)), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/brokers/1", "", true, false), kSessionA), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/brokers/2", "", true, false), kSessionB), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/controller", "", true, false), kSessionA), ZkError::kOk);
  EXPECT_EQ(StatOf("/brokers/1").ephemeral_owner, kSessionA);
  EXPECT_EQ(tree_.EphemeralsOf(kSessionA), (std::vector<std::string>{"/brokers/1", "/controller"}));
  std::vector<std::string> children;
  ZkStat stat;
  ASSERT_EQ(tree_.GetChildren("/brokers", kSessionB, &children, &stat), ZkError::kOk);
  ASSERT_EQ(tree_.Exists("/controller", kSessionB, &stat), ZkError::kOk);
  tree_.CloseSession(ZkTxnContext{kSessionA, tree_.last_zxid() + 1, 0}, &fired_);
  EXPECT_FALSE(tree_.Contains("/brokers/1"));
  EXPECT_FALSE(tree_.Contains("/controller"));
  EXPECT_TRUE(tree_.Contains("/brokers/2"));
  EXPECT_TRUE(tree_.EphemeralsOf(kSessionA).empty());
  EXPECT_EQ(TakeFired(),
            (std::vector<ZkFiredWatch>{{kSessionB, ZkWatchType::kNodeChildrenChanged, "/brokers"},
                                       {kSessionB, ZkWatchType::kNodeDeleted, "/controller"}}));
}

TEST_F(ZkTreeTest, DataWatchesAreOneShotAndTyped) {
  ZkStat stat;
  std::string data;
  EXPECT_EQ(tree_.Exists("/c", kSessionB, &stat), ZkError::kNoNode);
  ASSERT_EQ(Do(ZkOp::Create("/c", "1", false)), ZkError::kOk);
  EXPECT_EQ(TakeFired(), (std::vector<ZkFiredWatch>{{kSessionB, ZkWatchType::kNodeCreated, "/c"}}));
  ASSERT_EQ(Do(ZkOp::SetData("/c", "2")), ZkError::kOk);
  EXPECT_TRUE(TakeFired().empty()) << "one-shot: the watch was used up";

  ASSERT_EQ(tree_.GetData("/c", kSessionB, &data, &stat), ZkError::kOk);
  ASSERT_EQ(tree_.GetData("/c", kSessionA, &data, &stat), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::SetData("/c", "3")), ZkError::kOk);
  EXPECT_EQ(TakeFired(),
            (std::vector<ZkFiredWatch>{{kSessionA, ZkWatchType::kNodeDataChanged, "/c"},
                                       {kSessionB, ZkWatchType::kNodeDataChanged, "/c"}}));

  ASSERT_EQ(tree_.GetData("/c", kSessionB, &data, &stat), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Delete("/c")), ZkError::kOk);
  EXPECT_EQ(TakeFired(), (std::vector<ZkFiredWatch>{{kSessionB, ZkWatchType::kNodeDeleted, "/c"}}));

  EXPECT_EQ(tree_.GetData("/c", kSessionB, &data, &stat), ZkError::kNoNode);
  ASSERT_EQ(Do(ZkOp::Create("/c", "", false)), ZkError::kOk);
  EXPECT_TRUE(TakeFired().empty()) << "GetData on a missing node leaves no watch";
  EXPECT_EQ(tree_.watch_count(), 0);
}

TEST_F(ZkTreeTest, ChildWatchesFireOnChildChangesAndOnDeletion) {
  ASSERT_EQ(Do(ZkOp::Create("/ids", "", false)), ZkError::kOk);
  std::vector<std::string> children;
  ZkStat stat;
  ASSERT_EQ(tree_.GetChildren("/ids", kSessionB, &children, &stat), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::SetData("/ids", "x")), ZkError::kOk);
  EXPECT_TRUE(TakeFired().empty()) << "a data change does not fire a child watch";
  ASSERT_EQ(Do(ZkOp::Create("/ids/1", "", false)), ZkError::kOk);
  EXPECT_EQ(TakeFired(),
            (std::vector<ZkFiredWatch>{{kSessionB, ZkWatchType::kNodeChildrenChanged, "/ids"}}));
  ASSERT_EQ(tree_.GetChildren("/ids", kSessionB, &children, &stat), ZkError::kOk);
  ASSERT_EQ(tree_.GetData("/ids/1", kSessionB, &children.emplace_back(), &stat), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::SetData("/ids/1", "y")), ZkError::kOk);
  EXPECT_EQ(TakeFired(),
            (std::vector<ZkFiredWatch>{{kSessionB, ZkWatchType::kNodeDataChanged, "/ids/1"}}))
      << "a child's data change fires the child's data watch only";
  ASSERT_EQ(Do(ZkOp::Delete("/ids/1")), ZkError::kOk);
  ASSERT_EQ(tree_.GetChildren("/ids", kSessionA, &children, &stat), ZkError::kOk);
  ASSERT_EQ(tree_.GetData("/ids", kSessionA, &children.emplace_back(), &stat), ZkError::kOk);
  TakeFired();
  ASSERT_EQ(Do(ZkOp::Delete("/ids")), ZkError::kOk);
  EXPECT_EQ(TakeFired(),
            (std::vector<ZkFiredWatch>{{kSessionA, ZkWatchType::kNodeDeleted, "/ids"}}))
      << "one event per session, though both its data and child watch fired";
}

TEST_F(ZkTreeTest, MultiIsAllOrNothing) {
  ASSERT_EQ(Do(ZkOp::Create("/epoch", "1", false)), ZkError::kOk);
  ZkStat stat;
  ASSERT_EQ(tree_.Exists("/epoch", kSessionB, &stat), ZkError::kOk);
  const int64_t zxid_before = tree_.last_zxid();
  EXPECT_EQ(DoMulti({ZkOp::Create("/x", "", false), ZkOp::SetData("/epoch", "2", 0),
                     ZkOp::Check("/epoch", 0), ZkOp::Create("/y", "", false)}),
            ZkError::kBadVersion)
      << "the check sees the set made earlier in the same multi";
  ASSERT_EQ(last_results_.size(), 4u);
  EXPECT_EQ(last_results_[0].error, ZkError::kOk);
  EXPECT_EQ(last_results_[1].error, ZkError::kOk);
  EXPECT_EQ(last_results_[2].error, ZkError::kBadVersion);
  EXPECT_EQ(last_results_[3].error, ZkError::kRuntimeInconsistency);
  EXPECT_FALSE(tree_.Contains("/x"));
  EXPECT_EQ(StatOf("/epoch").version, 0);
  EXPECT_EQ(StatOf("/").cversion, 1);
  EXPECT_EQ(tree_.last_zxid(), zxid_before);
  EXPECT_TRUE(TakeFired().empty());
  EXPECT_EQ(tree_.watch_count(), 1) << "the watch survived the failed multi";

  ASSERT_EQ(DoMulti({ZkOp::Check("/epoch", 0), ZkOp::SetData("/epoch", "2", 0),
                     ZkOp::Create("/x", "", false), ZkOp::Create("/x/", "", false, true)}),
            ZkError::kOk);
  EXPECT_EQ(last_results_[3].path, "/x/0000000000");
  EXPECT_EQ(StatOf("/epoch").version, 1);
  EXPECT_EQ(StatOf("/x").czxid, StatOf("/epoch").mzxid) << "one transaction, one zxid";
  EXPECT_EQ(TakeFired(),
            (std::vector<ZkFiredWatch>{{kSessionB, ZkWatchType::kNodeDataChanged, "/epoch"}}));
}

// A failed multi is undone step by step (a parent keeps its stat and one child name per step,
// not a copy of its children): every node, child list, stat, datum and ephemeral is as before,
// even when the multi touched the same node several times.
TEST_F(ZkTreeTest, FailedMultiRestoresChildrenStatsDataAndEphemerals) {
  ASSERT_EQ(Do(ZkOp::Create("/p", "d", false)), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/p/a", "1", false)), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/p/b", "2", true)), ZkError::kOk);  // ephemeral of session A
  auto snapshot = [&] {
    std::vector<std::string> children;
    std::string data;
    ZkStat stat;
    EXPECT_EQ(tree_.GetChildren("/p", 0, &children, &stat), ZkError::kOk);
    std::vector<std::string> datas;
    std::vector<ZkStat> stats{stat};
    for (const std::string& child : children) {
      EXPECT_EQ(tree_.GetData("/p/" + child, 0, &data, &stat), ZkError::kOk);
      datas.push_back(data);
      stats.push_back(stat);
    }
    EXPECT_EQ(tree_.GetData("/p", 0, &data, &stat), ZkError::kOk);
    datas.push_back(data);
    return std::make_tuple(children, datas, stats, tree_.EphemeralsOf(kSessionA),
                           tree_.node_count(), tree_.last_zxid());
  };
  const auto before = snapshot();
  EXPECT_EQ(
      DoMulti({ZkOp::Create("/p/c", "3", false), ZkOp::Delete("/p/b"), ZkOp::SetData("/p", "e"),
               ZkOp::Create("/p/b", "4", false), ZkOp::SetData("/p", "f"), ZkOp::Delete("/p/a"),
               ZkOp::Delete("/p/c"), ZkOp::Check("/p", 99)}),
      ZkError::kBadVersion);
  EXPECT_EQ(snapshot(), before);
  EXPECT_TRUE(TakeFired().empty());
  // The restored tree still works: the ephemeral goes with its session, the rest stays.
  tree_.CloseSession(ZkTxnContext{kSessionA, tree_.last_zxid() + 1, 2000}, &fired_);
  EXPECT_FALSE(tree_.Contains("/p/b"));
  EXPECT_TRUE(tree_.Contains("/p/a"));
  EXPECT_EQ(StatOf("/p").num_children, 1);
}

TEST_F(ZkTreeTest, ValidateChangesNothingAndResolvesSequentialNames) {
  ASSERT_EQ(Do(ZkOp::Create("/q", "", false)), ZkError::kOk);
  std::vector<ZkOpResult> results;
  std::vector<ZkOp> resolved;
  ASSERT_EQ(
      tree_.Validate({ZkOp::Create("/q/n-", "d", true, true)}, kSessionA, &results, &resolved),
      ZkError::kOk);
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].path, "/q/n-0000000000");
  EXPECT_FALSE(resolved[0].sequential);
  EXPECT_FALSE(tree_.Contains("/q/n-0000000000"));
  EXPECT_EQ(tree_.last_zxid(), 1);
  EXPECT_TRUE(tree_.EphemeralsOf(kSessionA).empty());
  EXPECT_EQ(tree_.Validate({ZkOp::Delete("/q/missing")}, kSessionA, &results, &resolved),
            ZkError::kNoNode);
  // Applying the resolved ops gives exactly the validated outcome.
  ASSERT_EQ(
      tree_.Validate({ZkOp::Create("/q/n-", "d", true, true)}, kSessionA, &results, &resolved),
      ZkError::kOk);
  ASSERT_EQ(DoMulti(resolved), ZkError::kOk);
  EXPECT_TRUE(tree_.Contains("/q/n-0000000000"));
}

TEST_F(ZkTreeTest, SetWatchesFiresWhatChangedSinceTheClientLastLooked) {
  ASSERT_EQ(Do(ZkOp::Create("/same", "", false)), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/changed", "", false)), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/gone", "", false)), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/born", "", false)), ZkError::kOk);
  const int64_t seen = tree_.last_zxid();
  ASSERT_EQ(Do(ZkOp::SetData("/changed", "x")), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Delete("/gone")), ZkError::kOk);
  ASSERT_EQ(Do(ZkOp::Create("/same/kid", "", false)), ZkError::kOk);
  std::vector<ZkFiredWatch> fired;
  tree_.SetWatches(kSessionA, seen, {"/same", "/changed", "/gone"}, {"/born", "/unborn"},
                   {"/same", "/changed"}, &fired);
  EXPECT_EQ(fired,
            (std::vector<ZkFiredWatch>{{kSessionA, ZkWatchType::kNodeDataChanged, "/changed"},
                                       {kSessionA, ZkWatchType::kNodeDeleted, "/gone"},
                                       {kSessionA, ZkWatchType::kNodeCreated, "/born"},
                                       {kSessionA, ZkWatchType::kNodeChildrenChanged, "/same"}}));
  EXPECT_EQ(tree_.watch_count(), 3) << "/same (data), /unborn (exists), /changed (children)";
  tree_.RemoveWatches(kSessionA);
  EXPECT_EQ(tree_.watch_count(), 0);
}

}  // namespace
}  // namespace ks
