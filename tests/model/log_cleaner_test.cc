// Goal: compaction keeps the latest record of every key with its original offset and order,
// removes tombstones only after delete.retention.ms, leaves the active segment and young records
// (min.compaction.lag.ms) alone, and picks logs by dirty ratio. Method: compacted logs on a
// FakeEnv, cleaned by LogCleaner, read back record by record.
#include "model/log/log_cleaner.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/support/log_fixture.h"

namespace ks {
namespace {

using testing::LogFixture;
using testing::PlainRecord;

class LogCleanerTest : public LogFixture {
 protected:
  void SetUp() override {
    config_.cleanup_compact = true;
    config_.cleanup_delete = false;
    config_.segment_bytes = 600;
  }
  // Appends key=value records one batch each, returning their offsets.
  int64_t Put(std::string key, std::optional<std::string> value, int64_t timestamp_ms = 1000) {
    std::vector<PlainRecord> records = {{0, std::move(key), std::move(value), timestamp_ms}};
    std::string batch = testing::MakeBatch(records);
    LogAppendInfo info;
    EXPECT_TRUE(log_->AppendAsLeader(&batch, 0, &info).ok());
    return info.first_offset;
  }
  // The latest value of each key as a consumer reading everything would compute it.
  static std::map<std::string, std::optional<std::string>> Latest(
      const std::vector<PlainRecord>& records) {
    std::map<std::string, std::optional<std::string>> latest;
    for (const PlainRecord& r : records) latest[*r.key] = r.value;
    return latest;
  }
};

TEST_F(LogCleanerTest, KeepsTheLatestRecordPerKeyWithItsOffset) {
  Open();
  for (int i = 0; i < 60; ++i) Put("k" + std::to_string(i % 5), "v" + std::to_string(i));
  const std::vector<PlainRecord> before = ReadAll();
  const Segment& active = log_->active();
  const int64_t active_base = active.base_offset();
  std::string active_bytes;
  ASSERT_TRUE(env_.disk().Read(active.log_path(), 0, 1 << 20, &active_bytes).ok());
  const int segments_before = log_->segment_count();

  LogCleaner cleaner(env_);
  CleanResult result;
  ASSERT_TRUE(cleaner.Clean(*log_, log_->log_end_offset(), &result).ok());
  ASSERT_TRUE(result.cleaned);
  EXPECT_GT(result.records_removed, 0);
  EXPECT_LT(result.bytes_after, result.bytes_before);
  EXPECT_EQ(log_->segment_count(), segments_before)
      << "groups are formed from the sizes before cleaning: one segment each here";

  const std::vector<PlainRecord> after = ReadAll();
  EXPECT_EQ(Latest(after), Latest(before)) << "a full read still sees every key's latest value";
  // Offsets are kept, never renumbered; order is kept.
  std::map<int64_t, PlainRecord> by_offset;
  for (const PlainRecord& r : before) by_offset[r.offset] = r;
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(by_offset.at(after[i].offset), after[i]);
    if (i > 0) EXPECT_LT(after[i - 1].offset, after[i].offset);
  }
  // Below the active segment, each key appears once.
  std::map<std::string, int> count;
  for (const PlainRecord& r : after) {
    if (r.offset < active_base) ++count[*r.key];
  }
  for (const auto& [key, n] : count) EXPECT_EQ(n, 1) << key;
  // The active segment is untouched, byte for byte.
  std::string active_after;
  ASSERT_TRUE(env_.disk().Read(log_->active().log_path(), 0, 1 << 20, &active_after).ok());
  EXPECT_EQ(log_->active().base_offset(), active_base);
  EXPECT_EQ(active_after, active_bytes);
  EXPECT_EQ(log_->log_end_offset(), 60);
  EXPECT_EQ(CountEvents("log.clean"), 1);
  // No temporary files remain.
  for (const std::string& file : env_.disk().List("orders-0/")) {
    EXPECT_EQ(file.find(".cleaned"), std::string::npos) << file;
    EXPECT_EQ(file.find(".swap"), std::string::npos) << file;
  }
  // A fetch at a removed offset returns the next surviving batch.
  LogReadResult read;
  ASSERT_TRUE(log_->Read(0, 1 << 20, INT64_MAX, &read).ok());
  ASSERT_FALSE(read.records.empty());
  EXPECT_EQ(testing::DecodeAll(read.records).front().offset, after.front().offset);
  // A second pass merges the now small segments (their sizes fit one segment.bytes).
  for (int i = 0; i < 10; ++i) Put("k" + std::to_string(i % 5), "w" + std::to_string(i));
  ASSERT_TRUE(cleaner.Clean(*log_, log_->log_end_offset(), &result).ok());
  EXPECT_LT(log_->segment_count(), segments_before);
  EXPECT_EQ(Latest(ReadAll()).at("k4"), "w9");
}

TEST_F(LogCleanerTest, TombstonesStayUntilDeleteRetentionThenGo) {
  config_.delete_retention_ms = 10'000;
  Open();
  Put("a", "1");
  Put("b", "1");
  const int64_t tombstone = Put("a", std::nullopt);
  for (int i = 0; i < 30; ++i) Put("filler" + std::to_string(i % 3), "x");
  LogCleaner cleaner(env_);
  CleanResult result;
  ASSERT_TRUE(cleaner.Clean(*log_, log_->log_end_offset(), &result).ok());
  auto find = [&](int64_t offset) {
    for (const PlainRecord& r : ReadAll()) {
      if (r.offset == offset) return true;
    }
    return false;
  };
  EXPECT_FALSE(find(0)) << "a=1 is superseded by the tombstone";
  EXPECT_TRUE(find(tombstone)) << "the tombstone stays: consumers must see the delete";
  EXPECT_EQ(result.tombstones_removed, 0);

  // Before the horizon: more dirty data, another pass, the tombstone survives.
  env_.AdvanceMs(9'000);
  for (int i = 0; i < 30; ++i) Put("filler" + std::to_string(i % 3), "y");
  ASSERT_TRUE(cleaner.Clean(*log_, log_->log_end_offset(), &result).ok());
  EXPECT_TRUE(find(tombstone));
  // After it: gone.
  env_.AdvanceMs(2'000);
  for (int i = 0; i < 30; ++i) Put("filler" + std::to_string(i % 3), "z");
  ASSERT_TRUE(cleaner.Clean(*log_, log_->log_end_offset(), &result).ok());
  EXPECT_FALSE(find(tombstone));
  EXPECT_EQ(result.tombstones_removed, 1);
  EXPECT_TRUE(find(1)) << "b=1 is still the latest of b";
}

TEST_F(LogCleanerTest, MinCompactionLagProtectsYoungRecords) {
  config_.min_compaction_lag_ms = 60'000;
  config_.segment_ms = 60'000;  // the first young record starts a new segment
  Open();
  const int64_t now = env_.WallClockMs();
  for (int i = 0; i < 20; ++i) Put("k", "old" + std::to_string(i), now - 120'000);
  for (int i = 0; i < 20; ++i) Put("k", "young" + std::to_string(i), now - 1'000);
  LogCleaner cleaner(env_);
  CleanResult result;
  ASSERT_TRUE(cleaner.Clean(*log_, log_->log_end_offset(), &result).ok());
  int young = 0;
  int old = 0;
  for (const PlainRecord& r : ReadAll()) {
    (r.value->starts_with("young") ? young : old)++;
  }
  EXPECT_EQ(young, 20) << "records younger than the lag are never compacted";
  EXPECT_EQ(old, 1) << "old records are compacted to the latest";
}

TEST_F(LogCleanerTest, CleanOncePicksTheDirtiestLogAboveTheRatio) {
  Open();
  std::unique_ptr<Log> other;
  ASSERT_TRUE(Log::Open(env_, "orders", 1, config_, &other).ok());
  for (int i = 0; i < 40; ++i) Put("k" + std::to_string(i % 2), "v");
  LogCleaner cleaner(env_);
  cleaner.AddLog(log_.get());
  cleaner.AddLog(other.get());
  const Log* cleaned = nullptr;
  ASSERT_TRUE(cleaner.CleanOnce(&cleaned).ok());
  EXPECT_EQ(cleaned, log_.get());
  // Nothing new is dirty now: the ratio is 0 and nothing is picked.
  ASSERT_TRUE(cleaner.CleanOnce(&cleaned).ok());
  EXPECT_EQ(cleaned, nullptr);
  // A high threshold keeps a moderately dirty log waiting.
  config_.min_cleanable_dirty_ratio = 0.99;
  log_->SetConfig(config_);
  for (int i = 0; i < 10; ++i) Put("k" + std::to_string(i % 2), "w");
  const CleanableRange range = cleaner.Range(*log_, log_->log_end_offset());
  EXPECT_LT(range.dirty_ratio(), 0.99);
  ASSERT_TRUE(cleaner.CleanOnce(&cleaned).ok());
  EXPECT_EQ(cleaned, nullptr);
}

TEST_F(LogCleanerTest, CompressedBatchesStayCompressed) {
  Open();
  for (int i = 0; i < 20; ++i) {
    std::vector<PlainRecord> records;
    for (int j = 0; j < 5; ++j)
      records.push_back({0, "k" + std::to_string(j), "v" + std::to_string(i), 1000});
    ASSERT_TRUE(AppendRecords(records, 0, CompressionType::kZstd).ok());
  }
  LogCleaner cleaner(env_);
  CleanResult result;
  ASSERT_TRUE(cleaner.Clean(*log_, log_->log_end_offset(), &result).ok());
  ASSERT_TRUE(result.cleaned);
  LogReadResult read;
  ASSERT_TRUE(log_->Read(0, 1 << 20, INT64_MAX, &read).ok());
  BatchHeader header;
  ASSERT_TRUE(BatchHeader::Parse(read.records, &header).ok());
  EXPECT_EQ(header.compression(), CompressionType::kZstd);
  EXPECT_EQ(Latest(ReadAll()).size(), 5u);
}

TEST_F(LogCleanerTest, PeriodicCleanerRunsWhenStarted) {
  Open();
  for (int i = 0; i < 40; ++i) Put("k" + std::to_string(i % 2), "v");
  CleanerOptions options;
  options.backoff_ms = 1000;
  LogCleaner cleaner(env_, options);
  cleaner.AddLog(log_.get());
  cleaner.Start();
  env_.AdvanceMs(1000);
  EXPECT_EQ(CountEvents("log.clean"), 1);
  cleaner.Stop();
}

}  // namespace
}  // namespace ks
