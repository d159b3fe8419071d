#include "model/log/segment.h"

#include <algorithm>
#include <cstdio>

#include "model/env/check.h"

namespace ks {

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
  return time_index_.Reset();
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
        if (env_.Tracing()) {
          env_.Trace("log.index_entry",
                     std::move(TraceFields()
                                   .Add("segment", base_offset_)
                                   .Add("relative_offset", header.last_offset() - base_offset_)
                                   .Add("position", position)
                                   .Add("timestamp_ms", max_timestamp_ms_)));
        }
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
  int64_t position = size_bytes_;
  size_t at = 0;
  while (at < batches.size()) {
    BatchHeader header;
    KS_CHECK_MSG(BatchHeader::Parse(batches.substr(at), &header).ok(),
                 "Segment::Append requires whole, validated batches");
    KS_CHECK(header.base_offset() >= next_offset_);
    if (Status s = Account(header, position, /*write_index=*/true, nullptr, nullptr); !s.ok()) {
      return s;
    }
    position += header.size_bytes();
    at += static_cast<size_t>(header.size_bytes());
  }
  return Status::Ok();
}

Status Segment::ScanFile(bool validate, int64_t min_offset, Scan* scan) {
  ResetStats();
  const int64_t file_size = disk_.Size(log_path_);
  if (file_size < 0) return Status::NotFound(log_path_);
  std::string_view bytes;
  if (Status s = disk_.ReadView(log_path_, 0, file_size, &bytes); !s.ok()) return s;
  int64_t position = 0;
  int64_t expected_min_offset = std::max(min_offset, base_offset_);
  while (position < file_size) {
    const std::string_view rest = bytes.substr(static_cast<size_t>(position));
    BatchHeader header;
    Status s = BatchHeader::Parse(rest, &header);
    if (s.ok() && validate) s = ValidateBatch(header);
    if (s.ok() && header.base_offset() < expected_min_offset) {
      s = Status::Corruption("offsets go backwards: batch at " +
                             std::to_string(header.base_offset()) + " after offset " +
                             std::to_string(expected_min_offset - 1));
    }
    if (s.ok() && header.last_offset() - base_offset_ > INT32_MAX) {
      s = Status::Corruption("offset " + std::to_string(header.last_offset()) +
                             " does not fit the segment's relative offsets");
    }
    if (!s.ok()) {
      scan->error =
          Status::Corruption("at position " + std::to_string(position) + ": " + s.message());
      break;
    }
    if (Status a = Account(header, position, false, &scan->offset_entries, &scan->time_entries);
        !a.ok()) {
      return a;
    }
    ++scan->batches;
    expected_min_offset = header.next_offset();
    position += header.size_bytes();
  }
  scan->valid_bytes = position;
  return Status::Ok();
}

