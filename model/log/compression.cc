#include "model/log/compression.h"

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>

namespace ks {
namespace {

constexpr int kZstdLevel = 3;  // Kafka's default zstd level
constexpr int kGzipLevel = Z_DEFAULT_COMPRESSION;
constexpr int kGzipWindowBits = 15 + 16;  // +16: gzip wrapper instead of zlib's
constexpr size_t kChunkBytes = 64 * 1024;

Status TooLarge(std::string_view codec, int64_t limit) {
  return Status::Corruption(std::string(codec) + " stream expands beyond " + std::to_string(limit) +
                            " bytes");
}

Status CompressGzip(std::string_view input, std::string* out) {
  z_stream stream{};
  if (deflateInit2(&stream, kGzipLevel, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::IoError("gzip: deflateInit2 failed");
  }
  const size_t start = out->size();
  const uLong bound = deflateBound(&stream, static_cast<uLong>(input.size()));
  out->resize(start + bound);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out->data() + start);
  stream.avail_out = static_cast<uInt>(bound);
  const int result = deflate(&stream, Z_FINISH);
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) {
    out->resize(start);
    return Status::IoError("gzip: deflate did not finish");
  }
  out->resize(start + written);
  return Status::Ok();
}

Status DecompressGzip(std::string_view input, int64_t max_output_bytes, std::string* out) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    return Status::IoError("gzip: inflateInit2 failed");
  }
  const size_t start = out->size();
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  int result = Z_OK;
  while (result != Z_STREAM_END) {
    const size_t produced = out->size() - start;
    if (static_cast<int64_t>(produced) >= max_output_bytes) {
      inflateEnd(&stream);
      out->resize(start);
      return TooLarge("gzip", max_output_bytes);
    }
    const size_t room = std::min<size_t>(kChunkBytes, max_output_bytes - produced);
    out->resize(start + produced + room);
    stream.next_out = reinterpret_cast<Bytef*>(out->data() + start + produced);
    stream.avail_out = static_cast<uInt>(room);
    result = inflate(&stream, Z_NO_FLUSH);
    out->resize(start + stream.total_out);
    if (result == Z_STREAM_END) break;
    if (result != Z_OK || (stream.avail_in == 0 && stream.avail_out != 0)) {
      inflateEnd(&stream);
      out->resize(start);
      return Status::Corruption("gzip: invalid or truncated stream");
    }
  }
  inflateEnd(&stream);
  return Status::Ok();
}

Status CompressZstd(std::string_view input, std::string* out) {
  const size_t start = out->size();
  const size_t bound = ZSTD_compressBound(input.size());
  out->resize(start + bound);
  const size_t written =
      ZSTD_compress(out->data() + start, bound, input.data(), input.size(), kZstdLevel);
  if (ZSTD_isError(written)) {
    out->resize(start);
    return Status::IoError(std::string("zstd: ") + ZSTD_getErrorName(written));
  }
  out->resize(start + written);
  return Status::Ok();
}

Status DecompressZstd(std::string_view input, int64_t max_output_bytes, std::string* out) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> context(ZSTD_createDCtx(), ZSTD_freeDCtx);
  const size_t start = out->size();
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  size_t result = 1;
  while (true) {
    const size_t produced = out->size() - start;
    if (static_cast<int64_t>(produced) >= max_output_bytes) {
      out->resize(start);
      return TooLarge("zstd", max_output_bytes);
    }
    const size_t room = std::min<size_t>(kChunkBytes, max_output_bytes - produced);
    out->resize(start + produced + room);
    ZSTD_outBuffer buffer{out->data() + start + produced, room, 0};
    result = ZSTD_decompressStream(context.get(), &buffer, &in);
    out->resize(start + produced + buffer.pos);
    if (ZSTD_isError(result)) {
      out->resize(start);
      return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(result));
    }
    if (result == 0 && in.pos == in.size) return Status::Ok();
    if (in.pos == in.size && buffer.pos < room) {
      out->resize(start);
      return Status::Corruption("zstd: truncated frame");
    }
  }
}

