#include "model/log/log_cleaner.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "model/env/check.h"
#include "model/log/batch_scanner.h"
#include "model/log/checkpoint_file.h"
#include "model/log/log_events.h"

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

KafkaError CorruptSegment(const Segment& segment, const BatchScanner& scanner) {
  return KafkaError(ErrorCode::kCorruptMessage,
                    segment.log_path() + ": " + scanner.status().message());
}

// Step 2: key -> latest offset over the dirty section, segment by segment from the first dirty
// one; stops at a segment boundary once the map holds max_map_keys keys. *end_offset: where the
// mapped section ends (unchanged if no segment was mapped).
KafkaError BuildOffsetMap(Disk& disk, const std::vector<SegmentRef>& inactive,
                          const CleanableRange& range, int64_t max_map_keys, OffsetMap* latest,
                          int64_t* end_offset) {
  std::string bytes;
  BatchReader reader;
  Record record;
  for (const SegmentRef& ref : inactive) {
    if (ref.upper_bound_offset <= range.first_dirty_offset) continue;
    if (ref.upper_bound_offset > range.first_uncleanable_offset) break;
    if (Status s = ReadSegmentBytes(disk, *ref.segment, &bytes); !s.ok()) {
      return KafkaError::FromStatus(s);
    }
    BatchScanner scanner(bytes);
    BatchHeader header;
    while (scanner.Next(&header)) {
      if (header.is_control()) continue;
      if (Status s = reader.Open(header); !s.ok()) return KafkaError::FromStatus(s);
      while (reader.Next(&record)) {
        if (record.key) latest->insert_or_assign(std::string(*record.key), record.offset);
      }
      if (!reader.status().ok()) return KafkaError::FromStatus(reader.status());
    }
    if (!scanner.at_end()) return CorruptSegment(*ref.segment, scanner);
    *end_offset = ref.upper_bound_offset;
    if (static_cast<int64_t>(latest->size()) >= max_map_keys) break;
  }
  return KafkaError::None();
}

// Step 3's grouping: the inactive segments below `end_offset` (and above the log start), oldest
// first, in runs whose bytes fit segment.bytes and whose offsets fit one segment's 32-bit
// relative offsets.
std::vector<std::vector<const Segment*>> GroupSegments(const std::vector<SegmentRef>& inactive,
                                                       int64_t end_offset, const Log& log) {
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
  return groups;
}

// What becomes of one record in a cleaning pass.
enum class RecordFate {
  kKept,
  kSuperseded,        // a later offset of its key is in the map
  kTombstoneExpired,  // a tombstone past its batch's delete horizon
};

RecordFate FateOf(const Record& record, const OffsetMap& latest,
                  std::optional<int64_t> delete_horizon_ms, int64_t now_ms) {
  if (record.key) {
    auto it = latest.find(*record.key);
    if (it != latest.end() && it->second > record.offset) return RecordFate::kSuperseded;
  }
  if (!record.value && delete_horizon_ms && now_ms >= *delete_horizon_ms) {
    return RecordFate::kTombstoneExpired;
  }
  return RecordFate::kKept;
}

// Step 3's rewrite of batches into a cleaned segment: a control batch and a batch that loses
// nothing are copied byte for byte, a batch that loses every record is dropped, any other is
// rebuilt from its survivors (same base offset, codec and producer fields). The first pass that
// keeps a tombstone stamps its batch with the delete horizon. Counts removals in *result.
class BatchRewriter {
 public:
  BatchRewriter(const OffsetMap& latest, int64_t now_ms, int64_t new_horizon_ms,
                CleanResult* result)
      : latest_(latest), now_ms_(now_ms), new_horizon_ms_(new_horizon_ms), result_(result) {}

  // Rewrites the batches of `source` (its bytes) into `cleaned`.
  KafkaError RewriteSegment(const Segment& source, std::string_view bytes, Segment* cleaned) {
    BatchScanner scanner(bytes);
    BatchHeader header;
    while (scanner.Next(&header)) {
      if (KafkaError error = RewriteBatch(header, cleaned); !error.ok()) return error;
    }
    if (!scanner.at_end()) return CorruptSegment(source, scanner);
    return KafkaError::None();
  }

