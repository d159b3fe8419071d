#include "model/log/log.h"

#include <algorithm>
#include <charconv>

#include "model/env/check.h"
#include "model/log/batch_scanner.h"
#include "model/log/checkpoint_file.h"
#include "model/log/log_directory.h"

namespace ks {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// "orders-0/00000000000000000042.log" + ".log" -> 42; nullopt for any other name.
std::optional<int64_t> BaseOffsetOf(std::string_view path, std::string_view extension) {
  const size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (!EndsWith(name, extension) || name.size() != 20 + extension.size()) return std::nullopt;
  int64_t value = 0;
  auto [end, error] = std::from_chars(name.data(), name.data() + 20, value);
  if (error != std::errc() || end != name.data() + 20 || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::string_view TraceName(RetentionDeleteReason reason) {
  switch (reason) {
    case RetentionDeleteReason::kTime:
      return "time";
    case RetentionDeleteReason::kSize:
      return "size";
    case RetentionDeleteReason::kLogStartOffset:
      return "log_start_offset";
  }
  return "unknown";
}

std::string_view TraceName(LogStartOffsetReason reason) {
  switch (reason) {
    case LogStartOffsetReason::kRetention:
      return "retention";
    case LogStartOffsetReason::kDeleteRecords:
      return "delete_records";
    case LogStartOffsetReason::kTruncateFully:
      return "truncate_fully";
  }
  return "unknown";
}

Log::Log(Env& env, std::string topic, int32_t partition, const LogConfig& config)
    : env_(env),
      disk_(env.LocalDisk()),
      topic_(std::move(topic)),
      partition_(partition),
      name_(topic_ + "-" + std::to_string(partition)),
      config_(config),
      epoch_cache_(disk_, name_ + "/" + std::string(kLeaderEpochCheckpointFile)),
      producer_state_(std::make_unique<NoProducerState>()) {}

KafkaError Log::Open(Env& env, std::string topic, int32_t partition, const LogConfig& config,
                     std::unique_ptr<Log>* out,
                     std::unique_ptr<ProducerStateObserver> producer_state,
                     const LogCheckpointedOffsets& checkpointed) {
  std::unique_ptr<Log> log(new Log(env, std::move(topic), partition, config));
  if (producer_state) log->producer_state_ = std::move(producer_state);
  if (KafkaError error = log->Load(checkpointed); !error.ok()) return error;
  *out = std::move(log);
  return KafkaError::None();
}

Log::~Log() {
  if (directory_ != nullptr) directory_->Unregister(*this);
}

KafkaError Log::StorageError(const Status& status) {
  if (!offline_) {
    offline_ = true;
    const std::string error = status.ToString();
    env_.Trace(ev::LogOffline{.tp = tp(), .error = error});
  }
  return KafkaError(ErrorCode::kKafkaStorageError, name_ + ": " + status.ToString());
}

KafkaError Log::CheckOnline() const {
  if (offline_) {
    return KafkaError(ErrorCode::kKafkaStorageError, name_ + " is offline after a disk error");
  }
  if (closed_) return KafkaError(ErrorCode::kKafkaStorageError, name_ + " is closed");
  return KafkaError::None();
}

// ---- opening and recovery ----

KafkaError Log::Load(const LogCheckpointedOffsets& checkpointed) {
  const std::vector<std::string> files = disk_.List(name_ + "/");
  const bool is_new = files.empty();
  // Leftovers of interrupted operations: a cleaned segment never swapped in, a checkpoint
  // never renamed. The old files they would have replaced are still complete.
  for (const std::string& file : files) {
    if (EndsWith(file, ".cleaned") || EndsWith(file, ".tmp") || EndsWith(file, ".deleted")) {
      if (Status s = disk_.Delete(file); !s.ok()) return StorageError(s);
    }
  }
  if (Status s = CompleteSwaps(disk_.List(name_ + "/")); !s.ok()) return StorageError(s);

  const bool clean_shutdown = disk_.Exists(PathOf(kCleanShutdownFile));
  checkpointed_log_start_offset_ = checkpointed.log_start_offset;
  const int64_t recovery_point = checkpointed.recovery_point.value_or(0);
  if (Status s = RecoverSegments(recovery_point, clean_shutdown); !s.ok()) return StorageError(s);

  int64_t log_start = segments_.begin()->first;
  if (checkpointed.log_start_offset) log_start = std::max(log_start, *checkpointed.log_start_offset);
  if (log_start > log_end_offset()) {
    // The checkpointed start lies beyond what survived (a crash lost unflushed data that
    // retention had already passed): restart the log empty at its start, as Kafka does.
    for (auto& [base, segment] : segments_) {
      if (Status s = segment->DeleteFiles(); !s.ok()) return StorageError(s);
    }
    segments_.clear();
    producer_state_->OnTruncate(0);
    auto segment = std::make_unique<Segment>(env_, name_, log_start, config_);
    if (Status s = segment->Create(); !s.ok()) return StorageError(s);
    segments_.emplace(log_start, std::move(segment));
  }
  log_start_offset_ = log_start;

  if (Status s = epoch_cache_.Load(); !s.ok()) {
    // A corrupt epoch cache is rebuilt by replication; start empty rather than trust it.
    if (Status c = epoch_cache_.Clear(); !c.ok()) return StorageError(c);
  }
  if (Status s = epoch_cache_.TruncateFromEnd(log_end_offset()); !s.ok()) return StorageError(s);
  if (Status s = epoch_cache_.TruncateFromStart(log_start_offset_); !s.ok()) {
    return StorageError(s);
  }
  // The active segment's indexes are preallocated again (Kafka's LogLoader resizes them).
  if (Status s = mutable_active().PreallocateIndexes(); !s.ok()) return StorageError(s);
  // Everything that survived is now validated; make it durable and move the recovery point (in
  // memory: the checkpoint file keeps the old one until the periodic task writes it). A new log
  // has nothing to make durable: Kafka creates its empty segment without a flush, so a broker
  // given thousands of new partitions creates them at the cost of creating files.
  if (!is_new) {
    if (Status s = FlushStatus(); !s.ok()) return StorageError(s);
  }
  if (clean_shutdown) {
    if (Status s = disk_.Delete(PathOf(kCleanShutdownFile)); !s.ok()) return StorageError(s);
  }
  last_flush_us_ = env_.Now();
  TraceOpen();
  return KafkaError::None();
}

void Log::TraceOpen() {
  std::vector<ev::SegmentSummary> summaries;
  summaries.reserve(segments_.size());
  for (const auto& [base, segment] : segments_) summaries.push_back(SummaryOf(*segment));
  env_.Trace(ev::LogOpen{.tp = tp(),
                         .log_start_offset = log_start_offset_,
                         .log_end_offset = log_end_offset(),
                         .recovery_point = recovery_point_,
                         .index_bytes = active().offset_index().preallocated_bytes(),
                         .time_index_bytes = active().time_index().preallocated_bytes(),
                         .segments = summaries});
}

Status Log::CompleteSwaps(const std::vector<std::string>& files) {
  // A ".log.swap" is a complete cleaned segment whose originals may not all be gone yet: finish
  // the swap (delete what it replaces, then drop the suffix), as Kafka does on startup.
  for (const std::string& file : files) {
    if (!EndsWith(file, ".log.swap")) continue;
    const std::string without_suffix = file.substr(0, file.size() - 5);
    const std::optional<int64_t> base = BaseOffsetOf(without_suffix, ".log");
    if (!base) continue;
    auto swap = std::make_unique<Segment>(env_, name_, *base, config_, ".swap");
    SegmentScanReport report;
    if (Status s = swap->Recover(*base, &report); !s.ok()) return s;
    for (const std::string& other : disk_.List(name_ + "/")) {
      for (std::string_view extension : {".log", ".index", ".timeindex"}) {
        const std::optional<int64_t> other_base = BaseOffsetOf(other, extension);
        if (other_base && *other_base >= *base && *other_base < swap->next_offset()) {
          if (Status s = disk_.Delete(other); !s.ok()) return s;
        }
      }
    }
    if (Status s = swap->ChangeSuffix(""); !s.ok()) return s;
  }
  for (const std::string& file : disk_.List(name_ + "/")) {
    if (EndsWith(file, ".swap")) {
      if (Status s = disk_.Delete(file); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status Log::RecoverSegments(int64_t recovery_point, bool clean_shutdown) {
  std::vector<int64_t> bases;
  const std::vector<std::string> files = disk_.List(name_ + "/");
  for (const std::string& file : files) {
    if (std::optional<int64_t> base = BaseOffsetOf(file, ".log")) bases.push_back(*base);
  }
  // Index files whose .log is gone are orphans (a deletion cut short).
  for (const std::string& file : files) {
    for (std::string_view extension : {".index", ".timeindex"}) {
      std::optional<int64_t> base = BaseOffsetOf(file, extension);
      if (base && !std::binary_search(bases.begin(), bases.end(), *base)) {
        if (Status s = disk_.Delete(file); !s.ok()) return s;
      }
    }
  }

  LogRecoveryReport report;
  report.clean_shutdown = clean_shutdown;
  report.recovery_point = recovery_point;
  // Segments from the one holding the recovery point on may hold unflushed bytes.
  size_t first_to_recover = bases.size();
  if (!clean_shutdown) {
    first_to_recover = 0;
    for (size_t i = 0; i < bases.size(); ++i) {
      if (bases[i] <= recovery_point) first_to_recover = i;
    }
  }
  int64_t previous_next_offset = 0;
  bool truncated = false;
  for (size_t i = 0; i < bases.size(); ++i) {
    auto segment = std::make_unique<Segment>(env_, name_, bases[i], config_);
    if (truncated) {
      // Everything after a corrupt batch goes: offsets past it cannot be trusted to follow it.
      SegmentScanReport dropped;
      report.bytes_dropped += disk_.Size(segment->log_path());
      if (Status s = segment->Recover(bases[i], &dropped); !s.ok()) return s;
      report.batches_dropped += dropped.batches_valid + dropped.batches_dropped;
      if (Status s = segment->DeleteFiles(); !s.ok()) return s;
      ++report.segments_deleted;
      continue;
    }
    SegmentScanReport scan;
    if (i >= first_to_recover) {
      ++report.segments_scanned;
      if (Status s = segment->Recover(previous_next_offset, &scan, producer_state_.get());
          !s.ok()) {
        return s;
      }
    } else if (Status s = segment->Load(&scan, producer_state_.get()); !s.ok()) {
      return s;
    }
    if (!scan.reason.empty()) {
      truncated = i >= first_to_recover;
      report.batches_dropped += scan.batches_dropped;
      report.bytes_dropped += scan.bytes_dropped;
      if (report.reason.empty()) {
        report.reason = Segment::FileName(bases[i], ".log") + " " + scan.reason;
      }
    }
    previous_next_offset = segment->next_offset();
    segments_.emplace(bases[i], std::move(segment));
  }
  if (segments_.empty()) {
    // A new log, or one whose every segment was lost: start at the checkpointed log start.
    const int64_t start = checkpointed_log_start_offset_.value_or(0);
    auto segment = std::make_unique<Segment>(env_, name_, start, config_);
    if (Status s = segment->Create(); !s.ok()) return s;
    segments_.emplace(start, std::move(segment));
  }
  last_recovery_ = report;
  if (report.segments_scanned > 0 || !report.reason.empty()) {
    env_.Trace(ev::LogRecovery{.tp = tp(),
                               .recovery_point = recovery_point,
                               .segments_scanned = report.segments_scanned,
                               .batches_dropped = report.batches_dropped,
                               .bytes_dropped = report.bytes_dropped,
                               .segments_deleted = report.segments_deleted,
                               .log_end_offset = log_end_offset(),
                               .reason = report.reason});
  }
  return Status::Ok();
}

// ---- appends ----

KafkaError Log::ValidateForAppend(std::string_view records, bool as_leader,
                                  LogAppendInfo* info) const {
  if (records.empty()) return KafkaError(ErrorCode::kInvalidRequest, "no record batches to append");
  int64_t expected_min_offset = log_end_offset();
  BatchScanner scanner(records, BatchCheck::kValidated);
  BatchHeader header;
  BatchReader reader;
  while (scanner.Next(&header)) {
    if (header.size_bytes() > config_.max_message_bytes) {
      return KafkaError(
          ErrorCode::kMessageTooLarge,
          "batch of " + std::to_string(header.size_bytes()) +
              " bytes exceeds max.message.bytes=" + std::to_string(config_.max_message_bytes));
    }
    if (!CompressionSupported(header.compression())) {
      return KafkaError(ErrorCode::kUnsupportedCompressionType,
                        std::string(CompressionName(header.compression())) + " is not built in");
    }
    if (as_leader && header.record_count() != header.last_offset_delta() + 1) {
      return KafkaError(ErrorCode::kInvalidRecord, "record count " +
                                                       std::to_string(header.record_count()) +
                                                       " does not match lastOffsetDelta " +
                                                       std::to_string(header.last_offset_delta()));
    }
    if (!as_leader && header.base_offset() < expected_min_offset) {
      return KafkaError(ErrorCode::kInvalidRecord,
                        "batch at offset " + std::to_string(header.base_offset()) +
                            " does not follow offset " + std::to_string(expected_min_offset - 1));
    }
    if (as_leader && config_.cleanup_compact && !header.is_control()) {
      // A compacted topic keeps the latest record per key: a record without key has no place.
      if (Status o = reader.Open(header); !o.ok()) {
        return KafkaError(ErrorCode::kCorruptMessage, o.message());
      }
      Record record;
      while (reader.Next(&record)) {
        if (!record.key) {
          return KafkaError(ErrorCode::kInvalidRecord,
                            "compacted topic " + topic_ + " cannot accept a record without key");
        }
      }
      if (!reader.status().ok()) {
        return KafkaError(ErrorCode::kCorruptMessage, reader.status().message());
      }
    }
    const int64_t first = as_leader ? expected_min_offset : header.base_offset();
    if (info->batch_count == 0) info->first_offset = first;
    info->last_offset = first + header.last_offset_delta();
    info->max_timestamp_ms = std::max(info->max_timestamp_ms, header.max_timestamp_ms());
    ++info->batch_count;
    info->record_count += header.record_count();
    expected_min_offset = info->last_offset + 1;
  }
  if (!scanner.at_end()) {
    return KafkaError(
        ErrorCode::kCorruptMessage,
        "batch at byte " + std::to_string(scanner.position()) + ": " + scanner.status().message());
  }
  info->bytes = static_cast<int64_t>(records.size());
  if (info->bytes > config_.segment_bytes) {
    return KafkaError(ErrorCode::kRecordListTooLarge,
                      std::to_string(info->bytes) + " bytes of batches exceed segment.bytes=" +
                          std::to_string(config_.segment_bytes));
  }
  return KafkaError::None();
}

KafkaError Log::AppendAsLeader(std::string* records, int32_t leader_epoch, LogAppendInfo* info,
                               AppendOrigin origin) {
  *info = LogAppendInfo();
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  if (KafkaError error = ValidateForAppend(*records, /*as_leader=*/true, info); !error.ok()) {
    return error;
  }
  const bool log_append_time = config_.message_timestamp_type == TimestampType::kLogAppendTime;
  if (log_append_time) {
    info->log_append_time_ms = env_.WallClockMs();
    info->max_timestamp_ms = info->log_append_time_ms;
  }
  int64_t next = info->first_offset;
  // The scan reads each header before its fields are rewritten in place (none of them is the
  // length it steps by).
  BatchScanner scanner(*records);
  BatchHeader header;
  while (scanner.Next(&header)) {
    char* batch = records->data() + scanner.position();
    const int32_t last_offset_delta = header.last_offset_delta();
    SetBaseOffset(batch, next);
    SetPartitionLeaderEpoch(batch, leader_epoch);
    if (log_append_time) SetLogAppendTime(batch, header.size_bytes(), info->log_append_time_ms);
    next += int64_t{last_offset_delta} + 1;
  }
  KS_CHECK(scanner.at_end());
  if (KafkaError error = ObserveAppend(*records, origin); !error.ok()) return error;
  if (KafkaError error = AppendValidated(*records, *info); !error.ok()) return error;
  if (leader_epoch >= 0) {
    const std::optional<EpochEntry> latest = epoch_cache_.Latest();
    if (!latest || leader_epoch > latest->epoch) {
      if (Status s = epoch_cache_.Assign(leader_epoch, info->first_offset); !s.ok()) {
        return StorageError(s);
      }
    }
  }
  return KafkaError::None();
}

KafkaError Log::AppendAsFollower(std::string_view records, LogAppendInfo* info) {
  *info = LogAppendInfo();
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  if (KafkaError error = ValidateForAppend(records, /*as_leader=*/false, info); !error.ok()) {
    return error;
  }
  if (KafkaError error = ObserveAppend(records, AppendOrigin::kReplication); !error.ok()) {
    return error;
  }
  if (KafkaError error = AppendValidated(records, *info); !error.ok()) return error;
  // The leader's epochs travel inside the batches: record where each new one starts.
  BatchScanner scanner(records);
  BatchHeader header;
  while (scanner.Next(&header)) {
    const int32_t epoch = header.partition_leader_epoch();
    const std::optional<EpochEntry> latest = epoch_cache_.Latest();
    if (epoch >= 0 && (!latest || epoch > latest->epoch)) {
      if (Status s = epoch_cache_.Assign(epoch, header.base_offset()); !s.ok()) {
        return StorageError(s);
      }
    }
  }
  KS_CHECK(scanner.at_end());
  return KafkaError::None();
}

KafkaError Log::ObserveAppend(std::string_view records, AppendOrigin origin) {
  BatchScanner scanner(records);
  BatchHeader header;
  while (scanner.Next(&header)) {
    if (KafkaError error = producer_state_->OnAppend(header, origin); !error.ok()) return error;
  }
  KS_CHECK(scanner.at_end());
  return KafkaError::None();
}

KafkaError Log::AppendValidated(std::string_view records, const LogAppendInfo& info) {
  if (KafkaError error =
          MaybeRoll(info.bytes, info.first_offset, info.last_offset, info.max_timestamp_ms);
      !error.ok()) {
    return error;
  }
  Segment& segment = mutable_active();
  if (Status s = segment.Append(records); !s.ok()) return StorageError(s);
  env_.Trace(ev::LogAppend{.tp = tp(),
                           .base_offset = info.first_offset,
                           .last_offset = info.last_offset,
                           .records = info.record_count,
                           .bytes = info.bytes,
                           .segment = segment.base_offset()});
  unflushed_records_ += info.record_count;
  if (unflushed_records_ >= config_.flush_messages) {
    if (Status s = FlushStatus(); !s.ok()) return StorageError(s);
  }
  return MaybeFlushByTime();
}

KafkaError Log::MaybeRoll(int64_t bytes, int64_t first_offset, int64_t last_offset,
                          int64_t max_timestamp_ms) {
  const Segment& segment = active();
  std::optional<SegmentRollReason> reason =
      segment.RollReason(bytes, last_offset, max_timestamp_ms);
  if (!reason) return KafkaError::None();
  if (Status s = Roll(first_offset, *reason); !s.ok()) return StorageError(s);
  return KafkaError::None();
}

Status Log::Roll(int64_t new_base_offset, SegmentRollReason reason) {
  Segment& old = mutable_active();
  const int64_t old_base = old.base_offset();
  const int64_t old_size = old.size_bytes();
  int64_t old_index_entries = 0;
  int64_t old_time_index_entries = 0;
  if (old.empty()) {
    // Nothing to keep: an empty active segment is replaced by one at the new base.
    if (old_base == new_base_offset) return Status::Ok();
    if (Status s = old.DeleteFiles(); !s.ok()) return s;
    segments_.erase(old_base);
  } else {
    if (Status s = old.OnBecomeInactive(); !s.ok()) return s;
    if (Status s = old.Flush(); !s.ok()) return s;
    old_index_entries = old.index_entries();
    old_time_index_entries = old.time_index_entries();
  }
  auto segment = std::make_unique<Segment>(env_, name_, new_base_offset, config_);
  if (Status s = segment->Create(); !s.ok()) return s;
  segments_.emplace(new_base_offset, std::move(segment));
  // Everything below the new segment was just fsynced; the checkpoint file learns it from the
  // directory's periodic task (LogDirectory::CheckpointRecoveryPoints).
  recovery_point_ = std::max(recovery_point_, std::min(new_base_offset, log_end_offset()));
  const Segment& created = active();
  env_.Trace(ev::LogRoll{.tp = tp(),
                         .segment = new_base_offset,
                         .reason = reason,
                         .previous_segment = old_base,
                         .previous_bytes = old_size,
                         .previous_index_entries = old_index_entries,
                         .previous_time_index_entries = old_time_index_entries,
                         .index_bytes = created.offset_index().preallocated_bytes(),
                         .time_index_bytes = created.time_index().preallocated_bytes()});
  return Status::Ok();
}

// ---- reads ----

KafkaError Log::Read(int64_t fetch_offset, int64_t max_bytes, int64_t max_offset_exclusive,
                     LogReadResult* out) const {
  out->records.clear();
  out->batch_count = 0;
  out->log_start_offset = log_start_offset_;
  out->log_end_offset = log_end_offset();
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  if (fetch_offset < log_start_offset_ || fetch_offset > log_end_offset()) {
    return KafkaError(ErrorCode::kOffsetOutOfRange,
                      "fetch offset " + std::to_string(fetch_offset) + " is outside [" +
                          std::to_string(log_start_offset_) + ", " +
                          std::to_string(log_end_offset()) + "] of " + name_);
  }
  auto it = segments_.upper_bound(fetch_offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    const Segment& segment = *it->second;
    // Compaction can leave gaps and even empty segments: the batch holding the offset, or the
    // first one after it, may be further on.
    if (segment.empty() || segment.next_offset() <= fetch_offset) continue;
    Status s = segment.Read(fetch_offset, max_bytes, max_offset_exclusive, &out->records,
                            &out->batch_count);
    if (!s.ok()) return KafkaError::FromStatus(s);
    break;
  }
  return KafkaError::None();
}

KafkaError Log::Locate(int64_t offset, int64_t* segment_base_offset, int32_t* position) const {
  if (offset < log_start_offset_ || offset >= log_end_offset()) {
    return KafkaError(ErrorCode::kOffsetOutOfRange, "offset " + std::to_string(offset));
  }
  auto it = segments_.upper_bound(offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    std::optional<Segment::Location> location;
    if (Status s = it->second->Locate(offset, &location); !s.ok()) {
      return KafkaError::FromStatus(s);
    }
    if (location) {
      *segment_base_offset = it->first;
      *position = location->position;
      return KafkaError::None();
    }
  }
  return KafkaError(ErrorCode::kOffsetOutOfRange, "no batch holds " + std::to_string(offset));
}

KafkaError Log::OffsetForTimestamp(int64_t timestamp_ms,
                                   std::optional<Segment::TimestampAndOffset>* found) const {
  found->reset();
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  for (const auto& [base, segment] : segments_) {
    if (segment->next_offset() <= log_start_offset_) continue;
    if (Status s = segment->FindOffsetByTimestamp(timestamp_ms, log_start_offset_, found);
        !s.ok()) {
      return KafkaError::FromStatus(s);
    }
    if (*found) break;
  }
  return KafkaError::None();
}

// ---- truncation and retention ----

KafkaError Log::Truncate(int64_t to_offset) {
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  if (to_offset < 0) {
    return KafkaError(ErrorCode::kInvalidRequest, "cannot truncate to a negative offset");
  }
  if (to_offset >= log_end_offset()) return KafkaError::None();
  if (to_offset < log_start_offset_) return TruncateFullyAndStartAt(to_offset);
  int64_t bytes_removed = 0;
  while (segments_.size() > 1 && segments_.rbegin()->first > to_offset) {
    Segment& segment = mutable_active();
    bytes_removed += segment.size_bytes();
    if (Status s = segment.DeleteFiles(); !s.ok()) return StorageError(s);
    segments_.erase(segment.base_offset());
  }
  int64_t removed = 0;
  if (Status s = mutable_active().TruncateTo(to_offset, &removed); !s.ok()) {
    return StorageError(s);
  }
  bytes_removed += removed;
  producer_state_->OnTruncate(log_end_offset());
  // Kafka's LogManager.truncateTo checkpoints the recovery points at once: a checkpoint above
  // the new LEO would let a later recovery skip segments rewritten from here.
  recovery_point_ = std::min(recovery_point_, log_end_offset());
  if (KafkaError error = CheckpointDirectoryAfterTruncation(false); !error.ok()) return error;
  if (Status s = epoch_cache_.TruncateFromEnd(log_end_offset()); !s.ok()) return StorageError(s);
  env_.Trace(ev::LogTruncate{.tp = tp(),
                             .to_offset = to_offset,
                             .bytes_removed = bytes_removed,
                             .log_end_offset = log_end_offset(),
                             .full = false});
  return KafkaError::None();
}

KafkaError Log::TruncateFullyAndStartAt(int64_t offset) {
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  int64_t bytes_removed = 0;
  for (auto& [base, segment] : segments_) {
    bytes_removed += segment->size_bytes();
    if (Status s = segment->DeleteFiles(); !s.ok()) return StorageError(s);
  }
  segments_.clear();
  producer_state_->OnTruncate(0);
  auto segment = std::make_unique<Segment>(env_, name_, offset, config_);
  if (Status s = segment->Create(); !s.ok()) return StorageError(s);
  segments_.emplace(offset, std::move(segment));
  recovery_point_ = offset;
  if (Status s = epoch_cache_.Clear(); !s.ok()) return StorageError(s);
  log_start_offset_ = -1;  // force the change to be recorded
  if (Status s = SetLogStartOffset(offset, LogStartOffsetReason::kTruncateFully); !s.ok()) {
    return StorageError(s);
  }
  // Kafka's LogManager.truncateFullyAndStartAt checkpoints the directory's recovery points at
  // once. The log start offsets too here: a higher start left in the file would outlive the
  // truncation (the log now starts below it) and empty the log at the next restart.
  if (KafkaError error = CheckpointDirectoryAfterTruncation(true); !error.ok()) return error;
  env_.Trace(ev::LogTruncate{.tp = tp(),
                             .to_offset = offset,
                             .bytes_removed = bytes_removed,
                             .log_end_offset = log_end_offset(),
                             .full = true});
  return KafkaError::None();
}

KafkaError Log::DeleteOldSegments(int64_t high_watermark, int32_t* deleted) {
  *deleted = 0;
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  // Kafka's UnifiedLog.deleteOldSegments: three passes, each deleting the oldest segments while
  // its own rule holds; retention.bytes and retention.ms only under cleanup.policy=delete.
  const auto below_log_start = [this](const Segment&, const Segment* next) {
    return next != nullptr && next->base_offset() <= log_start_offset_;
  };
  if (KafkaError error = DeleteSegmentsWhile(high_watermark, RetentionDeleteReason::kLogStartOffset,
                                             below_log_start, deleted);
      !error.ok() || !config_.cleanup_delete) {
    return error;
  }
  if (config_.retention_bytes >= 0 && size_bytes() >= config_.retention_bytes) {
    // Delete the oldest while what remains stays at or above retention.bytes. The active
    // segment can only go this way with retention.bytes 0 (every earlier one went first).
    int64_t excess_bytes = size_bytes() - config_.retention_bytes;
    const auto beyond_size = [&excess_bytes](const Segment& segment, const Segment*) {
      if (excess_bytes - segment.size_bytes() < 0) return false;
      excess_bytes -= segment.size_bytes();
      return true;
    };
    if (KafkaError error =
            DeleteSegmentsWhile(high_watermark, RetentionDeleteReason::kSize, beyond_size, deleted);
        !error.ok()) {
      return error;
    }
  }
  if (config_.retention_ms >= 0) {
    const int64_t now_ms = env_.WallClockMs();
    const auto expired = [this, now_ms](const Segment& segment, const Segment*) {
      return now_ms - segment.max_timestamp_ms() > config_.retention_ms;
    };
    return DeleteSegmentsWhile(high_watermark, RetentionDeleteReason::kTime, expired, deleted);
  }
  return KafkaError::None();
}

KafkaError Log::DeleteSegmentsWhile(int64_t high_watermark, RetentionDeleteReason reason,
                                    const DeletePredicate& deletable, int32_t* deleted) {
  std::vector<int64_t> doomed;
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    const Segment& segment = *it->second;
    const auto next = std::next(it);
    const Segment* next_segment = next == segments_.end() ? nullptr : next->second.get();
    // The active segment's data ends at the LEO; an empty active segment is never deleted.
    const int64_t upper_bound_offset = next_segment ? next->first : log_end_offset();
    if (upper_bound_offset > high_watermark) break;  // never data the consumers cannot see yet
    if (!deletable(segment, next_segment)) break;
    if (next_segment == nullptr && segment.empty()) break;
    doomed.push_back(it->first);
  }
  if (doomed.empty()) return KafkaError::None();
  if (doomed.size() == segments_.size()) {
    // A log always has a segment: when the active one is to go too (every record in it
    // expired), Kafka's deleteSegments first rolls a new, empty one at the LEO.
    if (Status s = Roll(log_end_offset(), SegmentRollReason::kRetention); !s.ok()) {
      return StorageError(s);
    }
  }
  // First move the log start past the doomed segments (readers stop asking for them), then
  // delete their files.
  const int64_t new_start = segments_.upper_bound(doomed.back())->first;
  if (Status s = SetLogStartOffset(std::max(log_start_offset_, new_start),
                                   LogStartOffsetReason::kRetention);
      !s.ok()) {
    return StorageError(s);
  }
  for (const int64_t base : doomed) {
    Segment& segment = *segments_.at(base);
    const int64_t bytes = segment.size_bytes();
    const int64_t max_timestamp_ms = segment.max_timestamp_ms();
    if (Status s = segment.DeleteFiles(); !s.ok()) return StorageError(s);
    segments_.erase(base);
    ++*deleted;
    env_.Trace(ev::LogRetentionDelete{.tp = tp(),
                                      .segment = base,
                                      .reason = reason,
                                      .bytes = bytes,
                                      .max_timestamp_ms = max_timestamp_ms});
  }
  return KafkaError::None();
}

KafkaError Log::IncrementLogStartOffset(int64_t offset, int64_t high_watermark) {
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  if (offset > high_watermark || offset > log_end_offset()) {
    return KafkaError(ErrorCode::kOffsetOutOfRange,
                      "cannot move the log start offset to " + std::to_string(offset) +
                          " above the high watermark " + std::to_string(high_watermark));
  }
  if (offset <= log_start_offset_) return KafkaError::None();
  if (Status s = SetLogStartOffset(offset, LogStartOffsetReason::kDeleteRecords); !s.ok()) {
    return StorageError(s);
  }
  return KafkaError::None();
}

Status Log::SetLogStartOffset(int64_t offset, LogStartOffsetReason reason) {
  if (offset == log_start_offset_) return Status::Ok();
  log_start_offset_ = offset;  // the checkpoint file follows in CheckpointLogStartOffset
  if (Status s = epoch_cache_.TruncateFromStart(offset); !s.ok()) return s;
  env_.Trace(ev::LogStartOffset{.tp = tp(), .log_start_offset = offset, .reason = reason});
  return Status::Ok();
}

// ---- durability ----

Status Log::FlushStatus() {
  for (auto& [base, segment] : segments_) {
    if (segment->next_offset() > recovery_point_ || segment.get() == &active()) {
      if (Status s = segment->Flush(); !s.ok()) return s;
    }
  }
  const int64_t flushed_to = log_end_offset();
  recovery_point_ = flushed_to;  // in memory; the directory's task checkpoints it
  unflushed_records_ = 0;
  last_flush_us_ = env_.Now();
  env_.Trace(ev::LogFlush{.tp = tp(), .offset = flushed_to});
  return Status::Ok();
}

KafkaError Log::Flush() {
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  if (Status s = FlushStatus(); !s.ok()) return StorageError(s);
  return KafkaError::None();
}

KafkaError Log::MaybeFlushByTime() {
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  if (config_.flush_ms == kLongMax || unflushed_records_ == 0) return KafkaError::None();
  if ((env_.Now() - last_flush_us_) / kMillisecond >= config_.flush_ms) return Flush();
  return KafkaError::None();
}

KafkaError Log::Close() {
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  if (Status s = mutable_active().OnBecomeInactive(); !s.ok()) return StorageError(s);
  if (Status s = FlushStatus(); !s.ok()) return StorageError(s);
  env_.Trace(ev::LogClose{.tp = tp(),
                          .segment = active().base_offset(),
                          .index_entries = active().index_entries(),
                          .time_index_entries = active().time_index_entries(),
                          .log_end_offset = log_end_offset()});
  // The checkpoints are the directory's, written once the logs are closed (LogDirectory::CloseLogs,
  // as Kafka's LogManager.shutdown). The shutdown is one step of the node: nothing happens between.
  if (Status s = WriteFileAtomically(disk_, PathOf(kCleanShutdownFile), ""); !s.ok()) {
    return StorageError(s);
  }
  closed_ = true;
  return KafkaError::None();
}

KafkaError Log::CheckpointDirectoryAfterTruncation(bool with_log_start_offsets) {
  if (directory_ == nullptr) return KafkaError::None();
  return directory_->OnTruncated(with_log_start_offsets);
}

// ---- the cleaner's swap ----

KafkaError Log::ReplaceSegments(const std::vector<int64_t>& old_base_offsets,
                                std::unique_ptr<Segment> cleaned) {
  if (KafkaError error = CheckOnline(); !error.ok()) return error;
  KS_CHECK(!old_base_offsets.empty());
  KS_CHECK(cleaned->base_offset() == old_base_offsets.front());
  for (int64_t base : old_base_offsets) {
    KS_CHECK_MSG(segments_.count(base) == 1 && base != active().base_offset(),
                 "only inactive segments are replaced");
  }
  // From here a crash leaves a ".swap" that Open completes, so the old files may go.
  if (Status s = cleaned->ChangeSuffix(".swap"); !s.ok()) return StorageError(s);
  for (int64_t base : old_base_offsets) {
    if (Status s = segments_.at(base)->DeleteFiles(); !s.ok()) return StorageError(s);
    segments_.erase(base);
  }
  if (Status s = cleaned->ChangeSuffix(""); !s.ok()) return StorageError(s);
  segments_.emplace(cleaned->base_offset(), std::move(cleaned));
  return KafkaError::None();
}

// ---- accessors ----

int64_t Log::size_bytes() const {
  int64_t total = 0;
  for (const auto& [base, segment] : segments_) total += segment->size_bytes();
  return total;
}

std::vector<const Segment*> Log::segments() const {
  std::vector<const Segment*> out;
  out.reserve(segments_.size());
  for (const auto& [base, segment] : segments_) out.push_back(segment.get());
  return out;
}

}  // namespace ks
