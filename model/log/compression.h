// Compression codecs of Kafka's record batches. The codec is stored in bits 0-2 of the batch
// attributes; when it is not kNone, the records section (everything after the 61-byte batch
// header) is one compressed stream, and the compressed bytes are what the log writes to disk and
// what fetches carry.
//
// Formats, as Kafka writes them: gzip is a real gzip member (RFC 1952, via zlib); lz4 is the LZ4
// frame format (liblz4's LZ4F); zstd is a zstd frame (libzstd). Snappy is not built in (the
// library is not among our dependencies): compressing or decompressing with it returns
// InvalidArgument, which the log turns into UNSUPPORTED_COMPRESSION_TYPE.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/env/status.h"

namespace ks {

enum class CompressionType : int8_t {
  kNone = 0,
  kGzip = 1,
  kSnappy = 2,
  kLz4 = 3,
  kZstd = 4,
};

// "none", "gzip", "snappy", "lz4", "zstd" (the names of Kafka's compression.type).
std::string_view CompressionName(CompressionType type);
std::optional<CompressionType> ParseCompressionName(std::string_view name);
bool CompressionSupported(CompressionType type);

// Appends the compressed form of `input` to *out.
Status Compress(CompressionType type, std::string_view input, std::string* out);

// Appends the decompressed form of `input` to *out. Corruption if the input is not a valid
// stream of that codec, or would expand beyond `max_output_bytes` (a guard against
// decompression bombs: a batch cannot legitimately hold more than the log accepts).
Status Decompress(CompressionType type, std::string_view input, int64_t max_output_bytes,
                  std::string* out);

}  // namespace ks
