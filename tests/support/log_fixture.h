// LogFixture: a GoogleTest fixture holding a FakeEnv, a LogConfig and the Log "orders-0" opened
// on it through a LogDirectory (the disk root, holding the offset checkpoint files), with helpers
// to append simple batches and read everything back. Open() again is a restart: a new directory
// reads the checkpoints and reopens the log.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "model/log/log.h"
#include "model/log/log_directory.h"
#include "tests/support/batch_util.h"
#include "tests/support/fake_env.h"

namespace ks::testing {

class LogFixture : public ::testing::Test {
 protected:
  void Open() {
    log_.reset();
    directory_ = std::make_unique<LogDirectory>(env_);
    directory_->LoadCheckpoints();
    KafkaError error = directory_->OpenLog(TopicPartition{"orders", 0}, config_, &log_);
    ASSERT_TRUE(error.ok()) << error.ToString();
  }

  // Appends `count` records as leader; returns the info (fails the test on error).
  LogAppendInfo Append(int count, int64_t timestamp_ms, int32_t epoch = 0, std::string prefix = "v",
                       int keys = 1000000) {
    std::string batch = MakeSimpleBatch(count, timestamp_ms, prefix, keys, appended_);
    appended_ += count;
    LogAppendInfo info;
    KafkaError error = log_->AppendAsLeader(&batch, epoch, &info);
    EXPECT_TRUE(error.ok()) << error.ToString();
    return info;
  }

  KafkaError AppendRecords(const std::vector<PlainRecord>& records, int32_t epoch = 0,
                           CompressionType compression = CompressionType::kNone) {
    std::string batch = MakeBatch(records, 0, compression);
    LogAppendInfo info;
    return log_->AppendAsLeader(&batch, epoch, &info);
  }

  // Every record from the log start to the LEO, fetching batch runs segment by segment.
  std::vector<PlainRecord> ReadAll() {
    std::vector<PlainRecord> out;
    int64_t offset = log_->log_start_offset();
    LogReadResult result;
    while (offset < log_->log_end_offset()) {
      KafkaError error = log_->Read(offset, 1 << 20, INT64_MAX, &result);
      EXPECT_TRUE(error.ok()) << error.ToString();
      if (!error.ok() || result.records.empty()) break;
      for (PlainRecord& r : DecodeAll(result.records)) {
        if (r.offset >= offset) out.push_back(r);
      }
      // The next fetch starts after the last batch returned.
      BatchScanner scanner(result.records);
      BatchHeader header;
      while (scanner.Next(&header)) offset = header.next_offset();
      EXPECT_TRUE(scanner.at_end()) << scanner.status().ToString();
    }
    return out;
  }

  int CountEvents(std::string_view kind) const {
    return static_cast<int>(env_.EventsOfKind(kind).size());
  }
  std::string LastEvent(std::string_view kind) const {
    auto events = env_.EventsOfKind(kind);
    return events.empty() ? std::string() : events.back()->Json();
  }
  std::string SegmentPath(int64_t base, std::string_view extension) const {
    return "orders-0/" + Segment::FileName(base, extension);
  }

  FakeEnv env_;
  LogConfig config_;
  std::unique_ptr<LogDirectory> directory_;  // before log_: it outlives the log
  std::unique_ptr<Log> log_;
  int appended_ = 0;
};

}  // namespace ks::testing
