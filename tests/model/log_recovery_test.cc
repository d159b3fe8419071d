// Goal: after a crash, Log::Open keeps every valid batch below the first torn or corrupt one,
// drops the rest, rebuilds the indexes and reports what it dropped — for every kind of damage
// (unsynced tail lost, torn prefix, garbage, flipped bits, offsets going backwards, impossible
// lengths) and never crashes. Method: write through the Log on a SimDisk, damage the disk with
// SimDisk::Crash / Corrupt / WriteAt, reopen, and compare with what was written.
#include <gtest/gtest.h>

#include "model/log/checkpoint_file.h"
#include "tests/support/log_fixture.h"

namespace ks {
namespace {

using testing::LogFixture;
using testing::PlainRecord;

class LogRecoveryTest : public LogFixture {
 protected:
  // Positions of the batches of the active segment, read through the index-free path.
  std::vector<int64_t> BatchPositions(const Segment& segment) {
    std::vector<int64_t> positions;
    std::string bytes;
    EXPECT_TRUE(env_.disk().Read(segment.log_path(), 0, segment.size_bytes(), &bytes).ok());
    BatchScanner scanner(bytes, BatchCheck::kFrame);
    BatchHeader header;
    while (scanner.Next(&header)) positions.push_back(scanner.position());
    EXPECT_TRUE(scanner.at_end());
    return positions;
  }
};

TEST_F(LogRecoveryTest, CleanShutdownSkipsRecovery) {
  Open();
  for (int i = 0; i < 5; ++i) Append(10, 1000);
  ASSERT_TRUE(log_->Close().ok());
  LogReadResult unused;
  EXPECT_EQ(log_->Read(0, 10, INT64_MAX, &unused).code(), ErrorCode::kKafkaStorageError)
      << "a closed log refuses calls";
  Open();
  EXPECT_TRUE(log_->last_recovery().clean_shutdown);
  EXPECT_EQ(log_->last_recovery().segments_scanned, 0);
  EXPECT_EQ(log_->log_end_offset(), 50);
  EXPECT_EQ(ReadAll().size(), 50u);
  EXPECT_FALSE(env_.disk().Exists("orders-0/.kafka_cleanshutdown"));
}

TEST_F(LogRecoveryTest, CrashLosesTheUnflushedTailOnly) {
  Open();
  for (int i = 0; i < 5; ++i) Append(10, 1000);
  ASSERT_TRUE(log_->Flush().ok());
  for (int i = 0; i < 5; ++i) Append(10, 1000);
  log_.reset();
  env_.Crash();
  Open();
  EXPECT_EQ(log_->log_end_offset(), 50);
  std::vector<PlainRecord> all = ReadAll();
  ASSERT_EQ(all.size(), 50u);
  EXPECT_EQ(all.back().value, "v49");
  EXPECT_EQ(Append(1, 1000).first_offset, 50) << "appends continue from the recovered end";
}

// Goal: a recovered segment's time index ends with the segment's largest timestamp, as a rolled
// one's does: Kafka's LogSegment.recover appends that closing entry (time retention and `ls -l`
// see the same .timeindex as before the crash). Method: segments with no index entry of their
// own (index.interval.bytes above a segment), so each rolled .timeindex holds only the closing
// entry; a crash before any recovery-point checkpoint makes Open recover every segment.
TEST_F(LogRecoveryTest, RecoveredTimeIndexKeepsTheClosingEntry) {
  config_.segment_bytes = 1000;
  config_.index_interval_bytes = 1 << 20;
  Open();
  for (int i = 0; i < 12; ++i) Append(10, 1000 + i);
  ASSERT_TRUE(log_->Flush().ok());
  std::vector<std::pair<int64_t, int64_t>> sealed;  // base offset, largest timestamp
  for (const Segment* segment : log_->segments()) {
    if (segment == &log_->active()) continue;
    ASSERT_EQ(env_.disk().Size(SegmentPath(segment->base_offset(), ".timeindex")), 12)
        << "the roll's closing entry";
    sealed.push_back({segment->base_offset(), segment->max_timestamp_ms()});
  }
  ASSERT_GE(sealed.size(), 2u);
  log_.reset();
  env_.Crash();
  Open();
  ASSERT_EQ(log_->last_recovery().segments_scanned, static_cast<int64_t>(sealed.size()) + 1);
  const std::vector<const Segment*> segments = log_->segments();
  for (size_t i = 0; i < sealed.size(); ++i) {
    EXPECT_EQ(env_.disk().Size(SegmentPath(sealed[i].first, ".timeindex")), 12)
        << "segment " << sealed[i].first;
    ASSERT_EQ(segments[i]->time_index().entries().size(), 1u);
    EXPECT_EQ(segments[i]->time_index().entries()[0].timestamp_ms, sealed[i].second);
  }
}

// The torn-tail modes leave part of the last unsynced write behind the durable bytes.
class TornTailTest : public LogRecoveryTest,
                     public ::testing::WithParamInterface<std::tuple<TornTail, int>> {};

TEST_P(TornTailTest, TornBatchIsTruncatedAndReported) {
  const auto [mode, seed] = GetParam();
  DiskOptions options;
  options.torn_tail = mode;
  env_.disk().SetOptions(options);
  // Vary the crash rng draws per parameter.
  for (int i = 0; i < seed; ++i) env_.Random("unused").Next();
  Open();
  for (int i = 0; i < 4; ++i) Append(20, 1000);
  ASSERT_TRUE(log_->Flush().ok());
  const int64_t durable = log_->active().size_bytes();
  Append(20, 1000);  // one unsynced write: the one that tears
  log_.reset();
  std::vector<CrashLoss> losses = env_.Crash();
  int64_t torn = 0;
  for (const CrashLoss& loss : losses) {
    if (loss.path == SegmentPath(0, ".log")) torn = loss.torn_bytes_kept;
  }
  Open();
  EXPECT_EQ(log_->log_end_offset(), 80);
  EXPECT_EQ(log_->active().size_bytes(), durable);
  EXPECT_EQ(env_.disk().Size(SegmentPath(0, ".log")), durable) << "the torn bytes are cut off";
  EXPECT_EQ(log_->last_recovery().bytes_dropped, torn);
  if (torn > 0) {
    EXPECT_FALSE(log_->last_recovery().reason.empty());
    EXPECT_EQ(CountEvents("log.recovery"), 1);
    EXPECT_NE(LastEvent("log.recovery").find(R"("bytes_dropped":)" + std::to_string(torn)),
              std::string::npos);
  }
  EXPECT_EQ(ReadAll().size(), 80u);
}

INSTANTIATE_TEST_SUITE_P(Modes, TornTailTest,
                         ::testing::Combine(::testing::Values(TornTail::kPrefix,
                                                              TornTail::kGarbage),
                                            ::testing::Range(0, 6)));

TEST_F(LogRecoveryTest, BadCrcTruncatesFromTheCorruptBatch) {
  config_.index_interval_bytes = 100;
  Open();
  for (int i = 0; i < 6; ++i) Append(10, 1000);
  ASSERT_TRUE(log_->Flush().ok());
  const std::vector<int64_t> positions = BatchPositions(log_->active());
  const int64_t size = log_->active().size_bytes();
  log_.reset();
  // A bad sector inside batch 3's records.
  ASSERT_TRUE(env_.disk().Corrupt(SegmentPath(0, ".log"), positions[3] + 70, 2).ok());
  Open();
  EXPECT_EQ(log_->log_end_offset(), 30);
  const LogRecoveryReport& report = log_->last_recovery();
  EXPECT_NE(report.reason.find("CRC mismatch"), std::string::npos) << report.reason;
  EXPECT_EQ(report.bytes_dropped, size - positions[3]);
  EXPECT_EQ(report.batches_dropped, 3);
  EXPECT_EQ(ReadAll().size(), 30u);
  // The rebuilt index only points at surviving batches.
  for (const OffsetIndex::Entry& entry : log_->active().offset_index().entries()) {
    EXPECT_LT(entry.position, positions[3]);
  }
}

TEST_F(LogRecoveryTest, OffsetsGoingBackwardsTruncate) {
  Open();
  for (int i = 0; i < 4; ++i) Append(10, 1000);
  ASSERT_TRUE(log_->Flush().ok());
  const std::vector<int64_t> positions = BatchPositions(log_->active());
  log_.reset();
  // baseOffset lies outside the CRC: rewrite batch 2's to 5, behind batch 1's end.
  char bytes[8];
  PutFixed64(bytes, 5);
  ASSERT_TRUE(
      env_.disk().WriteAt(SegmentPath(0, ".log"), positions[2], std::string_view(bytes, 8)).ok());
  Open();
  EXPECT_EQ(log_->log_end_offset(), 20);
  EXPECT_NE(log_->last_recovery().reason.find("offsets go backwards"), std::string::npos)
      << log_->last_recovery().reason;
}

TEST_F(LogRecoveryTest, ImpossibleLengthsTruncate) {
  for (uint32_t bad_length : {0u, 10u, 0x7fffffffu, 0xffffff00u}) {
    env_ = testing::FakeEnv();
    Open();
    for (int i = 0; i < 4; ++i) Append(10, 1000);
    ASSERT_TRUE(log_->Flush().ok());
    const std::vector<int64_t> positions = BatchPositions(log_->active());
    log_.reset();
    char bytes[4];
    PutFixed32(bytes, bad_length);
    ASSERT_TRUE(env_.disk()
                    .WriteAt(SegmentPath(0, ".log"), positions[1] + kBatchLengthOffset,
                             std::string_view(bytes, 4))
                    .ok());
    Open();
    EXPECT_EQ(log_->log_end_offset(), 10) << "length " << bad_length;
    EXPECT_FALSE(log_->last_recovery().reason.empty());
    EXPECT_EQ(ReadAll().size(), 10u);
  }
}

TEST_F(LogRecoveryTest, CorruptionInAnEarlierSegmentDropsTheLaterOnes) {
  config_.segment_bytes = 1000;
  Open();
  for (int i = 0; i < 20; ++i) Append(10, 1000);
  const int segments = log_->segment_count();
  ASSERT_GE(segments, 4);
  const int64_t second_base = log_->segments()[1]->base_offset();
  log_.reset();
  // An old recovery point makes every segment suspect (as after a crash before a checkpoint).
  ASSERT_TRUE(WriteOffsetCheckpoint(env_.disk(), "recovery-point-offset-checkpoint",
                                    {{"orders", 0, 0}})
                  .ok());
  ASSERT_TRUE(env_.disk().Corrupt(SegmentPath(second_base, ".log"), 100, 1).ok());
  Open();
  EXPECT_EQ(log_->segment_count(), 2);
  EXPECT_EQ(log_->last_recovery().segments_deleted, segments - 2);
  EXPECT_GT(log_->last_recovery().batches_dropped, 0);
  EXPECT_LT(log_->log_end_offset(), second_base + 10);
  EXPECT_EQ(static_cast<int64_t>(ReadAll().size()), log_->log_end_offset());
}

TEST_F(LogRecoveryTest, IndexFilesAreRebuiltWhenDamaged) {
  config_.index_interval_bytes = 100;
  Open();
  for (int i = 0; i < 10; ++i) Append(10, 1000 + i);
  ASSERT_TRUE(log_->Close().ok());
  const std::vector<OffsetIndex::Entry> entries = log_->active().offset_index().entries();
  ASSERT_GT(entries.size(), 2u);
  log_.reset();
  // Half an entry at the end: the sanity check fails and the index is rebuilt from the .log.
  ASSERT_TRUE(env_.disk().Append(SegmentPath(0, ".index"), "abcd").ok());
  Open();
  const auto& rebuilt = log_->active().offset_index().entries();
  ASSERT_EQ(rebuilt.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(rebuilt[i].offset, entries[i].offset);
    EXPECT_EQ(rebuilt[i].position, entries[i].position);
  }
}

TEST_F(LogRecoveryTest, LeftoversOfCleaningAreResolved) {
  Open();
  Append(10, 1000);
  ASSERT_TRUE(log_->Flush().ok());
  log_.reset();
  // A ".cleaned" that never reached ".swap" is dropped; the original stays.
  ASSERT_TRUE(env_.disk().Append(SegmentPath(0, ".log.cleaned"), "partial").ok());
  Open();
  EXPECT_FALSE(env_.disk().Exists(SegmentPath(0, ".log.cleaned")));
  EXPECT_EQ(log_->log_end_offset(), 10);
  log_.reset();
  // A ".swap" replaces the segments it covers: here a copy holding only the first 5 records.
  std::string swap = testing::MakeSimpleBatch(5, 1000);
  ASSERT_TRUE(env_.disk().Append(SegmentPath(0, ".log.swap"), swap).ok());
  Open();
  EXPECT_FALSE(env_.disk().Exists(SegmentPath(0, ".log.swap")));
  EXPECT_EQ(log_->log_end_offset(), 5);
}

TEST_F(LogRecoveryTest, StartOffsetAndEpochsSurviveARestart) {
  Open();
  Append(10, 1000, 2);
  Append(10, 1000, 4);
  ASSERT_TRUE(log_->IncrementLogStartOffset(12, 20).ok());
  ASSERT_TRUE(directory_->CheckpointLogStartOffsets().ok());  // the periodic task's work
  log_.reset();
  env_.Crash();
  Open();
  // Nothing was flushed: the data is gone, but the checkpoints (fsynced) survive.
  EXPECT_EQ(log_->log_end_offset(), 12) << "the log restarts at its checkpointed start";
  EXPECT_EQ(log_->log_start_offset(), 12);
  EXPECT_TRUE(log_->leader_epoch_cache().entries().empty() ||
              log_->leader_epoch_cache().entries().back().start_offset <= 12);
}

// Goal: the recovery point and the log start offset live in memory; their checkpoint files are
// written by the periodic tasks (and at truncation and clean shutdown), not at every flush, roll
// or retention pass — Kafka's LogManager. A crash before the task ran restarts from the older
// checkpoint (the log start offset too: Kafka's behaviour within the interval).
TEST_F(LogRecoveryTest, CheckpointFilesLagUntilTheTaskWritesThem) {
  config_.segment_bytes = 1000;
  Open();
  for (int i = 0; i < 20; ++i) Append(10, 1000);
  ASSERT_TRUE(log_->Flush().ok());
  ASSERT_GE(log_->segment_count(), 4);
  EXPECT_EQ(log_->recovery_point(), 200);
  EXPECT_FALSE(env_.disk().Exists("recovery-point-offset-checkpoint"))
      << "rolls and flushes move the recovery point in memory only";
  ASSERT_TRUE(log_->IncrementLogStartOffset(15, 200).ok());
  EXPECT_FALSE(env_.disk().Exists("log-start-offset-checkpoint"));
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  std::vector<OffsetCheckpointEntry> entries;
  ASSERT_TRUE(
      ReadOffsetCheckpoint(env_.disk(), "recovery-point-offset-checkpoint", &entries)
          .ok());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].offset, 200);
  log_.reset();
  env_.Crash();
  Open();
  EXPECT_EQ(log_->log_end_offset(), 200) << "everything was flushed";
  EXPECT_EQ(log_->log_start_offset(), 0) << "the start offset 15 was never checkpointed";
}

