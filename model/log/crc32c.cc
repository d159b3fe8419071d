#include "model/log/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace ks {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;  // Castagnoli, bit-reversed

// kTables[k][b]: the CRC of byte b followed by k zero bytes; slicing-by-8 folds 8 bytes per step.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolynomial : 0u);
    tables[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) {
      const uint32_t previous = tables[k - 1][b];
      tables[k][b] = (previous >> 8) ^ tables[0][previous & 0xffu];
    }
  }
  return tables;
}

constexpr Tables kTables = MakeTables();

// Shift operators for the three-stream hardware CRC: kShift<N>[k][b] applies N zero bytes to a
// CRC register whose byte k is b (the others zero). A CRC register is linear over GF(2), so
// crc(A + B) = Shift(crc(A), |B|) ^ crc_from_zero(B): three streams over consecutive blocks of
// N bytes are combined with two shifts (Mark Adler's crc32c.c does the same).
using ShiftTable = std::array<std::array<uint32_t, 256>, 4>;

constexpr uint32_t Gf2MatrixTimes(const std::array<uint32_t, 32>& matrix, uint32_t vector) {
  uint32_t sum = 0;
  for (int i = 0; vector != 0; ++i, vector >>= 1) {
    if (vector & 1u) sum ^= matrix[static_cast<size_t>(i)];
  }
  return sum;
}

constexpr std::array<uint32_t, 32> Gf2MatrixSquare(const std::array<uint32_t, 32>& matrix) {
  std::array<uint32_t, 32> square{};
  for (size_t n = 0; n < 32; ++n) square[n] = Gf2MatrixTimes(matrix, matrix[n]);
  return square;
}

// The operator applying `bytes` (a power of two) zero bytes to a CRC register.
constexpr std::array<uint32_t, 32> ZerosOperator(size_t bytes) {
  std::array<uint32_t, 32> op{};  // one zero bit
  op[0] = kPolynomial;
  for (size_t n = 1; n < 32; ++n) op[n] = uint32_t{1} << (n - 1);
  for (int bit = 0; bit < 3; ++bit) op = Gf2MatrixSquare(op);  // one zero byte
  for (size_t n = 1; n < bytes; n <<= 1) op = Gf2MatrixSquare(op);
  return op;
}

constexpr ShiftTable MakeShiftTable(size_t bytes) {
  const std::array<uint32_t, 32> op = ZerosOperator(bytes);
  ShiftTable table{};
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 0; k < 4; ++k) table[static_cast<size_t>(k)][b] = Gf2MatrixTimes(op, b << (8 * k));
  }
  return table;
}

constexpr size_t kLongBlock = 2048;  // three streams of this many bytes per round
constexpr size_t kShortBlock = 256;  // for what is left below 3 * kLongBlock
constexpr ShiftTable kShiftLong = MakeShiftTable(kLongBlock);
constexpr ShiftTable kShiftShort = MakeShiftTable(kShortBlock);

inline uint32_t Shift(const ShiftTable& table, uint32_t crc) {
  return table[0][crc & 0xffu] ^ table[1][(crc >> 8) & 0xffu] ^ table[2][(crc >> 16) & 0xffu] ^
         table[3][crc >> 24];
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) inline uint64_t Load64(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}

// Three independent crc32 streams over consecutive blocks of `block` bytes hide the
// instruction's 3-cycle latency (one issues per cycle): about three times one stream's speed.
__attribute__((target("sse4.2"))) inline uint64_t ThreeStreams(uint64_t state, const char** p,
                                                               size_t* size, size_t block,
                                                               const ShiftTable& shift) {
  while (*size >= 3 * block) {
    uint64_t state1 = 0;
    uint64_t state2 = 0;
    const char* q = *p;
    const char* end = q + block;
    do {
      state = _mm_crc32_u64(state, Load64(q));
      state1 = _mm_crc32_u64(state1, Load64(q + block));
      state2 = _mm_crc32_u64(state2, Load64(q + 2 * block));
      q += 8;
    } while (q < end);
    state = Shift(shift, static_cast<uint32_t>(state)) ^ state1;
    state = Shift(shift, static_cast<uint32_t>(state)) ^ state2;
    *p += 3 * block;
    *size -= 3 * block;
  }
  return state;
}

__attribute__((target("sse4.2"))) uint32_t ExtendHardware(uint32_t crc, const char* data,
                                                          size_t size) {
  uint64_t state = ~crc;
  const char* p = data;
  while (size > 0 && (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
    state = _mm_crc32_u8(static_cast<uint32_t>(state), static_cast<uint8_t>(*p++));
    --size;
  }
  state = ThreeStreams(state, &p, &size, kLongBlock, kShiftLong);
  state = ThreeStreams(state, &p, &size, kShortBlock, kShiftShort);
  while (size >= 8) {
    state = _mm_crc32_u64(state, Load64(p));
    p += 8;
    size -= 8;
  }
  while (size > 0) {
    state = _mm_crc32_u8(static_cast<uint32_t>(state), static_cast<uint8_t>(*p++));
    --size;
  }
  return ~static_cast<uint32_t>(state);
}

bool DetectHardware() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}
#else
uint32_t ExtendHardware(uint32_t crc, const char* data, size_t size) {
  return Crc32cExtendPortable(crc, data, size);
}
bool DetectHardware() { return false; }
#endif

const bool kHasHardware = DetectHardware();

}  // namespace

uint32_t Crc32cExtendPortable(uint32_t crc, const char* data, size_t size) {
  uint32_t state = ~crc;
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  while (size >= 8) {
    // Little-endian assembly of the 8 bytes; the tables are indexed per byte so this is
    // endianness-independent.
    const uint32_t low = state ^ (uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 |
                                  uint32_t{p[3]} << 24);
    state = kTables[7][low & 0xffu] ^ kTables[6][(low >> 8) & 0xffu] ^
            kTables[5][(low >> 16) & 0xffu] ^ kTables[4][low >> 24] ^ kTables[3][p[4]] ^
            kTables[2][p[5]] ^ kTables[1][p[6]] ^ kTables[0][p[7]];
    p += 8;
    size -= 8;
  }
  while (size-- > 0) state = (state >> 8) ^ kTables[0][(state ^ *p++) & 0xffu];
  return ~state;
}

uint32_t Crc32cExtend(uint32_t crc, const char* data, size_t size) {
  if (kHasHardware) return ExtendHardware(crc, data, size);
  return Crc32cExtendPortable(crc, data, size);
}

bool Crc32cIsHardwareAccelerated() { return kHasHardware; }

}  // namespace ks
