// Goal: the log calls its producer-state seam (model/log/producer_state.h) at Kafka's points —
// each appended batch with its assigned offsets and its origin, before anything is written (and a
// refusal writes nothing), each batch kept by recovery in log order and none it drops, and each
// truncation with where the log now ends. Method: a recording observer handed to Log::Open; appends
// as leader (client and coordinator) and as follower, a refusal, a restart with a clean log, with
// a corrupt batch in the middle of a segment and in an old segment, and truncations.
#include "model/log/producer_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/log/checkpoint_file.h"
#include "tests/support/log_fixture.h"

namespace ks {
namespace {

using testing::LogFixture;
using testing::MakeSimpleBatch;

// What the log told the observer, as text: "append 0-9 client", "recovered 10-19", "truncate 30".
struct Calls {
  std::vector<std::string> lines;
  std::optional<ErrorCode> refuse;  // answer OnAppend with this error
};

class RecordingProducerState final : public ProducerStateObserver {
 public:
  explicit RecordingProducerState(Calls* calls) : calls_(calls) {}
  KafkaError OnAppend(const BatchHeader& batch, AppendOrigin origin) override {
    calls_->lines.push_back("append " + Range(batch) + " " + std::string(AppendOriginName(origin)));
    if (calls_->refuse) return KafkaError(*calls_->refuse, "refused by the test");
    return KafkaError::None();
  }
  void OnRecoveredBatch(const BatchHeader& batch) override {
    calls_->lines.push_back("recovered " + Range(batch));
  }
  void OnTruncate(int64_t from_offset) override {
    calls_->lines.push_back("truncate " + std::to_string(from_offset));
  }

 private:
  static std::string Range(const BatchHeader& batch) {
    return std::to_string(batch.base_offset()) + "-" + std::to_string(batch.last_offset());
  }
  Calls* calls_;
};

class ProducerStateTest : public LogFixture {
 protected:
  void OpenRecording() {
    log_.reset();
    calls_.lines.clear();
    directory_ = std::make_unique<LogDirectory>(env_);
    directory_->LoadCheckpoints();
    KafkaError error = directory_->OpenLog(TopicPartition{"orders", 0}, config_, &log_,
                                           std::make_unique<RecordingProducerState>(&calls_));
    ASSERT_TRUE(error.ok()) << error.ToString();
  }
  std::vector<std::string> Take() { return std::exchange(calls_.lines, {}); }

