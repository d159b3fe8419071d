// The log's trace events (docs/trace-schema.md, "The log"): log.open, log.append, log.index_entry,
// log.roll, log.flush, log.retention_delete, log.start_offset, log.truncate, log.recovery,
// log.clean, log.close and log.offline. Node: the node holding the log (a broker, or a log_host).
// Offsets are absolute; `segment` is a segment's base offset; sizes are bytes on disk.
//
// Index files, as `ls -l` shows them: the active segment's .index and .timeindex are preallocated
// to segment.index.bytes rounded down to whole entries (`index_bytes`, `time_index_bytes` on
// log.open and log.roll); every other segment's are trimmed to their entries (8 bytes an
// offset-index entry, 12 a time-index entry), and so is the active one's when the log closes.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/env/trace_event.h"
#include "model/kafka/topic_partition.h"
#include "model/log/segment.h"

namespace ks {

inline std::string_view TraceName(SegmentRollReason reason) {
  return SegmentRollReasonName(reason);
}

// Why retention deleted a segment: older than retention.ms, beyond retention.bytes, or wholly
// below the log start offset.
enum class RetentionDeleteReason { kTime, kSize, kLogStartOffset };
std::string_view TraceName(RetentionDeleteReason reason);  // "time", "size", "log_start_offset"

// Why the log start offset moved.
enum class LogStartOffsetReason { kRetention, kDeleteRecords, kTruncateFully };
// "retention", "delete_records", "truncate_fully"
std::string_view TraceName(LogStartOffsetReason reason);

namespace ev {

// One segment's files: the .log's offsets and size, and its index entries.
struct SegmentSummary {
  int64_t base_offset = 0;
  int64_t next_offset = 0;
  int64_t bytes = 0;
  int64_t index_entries = 0;
  int64_t time_index_entries = 0;
  static void Fields(auto& e, auto& v) {
    v("base_offset", e.base_offset);
    v("next_offset", e.next_offset);
    v("bytes", e.bytes);
    v("index_entries", e.index_entries);
    v("time_index_entries", e.time_index_entries);
  }
};

// The log was opened (a new log, or one loaded and recovered from disk): its segments as they
// are now, the last one active with its index files preallocated.
struct LogOpen {
  static constexpr std::string_view kName = "log.open";
  TpRef tp;
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
  int64_t recovery_point = 0;
  int64_t index_bytes = 0;       // the active segment's .index, preallocated
  int64_t time_index_bytes = 0;  // the active segment's .timeindex, preallocated
  TraceList<SegmentSummary> segments;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("log_start_offset", e.log_start_offset);
    v("log_end_offset", e.log_end_offset);
    v("recovery_point", e.recovery_point);
    v("index_bytes", e.index_bytes);
    v("time_index_bytes", e.time_index_bytes);
    v("segments", e.segments);
  }
};

// Batches appended (leader or follower).
struct LogAppend {
  static constexpr std::string_view kName = "log.append";
  TpRef tp;
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int64_t records = 0;
  int64_t bytes = 0;
  int64_t segment = 0;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("base_offset", e.base_offset);
    v("last_offset", e.last_offset);
    v("records", e.records);
    v("bytes", e.bytes);
    v("segment", e.segment);
  }
};

// An offset-index entry (and maybe a time-index entry) was added. No topic_partition: it is on
// the hot path.
struct LogIndexEntry {
  static constexpr std::string_view kName = "log.index_entry";
  int64_t segment = 0;
  int64_t relative_offset = 0;
  int64_t position = 0;
  int64_t timestamp_ms = 0;
  static void Fields(auto& e, auto& v) {
    v("segment", e.segment);
    v("relative_offset", e.relative_offset);
    v("position", e.position);
    v("timestamp_ms", e.timestamp_ms);
  }
};

// A new active segment. The previous one's index files were trimmed to its entries (the time
// index took its closing entry first); the new one's are preallocated.
struct LogRoll {
  static constexpr std::string_view kName = "log.roll";
  TpRef tp;
  int64_t segment = 0;  // the new base
  SegmentRollReason reason = SegmentRollReason::kSize;
  int64_t previous_segment = 0;
  int64_t previous_bytes = 0;
  int64_t previous_index_entries = 0;
  int64_t previous_time_index_entries = 0;
  int64_t index_bytes = 0;       // the new segment's .index, preallocated
  int64_t time_index_bytes = 0;  // the new segment's .timeindex, preallocated
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("segment", e.segment);
    v("reason", e.reason);
    v("previous_segment", e.previous_segment);
    v("previous_bytes", e.previous_bytes);
    v("previous_index_entries", e.previous_index_entries);
    v("previous_time_index_entries", e.previous_time_index_entries);
    v("index_bytes", e.index_bytes);
    v("time_index_bytes", e.time_index_bytes);
  }
};

