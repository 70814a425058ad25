// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by the trace-dump
// frame format. Hardware-accelerated where the CPU has it (SSE4.2 on x86-64, the
// ARMv8 CRC32 instructions on AArch64), with a portable table fallback.
#pragma once

#include <cstddef>
#include <cstdint>

namespace np {

// Continues a CRC: pass 0 to start. crc32c(crc32c(0, a), b) == crc32c(0, a ++ b).
uint32_t crc32c(uint32_t crc, const uint8_t* data, size_t size);

// The portable implementation, always available (for tests and for CPUs without support).
uint32_t crc32c_portable(uint32_t crc, const uint8_t* data, size_t size);

// Which implementation crc32c() uses on this CPU: "sse4.2", "armv8-crc" or "portable".
const char* crc32c_implementation();

}  // namespace np
