// LogConfig: the topic-level settings of one partition's log, with Kafka's names and defaults,
// and the broker-level settings of the log's background tasks.
//
// Configs arrive as text key/value pairs (from a scenario file, or a topic's znode). Each value is
// parsed once, as Kafka's LogConfig defines it (type and bounds: segment.bytes an INT of at least
// 14, LegacyRecord.RECORD_OVERHEAD_V0; retention.ms a LONG of at least -1; ...), and a bad one is
// refused with Kafka's ConfigException message (model/util/config_def.h); an unknown name is
// refused with the closest valid one. Errors are Status values, never exceptions.
//
// Each setting has a LogConfigKey, so a set of parsed overrides can be applied to other defaults
// (CopyLogConfig) without reading text again: that is how a topic's overrides meet each broker's
// own defaults (model/kafka/topic_config.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/env/status.h"
#include "model/log/compression.h"
#include "model/log/record_batch.h"
#include "model/util/names.h"  // EditDistance (tests use it from here)

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
  // compression.type: "producer" keeps the producer's codec; else uncompressed, gzip, lz4 or zstd
  // (Kafka's names; snappy is not built in).
  std::string compression_type = "producer";
  // message.timestamp.type: CreateTime or LogAppendTime.
  TimestampType message_timestamp_type = TimestampType::kCreateTime;
  // max.message.bytes: the largest batch the log accepts.
  int64_t max_message_bytes = 1048588;

  // Broker-level (log.*) settings of the background tasks.
  int64_t log_retention_check_interval_ms = 300000;
  int64_t log_cleaner_backoff_ms = 15000;
  // How often the recovery point / the log start offset is written to its checkpoint file;
  // 0 = once, kLogInitialTaskDelayMs after start (Kafka's scheduler runs a task of period 0 once).
  int64_t log_flush_offset_checkpoint_interval_ms = 60000;
  int64_t log_flush_start_offset_checkpoint_interval_ms = 60000;

  std::string CleanupPolicyName() const;
};

// One setting of LogConfig, in the order of LogConfigNames().
enum class LogConfigKey : uint8_t {
  kSegmentBytes,
  kSegmentMs,
  kSegmentIndexBytes,
  kIndexIntervalBytes,
  kRetentionMs,
  kRetentionBytes,
  kCleanupPolicy,
  kMinCleanableDirtyRatio,
  kDeleteRetentionMs,
  kMinCompactionLagMs,
  kFlushMessages,
  kFlushMs,
  kCompressionType,
  kMessageTimestampType,
  kMaxMessageBytes,
  // Broker-level settings of the background tasks (log.retention.check.interval.ms,
  // log.cleaner.backoff.ms, log.flush.offset.checkpoint.interval.ms,
  // log.flush.start.offset.checkpoint.interval.ms): not topic configs in Kafka; a log_host takes
  // them per log.
  kLogRetentionCheckIntervalMs,
  kLogCleanerBackoffMs,
  kLogFlushOffsetCheckpointIntervalMs,
  kLogFlushStartOffsetCheckpointIntervalMs,
};
inline constexpr size_t kLogConfigKeyCount = 19;

// Kafka's LogManager starts its periodic tasks (the checkpoints) this long after startup
// (log.initial.task.delay.ms, 30 s).
inline constexpr int64_t kLogInitialTaskDelayMs = 30000;

// The key of a config name (nullopt: not a log config).
std::optional<LogConfigKey> FindLogConfigKey(std::string_view name);
std::string_view LogConfigKeyName(LogConfigKey key);
// Whether Kafka knows the setting as a topic config (every key but the broker-level ones).
bool IsTopicLevel(LogConfigKey key);

// Parses `value` as Kafka defines the setting and stores it in *config; on a bad value returns
// InvalidArgument with Kafka's ConfigException message and leaves *config unchanged.
Status SetLogConfig(LogConfigKey key, std::string_view value, LogConfig* config);
// Copies one setting's parsed value.
void CopyLogConfig(LogConfigKey key, const LogConfig& from, LogConfig* to);

// Applies `pairs` (config name, value text) to *config, in order. On the first bad pair returns
// InvalidArgument; *config is then partially updated.
Status ParseLogConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                      LogConfig* config);
// One pair; an unknown name is "Unknown log config name: ..." with the closest valid one.
Status SetLogConfig(std::string_view name, std::string_view value, LogConfig* config);

// Every accepted config name (in LogConfigKey order), for help texts and suggestions.
const std::vector<std::string_view>& LogConfigNames();

}  // namespace ks
