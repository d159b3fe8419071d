// Log: one partition's log on a node's disk — the directory "<topic>-<partition>/" holding its
// segments, their indexes, its leader-epoch checkpoint and its clean-shutdown marker — as Kafka's
// UnifiedLog/LocalLog. The offset checkpoints are not the log's: its log directory
// (model/log/log_directory.h) keeps one file for all its partitions, as Kafka's LogManager does.
//
// Contract:
// - Offsets only grow. Appends go to the active (last) segment; AppendAsLeader assigns offsets
//   from the log end offset (LEO) and stamps the leader epoch, AppendAsFollower keeps the
//   leader's offsets and checks that they continue the log.
// - The log rolls to a new segment on segment.bytes, segment.ms, a full index or an offset that
//   does not fit the segment's 32-bit relative offsets; a roll fsyncs the old segment and moves
//   the recovery point (everything below it is durable). The recovery point and the log start
//   offset live in memory; the log directory writes them to its checkpoint files (its periodic
//   tasks, and its clean shutdown); a truncation asks its directory to write the recovery points
//   at once. A log opened without a directory (unit tests) has no checkpoints.
// - Reads return whole batches; an offset in the middle of a batch returns that whole batch; an
//   offset below the log start offset or above the LEO is OFFSET_OUT_OF_RANGE.
// - Retention deletes whole segments from the oldest end, never data at or above the high
//   watermark it is given; an expired active segment goes too, after a roll to an empty one.
//   Compaction (LogCleaner) rewrites inactive segments in place of the originals through
//   ReplaceSegments.
// - Open recovers after a crash: segments from the checkpointed recovery point (the directory's
//   entry for this log, handed to Open; 0 without one) on are scanned
//   (so a segment flushed after the last checkpoint is scanned too), each batch's
//   length, CRC and offsets validated, the log truncated at the first bad batch and the indexes
//   rebuilt; what was dropped is traced (log.recovery) and kept in last_recovery().
// - A disk error takes the log offline (as Kafka takes its log directory offline): that call and
//   every later one return KAFKA_STORAGE_ERROR, nothing crashes. Reopening recovers.
// - Producer state (model/log/producer_state.h) hears of every batch appended, recovered at Open
//   or truncated away; it may refuse an append. No log keeps any yet (NoProducerState).
// The Log belongs to one node's incarnation: it holds a reference to the Env that made it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/env.h"
#include "model/kafka/errors.h"
#include "model/kafka/topic_partition.h"
#include "model/log/leader_epoch_cache.h"
#include "model/log/log_config.h"
#include "model/log/log_events.h"
#include "model/log/producer_state.h"
#include "model/log/segment.h"

namespace ks {

// File names at the root of a log directory (one entry per partition; model/log/log_directory.h).
inline constexpr std::string_view kRecoveryPointCheckpointFile = "recovery-point-offset-checkpoint";
inline constexpr std::string_view kLogStartOffsetCheckpointFile = "log-start-offset-checkpoint";
inline constexpr std::string_view kHighWatermarkCheckpointFile = "replication-offset-checkpoint";
inline constexpr std::string_view kCleanerCheckpointFile = "cleaner-offset-checkpoint";
// File names inside a partition directory.
inline constexpr std::string_view kLeaderEpochCheckpointFile = "leader-epoch-checkpoint";
inline constexpr std::string_view kCleanShutdownFile = ".kafka_cleanshutdown";

class LogDirectory;

// A log's entries in its directory's checkpoint files, handed to Log::Open (Kafka's
// LogManager.loadLogs hands each log its recovery point and log start offset).
struct LogCheckpointedOffsets {
  std::optional<int64_t> recovery_point;    // none: 0, every segment is scanned after a crash
  std::optional<int64_t> log_start_offset;  // none: the first segment's base offset
};

struct LogAppendInfo {
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  int64_t max_timestamp_ms = kNoTimestamp;
  int64_t log_append_time_ms = kNoTimestamp;  // set when the topic uses LogAppendTime
  int32_t batch_count = 0;
  int64_t record_count = 0;
  int64_t bytes = 0;
};

struct LogReadResult {
  std::string records;  // whole batches, as stored (reused between reads: no allocation warm)
  int32_t batch_count = 0;
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
};

struct LogRecoveryReport {
  bool clean_shutdown = false;
  int64_t recovery_point = 0;
  int64_t segments_scanned = 0;
  int64_t batches_dropped = 0;
  int64_t bytes_dropped = 0;
  int64_t segments_deleted = 0;
  std::string reason;  // the first corruption found; empty if none
};

class Log {
 public:
  // Opens (or creates) the log of topic-partition on env's disk and recovers it from the
  // checkpointed offsets, telling `producer_state` (NoProducerState if null) of every batch kept.
  // LogDirectory::OpenLog is the way in for a log that has a directory.
  static KafkaError Open(Env& env, std::string topic, int32_t partition, const LogConfig& config,
                         std::unique_ptr<Log>* out,
                         std::unique_ptr<ProducerStateObserver> producer_state = nullptr,
                         const LogCheckpointedOffsets& checkpointed = {});
  ~Log();

  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Appends one or more batches (back to back in *records) as the leader: assigns offsets from
  // the LEO and sets partitionLeaderEpoch = leader_epoch (and LogAppendTime if configured),
  // rewriting those fields of *records in place. `origin`: a client's or a coordinator's append.
  KafkaError AppendAsLeader(std::string* records, int32_t leader_epoch, LogAppendInfo* info,
                            AppendOrigin origin = AppendOrigin::kClient);
  // Appends batches fetched from the leader, keeping their offsets; they must start at or above
  // the LEO and increase.
  KafkaError AppendAsFollower(std::string_view records, LogAppendInfo* info);

