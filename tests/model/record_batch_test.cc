// Goal: the v2 record batch, its CRC-32C and its varints are byte-exact with Kafka's format, and
// decoding never trusts garbage. Method: known vectors (RFC 3720 for CRC-32C, Kafka's zigzag
// encoding), a golden batch worked out by hand field by field from the format description (its
// CRC computed separately with a bit-at-a-time reference), round trips through every codec, and
// corrupt inputs (flipped bits, truncations, random bytes) that must come back as Corruption.
#include "model/log/record_batch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/env/rng.h"
#include "model/log/compression.h"
#include "model/log/crc32c.h"
#include "model/log/varint.h"

namespace ks {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// ---- CRC-32C ----

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);    // RFC 3720 B.4
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);  // RFC 3720 B.4
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);  // RFC 3720 B.4
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32cTest, PortableAndHardwareAgreeAndExtendComposes) {
  Rng rng(7);
  std::string data(10000, '\0');
  for (char& c : data) c = static_cast<char>(rng.Next());
  for (size_t length : {0, 1, 7, 8, 9, 63, 64, 65, 4095, 10000}) {
    for (size_t start : {0, 1, 3}) {
      if (start + length > data.size()) continue;
      const char* p = data.data() + start;
      EXPECT_EQ(Crc32cExtend(0, p, length), Crc32cExtendPortable(0, p, length))
          << "length " << length << " start " << start;
    }
  }
  const uint32_t whole = Crc32c(data);
  EXPECT_EQ(Crc32cExtend(Crc32c(data.substr(0, 1234)), data.data() + 1234, data.size() - 1234),
            whole);
}

// ---- varints ----

std::string Varint(int32_t v) {
  std::string out;
  PutVarint(&out, v);
  return out;
}
std::string Varlong(int64_t v) {
  std::string out;
  PutVarlong(&out, v);
  return out;
}

