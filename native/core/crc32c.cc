#include "core/crc32c.h"

#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <nmmintrin.h>
#elif defined(__aarch64__)
#include <arm_acle.h>
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#endif

namespace np {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u;

// Slicing-by-8 tables, built once at compile time.
struct Tables {
  uint32_t t[8][256];
  constexpr Tables() : t{} {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    }
  }
};
constexpr Tables kTables;

inline uint64_t load64le(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_hw(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = ~crc;
  while (n && (reinterpret_cast<uintptr_t>(p) & 7)) {
    c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
    --n;
  }
  while (n >= 32) {
    c = _mm_crc32_u64(c, load64le(p));
    c = _mm_crc32_u64(c, load64le(p + 8));
    c = _mm_crc32_u64(c, load64le(p + 16));
    c = _mm_crc32_u64(c, load64le(p + 24));
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    c = _mm_crc32_u64(c, load64le(p));
    p += 8;
    n -= 8;
  }
  while (n--) c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
  return ~static_cast<uint32_t>(c);
}

bool have_hw() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  return (c & bit_SSE4_2) != 0;
}
constexpr const char* kHwName = "sse4.2";
#elif defined(__aarch64__)
__attribute__((target("+crc"))) uint32_t crc32c_hw(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = ~crc;
  while (n && (reinterpret_cast<uintptr_t>(p) & 7)) {
    c = __crc32cb(c, *p++);
    --n;
  }
  while (n >= 32) {
    c = __crc32cd(c, load64le(p));
    c = __crc32cd(c, load64le(p + 8));
    c = __crc32cd(c, load64le(p + 16));
    c = __crc32cd(c, load64le(p + 24));
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    c = __crc32cd(c, load64le(p));
    p += 8;
    n -= 8;
  }
  while (n--) c = __crc32cb(c, *p++);
  return ~c;
}

bool have_hw() { return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0; }
constexpr const char* kHwName = "armv8-crc";
#endif

#if defined(__x86_64__) || defined(__aarch64__)
const bool kHaveHw = have_hw();
#endif

}  // namespace

uint32_t crc32c_portable(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = ~crc;
  const auto& t = kTables.t;
  while (n >= 8) {
    uint64_t v = load64le(p) ^ c;
    c = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
        t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) c = (c >> 8) ^ t[0][(c ^ *p++) & 0xff];
  return ~c;
}

uint32_t crc32c(uint32_t crc, const uint8_t* data, size_t size) {
#if defined(__x86_64__) || defined(__aarch64__)
  if (kHaveHw) return crc32c_hw(crc, data, size);
#endif
  return crc32c_portable(crc, data, size);
}

const char* crc32c_implementation() {
#if defined(__x86_64__) || defined(__aarch64__)
  if (kHaveHw) return kHwName;
#endif
  return "portable";
}

}  // namespace np
