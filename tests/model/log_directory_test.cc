// Goal: the offset checkpoints are one file per log directory holding every partition's entry, as
// Kafka's LogManager and ReplicaManager write them (recovery-point-offset-checkpoint,
// log-start-offset-checkpoint, replication-offset-checkpoint at the disk's root), each written
// with one fsync whatever the number of logs; a restart hands each log its own entry; a corrupt
// file means "no checkpoint" for every log of the directory, without aborting.
// Method: logs opened through a LogDirectory on a FakeEnv; the files are read back from the disk,
// fsyncs counted on the simulated disk, restarts made with Crash() and a new directory.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/log/checkpoint_file.h"
#include "model/log/log_directory.h"
#include "tests/support/batch_util.h"
#include "tests/support/fake_env.h"

namespace ks {
namespace {

class LogDirectoryTest : public ::testing::Test {
 protected:
  // A restart: the logs go, a new directory reads the checkpoints and opens `count` logs.
  void OpenLogs(int count) {
    logs_.clear();
    directory_ = std::make_unique<LogDirectory>(env_);
    directory_->LoadCheckpoints();
    for (int p = 0; p < count; ++p) {
      std::unique_ptr<Log> log;
      const KafkaError error = directory_->OpenLog(TopicPartition{"orders", p}, config_, &log);
      ASSERT_TRUE(error.ok()) << error.ToString();
      logs_.push_back(std::move(log));
    }
  }
  void Append(Log& log, int count) {
    std::string batch = testing::MakeSimpleBatch(count, 1000);
    LogAppendInfo info;
    ASSERT_TRUE(log.AppendAsLeader(&batch, 0, &info).ok());
  }
  std::map<TopicPartition, int64_t> Entries(const std::string& file) {
    std::vector<OffsetCheckpointEntry> read;
    EXPECT_TRUE(ReadOffsetCheckpoint(env_.disk(), file, &read).ok()) << file;
    std::map<TopicPartition, int64_t> entries;
    for (const OffsetCheckpointEntry& e : read) entries[{e.topic, e.partition}] = e.offset;
    return entries;
  }

