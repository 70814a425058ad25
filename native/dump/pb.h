// Protobuf wire-format reading and writing primitives for the OTLP decoder (no
// generic runtime: the OTLP messages are walked by hand or by the tables of
// otlp_schema.cc). Every length is checked against the bytes present; nothing here
// allocates or trusts a length beyond the end of the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace np::dump {

using Bytes = std::string_view;  // a view of raw bytes (not necessarily UTF-8)

inline uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline uint32_t LoadLE32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint16_t LoadLE16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
inline void StoreLE64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}
inline void StoreLE32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}

enum Wire : uint8_t { kWVarint = 0, kWFixed64 = 1, kWLen = 2, kWStartGroup = 3, kWEndGroup = 4, kWFixed32 = 5 };

// A cursor over one message's bytes. After any failure `ok` is false and every
// further read returns zero values, so callers check `ok` once at the end.
struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;

  Reader(const uint8_t* b, size_t n) : p(b), end(b + n) {}
  explicit Reader(Bytes b) : p(reinterpret_cast<const uint8_t*>(b.data())), end(p + b.size()) {}

  bool more() const { return ok && p < end; }
  void fail() {
    ok = false;
    p = end;
  }

  uint64_t varint() {
    if (p < end && *p < 0x80) return *p++;  // one-byte fast path
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) {
        fail();
        return 0;
      }
      uint8_t b = *p++;
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        // the 10th byte may only carry the top bit
        if (shift == 63 && b > 1) {
          fail();
          return 0;
        }
        return v;
      }
    }
    fail();
    return 0;
  }
  // Steps over the next n bytes and returns where they start; nullptr (the reader
  // failed) when fewer are left.
  const uint8_t* take(uint64_t n) {
    if (!ok || n > uint64_t(end - p)) {
      fail();
      return nullptr;
    }
    const uint8_t* at = p;
    p += n;
    return at;
  }
  uint64_t fixed64() {
    const uint8_t* at = take(8);
    return at ? LoadLE64(at) : 0;
  }
  uint32_t fixed32() {
    const uint8_t* at = take(4);
    return at ? LoadLE32(at) : 0;
  }
  double f64() {
    uint64_t u = fixed64();
    double d;
    std::memcpy(&d, &u, 8);
    return d;
  }
  Bytes bytes() {
    const uint64_t n = varint();
    const uint8_t* at = take(n);
    return at ? Bytes(reinterpret_cast<const char*>(at), size_t(n)) : Bytes{};
  }
  // Reads a tag; returns false at the end of the message (or on failure).
  bool tag(uint32_t& field, uint8_t& wire) {
    if (!more()) return false;
    if (*p < 0x80 && *p >= 8) {  // one-byte tag fast path
      uint8_t t = *p++;
      field = t >> 3;
      wire = t & 7;
      if (wire > 5) {
        fail();
        return false;
      }
      return true;
    }
    uint64_t t = varint();
    field = uint32_t(t >> 3);
    wire = uint8_t(t & 7);
    if (!ok || field == 0 || (t >> 3) > 0x1fffffff || wire > 5) {
      fail();
      return false;
    }
    return true;
  }
  // Skips a field's value of any wire type (groups included, nesting bounded).
  void skip(uint8_t wire, uint32_t field, int depth = 0) {
    switch (wire) {
      case kWVarint: varint(); break;
      case kWFixed64: fixed64(); break;
      case kWLen: bytes(); break;
      case kWFixed32: fixed32(); break;
      case kWStartGroup: {
        if (depth > 32) {
          fail();
          return;
        }
        uint32_t f;
        uint8_t w;
        while (tag(f, w)) {
          if (w == kWEndGroup) {
            if (f != field) fail();
            return;
          }
          skip(w, f, depth + 1);
        }
        fail();  // group never closed
        break;
      }
      default: fail();
    }
  }
};

inline int64_t ZigZag32(uint64_t v) { return int32_t(uint32_t(v) >> 1) ^ -int32_t(uint32_t(v) & 1); }

