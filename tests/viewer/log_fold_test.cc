// The fold of storage and consumer events (viewer/log_view.h, ClusterModel): a log's segments,
// index entries, flushes, truncations and deletions, and a consumer's position and lag, are what
// the events say. Method: hand-written event sequences in the schema of docs/trace-schema.md,
// then real runs of the log curriculum (and of tests/viewer/log-clean-stop.yaml, whose log ends
// closed) whose folded segment files — each .log, .index and .timeindex with its size — must be
// exactly the files that `kafkasim dump-log --list` finds on the simulated disk at the end of the
// same run.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "model/broker/broker_events.h"
#include "model/client/client_events.h"
#include "model/log/log_events.h"
#include "sim/world_events.h"
#include "tests/viewer/model_picture.h"
#include "viewer/cluster_model.h"
#include "viewer/trace_store.h"

namespace ks {
namespace {

class Story {
 public:
  template <typename E>
  Story& Add(TimeUs time_us, NodeId node, const E& event) {
    TraceEvent stored{seq_++, time_us, node, std::string(E::kName), &EventKindOf<E>(), ""};
    EncodeEvent(event, &stored.data);
    model_.Apply(stored);
    return *this;
  }
  const ClusterModel& model() const { return model_; }

 private:
  ClusterModel model_;
  int64_t seq_ = 0;
};

const TopicPartition kOrders0{"orders", 0};
const TopicPartition kOrders1{"orders", 1};

ev::LogAppend Append(int64_t base, int64_t last, int64_t bytes, int64_t segment) {
  return ev::LogAppend{.tp = kOrders0,
                       .base_offset = base,
                       .last_offset = last,
                       .records = last - base + 1,
                       .bytes = bytes,
                       .segment = segment};
}

ev::LogIndexEntry IndexEntry(int64_t segment, int64_t relative, int64_t position,
                             int64_t timestamp) {
  return ev::LogIndexEntry{.segment = segment,
                           .relative_offset = relative,
                           .position = position,
                           .timestamp_ms = timestamp};
}

// A log on node 1: three appends, a roll at 10, an index entry in each segment, a flush.
Story SegmentsStory() {
  Story story;
  story.Add(0, 1, ev::NodeAdd{.name = "storage", .role = "log_host"})
      .Add(10, 1, Append(0, 4, 100, 0))
      .Add(11, 1, IndexEntry(0, 9, 100, 5000))
      .Add(11, 1, Append(5, 9, 100, 0))
      .Add(12, 1,
           ev::LogRoll{.tp = kOrders0,
                       .segment = 10,
                       .reason = SegmentRollReason::kSize,
                       .previous_segment = 0,
                       .previous_bytes = 200,
                       .previous_index_entries = 1,
                       .previous_time_index_entries = 2,
                       .index_bytes = 10485760,
                       .time_index_bytes = 10485756})
      .Add(12, 1, IndexEntry(10, 4, 0, 6000))
      .Add(12, 1, Append(10, 14, 120, 10))
      .Add(13, 1, ev::LogFlush{.tp = kOrders0, .offset = 15})
      .Add(14, 1, Append(15, 19, 120, 10));
  return story;
}

TEST(LogFoldTest, SegmentsIndexEntriesAndFlushes) {
  const Story story = SegmentsStory();
  const LogView* log = story.model().Log("orders-0", 1);
  ASSERT_NE(log, nullptr);
  ASSERT_EQ(log->segments.size(), 2u);
  EXPECT_EQ(log->segments[0].base_offset, 0);
  EXPECT_EQ(log->segments[0].end_offset, 10);
  EXPECT_EQ(log->segments[0].size_bytes, 200);
  EXPECT_EQ(log->segments[0].roll_reason, "size");
  EXPECT_EQ(log->segments[0].index_entries, 1);
  EXPECT_EQ(log->segments[1].base_offset, 10);
  EXPECT_EQ(log->segments[1].end_offset, 20);
  EXPECT_EQ(log->segments[1].size_bytes, 240);
  EXPECT_EQ(log->Active(), &log->segments[1]);
  EXPECT_EQ(log->SizeBytes(), 440);
  EXPECT_EQ(log->log_end, 20);
  EXPECT_EQ(log->recovery_point, 15);
  ASSERT_EQ(log->index_entries().size(), 2u);
  EXPECT_EQ(log->index_entries()[0].offset, 9);
  EXPECT_EQ(log->index_entries()[0].position, 100);
  EXPECT_TRUE(log->index_entries()[0].time_entry);
  EXPECT_EQ(log->index_entries()[1].segment, 10);
  EXPECT_EQ(log->index_entries()[1].offset, 14);
  // A log_host's log is not a broker's replica.
  EXPECT_TRUE(story.model().partitions().empty());
}

// Goal: the fold says what `ls -l` shows of the index files: the active segment's preallocated
// to segment.index.bytes (as log.open and log.roll say), a sealed one's trimmed to its entries
// (8 bytes an offset-index entry, 12 a time-index entry, the closing time entry the roll added
// included), the active one's trimmed once the log closes and preallocated again when it
// reopens.
TEST(LogFoldTest, IndexFilesArePreallocatedWhileActiveAndTrimmedToTheirEntries) {
  Story story;
  const std::vector<ev::SegmentSummary> empty = {{.base_offset = 0}};
  story.Add(0, 1, ev::NodeAdd{.name = "storage", .role = "log_host"})
      .Add(1, 1,
           ev::LogOpen{.tp = kOrders0,
                       .index_bytes = 4096,
                       .time_index_bytes = 4092,
                       .segments = empty});
  const LogView* opened = story.model().Log("orders-0", 1);
  ASSERT_NE(opened, nullptr) << "an opened log is known before its first append";
  ASSERT_EQ(opened->segments.size(), 1u);
  EXPECT_EQ(opened->IndexBytes(opened->segments[0]), 4096);
  EXPECT_EQ(opened->TimeIndexBytes(opened->segments[0]), 4092);

  story.Add(10, 1, IndexEntry(0, 4, 0, 5000))
      .Add(10, 1, Append(0, 4, 100, 0))
      .Add(11, 1, IndexEntry(0, 9, 100, 6000))
      .Add(11, 1, Append(5, 9, 100, 0));
  const LogView& active = *story.model().Log("orders-0", 1);
  EXPECT_EQ(active.segments[0].index_entries, 2);
  EXPECT_EQ(active.segments[0].time_index_entries, 2);
  EXPECT_EQ(active.IndexBytes(active.segments[0]), 4096) << "preallocated while active";

  story
      .Add(12, 1,
           ev::LogRoll{.tp = kOrders0,
                       .segment = 10,
                       .reason = SegmentRollReason::kSize,
                       .previous_segment = 0,
                       .previous_bytes = 200,
                       .previous_index_entries = 2,
                       .previous_time_index_entries = 3,
                       .index_bytes = 4096,
                       .time_index_bytes = 4092})
      .Add(13, 1, Append(10, 14, 120, 10));
  const LogView& rolled = *story.model().Log("orders-0", 1);
  ASSERT_EQ(rolled.segments.size(), 2u);
  EXPECT_EQ(rolled.IndexBytes(rolled.segments[0]), 16) << "trimmed at the roll";
  EXPECT_EQ(rolled.TimeIndexBytes(rolled.segments[0]), 36) << "with the closing time entry";
  EXPECT_EQ(rolled.IndexBytes(rolled.segments[1]), 4096);
  EXPECT_EQ(rolled.TimeIndexBytes(rolled.segments[1]), 4092);

  story.Add(20, 1,
            ev::LogClose{.tp = kOrders0,
                         .segment = 10,
                         .index_entries = 0,
                         .time_index_entries = 1,
                         .log_end_offset = 15});
  const LogView& closed = *story.model().Log("orders-0", 1);
  EXPECT_TRUE(closed.closed);
  EXPECT_EQ(closed.IndexBytes(closed.segments[1]), 0) << "trimmed on a clean close";
  EXPECT_EQ(closed.TimeIndexBytes(closed.segments[1]), 12);
  EXPECT_EQ(closed.recovery_point, 15);

  const std::vector<ev::SegmentSummary> loaded = {
      {.base_offset = 0, .next_offset = 10, .bytes = 200, .index_entries = 2,
       .time_index_entries = 3},
      {.base_offset = 10, .next_offset = 15, .bytes = 120, .index_entries = 0,
       .time_index_entries = 1}};
  story.Add(30, 1,
            ev::LogOpen{.tp = kOrders0,
                        .log_start_offset = 0,
                        .log_end_offset = 15,
                        .recovery_point = 15,
                        .index_bytes = 4096,
                        .time_index_bytes = 4092,
                        .segments = loaded});
  const LogView& reopened = *story.model().Log("orders-0", 1);
  EXPECT_FALSE(reopened.closed);
  ASSERT_EQ(reopened.segments.size(), 2u);
  EXPECT_EQ(reopened.segments[0].roll_reason, "size") << "what the fold knew is kept";
  EXPECT_EQ(reopened.IndexBytes(reopened.segments[0]), 16);
  EXPECT_EQ(reopened.IndexBytes(reopened.segments[1]), 4096) << "preallocated again";
  EXPECT_EQ(reopened.TimeIndexBytes(reopened.segments[1]), 4092);
}

// Goal: log.open replaces the fold's picture with the segments as loaded: after a crash, what
// recovery kept (sizes and rebuilt index entries), not what the appends said.
TEST(LogFoldTest, OpenAfterACrashShowsTheSegmentsAsLoaded) {
  Story story = SegmentsStory();
  const std::vector<ev::SegmentSummary> loaded = {
      {.base_offset = 0, .next_offset = 10, .bytes = 200, .index_entries = 0,
       .time_index_entries = 0}};
  story.Add(20, 1, ev::NodeCrash{.power_loss = true})
      .Add(30, 1,
           ev::LogOpen{.tp = kOrders0,
                       .log_start_offset = 0,
                       .log_end_offset = 10,
                       .recovery_point = 10,
                       .index_bytes = 10485760,
                       .time_index_bytes = 10485756,
                       .segments = loaded});
  const LogView& log = *story.model().Log("orders-0", 1);
  ASSERT_EQ(log.segments.size(), 1u);
  EXPECT_EQ(log.segments[0].index_entries, 0) << "the rebuilt index, not the traced entries";
  EXPECT_EQ(log.IndexBytes(log.segments[0]), 10485760) << "the active one now";
  EXPECT_EQ(log.log_end, 10);
  ASSERT_EQ(log.index_entries().size(), 1u) << "segment 10's entry went with its file";
  EXPECT_EQ(log.index_entries()[0].offset, 9);
}

TEST(LogFoldTest, TruncationCutsSegmentsAndIndexEntries) {
  Story story = SegmentsStory();
  story.Add(20, 1,
            ev::LogTruncate{.tp = kOrders0,
                            .to_offset = 8,
                            .bytes_removed = 300,
                            .log_end_offset = 5,
                            .full = false});
  const LogView& log = *story.model().Log("orders-0", 1);
  ASSERT_EQ(log.segments.size(), 1u);  // segment 10 went whole (240 bytes), 60 more from 0
  EXPECT_EQ(log.segments[0].size_bytes, 140);
  EXPECT_EQ(log.segments[0].end_offset, 5);
  EXPECT_EQ(log.log_end, 5);
  EXPECT_EQ(log.recovery_point, 5);
  EXPECT_TRUE(log.index_entries().empty());  // the entry at 9 named the batch cut away
  EXPECT_EQ(log.segments[0].index_entries, 0);
  ASSERT_EQ(log.truncations.size(), 1u);
  EXPECT_EQ(log.truncations[0].from_offset, 20);
  EXPECT_EQ(log.truncations[0].to_offset, 8);
  EXPECT_EQ(log.truncations[0].bytes_removed, 300);

  story.Add(30, 1,
            ev::LogTruncate{.tp = kOrders0,
                            .to_offset = 50,
                            .bytes_removed = 140,
                            .log_end_offset = 50,
                            .full = true});
  const LogView& reset = *story.model().Log("orders-0", 1);
  ASSERT_EQ(reset.segments.size(), 1u);
  EXPECT_EQ(reset.segments[0].base_offset, 50);
  EXPECT_EQ(reset.log_start, 50);
  EXPECT_EQ(reset.log_end, 50);
  EXPECT_EQ(reset.truncations_total, 2);
}

TEST(LogFoldTest, RetentionDeletesAndStartOffset) {
  Story story = SegmentsStory();
  story
      .Add(20, 1,
           ev::LogStartOffset{
               .tp = kOrders0, .log_start_offset = 10, .reason = LogStartOffsetReason::kRetention})
      .Add(20, 1,
           ev::LogRetentionDelete{.tp = kOrders0,
                                  .segment = 0,
                                  .reason = RetentionDeleteReason::kTime,
                                  .bytes = 200,
                                  .max_timestamp_ms = 5000});
  const LogView& log = *story.model().Log("orders-0", 1);
  EXPECT_EQ(log.log_start, 10);
  ASSERT_EQ(log.segments.size(), 1u);
  EXPECT_EQ(log.segments[0].base_offset, 10);
  ASSERT_EQ(log.deleted.size(), 1u);
  EXPECT_EQ(log.deleted[0].base_offset, 0);
  EXPECT_EQ(log.deleted[0].end_offset, 10);
  EXPECT_EQ(log.deleted[0].reason, "time");
  ASSERT_EQ(log.index_entries().size(), 1u);  // segment 0's entry went with its file
  EXPECT_EQ(log.index_entries()[0].segment, 10);
}

TEST(LogFoldTest, CompactionReplacesSegmentsWithTheTracedOnes) {
  Story story = SegmentsStory();
  const std::vector<ev::SegmentSummary> cleaned = {{.base_offset = 0,
                                                     .next_offset = 8,
                                                     .bytes = 80,
                                                     .index_entries = 1,
                                                     .time_index_entries = 1}};
  story.Add(20, 1, IndexEntry(0, 7, 40, 5000))
      .Add(20, 1,
           ev::LogClean{.tp = kOrders0,
                        .first_dirty_offset = 0,
                        .end_offset = 10,
                        .segments_before = 1,
                        .segments_after = 1,
                        .bytes_before = 200,
                        .bytes_after = 80,
                        .records_removed = 6,
                        .tombstones_removed = 0,
                        .segments = cleaned});
  const LogView& log = *story.model().Log("orders-0", 1);
  ASSERT_EQ(log.segments.size(), 2u);
  EXPECT_EQ(log.segments[0].size_bytes, 80);
  EXPECT_EQ(log.segments[0].end_offset, 8);
  EXPECT_EQ(log.segments[0].times_cleaned, 1);
  EXPECT_EQ(log.segments[0].cleaned_at_us, 20);
  EXPECT_EQ(log.segments[0].index_entries, 1);  // the cleaner's entry, not the old one
  EXPECT_EQ(log.IndexBytes(log.segments[0]), 8) << "a cleaned segment's index is trimmed";
  EXPECT_EQ(log.TimeIndexBytes(log.segments[0]), 12);
  EXPECT_EQ(log.records_cleaned_away, 6);
  ASSERT_EQ(log.index_entries().size(), 2u);
  EXPECT_EQ(log.index_entries()[1].offset, 7);
}

TEST(LogFoldTest, IndexEntriesWaitForTheirAppendAndAreCapped) {
  Story story;
  story.Add(0, 1, ev::NodeAdd{.name = "b1", .role = "broker"})
      .Add(0, 2, ev::NodeAdd{.name = "b2", .role = "broker"});
  int64_t offset = 0;
  for (int i = 0; i < 100; ++i, offset += 10) {
    story.Add(i, 1, IndexEntry(0, offset + 9, offset * 10, 1000 + i))
        .Add(i, 1, Append(offset, offset + 9, 100, 0));
  }
  // An entry whose append never came (a failed write) does not stick to another log.
  story.Add(200, 2, IndexEntry(0, 3, 0, 9))
      .Add(201, 1, ev::ReplicaLeo{.tp = kOrders0, .leo = 1000})
      .Add(202, 2, Append(0, 4, 100, 0));
  const LogView& log = *story.model().Log("orders-0", 1);
  EXPECT_EQ(log.index_entries().size(), LogView::kMaxIndexEntries);
  EXPECT_EQ(log.index_entries_total, 100);
  EXPECT_EQ(log.segments[0].index_entries, 100);
  EXPECT_EQ(log.index_entries().back().offset, 999);
  EXPECT_TRUE(story.model().Log("orders-0", 2)->index_entries().empty());

  // A snapshot shares the entries until the model moves on; then each keeps its own.
  const ClusterModel snapshot = story.model();
  story.Add(300, 1, IndexEntry(0, 1009, 10000, 2000)).Add(300, 1, Append(1000, 1009, 100, 0));
  EXPECT_EQ(snapshot.Log("orders-0", 1)->index_entries().back().offset, 999);
  EXPECT_EQ(story.model().Log("orders-0", 1)->index_entries().back().offset, 1009);
  EXPECT_EQ(story.model().Log("orders-0", 1)->index_entries().size(), LogView::kMaxIndexEntries);
}

TEST(LogFoldTest, CrashLossAndRecoveryCutTheTail) {
  Story story = SegmentsStory();
  story.Add(20, 1, ev::NodeCrash{.power_loss = true})
      .Add(20, 1,
           ev::DiskCrashLoss{.file = "orders-0/00000000000000000010.log",
                             .size_before = 240,
                             .size_after = 150,
                             .torn_bytes = 30})
      .Add(30, 1,
           ev::LogRecovery{.tp = kOrders0,
                           .recovery_point = 15,
                           .segments_scanned = 1,
                           .batches_dropped = 1,
                           .bytes_dropped = 30,
                           .segments_deleted = 0,
                           .log_end_offset = 15,
                           .reason = "00000000000000000010.log at position 120: a torn batch"});
  const LogView& log = *story.model().Log("orders-0", 1);
  ASSERT_EQ(log.segments.size(), 2u);
  EXPECT_EQ(log.segments[1].size_bytes, 120);
  EXPECT_EQ(log.segments[1].end_offset, 15);
  EXPECT_EQ(log.log_end, 15);
  EXPECT_EQ(log.recovery.bytes_dropped, 30);
  EXPECT_EQ(log.recovery.time_us, 30);
}

TEST(ConsumerFoldTest, PositionHwAndLag) {
  Story story;
  const std::vector<int32_t> one = {1};
  const std::vector<ev::FetchedPartition> fetched = {{.tp = kOrders0,
                                                      .error = ErrorCode::kNone,
                                                      .fetch_offset = 0,
                                                      .records = 3,
                                                      .high_watermark = 10},
                                                     {.tp = kOrders1,
                                                      .error = ErrorCode::kNotLeaderOrFollower,
                                                      .fetch_offset = 0,
                                                      .records = 0,
                                                      .high_watermark = -1}};
  const std::vector<ev::PolledRecord> polled = {
      {.tp = kOrders0, .offset = 0, .value = "p1-0...."},
      {.tp = kOrders0, .offset = 1, .value = "a,\"b]"},
      {.tp = kOrders0, .offset = 2, .value = std::nullopt}};
  story.Add(0, 1, ev::NodeAdd{.name = "b1", .role = "broker"})
      .Add(0, 7, ev::NodeAdd{.name = "c1", .role = "consumer"})
      .Add(1, 1,
           ev::ReplicaRoleChange{.tp = kOrders0,
                                 .role = ReplicaRole::kLeader,
                                 .leader = 1,
                                 .leader_epoch = 0,
                                 .isr = one,
                                 .replicas = one})
      .Add(2, 7,
           ev::ConsumerReset{.client = "c1",
                             .tp = kOrders0,
                             .strategy = OffsetResetPolicy::kEarliest,
                             .offset = 0})
      .Add(3, 1, ev::ReplicaHw{.tp = kOrders0, .hw = 10, .leo = 12, .by = HwSource::kLeader})
      .Add(4, 7,
           ev::ConsumerFetch{.client = "c1", .node = 1, .correlation_id = 3, .partitions = fetched})
      .Add(5, 7,
           ev::HistoryOp{.op = 0,
                         .process = "c1",
                         .type = HistoryType::kOk,
                         .f = HistoryFunction::kPoll,
                         .records = TraceList<ev::PolledRecord>(polled)});
  const ClientView& consumer = story.model().clients().at("c1");
  EXPECT_TRUE(consumer.consumer);
  EXPECT_EQ(consumer.topic, "orders");
  EXPECT_EQ(consumer.records_consumed, 3);
  const ConsumerPartitionView& p0 = consumer.partitions.at("orders-0");
  EXPECT_EQ(p0.position, 3);
  EXPECT_EQ(p0.records_consumed, 3);
  EXPECT_EQ(p0.fetched_hw, 10);
  const ConsumerLagView lag = story.model().ConsumerLag("orders-0", p0);
  EXPECT_EQ(lag.hw, 10);
  EXPECT_EQ(lag.leo, 12);
  EXPECT_EQ(lag.lag, 7);
  EXPECT_EQ(consumer.partitions.at("orders-1").last_error, "NOT_LEADER_OR_FOLLOWER");
  // No leader known for orders-1: no HW, no lag.
  EXPECT_EQ(story.model().ConsumerLag("orders-1", consumer.partitions.at("orders-1")).lag, -1);
}

// --- Real runs ---------------------------------------------------------------------------------

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// "  orders-0/00000000000000000030.log   3696 bytes  durable ..." -> {path: size}
std::map<std::string, int64_t> ListedFiles(const std::string& listing) {
  std::map<std::string, int64_t> files;
  std::istringstream lines(listing);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string path, bytes_word;
    int64_t size = 0;
    if (words >> path >> size >> bytes_word && bytes_word == "bytes") files[path] = size;
  }
  return files;
}

class LogCurriculumTest : public ::testing::TestWithParam<const char*> {};

TEST_P(LogCurriculumTest, FoldedSegmentsMatchTheFilesOnDisk) {
  const std::string path = GetParam();  // relative to the source tree
  const std::string name = path.substr(path.rfind('/') + 1, path.size() - path.rfind('/') - 6);
  const std::string scenario = std::string(KAFKASIM_SOURCE_DIR) + "/" + path;
  // The one scenario that ends with its log closed cleanly (its active segment's indexes
  // trimmed); in the others the active segments are open (preallocated).
  const bool closes = name == "log-clean-stop";
  const std::string kafkasim = std::string(KAFKASIM_BINARY_DIR) + "/bin/kafkasim";
  const std::string trace = std::string(KAFKASIM_BINARY_DIR) + "/viewer_test_" + name + ".sqlite";
  const std::string run = kafkasim + " run " + scenario + " --trace " + trace + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(run.c_str()), 0) << run;
  const std::map<std::string, int64_t> files =
      ListedFiles(RunCommand(kafkasim + " dump-log " + scenario + " --node storage --list"));
  ASSERT_FALSE(files.empty());

