#include "dump/columns.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <string_view>

#include "core/utf8.h"
#include "dump/json_out.h"

namespace np::dump {

uint32_t SpanColumns::add(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto* end = p + s.size();
  const uint8_t* q = p;
  while (q < end && *q < 0x80) ++q;
  if (q == end) {
    // ASCII (the usual case): into the one-byte text
    if (!s.empty()) text.append(s.data(), s.size());
    u16_ += uint32_t(s.size());
    bounds.push_back(u16_);
    byteStart_.push_back(uint32_t(text.size()));
    return uint32_t(bounds.size() - 2);
  }
  // not ASCII: as UTF-16 into the side text; its range in `text` stays empty
  const uint32_t k = uint32_t(bounds.size() - 1);
  wide.push_back(k);
  wide.push_back(uint32_t(text16.size()));
  while (p < end) {
    const uint8_t* run = p;
    while (p < end && *p < 0x80) ++p;
    for (const uint8_t* r = run; r < p; ++r) text16.push_back(char16_t(*r));
    if (p >= end) break;
    uint32_t cp = 0;
    const int n = Utf8Sequence(p, end, cp);
    const bool good = n > 0;
    if (good) {
      if (cp >= 0x10000) {
        cp -= 0x10000;
        text16.push_back(char16_t(0xd800 + (cp >> 10)));
        text16.push_back(char16_t(0xdc00 + (cp & 0x3ff)));
      } else {
        text16.push_back(char16_t(cp));
      }
      p += n;
    } else {
      text16.push_back(char16_t(0xfffd));
      ++p;
    }
  }
  wide.push_back(uint32_t(text16.size()));
  bounds.push_back(u16_);
  byteStart_.push_back(uint32_t(text.size()));
  return k;
}

// A quick hash for the short strings of a batch (keys, names, enum-like values): the
// first and last eight bytes and the length, mixed by multiplication.
static inline size_t ShortHash(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = uint64_t(p[0]) | uint64_t(p[n / 2]) << 8 | uint64_t(p[n - 1]) << 16;
  }
  // strings of 17 bytes and more: a middle word too, so long keys sharing a prefix and
  // suffix spread
  if (n > 16) {
    uint64_t m;
    std::memcpy(&m, p + n / 2 - 4, 8);
    a ^= m * 0x9E3779B97F4A7C15ull;
  }
  uint64_t h = (a ^ 0x243F6A8885A308D3ull) * 0xBF58476D1CE4E5B9ull;
  h ^= (b + n) * 0x94D049BB133111EBull;
  return size_t(h ^ (h >> 29));
}

// True when every byte is below 0x80 (eight at a time).
static inline bool IsAscii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t any = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    any |= w;
  }
  for (; n; --n) any |= uint8_t(*p++);
  return !(any & 0x8080808080808080ull);
}

// Equality of two short byte strings of the same length, in words.
static inline bool SameBytes(const char* a, const char* b, size_t n) {
  while (n >= 8) {
    uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  while (n--)
    if (*a++ != *b++) return false;
  return true;
}

uint32_t SpanColumns::addShort(std::string_view s) {
  if (s.size() > 48) return add(s);
  // only ASCII strings are shared (a wide string's range in `text` is empty, so it must
  // never match the empty string)
  if (!IsAscii(s)) return add(s);
  if (slots_.empty()) slots_.assign(4096, 0);
  const size_t mask = slots_.size() - 1;
  const size_t hash = ShortHash(s);
  const uint64_t tag = uint64_t(hash >> 32) << 32;  // the high half of the hash, kept in the slot
  size_t h = hash & mask;
  while (uint64_t e = slots_[h]) {
    if ((e & ~uint64_t(0xffffffff)) == tag) {
      uint32_t k = uint32_t(e) - 1;
      if (byteStart_[k + 1] - byteStart_[k] == s.size() && SameBytes(text.data() + byteStart_[k], s.data(), s.size())) return k;
    }
    h = (h + 1) & mask;
  }
  uint32_t k = add(s);
  slots_[h] = tag | (uint64_t(k) + 1);
  usedAt_.push_back(uint32_t(h));
  if (++used_ * 2 > slots_.size()) grow();
  return k;
}

void SpanColumns::grow() {
  std::vector<uint64_t> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, 0);
  size_t mask = slots_.size() - 1;
  usedAt_.clear();
  for (uint64_t e : old) {
    if (!e) continue;
    uint32_t k = uint32_t(e) - 1;
    std::string_view key(text.data() + byteStart_[k], byteStart_[k + 1] - byteStart_[k]);
    size_t h = ShortHash(key) & mask;
    while (slots_[h]) h = (h + 1) & mask;
    slots_[h] = e;
    usedAt_.push_back(uint32_t(h));
  }
}

namespace {
// "00".."ff": two characters per byte
struct HexPairs {
  char c[512];
  constexpr HexPairs() : c{} {
    const char* d = "0123456789abcdef";
    for (int i = 0; i < 256; ++i) {
      c[2 * i] = d[i >> 4];
      c[2 * i + 1] = d[i & 15];
    }
  }
};
constexpr HexPairs kHexPairs;
}  // namespace

uint32_t SpanColumns::addHex(std::string_view b) {
  const size_t at = text.size();
  text.resize(at + 2 * b.size());
  char* o = &text[at];
  for (unsigned char c : b) {
    std::memcpy(o, &kHexPairs.c[2 * c], 2);
    o += 2;
  }
  u16_ += uint32_t(2 * b.size());
  bounds.push_back(u16_);
  byteStart_.push_back(uint32_t(text.size()));
  return uint32_t(bounds.size() - 2);
}

