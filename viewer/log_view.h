// LogView: one log (a partition's replica on one node, or a log_host's log) as its storage trace
// events tell it (docs/trace-schema.md, "The log"): the segments with their offsets and sizes,
// the recovery point (flushed up to), the latest offset-index entries, the truncations and the
// segments retention deleted. ClusterModel folds the events into it; the Log panel draws it.
//
// What the trace does not say is not guessed: a segment's size is the sum of the appends to it
// (set exactly by log.open, log.roll, log.clean, disk.crash_loss and log.recovery), and its index
// entries are those log.index_entry reported since it was created, set exactly by log.open,
// log.roll, log.clean and log.close (the time index's closing entry and a recovery's rebuilt
// indexes are not traced one by one). The index files' sizes are what `ls -l` shows on a broker:
// the active segment's are preallocated to segment.index.bytes (rounded down to whole entries,
// as log.open and log.roll say), every other's trimmed to its entries, as the active one's are
// once the log closes.
//
// The value is copied with every snapshot of the cluster picture, so what grows with the run is
// capped: the last kMaxIndexEntries index entries and the last kMaxHistory truncations and
// deletions (totals keep counting past the caps); and the index entries are shared between
// copies until one changes them, so snapshots of 100s of logs share those that did not move.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/env/trace.h"

namespace ks {

// A vector shared by the copies of its owner until one of them changes it (copy on write).
template <typename T>
class SharedVector {
 public:
  const std::vector<T>& get() const { return items_ ? *items_ : Empty(); }
  // The vector to change; copied first if another owner still shares it.
  std::vector<T>& Mutable() {
    if (items_ == nullptr) {
      items_ = std::make_shared<std::vector<T>>();
    } else if (items_.use_count() > 1) {
      items_ = std::make_shared<std::vector<T>>(*items_);
    }
    return *items_;
  }

 private:
  static const std::vector<T>& Empty() {
    static const std::vector<T> empty;
    return empty;
  }
  std::shared_ptr<std::vector<T>> items_;
};

struct SegmentView {
  int64_t base_offset = 0;
  int64_t end_offset = 0;  // one past the last offset written to it (base_offset while empty)
  int64_t size_bytes = 0;
  int64_t index_entries = 0;             // offset-index entries (all, not only the ones kept below)
  int64_t time_index_entries = 0;        // time-index entries (the closing one at roll included)
  int64_t last_index_timestamp_ms = -1;  // the time index's latest timestamp, as far as traced
  std::string roll_reason;    // why the log rolled past it (size, time, ...); empty if active
  int32_t times_cleaned = 0;  // compaction passes that rewrote it
  TimeUs cleaned_at_us = -1;
};

struct IndexEntryView {
  int64_t segment = 0;        // the segment's base offset
  int64_t offset = 0;         // absolute: the last offset of the batch the entry points at
  int64_t position = 0;       // byte position of that batch in the segment's .log
  int64_t timestamp_ms = -1;  // the segment's largest timestamp at that point
  bool time_entry = false;    // the time index grew too (the timestamp went up)
};

struct TruncationView {
  TimeUs time_us = 0;
  int64_t from_offset = 0;  // the log end before
  int64_t to_offset = 0;
  int64_t bytes_removed = 0;
  bool full = false;  // TruncateFullyAndStartAt: every segment went, the log restarts there
};

struct DeletedSegmentView {
  TimeUs time_us = 0;
  int64_t base_offset = 0;
  int64_t end_offset = 0;
  int64_t size_bytes = 0;
  std::string reason;  // time, size, log_start_offset
};

struct RecoveryView {
  TimeUs time_us = -1;  // -1: never recovered
  int64_t segments_scanned = 0;
  int64_t bytes_dropped = 0;
  int64_t segments_deleted = 0;
  std::string reason;  // the first corruption found, empty if none
};

struct LogView {
  static constexpr size_t kMaxIndexEntries = 64;
  static constexpr size_t kMaxHistory = 8;
  static constexpr int64_t kIndexEntryBytes = 8;      // an offset-index entry in the .index
  static constexpr int64_t kTimeIndexEntryBytes = 12;  // a time-index entry in the .timeindex

