// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka's v2 record batch.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time), else a
// table-driven slicing-by-8 implementation; both give identical results. Pure function of the
// bytes: no state, thread-safe. Known vector: Crc32c("123456789") == 0xE3069283.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ks {

// Continues a CRC: Crc32cExtend(Crc32c(a), b) == Crc32c(a + b). Start from 0.
uint32_t Crc32cExtend(uint32_t crc, const char* data, size_t size);

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data.data(), data.size()); }

// The portable implementation, exposed so tests can check it against the hardware one.
uint32_t Crc32cExtendPortable(uint32_t crc, const char* data, size_t size);
// True if Crc32cExtend uses the SSE4.2 instruction on this machine.
bool Crc32cIsHardwareAccelerated();

}  // namespace ks