  // Whole batches from the one holding `fetch_offset`, within one segment, at most `max_bytes`
  // (but at least one batch) and only batches ending below `max_offset_exclusive`.
  KafkaError Read(int64_t fetch_offset, int64_t max_bytes, int64_t max_offset_exclusive,
                  LogReadResult* out) const;
  // Where the batch holding `offset` starts: (segment base offset, byte position). The index
  // lookup plus forward scan that Read does first.
  KafkaError Locate(int64_t offset, int64_t* segment_base_offset, int32_t* position) const;
  // ListOffsets by time: the first offset whose record timestamp is >= timestamp_ms; nullopt if
  // every record is older.
  KafkaError OffsetForTimestamp(int64_t timestamp_ms,
                                std::optional<Segment::TimestampAndOffset>* found) const;

  // Removes every offset >= to_offset (replication: a follower dropping a divergent tail).
  KafkaError Truncate(int64_t to_offset);
  // Deletes everything and restarts the log empty at `offset` (log start = LEO = offset).
  KafkaError TruncateFullyAndStartAt(int64_t offset);
  // Retention (Kafka's UnifiedLog.deleteOldSegments): deletes the oldest whole segments lying
  // wholly below `high_watermark` that lie below the log start offset, then (cleanup.policy
  // delete) those beyond retention.bytes, then those older than retention.ms. When the active
  // segment is to go too, a new empty one is rolled at the LEO first, so the log start offset
  // reaches the LEO. *deleted counts them.
  KafkaError DeleteOldSegments(int64_t high_watermark, int32_t* deleted);
  // Raises the log start offset (DeleteRecords); never above the high watermark.
  KafkaError IncrementLogStartOffset(int64_t offset, int64_t high_watermark);

  // fsyncs everything up to the LEO and moves the recovery point there (in memory; the
  // directory's periodic task checkpoints it, not every flush, roll or retention pass).
  KafkaError Flush();
  // Flushes if flush.ms has passed since the last flush (called by the periodic task).
  KafkaError MaybeFlushByTime();
  // Clean shutdown: flush, close the active segment's time index and leave the clean-shutdown
  // marker so the next Open skips recovery. The log refuses further calls. Its directory writes
  // the checkpoints (LogDirectory::CloseLogs).
  KafkaError Close();

  // For the cleaner: replaces the consecutive inactive segments starting at
  // `old_base_offsets` with `cleaned` (whose files carry the ".cleaned" suffix and are flushed),
  // through Kafka's rename protocol (".cleaned" -> ".swap", delete the old, ".swap" -> final).
  KafkaError ReplaceSegments(const std::vector<int64_t>& old_base_offsets,
                             std::unique_ptr<Segment> cleaned);