uint32_t SpanColumns::addU64(uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  text.append(buf, size_t(r.ptr - buf));
  u16_ += uint32_t(r.ptr - buf);
  bounds.push_back(u16_);
  byteStart_.push_back(uint32_t(text.size()));
  return uint32_t(bounds.size() - 2);
}

void SpanColumns::attributes(Bytes message, uint32_t field, double& begin, double& end) {
  begin = double(attr.size() / kAttrStride);
  std::string scratch;
  ForEachKeyValue(message, field, [&](Bytes key, Bytes value, bool hasValue) {
    uint32_t n2;
    uint8_t w2;
    double k = addShort(key), kind = kAttrNull, val = 0;
    if (hasValue) {
      // the last member of the oneof that is set
      Reader av(value);
      const uint8_t* at = nullptr;
      uint32_t which = 0;
      while (av.tag(n2, w2)) {
        if (n2 >= 1 && n2 <= 7) {
          at = av.p;
          which = n2;
        }
        av.skip(w2, n2);
      }
      if (at) {
        Reader v(at, size_t(value.data() + value.size() - reinterpret_cast<const char*>(at)));
        switch (which) {
          case 1: kind = kAttrString; val = addShort(v.bytes()); break;
          case 2: kind = kAttrBool; val = v.varint() ? 1 : 0; break;
          case 3: {
            int64_t i = int64_t(v.varint());
            const int64_t kSafe = (int64_t(1) << 53) - 1;
            if (i >= -kSafe && i <= kSafe) {
              kind = kAttrNumber;
              val = double(i);
            } else {
              char buf[24];
              auto res = std::to_chars(buf, buf + sizeof buf, i);
              kind = kAttrNumberText;
              val = add(std::string_view(buf, size_t(res.ptr - buf)));
            }
            break;
          }
          case 4: {
            double d = v.f64();
            if (std::isfinite(d)) {
              kind = kAttrNumber;
              val = d == 0 ? 0 : d;
            } else {
              kind = kAttrNumberText;
              val = add(std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
            }
            break;
          }
          case 5: case 6:
            scratch.clear();
            PlainAnyValue(value, scratch);
            kind = kAttrJson;
            val = add(scratch);
            break;
          case 7:
            scratch.clear();
            Base64String(scratch, v.bytes());
            kind = kAttrString;
            val = add(std::string_view(scratch).substr(1, scratch.size() - 2));
            break;
        }
      }
    }
    attr.push_back(k);
    attr.push_back(kind);
    attr.push_back(val);
  });
  end = double(attr.size() / kAttrStride);
}

std::pair<uint32_t, uint32_t> SpanColumns::intern(const ScopeView& sc) {
  // each distinct resource / scope JSON once per batch: its index in `resources` / `scopes`
  auto once = [this](const std::string& json, std::vector<double>& table, std::unordered_map<std::string, uint32_t>& index) {
    auto it = index.find(json);
    if (it != index.end()) return it->second;
    uint32_t k = uint32_t(table.size());
    table.push_back(add(json));
    index.emplace(json, k);
    return k;
  };
  std::string json;
  ResourceJson(sc.resource, json);
  const uint32_t res = once(json, resources, resIndex);
  json.clear();
  ScopeJson(sc.scope, json);
  return {res, once(json, scopes, scopeIndex)};
}

void SpanColumns::addSpan(const SpanView& s, std::pair<uint32_t, uint32_t> ctx, uint64_t frame) {
  ++count;
  uint32_t res = ctx.first, scope = ctx.second;
  const StatusFields status = DecodeStatus(s.status);
  size_t at = span.size();
  span.resize(at + kSpanStride);
  double* f = &span[at];
  f[0] = addHex(s.traceId);
  f[1] = addHex(s.spanId);
  f[2] = addHex(s.parentSpanId);
  f[3] = addShort(s.traceState);
  f[4] = addShort(s.name);
  f[5] = s.kind;
  f[6] = s.flags;
  f[7] = addU64(s.start);
  f[8] = addU64(s.end);
  double ab, ae;
  attributes(s.raw, 9, ab, ae);  // (appends to attr: f stays valid)
  f[9] = ab;
  f[10] = ae;
  f[11] = s.droppedAttrs;
  f[12] = status.code;
  f[13] = addShort(status.message);
  f[14] = double(event.size() / kEventStride);
  f[17] = double(link.size() / kLinkStride);
  Reader r(s.raw);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    if (num == 11 && wire == kWLen) {
      Bytes ev = r.bytes();
      const EventFields e = DecodeEvent(ev);
      double nm = addShort(e.name), tm = addU64(e.time), b, en;
      attributes(ev, 3, b, en);
      event.insert(event.end(), {nm, tm, b, en, double(e.dropped)});
    } else if (num == 13 && wire == kWLen) {
      Bytes lk = r.bytes();
      const LinkFields l = DecodeLink(lk);
      double a = addHex(l.traceId), b2 = addHex(l.spanId), c = addShort(l.traceState), b, en;
      attributes(lk, 4, b, en);
      link.insert(link.end(), {a, b2, c, double(l.flags), b, en, double(l.dropped)});
    } else {
      r.skip(wire, num);
    }
  }
  f[15] = double(event.size() / kEventStride);
  f[16] = s.droppedEvents;
  f[18] = double(link.size() / kLinkStride);
  f[19] = s.droppedLinks;
  f[20] = res;
  f[21] = scope;
  f[22] = double(frame);
}

}  // namespace np::dump