  Calls calls_;
};

TEST_F(ProducerStateTest, LeaderAppendsAreSeenWithTheirOffsetsAndOrigin) {
  OpenRecording();
  EXPECT_TRUE(Take().empty()) << "a new log recovers nothing";
  Append(10, 1000);
  std::string two = MakeSimpleBatch(3, 1000) + MakeSimpleBatch(2, 1000);
  LogAppendInfo info;
  ASSERT_TRUE(log_->AppendAsLeader(&two, 0, &info, AppendOrigin::kCoordinator).ok());
  EXPECT_EQ(Take(), (std::vector<std::string>{"append 0-9 client", "append 10-12 coordinator",
                                              "append 13-14 coordinator"}));
}

TEST_F(ProducerStateTest, FollowerAppendsAreReplication) {
  OpenRecording();
  std::string batch = MakeSimpleBatch(4, 1000);
  SetBaseOffset(batch.data(), 0);
  LogAppendInfo info;
  ASSERT_TRUE(log_->AppendAsFollower(batch, &info).ok());
  EXPECT_EQ(Take(), (std::vector<std::string>{"append 0-3 replication"}));
}

TEST_F(ProducerStateTest, ARefusalAppendsNothing) {
  OpenRecording();
  Append(5, 1000);
  calls_.refuse = ErrorCode::kOutOfOrderSequenceNumber;
  std::string batch = MakeSimpleBatch(3, 1000);
  LogAppendInfo info;
  const KafkaError error = log_->AppendAsLeader(&batch, 0, &info);
  EXPECT_EQ(error.code(), ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(log_->log_end_offset(), 5);
  EXPECT_EQ(ReadAll().size(), 5u);
}

TEST_F(ProducerStateTest, RecoveryReportsEveryKeptBatchInOrder) {
  config_.segment_bytes = 400;
  Open();
  for (int i = 0; i < 8; ++i) Append(5, 1000);
  ASSERT_GE(log_->segment_count(), 3);
  log_.reset();  // a crash: no clean-shutdown marker, so the tail is scanned, the rest loaded
  OpenRecording();
  std::vector<std::string> expected;
  for (int i = 0; i < 8; ++i) {
    expected.push_back("recovered " + std::to_string(5 * i) + "-" + std::to_string(5 * i + 4));
  }
  EXPECT_EQ(Take(), expected);
}

TEST_F(ProducerStateTest, RecoveryReportsNothingPastACorruptBatch) {
  Open();
  for (int i = 0; i < 4; ++i) Append(5, 1000);
  ASSERT_TRUE(log_->Flush().ok());
  std::optional<Segment::Location> third;
  ASSERT_TRUE(log_->active().Locate(10, &third).ok());
  ASSERT_TRUE(third.has_value());
  log_.reset();
  // Make the whole segment suspect, then damage the third batch's records.
  ASSERT_TRUE(WriteOffsetCheckpoint(env_.disk(), "recovery-point-offset-checkpoint",
                                    {{"orders", 0, 0}})
                  .ok());
  ASSERT_TRUE(env_.disk().Corrupt(SegmentPath(0, ".log"), third->position + 70, 2).ok());
  OpenRecording();
  EXPECT_EQ(log_->log_end_offset(), 10);
  EXPECT_EQ(Take(), (std::vector<std::string>{"recovered 0-4", "recovered 5-9"}));
}

TEST_F(ProducerStateTest, AnOldSegmentThatFailsToLoadStartsOverInRecovery) {
  config_.segment_bytes = 400;
  Open();
  for (int i = 0; i < 8; ++i) Append(5, 1000);
  ASSERT_GE(log_->segment_count(), 3);
  const int64_t second = log_->segments()[1]->base_offset();
  const int64_t third = log_->segments()[2]->base_offset();
  std::optional<Segment::Location> damaged;
  ASSERT_TRUE(log_->segments()[1]->Locate(second + 5, &damaged).ok());
  ASSERT_TRUE(damaged.has_value() && damaged->position > 0);
  ASSERT_TRUE(log_->Close().ok());  // a clean shutdown: every segment is only loaded
  log_.reset();
  // A wrong magic in the second batch of the second segment: its load reports the first batch,
  // fails, and the segment is recovered (truncated before the damaged batch).
  ASSERT_TRUE(env_.disk()
                  .WriteAt(SegmentPath(second, ".log"), damaged->position + kMagicOffset, "\x07")
                  .ok());
  OpenRecording();
  const std::vector<std::string> calls = Take();
  auto at = std::find(calls.begin(), calls.end(), "truncate " + std::to_string(second));
  ASSERT_NE(at, calls.end()) << "what the failed load reported starts over";
  const std::string first_batch =
      "recovered " + std::to_string(second) + "-" + std::to_string(second + 4);
  ASSERT_GE(at - calls.begin(), 1);
  EXPECT_EQ(*(at - 1), first_batch);
  ASSERT_GE(calls.end() - at, 3);
  EXPECT_EQ(*(at + 1), first_batch) << "recovery keeps the batch before the damage";
  EXPECT_EQ(*(at + 2), "recovered " + std::to_string(third) + "-" + std::to_string(third + 4));
}

TEST_F(ProducerStateTest, TruncationsSayWhereTheLogNowEnds) {
  OpenRecording();
  for (int i = 0; i < 4; ++i) Append(5, 1000);
  Take();
  ASSERT_TRUE(log_->Truncate(12).ok());  // the batch holding 12 goes whole
  ASSERT_TRUE(log_->TruncateFullyAndStartAt(100).ok());
  EXPECT_EQ(Take(), (std::vector<std::string>{"truncate 10", "truncate 0"}));
}

}  // namespace
}  // namespace ks
