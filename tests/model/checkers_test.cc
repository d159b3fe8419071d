// Goal: the checkers' fast paths (model/check/checkers.h) give the answers of the plain ones:
// LogBatches reads the records ReadRecords reads, with the same disk calls; SameBatches says
// "same" only for logs whose records are equal, and CheckHistory's value index finds lost writes,
// duplicates and order as a map of every value would.
// Method: leader and follower logs on two FakeEnvs, the follower fed the leader's bytes (or
// different ones); the disk's cost sink counts read calls.
#include "model/check/checkers.h"

#include <gtest/gtest.h>

#include "tests/support/batch_util.h"
#include "tests/support/fake_env.h"

namespace ks {
namespace {

using testing::FakeEnv;
using testing::MakeBatch;
using testing::PlainRecord;

// Records "k<i>" = "<prefix><i>" for i in [first, first + count).
std::vector<PlainRecord> Records(int first, int count, const std::string& prefix = "v") {
  std::vector<PlainRecord> out;
  for (int i = first; i < first + count; ++i) {
    out.push_back({0, "k" + std::to_string(i), prefix + std::to_string(i), 1000});
  }
  return out;
}

class CheckersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.segment_bytes = 4096;  // several segments: reads stop at segment ends
    ASSERT_TRUE(Log::Open(leader_env_, "orders", 0, config_, &leader_).ok());
    ASSERT_TRUE(Log::Open(follower_env_, "orders", 0, config_, &follower_).ok());
  }
  // Appends batches of `per_batch` records to the leader and copies each to the follower,
  // byte for byte, as a follower's fetch does.
  void AppendBoth(int batches, int per_batch) {
    for (int b = 0; b < batches; ++b) {
      std::string batch = MakeBatch(Records(appended_, per_batch));
      appended_ += per_batch;
      LogAppendInfo info;
      ASSERT_TRUE(leader_->AppendAsLeader(&batch, 0, &info).ok());
      ASSERT_TRUE(follower_->AppendAsFollower(batch, &info).ok());
    }
  }

  FakeEnv leader_env_;
  FakeEnv follower_env_;
  LogConfig config_;
  std::unique_ptr<Log> leader_;
  std::unique_ptr<Log> follower_;
  int appended_ = 0;
};

TEST_F(CheckersTest, DecodedBatchesAreTheRecordsInRangeReadWithTheSameDiskCalls) {
  AppendBoth(40, 10);
  ASSERT_GT(leader_->segment_count(), 2);
  int reads = 0;
  leader_env_.disk().SetCostSink([&](DurationUs) { ++reads; });
  // From and to in the middle of batches: only the records in [15, 327) come back.
  std::vector<LogRecordView> plain;
  ASSERT_TRUE(ReadRecords(*leader_, 15, 327, &plain).ok());
  const int plain_reads = reads;
  reads = 0;
  LogBatches batches;
  ASSERT_TRUE(batches.Read(*leader_, 15, 327).ok());
  EXPECT_EQ(reads, plain_reads);
  std::vector<LogRecordView> decoded;
  ASSERT_TRUE(batches.Decode(&decoded).ok());
  ASSERT_EQ(decoded.size(), 312u);
  for (size_t i = 0; i < decoded.size(); ++i) {
    EXPECT_EQ(decoded[i].offset, 15 + static_cast<int64_t>(i));
    EXPECT_EQ(decoded[i].value, "v" + std::to_string(15 + i));
    EXPECT_EQ(decoded[i], plain[i]);
  }
}

TEST_F(CheckersTest, RecordsDecodedBeforeAReuseKeepTheirBytes) {
  AppendBoth(10, 10);
  LogBatches batches;
  ASSERT_TRUE(batches.Read(*leader_, 0, 50).ok());
  std::vector<LogRecordView> first;
  batches.Decode(&first);
  // The second read reuses only the buffers no record views.
  ASSERT_TRUE(batches.Read(*follower_, 50, 100).ok());
  ASSERT_TRUE(batches.Read(*leader_, 50, 100).ok());
  ASSERT_EQ(first.size(), 50u);
  EXPECT_EQ(first[7].value, "v7");
  EXPECT_EQ(first[49].value, "v49");
}

TEST_F(CheckersTest, CopiedLogsHaveTheSameBatches) {
  AppendBoth(30, 10);
  LogBatches a, b;
  ASSERT_TRUE(a.Read(*leader_, 0, 300).ok());
  ASSERT_TRUE(b.Read(*follower_, 0, 300).ok());
  EXPECT_TRUE(LogBatches::SameBatches(a, b, 0, 300));
  EXPECT_TRUE(LogBatches::SameBatches(a, b, 123, 200));
}

