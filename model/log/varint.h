// Variable-length integers as Kafka's record format writes them (its ByteUtils): a signed value is
// zigzag-mapped to unsigned ((n << 1) ^ (n >> 63), so small magnitudes of either sign stay short)
// and then written 7 bits per byte, least significant group first, the high bit of each byte
// saying "more follows". A varint (int32) takes 1..5 bytes, a varlong (int64) 1..10.
//
// Encoders write into a caller-provided buffer (no allocation); decoders read from [*p, end),
// advance *p and return false on truncated or over-long input instead of reading past `end`.
#pragma once

#include <cstdint>
#include <string>

namespace ks {

constexpr int kMaxVarintBytes = 5;
constexpr int kMaxVarlongBytes = 10;

constexpr uint32_t ZigZagEncode32(int32_t n) {
  return (static_cast<uint32_t>(n) << 1) ^ static_cast<uint32_t>(n >> 31);
}
constexpr int32_t ZigZagDecode32(uint32_t n) {
  return static_cast<int32_t>((n >> 1) ^ (~(n & 1u) + 1u));
}
constexpr uint64_t ZigZagEncode64(int64_t n) {
  return (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63);
}
constexpr int64_t ZigZagDecode64(uint64_t n) {
  return static_cast<int64_t>((n >> 1) ^ (~(n & 1u) + 1u));
}

// Bytes the zigzag encoding of `value` takes.
// (significant bits + 6) / 7, without a loop: the encoders and size computations run once per
// record field on the produce path.
inline int VarintSize(int32_t value) {
  const int bits = 32 - __builtin_clz(ZigZagEncode32(value) | 1u);
  return (bits + 6) / 7;
}
inline int VarlongSize(int64_t value) {
  const int bits = 64 - __builtin_clzll(ZigZagEncode64(value) | 1u);
  return (bits + 6) / 7;
}

// Writes the encoding at dst (room for kMaxVarintBytes / kMaxVarlongBytes); returns the end.
inline char* EncodeVarint(char* dst, int32_t value) {
  uint32_t v = ZigZagEncode32(value);
  if (v < 0x80u) {
    *dst = static_cast<char>(v);
    return dst + 1;
  }
  while (v >= 0x80u) {
    *dst++ = static_cast<char>(v | 0x80u);
    v >>= 7;
  }
  *dst++ = static_cast<char>(v);
  return dst;
}
inline char* EncodeVarlong(char* dst, int64_t value) {
  uint64_t v = ZigZagEncode64(value);
  while (v >= 0x80u) {
    *dst++ = static_cast<char>(v | 0x80u);
    v >>= 7;
  }
  *dst++ = static_cast<char>(v);
  return dst;
}

void PutVarint(std::string* out, int32_t value);
void PutVarlong(std::string* out, int64_t value);

// Decoders: false if the input ends before the last byte, or the encoding is longer than
// kMaxVarintBytes / kMaxVarlongBytes (Kafka rejects those as malformed too).
inline bool DecodeVarint(const char** p, const char* end, int32_t* value) {
  const char* q = *p;
  // Fast path: most record fields (attributes, deltas, short lengths) take one byte.
  if (q < end && (static_cast<uint8_t>(*q) & 0x80u) == 0) {
    *value = ZigZagDecode32(static_cast<uint8_t>(*q));
    *p = q + 1;
    return true;
  }
  uint32_t result = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (q >= end) return false;
    const auto byte = static_cast<uint8_t>(*q++);
    result |= static_cast<uint32_t>(byte & 0x7fu) << shift;
    if ((byte & 0x80u) == 0) {
      *p = q;
      *value = ZigZagDecode32(result);
      return true;
    }
  }
  return false;
}
inline bool DecodeVarlong(const char** p, const char* end, int64_t* value) {
  const char* q = *p;
  if (q < end && (static_cast<uint8_t>(*q) & 0x80u) == 0) {
    *value = ZigZagDecode64(static_cast<uint8_t>(*q));
    *p = q + 1;
    return true;
  }
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (q >= end) return false;
    const auto byte = static_cast<uint8_t>(*q++);
    result |= static_cast<uint64_t>(byte & 0x7fu) << shift;
    if ((byte & 0x80u) == 0) {
      *p = q;
      *value = ZigZagDecode64(result);
      return true;
    }
  }
  return false;
}

}  // namespace ks
