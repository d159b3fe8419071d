#include "model/log/log_config.h"

#include <array>

#include "model/util/config_def.h"

namespace ks {
namespace {

// LegacyRecord.RECORD_OVERHEAD_V0: Kafka's lower bound of segment.bytes. A batch larger than the
// segment is refused (RECORD_LIST_TOO_LARGE), as Kafka refuses it.
constexpr int32_t kMinSegmentBytes = 14;
// Kafka's lower bound of segment.index.bytes; an index too small for one entry rolls the segment
// before every append, and the segment is then read without index entries.
constexpr int32_t kMinSegmentIndexBytes = 4;

// One setting: its name, how its text is parsed into a LogConfig, how its value is copied.
struct Setting {
  std::string_view name;
  Status (*set)(std::string_view name, std::string_view value, LogConfig* config);
  void (*copy)(const LogConfig& from, LogConfig* to);
};

// A field of LogConfig held as int64_t but defined by Kafka as an INT.
template <int64_t LogConfig::*field, int32_t min>
Status SetInt(std::string_view name, std::string_view value, LogConfig* c) {
  int32_t parsed = 0;
  Status s = config::ParseInt(name, value, min, INT32_MAX, &parsed);
  if (s.ok()) c->*field = parsed;
  return s;
}

template <int64_t LogConfig::*field, int64_t min>
Status SetLong(std::string_view name, std::string_view value, LogConfig* c) {
  return config::ParseLong(name, value, min, INT64_MAX, &(c->*field));
}

template <int64_t LogConfig::*field, int64_t min>
Status SetDuration(std::string_view name, std::string_view value, LogConfig* c) {
  return config::ParseDurationMs(name, value, min, &(c->*field));
}

template <auto field>
void Copy(const LogConfig& from, LogConfig* to) {
  to->*field = from.*field;
}

Status SetCleanupPolicy(std::string_view name, std::string_view value, LogConfig* c) {
  // Kafka's LIST type checked by ValidList.in(compact, delete): each comma-separated item must be
  // one of them (the message names the bad item).
  bool saw_delete = false;
  bool saw_compact = false;
  const std::string_view text = config::Trim(value);
  size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = config::Trim(text.substr(start, comma - start));
    size_t index = 0;
    if (Status s = config::ParseChoice(name, item, {"compact", "delete"}, &index); !s.ok()) {
      return s;
    }
    (index == 0 ? saw_compact : saw_delete) = true;
    start = comma + 1;
  }
  if (!saw_compact && !saw_delete) {
    // Kafka takes an empty list as "neither"; kafkasim's log needs at least one policy.
    return config::Invalid(name, value,
                           "String must be one of: compact, delete (kafkasim needs at least one)");
  }
  c->cleanup_delete = saw_delete;
  c->cleanup_compact = saw_compact;
  return Status::Ok();
}

void CopyCleanupPolicy(const LogConfig& from, LogConfig* to) {
  to->cleanup_delete = from.cleanup_delete;
  to->cleanup_compact = from.cleanup_compact;
}

Status SetDirtyRatio(std::string_view name, std::string_view value, LogConfig* c) {
  return config::ParseDouble(name, value, 0.0, 1.0, &c->min_cleanable_dirty_ratio);
}

Status SetCompressionType(std::string_view name, std::string_view value, LogConfig* c) {
  // BrokerCompressionType's names, in Kafka's order.
  const std::vector<std::string_view> names = {"uncompressed", "zstd", "lz4",
                                               "snappy",       "gzip", "producer"};
  size_t index = 0;
  if (Status s = config::ParseChoice(name, value, names, &index); !s.ok()) return s;
  if (names[index] == "snappy") {
    return config::Invalid(name, value, "snappy is not built into kafkasim");
  }
  c->compression_type = std::string(names[index]);
  return Status::Ok();
}

Status SetTimestampType(std::string_view name, std::string_view value, LogConfig* c) {
  size_t index = 0;
  if (Status s = config::ParseChoice(name, value, {"CreateTime", "LogAppendTime"}, &index);
      !s.ok()) {
    return s;
  }
  c->message_timestamp_type =
      index == 0 ? TimestampType::kCreateTime : TimestampType::kLogAppendTime;
  return Status::Ok();
}

// In LogConfigKey order; bounds from Kafka's LogConfig (and ServerLogConfigs for the two
// broker-level settings).
const std::array<Setting, kLogConfigKeyCount>& Settings() {
  static const std::array<Setting, kLogConfigKeyCount> kSettings = {{
      {"segment.bytes", SetInt<&LogConfig::segment_bytes, kMinSegmentBytes>,
       Copy<&LogConfig::segment_bytes>},
      {"segment.ms", SetLong<&LogConfig::segment_ms, 1>, Copy<&LogConfig::segment_ms>},
      {"segment.index.bytes", SetInt<&LogConfig::segment_index_bytes, kMinSegmentIndexBytes>,
       Copy<&LogConfig::segment_index_bytes>},
      {"index.interval.bytes", SetInt<&LogConfig::index_interval_bytes, 0>,
       Copy<&LogConfig::index_interval_bytes>},
      {"retention.ms", SetLong<&LogConfig::retention_ms, -1>, Copy<&LogConfig::retention_ms>},
      // Any value: a negative one means no limit (Kafka's LogManager).
      {"retention.bytes", SetLong<&LogConfig::retention_bytes, INT64_MIN>,
       Copy<&LogConfig::retention_bytes>},
      {"cleanup.policy", SetCleanupPolicy, CopyCleanupPolicy},
      {"min.cleanable.dirty.ratio", SetDirtyRatio, Copy<&LogConfig::min_cleanable_dirty_ratio>},
      {"delete.retention.ms", SetLong<&LogConfig::delete_retention_ms, 0>,
       Copy<&LogConfig::delete_retention_ms>},
      {"min.compaction.lag.ms", SetLong<&LogConfig::min_compaction_lag_ms, 0>,
       Copy<&LogConfig::min_compaction_lag_ms>},
      {"flush.messages", SetLong<&LogConfig::flush_messages, 1>, Copy<&LogConfig::flush_messages>},
      {"flush.ms", SetLong<&LogConfig::flush_ms, 0>, Copy<&LogConfig::flush_ms>},
      {"compression.type", SetCompressionType, Copy<&LogConfig::compression_type>},
      {"message.timestamp.type", SetTimestampType, Copy<&LogConfig::message_timestamp_type>},
      {"max.message.bytes", SetInt<&LogConfig::max_message_bytes, 0>,
       Copy<&LogConfig::max_message_bytes>},
      // Timers: bounded to what the simulated clock holds (kafkasim's bound, said so).
      {"log.retention.check.interval.ms",
       SetDuration<&LogConfig::log_retention_check_interval_ms, 1>,
       Copy<&LogConfig::log_retention_check_interval_ms>},
      {"log.cleaner.backoff.ms", SetDuration<&LogConfig::log_cleaner_backoff_ms, 0>,
       Copy<&LogConfig::log_cleaner_backoff_ms>},
      // ServerLogConfigs: INT, atLeast(0).
      {"log.flush.offset.checkpoint.interval.ms",
       SetInt<&LogConfig::log_flush_offset_checkpoint_interval_ms, 0>,
       Copy<&LogConfig::log_flush_offset_checkpoint_interval_ms>},
      {"log.flush.start.offset.checkpoint.interval.ms",
       SetInt<&LogConfig::log_flush_start_offset_checkpoint_interval_ms, 0>,
       Copy<&LogConfig::log_flush_start_offset_checkpoint_interval_ms>},
  }};
  return kSettings;
}

const Setting& SettingOf(LogConfigKey key) { return Settings()[static_cast<size_t>(key)]; }

}  // namespace

