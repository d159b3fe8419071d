// BatchScanner: walks a byte range of back-to-back v2 record batches, one batch at a time, with
// the framing rules of Kafka's FileLogInputStream and ByteBufferLogInputStream. It is the one loop
// over batches in kafkasim: segment reads, lookups and recovery, log appends, the cleaner, the
// consumer's decoding of fetched records, the checkers, dump-log and the log probes all walk
// batches through it, so that they agree on where a batch ends and on what is corrupt.
//
// Checks, per batch and in this order (docs/storage-format.md, "Recovery"):
//   1. fewer than 12 bytes left: the range ends inside the baseOffset/batchLength prefix
//      (incomplete);
//   2. batchLength + 12 below the 61-byte v2 header (corrupt length);
//   3. batchLength + 12 past the end of the range (incomplete);
//   4. magic not 2 (corrupt magic; not checked at BatchCheck::kFrame);
//   5. at BatchCheck::kValidated, ValidateBatch: CRC, codec, record count, base offset (invalid).
//
// An incomplete batch is not corruption: it is where a read window, a torn write or a cut response
// ends, and Kafka's iterators simply stop there. Whether that is fine is the caller's call, and
// the distinction matters: a read window that ends inside a batch (even inside its length prefix)
// means "the next batch does not fit", not "the segment is corrupt" — confusing the two made the
// final checker report tens of thousands of false lost writes once (commit 2e00a9f). A corrupt
// length, a wrong magic or a failed validation is corruption: the length field of that frame
// cannot be trusted, so the scan cannot step over it and stops.
//
// Usage:
//   BatchScanner scanner(bytes, BatchCheck::kValidated);
//   BatchHeader header;
//   while (scanner.Next(&header)) { ... scanner.position() is where the batch starts ... }
//   if (!scanner.at_end()) { ... scanner.stop() says why, scanner.status() says it in words ... }
//
// The scanner only views the bytes (no copy, no allocation: the words of a stop are built only
// when status() is asked); the headers it returns view them too.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/env/status.h"
#include "model/log/record_batch.h"

namespace ks {

// How much of each batch the scanner checks before handing it out.
enum class BatchCheck : int8_t {
  kFrame,      // the length field only: enough to step over frames (counting what follows a
               // corruption); the header's fields are then unchecked
  kHeader,     // the length field and magic 2: enough to read the header and step to the next
  kValidated,  // and ValidateBatch (CRC, codec, record count, offsets): what appends and
               // recovery need
};

// Why a scan stopped (kNone while it goes on).
enum class BatchScanStop : int8_t {
  kNone,
  kEnd,            // every byte of the range was a whole batch
  kIncomplete,     // the range ends inside a batch: its prefix, its header or its body
  kCorruptLength,  // batchLength + 12 is below the 61-byte header
  kCorruptMagic,   // magic is not 2
  kInvalidBatch,   // ValidateBatch failed (BatchCheck::kValidated only)
};
std::string_view BatchScanStopName(BatchScanStop stop);

class BatchScanner {
 public:
  // Scans all of `bytes`.
  explicit BatchScanner(std::string_view bytes, BatchCheck check = BatchCheck::kHeader);

  // Scans a range of `range_bytes` bytes of which only `view` (its start) is at hand: a batch is
  // whole when it fits the range, and only its 61-byte header has to be in the view (a header the
  // view cuts stops the scan as incomplete). For lookups that read the headers they need and not
  // whole batches (Segment::Locate). REQUIRES: the caller uses only the header fields of what
  // Next returns (not bytes(), records_section() or the CRC); `check` is not kValidated.
  static BatchScanner HeadersOnly(std::string_view view, int64_t range_bytes,
                                  BatchCheck check = BatchCheck::kHeader);

  // The next batch: true with *header set, false once the scan has stopped (see stop()).
  bool Next(BatchHeader* header);

  // Where the batch Next returned last starts, or where the scan stopped (the range's size at
  // the end). Byte positions count from the start of the range.
  int64_t position() const { return position_; }
  // Where the next call to Next looks for a batch: past the batch it returned last.
  int64_t next_position() const { return next_; }
  // Bytes of the range from position() on.
  int64_t remaining_bytes() const { return range_bytes_ - position_; }
  BatchScanStop stop() const { return stop_; }
  bool at_end() const { return stop_ == BatchScanStop::kEnd; }
  // The frame the scan stopped at is incomplete: the range ends inside it.
  bool stopped_inside_batch() const { return stop_ == BatchScanStop::kIncomplete; }
  // The size the stopped frame's length field gives (batchLength + 12); -1 if the range ends
  // inside that field or the scan has not stopped on a frame.
  int64_t stopped_size_bytes() const { return stopped_size_bytes_; }
  // Why the scan stopped, in the words of BatchHeader::Parse (framing) or ValidateBatch
  // (validation); OK while the scan goes on and at the end. Built when asked: a scan that stops
  // where a read window ends costs no message.
  Status status() const;

 private:
  BatchScanner(std::string_view view, int64_t range_bytes, BatchCheck check);
  bool Stop(BatchScanStop stop, int64_t size_bytes);

  std::string_view view_;
  int64_t range_bytes_;
  BatchCheck check_;
  int64_t position_ = 0;
  int64_t next_ = 0;
  BatchScanStop stop_ = BatchScanStop::kNone;
  int64_t stopped_size_bytes_ = -1;
  Status invalid_;  // ValidateBatch's verdict when stop_ is kInvalidBatch
};

// The message BatchHeader::Parse gives for a frame the scanner stops at (kIncomplete,
// kCorruptLength, kCorruptMagic): `view_bytes` and `range_bytes` are what is left from the frame
// on in the view and in the range, `size_bytes` what its length field says (-1 if cut).
Status DescribeFrameProblem(BatchScanStop stop, int64_t view_bytes, int64_t range_bytes,
                            int64_t size_bytes, int8_t magic);

}  // namespace ks
