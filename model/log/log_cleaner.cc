#include "model/log/log_cleaner.h"

#include <algorithm>
#include <unordered_map>

#include "model/env/check.h"
#include "model/log/checkpoint_file.h"

namespace ks {
namespace {

// Transparent hashing so lookups by string_view need no temporary string.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
};
using OffsetMap = std::unordered_map<std::string, int64_t, KeyHash, std::equal_to<>>;

struct SegmentRef {
  const Segment* segment;
  int64_t upper_bound_offset;  // the next segment's base: nothing of this one reaches it
};

std::vector<SegmentRef> InactiveSegments(const Log& log) {
  std::vector<const Segment*> all = log.segments();
  std::vector<SegmentRef> out;
  for (size_t i = 0; i + 1 < all.size(); ++i) {
    out.push_back({all[i], all[i + 1]->base_offset()});
  }
  return out;
}

Status ReadSegmentBytes(Disk& disk, const Segment& segment, std::string* out) {
  // A copy, not a view: the cleaner creates and renames files while it walks these bytes.
  return disk.Read(segment.log_path(), 0, segment.size_bytes(), out);
}

BatchOptions OptionsOf(const BatchHeader& header) {
  BatchOptions options;
  options.base_offset = header.base_offset();
  options.partition_leader_epoch = header.partition_leader_epoch();
  options.compression = header.compression();
  options.timestamp_type = header.timestamp_type();
  options.transactional = header.is_transactional();
  options.control = header.is_control();
  options.producer_id = header.producer_id();
  options.producer_epoch = header.producer_epoch();
  options.base_sequence = header.base_sequence();
  options.delete_horizon_ms = header.delete_horizon_ms();
  return options;
}

}  // namespace

LogCleaner::LogCleaner(Env& env, CleanerOptions options) : env_(env), options_(options) {
  KS_CHECK(options.max_map_keys > 0 && options.backoff_ms > 0);
}

LogCleaner::~LogCleaner() { Stop(); }

void LogCleaner::AddLog(Log* log, HighWatermarkFn high_watermark) {
  logs_.push_back({log, std::move(high_watermark)});
}

void LogCleaner::RemoveLog(const Log* log) {
  std::erase_if(logs_, [&](const Entry& entry) { return entry.log == log; });
}

int64_t LogCleaner::HighWatermarkOf(const Entry& entry) const {
  return entry.high_watermark ? entry.high_watermark(*entry.log) : entry.log->log_end_offset();
}

int64_t LogCleaner::ReadCheckpoint(const Log& log) const {
  std::vector<OffsetCheckpointEntry> entries;
  int64_t offset = log.log_start_offset();
  if (ReadOffsetCheckpoint(env_.LocalDisk(), log.PathOf(kCleanerCheckpointFile), &entries).ok() &&
      entries.size() == 1) {
    offset = entries[0].offset;
  }
  // A checkpoint outside the log (retention moved the start, or truncation the end) restarts
  // from the log start, as Kafka does.
  if (offset < log.log_start_offset() || offset > log.log_end_offset()) {
    offset = log.log_start_offset();
  }
  return offset;
}

CleanableRange LogCleaner::Range(const Log& log, int64_t high_watermark) const {
  CleanableRange range;
  range.first_dirty_offset = ReadCheckpoint(log);
  int64_t uncleanable = std::min(log.active().base_offset(), high_watermark);
  const int64_t now_ms = env_.WallClockMs();
  for (const SegmentRef& ref : InactiveSegments(log)) {
    if (ref.upper_bound_offset <= range.first_dirty_offset) continue;
    // Records younger than min.compaction.lag.ms must stay readable as written.
    if (log.config().min_compaction_lag_ms > 0 &&
        ref.segment->max_timestamp_ms() > now_ms - log.config().min_compaction_lag_ms) {
      uncleanable = std::min(uncleanable, ref.segment->base_offset());
      break;
    }
  }
  range.first_uncleanable_offset = uncleanable;
  for (const SegmentRef& ref : InactiveSegments(log)) {
    if (ref.upper_bound_offset <= log.log_start_offset()) continue;
    if (ref.upper_bound_offset <= range.first_dirty_offset) {
      range.clean_bytes += ref.segment->size_bytes();
    } else if (ref.upper_bound_offset <= uncleanable) {
      range.dirty_bytes += ref.segment->size_bytes();
    }
  }
  return range;
}

