// LogConfig: the topic-level settings of one partition's log, with Kafka's names and defaults,
// and the broker-level settings of the log's background tasks.
//
// Configs arrive as text key/value pairs (from a scenario file). ParseLogConfig applies them on
// top of the defaults and rejects what Kafka would reject: an unknown name (the error suggests
// the closest valid name), a value that is not a number, or one outside the allowed range — each
// message names the config and the values it accepts. Errors are Status values, never exceptions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/env/status.h"
#include "model/log/compression.h"
#include "model/log/record_batch.h"
#include "model/util/names.h"  // EditDistance, for suggestions

namespace ks {

constexpr int64_t kLongMax = INT64_MAX;  // Kafka's Long.MAX_VALUE: "never"

struct LogConfig {
  // segment.bytes: roll the active segment when it would grow past this.
  int64_t segment_bytes = 1073741824;
  // segment.ms: roll when the segment's first batch is this old (by record timestamps).
  int64_t segment_ms = 604800000;
  // segment.index.bytes: capacity of each index file; a full index rolls the segment.
  int64_t segment_index_bytes = 10485760;
  // index.interval.bytes: bytes of appended batches between two index entries.
  int64_t index_interval_bytes = 4096;
  // retention.ms: delete segments whose newest record is older than this; -1 = forever.
  int64_t retention_ms = 604800000;
  // retention.bytes: delete oldest segments while the log is larger than this; -1 = no limit.
  int64_t retention_bytes = -1;
  // cleanup.policy: "delete", "compact" or "compact,delete".
  bool cleanup_delete = true;
  bool cleanup_compact = false;
  // min.cleanable.dirty.ratio: the cleaner skips logs whose dirty share is below this.
  double min_cleanable_dirty_ratio = 0.5;
  // delete.retention.ms: how long tombstones survive after the cleaner first saw them.
  int64_t delete_retention_ms = 86400000;
  // min.compaction.lag.ms: records younger than this are never compacted.
  int64_t min_compaction_lag_ms = 0;
  // flush.messages / flush.ms: fsync after this many records / this long. Kafka's default
  // (Long.MAX) is never: durability comes from replication.
  int64_t flush_messages = kLongMax;
  int64_t flush_ms = kLongMax;
  // compression.type: "producer" keeps the producer's codec; else the log recompresses.
  std::string compression_type = "producer";
  // message.timestamp.type: CreateTime or LogAppendTime.
  TimestampType message_timestamp_type = TimestampType::kCreateTime;
  // max.message.bytes: the largest batch the log accepts.
  int64_t max_message_bytes = 1048588;

  // Broker-level (log.*) settings of the background tasks.
  int64_t log_retention_check_interval_ms = 300000;
  int64_t log_cleaner_backoff_ms = 15000;

  std::string CleanupPolicyName() const;
};

// Applies `pairs` (config name, value text) to *config, in order. On the first bad pair returns
// InvalidArgument naming the config and what it accepts; *config is then partially updated.
Status ParseLogConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                      LogConfig* config);
// One pair.
Status SetLogConfig(std::string_view name, std::string_view value, LogConfig* config);

// Every accepted config name, for help texts and suggestions.
const std::vector<std::string_view>& LogConfigNames();

}  // namespace ks
