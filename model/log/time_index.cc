#include "model/log/time_index.h"

#include <algorithm>

#include "model/env/check.h"
#include "model/log/record_batch.h"

namespace ks {

TimeIndex::TimeIndex(Disk& disk, std::string path, int64_t base_offset, int64_t max_index_bytes)
    : disk_(disk),
      path_(std::move(path)),
      base_offset_(base_offset),
      max_entries_(std::max<int64_t>(2, max_index_bytes / kTimeIndexEntryBytes)) {}

Status TimeIndex::Reset() {
  entries_.clear();
  if (!disk_.Exists(path_)) return disk_.Create(path_);
  return disk_.Truncate(path_, 0);
}

Status TimeIndex::Load(int64_t next_offset, bool* valid) {
  entries_.clear();
  *valid = false;
  if (!disk_.Exists(path_)) return Status::Ok();
  const int64_t size = disk_.Size(path_);
  std::string_view bytes;
  if (Status s = disk_.ReadView(path_, 0, size, &bytes); !s.ok()) return s;
  if (size % kTimeIndexEntryBytes != 0 || size / kTimeIndexEntryBytes > max_entries_) {
    return Status::Ok();
  }
  std::vector<Entry> loaded;
  for (int64_t at = 0; at < size; at += kTimeIndexEntryBytes) {
    const auto timestamp = static_cast<int64_t>(GetFixed64(bytes.data() + at));
    const auto relative = static_cast<int32_t>(GetFixed32(bytes.data() + at + 8));
    const int64_t offset = base_offset_ + relative;
    if (relative < 0 || offset >= std::max(next_offset, base_offset_ + 1)) return Status::Ok();
    if (!loaded.empty() &&
        (timestamp <= loaded.back().timestamp_ms || offset < loaded.back().offset)) {
      return Status::Ok();
    }
    loaded.push_back({timestamp, offset});
  }
  entries_ = std::move(loaded);
  *valid = true;
  return Status::Ok();
}

Status TimeIndex::AppendEntry(const Entry& entry) {
  char bytes[kTimeIndexEntryBytes];
  PutFixed64(bytes, static_cast<uint64_t>(entry.timestamp_ms));
  PutFixed32(bytes + 8, static_cast<uint32_t>(entry.offset - base_offset_));
  // At the next free slot: the file may be preallocated beyond it.
  const int64_t at = static_cast<int64_t>(entries_.size()) * kTimeIndexEntryBytes;
  if (Status s = disk_.WriteAt(path_, at, std::string_view(bytes, sizeof(bytes))); !s.ok()) {
    return s;
  }
  entries_.push_back(entry);
  return Status::Ok();
}

Status TimeIndex::MaybeAppend(int64_t timestamp_ms, int64_t offset, bool even_if_full) {
  if (timestamp_ms < 0) return Status::Ok();  // no timestamp known
  if (!entries_.empty()) {
    KS_CHECK(offset >= entries_.back().offset);
    if (timestamp_ms <= entries_.back().timestamp_ms) return Status::Ok();
  }
  if (static_cast<int64_t>(entries_.size()) >= max_entries_) return Status::Ok();
  if (IsFull() && !even_if_full) return Status::Ok();
  KS_CHECK(offset >= base_offset_ && offset - base_offset_ <= INT32_MAX);
  return AppendEntry({timestamp_ms, offset});
}

Status TimeIndex::Rewrite(const std::vector<Entry>& entries) {
  if (Status s = Reset(); !s.ok()) return s;
  std::string bytes(entries.size() * kTimeIndexEntryBytes, '\0');
  for (size_t i = 0; i < entries.size(); ++i) {
    char* p = bytes.data() + i * kTimeIndexEntryBytes;
    PutFixed64(p, static_cast<uint64_t>(entries[i].timestamp_ms));
    PutFixed32(p + 8, static_cast<uint32_t>(entries[i].offset - base_offset_));
  }
  if (!bytes.empty()) {
    if (Status s = disk_.Append(path_, bytes); !s.ok()) return s;
  }
  entries_ = entries;
  return Status::Ok();
}

Status TimeIndex::TruncateToOffset(int64_t offset) {
  auto first_removed =
      std::lower_bound(entries_.begin(), entries_.end(), offset,
                       [](const Entry& entry, int64_t o) { return entry.offset < o; });
  const int64_t keep = first_removed - entries_.begin();
  if (keep == static_cast<int64_t>(entries_.size())) return Status::Ok();
  entries_.resize(static_cast<size_t>(keep));
  return disk_.Truncate(path_, keep * kTimeIndexEntryBytes);
}

Status TimeIndex::Preallocate() {
  return SetFileLength(disk_, path_, preallocated_bytes());
}

Status TimeIndex::TrimToValidSize() {
  return SetFileLength(disk_, path_, static_cast<int64_t>(entries_.size()) * kTimeIndexEntryBytes);
}

Status TimeIndex::Flush() { return disk_.Fsync(path_); }

Status TimeIndex::Rename(std::string new_path) {
  if (Status s = disk_.Rename(path_, new_path); !s.ok()) return s;
  path_ = std::move(new_path);
  return Status::Ok();
}

Status TimeIndex::Delete() {
  if (!disk_.Exists(path_)) return Status::Ok();
  return disk_.Delete(path_);
}

TimeIndex::Entry TimeIndex::Lookup(int64_t target_timestamp_ms) const {
  auto not_below = std::lower_bound(
      entries_.begin(), entries_.end(), target_timestamp_ms,
      [](const Entry& entry, int64_t target) { return entry.timestamp_ms < target; });
  if (not_below == entries_.begin()) return Entry{-1, base_offset_};
  return *std::prev(not_below);
}

}  // namespace ks
