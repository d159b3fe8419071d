// Segment: one file-set of a partition's log — "<base>.log" (the batches, back to back),
// "<base>.index" (OffsetIndex) and "<base>.timeindex" (TimeIndex), where <base> is the first
// offset the segment may hold, zero-padded to 20 digits. A segment never reorders or rewrites
// bytes in place: batches are appended, and the tail can be truncated (recovery, replication).
//
// The Log owns its segments and decides when to roll; a Segment only appends what it is given
// (whole batches the Log already validated), keeps its sparse indexes, answers lookups and scans
// its own bytes during recovery. Files may carry a suffix (".cleaned", ".swap") while the
// cleaner builds a replacement.
//
// Every disk failure comes back as a Status; in-memory state is then undefined and the Log stops
// using the segment (it takes the log offline, as Kafka takes the log directory offline).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/env/env.h"
#include "model/log/log_config.h"
#include "model/log/offset_index.h"
#include "model/log/producer_state.h"
#include "model/log/record_batch.h"
#include "model/log/time_index.h"

namespace ks {

// Why a new segment must be rolled before an append (Segment::RollReason).
enum class SegmentRollReason { kSize, kTime, kIndexFull, kOffsetOverflow, kRetention };
// "size", "time", "index_full", "offset_overflow", "retention" (the active segment is to be
// deleted by retention)
std::string_view SegmentRollReasonName(SegmentRollReason reason);

// What a scan of the .log found; filled by Recover.
struct SegmentScanReport {
  int64_t batches_valid = 0;
  int64_t bytes_valid = 0;
  int64_t batches_dropped = 0;  // batch headers still readable after the first bad byte
  int64_t bytes_dropped = 0;
  std::string reason;  // empty if the whole file was valid
};

class Segment {
 public:
  Segment(Env& env, std::string directory, int64_t base_offset, const LogConfig& config,
          std::string suffix = "");

  // "00000000000000000042.log" for (42, ".log").
  static std::string FileName(int64_t base_offset, std::string_view extension);

  // Creates empty files (truncating leftovers of the same name), the indexes preallocated to
  // segment.index.bytes as an active segment's are.
  Status Create();
  // Sets the index files' length to segment.index.bytes (an active segment's, as Kafka's
  // resizeIndexes after a load or truncation).
  Status PreallocateIndexes();
  // Loads an existing segment without validating CRCs (it is below the recovery point): indexes
  // are loaded and sanity-checked, rebuilt if they fail; sizes and timestamps come from a header
  // scan. If even the headers do not parse, falls back to Recover and reports in *report.
  // `producer_state` (if not null) hears of every batch kept (OnRecoveredBatch), and of a
  // fallback to Recover (OnTruncate from the segment's base, then the batches Recover keeps).
  Status Load(SegmentScanReport* report, ProducerStateObserver* producer_state = nullptr);
  // Validates every batch (lengths, magic, CRC, increasing offsets within the segment), truncates
  // the file at the first bad one and rebuilds both indexes. `min_offset`: batches must start at
  // or above it (the previous segment's end). `producer_state` as for Load.
  Status Recover(int64_t min_offset, SegmentScanReport* report,
                 ProducerStateObserver* producer_state = nullptr);

  // Appends whole, validated batches (one or more, back to back).
  Status Append(std::string_view batches);

  // The position of the first batch whose last offset is >= `offset`, scanning forward from the
  // index's hint; nullopt if every batch of the segment ends below `offset`.
  struct Location {
    int32_t position = 0;
    int64_t batch_base_offset = 0;
    int64_t batch_last_offset = 0;
    int32_t size_bytes = 0;  // of that batch
  };
  Status Locate(int64_t offset, std::optional<Location>* location) const;

  // Copies whole batches starting with the one holding `offset` into *out: stop before a batch
  // that would pass `max_bytes` (the first batch is always included, as Kafka's fetch does) or
  // that ends at or beyond `max_offset_exclusive`. *out is empty if no batch qualifies.
  Status Read(int64_t offset, int64_t max_bytes, int64_t max_offset_exclusive, std::string* out,
              int32_t* batch_count) const;

