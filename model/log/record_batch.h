// Kafka's v2 record batch ("magic 2"), encoded and decoded byte-exactly.
//
// Layout (big-endian fixed-width fields; docs/storage-format.md has the full table):
//   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8 (2)
//   17 crc uint32 (CRC-32C of bytes 21..end) | 21 attributes int16 | 23 lastOffsetDelta int32
//   27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
//   53 baseSequence int32 | 57 recordCount int32 | 61 records (compressed as one stream if the
//   codec in attributes bits 0-2 is not none)
// batchLength counts the bytes after itself, so a batch occupies batchLength + 12 bytes.
// baseOffset and partitionLeaderEpoch sit before the CRC on purpose: the leader assigns them
// without recomputing the checksum.
//
// Record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//   keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
//   headerCount varint | per header: keyLength varint | key | valueLength varint (-1 null) | value
//
// Encoding: BatchBuilder writes into a caller-owned std::string it reuses (no allocation once
// warm). Decoding: BatchHeader is a validated view of the 61-byte header; BatchReader iterates the
// records as string_views into the batch (or into its reusable decompression buffer), with no
// allocation per record. Every decoder validates lengths before reading and reports garbage as
// Status::Corruption with a message; none of them trusts a length field.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/env/status.h"
#include "model/log/compression.h"

namespace ks {

constexpr int kRecordBatchOverhead = 61;  // header bytes of a v2 batch
constexpr int kBatchLengthOffset = 8;
constexpr int kPartitionLeaderEpochOffset = 12;
constexpr int kMagicOffset = 16;
constexpr int kCrcOffset = 17;
constexpr int kAttributesOffset = 21;
constexpr int kLastOffsetDeltaOffset = 23;
constexpr int kBaseTimestampOffset = 27;
constexpr int kMaxTimestampOffset = 35;
constexpr int kProducerIdOffset = 43;
constexpr int kProducerEpochOffset = 51;
constexpr int kBaseSequenceOffset = 53;
constexpr int kRecordCountOffset = 57;
constexpr int kLogOverhead = 12;  // baseOffset + batchLength: bytes not counted by batchLength
constexpr int8_t kMagicV2 = 2;

constexpr int16_t kCompressionMask = 0x07;
constexpr int16_t kTimestampTypeBit = 0x08;  // 1 = LogAppendTime
constexpr int16_t kTransactionalBit = 0x10;
constexpr int16_t kControlBit = 0x20;
constexpr int16_t kDeleteHorizonBit = 0x40;  // baseTimestamp is the tombstone delete horizon

constexpr int64_t kNoProducerId = -1;
constexpr int16_t kNoProducerEpoch = -1;
constexpr int32_t kNoSequence = -1;
constexpr int32_t kNoPartitionLeaderEpoch = -1;
constexpr int64_t kNoTimestamp = -1;

enum class TimestampType : int8_t { kCreateTime = 0, kLogAppendTime = 1 };

// Big-endian helpers, shared with the index and segment code.
inline void PutFixed16(char* p, int16_t v) {
  const auto u = static_cast<uint16_t>(v);
  p[0] = static_cast<char>(u >> 8);
  p[1] = static_cast<char>(u);
}
inline void PutFixed32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}
inline void PutFixed64(char* p, uint64_t v) {
  PutFixed32(p, static_cast<uint32_t>(v >> 32));
  PutFixed32(p + 4, static_cast<uint32_t>(v));
}
inline uint16_t GetFixed16(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(b[0] << 8 | b[1]);
}
inline uint32_t GetFixed32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | uint32_t{b[3]};
}
inline uint64_t GetFixed64(const char* p) {
  return uint64_t{GetFixed32(p)} << 32 | GetFixed32(p + 4);
}

// One record header, for encoding. A null value is std::nullopt (keys are never null).
struct RecordHeaderInput {
  std::string_view key;
  std::optional<std::string_view> value;
};

// One record to encode.
struct RecordInput {
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;  // nullopt = tombstone
  int64_t timestamp_ms = 0;
  std::span<const RecordHeaderInput> headers;
};

// The batch-level fields a producer (or the cleaner) chooses.
struct BatchOptions {
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  CompressionType compression = CompressionType::kNone;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  bool transactional = false;
  bool control = false;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  // When set, the batch carries a tombstone delete horizon (attributes bit 6): baseTimestamp
  // holds it and record timestamps are deltas from it.
  std::optional<int64_t> delete_horizon_ms;
};

