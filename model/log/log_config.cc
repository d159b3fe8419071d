#include "model/log/log_config.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace ks {
namespace {

// The smallest segment that can hold one batch: an empty v2 batch header.
constexpr int64_t kMinSegmentBytes = kRecordBatchOverhead;
// An index must have room for at least one entry of the larger (time index) kind.
constexpr int64_t kMinSegmentIndexBytes = 12;

Status Invalid(std::string_view name, std::string_view value, std::string_view allowed) {
  return Status::InvalidArgument("invalid value '" + std::string(value) + "' for config " +
                                 std::string(name) + ": allowed values are " +
                                 std::string(allowed));
}

Status ParseLong(std::string_view name, std::string_view text, int64_t min, int64_t max,
                 std::string_view allowed, int64_t* out) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Invalid(name, text, allowed);
  }
  *out = value;
  return Status::Ok();
}

// A retention-like value: -1 (infinite) or a non-negative number.
Status ParseLongOrInfinite(std::string_view name, std::string_view text, int64_t* out) {
  Status s = ParseLong(name, text, -1, kLongMax, "-1 (no limit) or an integer >= 0", out);
  return s;
}

std::string Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && text[begin] == ' ') ++begin;
  while (end > begin && text[end - 1] == ' ') --end;
  return std::string(text.substr(begin, end - begin));
}

}  // namespace

std::string LogConfig::CleanupPolicyName() const {
  if (cleanup_compact && cleanup_delete) return "compact,delete";
  return cleanup_compact ? "compact" : "delete";
}

const std::vector<std::string_view>& LogConfigNames() {
  static const std::vector<std::string_view> kNames = {
      "segment.bytes",          "segment.ms",
      "segment.index.bytes",    "index.interval.bytes",
      "retention.ms",           "retention.bytes",
      "cleanup.policy",         "min.cleanable.dirty.ratio",
      "delete.retention.ms",    "min.compaction.lag.ms",
      "flush.messages",         "flush.ms",
      "compression.type",       "message.timestamp.type",
      "max.message.bytes",      "log.retention.check.interval.ms",
      "log.cleaner.backoff.ms",
  };
  return kNames;
}

Status SetLogConfig(std::string_view name, std::string_view value, LogConfig* c) {
  if (name == "segment.bytes") {
    return ParseLong(
        name, value, kMinSegmentBytes, INT32_MAX,
        "integers from " + std::to_string(kMinSegmentBytes) + " (one batch header) to 2147483647",
        &c->segment_bytes);
  }
  if (name == "segment.ms") {
    return ParseLong(name, value, 1, kLongMax, "integers >= 1", &c->segment_ms);
  }
  if (name == "segment.index.bytes") {
    return ParseLong(name, value, kMinSegmentIndexBytes, INT32_MAX,
                     "integers from 12 (one index entry) to 2147483647", &c->segment_index_bytes);
  }
  if (name == "index.interval.bytes") {
    return ParseLong(name, value, 0, INT32_MAX, "integers >= 0", &c->index_interval_bytes);
  }
  if (name == "retention.ms") return ParseLongOrInfinite(name, value, &c->retention_ms);
  if (name == "retention.bytes") return ParseLongOrInfinite(name, value, &c->retention_bytes);
  if (name == "cleanup.policy") {
    // A comma-separated list of "delete" and "compact", in any order, at least one.
    bool saw_delete = false;
    bool saw_compact = false;
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string_view::npos) comma = value.size();
      const std::string item = Trim(value.substr(start, comma - start));
      if (item == "delete") {
        saw_delete = true;
      } else if (item == "compact") {
        saw_compact = true;
      } else {
        return Invalid(name, value, "delete, compact, or compact,delete");
      }
      start = comma + 1;
    }
    c->cleanup_delete = saw_delete;
    c->cleanup_compact = saw_compact;
    return Status::Ok();
  }
  if (name == "min.cleanable.dirty.ratio") {
    const std::string text(value);
    char* end = nullptr;
    const double ratio = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(ratio >= 0.0 && ratio <= 1.0)) {
      return Invalid(name, value, "numbers from 0 to 1");
    }
    c->min_cleanable_dirty_ratio = ratio;
    return Status::Ok();
  }
  if (name == "delete.retention.ms") {
    return ParseLong(name, value, 0, kLongMax, "integers >= 0", &c->delete_retention_ms);
  }
  if (name == "min.compaction.lag.ms") {
    return ParseLong(name, value, 0, kLongMax, "integers >= 0", &c->min_compaction_lag_ms);
  }
  if (name == "flush.messages") {
    return ParseLong(name, value, 1, kLongMax, "integers >= 1", &c->flush_messages);
  }
  if (name == "flush.ms") return ParseLong(name, value, 0, kLongMax, "integers >= 0", &c->flush_ms);
  if (name == "compression.type") {
    const std::optional<CompressionType> type = ParseCompressionName(value);
    if (value != "producer" && (!type || !CompressionSupported(*type))) {
      return Invalid(name, value, "producer, none, gzip, lz4, zstd (snappy is not built in)");
    }
    c->compression_type = std::string(value);
    return Status::Ok();
  }
  if (name == "message.timestamp.type") {
    if (value == "CreateTime") {
      c->message_timestamp_type = TimestampType::kCreateTime;
    } else if (value == "LogAppendTime") {
      c->message_timestamp_type = TimestampType::kLogAppendTime;
    } else {
      return Invalid(name, value, "CreateTime, LogAppendTime");
    }
    return Status::Ok();
  }
  if (name == "max.message.bytes") {
    return ParseLong(name, value, kRecordBatchOverhead, INT32_MAX,
                     "integers from 61 (one batch header) to 2147483647", &c->max_message_bytes);
  }
  if (name == "log.retention.check.interval.ms") {
    return ParseLong(name, value, 1, kLongMax, "integers >= 1",
                     &c->log_retention_check_interval_ms);
  }
  if (name == "log.cleaner.backoff.ms") {
    return ParseLong(name, value, 0, kLongMax, "integers >= 0", &c->log_cleaner_backoff_ms);
  }
  std::string_view closest;
  int best = INT32_MAX;
  for (std::string_view candidate : LogConfigNames()) {
    const int distance = EditDistance(name, candidate);
    if (distance < best) {
      best = distance;
      closest = candidate;
    }
  }
  std::string message = "unknown log config '" + std::string(name) + "'";
  if (best <= std::max<int>(3, static_cast<int>(name.size()) / 3)) {
    message += "; did you mean '" + std::string(closest) + "'?";
  }
  return Status::InvalidArgument(message);
}

Status ParseLogConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                      LogConfig* config) {
  for (const auto& [name, value] : pairs) {
    if (Status s = SetLogConfig(name, value, config); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace ks