  // The first record at or after `min_offset` with timestamp >= `timestamp_ms`.
  struct TimestampAndOffset {
    int64_t timestamp_ms = 0;
    int64_t offset = 0;
  };
  Status FindOffsetByTimestamp(int64_t timestamp_ms, int64_t min_offset,
                               std::optional<TimestampAndOffset>* found) const;

  // Removes every batch whose last offset is >= `offset` (a batch holding `offset` goes whole).
  Status TruncateTo(int64_t offset, int64_t* bytes_removed);
  // Adds the time index's closing entry and trims both index files to their entries (the segment
  // stops being the active one, or the log closes).
  Status OnBecomeInactive();
  // Makes log and indexes durable.
  Status Flush();
  // Renames the three files to carry `suffix` ("" for the final names).
  Status ChangeSuffix(std::string suffix);
  Status DeleteFiles();

  // Would appending `bytes` of batches ending at `last_offset` with largest timestamp
  // `max_timestamp_ms` need a new segment first? Returns the reason, or nullopt.
  std::optional<SegmentRollReason> RollReason(int64_t bytes, int64_t last_offset,
                                              int64_t max_timestamp_ms) const;

  int64_t base_offset() const { return base_offset_; }
  // One past the last offset held; base_offset() if the segment is empty.
  int64_t next_offset() const { return next_offset_; }
  int64_t size_bytes() const { return size_bytes_; }
  bool empty() const { return size_bytes_ == 0; }
  // The largest record timestamp (-1 if none).
  int64_t max_timestamp_ms() const { return max_timestamp_ms_; }
  int64_t batch_count() const { return batch_count_; }
  const std::string& log_path() const { return log_path_; }
  const OffsetIndex& offset_index() const { return offset_index_; }
  const TimeIndex& time_index() const { return time_index_; }
  int64_t index_entries() const { return static_cast<int64_t>(offset_index_.entries().size()); }
  int64_t time_index_entries() const {
    return static_cast<int64_t>(time_index_.entries().size());
  }

 private:
  // Walks the batches of the .log from position 0. With `validate`, checks CRCs and offsets too.
  // Recomputes sizes and timestamps, and the index entries the batches call for.
  struct Scan {
    int64_t valid_bytes = 0;
    int64_t batches = 0;
    Status error;  // why the scan stopped early
    std::vector<OffsetIndex::Entry> offset_entries;
    std::vector<TimeIndex::Entry> time_entries;
  };
  Status ScanFile(bool validate, int64_t min_offset, Scan* scan,
                  ProducerStateObserver* producer_state);
  // Recovery's checks beyond the batch's own: offsets above the previous batch's and within the
  // segment's 32-bit relative offsets.
  Status CheckSegmentOffsets(const BatchHeader& header, int64_t expected_min_offset) const;
  // Adds the time index's closing entry (the largest timestamp scanned) to a rebuild's entries.
  void AddClosingTimeEntry(Scan* scan) const;
  void ResetStats();
  // Updates the running stats for one batch at `position`; may emit index entries.
  Status Account(const BatchHeader& header, int64_t position, bool write_index,
                 std::vector<OffsetIndex::Entry>* offset_entries,
                 std::vector<TimeIndex::Entry>* time_entries);
  std::string PathFor(std::string_view extension) const;

  Env& env_;
  Disk& disk_;
  std::string directory_;
  int64_t base_offset_;
  LogConfig config_;
  std::string suffix_;
  std::string log_path_;
  OffsetIndex offset_index_;
  TimeIndex time_index_;

  int64_t size_bytes_ = 0;
  int64_t next_offset_;
  int64_t batch_count_ = 0;
  int64_t max_timestamp_ms_ = kNoTimestamp;
  int64_t offset_of_max_timestamp_ = 0;
  int64_t rolling_timestamp_ms_ = kNoTimestamp;  // the first batch's largest timestamp
  int64_t bytes_since_last_index_entry_ = 0;
};

}  // namespace ks