Status CompressLz4(std::string_view input, std::string* out) {
  LZ4F_preferences_t preferences{};
  preferences.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;  // the batch CRC covers it
  const size_t start = out->size();
  const size_t bound = LZ4F_compressFrameBound(input.size(), &preferences);
  out->resize(start + bound);
  const size_t written =
      LZ4F_compressFrame(out->data() + start, bound, input.data(), input.size(), &preferences);
  if (LZ4F_isError(written)) {
    out->resize(start);
    return Status::IoError(std::string("lz4: ") + LZ4F_getErrorName(written));
  }
  out->resize(start + written);
  return Status::Ok();
}

Status DecompressLz4(std::string_view input, int64_t max_output_bytes, std::string* out) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return Status::IoError("lz4: cannot create a decompression context");
  }
  std::unique_ptr<LZ4F_dctx, size_t (*)(LZ4F_dctx*)> context(raw, LZ4F_freeDecompressionContext);
  const size_t start = out->size();
  const char* in = input.data();
  size_t remaining = input.size();
  while (true) {
    const size_t produced = out->size() - start;
    if (static_cast<int64_t>(produced) >= max_output_bytes) {
      out->resize(start);
      return TooLarge("lz4", max_output_bytes);
    }
    size_t room = std::min<size_t>(kChunkBytes, max_output_bytes - produced);
    out->resize(start + produced + room);
    size_t consumed = remaining;
    const size_t hint = LZ4F_decompress(context.get(), out->data() + start + produced, &room, in,
                                        &consumed, nullptr);
    out->resize(start + produced + room);
    if (LZ4F_isError(hint)) {
      out->resize(start);
      return Status::Corruption(std::string("lz4: ") + LZ4F_getErrorName(hint));
    }
    in += consumed;
    remaining -= consumed;
    if (hint == 0) {
      if (remaining != 0) {
        out->resize(start);
        return Status::Corruption("lz4: trailing bytes after the frame");
      }
      return Status::Ok();
    }
    if (remaining == 0 && consumed == 0 && room == 0) {
      out->resize(start);
      return Status::Corruption("lz4: truncated frame");
    }
  }
}

}  // namespace

std::string_view CompressionName(CompressionType type) {
  switch (type) {
    case CompressionType::kNone:
      return "none";
    case CompressionType::kGzip:
      return "gzip";
    case CompressionType::kSnappy:
      return "snappy";
    case CompressionType::kLz4:
      return "lz4";
    case CompressionType::kZstd:
      return "zstd";
  }
  return "unknown";
}

std::optional<CompressionType> ParseCompressionName(std::string_view name) {
  for (CompressionType type :
       {CompressionType::kNone, CompressionType::kGzip, CompressionType::kSnappy,
        CompressionType::kLz4, CompressionType::kZstd}) {
    if (CompressionName(type) == name) return type;
  }
  return std::nullopt;
}

bool CompressionSupported(CompressionType type) { return type != CompressionType::kSnappy; }

Status Compress(CompressionType type, std::string_view input, std::string* out) {
  switch (type) {
    case CompressionType::kNone:
      out->append(input);
      return Status::Ok();
    case CompressionType::kGzip:
      return CompressGzip(input, out);
    case CompressionType::kZstd:
      return CompressZstd(input, out);
    case CompressionType::kLz4:
      return CompressLz4(input, out);
    case CompressionType::kSnappy:
      break;
  }
  return Status::InvalidArgument("compression codec " + std::string(CompressionName(type)) +
                                 " is not supported (allowed: none, gzip, lz4, zstd)");
}

Status Decompress(CompressionType type, std::string_view input, int64_t max_output_bytes,
                  std::string* out) {
  switch (type) {
    case CompressionType::kNone:
      if (static_cast<int64_t>(input.size()) > max_output_bytes) {
        return TooLarge("uncompressed", max_output_bytes);
      }
      out->append(input);
      return Status::Ok();
    case CompressionType::kGzip:
      return DecompressGzip(input, max_output_bytes, out);
    case CompressionType::kZstd:
      return DecompressZstd(input, max_output_bytes, out);
    case CompressionType::kLz4:
      return DecompressLz4(input, max_output_bytes, out);
    case CompressionType::kSnappy:
      break;
  }
  return Status::InvalidArgument("compression codec " + std::string(CompressionName(type)) +
                                 " is not supported (allowed: none, gzip, lz4, zstd)");
}

}  // namespace ks