// Protobuf writing into a std::string.
inline void PutVarint(std::string& out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = char(uint8_t(v) | 0x80);
    v >>= 7;
  }
  buf[n++] = char(v);
  out.append(buf, size_t(n));
}
inline void PutTag(std::string& out, uint32_t field, uint8_t wire) { PutVarint(out, uint64_t(field) << 3 | wire); }
inline void PutFixed64(std::string& out, uint64_t v) {
  uint8_t b[8];
  StoreLE64(b, v);
  out.append(reinterpret_cast<char*>(b), 8);
}
inline void PutFixed32(std::string& out, uint32_t v) {
  uint8_t b[4];
  StoreLE32(b, v);
  out.append(reinterpret_cast<char*>(b), 4);
}

// Calls fn(field, wire, reader) for each field of `msg`, in wire order; fn reads the
// field's value from the reader (or skips it) and returns false to stop. True when the
// walk reached the end of a well-formed message.
template <typename Fn>
bool WalkFields(Bytes msg, Fn&& fn) {
  Reader r(msg);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    if (!fn(num, wire, r)) return false;
  }
  return r.ok;
}

// Calls fn(bytes) for each length-delimited field `field` of `msg`, in wire order; every
// other field (of any wire type) is skipped.
template <typename Fn>
void ForEachLen(Bytes msg, uint32_t field, Fn&& fn) {
  WalkFields(msg, [&](uint32_t num, uint8_t wire, Reader& r) {
    if (num == field && wire == kWLen) fn(r.bytes());
    else r.skip(wire, num);
    return true;
  });
}

// Like ForEachLen, for a validating walk: fn(bytes) returns whether they are good. False
// as soon as a field `field` is not length-delimited, fn returns false or the message
// is malformed.
template <typename Fn>
bool EveryLen(Bytes msg, uint32_t field, Fn&& fn) {
  return WalkFields(msg, [&](uint32_t num, uint8_t wire, Reader& r) {
    if (num != field) {
      r.skip(wire, num);
      return true;
    }
    if (wire != kWLen) return false;
    Bytes b = r.bytes();
    return r.ok && fn(b);
  });
}

// One field a decoder keeps: its number, its wire type and the variable its value goes
// to (converted to the variable's type).
template <typename T>
struct FieldInto {
  uint32_t num;
  uint8_t wire;
  T* to;
};
template <typename T>
FieldInto<T> Into(uint32_t num, uint8_t wire, T& to) {
  return {num, wire, &to};
}
template <typename T>
bool ReadInto(Reader& r, uint32_t num, uint8_t wire, const FieldInto<T>& f) {
  if (num != f.num || wire != f.wire) return false;
  if constexpr (std::is_same_v<T, Bytes>) *f.to = r.bytes();
  else if (wire == kWFixed64) *f.to = T(r.fixed64());
  else if (wire == kWFixed32) *f.to = T(r.fixed32());
  else *f.to = T(r.varint());
  return true;
}
// Decodes the fields `into` of `msg` (the last occurrence of each wins); unknown fields
// and fields of another wire type are skipped.
template <typename... T>
void ReadFields(Bytes msg, const FieldInto<T>&... into) {
  WalkFields(msg, [&](uint32_t num, uint8_t wire, Reader& r) {
    if (!(ReadInto(r, num, wire, into) || ...)) r.skip(wire, num);
    return true;
  });
}

// Calls fn(key, value, hasValue) for each KeyValue (key = 1, AnyValue value = 2) in the
// repeated field `field` of `msg`, in wire order.
template <typename Fn>
void ForEachKeyValue(Bytes msg, uint32_t field, Fn&& fn) {
  ForEachLen(msg, field, [&](Bytes kvBytes) {
    Bytes key, value;
    bool hasValue = false;
    WalkFields(kvBytes, [&](uint32_t num, uint8_t wire, Reader& kv) {
      if (num == 1 && wire == kWLen) key = kv.bytes();
      else if (num == 2 && wire == kWLen) {
        value = kv.bytes();
        hasValue = true;
      } else kv.skip(wire, num);
      return true;
    });
    fn(key, value, hasValue);
  });
}

}  // namespace np::dump
