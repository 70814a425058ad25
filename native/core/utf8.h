// UTF-8 validation shared by the text writers of the native core.
#pragma once

#include <cstdint>

namespace np {

// For a byte *p >= 0x80 at the start of a sequence: returns the length (2 to 4) of the
// valid UTF-8 sequence starting there and sets `cp` to its code point, or returns 0 when
// it is not valid UTF-8 (a bad lead or continuation byte, an overlong form, a surrogate,
// a code point above U+10FFFF, or a sequence cut off by `end`).
inline int Utf8Sequence(const uint8_t* p, const uint8_t* end, uint32_t& cp) {
  const uint8_t c = *p;
  const int n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n == 0 || end - p < n) return 0;
  uint32_t v = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
  for (int i = 1; i < n; ++i) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    v = v << 6 | (p[i] & 0x3f);
  }
  if ((n == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) || (n == 4 && (v < 0x10000 || v > 0x10ffff))) return 0;
  cp = v;
  return n;
}

}  // namespace np