// Goal (regression, issue 10 item 4): after an unclean shutdown, every segment from the
// *checkpointed* recovery point on is scanned, so corruption in a segment that was flushed (at
// its roll) after the last checkpoint is found and the log truncated there; once the checkpoint
// covers that segment, recovery trusts it and does not scan it. Method: roll several segments,
// checkpoint after the first, corrupt a later (flushed) segment, crash, reopen; then again with
// the checkpoint written after the corruption.
TEST_F(LogRecoveryTest, CorruptionInAFlushedButNotCheckpointedSegmentIsFoundOnRestart) {
  config_.segment_bytes = 1000;
  Open();
  for (int i = 0; i < 5; ++i) Append(10, 1000);
  ASSERT_GE(log_->segment_count(), 2);
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());  // the task ran: the first roll's point
  const int64_t checkpointed = log_->recovery_point();
  for (int i = 0; i < 15; ++i) Append(10, 1000);
  const std::vector<const Segment*> segments = log_->segments();
  ASSERT_GE(segments.size(), 4u);
  const int64_t corrupt_base = segments[2]->base_offset();
  ASSERT_GT(corrupt_base, checkpointed);
  ASSERT_GE(log_->recovery_point(), segments[3]->base_offset()) << "flushed at its roll";
  log_.reset();
  env_.Crash();
  ASSERT_TRUE(env_.disk().Corrupt(SegmentPath(corrupt_base, ".log"), 100, 1).ok());
  Open();
  EXPECT_EQ(log_->last_recovery().recovery_point, checkpointed);
  EXPECT_NE(log_->last_recovery().reason, "") << "the corrupt batch was found";
  EXPECT_GT(log_->last_recovery().batches_dropped, 0);
  EXPECT_LT(log_->log_end_offset(), corrupt_base + 10) << "the log is truncated there";
  EXPECT_EQ(static_cast<int64_t>(ReadAll().size()), log_->log_end_offset());
}

// Goal: the other side of the same rule — a segment below the checkpointed recovery point is
// trusted and not scanned after a crash.
TEST_F(LogRecoveryTest, CorruptionBelowTheCheckpointedRecoveryPointIsNotScanned) {
  config_.segment_bytes = 1000;
  Open();
  for (int i = 0; i < 20; ++i) Append(10, 1000);
  const std::vector<const Segment*> segments = log_->segments();
  ASSERT_GE(segments.size(), 4u);
  const int64_t corrupt_base = segments[2]->base_offset();
  ASSERT_TRUE(directory_->CheckpointRecoveryPoints().ok());
  const int64_t recovery_point = log_->recovery_point();  // the active segment's base
  ASSERT_GE(recovery_point, segments[3]->base_offset());
  log_.reset();
  env_.Crash();
  ASSERT_TRUE(env_.disk().Corrupt(SegmentPath(corrupt_base, ".log"), 100, 1).ok());
  Open();
  EXPECT_EQ(log_->last_recovery().reason, "") << "below the recovery point: trusted, unscanned";
  EXPECT_EQ(log_->log_end_offset(), recovery_point)
      << "only the unflushed active segment is lost: the damage below goes unseen";
}

}  // namespace
}  // namespace ks
