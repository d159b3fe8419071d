#include "model/log/offset_index.h"

#include <algorithm>
#include <iterator>

#include "model/env/check.h"
#include "model/log/record_batch.h"

namespace ks {

OffsetIndex::OffsetIndex(Disk& disk, std::string path, int64_t base_offset, int64_t max_index_bytes)
    : disk_(disk),
      path_(std::move(path)),
      base_offset_(base_offset),
      max_entries_(std::max<int64_t>(1, max_index_bytes / kOffsetIndexEntryBytes)) {}

void OffsetIndex::EncodeEntry(int64_t base_offset, const Entry& entry, char* out) {
  PutFixed32(out, static_cast<uint32_t>(entry.offset - base_offset));
  PutFixed32(out + 4, static_cast<uint32_t>(entry.position));
}

// REQUIRES entries_ already holds `entry` as its last element.
void OffsetIndex::AddToSearch(const Entry& entry) {
  const auto relative = static_cast<uint32_t>(entry.offset - base_offset_);
  const size_t slot = (entries_.size() - 1) % kBlockEntries;
  if (slot == 0) {
    Block block;
    std::fill(std::begin(block.relative), std::end(block.relative), kUnusedRelative);
    std::fill(std::begin(block.position), std::end(block.position), -1);
    blocks_.push_back(block);
    block_firsts_.push_back(relative);
  }
  blocks_.back().relative[slot] = relative;
  blocks_.back().position[slot] = entry.position;
}

void OffsetIndex::RebuildSearch() {
  blocks_.clear();
  block_firsts_.clear();
  std::vector<Entry> entries = std::move(entries_);
  entries_.clear();
  entries_.reserve(entries.size());
  for (const Entry& entry : entries) {
    entries_.push_back(entry);
    AddToSearch(entry);
  }
}

Status OffsetIndex::Reset() {
  entries_.clear();
  RebuildSearch();
  if (!disk_.Exists(path_)) return disk_.Create(path_);
  return disk_.Truncate(path_, 0);
}

Status OffsetIndex::Load(int64_t log_size_bytes, bool* valid) {
  entries_.clear();
  RebuildSearch();
  *valid = false;
  if (!disk_.Exists(path_)) return Status::Ok();
  const int64_t size = disk_.Size(path_);
  std::string_view bytes;
  if (Status s = disk_.ReadView(path_, 0, size, &bytes); !s.ok()) return s;
  if (size % kOffsetIndexEntryBytes != 0 || size / kOffsetIndexEntryBytes > max_entries_) {
    return Status::Ok();
  }
  std::vector<Entry> loaded;
  loaded.reserve(static_cast<size_t>(size / kOffsetIndexEntryBytes));
  for (int64_t at = 0; at < size; at += kOffsetIndexEntryBytes) {
    const auto relative = static_cast<int32_t>(GetFixed32(bytes.data() + at));
    const auto position = static_cast<int32_t>(GetFixed32(bytes.data() + at + 4));
    if (relative < 0 || position < 0 || position >= log_size_bytes) return Status::Ok();
    if (!loaded.empty() &&
        (base_offset_ + relative <= loaded.back().offset || position <= loaded.back().position)) {
      return Status::Ok();
    }
    loaded.push_back({base_offset_ + relative, position});
  }
  entries_ = std::move(loaded);
  RebuildSearch();
  *valid = true;
  return Status::Ok();
}

Status OffsetIndex::Append(int64_t offset, int32_t position) {
  KS_CHECK(!IsFull());
  KS_CHECK(offset >= base_offset_ && offset - base_offset_ <= INT32_MAX);
  KS_CHECK(entries_.empty() ||
           (offset > entries_.back().offset && position > entries_.back().position));
  char bytes[kOffsetIndexEntryBytes];
  const Entry entry{offset, position};
  EncodeEntry(base_offset_, entry, bytes);
  // At the next free slot: the file may be preallocated beyond it.
  const int64_t at = static_cast<int64_t>(entries_.size()) * kOffsetIndexEntryBytes;
  if (Status s = disk_.WriteAt(path_, at, std::string_view(bytes, sizeof(bytes))); !s.ok()) {
    return s;
  }
  entries_.push_back(entry);
  AddToSearch(entry);
  return Status::Ok();
}

Status OffsetIndex::Rewrite(const std::vector<Entry>& entries) {
  std::string bytes(entries.size() * kOffsetIndexEntryBytes, '\0');
  for (size_t i = 0; i < entries.size(); ++i) {
    EncodeEntry(base_offset_, entries[i], bytes.data() + i * kOffsetIndexEntryBytes);
  }
  if (Status s = Reset(); !s.ok()) return s;
  if (!bytes.empty()) {
    if (Status s = disk_.Append(path_, bytes); !s.ok()) return s;
  }
  entries_ = entries;
  RebuildSearch();
  return Status::Ok();
}

Status OffsetIndex::TruncateToPosition(int64_t position) {
  auto first_removed =
      std::lower_bound(entries_.begin(), entries_.end(), position,
                       [](const Entry& entry, int64_t p) { return entry.position < p; });
  const int64_t keep = first_removed - entries_.begin();
  if (keep == static_cast<int64_t>(entries_.size())) return Status::Ok();
  entries_.resize(static_cast<size_t>(keep));
  RebuildSearch();
  return disk_.Truncate(path_, keep * kOffsetIndexEntryBytes);
}

Status OffsetIndex::Preallocate() {
  return SetFileLength(disk_, path_, preallocated_bytes());
}

Status OffsetIndex::TrimToValidSize() {
  return SetFileLength(disk_, path_,
                       static_cast<int64_t>(entries_.size()) * kOffsetIndexEntryBytes);
}

Status OffsetIndex::Flush() { return disk_.Fsync(path_); }

Status OffsetIndex::Rename(std::string new_path) {
  if (Status s = disk_.Rename(path_, new_path); !s.ok()) return s;
  path_ = std::move(new_path);
  return Status::Ok();
}

Status OffsetIndex::Delete() {
  if (!disk_.Exists(path_)) return Status::Ok();
  return disk_.Delete(path_);
}

namespace {

// How many of a[0..n) (ascending) are <= target, by a binary search without branches (the
// compiler turns the step into a conditional move, so no mispredictions on random targets).
size_t CountAtMost(const uint32_t* a, size_t n, uint32_t target) {
  if (n == 0) return 0;
  const uint32_t* base = a;
  while (n > 1) {
    const size_t half = n / 2;
    base = base[half] <= target ? base + half : base;
    n -= half;
  }
  return static_cast<size_t>(base - a) + (*base <= target ? 1 : 0);
}

}  // namespace

OffsetIndex::Entry OffsetIndex::Lookup(int64_t target_offset, int64_t* next_position) const {
  *next_position = entries_.empty() ? -1 : blocks_.front().position[0];
  if (entries_.empty() || target_offset < entries_.front().offset) return Entry{base_offset_, 0};
  // Relative offsets fit 31 bits; a target beyond them is above every entry.
  const int64_t relative = target_offset - base_offset_;
  const auto target = static_cast<uint32_t>(std::min<int64_t>(relative, kUnusedRelative - 1));
  const size_t b = CountAtMost(block_firsts_.data(), block_firsts_.size(), target) - 1;
  const Block& block = blocks_[b];
  size_t at_most = 0;
  for (size_t i = 0; i < kBlockEntries; ++i) at_most += block.relative[i] <= target ? 1 : 0;
  const size_t slot = at_most - 1;
  if (slot + 1 < kBlockEntries && block.position[slot + 1] >= 0) {
    *next_position = block.position[slot + 1];
  } else {
    *next_position = b + 1 < blocks_.size() ? blocks_[b + 1].position[0] : -1;
  }
  return Entry{base_offset_ + block.relative[slot], block.position[slot]};
}

}  // namespace ks
