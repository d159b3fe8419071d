#include "model/log/record_batch.h"

#include <algorithm>
#include <cstdio>

#include "model/env/check.h"
#include "model/log/batch_scanner.h"
#include "model/log/crc32c.h"
#include "model/log/varint.h"

namespace ks {
namespace {

// Bytes of a length-prefixed optional blob: the varint length (-1 for null) and the bytes.
inline int BlobSize(std::optional<std::string_view> blob) {
  if (!blob) return VarintSize(-1);
  return VarintSize(static_cast<int32_t>(blob->size())) + static_cast<int>(blob->size());
}

inline char* WriteBlob(char* p, std::optional<std::string_view> blob) {
  if (!blob) return EncodeVarint(p, -1);
  p = EncodeVarint(p, static_cast<int32_t>(blob->size()));
  if (!blob->empty()) std::memcpy(p, blob->data(), blob->size());
  return p + blob->size();
}

// Reads a varint length and that many bytes; -1 means null. False on malformed input.
inline bool ReadBlob(const char** p, const char* end, std::optional<std::string_view>* blob) {
  int32_t length;
  if (!DecodeVarint(p, end, &length)) return false;
  if (length == -1) {
    blob->reset();
    return true;
  }
  if (length < 0 || length > end - *p) return false;
  *blob = std::string_view(*p, static_cast<size_t>(length));
  *p += length;
  return true;
}

}  // namespace

// ---- BatchBuilder ----

void BatchBuilder::Start(const BatchOptions& options, std::string* buffer) {
  options_ = options;
  buffer_ = buffer;
  // The buffer's current size is room to write into: bytes are written at used_ and the string
  // is only resized (and zero-filled) when that room runs out, so a reused buffer is never
  // zero-filled again. Finish cuts it to the batch.
  if (buffer_->size() < static_cast<size_t>(kRecordBatchOverhead)) {
    buffer_->resize(kRecordBatchOverhead);
  }
  used_ = kRecordBatchOverhead;
  record_count_ = 0;
  last_offset_delta_ = -1;
  first_timestamp_ms_ = kNoTimestamp;
  max_timestamp_ms_ = kNoTimestamp;
  base_timestamp_ms_ = options.delete_horizon_ms.value_or(kNoTimestamp);
}

// Inlined into Add and AddWithOffsetDelta: with its optional and span arguments passed by value
// through a call, the per-record overhead was larger than the encoding.
__attribute__((always_inline)) inline void BatchBuilder::WriteRecord(
    int32_t offset_delta, int64_t timestamp_ms, std::optional<std::string_view> key,
    std::optional<std::string_view> value, int32_t header_count,
    std::span<const RecordHeaderInput> headers, std::string_view raw_headers) {
  KS_CHECK(buffer_ != nullptr);
  KS_CHECK_MSG(offset_delta > last_offset_delta_, "record offset deltas must increase");
  if (base_timestamp_ms_ == kNoTimestamp) base_timestamp_ms_ = timestamp_ms;
  const int64_t timestamp_delta = timestamp_ms - base_timestamp_ms_;

  int64_t headers_bytes = static_cast<int64_t>(raw_headers.size());
  for (const RecordHeaderInput& header : headers) {
    headers_bytes += BlobSize(header.key) + BlobSize(header.value);
  }
  const int64_t body_bytes = 1 + VarlongSize(timestamp_delta) + VarintSize(offset_delta) +
                             BlobSize(key) + BlobSize(value) + VarintSize(header_count) +
                             headers_bytes;
  KS_CHECK(body_bytes < INT32_MAX);
  const auto body = static_cast<int32_t>(body_bytes);
  const size_t start = used_;
  used_ = start + static_cast<size_t>(VarintSize(body) + body);
  if (used_ > buffer_->size()) buffer_->resize(std::max(used_, 2 * buffer_->size()));
  char* p = buffer_->data() + start;
  p = EncodeVarint(p, body);
  *p++ = 0;  // record attributes: unused by Kafka, always 0
  p = EncodeVarlong(p, timestamp_delta);
  p = EncodeVarint(p, offset_delta);
  p = WriteBlob(p, key);
  p = WriteBlob(p, value);
  p = EncodeVarint(p, header_count);
  for (const RecordHeaderInput& header : headers) {
    p = WriteBlob(p, header.key);
    p = WriteBlob(p, header.value);
  }
  if (!raw_headers.empty()) {
    std::memcpy(p, raw_headers.data(), raw_headers.size());
    p += raw_headers.size();
  }
  KS_CHECK(p == buffer_->data() + used_);

  ++record_count_;
  last_offset_delta_ = offset_delta;
  if (first_timestamp_ms_ == kNoTimestamp) first_timestamp_ms_ = timestamp_ms;
  max_timestamp_ms_ = std::max(max_timestamp_ms_, timestamp_ms);
}

void BatchBuilder::Add(const RecordInput& record) {
  WriteRecord(last_offset_delta_ + 1, record.timestamp_ms, record.key, record.value,
              static_cast<int32_t>(record.headers.size()), record.headers, {});
}

void BatchBuilder::AddWithOffsetDelta(int32_t offset_delta, int64_t timestamp_ms,
                                      std::optional<std::string_view> key,
                                      std::optional<std::string_view> value, int32_t header_count,
                                      std::string_view raw_headers) {
  WriteRecord(offset_delta, timestamp_ms, key, value, header_count, {}, raw_headers);
}

Status BatchBuilder::Finish() {
  KS_CHECK(buffer_ != nullptr);
  buffer_->resize(used_);  // shrinks: no fill
  if (options_.compression != CompressionType::kNone) {
    scratch_.clear();
    const std::string_view records = std::string_view(*buffer_).substr(kRecordBatchOverhead);
    if (Status s = Compress(options_.compression, records, &scratch_); !s.ok()) return s;
    buffer_->resize(kRecordBatchOverhead);
    buffer_->append(scratch_);
    used_ = buffer_->size();
  }
  int16_t attributes = static_cast<int16_t>(options_.compression);
  if (options_.timestamp_type == TimestampType::kLogAppendTime) attributes |= kTimestampTypeBit;
  if (options_.transactional) attributes |= kTransactionalBit;
  if (options_.control) attributes |= kControlBit;
  if (options_.delete_horizon_ms) attributes |= kDeleteHorizonBit;

  char* p = buffer_->data();
  KS_CHECK(buffer_->size() - kLogOverhead < INT32_MAX);
  PutFixed64(p, static_cast<uint64_t>(options_.base_offset));
  PutFixed32(p + kBatchLengthOffset, static_cast<uint32_t>(buffer_->size() - kLogOverhead));
  PutFixed32(p + kPartitionLeaderEpochOffset,
             static_cast<uint32_t>(options_.partition_leader_epoch));
  p[kMagicOffset] = kMagicV2;
  PutFixed16(p + kAttributesOffset, attributes);
  PutFixed32(p + kLastOffsetDeltaOffset, static_cast<uint32_t>(std::max(last_offset_delta_, 0)));
  PutFixed64(p + kBaseTimestampOffset, static_cast<uint64_t>(base_timestamp_ms_));
  PutFixed64(p + kMaxTimestampOffset, static_cast<uint64_t>(max_timestamp_ms_));
  PutFixed64(p + kProducerIdOffset, static_cast<uint64_t>(options_.producer_id));
  PutFixed16(p + kProducerEpochOffset, options_.producer_epoch);
  PutFixed32(p + kBaseSequenceOffset, static_cast<uint32_t>(options_.base_sequence));
  PutFixed32(p + kRecordCountOffset, static_cast<uint32_t>(record_count_));
  const uint32_t crc = Crc32cExtend(0, p + kAttributesOffset, buffer_->size() - kAttributesOffset);
  PutFixed32(p + kCrcOffset, crc);
  return Status::Ok();
}

Status EncodeBatch(const BatchOptions& options, std::span<const RecordInput> records,
                   std::string* out) {
  BatchBuilder builder;
  builder.Start(options, out);
  for (const RecordInput& record : records) builder.Add(record);
  return builder.Finish();
}

// ---- BatchHeader ----

Status BatchHeader::Parse(std::string_view bytes, BatchHeader* out) {
  // One step of a scan: the rules live in BatchScanner.
  BatchScanner scanner(bytes);
  if (scanner.Next(out)) return Status::Ok();
  if (scanner.at_end()) {  // no bytes at all
    return DescribeFrameProblem(BatchScanStop::kIncomplete, 0, 0, -1, 0);
  }
  return scanner.status();
}

uint32_t BatchHeader::ComputeCrc() const {
  return Crc32cExtend(0, p_ + kAttributesOffset,
                      static_cast<size_t>(size_bytes() - kAttributesOffset));
}

Status ValidateBatch(const BatchHeader& header) {
  const uint32_t computed = header.ComputeCrc();
  if (computed != header.crc()) {
    char message[96];
    std::snprintf(message, sizeof(message), "CRC mismatch: stored 0x%08x, computed 0x%08x",
                  header.crc(), computed);
    return Status::Corruption(message);
  }
  if (static_cast<int>(header.compression()) > static_cast<int>(CompressionType::kZstd)) {
    return Status::Corruption("unknown compression codec " +
                              std::to_string(static_cast<int>(header.compression())));
  }
  if (header.last_offset_delta() < 0) {
    return Status::Corruption("negative lastOffsetDelta " +
                              std::to_string(header.last_offset_delta()));
  }
  if (header.record_count() < 0 ||
      int64_t{header.record_count()} > int64_t{header.last_offset_delta()} + 1) {
    return Status::Corruption("record count " + std::to_string(header.record_count()) +
                              " does not fit lastOffsetDelta " +
                              std::to_string(header.last_offset_delta()));
  }
  if (header.base_offset() < 0 || header.base_offset() > INT64_MAX - header.last_offset_delta()) {
    return Status::Corruption("impossible base offset " + std::to_string(header.base_offset()));
  }
  return Status::Ok();
}

void SetLogAppendTime(char* batch, int64_t size_bytes, int64_t timestamp_ms) {
  const int16_t attributes = static_cast<int16_t>(GetFixed16(batch + kAttributesOffset));
  PutFixed16(batch + kAttributesOffset, static_cast<int16_t>(attributes | kTimestampTypeBit));
  PutFixed64(batch + kMaxTimestampOffset, static_cast<uint64_t>(timestamp_ms));
  const uint32_t crc = Crc32cExtend(0, batch + kAttributesOffset,
                                    static_cast<size_t>(size_bytes - kAttributesOffset));
  PutFixed32(batch + kCrcOffset, crc);
}

// ---- record decoding ----

bool DecodeHeaderEntry(const char** p, const char* end, std::string_view* key,
                       std::optional<std::string_view>* value) {
  std::optional<std::string_view> key_blob;
  if (!ReadBlob(p, end, &key_blob) || !key_blob) return false;  // header keys are never null
  *key = *key_blob;
  return ReadBlob(p, end, value);
}

bool BatchReader::Fail(std::string message) {
  status_ = Status::Corruption(std::move(message));
  remaining_ = 0;
  return false;
}

Status BatchReader::Open(const BatchHeader& header) {
  header_ = header;
  status_ = Status::Ok();
  base_offset_ = header.base_offset();
  base_timestamp_ms_ = header.base_timestamp_ms();
  log_append_time_ms_ = header.timestamp_type() == TimestampType::kLogAppendTime
                            ? header.max_timestamp_ms()
                            : kNoTimestamp;
  remaining_ = header.record_count();
  if (remaining_ < 0) {
    Fail("negative record count " + std::to_string(remaining_));
    return status_;
  }
  std::string_view records = header.records_section();
  if (header.compression() != CompressionType::kNone) {
    decompressed_.clear();
    Status s = Decompress(header.compression(), records, kMaxDecompressedBytes, &decompressed_);
    if (!s.ok()) {
      remaining_ = 0;
      status_ = s.code() == Status::Code::kCorruption ? s : Status::Corruption(s.message());
      return status_;
    }
    records = decompressed_;
  }
  p_ = records.data();
  end_ = p_ + records.size();
  return status_;
}

bool BatchReader::Next(Record* record) {
  if (remaining_ <= 0) {
    if (status_.ok() && p_ != end_) {
      return Fail(std::to_string(end_ - p_) + " trailing bytes after the last record");
    }
    p_ = end_;
    return false;
  }
  int32_t length;
  if (!DecodeVarint(&p_, end_, &length)) return Fail("malformed record length");
  if (length < 1 || length > end_ - p_) {
    return Fail("impossible record length " + std::to_string(length) + " with " +
                std::to_string(end_ - p_) + " bytes left");
  }
  const char* q = p_;
  const char* body_end = p_ + length;
  record->attributes = static_cast<int8_t>(*q++);
  int64_t timestamp_delta;
  int32_t offset_delta;
  if (!DecodeVarlong(&q, body_end, &timestamp_delta) ||
      !DecodeVarint(&q, body_end, &offset_delta)) {
    return Fail("malformed record timestamp or offset delta");
  }
  if (offset_delta < 0 || offset_delta > header_.last_offset_delta()) {
    return Fail("record offset delta " + std::to_string(offset_delta) +
                " outside the batch (lastOffsetDelta " +
                std::to_string(header_.last_offset_delta()) + ")");
  }
  if (!ReadBlob(&q, body_end, &record->key) || !ReadBlob(&q, body_end, &record->value)) {
    return Fail("malformed record key or value");
  }
  if (!DecodeVarint(&q, body_end, &record->header_count) || record->header_count < 0) {
    return Fail("malformed record header count");
  }
  const char* headers_start = q;
  for (int32_t i = 0; i < record->header_count; ++i) {
    std::string_view key;
    std::optional<std::string_view> value;
    if (!DecodeHeaderEntry(&q, body_end, &key, &value)) return Fail("malformed record header");
  }
  if (q != body_end) return Fail("record length does not match its fields");
  record->raw_headers = std::string_view(headers_start, static_cast<size_t>(q - headers_start));
  record->offset = base_offset_ + offset_delta;
  record->timestamp_ms = log_append_time_ms_ != kNoTimestamp ? log_append_time_ms_
                                                             : base_timestamp_ms_ + timestamp_delta;
  p_ = body_end;
  --remaining_;
  return true;
}

}  // namespace ks