TEST(VarintTest, ZigZagVectors) {
  EXPECT_EQ(Varint(0), Bytes({0x00}));
  EXPECT_EQ(Varint(-1), Bytes({0x01}));
  EXPECT_EQ(Varint(1), Bytes({0x02}));
  EXPECT_EQ(Varint(63), Bytes({0x7e}));
  EXPECT_EQ(Varint(-64), Bytes({0x7f}));
  EXPECT_EQ(Varint(64), Bytes({0x80, 0x01}));
  EXPECT_EQ(Varint(300), Bytes({0xd8, 0x04}));
  EXPECT_EQ(Varint(INT32_MAX), Bytes({0xfe, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_EQ(Varint(INT32_MIN), Bytes({0xff, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_EQ(Varlong(INT64_MIN),
            Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  EXPECT_EQ(Varlong(-2), Bytes({0x03}));
}

TEST(VarintTest, RoundTripAndSizes) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1} << 40, INT64_MAX, INT64_MIN,
                    int64_t{-123456789}}) {
    const std::string encoded = Varlong(v);
    EXPECT_EQ(static_cast<int>(encoded.size()), VarlongSize(v));
    const char* p = encoded.data();
    int64_t decoded = 0;
    ASSERT_TRUE(DecodeVarlong(&p, encoded.data() + encoded.size(), &decoded));
    EXPECT_EQ(decoded, v);
    EXPECT_EQ(p, encoded.data() + encoded.size());
  }
  for (int32_t v : {0, 1, -1, 1000, INT32_MAX, INT32_MIN}) {
    const std::string encoded = Varint(v);
    EXPECT_EQ(static_cast<int>(encoded.size()), VarintSize(v));
    const char* p = encoded.data();
    int32_t decoded = 0;
    ASSERT_TRUE(DecodeVarint(&p, encoded.data() + encoded.size(), &decoded));
    EXPECT_EQ(decoded, v);
  }
}

TEST(VarintTest, TruncatedAndOverlongInputFail) {
  const std::string truncated = Bytes({0x80, 0x80});
  const char* p = truncated.data();
  int32_t value = 0;
  EXPECT_FALSE(DecodeVarint(&p, truncated.data() + truncated.size(), &value));
  EXPECT_EQ(p, truncated.data()) << "a failed decode must not advance";
  const std::string overlong = Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  p = overlong.data();
  EXPECT_FALSE(DecodeVarint(&p, overlong.data() + overlong.size(), &value));
}

// ---- the golden batch ----

// Two records, worked out by hand from Kafka's v2 format description:
//   record 0: key "k", value "v1", timestamp 1000, no headers
//   record 1: key null, value "x", timestamp 1002, one header ("h", "y")
// written at base offset 5 by a leader in epoch 3, no producer id.
const std::string kGoldenBatch = Bytes({
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,  // baseOffset = 5
    0x00, 0x00, 0x00, 0x47,                          // batchLength = 83 - 12 = 71
    0x00, 0x00, 0x00, 0x03,                          // partitionLeaderEpoch = 3
    0x02,                                            // magic = 2
    0xcb, 0xb0, 0x5b, 0x92,                          // crc = CRC-32C(bytes 21..82)
    0x00, 0x00,                                      // attributes: no codec, CreateTime
    0x00, 0x00, 0x00, 0x01,                          // lastOffsetDelta = 1
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8,  // baseTimestamp = 1000
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xea,  // maxTimestamp = 1002
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // producerId = -1
    0xff, 0xff,                                      // producerEpoch = -1
    0xff, 0xff, 0xff, 0xff,                          // baseSequence = -1
    0x00, 0x00, 0x00, 0x02,                          // records count = 2
    // record 0
    0x12,              // length varint 9 (zigzag 18)
    0x00,              // attributes
    0x00,              // timestampDelta varlong 0
    0x00,              // offsetDelta varint 0
    0x02, 0x6b,        // keyLength 1, "k"
    0x04, 0x76, 0x31,  // valueLength 2, "v1"
    0x00,              // headers count 0
    // record 1
    0x16,        // length varint 11 (zigzag 22)
    0x00,        // attributes
    0x04,        // timestampDelta varlong 2
    0x02,        // offsetDelta varint 1
    0x01,        // keyLength -1: null key
    0x02, 0x78,  // valueLength 1, "x"
    0x02,        // headers count 1
    0x02, 0x68,  // header key length 1, "h"
    0x02, 0x79,  // header value length 1, "y"
});

BatchOptions GoldenOptions() {
  BatchOptions options;
  options.base_offset = 5;
  options.partition_leader_epoch = 3;
  return options;
}

TEST(RecordBatchTest, EncodesTheHandWrittenGoldenBytes) {
  const RecordHeaderInput header{"h", std::string_view("y")};
  const std::vector<RecordInput> records = {
      {std::string_view("k"), std::string_view("v1"), 1000, {}},
      {std::nullopt, std::string_view("x"), 1002, std::span(&header, 1)},
  };
  std::string encoded;
  ASSERT_TRUE(EncodeBatch(GoldenOptions(), records, &encoded).ok());
  ASSERT_EQ(encoded.size(), kGoldenBatch.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    EXPECT_EQ(static_cast<uint8_t>(encoded[i]), static_cast<uint8_t>(kGoldenBatch[i]))
        << "byte " << i;
  }
}

TEST(RecordBatchTest, DecodesTheGoldenBytes) {
  BatchHeader header;
  ASSERT_TRUE(BatchHeader::Parse(kGoldenBatch, &header).ok());
  ASSERT_TRUE(ValidateBatch(header).ok());
  EXPECT_EQ(header.base_offset(), 5);
  EXPECT_EQ(header.last_offset(), 6);
  EXPECT_EQ(header.size_bytes(), 83);
  EXPECT_EQ(header.partition_leader_epoch(), 3);
  EXPECT_EQ(header.crc(), 0xcbb05b92u);
  EXPECT_EQ(header.compression(), CompressionType::kNone);
  EXPECT_EQ(header.base_timestamp_ms(), 1000);
  EXPECT_EQ(header.max_timestamp_ms(), 1002);
  EXPECT_EQ(header.producer_id(), -1);
  EXPECT_EQ(header.record_count(), 2);

  BatchReader reader;
  ASSERT_TRUE(reader.Open(header).ok());
  Record record;
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_EQ(record.offset, 5);
  EXPECT_EQ(record.timestamp_ms, 1000);
  EXPECT_EQ(record.key, std::optional<std::string_view>("k"));
  EXPECT_EQ(record.value, std::optional<std::string_view>("v1"));
  EXPECT_EQ(record.header_count, 0);
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_EQ(record.offset, 6);
  EXPECT_EQ(record.timestamp_ms, 1002);
  EXPECT_FALSE(record.key.has_value());
  EXPECT_EQ(record.value, std::optional<std::string_view>("x"));
  ASSERT_EQ(record.header_count, 1);
  std::vector<std::pair<std::string, std::string>> headers;
  ASSERT_TRUE(ForEachHeader(record.header_count, record.raw_headers,
                            [&](std::string_view k, std::optional<std::string_view> v) {
                              headers.emplace_back(std::string(k), std::string(v.value_or("")));
                            })
                  .ok());
  EXPECT_EQ(headers, (std::vector<std::pair<std::string, std::string>>{{"h", "y"}}));
  EXPECT_FALSE(reader.Next(&record));
  EXPECT_TRUE(reader.status().ok());
}

TEST(RecordBatchTest, LeaderFieldsSitOutsideTheCrc) {
  std::string batch = kGoldenBatch;
  SetBaseOffset(batch.data(), 1234);
  SetPartitionLeaderEpoch(batch.data(), 9);
  BatchHeader header;
  ASSERT_TRUE(BatchHeader::Parse(batch, &header).ok());
  EXPECT_TRUE(ValidateBatch(header).ok());
  EXPECT_EQ(header.base_offset(), 1234);
  EXPECT_EQ(header.partition_leader_epoch(), 9);
}

TEST(RecordBatchTest, LogAppendTimeOverridesRecordTimestamps) {
  std::string batch = kGoldenBatch;
  SetLogAppendTime(batch.data(), static_cast<int64_t>(batch.size()), 777);
  BatchHeader header;
  ASSERT_TRUE(BatchHeader::Parse(batch, &header).ok());
  ASSERT_TRUE(ValidateBatch(header).ok());
  EXPECT_EQ(header.timestamp_type(), TimestampType::kLogAppendTime);
  BatchReader reader;
  ASSERT_TRUE(reader.Open(header).ok());
  Record record;
  while (reader.Next(&record)) EXPECT_EQ(record.timestamp_ms, 777);
}

// ---- corruption ----

TEST(RecordBatchTest, EveryFlippedByteAfterTheLeaderFieldsIsCaught) {
  for (size_t i = kMagicOffset; i < kGoldenBatch.size(); ++i) {
    std::string batch = kGoldenBatch;
    batch[i] ^= 0x01;
    BatchHeader header;
    Status s = BatchHeader::Parse(batch, &header);
    if (s.ok()) s = ValidateBatch(header);
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << "flipped byte " << i;
  }
}

TEST(RecordBatchTest, TruncatedAndImpossibleLengthsAreCorruption) {
  BatchHeader header;
  for (size_t length = 0; length < kGoldenBatch.size(); ++length) {
    Status s = BatchHeader::Parse(kGoldenBatch.substr(0, length), &header);
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << "length " << length;
  }
  std::string negative = kGoldenBatch;
  PutFixed32(negative.data() + kBatchLengthOffset, 0xfffffff0u);
  EXPECT_NE(BatchHeader::Parse(negative, &header).message().find("impossible batch length"),
            std::string::npos);
  std::string huge = kGoldenBatch;
  PutFixed32(huge.data() + kBatchLengthOffset, 0x7fffffffu);
  EXPECT_EQ(BatchHeader::Parse(huge, &header).code(), Status::Code::kCorruption);
}

// A batch whose CRC is right but whose records lie: the reader must stop with Corruption.
TEST(RecordBatchTest, ReaderRejectsMalformedRecordsWithAValidCrc) {
  Rng rng(99);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string batch = kGoldenBatch;
    const size_t at = kRecordBatchOverhead + rng.Below(batch.size() - kRecordBatchOverhead);
    batch[at] = static_cast<char>(rng.Next());
    BatchHeader header;
    ASSERT_TRUE(BatchHeader::Parse(batch, &header).ok());
    BatchReader reader;
    if (!reader.Open(header).ok()) continue;
    Record record;
    int guard = 0;
    while (reader.Next(&record)) ASSERT_LT(++guard, 10);
    // Either the change happened to keep the records well-formed, or it was reported.
    if (!reader.status().ok()) EXPECT_EQ(reader.status().code(), Status::Code::kCorruption);
  }
}

TEST(RecordBatchTest, RandomGarbageNeverParsesAsAValidBatch) {
  Rng rng(5);
  std::string garbage;
  for (int trial = 0; trial < 5000; ++trial) {
    garbage.resize(rng.Below(200));
    for (char& c : garbage) c = static_cast<char>(rng.Next());
    if (garbage.size() > kMagicOffset && trial % 2 == 0) garbage[kMagicOffset] = 2;
    BatchHeader header;
    Status s = BatchHeader::Parse(garbage, &header);
    if (s.ok()) s = ValidateBatch(header);
    EXPECT_FALSE(s.ok());
  }
}

// ---- compression ----

class CompressionRoundTrip : public ::testing::TestWithParam<CompressionType> {};

TEST_P(CompressionRoundTrip, BatchesRoundTripAndShrink) {
  std::vector<std::string> values;
  for (int i = 0; i < 200; ++i)
    values.push_back("value-" + std::to_string(i % 10) + std::string(80, 'a'));
  std::vector<RecordInput> records;
  for (int i = 0; i < 200; ++i) {
    records.push_back({std::string_view("key"), std::string_view(values[i]), 5000 + i, {}});
  }
  BatchOptions options;
  options.compression = GetParam();
  std::string compressed;
  ASSERT_TRUE(EncodeBatch(options, records, &compressed).ok());
  std::string plain;
  ASSERT_TRUE(EncodeBatch(BatchOptions(), records, &plain).ok());
  EXPECT_LT(compressed.size(), plain.size() / 4) << CompressionName(GetParam());

  BatchHeader header;
  ASSERT_TRUE(BatchHeader::Parse(compressed, &header).ok());
  ASSERT_TRUE(ValidateBatch(header).ok());
  EXPECT_EQ(header.compression(), GetParam());
  // The records section starts with the codec's own magic: real formats, not private ones.
  const std::string_view section = header.records_section();
  switch (GetParam()) {
    case CompressionType::kGzip:
      EXPECT_EQ(section.substr(0, 2), Bytes({0x1f, 0x8b}));
      break;
    case CompressionType::kLz4:
      EXPECT_EQ(section.substr(0, 4), Bytes({0x04, 0x22, 0x4d, 0x18}));
      break;
    case CompressionType::kZstd:
      EXPECT_EQ(section.substr(0, 4), Bytes({0x28, 0xb5, 0x2f, 0xfd}));
      break;
    default:
      break;
  }
  BatchReader reader;
  ASSERT_TRUE(reader.Open(header).ok());
  Record record;
  int count = 0;
  while (reader.Next(&record)) {
    EXPECT_EQ(record.value, std::optional<std::string_view>(values[count]));
    EXPECT_EQ(record.timestamp_ms, 5000 + count);
    ++count;
  }
  EXPECT_TRUE(reader.status().ok());
  EXPECT_EQ(count, 200);
}

TEST_P(CompressionRoundTrip, CorruptStreamIsCorruptionNotACrash) {
  std::string compressed;
  const std::string input(5000, 'z');
  ASSERT_TRUE(Compress(GetParam(), input, &compressed).ok());
  Rng rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::string broken = compressed;
    if (trial % 2 == 0) {
      broken.resize(rng.Below(broken.size()));
    } else {
      broken[rng.Below(broken.size())] ^= static_cast<char>(1 + rng.Below(255));
    }
    std::string out;
    Status s = Decompress(GetParam(), broken, 1 << 20, &out);
    if (s.ok()) continue;  // some flips land in ignorable bytes
    EXPECT_EQ(s.code(), Status::Code::kCorruption);
  }
  std::string out;
  EXPECT_EQ(Decompress(GetParam(), compressed, 100, &out).code(), Status::Code::kCorruption)
      << "a stream expanding past the limit is refused";
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressionRoundTrip,
                         ::testing::Values(CompressionType::kGzip, CompressionType::kLz4,
                                           CompressionType::kZstd),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

TEST(CompressionTest, SnappyIsReportedUnsupported) {
  std::string out;
  EXPECT_EQ(Compress(CompressionType::kSnappy, "abc", &out).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseCompressionName("zstd"), CompressionType::kZstd);
  EXPECT_FALSE(ParseCompressionName("brotli").has_value());
}

}  // namespace
}  // namespace ks
