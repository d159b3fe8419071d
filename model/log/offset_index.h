// OffsetIndex: the sparse offset index of one segment (the ".index" file), in Kafka's format:
// 8-byte entries, each (relative offset int32, physical position int32), big-endian, relative to
// the segment's base offset, both strictly increasing. An entry (r, p) says "the batch starting at
// byte p of the .log ends at offset base + r" (Kafka indexes a batch by its last offset); so the
// batch holding offset t starts at or after the position of the largest entry with offset <= t.
//
// The whole index is kept in memory (Kafka mmaps the file); every Append also writes the entry
// to the file at its slot. As in Kafka, the active segment's index file is preallocated to
// segment.index.bytes (rounded down to whole entries; Preallocate) and trimmed to its entries
// when the segment becomes inactive (TrimToValidSize): `ls -l` shows 10485760 for an active
// segment's .index. Durable only after Flush(). A file that fails the sanity check on Load
// (an untrimmed file after a crash does: its zero tail) is rebuilt by the segment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/env/disk.h"
#include "model/env/status.h"

namespace ks {

constexpr int kOffsetIndexEntryBytes = 8;

class OffsetIndex {
 public:
  struct Entry {
    int64_t offset = 0;    // absolute
    int32_t position = 0;  // byte position in the .log
  };

  OffsetIndex(Disk& disk, std::string path, int64_t base_offset, int64_t max_index_bytes);

  // Makes the file exist and empty.
  Status Reset();
  // Loads the file and checks it: a whole number of entries, offsets and positions increasing,
  // positions below `log_size_bytes`. *valid is false (and the index empty) if the check fails.
  Status Load(int64_t log_size_bytes, bool* valid);
  // Appends an entry; REQUIRES offset and position above the last entry's, !IsFull().
  Status Append(int64_t offset, int32_t position);
  // Replaces the index with `entries` (after a rebuild), rewriting the file.
  Status Rewrite(const std::vector<Entry>& entries);
  // Removes entries for batches at or after `position` (the log was truncated there).
  Status TruncateToPosition(int64_t position);
  // The file's length: max_entries() entries (the active segment's) / its entries only.
  Status Preallocate();
  Status TrimToValidSize();
  Status Flush();
  Status Rename(std::string new_path);
  Status Delete();

  // The largest entry with offset <= target, or (base_offset, 0) if there is none.
  Entry Lookup(int64_t target_offset) const {
    int64_t next_position;
    return Lookup(target_offset, &next_position);
  }
  // The same, and the position of the entry after it (-1 if none): the batch holding the target
  // starts before that position or at it.
  Entry Lookup(int64_t target_offset, int64_t* next_position) const;
  bool IsFull() const { return static_cast<int64_t>(entries_.size()) >= max_entries_; }
  int64_t max_entries() const { return max_entries_; }
  // The active segment's file length: segment.index.bytes rounded down to whole entries.
  int64_t preallocated_bytes() const { return max_entries_ * kOffsetIndexEntryBytes; }
  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& path() const { return path_; }

  static void EncodeEntry(int64_t base_offset, const Entry& entry, char* out);

 private:
  // Entries per block of the two-level search; a block's relative offsets fill one cache line.
  static constexpr size_t kBlockEntries = 16;

  // Rebuilds relative_offsets_ and block_firsts_ from entries_.
  void RebuildSearch();
  void AddToSearch(const Entry& entry);

  Disk& disk_;
  std::string path_;
  int64_t base_offset_;
  int64_t max_entries_;
  std::vector<Entry> entries_;
  // The lookup's search structure, beside entries_ (which keeps its public shape): the entries
  // in blocks of kBlockEntries holding their offsets relative to the base and their positions
  // (128 bytes, two cache lines, one page), and each block's first relative offset. A lookup
  // binary-searches block_firsts_ (small enough to stay in cache: 24 KiB in a 1 GiB segment of
  // 10 KiB batches) and then reads one block, nothing else.
  struct alignas(64) Block {
    uint32_t relative[kBlockEntries];  // unused slots: kUnusedRelative, above every target
    int32_t position[kBlockEntries];
  };
  static constexpr uint32_t kUnusedRelative = UINT32_MAX;
  std::vector<Block> blocks_;
  std::vector<uint32_t> block_firsts_;
};

}  // namespace ks
