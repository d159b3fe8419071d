#include "model/log/segment.h"

#include <algorithm>
#include <cstdio>

#include "model/env/check.h"
#include "model/log/batch_scanner.h"
#include "model/log/log_events.h"

namespace ks {
namespace {

// The batch frames in `bytes`, by their length fields alone, counting the one a problem cuts
// short: an estimate of what recovery drops after the first bad byte (garbage has no frames).
int64_t CountFrames(std::string_view bytes) {
  BatchScanner scanner(bytes, BatchCheck::kFrame);
  BatchHeader header;
  int64_t frames = 0;
  while (scanner.Next(&header)) ++frames;
  return scanner.at_end() ? frames : frames + 1;
}

}  // namespace

Segment::Segment(Env& env, std::string directory, int64_t base_offset, const LogConfig& config,
                 std::string suffix)
    : env_(env),
      disk_(env.LocalDisk()),
      directory_(std::move(directory)),
      base_offset_(base_offset),
      config_(config),
      suffix_(std::move(suffix)),
      log_path_(PathFor(".log")),
      offset_index_(disk_, PathFor(".index"), base_offset, config.segment_index_bytes),
      time_index_(disk_, PathFor(".timeindex"), base_offset, config.segment_index_bytes),
      next_offset_(base_offset) {}

std::string Segment::FileName(int64_t base_offset, std::string_view extension) {
  char digits[32];
  std::snprintf(digits, sizeof(digits), "%020lld", static_cast<long long>(base_offset));
  return std::string(digits) + std::string(extension);
}

std::string Segment::PathFor(std::string_view extension) const {
  return directory_ + "/" + FileName(base_offset_, extension) + suffix_;
}

void Segment::ResetStats() {
  size_bytes_ = 0;
  next_offset_ = base_offset_;
  batch_count_ = 0;
  max_timestamp_ms_ = kNoTimestamp;
  offset_of_max_timestamp_ = base_offset_;
  rolling_timestamp_ms_ = kNoTimestamp;
  bytes_since_last_index_entry_ = 0;
}

Status Segment::Create() {
  ResetStats();
  if (disk_.Exists(log_path_)) {
    if (Status s = disk_.Truncate(log_path_, 0); !s.ok()) return s;
  } else if (Status s = disk_.Create(log_path_); !s.ok()) {
    return s;
  }
  if (Status s = offset_index_.Reset(); !s.ok()) return s;
  if (Status s = time_index_.Reset(); !s.ok()) return s;
  return PreallocateIndexes();
}

Status Segment::PreallocateIndexes() {
  if (Status s = offset_index_.Preallocate(); !s.ok()) return s;
  return time_index_.Preallocate();
}

Status Segment::Account(const BatchHeader& header, int64_t position, bool write_index,
                        std::vector<OffsetIndex::Entry>* offset_entries,
                        std::vector<TimeIndex::Entry>* time_entries) {
  if (header.max_timestamp_ms() > max_timestamp_ms_) {
    max_timestamp_ms_ = header.max_timestamp_ms();
    offset_of_max_timestamp_ = header.last_offset();
  }
  if (rolling_timestamp_ms_ == kNoTimestamp) rolling_timestamp_ms_ = header.max_timestamp_ms();
  // Kafka's rule: index a batch once more than index.interval.bytes were appended since the
  // previous entry, so the forward scan after a lookup reads about that many bytes at most.
  if (bytes_since_last_index_entry_ > config_.index_interval_bytes) {
    const int64_t entries_so_far = write_index
                                       ? static_cast<int64_t>(offset_index_.entries().size())
                                       : static_cast<int64_t>(offset_entries->size());
    if (entries_so_far < offset_index_.max_entries()) {
      if (write_index) {
        if (Status s = offset_index_.Append(header.last_offset(), static_cast<int32_t>(position));
            !s.ok()) {
          return s;
        }
        if (Status s = time_index_.MaybeAppend(max_timestamp_ms_, offset_of_max_timestamp_);
            !s.ok()) {
          return s;
        }
        env_.Trace(ev::LogIndexEntry{.segment = base_offset_,
                                     .relative_offset = header.last_offset() - base_offset_,
                                     .position = position,
                                     .timestamp_ms = max_timestamp_ms_});
      } else {
        offset_entries->push_back({header.last_offset(), static_cast<int32_t>(position)});
        if (max_timestamp_ms_ >= 0 &&
            (time_entries->empty() || max_timestamp_ms_ > time_entries->back().timestamp_ms)) {
          time_entries->push_back({max_timestamp_ms_, offset_of_max_timestamp_});
        }
      }
      bytes_since_last_index_entry_ = 0;
    }
  }
  bytes_since_last_index_entry_ += header.size_bytes();
  next_offset_ = header.next_offset();
  size_bytes_ = position + header.size_bytes();
  ++batch_count_;
  return Status::Ok();
}

Status Segment::Append(std::string_view batches) {
  if (Status s = disk_.Append(log_path_, batches); !s.ok()) return s;
  const int64_t start = size_bytes_;
  BatchScanner scanner(batches);
  BatchHeader header;
  while (scanner.Next(&header)) {
    KS_CHECK(header.base_offset() >= next_offset_);
    if (Status s =
            Account(header, start + scanner.position(), /*write_index=*/true, nullptr, nullptr);
        !s.ok()) {
      return s;
    }
  }
  KS_CHECK_MSG(scanner.at_end(), "Segment::Append requires whole, validated batches");
  return Status::Ok();
}

Status Segment::ScanFile(bool validate, int64_t min_offset, Scan* scan,
                         ProducerStateObserver* producer_state) {
  ResetStats();
  const int64_t file_size = disk_.Size(log_path_);
  if (file_size < 0) return Status::NotFound(log_path_);
  std::string_view bytes;
  if (Status s = disk_.ReadView(log_path_, 0, file_size, &bytes); !s.ok()) return s;
  BatchScanner scanner(bytes, validate ? BatchCheck::kValidated : BatchCheck::kHeader);
  int64_t expected_min_offset = std::max(min_offset, base_offset_);
  BatchHeader header;
  while (scanner.Next(&header)) {
    Status s = CheckSegmentOffsets(header, expected_min_offset);
    if (!s.ok()) {
      scan->error = Status::Corruption("at position " + std::to_string(scanner.position()) + ": " +
                                       s.message());
      break;
    }
    if (Status a =
            Account(header, scanner.position(), false, &scan->offset_entries, &scan->time_entries);
        !a.ok()) {
      return a;
    }
    ++scan->batches;
    expected_min_offset = header.next_offset();
    if (producer_state != nullptr) producer_state->OnRecoveredBatch(header);
  }
  if (scan->error.ok() && !scanner.at_end()) {
    // A torn tail ends the valid bytes as corruption does: recovery truncates there.
    scan->error = Status::Corruption("at position " + std::to_string(scanner.position()) + ": " +
                                     scanner.status().message());
  }
  scan->valid_bytes = scanner.position();
  return Status::Ok();
}

Status Segment::CheckSegmentOffsets(const BatchHeader& header, int64_t expected_min_offset) const {
  if (header.base_offset() < expected_min_offset) {
    return Status::Corruption("offsets go backwards: batch at " +
                              std::to_string(header.base_offset()) + " after offset " +
                              std::to_string(expected_min_offset - 1));
  }
  if (header.last_offset() - base_offset_ > INT32_MAX) {
    return Status::Corruption("offset " + std::to_string(header.last_offset()) +
                              " does not fit the segment's relative offsets");
  }
  return Status::Ok();
}

Status Segment::Load(SegmentScanReport* report, ProducerStateObserver* producer_state) {
  Scan scan;
  if (Status s = ScanFile(/*validate=*/false, base_offset_, &scan, producer_state); !s.ok()) {
    return s;
  }
  if (!scan.error.ok()) {
    // Recover scans the segment again: what this scan reported starts over.
    if (producer_state != nullptr) producer_state->OnTruncate(base_offset_);
    return Recover(base_offset_, report, producer_state);
  }
  report->batches_valid = scan.batches;
  report->bytes_valid = scan.valid_bytes;
  bool offset_index_valid = false;
  bool time_index_valid = false;
  if (Status s = offset_index_.Load(size_bytes_, &offset_index_valid); !s.ok()) return s;
  if (Status s = time_index_.Load(next_offset_, &time_index_valid); !s.ok()) return s;
  if (!offset_index_valid) {
    if (Status s = offset_index_.Rewrite(scan.offset_entries); !s.ok()) return s;
  }
  if (!time_index_valid) {
    AddClosingTimeEntry(&scan);
    if (Status s = time_index_.Rewrite(scan.time_entries); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Segment::Recover(int64_t min_offset, SegmentScanReport* report,
                        ProducerStateObserver* producer_state) {
  Scan scan;
  if (Status s = ScanFile(/*validate=*/true, min_offset, &scan, producer_state); !s.ok()) {
    return s;
  }
  const int64_t file_size = disk_.Size(log_path_);
  report->batches_valid = scan.batches;
  report->bytes_valid = scan.valid_bytes;
  report->bytes_dropped = file_size - scan.valid_bytes;
  report->batches_dropped = 0;
  report->reason.clear();
  if (!scan.error.ok()) {
    report->reason = scan.error.message();
    // Count the batch frames that still follow, by their length fields alone: an estimate of
    // what was lost (garbage has no frames to count).
    std::string_view bytes;
    if (Status s = disk_.ReadView(log_path_, 0, file_size, &bytes); !s.ok()) return s;
    report->batches_dropped = CountFrames(bytes.substr(static_cast<size_t>(scan.valid_bytes)));
    if (Status s = disk_.Truncate(log_path_, scan.valid_bytes); !s.ok()) return s;
  }
  if (Status s = offset_index_.Rewrite(scan.offset_entries); !s.ok()) return s;
  AddClosingTimeEntry(&scan);
  return time_index_.Rewrite(scan.time_entries);
}

void Segment::AddClosingTimeEntry(Scan* scan) const {
  // Kafka's LogSegment.recover ends as onBecomeInactiveSegment does: the segment's largest
  // timestamp goes into the time index even if it is full, so a rebuilt time index holds what a
  // rolled segment's does (time retention reads that last entry).
  std::vector<TimeIndex::Entry>& entries = scan->time_entries;
  if (max_timestamp_ms_ < 0) return;
  if (!entries.empty() && max_timestamp_ms_ <= entries.back().timestamp_ms) return;
  if (static_cast<int64_t>(entries.size()) >= time_index_.max_entries()) return;
  entries.push_back({max_timestamp_ms_, offset_of_max_timestamp_});
}

Status Segment::Locate(int64_t offset, std::optional<Location>* location) const {
  location->reset();
  if (offset >= next_offset_ || size_bytes_ == 0) return Status::Ok();
  // The batch holding `offset` starts at or after the index entry's position and at or before
  // the next entry's (whose batch ends above `offset`): view only that stretch, plus the next
  // entry's header.
  int64_t next_position = -1;
  const int64_t start = offset_index_.Lookup(offset, &next_position).position;
  const int64_t end =
      next_position < 0 ? size_bytes_ : std::min(size_bytes_, next_position + kRecordBatchOverhead);
  std::string_view bytes;
  if (Status s = disk_.ReadView(log_path_, start, end - start, &bytes); !s.ok()) return s;
  // The view holds the headers the walk needs, not whole batches: each batch only has to fit the
  // rest of the segment.
  BatchScanner scanner = BatchScanner::HeadersOnly(bytes, size_bytes_ - start);
  BatchHeader header;
  while (scanner.next_position() < static_cast<int64_t>(bytes.size()) && scanner.Next(&header)) {
    if (header.last_offset() >= offset) {
      *location = Location{static_cast<int32_t>(start + scanner.position()), header.base_offset(),
                           header.last_offset(), header.size_bytes()};
      return Status::Ok();
    }
  }
  if (scanner.stop() != BatchScanStop::kNone && !scanner.at_end()) {
    return Status::Corruption(log_path_ + " at position " +
                              std::to_string(start + scanner.position()) + ": " +
                              scanner.status().message());
  }
  return Status::Ok();
}

Status Segment::Read(int64_t offset, int64_t max_bytes, int64_t max_offset_exclusive,
                     std::string* out, int32_t* batch_count) const {
  out->clear();
  *batch_count = 0;
  std::optional<Location> location;
  if (Status s = Locate(offset, &location); !s.ok()) return s;
  if (!location) return Status::Ok();
  // Copy at most max_bytes (but the whole first batch) straight from the disk into *out, then
  // keep the whole batches that qualify.
  const int64_t rest = size_bytes_ - location->position;
  int64_t window = std::min(rest, std::max<int64_t>(max_bytes, 0));
  window = std::min(rest, std::max<int64_t>(window, location->size_bytes));
  if (Status s = disk_.Read(log_path_, location->position, window, out); !s.ok()) return s;
  BatchScanner scanner(*out);
  BatchHeader header;
  int64_t end = 0;
  while (scanner.Next(&header)) {
    if (header.last_offset() >= max_offset_exclusive) break;
    const bool fits = end + header.size_bytes() <= max_bytes;
    if (!fits && end > 0) break;
    end += header.size_bytes();
    ++*batch_count;
    if (!fits) break;
  }
  // A batch that runs past the window does not fit max_bytes (the first one always fits). The
  // window may cut it anywhere, even inside its length field: the segment goes on past the
  // window, so these are not the bytes of a truncated batch.
  const bool past_window = scanner.stopped_inside_batch() && window < rest && end > 0;
  if (scanner.stop() != BatchScanStop::kNone && !scanner.at_end() && !past_window) {
    return Status::Corruption(log_path_ + ": " + scanner.status().message());
  }
  out->resize(static_cast<size_t>(end));
  return Status::Ok();
}

Status Segment::FindOffsetByTimestamp(int64_t timestamp_ms, int64_t min_offset,
                                      std::optional<TimestampAndOffset>* found) const {
  found->reset();
  if (max_timestamp_ms_ < timestamp_ms || size_bytes_ == 0) return Status::Ok();
  const int64_t from_offset = std::max(time_index_.Lookup(timestamp_ms).offset, min_offset);
  const int64_t start = offset_index_.Lookup(from_offset).position;
  std::string_view bytes;
  if (Status s = disk_.ReadView(log_path_, start, size_bytes_ - start, &bytes); !s.ok()) return s;
  BatchReader reader;
  BatchScanner scanner(bytes);
  BatchHeader header;
  while (scanner.Next(&header)) {
    if (header.max_timestamp_ms() < timestamp_ms || header.last_offset() < min_offset) continue;
    if (Status s = reader.Open(header); !s.ok()) return s;
    Record record;
    while (reader.Next(&record)) {
      if (record.timestamp_ms >= timestamp_ms && record.offset >= min_offset) {
        *found = TimestampAndOffset{record.timestamp_ms, record.offset};
        return Status::Ok();
      }
    }
    if (!reader.status().ok()) return reader.status();
  }
  if (!scanner.at_end()) return Status::Corruption(log_path_ + ": " + scanner.status().message());
  return Status::Ok();
}

Status Segment::TruncateTo(int64_t offset, int64_t* bytes_removed) {
  *bytes_removed = 0;
  std::optional<Location> location;
  if (Status s = Locate(offset, &location); !s.ok()) return s;
  // Nothing at or after `offset` (a segment that was sealed, left active by the deletion of the
  // later ones, ends below it): Kafka's LogSegment.truncateTo resizes its indexes all the same.
  if (!location) return PreallocateIndexes();
  const int64_t before = size_bytes_;
  if (Status s = disk_.Truncate(log_path_, location->position); !s.ok()) return s;
  // Recompute sizes and timestamps from what is left; the indexes only lose their tail.
  Scan scan;
  if (Status s = ScanFile(/*validate=*/false, base_offset_, &scan, nullptr); !s.ok()) return s;
  if (Status s = offset_index_.TruncateToPosition(location->position); !s.ok()) return s;
  if (Status s = time_index_.TruncateToOffset(next_offset_); !s.ok()) return s;
  // The truncated segment is (or becomes) the active one: Kafka's LogSegment.truncateTo resizes
  // its indexes to segment.index.bytes again.
  if (Status s = PreallocateIndexes(); !s.ok()) return s;
  *bytes_removed = before - size_bytes_;
  return Status::Ok();
}

Status Segment::OnBecomeInactive() {
  if (Status s = time_index_.MaybeAppend(max_timestamp_ms_, offset_of_max_timestamp_,
                                         /*even_if_full=*/true);
      !s.ok()) {
    return s;
  }
  // Kafka's onBecomeInactiveSegment (and close): the preallocated index files shrink to their
  // entries.
  if (Status s = offset_index_.TrimToValidSize(); !s.ok()) return s;
  return time_index_.TrimToValidSize();
}

Status Segment::Flush() {
  if (Status s = disk_.Fsync(log_path_); !s.ok()) return s;
  if (Status s = offset_index_.Flush(); !s.ok()) return s;
  return time_index_.Flush();
}

Status Segment::ChangeSuffix(std::string suffix) {
  suffix_ = std::move(suffix);
  const std::string new_log_path = PathFor(".log");
  if (Status s = disk_.Rename(log_path_, new_log_path); !s.ok()) return s;
  log_path_ = new_log_path;
  if (Status s = offset_index_.Rename(PathFor(".index")); !s.ok()) return s;
  return time_index_.Rename(PathFor(".timeindex"));
}

Status Segment::DeleteFiles() {
  if (disk_.Exists(log_path_)) {
    if (Status s = disk_.Delete(log_path_); !s.ok()) return s;
  }
  if (Status s = offset_index_.Delete(); !s.ok()) return s;
  return time_index_.Delete();
}

std::optional<SegmentRollReason> Segment::RollReason(int64_t bytes, int64_t last_offset,
                                                     int64_t max_timestamp_ms) const {
  if (last_offset - base_offset_ > INT32_MAX) return SegmentRollReason::kOffsetOverflow;
  if (size_bytes_ == 0) return std::nullopt;
  if (size_bytes_ + bytes > config_.segment_bytes) return SegmentRollReason::kSize;
  if (rolling_timestamp_ms_ >= 0 && max_timestamp_ms - rolling_timestamp_ms_ > config_.segment_ms) {
    return SegmentRollReason::kTime;
  }
  if (offset_index_.IsFull() || time_index_.IsFull()) return SegmentRollReason::kIndexFull;
  return std::nullopt;
}

std::string_view SegmentRollReasonName(SegmentRollReason reason) {
  switch (reason) {
    case SegmentRollReason::kSize:
      return "size";
    case SegmentRollReason::kTime:
      return "time";
    case SegmentRollReason::kIndexFull:
      return "index_full";
    case SegmentRollReason::kOffsetOverflow:
      return "offset_overflow";
    case SegmentRollReason::kRetention:
      return "retention";
  }
  return "unknown";
}

}  // namespace ks
