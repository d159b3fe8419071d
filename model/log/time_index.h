// TimeIndex: the sparse time index of one segment (the ".timeindex" file), in Kafka's format:
// 12-byte entries, each (timestamp int64, relative offset int32), big-endian. An entry (t, r)
// says "the largest timestamp among batches up to offset base + r is t"; timestamps strictly
// increase from entry to entry (an entry that would not raise the timestamp is skipped).
// Entries are added alongside offset-index entries and once more when the segment stops being
// active, so the last entry holds the segment's largest timestamp.
//
// Held in memory; each entry is written at its slot of the file, which is preallocated to
// segment.index.bytes (rounded down to whole entries) while the segment is active and trimmed to
// its entries at roll and close, as Kafka's indexes are; durable after Flush().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/env/disk.h"
#include "model/env/status.h"

namespace ks {

constexpr int kTimeIndexEntryBytes = 12;

class TimeIndex {
 public:
  struct Entry {
    int64_t timestamp_ms = 0;
    int64_t offset = 0;  // absolute
  };

  TimeIndex(Disk& disk, std::string path, int64_t base_offset, int64_t max_index_bytes);

  Status Reset();
  // Loads and checks the file (whole entries, increasing timestamps, non-decreasing offsets
  // below `next_offset`); *valid false and the index empty if the check fails.
  Status Load(int64_t next_offset, bool* valid);
  // Appends (timestamp, offset) if the timestamp is above the last entry's. REQUIRES offset >=
  // the last entry's offset. Ignored when the index is full unless `even_if_full` (the closing
  // entry of a rolled segment may use the slot Kafka reserves for it).
  Status MaybeAppend(int64_t timestamp_ms, int64_t offset, bool even_if_full = false);
  Status Rewrite(const std::vector<Entry>& entries);
  // Removes entries whose offset is >= `offset`.
  Status TruncateToOffset(int64_t offset);
  // The file's length: max_entries() entries (the active segment's, preallocated as Kafka does)
  // / its entries only (at roll and close).
  Status Preallocate();
  Status TrimToValidSize();
  Status Flush();
  Status Rename(std::string new_path);
  Status Delete();

  // The largest entry whose timestamp is < target: records before its offset are all older
  // than the target. (base_offset, -1) if none.
  Entry Lookup(int64_t target_timestamp_ms) const;
  // Full when one slot is left: Kafka keeps it for the entry written at roll.
  bool IsFull() const { return static_cast<int64_t>(entries_.size()) >= max_entries_ - 1; }
  int64_t max_entries() const { return max_entries_; }
  // The active segment's file length: segment.index.bytes rounded down to whole entries.
  int64_t preallocated_bytes() const { return max_entries_ * kTimeIndexEntryBytes; }
  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& path() const { return path_; }

 private:
  Status AppendEntry(const Entry& entry);

  Disk& disk_;
  std::string path_;
  int64_t base_offset_;
  int64_t max_entries_;
  std::vector<Entry> entries_;
};

}  // namespace ks