KafkaError LogCleaner::CleanOnce(const Log** log_cleaned) {
  *log_cleaned = nullptr;
  Entry* dirtiest = nullptr;
  double best_ratio = -1.0;
  for (Entry& entry : logs_) {
    const Log& log = *entry.log;
    if (!log.config().cleanup_compact || log.offline()) continue;
    const double ratio = Range(log, HighWatermarkOf(entry)).dirty_ratio();
    if (ratio > 0.0 && ratio >= log.config().min_cleanable_dirty_ratio && ratio > best_ratio) {
      best_ratio = ratio;
      dirtiest = &entry;
    }
  }
  if (dirtiest == nullptr) return KafkaError::None();
  CleanResult result;
  KafkaError error = Clean(*dirtiest->log, HighWatermarkOf(*dirtiest), &result);
  if (error.ok() && result.cleaned) *log_cleaned = dirtiest->log;
  return error;
}

KafkaError LogCleaner::Clean(Log& log, int64_t high_watermark, CleanResult* result) {
  *result = CleanResult();
  if (log.offline()) {
    return KafkaError(ErrorCode::kKafkaStorageError, log.name() + " is offline");
  }
  Disk& disk = env_.LocalDisk();
  const CleanableRange range = Range(log, high_watermark);
  result->first_dirty_offset = range.first_dirty_offset;
  const std::vector<SegmentRef> inactive = InactiveSegments(log);

  // 2. key -> latest offset over the dirty section.
  OffsetMap latest;
  int64_t end_offset = range.first_dirty_offset;
  std::string bytes;
  BatchReader reader;
  Record record;
  for (const SegmentRef& ref : inactive) {
    if (ref.upper_bound_offset <= range.first_dirty_offset) continue;
    if (ref.upper_bound_offset > range.first_uncleanable_offset) break;
    if (Status s = ReadSegmentBytes(disk, *ref.segment, &bytes); !s.ok()) {
      return KafkaError::FromStatus(s);
    }
    for (size_t at = 0; at < bytes.size();) {
      BatchHeader header;
      if (Status s = BatchHeader::Parse(std::string_view(bytes).substr(at), &header); !s.ok()) {
        return KafkaError(ErrorCode::kCorruptMessage, ref.segment->log_path() + ": " + s.message());
      }
      at += static_cast<size_t>(header.size_bytes());
      if (header.is_control()) continue;
      if (Status s = reader.Open(header); !s.ok()) return KafkaError::FromStatus(s);
      while (reader.Next(&record)) {
        if (record.key) latest.insert_or_assign(std::string(*record.key), record.offset);
      }
      if (!reader.status().ok()) return KafkaError::FromStatus(reader.status());
    }
    end_offset = ref.upper_bound_offset;
    if (static_cast<int64_t>(latest.size()) >= options_.max_map_keys) break;
  }
  if (end_offset <= range.first_dirty_offset) return KafkaError::None();  // nothing dirty

  // 3. Group the segments below end_offset and rewrite each group.
  std::vector<std::vector<const Segment*>> groups;
  int64_t group_bytes = 0;
  for (const SegmentRef& ref : inactive) {
    if (ref.upper_bound_offset > end_offset) break;
    if (ref.upper_bound_offset <= log.log_start_offset()) continue;
    const bool fits = !groups.empty() &&
                      group_bytes + ref.segment->size_bytes() <= log.config().segment_bytes &&
                      ref.upper_bound_offset - groups.back().front()->base_offset() <= INT32_MAX;
    if (!fits) {
      groups.emplace_back();
      group_bytes = 0;
    }
    groups.back().push_back(ref.segment);
    group_bytes += ref.segment->size_bytes();
  }

  const int64_t now_ms = env_.WallClockMs();
  // Saturating: delete.retention.ms may be as large as Kafka's LONG.
  const int64_t retention_ms = log.config().delete_retention_ms;
  const int64_t new_horizon_ms =
      now_ms > INT64_MAX - retention_ms ? INT64_MAX : now_ms + retention_ms;
  std::string rebuilt;
  std::string new_segments = "[";  // [[base, next_offset, bytes], ...] for the trace
  BatchBuilder builder;
  for (const std::vector<const Segment*>& group : groups) {
    auto cleaned = std::make_unique<Segment>(env_, log.name(), group.front()->base_offset(),
                                             log.config(), ".cleaned");
    if (Status s = cleaned->Create(); !s.ok()) return KafkaError::FromStatus(s);
    std::vector<int64_t> old_bases;
    for (const Segment* source : group) {
      old_bases.push_back(source->base_offset());
      result->bytes_before += source->size_bytes();
      ++result->segments_before;
      if (Status s = ReadSegmentBytes(disk, *source, &bytes); !s.ok()) {
        return KafkaError::FromStatus(s);
      }
      for (size_t at = 0; at < bytes.size();) {
        BatchHeader header;
        if (Status s = BatchHeader::Parse(std::string_view(bytes).substr(at), &header); !s.ok()) {
          return KafkaError(ErrorCode::kCorruptMessage, source->log_path() + ": " + s.message());
        }
        at += static_cast<size_t>(header.size_bytes());
        if (header.is_control()) {
          if (Status s = cleaned->Append(header.bytes()); !s.ok()) {
            return KafkaError::FromStatus(s);
          }
          continue;
        }
        // First pass over the batch: what survives, and does it keep a tombstone?
        if (Status s = reader.Open(header); !s.ok()) return KafkaError::FromStatus(s);
        int32_t kept = 0;
        bool kept_tombstone = false;
        const std::optional<int64_t> horizon = header.delete_horizon_ms();
        auto survives = [&](const Record& r, bool count) {
          if (r.key) {
            auto it = latest.find(*r.key);
            if (it != latest.end() && it->second > r.offset) return false;
          }
          if (!r.value && horizon && now_ms >= *horizon) {
            if (count) ++result->tombstones_removed;
            return false;
          }
          return true;
        };
        while (reader.Next(&record)) {
          if (survives(record, /*count=*/true)) {
            ++kept;
            kept_tombstone |= !record.value;
          }
        }
        if (!reader.status().ok()) return KafkaError::FromStatus(reader.status());
        result->records_removed += header.record_count() - kept;
        const bool needs_horizon = kept_tombstone && !horizon;
        if (kept == 0) continue;
        if (kept == header.record_count() && !needs_horizon) {
          if (Status s = cleaned->Append(header.bytes()); !s.ok()) {
            return KafkaError::FromStatus(s);
          }
          continue;
        }
        // Second pass: rebuild the batch from its survivors, same base offset and codec.
        BatchOptions options = OptionsOf(header);
        if (needs_horizon) options.delete_horizon_ms = new_horizon_ms;
        builder.Start(options, &rebuilt);
        if (Status s = reader.Open(header); !s.ok()) return KafkaError::FromStatus(s);
        while (reader.Next(&record)) {
          if (!survives(record, /*count=*/false)) continue;
          builder.AddWithOffsetDelta(static_cast<int32_t>(record.offset - header.base_offset()),
                                     record.timestamp_ms, record.key, record.value,
                                     record.header_count, record.raw_headers);
        }
        if (Status s = builder.Finish(); !s.ok()) return KafkaError::FromStatus(s);
        if (Status s = cleaned->Append(rebuilt); !s.ok()) return KafkaError::FromStatus(s);
      }
    }
    if (Status s = cleaned->OnBecomeInactive(); !s.ok()) return KafkaError::FromStatus(s);
    if (Status s = cleaned->Flush(); !s.ok()) return KafkaError::FromStatus(s);
    result->bytes_after += cleaned->size_bytes();
    if (new_segments.size() > 1) new_segments.push_back(',');
    new_segments += "[" + std::to_string(cleaned->base_offset()) + "," +
                    std::to_string(cleaned->next_offset()) + "," +
                    std::to_string(cleaned->size_bytes()) + "]";
    ++result->segments_after;
    if (KafkaError error = log.ReplaceSegments(old_bases, std::move(cleaned)); !error.ok()) {
      return error;
    }
  }

  // 5. The next pass starts where this one's map ended.
  if (Status s = WriteOffsetCheckpoint(disk, log.PathOf(kCleanerCheckpointFile),
                                       {{log.topic(), log.partition(), end_offset}});
      !s.ok()) {
    return KafkaError::FromStatus(s);
  }
  result->cleaned = true;
  result->end_offset = end_offset;
  env_.Trace("log.clean", std::move(TraceFields()
                                        .Add("topic_partition", log.name())
                                        .Add("first_dirty_offset", result->first_dirty_offset)
                                        .Add("end_offset", end_offset)
                                        .Add("segments_before", result->segments_before)
                                        .Add("segments_after", result->segments_after)
                                        .Add("bytes_before", result->bytes_before)
                                        .Add("bytes_after", result->bytes_after)
                                        .Add("records_removed", result->records_removed)
                                        .Add("tombstones_removed", result->tombstones_removed)
                                        .AddRaw("segments", new_segments + "]")));
  return KafkaError::None();
}

void LogCleaner::Start() {
  if (timer_ == kNoTimer) Schedule();
}

void LogCleaner::Stop() {
  if (timer_ != kNoTimer) env_.CancelTimer(timer_);
  timer_ = kNoTimer;
}

void LogCleaner::Schedule() {
  timer_ = env_.SetTimer(MillisecondsToUs(options_.backoff_ms), [this] {
    timer_ = kNoTimer;
    const Log* cleaned = nullptr;
    (void)CleanOnce(&cleaned);
    Schedule();
  });
}

}  // namespace ks
