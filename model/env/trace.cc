#include "model/env/trace.h"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

namespace ks {

void AppendJsonString(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Fast path: copy the longest prefix that needs no escaping in one append (nearly always the
  // whole text: then the quotes and the text are one write).
  size_t clean = 0;
  // Eight bytes at a time while none is below 0x20, '"' or '\\' (SWAR zero-byte tests).
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  while (clean + 8 <= text.size()) {
    uint64_t word;
    std::memcpy(&word, text.data() + clean, 8);
    const uint64_t below_space = (word - kOnes * 0x20) & ~word;
    const uint64_t quote = word ^ (kOnes * '"');
    const uint64_t backslash = word ^ (kOnes * '\\');
    const uint64_t special =
        below_space | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash);
    if ((special & kHighs) != 0) break;
    clean += 8;
  }
  while (clean < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[clean]);
    if (c < 0x20 || c == '"' || c == '\\') break;
    ++clean;
  }
  const size_t at = out->size();
  const bool whole = clean == text.size();
  out->resize(at + 1 + clean + (whole ? 1 : 0));
  char* p = out->data() + at;
  *p = '"';
  // An empty view may have no storage (data() null), which memcpy must not be given.
  if (clean > 0) std::memcpy(p + 1, text.data(), clean);
  if (whole) {
    p[1 + clean] = '"';
    return;
  }
  text.remove_prefix(clean);
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

namespace {
// The buffers of destroyed TraceBuffers, reused by the next ones (per thread: no locking). Bounded
// in count and in the size of a buffer kept.
constexpr size_t kPooledBuffersMax = 16;
constexpr size_t kPooledBufferBytesMax = 4096;
thread_local std::vector<std::string> pooled_buffers;
}  // namespace

uint32_t NextEventKindId() {
  static std::atomic<uint32_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed);
}

TraceBuffer::TraceBuffer() {
  if (!pooled_buffers.empty()) {
    bytes_ = std::move(pooled_buffers.back());
    pooled_buffers.pop_back();
    bytes_.clear();
  } else {
    bytes_.reserve(64);
  }
}

TraceBuffer::~TraceBuffer() {
  if (bytes_.capacity() > 15 && bytes_.capacity() <= kPooledBufferBytesMax &&
      pooled_buffers.size() < kPooledBuffersMax) {
    pooled_buffers.push_back(std::move(bytes_));
  }
}

}  // namespace ks