// Builds one batch into a reused buffer:
//   builder.Start(options, &buffer); builder.Add(record)...; builder.Finish();
// The buffer then holds exactly the batch bytes. Records are written uncompressed straight into
// the buffer; Finish compresses the records section if asked, and fills in the header and CRC.
class BatchBuilder {
 public:
  void Start(const BatchOptions& options, std::string* buffer);
  // Adds a record whose offset delta is the next one (0, 1, 2...).
  void Add(const RecordInput& record);
  // Adds a record with an explicit offset delta (> the previous one) and raw, already-encoded
  // headers (the cleaner copies retained records this way).
  void AddWithOffsetDelta(int32_t offset_delta, int64_t timestamp_ms,
                          std::optional<std::string_view> key,
                          std::optional<std::string_view> value, int32_t header_count,
                          std::string_view raw_headers);
  int32_t record_count() const { return record_count_; }
  // Bytes written so far (uncompressed).
  size_t size_bytes() const { return used_; }
  // Completes the batch. Fails only if the compression codec does.
  Status Finish();

 private:
  void WriteRecord(int32_t offset_delta, int64_t timestamp_ms, std::optional<std::string_view> key,
                   std::optional<std::string_view> value, int32_t header_count,
                   std::span<const RecordHeaderInput> headers, std::string_view raw_headers);

  BatchOptions options_;
  std::string* buffer_ = nullptr;
  size_t used_ = 0;      // bytes of *buffer_ written; the rest is room (see Start)
  std::string scratch_;  // compression output, reused
  int32_t record_count_ = 0;
  int32_t last_offset_delta_ = -1;
  int64_t first_timestamp_ms_ = kNoTimestamp;
  int64_t max_timestamp_ms_ = kNoTimestamp;
  int64_t base_timestamp_ms_ = kNoTimestamp;
};

// Convenience: encodes a whole batch into *out (replacing its contents). Record timestamps are
// stored as deltas from the first record's timestamp.
Status EncodeBatch(const BatchOptions& options, std::span<const RecordInput> records,
                   std::string* out);

// A view of a batch's 61-byte header. Parse checks only what can be checked without reading
// the records: enough bytes, magic 2, a batchLength that fits the header and the bytes given.
// To walk many batches, use BatchScanner (model/log/batch_scanner.h), which applies the same
// checks and also tells a batch cut by the end of the bytes from a corrupt one.
class BatchHeader {
 public:
  // `bytes` starts at a batch; it may continue past it (a log holds many batches).
  static Status Parse(std::string_view bytes, BatchHeader* out);

  int64_t base_offset() const { return static_cast<int64_t>(GetFixed64(p_)); }
  int32_t batch_length() const { return static_cast<int32_t>(GetFixed32(p_ + kBatchLengthOffset)); }
  int32_t size_bytes() const { return batch_length() + kLogOverhead; }
  int32_t partition_leader_epoch() const {
    return static_cast<int32_t>(GetFixed32(p_ + kPartitionLeaderEpochOffset));
  }
  int8_t magic() const { return static_cast<int8_t>(p_[kMagicOffset]); }
  uint32_t crc() const { return GetFixed32(p_ + kCrcOffset); }
  int16_t attributes() const { return static_cast<int16_t>(GetFixed16(p_ + kAttributesOffset)); }
  int32_t last_offset_delta() const {
    return static_cast<int32_t>(GetFixed32(p_ + kLastOffsetDeltaOffset));
  }
  int64_t last_offset() const { return base_offset() + last_offset_delta(); }
  int64_t next_offset() const { return last_offset() + 1; }
  int64_t base_timestamp_ms() const {
    return static_cast<int64_t>(GetFixed64(p_ + kBaseTimestampOffset));
  }
  int64_t max_timestamp_ms() const {
    return static_cast<int64_t>(GetFixed64(p_ + kMaxTimestampOffset));
  }
  int64_t producer_id() const { return static_cast<int64_t>(GetFixed64(p_ + kProducerIdOffset)); }
  int16_t producer_epoch() const {
    return static_cast<int16_t>(GetFixed16(p_ + kProducerEpochOffset));
  }
  int32_t base_sequence() const {
    return static_cast<int32_t>(GetFixed32(p_ + kBaseSequenceOffset));
  }
  int32_t record_count() const { return static_cast<int32_t>(GetFixed32(p_ + kRecordCountOffset)); }

