// Helpers for tests that need record batches: build one from (key, value, timestamp) triples and
// decode a run of batches back into plain records.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/log/batch_scanner.h"
#include "model/log/record_batch.h"

namespace ks::testing {

struct PlainRecord {
  int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt: tombstone
  int64_t timestamp_ms = 0;
  bool operator==(const PlainRecord&) const = default;
};

inline std::ostream& operator<<(std::ostream& out, const PlainRecord& r) {
  return out << "{" << r.offset << " " << r.key.value_or("<null>") << "="
             << r.value.value_or("<null>") << " @" << r.timestamp_ms << "}";
}

// A batch of `records` (offsets ignored: the batch starts at base_offset).
inline std::string MakeBatch(const std::vector<PlainRecord>& records, int64_t base_offset = 0,
                             CompressionType compression = CompressionType::kNone) {
  std::vector<RecordInput> inputs;
  for (const PlainRecord& r : records) {
    RecordInput input;
    if (r.key) input.key = std::string_view(*r.key);
    if (r.value) input.value = std::string_view(*r.value);
    input.timestamp_ms = r.timestamp_ms;
    inputs.push_back(input);
  }
  BatchOptions options;
  options.base_offset = base_offset;
  options.compression = compression;
  std::string out;
  EXPECT_TRUE(EncodeBatch(options, inputs, &out).ok());
  return out;
}

// `count` records "key<i % keys>" = "<prefix><i>" with timestamp `timestamp_ms`.
inline std::string MakeSimpleBatch(int count, int64_t timestamp_ms, std::string prefix = "v",
                                   int keys = 1000000, int first = 0) {
  std::vector<PlainRecord> records;
  for (int i = first; i < first + count; ++i) {
    records.push_back(
        {0, "key" + std::to_string(i % keys), prefix + std::to_string(i), timestamp_ms});
  }
  return MakeBatch(records);
}

// Decodes back-to-back batches; fails the test on corruption.
inline std::vector<PlainRecord> DecodeAll(std::string_view bytes) {
  std::vector<PlainRecord> out;
  BatchReader reader;
  BatchScanner scanner(bytes, BatchCheck::kValidated);
  BatchHeader header;
  while (scanner.Next(&header)) {
    EXPECT_TRUE(reader.Open(header).ok());
    Record r;
    while (reader.Next(&r)) {
      PlainRecord plain;
      plain.offset = r.offset;
      if (r.key) plain.key = std::string(*r.key);
      if (r.value) plain.value = std::string(*r.value);
      plain.timestamp_ms = r.timestamp_ms;
      out.push_back(plain);
    }
    EXPECT_TRUE(reader.status().ok()) << reader.status().ToString();
  }
  EXPECT_TRUE(scanner.at_end()) << scanner.status().ToString();
  return out;
}

}  // namespace ks::testing