TEST_F(CheckersTest, ADifferentRecordIsNeverTheSameBatches) {
  AppendBoth(5, 10);
  // Offsets 50..59: the follower gets a batch with one different value.
  std::vector<PlainRecord> theirs = Records(50, 10);
  theirs[3].value = "other";
  std::string leader_batch = MakeBatch(Records(50, 10));
  std::string follower_batch = MakeBatch(theirs, 50);
  LogAppendInfo info;
  ASSERT_TRUE(leader_->AppendAsLeader(&leader_batch, 0, &info).ok());
  ASSERT_TRUE(follower_->AppendAsFollower(follower_batch, &info).ok());
  appended_ = 60;
  AppendBoth(5, 10);
  LogBatches a, b;
  ASSERT_TRUE(a.Read(*leader_, 0, 110).ok());
  ASSERT_TRUE(b.Read(*follower_, 0, 110).ok());
  EXPECT_FALSE(LogBatches::SameBatches(a, b, 0, 110));
  // Below the differing batch, and from the batch after it on, they are the same.
  EXPECT_TRUE(LogBatches::SameBatches(a, b, 0, 50));
  EXPECT_TRUE(LogBatches::SameBatches(a, b, 60, 110));
  // The record walk names the offset.
  ReplicaSnapshot x{1, 110, 110, {}}, y{2, 110, 110, {}};
  a.Decode(&x.records);
  b.Decode(&y.records);
  std::optional<Violation> v = CheckPairDivergence({"orders", 0}, x, y, 0);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->offsets, std::vector<int64_t>{53});
}

TEST(ParseWorkloadValueTest, StripsPaddingOfAnyLength) {
  for (int dots : {0, 1, 7, 8, 9, 16, 95}) {
    const std::string value = "p1-1234" + std::string(dots, '.');
    auto parsed = ParseWorkloadValue(value);
    ASSERT_TRUE(parsed.has_value()) << dots;
    EXPECT_EQ(parsed->first, "p1");
    EXPECT_EQ(parsed->second, 1234);
  }
  EXPECT_FALSE(ParseWorkloadValue("p1-........").has_value());
  EXPECT_FALSE(ParseWorkloadValue("........").has_value());
  EXPECT_FALSE(ParseWorkloadValue("p1-12x..").has_value());
}

TEST(CheckHistoryTest, FindsLostWritesDuplicatesAndOrderAmongManyValues) {
  auto bytes = std::make_shared<const std::string>();
  std::vector<std::string> values;
  for (int i = 0; i < 5000; ++i) values.push_back("p1-" + std::to_string(i) + "......");
  values.push_back("p1-17......");    // offset 5000: a duplicate of 17 (not a reordering)
  values.push_back("p1-5002......");  // offset 5001
  values.push_back("p1-5001......");  // offset 5002: out of order
  std::map<TopicPartition, std::vector<LogRecordView>> committed;
  std::vector<LogRecordView>& records = committed[{"t", 0}];
  for (size_t i = 0; i < values.size(); ++i) {
    LogRecordView r;
    r.offset = static_cast<int64_t>(i);
    r.value = values[i];
    r.bytes = bytes;
    records.push_back(r);
  }
  std::vector<HistoryOp> history;
  for (int seq : {3, 4999, 6000}) {
    HistoryOp op;
    op.process = "p1";
    op.type = HistoryType::kOk;
    op.f = HistoryFunction::kSend;
    op.topic = "t";
    op.partition = 0;
    op.value = "p1-" + std::to_string(seq) + "......";
    op.offset = seq;
    history.push_back(op);
  }
  std::vector<Violation> violations = CheckHistory(history, committed, 0);
  ASSERT_EQ(violations.size(), 3u);
  EXPECT_EQ(violations[0].checker, Checker::kLostWrites);
  EXPECT_EQ(violations[0].offsets, std::vector<int64_t>{6000});
  EXPECT_EQ(violations[1].checker, Checker::kDuplicates);
  EXPECT_EQ(violations[1].offsets, (std::vector<int64_t>{17, 5000}));
  EXPECT_EQ(violations[2].checker, Checker::kOrder);
  EXPECT_EQ(violations[2].offsets, (std::vector<int64_t>{5001, 5002}));
}

}  // namespace
}  // namespace ks