 private:
  struct Survivors {
    int32_t kept = 0;
    bool kept_tombstone = false;
  };

  KafkaError RewriteBatch(const BatchHeader& header, Segment* cleaned) {
    if (header.is_control()) return Append(header.bytes(), cleaned);
    Survivors survivors;
    if (Status s = CountSurvivors(header, &survivors); !s.ok()) return KafkaError::FromStatus(s);
    result_->records_removed += header.record_count() - survivors.kept;
    const bool needs_horizon = survivors.kept_tombstone && !header.delete_horizon_ms();
    if (survivors.kept == 0) return KafkaError::None();
    if (survivors.kept == header.record_count() && !needs_horizon) {
      return Append(header.bytes(), cleaned);
    }
    if (Status s = Rebuild(header, needs_horizon); !s.ok()) return KafkaError::FromStatus(s);
    return Append(rebuilt_, cleaned);
  }

  // First pass over a batch: what survives, and does it keep a tombstone?
  Status CountSurvivors(const BatchHeader& header, Survivors* survivors) {
    if (Status s = reader_.Open(header); !s.ok()) return s;
    while (reader_.Next(&record_)) {
      const RecordFate fate = FateOf(record_, latest_, header.delete_horizon_ms(), now_ms_);
      if (fate == RecordFate::kTombstoneExpired) ++result_->tombstones_removed;
      if (fate != RecordFate::kKept) continue;
      ++survivors->kept;
      survivors->kept_tombstone |= !record_.value;
    }
    return reader_.status();
  }

  // Second pass: the batch rebuilt from its survivors into rebuilt_.
  Status Rebuild(const BatchHeader& header, bool needs_horizon) {
    BatchOptions options = OptionsOf(header);
    if (needs_horizon) options.delete_horizon_ms = new_horizon_ms_;
    builder_.Start(options, &rebuilt_);
    if (Status s = reader_.Open(header); !s.ok()) return s;
    while (reader_.Next(&record_)) {
      if (FateOf(record_, latest_, header.delete_horizon_ms(), now_ms_) != RecordFate::kKept) {
        continue;
      }
      builder_.AddWithOffsetDelta(static_cast<int32_t>(record_.offset - header.base_offset()),
                                  record_.timestamp_ms, record_.key, record_.value,
                                  record_.header_count, record_.raw_headers);
    }
    return builder_.Finish();
  }

  static KafkaError Append(std::string_view batch, Segment* cleaned) {
    if (Status s = cleaned->Append(batch); !s.ok()) return KafkaError::FromStatus(s);
    return KafkaError::None();
  }

  const OffsetMap& latest_;
  const int64_t now_ms_;
  const int64_t new_horizon_ms_;
  CleanResult* result_;
  BatchReader reader_;
  BatchBuilder builder_;
  Record record_;
  std::string rebuilt_;
};