  CompressionType compression() const {
    return static_cast<CompressionType>(attributes() & kCompressionMask);
  }
  TimestampType timestamp_type() const {
    return (attributes() & kTimestampTypeBit) ? TimestampType::kLogAppendTime
                                              : TimestampType::kCreateTime;
  }
  bool is_transactional() const { return (attributes() & kTransactionalBit) != 0; }
  bool is_control() const { return (attributes() & kControlBit) != 0; }
  std::optional<int64_t> delete_horizon_ms() const {
    if ((attributes() & kDeleteHorizonBit) == 0) return std::nullopt;
    return base_timestamp_ms();
  }

  // The whole batch and its records section.
  std::string_view bytes() const { return std::string_view(p_, static_cast<size_t>(size_bytes())); }
  std::string_view records_section() const { return bytes().substr(kRecordBatchOverhead); }
  // CRC-32C of bytes 21..end, as it should be.
  uint32_t ComputeCrc() const;
  bool IsCrcValid() const { return ComputeCrc() == crc(); }

 private:
  friend class BatchScanner;  // hands out headers it has checked
  const char* p_ = nullptr;
};

// Full validation of one batch as the log does on append and recovery: header, CRC, a record
// count that fits lastOffsetDelta, and (for the cheap uncompressed case) nothing else.
Status ValidateBatch(const BatchHeader& header);

// Writes the leader-assigned fields of a batch in place (outside the CRC's range).
inline void SetBaseOffset(char* batch, int64_t base_offset) {
  PutFixed64(batch, static_cast<uint64_t>(base_offset));
}
inline void SetPartitionLeaderEpoch(char* batch, int32_t epoch) {
  PutFixed32(batch + kPartitionLeaderEpochOffset, static_cast<uint32_t>(epoch));
}
// Stamps LogAppendTime: sets the timestamp-type bit and maxTimestamp, then recomputes the CRC.
void SetLogAppendTime(char* batch, int64_t size_bytes, int64_t timestamp_ms);

// One decoded record: views into the batch (or the reader's decompression buffer).
struct Record {
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  int8_t attributes = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;  // nullopt: a tombstone
  int32_t header_count = 0;
  std::string_view raw_headers;  // the encoded headers, for ForEachHeader or copying
};

// Calls fn(key, optional value) for each header in `raw_headers`; Corruption on malformed input.
template <typename Fn>
Status ForEachHeader(int32_t header_count, std::string_view raw_headers, Fn&& fn);

// Iterates the records of one batch:
//   BatchReader reader; if (reader.Open(header).ok()) while (reader.Next(&record)) ...;
//   then reader.status() tells whether the loop ended cleanly or on corrupt bytes.
// The reader keeps its decompression buffer between batches: reuse one reader for many.
class BatchReader {
 public:
  // Limit on a decompressed records section: beyond it the batch is treated as corrupt.
  static constexpr int64_t kMaxDecompressedBytes = int64_t{64} << 20;

  Status Open(const BatchHeader& header);
  // False at the end of the records or on corruption (then status() says why).
  bool Next(Record* record);
  const Status& status() const { return status_; }

 private:
  bool Fail(std::string message);

  BatchHeader header_;
  std::string decompressed_;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  int32_t remaining_ = 0;
  int64_t base_offset_ = 0;
  int64_t base_timestamp_ms_ = 0;
  int64_t log_append_time_ms_ = kNoTimestamp;  // set when the batch uses LogAppendTime
  Status status_;
};

// ---- implementation of the template above ----
bool DecodeHeaderEntry(const char** p, const char* end, std::string_view* key,
                       std::optional<std::string_view>* value);

template <typename Fn>
Status ForEachHeader(int32_t header_count, std::string_view raw_headers, Fn&& fn) {
  const char* p = raw_headers.data();
  const char* end = p + raw_headers.size();
  for (int32_t i = 0; i < header_count; ++i) {
    std::string_view key;
    std::optional<std::string_view> value;
    if (!DecodeHeaderEntry(&p, end, &key, &value)) {
      return Status::Corruption("malformed record header " + std::to_string(i));
    }
    fn(key, value);
  }
  return Status::Ok();
}

}  // namespace ks