  testing::FakeEnv env_;
  LogConfig config_;
  std::unique_ptr<LogDirectory> directory_;  // before the logs: it outlives them
  std::vector<std::unique_ptr<Log>> logs_;
};

TEST_F(LogDirectoryTest, OneFileHoldsEveryLogAndCostsOneFsync) {
  constexpr int kLogs = 50;
  OpenLogs(kLogs);
  for (int p = 0; p < kLogs; ++p) {
    Append(*logs_[p], p + 1);
    ASSERT_TRUE(logs_[p]->Flush().ok());
  }
  int64_t fsyncs = env_.disk().fsync_count();
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  EXPECT_EQ(env_.disk().fsync_count() - fsyncs, 1) << "one fsync per file, not per partition";
  const std::map<TopicPartition, int64_t> recovery_points =
      Entries("recovery-point-offset-checkpoint");
  ASSERT_EQ(recovery_points.size(), static_cast<size_t>(kLogs));
  for (int p = 0; p < kLogs; ++p) EXPECT_EQ(recovery_points.at({"orders", p}), p + 1);

  std::map<TopicPartition, int64_t> high_watermarks;
  for (int p = 0; p < kLogs; ++p) high_watermarks[{"orders", p}] = p;
  fsyncs = env_.disk().fsync_count();
  ASSERT_TRUE(directory_->CheckpointHighWatermarks(high_watermarks).ok());
  EXPECT_EQ(env_.disk().fsync_count() - fsyncs, 1);
  EXPECT_EQ(Entries("replication-offset-checkpoint"), high_watermarks);

  for (const std::string& file : env_.disk().List("")) {
    EXPECT_EQ(file.find("/recovery-point-offset-checkpoint"), std::string::npos) << file;
    EXPECT_EQ(file.find("/replication-offset-checkpoint"), std::string::npos) << file;
    EXPECT_EQ(file.find("/log-start-offset-checkpoint"), std::string::npos) << file;
  }
}

TEST_F(LogDirectoryTest, CheckpointFilesUseKafkasTextFormat) {
  OpenLogs(2);
  Append(*logs_[0], 20);
  Append(*logs_[1], 7);
  ASSERT_TRUE(logs_[0]->Flush().ok());
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  ASSERT_TRUE(directory_->CheckpointHighWatermarks({{{"orders", 0}, 15}, {{"orders", 1}, 7}}).ok());
  std::string text;
  ASSERT_TRUE(env_.disk().Read("recovery-point-offset-checkpoint", 0, 1000, &text).ok());
  EXPECT_EQ(text, "0\n2\norders 0 20\norders 1 0\n");
  ASSERT_TRUE(env_.disk().Read("replication-offset-checkpoint", 0, 1000, &text).ok());
  EXPECT_EQ(text, "0\n2\norders 0 15\norders 1 7\n");
}

// Goal: the tasks write the directory's recovery points and log start offsets first
// kLogInitialTaskDelayMs after the start, then every interval (Kafka's LogManager tasks); an
// interval of 0 writes once. Only starts above the first segment's base are listed (Kafka).
TEST_F(LogDirectoryTest, CheckpointTasksWriteTheOffsetsPeriodically) {
  OpenLogs(2);
  Append(*logs_[0], 10);
  ASSERT_TRUE(logs_[0]->Flush().ok());
  directory_->StartCheckpointTasks(10'000, 0);
  env_.AdvanceMs(kLogInitialTaskDelayMs - 1);
  EXPECT_FALSE(env_.disk().Exists("recovery-point-offset-checkpoint"));
  env_.AdvanceMs(1);
  EXPECT_EQ(Entries("recovery-point-offset-checkpoint"),
            (std::map<TopicPartition, int64_t>{{{"orders", 0}, 10}, {{"orders", 1}, 0}}));
  EXPECT_TRUE(Entries("log-start-offset-checkpoint").empty()) << "no start above its segment";
  Append(*logs_[0], 5);
  ASSERT_TRUE(logs_[0]->Flush().ok());
  ASSERT_TRUE(logs_[0]->IncrementLogStartOffset(5, 15).ok());
  env_.AdvanceMs(10'000 - 1);
  EXPECT_EQ(Entries("recovery-point-offset-checkpoint").at({"orders", 0}), 10);
  env_.AdvanceMs(1);
  EXPECT_EQ(Entries("recovery-point-offset-checkpoint").at({"orders", 0}), 15);
  env_.AdvanceMs(60'000);
  EXPECT_TRUE(Entries("log-start-offset-checkpoint").empty()) << "an interval of 0 runs once";
  ASSERT_TRUE(directory_->CheckpointLogStartOffsets().ok());
  EXPECT_EQ(Entries("log-start-offset-checkpoint"),
            (std::map<TopicPartition, int64_t>{{{"orders", 0}, 5}}));
  directory_->StopCheckpointTasks();
  EXPECT_EQ(env_.pending_timers(), 0u);
}

// Goal: after a crash each log recovers from its own entry of the directory's file; a log with
// no entry from 0 (every segment scanned).
TEST_F(LogDirectoryTest, RestartHandsEachLogItsOwnEntry) {
  config_.segment_bytes = 1000;
  OpenLogs(2);
  for (int i = 0; i < 10; ++i) Append(*logs_[0], 10);
  ASSERT_TRUE(logs_[0]->Flush().ok());
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  const int64_t checkpointed = logs_[0]->recovery_point();
  ASSERT_EQ(checkpointed, 100);
  env_.Crash();
  OpenLogs(3);
  EXPECT_EQ(logs_[0]->last_recovery().recovery_point, checkpointed);
  EXPECT_EQ(logs_[0]->log_end_offset(), 100);
  EXPECT_EQ(logs_[1]->last_recovery().recovery_point, 0);
  EXPECT_EQ(logs_[2]->last_recovery().recovery_point, 0) << "a new log has no entry";
}

// Goal: a corrupt checkpoint file is "no checkpoint" for every log of the directory (Kafka logs a
// warning and starts from 0): every segment is scanned again, nothing aborts, no data is lost.
TEST_F(LogDirectoryTest, ACorruptFileMeansNoCheckpointForEveryLog) {
  config_.segment_bytes = 400;
  OpenLogs(2);
  for (int i = 0; i < 10; ++i) {
    Append(*logs_[0], 10);
    Append(*logs_[1], 10);
  }
  for (auto& log : logs_) ASSERT_TRUE(log->Flush().ok());
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  ASSERT_TRUE(directory_->CheckpointHighWatermarks({{{"orders", 0}, 50}}).ok());
  const int32_t segments = logs_[0]->segment_count();
  ASSERT_GE(segments, 3);
  env_.Crash();
  for (std::string_view file : {"recovery-point-offset-checkpoint", "replication-offset-checkpoint"}) {
    ASSERT_TRUE(env_.disk().Delete(file).ok());
    ASSERT_TRUE(env_.disk().Append(file, "0\n2\norders 0 1\ngarbage\n").ok());
  }
  OpenLogs(2);
  for (auto& log : logs_) {
    EXPECT_EQ(log->last_recovery().recovery_point, 0);
    EXPECT_EQ(log->last_recovery().segments_scanned, segments);
    EXPECT_EQ(log->log_end_offset(), 100);
  }
  EXPECT_EQ(directory_->CheckpointedHighWatermark({"orders", 0}), std::nullopt);
}

// Goal: a truncation writes the directory's recovery points at once (Kafka's
// LogManager.truncateTo), so no checkpoint above the new LEO survives it; the other logs' entries
// are in the same file.
TEST_F(LogDirectoryTest, TruncationCheckpointsTheWholeDirectoryAtOnce) {
  OpenLogs(2);
  Append(*logs_[0], 20);
  Append(*logs_[1], 30);
  for (auto& log : logs_) ASSERT_TRUE(log->Flush().ok());
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  ASSERT_TRUE(logs_[0]->Truncate(0).ok());
  EXPECT_EQ(Entries("recovery-point-offset-checkpoint"),
            (std::map<TopicPartition, int64_t>{{{"orders", 0}, 0}, {{"orders", 1}, 30}}));
}

// Goal: the truncations of one request share one write (Kafka's LogManager.truncateTo with a map
// of partitions): inside a TruncationBatch nothing is written until it ends, then once.
TEST_F(LogDirectoryTest, TruncationsOfOneBatchShareOneWrite) {
  constexpr int kLogs = 20;
  OpenLogs(kLogs);
  for (auto& log : logs_) {
    for (int i = 0; i < 10; ++i) Append(*log, 1);
    ASSERT_TRUE(log->Flush().ok());
  }
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  int64_t fsyncs = 0;
  {
    LogDirectory::TruncationBatch batch(*directory_);
    for (auto& log : logs_) ASSERT_TRUE(log->Truncate(4).ok());
    EXPECT_EQ(Entries("recovery-point-offset-checkpoint").at({"orders", 0}), 10)
        << "nothing written before the batch ends";
    fsyncs = env_.disk().fsync_count();
  }
  EXPECT_EQ(env_.disk().fsync_count() - fsyncs, 1) << "one write for the whole batch";
  for (const auto& [tp, offset] : Entries("recovery-point-offset-checkpoint")) {
    EXPECT_EQ(offset, 4) << tp.Name();
  }
}

// Goal: a log removed from the directory (its partition deleted) has no entry in the next write.
TEST_F(LogDirectoryTest, ARemovedLogLeavesTheFiles) {
  OpenLogs(2);
  Append(*logs_[1], 3);
  ASSERT_TRUE(logs_[1]->Flush().ok());
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  ASSERT_EQ(Entries("recovery-point-offset-checkpoint").size(), 2u);
  directory_->RemoveLog({"orders", 1});
  logs_.pop_back();
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  EXPECT_EQ(Entries("recovery-point-offset-checkpoint"),
            (std::map<TopicPartition, int64_t>{{{"orders", 0}, 0}}));
}

// Goal: a clean shutdown closes every log and then writes both files with the LEOs.
TEST_F(LogDirectoryTest, CloseLogsWritesTheCheckpoints) {
  OpenLogs(2);
  Append(*logs_[0], 4);
  Append(*logs_[1], 6);
  directory_->CloseLogs();
  EXPECT_TRUE(logs_[0]->closed());
  EXPECT_EQ(Entries("recovery-point-offset-checkpoint"),
            (std::map<TopicPartition, int64_t>{{{"orders", 0}, 4}, {{"orders", 1}, 6}}));
  EXPECT_TRUE(env_.disk().Exists("log-start-offset-checkpoint"));
}

}  // namespace
}  // namespace ks