  int64_t log_start_offset() const { return log_start_offset_; }
  int64_t log_end_offset() const { return active().next_offset(); }
  int64_t recovery_point() const { return recovery_point_; }
  int64_t size_bytes() const;
  int32_t segment_count() const { return static_cast<int32_t>(segments_.size()); }
  int64_t first_segment_base_offset() const { return segments_.begin()->first; }
  std::vector<const Segment*> segments() const;
  const Segment& active() const { return *segments_.rbegin()->second; }
  const LogConfig& config() const { return config_; }
  void SetConfig(const LogConfig& config) { config_ = config; }
  const std::string& topic() const { return topic_; }
  int32_t partition() const { return partition_; }
  // "orders-0": the directory name.
  const std::string& name() const { return name_; }
  // The partition, as trace events name it.
  TpRef tp() const { return TpRef(topic_, partition_); }
  Env& env() const { return env_; }
  LeaderEpochCache& leader_epoch_cache() { return epoch_cache_; }
  const LogRecoveryReport& last_recovery() const { return last_recovery_; }
  ProducerStateObserver& producer_state() { return *producer_state_; }
  bool offline() const { return offline_; }
  bool closed() const { return closed_; }
  std::string PathOf(std::string_view file_name) const {
    return name_ + "/" + std::string(file_name);
  }

 private:
  friend class LogDirectory;  // registers itself, takes its logs offline on a disk error

  Log(Env& env, std::string topic, int32_t partition, const LogConfig& config);

  KafkaError Load(const LogCheckpointedOffsets& checkpointed);
  Status CompleteSwaps(const std::vector<std::string>& files);
  Status RecoverSegments(int64_t recovery_point, bool clean_shutdown);
  // log.open: the segments as loaded, the active one's indexes preallocated.
  void TraceOpen();

  // Checks batches for the append paths; fills per-append totals.
  KafkaError ValidateForAppend(std::string_view records, bool as_leader, LogAppendInfo* info) const;
  // Tells producer state of each batch of an append (offsets assigned); its refusal, if any.
  KafkaError ObserveAppend(std::string_view records, AppendOrigin origin);
  KafkaError AppendValidated(std::string_view records, const LogAppendInfo& info);
  KafkaError MaybeRoll(int64_t bytes, int64_t first_offset, int64_t last_offset,
                       int64_t max_timestamp_ms);
  Status Roll(int64_t new_base_offset, SegmentRollReason reason);
  // One retention pass: deletes the oldest segments while `deletable(segment, next or null)`
  // holds and their data lies below high_watermark; the active one only if not empty.
  using DeletePredicate = std::function<bool(const Segment&, const Segment*)>;
  KafkaError DeleteSegmentsWhile(int64_t high_watermark, RetentionDeleteReason reason,
                                 const DeletePredicate& deletable, int32_t* deleted);
  // Truncation: the directory writes every log's recovery point at once, or at the end of the
  // request that truncates (Kafka's LogManager.truncateTo), so no checkpoint above the new LEO
  // outlives it.
  KafkaError CheckpointDirectoryAfterTruncation(bool with_log_start_offsets);
  Status SetLogStartOffset(int64_t offset, LogStartOffsetReason reason);
  Status FlushStatus();
  KafkaError StorageError(const Status& status);
  KafkaError CheckOnline() const;
  Segment& mutable_active() { return *segments_.rbegin()->second; }

  Env& env_;
  Disk& disk_;
  std::string topic_;
  int32_t partition_;
  std::string name_;
  LogConfig config_;
  // Segments by base offset; never empty once opened. The last one is active.
  std::map<int64_t, std::unique_ptr<Segment>> segments_;
  LeaderEpochCache epoch_cache_;
  std::unique_ptr<ProducerStateObserver> producer_state_;
  int64_t log_start_offset_ = 0;
  int64_t recovery_point_ = 0;
  // The checkpointed start the log opened with (nullopt: none), for a log every segment of which
  // was lost.
  std::optional<int64_t> checkpointed_log_start_offset_;
  LogDirectory* directory_ = nullptr;  // null: a log without checkpoints
  int64_t unflushed_records_ = 0;
  TimeUs last_flush_us_ = 0;
  bool offline_ = false;
  bool closed_ = false;
  LogRecoveryReport last_recovery_;
};

}  // namespace ks
