// LogCleaner: log compaction for logs whose cleanup.policy includes "compact", as Kafka's
// LogCleaner: keep at least the latest record of every key.
//
// A cleaning pass over one log:
//  1. The dirty section runs from the first dirty offset (the partition's entry in the log
//     directory's cleaner-offset-checkpoint, or the log start) to the first uncleanable offset: the active
//     segment's base, the high watermark, and the first segment holding records younger than
//     min.compaction.lag.ms, whichever is lowest. Only whole inactive segments below it count.
//  2. Build key -> latest offset over the dirty section (at most max_map_keys keys; a full map
//     ends the pass early, at a segment boundary).
//  3. Rewrite every segment below the end of the mapped section, oldest first, grouped up to
//     segment.bytes: a record survives unless a later offset of its key is in the map. Offsets
//     never change (gaps are allowed) and order is kept. A tombstone (null value) survives until
//     its batch's delete horizon: the first pass that keeps it stamps the batch with
//     horizon = now + delete.retention.ms (attributes bit 6, as Kafka since KIP-534 does); a pass
//     after the horizon removes it.
//  4. Each group is written to "<base>.log.cleaned" (+ indexes), fsynced, renamed ".swap", the
//     originals deleted, the ".swap" renamed to the final name (Log::ReplaceSegments); a crash at
//     any point leaves either the old segments or a complete replacement (Log::Open finishes it).
//  5. The checkpoint moves to the end of the cleaned section.
//
// CleanOnce picks, among the logs added, the one with the highest dirty ratio
// (dirty bytes / (clean + dirty bytes)) at or above its min.cleanable.dirty.ratio. Start() runs
// CleanOnce every log.cleaner.backoff.ms until Stop(). The cleaner never touches the active
// segment.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/env/env.h"
#include "model/kafka/errors.h"
#include "model/log/log.h"

namespace ks {

struct CleanerOptions {
  // Limit on the key -> offset map of one pass (Kafka's dedupe buffer).
  int64_t max_map_keys = 1 << 20;
  // How often the background task runs (Kafka's log.cleaner.backoff.ms).
  int64_t backoff_ms = 15000;
};

struct CleanResult {
  bool cleaned = false;
  int64_t first_dirty_offset = 0;
  int64_t end_offset = 0;  // the new first dirty offset
  int32_t segments_before = 0;
  int32_t segments_after = 0;
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
  int64_t records_removed = 0;
  int64_t tombstones_removed = 0;
};

// The dirty section of one log as the cleaner sees it now.
struct CleanableRange {
  int64_t first_dirty_offset = 0;
  int64_t first_uncleanable_offset = 0;
  int64_t clean_bytes = 0;
  int64_t dirty_bytes = 0;
  double dirty_ratio() const {
    const int64_t total = clean_bytes + dirty_bytes;
    return total == 0 ? 0.0 : static_cast<double>(dirty_bytes) / static_cast<double>(total);
  }
};

class LogCleaner {
 public:
  using HighWatermarkFn = std::function<int64_t(const Log&)>;

  explicit LogCleaner(Env& env, CleanerOptions options = {});
  ~LogCleaner();
  LogCleaner(const LogCleaner&) = delete;
  LogCleaner& operator=(const LogCleaner&) = delete;

  void AddLog(Log* log, HighWatermarkFn high_watermark = {});
  void RemoveLog(const Log* log);

  // Cleans the dirtiest eligible log, if any; *log_cleaned names it (nullptr if none).
  KafkaError CleanOnce(const Log** log_cleaned);
  // One pass over `log` regardless of its dirty ratio (still only below the uncleanable offset).
  KafkaError Clean(Log& log, int64_t high_watermark, CleanResult* result);
  CleanableRange Range(const Log& log, int64_t high_watermark) const;

  void Start();
  void Stop();

 private:
  struct Entry {
    Log* log;
    HighWatermarkFn high_watermark;
  };
  int64_t HighWatermarkOf(const Entry& entry) const;
  int64_t ReadCheckpoint(const Log& log) const;
  Status WriteCheckpoint(const Log& log, int64_t offset);
  void Schedule();

  Env& env_;
  CleanerOptions options_;
  std::vector<Entry> logs_;
  TimerId timer_ = kNoTimer;
};

}  // namespace ks
