// Text dumps of the partition log's files — segments (".log"), offset indexes (".index") and time
// indexes (".timeindex") — in the layout of Kafka's kafka-dump-log.sh, for `kafkasim dump-log`.
//
// The dumpers read bytes that may be anything: a torn tail, flipped bits, a file that is not a
// log at all. They never trust a length field: every batch is framed by its batchLength only
// after checking that the bytes are there, a bad CRC is reported on the batch's line ("isvalid:
// false") and the dump goes on to the next frame, and bytes that cannot be framed are reported
// with their position ("truncated batch at position N") and end the dump of that file.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace ks {

enum class LogFileKind {
  kSegment,
  kOffsetIndex,
  kTimeIndex,
  kEpochCheckpoint,   // leader-epoch-checkpoint
  kOffsetCheckpoint,  // recovery-point-, replication-, log-start-, cleaner-offset-checkpoint
  kOther
};

// By extension: ".log", ".index", ".timeindex" (also with a ".cleaned" or ".swap" suffix); by
// name for Kafka's checkpoint files.
LogFileKind LogFileKindOf(std::string_view path);
// The base offset a segment file's name carries (its 20 digits); 0 if the name has none.
int64_t BaseOffsetOfFileName(std::string_view path);

struct LogDumpOptions {
  bool print_data_log = false;  // each record's offset, key and payload
};

// What a dump found, for its summary line and for callers (tests, exit codes).
struct LogDumpSummary {
  int64_t batches = 0;
  int64_t records = 0;
  int64_t invalid_batches = 0;  // framed, but failing validation (CRC, counts, codec)
  int64_t invalid_bytes = 0;    // bytes that could not be framed as batches or entries
  int64_t entries = 0;          // index files: entries dumped
};

// Dumps a segment file's batches (and records, with print_data_log).
void DumpSegment(std::string_view bytes, const LogDumpOptions& options, std::ostream& out,
                 LogDumpSummary* summary);
// Dumps an offset index: "offset: O position: P" per entry (offsets absolute).
void DumpOffsetIndex(int64_t base_offset, std::string_view bytes, std::ostream& out,
                     LogDumpSummary* summary);
// Dumps a time index: "timestamp: T offset: O" per entry.
void DumpTimeIndex(int64_t base_offset, std::string_view bytes, std::ostream& out,
                   LogDumpSummary* summary);

// Printable ASCII as it is (with \n, \t and \\ escaped); anything else as 0x-prefixed hex.
std::string PrintableOrHex(std::string_view bytes);

}  // namespace ks