// An fsync of the log (flush policy, roll excluded, Close, after Open).
struct LogFlush {
  static constexpr std::string_view kName = "log.flush";
  TpRef tp;
  int64_t offset = 0;  // the recovery point: the LEO flushed up to, exclusive
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("offset", e.offset);
  }
};

struct LogRetentionDelete {
  static constexpr std::string_view kName = "log.retention_delete";
  TpRef tp;
  int64_t segment = 0;
  RetentionDeleteReason reason = RetentionDeleteReason::kTime;
  int64_t bytes = 0;
  int64_t max_timestamp_ms = 0;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("segment", e.segment);
    v("reason", e.reason);
    v("bytes", e.bytes);
    v("max_timestamp_ms", e.max_timestamp_ms);
  }
};

struct LogStartOffset {
  static constexpr std::string_view kName = "log.start_offset";
  TpRef tp;
  int64_t log_start_offset = 0;
  LogStartOffsetReason reason = LogStartOffsetReason::kRetention;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("log_start_offset", e.log_start_offset);
    v("reason", e.reason);
  }
};

// Tail truncation (replication), or a full reset (TruncateFullyAndStartAt: `full`).
struct LogTruncate {
  static constexpr std::string_view kName = "log.truncate";
  TpRef tp;
  int64_t to_offset = 0;
  int64_t bytes_removed = 0;
  int64_t log_end_offset = 0;
  bool full = false;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("to_offset", e.to_offset);
    v("bytes_removed", e.bytes_removed);
    v("log_end_offset", e.log_end_offset);
    v("full", e.full);
  }
};

// Open scanned segments after an unclean shutdown, or found corruption.
struct LogRecovery {
  static constexpr std::string_view kName = "log.recovery";
  TpRef tp;
  int64_t recovery_point = 0;
  int64_t segments_scanned = 0;
  int64_t batches_dropped = 0;
  int64_t bytes_dropped = 0;
  int64_t segments_deleted = 0;
  int64_t log_end_offset = 0;
  std::string_view reason;  // the first corruption: file, position and cause; empty if none
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("recovery_point", e.recovery_point);
    v("segments_scanned", e.segments_scanned);
    v("batches_dropped", e.batches_dropped);
    v("bytes_dropped", e.bytes_dropped);
    v("segments_deleted", e.segments_deleted);
    v("log_end_offset", e.log_end_offset);
    v("reason", e.reason);
  }
};

// A compaction pass replaced segments: each of `segments` (index files trimmed to its entries)
// replaces the segments from its base to the next one's. records_removed counts tombstones too.
struct LogClean {
  static constexpr std::string_view kName = "log.clean";
  TpRef tp;
  int64_t first_dirty_offset = 0;
  int64_t end_offset = 0;
  int32_t segments_before = 0;
  int32_t segments_after = 0;
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
  int64_t records_removed = 0;
  int64_t tombstones_removed = 0;
  TraceList<SegmentSummary> segments;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("first_dirty_offset", e.first_dirty_offset);
    v("end_offset", e.end_offset);
    v("segments_before", e.segments_before);
    v("segments_after", e.segments_after);
    v("bytes_before", e.bytes_before);
    v("bytes_after", e.bytes_after);
    v("records_removed", e.records_removed);
    v("tombstones_removed", e.tombstones_removed);
    v("segments", e.segments);
  }
};

// A clean close: the active segment's index files were trimmed to its entries (the time index
// took its closing entry first), and the log was flushed.
struct LogClose {
  static constexpr std::string_view kName = "log.close";
  TpRef tp;
  int64_t segment = 0;  // the active segment
  int64_t index_entries = 0;
  int64_t time_index_entries = 0;
  int64_t log_end_offset = 0;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("segment", e.segment);
    v("index_entries", e.index_entries);
    v("time_index_entries", e.time_index_entries);
    v("log_end_offset", e.log_end_offset);
  }
};

// A disk error took the log offline (KAFKA_STORAGE_ERROR from then on).
struct LogOffline {
  static constexpr std::string_view kName = "log.offline";
  TpRef tp;
  std::string_view error;  // the Status text, e.g. "NO_SPACE: ..."
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("error", e.error);
  }
};

}  // namespace ev

inline ev::SegmentSummary SummaryOf(const Segment& segment) {
  return ev::SegmentSummary{.base_offset = segment.base_offset(),
                            .next_offset = segment.next_offset(),
                            .bytes = segment.size_bytes(),
                            .index_entries = segment.index_entries(),
                            .time_index_entries = segment.time_index_entries()};
}

}  // namespace ks