  std::string error;
  std::unique_ptr<TraceStore> store = TraceStore::Open(trace, AllEventKinds(), &error);
  ASSERT_NE(store, nullptr) << error;
  const ClusterModel end = store->StateAfter(store->size());
  // Every segment's three files, as the fold sizes them: the .log's bytes, and the index files
  // as `ls -l` shows them (the active segment's preallocated to segment.index.bytes, the others
  // trimmed to their entries). They must be exactly the files on disk.
  std::map<std::string, int64_t> folded, listed;
  int64_t preallocated = 0, closed = 0;
  for (const auto& [key, log] : end.logs()) {
    if (log.closed) ++closed;
    for (const SegmentView& segment : log.segments) {
      char base[64];
      std::snprintf(base, sizeof(base), "%s/%020lld", log.topic_partition.c_str(),
                    static_cast<long long>(segment.base_offset));
      folded[std::string(base) + ".log"] = segment.size_bytes;
      folded[std::string(base) + ".index"] = log.IndexBytes(segment);
      folded[std::string(base) + ".timeindex"] = log.TimeIndexBytes(segment);
      if (log.Preallocated(segment)) ++preallocated;
    }
  }
  for (const auto& [path, size] : files) {
    if (path.ends_with(".log") || path.ends_with(".index") || path.ends_with(".timeindex")) {
      listed[path] = size;
    }
  }
  EXPECT_EQ(folded, listed) << name;
  if (closes) {
    EXPECT_GT(closed, 0) << name << ": no closed log's trimmed active segment was checked";
  } else {
    EXPECT_GT(preallocated, 0) << name << ": no open log's preallocated segment was checked";
  }
}

INSTANTIATE_TEST_SUITE_P(Curriculum, LogCurriculumTest,
                         ::testing::Values("scenarios/curriculum/log-segments-and-index.yaml",
                                           "scenarios/curriculum/log-retention.yaml",
                                           "scenarios/curriculum/log-compaction.yaml",
                                           "scenarios/curriculum/log-crash-recovery.yaml",
                                           "tests/viewer/log-clean-stop.yaml"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           name = name.substr(name.rfind('/') + 1);
                           name.resize(name.size() - 5);  // ".yaml"
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace ks