std::string LogConfig::CleanupPolicyName() const {
  if (cleanup_compact && cleanup_delete) return "compact,delete";
  return cleanup_compact ? "compact" : "delete";
}

const std::vector<std::string_view>& LogConfigNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const Setting& setting : Settings()) names.push_back(setting.name);
    return names;
  }();
  return kNames;
}

std::optional<LogConfigKey> FindLogConfigKey(std::string_view name) {
  for (size_t i = 0; i < Settings().size(); ++i) {
    if (Settings()[i].name == name) return static_cast<LogConfigKey>(i);
  }
  return std::nullopt;
}

std::string_view LogConfigKeyName(LogConfigKey key) { return SettingOf(key).name; }

bool IsTopicLevel(LogConfigKey key) {
  return key != LogConfigKey::kLogRetentionCheckIntervalMs &&
         key != LogConfigKey::kLogCleanerBackoffMs &&
         key != LogConfigKey::kLogFlushOffsetCheckpointIntervalMs &&
         key != LogConfigKey::kLogFlushStartOffsetCheckpointIntervalMs;
}

Status SetLogConfig(LogConfigKey key, std::string_view value, LogConfig* config) {
  const Setting& setting = SettingOf(key);
  return setting.set(setting.name, value, config);
}

void CopyLogConfig(LogConfigKey key, const LogConfig& from, LogConfig* to) {
  SettingOf(key).copy(from, to);
}

Status SetLogConfig(std::string_view name, std::string_view value, LogConfig* config) {
  std::optional<LogConfigKey> key = FindLogConfigKey(name);
  if (!key) return config::Unknown("log", name, LogConfigNames());
  return SetLogConfig(*key, value, config);
}

Status ParseLogConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                      LogConfig* config) {
  for (const auto& [name, value] : pairs) {
    if (Status s = SetLogConfig(name, value, config); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace ks