  int32_t node = -1;
  std::string topic_partition;
  std::vector<SegmentView> segments;  // by base offset; the last one is the active segment
  int64_t log_start = 0;
  int64_t log_end = 0;
  int64_t recovery_point = 0;  // flushed up to (exclusive): later offsets live in the page cache
  SharedVector<IndexEntryView> index_entries_shared;  // see index_entries()
  int64_t index_entries_total = 0;
  std::vector<TruncationView> truncations;  // the latest, oldest first
  int64_t truncations_total = 0;
  std::vector<DeletedSegmentView> deleted;  // retention's deletions, oldest first
  int64_t segments_deleted_total = 0;
  int64_t clean_passes = 0;
  int64_t records_cleaned_away = 0;
  RecoveryView recovery;
  std::string offline_error;  // a disk error took it offline
  // The active segment's index files, preallocated to segment.index.bytes (rounded down to whole
  // entries); -1 if the trace did not say (no log.open or log.roll seen).
  int64_t preallocated_index_bytes = -1;
  int64_t preallocated_time_index_bytes = -1;
  bool closed = false;  // closed cleanly (log.close): the active segment's indexes are trimmed

  // The latest index entries, oldest first.
  const std::vector<IndexEntryView>& index_entries() const { return index_entries_shared.get(); }
  int64_t SizeBytes() const;
  const SegmentView* Active() const { return segments.empty() ? nullptr : &segments.back(); }
  // Whether the segment's index files are preallocated (the active segment of an open log).
  bool Preallocated(const SegmentView& segment) const {
    return !closed && &segment == Active();
  }
  // The sizes of the segment's .index and .timeindex files, as `ls -l` shows them (-1: unknown,
  // a preallocated size the trace did not give).
  int64_t IndexBytes(const SegmentView& segment) const;
  int64_t TimeIndexBytes(const SegmentView& segment) const;

  // What log.open and log.roll say of index files.
  struct IndexFiles {
    int64_t previous_index_entries = 0;  // the sealed segment's, trimmed to them (log.roll)
    int64_t previous_time_index_entries = 0;
    int64_t index_bytes = -1;  // the active segment's, preallocated
    int64_t time_index_bytes = -1;
  };

  // One method per storage event (fields already parsed; `now_us` is the event's time).
  // log.open: `opened` are the segments as loaded (base, end, size and entry counts set).
  void OnOpen(int64_t log_start_offset, int64_t log_end_offset, int64_t recovery_point_offset,
              const IndexFiles& files, const std::vector<SegmentView>& opened);
  void OnAppend(int64_t segment, int64_t last_offset, int64_t bytes);
  // `count` false: the entry is listed, the segment's counts were set by the event (log.clean).
  void OnIndexEntry(IndexEntryView entry, bool count = true);
  void OnRoll(int64_t segment, const std::string& reason, int64_t previous_segment,
              int64_t previous_bytes, const IndexFiles& files);
  // log.close: the active segment's indexes trimmed to these entries.
  void OnClose(int64_t segment, int64_t index_entries, int64_t time_index_entries,
               int64_t log_end_offset);
  void OnFlush(int64_t offset) { recovery_point = offset; }
  void OnRetentionDelete(TimeUs now_us, int64_t segment, const std::string& reason, int64_t bytes);
  void OnTruncate(TimeUs now_us, int64_t to_offset, int64_t bytes_removed, int64_t log_end_offset,
                  bool full);
  void OnRecovery(TimeUs now_us, int64_t segments_scanned, int64_t bytes_dropped,
                  int64_t segments_deleted, int64_t log_end_offset, const std::string& reason);
  // A compaction pass: `cleaned` are the segments that replaced every segment from the first
  // one's base up to `end_offset` (base, end, size and entry counts set; empty if the trace
  // predates them).
  void OnClean(TimeUs now_us, int64_t end_offset, int64_t records_removed,
               const std::vector<SegmentView>& cleaned);
  // A power loss cut the segment file at `segment` to `size_bytes` (disk.crash_loss).
  void OnCrashLoss(int64_t segment, int64_t size_bytes);

 private:
  SegmentView& SegmentAt(int64_t base_offset);  // creates it (in order) if missing
  void DropIndexEntriesOf(int64_t segment);
  // Removes the index entries `drop` selects; returns how many.
  template <typename Predicate>
  size_t EraseIndexEntries(Predicate drop);
};

// "orders-0/00000000000000000030.log" -> true with *topic_partition "orders-0", *segment 30.
bool ParseSegmentFile(const std::string& path, std::string* topic_partition, int64_t* segment);
// "00000000000000000030.log at position 1234: ..." (log.recovery's reason) -> segment 30,
// position 1234.
bool ParseCorruptionReason(const std::string& reason, int64_t* segment, int64_t* position);

}  // namespace ks
