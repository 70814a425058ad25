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

inline uint64_t load64le(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}


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

// Multiplication modulo the polynomial, in the reflected bit order of the CRC
// register (bit 31 is x^0). The CRC register is linear in its state: running n more
// bytes through it multiplies the state by x^(8n), which is what lets independent
// lanes be joined.
constexpr uint32_t MulModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t m = 1u << 31; m; m >>= 1) {
    if (a & m) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return product;
}

// x^(8n) modulo the polynomial, by square and multiply.
constexpr uint32_t XPow8n(uint64_t n) {
  uint32_t r = 1u << 31, b = 1u << 30;  // x^0, x^1
  for (uint64_t e = 8 * n; e; e >>= 1) {
    if (e & 1) r = MulModP(r, b);
    b = MulModP(b, b);
  }
  return r;
}

// Multiplying a CRC state by one constant, as four byte-indexed tables.
struct Shift {
  uint32_t t[4][256];
  constexpr explicit Shift(uint32_t k) : t{} {
    for (uint32_t j = 0; j < 4; ++j)
      for (uint32_t i = 0; i < 256; ++i) t[j][i] = MulModP(k, i << (8 * j));
  }
  uint32_t operator()(uint32_t s) const { return t[0][s & 0xff] ^ t[1][(s >> 8) & 0xff] ^ t[2][(s >> 16) & 0xff] ^ t[3][s >> 24]; }
};

// The hardware CRC step has a latency of about three cycles but can start one per
// cycle, so three independent lanes over the thirds of a block run about three times
// faster than one; the lanes are then joined by shifting. Two block sizes: long
// payloads use the big one, the rest of a payload the small one.
constexpr size_t kLaneBig = 4096, kLaneSmall = 256;
constexpr Shift kShiftBig1(XPow8n(kLaneBig)), kShiftBig2(XPow8n(2 * kLaneBig));
constexpr Shift kShiftSmall1(XPow8n(kLaneSmall)), kShiftSmall2(XPow8n(2 * kLaneSmall));

// Runs three lanes of the hardware step (STEP(register, 8 bytes)) over whole blocks of
// 3 * lane bytes; the lanes are joined by shifting the first two.
#define NP_CRC_THREE_LANES(c, p, n, lane, s1, s2, STEP)  \
  while ((n) >= 3 * (lane)) {                              \
    uint32_t la = (c), lb = 0, lc = 0;                     \
    for (size_t i = 0; i < (lane); i += 8) {               \
      la = STEP(la, load64le((p) + i));                    \
      lb = STEP(lb, load64le((p) + (lane) + i));           \
      lc = STEP(lc, load64le((p) + 2 * (lane) + i));       \
    }                                                      \
    (c) = (s2)(la) ^ (s1)(lb) ^ lc;                        \
    (p) += 3 * (lane);                                     \
    (n) -= 3 * (lane);                                     \
  }

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_hw(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = ~crc;
  while (n && (reinterpret_cast<uintptr_t>(p) & 7)) {
    c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
    --n;
  }
#define NP_STEP(r, v) static_cast<uint32_t>(_mm_crc32_u64((r), (v)))
  uint32_t c32 = static_cast<uint32_t>(c);
  NP_CRC_THREE_LANES(c32, p, n, kLaneBig, kShiftBig1, kShiftBig2, NP_STEP)
  NP_CRC_THREE_LANES(c32, p, n, kLaneSmall, kShiftSmall1, kShiftSmall2, NP_STEP)
#undef NP_STEP
  c = c32;
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
  NP_CRC_THREE_LANES(c, p, n, kLaneBig, kShiftBig1, kShiftBig2, __crc32cd)
  NP_CRC_THREE_LANES(c, p, n, kLaneSmall, kShiftSmall1, kShiftSmall2, __crc32cd)
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