Status Segment::Load(SegmentScanReport* report) {
  Scan scan;
  if (Status s = ScanFile(/*validate=*/false, base_offset_, &scan); !s.ok()) return s;
  if (!scan.error.ok()) return Recover(base_offset_, report);
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
    if (Status s = time_index_.Rewrite(scan.time_entries); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Segment::Recover(int64_t min_offset, SegmentScanReport* report) {
  Scan scan;
  if (Status s = ScanFile(/*validate=*/true, min_offset, &scan); !s.ok()) return s;
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
    int64_t position = scan.valid_bytes;
    while (position < file_size) {
      const int64_t size = BatchHeader::PeekSizeBytes(bytes.substr(static_cast<size_t>(position)));
      ++report->batches_dropped;
      if (size < kRecordBatchOverhead) break;
      position += size;
    }
    if (Status s = disk_.Truncate(log_path_, scan.valid_bytes); !s.ok()) return s;
  }
  if (Status s = offset_index_.Rewrite(scan.offset_entries); !s.ok()) return s;
  return time_index_.Rewrite(scan.time_entries);
}

namespace {

// The fields of a batch header the forward scans need, checked as BatchHeader::Parse checks
// them, except that the batch only has to fit the `file_bytes_left` (it may extend past the
// view, which the scans bound to what they need so the disk can hand out a zero-copy view).
struct HeaderPeek {
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int64_t size_bytes = 0;
};

Status PeekHeader(std::string_view bytes, int64_t file_bytes_left, HeaderPeek* out) {
  if (bytes.size() < static_cast<size_t>(kRecordBatchOverhead)) {
    return Status::Corruption("truncated batch header: " + std::to_string(bytes.size()) +
                              " bytes, a header takes " + std::to_string(kRecordBatchOverhead));
  }
  const int64_t size = BatchHeader::PeekSizeBytes(bytes);
  if (size < kRecordBatchOverhead) {
    return Status::Corruption("impossible batch length " + std::to_string(size - kLogOverhead));
  }
  if (size > file_bytes_left) {
    return Status::Corruption("batch of " + std::to_string(size) + " bytes but only " +
                              std::to_string(file_bytes_left) + " bytes remain");
  }
  if (static_cast<int8_t>(bytes[kMagicOffset]) != kMagicV2) {
    return Status::Corruption("unsupported magic " +
                              std::to_string(static_cast<int8_t>(bytes[kMagicOffset])));
  }
  out->base_offset = static_cast<int64_t>(GetFixed64(bytes.data()));
  out->last_offset =
      out->base_offset + static_cast<int32_t>(GetFixed32(bytes.data() + kLastOffsetDeltaOffset));
  out->size_bytes = size;
  return Status::Ok();
}

}  // namespace

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
  size_t at = 0;
  while (at < bytes.size()) {
    HeaderPeek header;
    if (Status s =
            PeekHeader(bytes.substr(at), size_bytes_ - start - static_cast<int64_t>(at), &header);
        !s.ok()) {
      return Status::Corruption(log_path_ + " at position " + std::to_string(start + at) + ": " +
                                s.message());
    }
    if (header.last_offset >= offset) {
      *location =
          Location{static_cast<int32_t>(start + static_cast<int64_t>(at)), header.base_offset,
                   header.last_offset, static_cast<int32_t>(header.size_bytes)};
      return Status::Ok();
    }
    at += static_cast<size_t>(header.size_bytes);
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
  const std::string_view bytes(*out);
  size_t end = 0;
  while (end < bytes.size()) {
    const std::string_view tail = bytes.substr(end);
    // A batch that runs past the window does not fit max_bytes (the first one always fits). The
    // window may cut it anywhere, even inside its length field: the segment goes on past the
    // window, so these are not the bytes of a truncated batch.
    const bool length_cut = tail.size() < static_cast<size_t>(kLogOverhead);
    const int64_t size = BatchHeader::PeekSizeBytes(tail);
    const bool past_window =
        length_cut || (size >= kRecordBatchOverhead && static_cast<int64_t>(end) + size > window);
    if (window < rest && end > 0 && past_window) break;
    BatchHeader header;
    if (Status s = BatchHeader::Parse(bytes.substr(end), &header); !s.ok()) {
      return Status::Corruption(log_path_ + ": " + s.message());
    }
    if (header.last_offset() >= max_offset_exclusive) break;
    const bool fits = static_cast<int64_t>(end) + header.size_bytes() <= max_bytes;
    if (!fits && end > 0) break;
    end += static_cast<size_t>(header.size_bytes());
    ++*batch_count;
    if (!fits) break;
  }
  out->resize(end);
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
  size_t at = 0;
  while (at < bytes.size()) {
    BatchHeader header;
    if (Status s = BatchHeader::Parse(bytes.substr(at), &header); !s.ok()) {
      return Status::Corruption(log_path_ + ": " + s.message());
    }
    at += static_cast<size_t>(header.size_bytes());
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
  return Status::Ok();
}

Status Segment::TruncateTo(int64_t offset, int64_t* bytes_removed) {
  *bytes_removed = 0;
  std::optional<Location> location;
  if (Status s = Locate(offset, &location); !s.ok()) return s;
  if (!location) return Status::Ok();
  const int64_t before = size_bytes_;
  if (Status s = disk_.Truncate(log_path_, location->position); !s.ok()) return s;
  // Recompute sizes and timestamps from what is left; the indexes only lose their tail.
  Scan scan;
  if (Status s = ScanFile(/*validate=*/false, base_offset_, &scan); !s.ok()) return s;
  if (Status s = offset_index_.TruncateToPosition(location->position); !s.ok()) return s;
  if (Status s = time_index_.TruncateToOffset(next_offset_); !s.ok()) return s;
  *bytes_removed = before - size_bytes_;
  return Status::Ok();
}

Status Segment::OnBecomeInactive() {
  return time_index_.MaybeAppend(max_timestamp_ms_, offset_of_max_timestamp_,
                                 /*even_if_full=*/true);
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

std::string_view Segment::RollReason(int64_t bytes, int64_t last_offset,
                                     int64_t max_timestamp_ms) const {
  if (last_offset - base_offset_ > INT32_MAX) return "offset_overflow";
  if (size_bytes_ == 0) return {};
  if (size_bytes_ + bytes > config_.segment_bytes) return "size";
  if (rolling_timestamp_ms_ >= 0 && max_timestamp_ms - rolling_timestamp_ms_ > config_.segment_ms) {
    return "time";
  }
  if (offset_index_.IsFull() || time_index_.IsFull()) return "index_full";
  return {};
}

}  // namespace ks
