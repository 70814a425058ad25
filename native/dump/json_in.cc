#include "dump/json_in.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace np::dump {

namespace {

struct Parser {
  const char* p;
  const char* end;
  std::string& err;
  int depth = 0;

  void ws() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  }
  bool fail(const char* what) {
    if (err.empty()) err = what;
    return false;
  }
  static void PutUtf8(std::string& s, uint32_t cp) {
    if (cp < 0x80) s.push_back(char(cp));
    else if (cp < 0x800) {
      s.push_back(char(0xc0 | cp >> 6));
      s.push_back(char(0x80 | (cp & 63)));
    } else if (cp < 0x10000) {
      s.push_back(char(0xe0 | cp >> 12));
      s.push_back(char(0x80 | ((cp >> 6) & 63)));
      s.push_back(char(0x80 | (cp & 63)));
    } else {
      s.push_back(char(0xf0 | cp >> 18));
      s.push_back(char(0x80 | ((cp >> 12) & 63)));
      s.push_back(char(0x80 | ((cp >> 6) & 63)));
      s.push_back(char(0x80 | (cp & 63)));
    }
  }
  bool hex4(uint32_t& v) {
    if (end - p < 4) return fail("bad \\u escape");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f') v |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= uint32_t(c - 'A' + 10);
      else return fail("bad \\u escape");
    }
    return true;
  }
  bool str(std::string& s) {
    ++p;  // opening quote
    while (true) {
      const char* run = p;
      while (p < end && *p != '"' && *p != '\\' && uint8_t(*p) >= 0x20) ++p;
      s.append(run, size_t(p - run));
      if (p >= end) return fail("unterminated string");
      char c = *p++;
      if (c == '"') return true;
      if (c != '\\') return fail("control character in string");
      if (p >= end) return fail("unterminated string");
      char e = *p++;
      switch (e) {
        case '"': s.push_back('"'); break;
        case '\\': s.push_back('\\'); break;
        case '/': s.push_back('/'); break;
        case 'b': s.push_back('\b'); break;
        case 'f': s.push_back('\f'); break;
        case 'n': s.push_back('\n'); break;
        case 'r': s.push_back('\r'); break;
        case 't': s.push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
            p += 2;
            uint32_t lo;
            if (!hex4(lo)) return false;
            if (lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            else {
              PutUtf8(s, 0xfffd);
              cp = lo;
            }
          }
          if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
          PutUtf8(s, cp);
          break;
        }
        default: return fail("bad escape in string");
      }
    }
  }
  // The members of an object (key, ':', value) or the items of an array, from its
  // opening bracket to its closing one.
  bool members(JNode& n, bool object) {
    const char close = object ? '}' : ']';
    ++p;
    ws();
    if (p < end && *p == close) {
      ++p;
      return true;
    }
    while (true) {
      if (object) {
        ws();
        if (p >= end || *p != '"') return fail("expected a key");
        n.keys.emplace_back();
        if (!str(n.keys.back())) return false;
        ws();
        if (p >= end || *p != ':') return fail("expected ':'");
        ++p;
      }
      n.items.emplace_back();
      if (!value(n.items.back())) return false;
      ws();
      if (p < end && *p == ',') {
        ++p;
        continue;
      }
      if (p < end && *p == close) {
        ++p;
        return true;
      }
      return fail(object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
  bool value(JNode& n) {
    ws();
    if (p >= end) return fail("unexpected end of JSON");
    if (++depth > 100) return fail("JSON nested too deeply");
    bool ok = true;
    char c = *p;
    if (c == '{' || c == '[') {
      n.type = c == '{' ? JNode::Obj : JNode::Arr;
      ok = members(n, c == '{');
    } else if (c == '"') {
      n.type = JNode::Str;
      ok = str(n.s);
    } else if (c == 't' && end - p >= 4 && !std::memcmp(p, "true", 4)) {
      n.type = JNode::Bool;
      n.b = true;
      p += 4;
    } else if (c == 'f' && end - p >= 5 && !std::memcmp(p, "false", 5)) {
      n.type = JNode::Bool;
      p += 5;
    } else if (c == 'n' && end - p >= 4 && !std::memcmp(p, "null", 4)) {
      p += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      n.type = JNode::Num;
      const char* s = p;
      if (*p == '-') ++p;
      if (p >= end || !(*p >= '0' && *p <= '9')) return fail("bad number");
      while (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-')) ++p;
      n.s.assign(s, size_t(p - s));
    } else {
      ok = fail("unexpected character in JSON");
    }
    --depth;
    return ok;
  }
};

bool ParseInt(const std::string& text, bool isSigned, uint64_t& out) {
  const char* s = text.c_str();
  bool neg = false;
  if (*s == '-') {
    if (!isSigned) return false;
    neg = true;
    ++s;
  }
  if (!*s) return false;
  uint64_t v = 0;
  const char* q = s;
  for (; *q >= '0' && *q <= '9'; ++q) {
    uint64_t d = uint64_t(*q - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (*q) {
    // 1.0, 1e3: accept when integral and exactly representable
    char* e = nullptr;
    double d = std::strtod(text.c_str(), &e);
    if (*e || !std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9007199254740992.0) return false;
    if (d < 0 && !isSigned) return false;
    out = d < 0 ? uint64_t(-int64_t(-d)) : uint64_t(d);
    return true;
  }
  if (neg) {
    if (v > uint64_t(INT64_MAX) + 1) return false;
    out = uint64_t(0) - v;
  } else {
    if (isSigned && v > uint64_t(INT64_MAX)) return false;
    out = v;
  }
  return true;
}

bool ScalarInt(const JNode& n, bool isSigned, uint64_t& v) {
  if (n.type == JNode::Num || n.type == JNode::Str) return ParseInt(n.s, isSigned, v);
  return false;
}

bool ScalarDouble(const JNode& n, double& d) {
  if (n.type == JNode::Str) {
    if (n.s == "NaN") d = NAN;
    else if (n.s == "Infinity") d = INFINITY;
    else if (n.s == "-Infinity") d = -INFINITY;
    else {
      char* e = nullptr;
      d = std::strtod(n.s.c_str(), &e);
      return !n.s.empty() && !*e;
    }
    return true;
  }
  if (n.type != JNode::Num) return false;
  char* e = nullptr;
  d = std::strtod(n.s.c_str(), &e);
  return !*e;
}

int Unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool DecodeBase64(const std::string& s, std::string& out) {
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=') break;
    else return false;
    acc = acc << 6 | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xff));
    }
  }
  return true;
}

bool EncodeMsg(const Msg* m, const JNode& obj, std::string& out, std::string& err, int depth);

bool EncodeScalar(const Field* f, const JNode& n, std::string& out, std::string& err) {
  uint64_t v = 0;
  double d = 0;
  auto bad = [&](const char* what) {
    err = std::string("field ") + f->json + ": " + what;
    return false;
  };
  switch (f->type) {
    case kFixed64: if (!ScalarInt(n, false, v)) return bad("expected an unsigned integer"); PutFixed64(out, v); break;
    case kSFixed64: if (!ScalarInt(n, true, v)) return bad("expected an integer"); PutFixed64(out, v); break;
    case kDouble: {
      if (!ScalarDouble(n, d)) return bad("expected a number");
      uint64_t u;
      std::memcpy(&u, &d, 8);
      PutFixed64(out, u);
      break;
    }
    case kFixed32:
      if (!ScalarInt(n, false, v) || v > UINT32_MAX) return bad("expected a 32-bit unsigned integer");
      PutFixed32(out, uint32_t(v));
      break;
    case kInt64: if (!ScalarInt(n, true, v)) return bad("expected an integer"); PutVarint(out, v); break;
    case kUInt64: if (!ScalarInt(n, false, v)) return bad("expected an unsigned integer"); PutVarint(out, v); break;
    case kInt32: case kEnum:
      if (!ScalarInt(n, true, v) || int64_t(v) < INT32_MIN || int64_t(v) > INT32_MAX) return bad("expected a 32-bit integer");
      PutVarint(out, uint64_t(int64_t(int32_t(int64_t(v)))));
      break;
    case kUInt32: if (!ScalarInt(n, false, v) || v > UINT32_MAX) return bad("expected a 32-bit unsigned integer"); PutVarint(out, v); break;
    case kSInt32: {
      if (!ScalarInt(n, true, v) || int64_t(v) < INT32_MIN || int64_t(v) > INT32_MAX) return bad("expected a 32-bit integer");
      int32_t i = int32_t(int64_t(v));
      PutVarint(out, uint32_t((uint32_t(i) << 1) ^ uint32_t(i >> 31)));
      break;
    }
    case kBool:
      if (n.type != JNode::Bool) return bad("expected true or false");
      PutVarint(out, n.b ? 1 : 0);
      break;
    default: return bad("internal: not a scalar");
  }
  return true;
}

uint8_t ScalarWire(FieldType t) {
  switch (t) {
    case kFixed64: case kSFixed64: case kDouble: return kWFixed64;
    case kFixed32: return kWFixed32;
    default: return kWVarint;
  }
}

bool EncodeOne(const Field* f, const JNode& n, std::string& out, std::string& err, int depth) {
  switch (f->type) {
    case kMsg: {
      if (n.type != JNode::Obj) {
        err = std::string("field ") + f->json + ": expected an object";
        return false;
      }
      std::string sub;
      if (!EncodeMsg(f->msg, n, sub, err, depth + 1)) return false;
      PutTag(out, f->num, kWLen);
      PutVarint(out, sub.size());
      out += sub;
      return true;
    }
    case kString:
      if (n.type != JNode::Str) {
        err = std::string("field ") + f->json + ": expected a string";
        return false;
      }
      PutTag(out, f->num, kWLen);
      PutVarint(out, n.s.size());
      out += n.s;
      return true;
    case kBytes: case kId: {
      if (n.type != JNode::Str) {
        err = std::string("field ") + f->json + ": expected a string";
        return false;
      }
      std::string raw;
      if (f->type == kId) {
        if (n.s.size() % 2) {
          err = std::string("field ") + f->json + ": expected a hex id";
          return false;
        }
        for (size_t i = 0; i < n.s.size(); i += 2) {
          int hi = Unhex(n.s[i]), lo = Unhex(n.s[i + 1]);
          if (hi < 0 || lo < 0) {
            err = std::string("field ") + f->json + ": expected a hex id";
            return false;
          }
          raw.push_back(char(hi << 4 | lo));
        }
      } else if (!DecodeBase64(n.s, raw)) {
        err = std::string("field ") + f->json + ": expected base64";
        return false;
      }
      PutTag(out, f->num, kWLen);
      PutVarint(out, raw.size());
      out += raw;
      return true;
    }
    default:
      PutTag(out, f->num, ScalarWire(f->type));
      return EncodeScalar(f, n, out, err);
  }
}

bool EncodeMsg(const Msg* m, const JNode& obj, std::string& out, std::string& err, int depth) {
  if (depth > 64) {
    err = "message nested too deeply";
    return false;
  }
  for (size_t i = 0; i < obj.keys.size(); ++i) {
    const JNode& n = obj.items[i];
    if (n.type == JNode::Null) continue;
    const Field* f = m->findJson(obj.keys[i]);
    if (!f) continue;  // unknown fields are skipped
    if (f->repeated) {
      if (n.type != JNode::Arr) {
        err = std::string("field ") + f->json + ": expected an array";
        return false;
      }
      if (f->type == kMsg || f->type == kString || f->type == kBytes || f->type == kId) {
        for (const JNode& it : n.items)
          if (!EncodeOne(f, it, out, err, depth)) return false;
      } else if (!n.items.empty()) {
        std::string packed;
        for (const JNode& it : n.items)
          if (!EncodeScalar(f, it, packed, err)) return false;
        PutTag(out, f->num, kWLen);
        PutVarint(out, packed.size());
        out += packed;
      }
    } else if (!EncodeOne(f, n, out, err, depth)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool ParseJson(std::string_view text, JNode& out, std::string& err) {
  Parser p{text.data(), text.data() + text.size(), err};
  if (!p.value(out)) return false;
  p.ws();
  if (p.p != p.end) {
    err = "trailing characters after JSON";
    return false;
  }
  return true;
}

Signal SignalOfRequestKey(const std::string& k) {
  return k == "resourceSpans" || k == "resource_spans"       ? Signal::Traces
         : k == "resourceMetrics" || k == "resource_metrics" ? Signal::Metrics
         : k == "resourceLogs" || k == "resource_logs"       ? Signal::Logs
                                                             : Signal::None;
}

bool EncodeOtlpJson(const JNode& doc, Signal& signal, std::string& out, std::string& err) {
  if (doc.type != JNode::Obj) {
    err = "an OTLP/JSON line must be an object";
    return false;
  }
  signal = Signal::None;
  for (const std::string& k : doc.keys) {
    Signal s = SignalOfRequestKey(k);
    if (s == Signal::None) continue;
    if (signal != Signal::None && signal != s) {
      err = "an OTLP/JSON line holds more than one signal";
      return false;
    }
    signal = s;
  }
  if (signal == Signal::None) {
    err = "no resourceSpans, resourceMetrics or resourceLogs in this line";
    return false;
  }
  return EncodeMsg(RequestMsg(signal), doc, out, err, 0);
}

}  // namespace np::dump
