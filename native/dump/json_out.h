// JSON text output helpers: strings (always valid JSON, invalid UTF-8 replaced by
// U+FFFD), hex ids, base64, exact integers and shortest round-trip doubles.
#pragma once

#include "core/format.h"
#include "core/utf8.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace np::dump {

inline void JsonString(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const uint8_t* run = p;
    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') ++p;
    out.append(reinterpret_cast<const char*>(run), size_t(p - run));
    if (p >= end) break;
    uint8_t c = *p;
    if (c < 0x80) {
      if (c == '"') out += "\\\"";
      else if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else {
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
      }
      ++p;
      continue;
    }
    // multi-byte UTF-8: validate, copy or replace
    uint32_t cp = 0;
    const int n = Utf8Sequence(p, end, cp);
    const bool good = n > 0;
    if (good) {
      out.append(reinterpret_cast<const char*>(p), size_t(n));
      p += n;
    } else {
      out += "\xef\xbf\xbd";
      ++p;
    }
  }
  out.push_back('"');
}

inline void JsonKey(std::string& out, std::string_view k) {
  JsonString(out, k);
  out.push_back(':');
}

inline void HexString(std::string& out, std::string_view b) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : b) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  out.push_back('"');
}

inline void Base64String(std::string& out, std::string_view b) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out.push_back('"');
  const auto* p = reinterpret_cast<const uint8_t*>(b.data());
  size_t n = b.size(), i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = uint32_t(p[i]) << 16 | uint32_t(p[i + 1]) << 8 | p[i + 2];
    out.push_back(tbl[v >> 18]);
    out.push_back(tbl[(v >> 12) & 63]);
    out.push_back(tbl[(v >> 6) & 63]);
    out.push_back(tbl[v & 63]);
  }
  if (n - i == 1) {
    uint32_t v = uint32_t(p[i]) << 16;
    out.push_back(tbl[v >> 18]);
    out.push_back(tbl[(v >> 12) & 63]);
    out += "==";
  } else if (n - i == 2) {
    uint32_t v = uint32_t(p[i]) << 16 | uint32_t(p[i + 1]) << 8;
    out.push_back(tbl[v >> 18]);
    out.push_back(tbl[(v >> 12) & 63]);
    out.push_back(tbl[(v >> 6) & 63]);
    out.push_back('=');
  }
  out.push_back('"');
}

inline void JsonU64(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, size_t(r.ptr - buf));
}
inline void JsonI64(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, size_t(r.ptr - buf));
}
inline void JsonU64String(std::string& out, uint64_t v) {
  out.push_back('"');
  JsonU64(out, v);
  out.push_back('"');
}
inline void JsonI64String(std::string& out, int64_t v) {
  out.push_back('"');
  JsonI64(out, v);
  out.push_back('"');
}
// An int64 as a JSON number when it is a safe integer, else a decimal string.
inline void JsonI64Plain(std::string& out, int64_t v) {
  const int64_t kSafe = (int64_t(1) << 53) - 1;
  if (v >= -kSafe && v <= kSafe) JsonI64(out, v);
  else JsonI64String(out, v);
}
// A double as a number; NaN and the infinities as the strings of the proto3 JSON mapping.
inline void JsonDouble(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  if (d == 0) {
    out.push_back('0');
    return;
  }
  char buf[32];
  out.append(buf, np::FormatDouble(buf, d));
}

// Writes one JSON object member by member, in the order of the calls: the first member
// opens the object, close() ends it. Keys are written as given (plain ASCII names).
class JsonObject {
 public:
  explicit JsonObject(std::string& out) : out_(out) {}
  // Writes the next member's key; its value is then written to the returned text.
  std::string& key(const char* k) {
    out_ += open_ ? ",\"" : "{\"";
    open_ = true;
    out_ += k;
    out_ += "\":";
    return out_;
  }
  JsonObject& str(const char* k, std::string_view v) { return put(JsonString, k, v); }
  JsonObject& hex(const char* k, std::string_view v) { return put(HexString, k, v); }
  JsonObject& u64(const char* k, uint64_t v) { return put(JsonU64, k, v); }
  JsonObject& u64String(const char* k, uint64_t v) { return put(JsonU64String, k, v); }
  JsonObject& i64(const char* k, int64_t v) { return put(JsonI64, k, v); }
  // A member whose value is JSON text already.
  JsonObject& json(const char* k, std::string_view v) {
    key(k) += v;
    return *this;
  }
  void close() { out_.push_back('}'); }

 private:
  template <typename V>
  JsonObject& put(void (*write)(std::string&, V), const char* k, V v) {
    write(key(k), v);
    return *this;
  }
  std::string& out_;
  bool open_ = false;
};

}  // namespace np::dump