// Steps 3-4 for one group: its segments rewritten into "<base>.log.cleaned", flushed, then
// swapped in for the originals (Log::ReplaceSegments).
KafkaError CleanGroup(Env& env, Log& log, const std::vector<const Segment*>& group,
                      BatchRewriter& rewriter, CleanResult* result,
                      std::vector<ev::SegmentSummary>* cleaned_segments) {
  auto cleaned = std::make_unique<Segment>(env, log.name(), group.front()->base_offset(),
                                           log.config(), ".cleaned");
  if (Status s = cleaned->Create(); !s.ok()) return KafkaError::FromStatus(s);
  std::vector<int64_t> old_bases;
  std::string bytes;
  for (const Segment* source : group) {
    old_bases.push_back(source->base_offset());
    result->bytes_before += source->size_bytes();
    ++result->segments_before;
    if (Status s = ReadSegmentBytes(env.LocalDisk(), *source, &bytes); !s.ok()) {
      return KafkaError::FromStatus(s);
    }
    if (KafkaError error = rewriter.RewriteSegment(*source, bytes, cleaned.get()); !error.ok()) {
      return error;
    }
  }
  if (Status s = cleaned->OnBecomeInactive(); !s.ok()) return KafkaError::FromStatus(s);
  if (Status s = cleaned->Flush(); !s.ok()) return KafkaError::FromStatus(s);
  result->bytes_after += cleaned->size_bytes();
  cleaned_segments->push_back(SummaryOf(*cleaned));
  ++result->segments_after;
  return log.ReplaceSegments(old_bases, std::move(cleaned));
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
  // One file per log directory, as Kafka's LogCleanerManager keeps it; unreadable: no entries.
  if (ReadOffsetCheckpoint(env_.LocalDisk(), kCleanerCheckpointFile, &entries).ok()) {
    for (const OffsetCheckpointEntry& entry : entries) {
      if (entry.topic == log.topic() && entry.partition == log.partition()) offset = entry.offset;
    }
  }
  // A checkpoint outside the log (retention moved the start, or truncation the end) restarts
  // from the log start, as Kafka does.
  if (offset < log.log_start_offset() || offset > log.log_end_offset()) {
    offset = log.log_start_offset();
  }
  return offset;
}

Status LogCleaner::WriteCheckpoint(const Log& log, int64_t offset) {
  // Kafka's LogCleanerManager.updateCheckpoints: the directory's one file, read, this log's
  // entry replaced, written back (tmp, fsync, rename). Several cleaners may share the directory
  // (a log_host runs one per compacted log): the other logs' entries stay.
  Disk& disk = env_.LocalDisk();
  std::vector<OffsetCheckpointEntry> entries;
  if (!ReadOffsetCheckpoint(disk, kCleanerCheckpointFile, &entries).ok()) entries.clear();
  std::erase_if(entries, [&](const OffsetCheckpointEntry& entry) {
    return entry.topic == log.topic() && entry.partition == log.partition();
  });
  entries.push_back({log.topic(), log.partition(), offset});
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  return WriteOffsetCheckpoint(disk, kCleanerCheckpointFile, entries);
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
  if (KafkaError error =
          BuildOffsetMap(disk, inactive, range, options_.max_map_keys, &latest, &end_offset);
      !error.ok()) {
    return error;
  }
  if (end_offset <= range.first_dirty_offset) return KafkaError::None();  // nothing dirty

  // 3-4. Rewrite the segments below end_offset, group by group, and swap each group in.
  const int64_t now_ms = env_.WallClockMs();
  // Saturating: delete.retention.ms may be as large as Kafka's LONG.
  const int64_t retention_ms = log.config().delete_retention_ms;
  const int64_t new_horizon_ms =
      now_ms > INT64_MAX - retention_ms ? INT64_MAX : now_ms + retention_ms;
  BatchRewriter rewriter(latest, now_ms, new_horizon_ms, result);
  std::vector<ev::SegmentSummary> cleaned_segments;
  for (const std::vector<const Segment*>& group : GroupSegments(inactive, end_offset, log)) {
    if (KafkaError error = CleanGroup(env_, log, group, rewriter, result, &cleaned_segments);
        !error.ok()) {
      return error;
    }
  }

  // 5. The next pass starts where this one's map ended.
  if (Status s = WriteCheckpoint(log, end_offset); !s.ok()) return KafkaError::FromStatus(s);
  result->cleaned = true;
  result->end_offset = end_offset;
  env_.Trace(ev::LogClean{.tp = log.tp(),
                          .first_dirty_offset = result->first_dirty_offset,
                          .end_offset = end_offset,
                          .segments_before = result->segments_before,
                          .segments_after = result->segments_after,
                          .bytes_before = result->bytes_before,
                          .bytes_after = result->bytes_after,
                          .records_removed = result->records_removed,
                          .tombstones_removed = result->tombstones_removed,
                          .segments = cleaned_segments});
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
