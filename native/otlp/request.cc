#include "otlp/request.h"

#include <cstring>
#include <vector>

#include "dump/json_in.h"
#include "dump/json_out.h"
#include "dump/pb.h"
#include "dump/traces.h"
#include "dump/walks.h"

namespace np::otlp {

using dump::ForEachLen;
using dump::JNode;
using dump::kWFixed64;
using dump::kWLen;
using dump::kWVarint;
using dump::PutTag;
using dump::PutVarint;
using dump::Reader;

Counts CountItems(Signal s, Bytes request) {
  Counts c;
  dump::ForEachItem(request, [&](Bytes, Bytes, Bytes item) {
    if (s == Signal::Traces) ++c.spans;
    else if (s == Signal::Logs) ++c.logs;
    else dump::ForEachMetricData(item, [&](uint32_t, Bytes data) { ForEachLen(data, 1, [&](Bytes) { ++c.points; }); });
  });
  return c;
}

bool CheckRequest(Signal s, Bytes request, Counts& counts) {
  counts = Counts{};
  if (s == Signal::Traces) {
    // the reader's own span walk: a request it accepts here it reads back whole
    std::vector<dump::SpanKey> keys;
    std::vector<Bytes> services;
    if (!dump::ScanTraces(request, keys, services)) return false;
    counts.spans = keys.size();
    return true;
  }
  if (s != Signal::Metrics && s != Signal::Logs) return false;
  if (!dump::Validate(dump::RequestMsg(s), request)) return false;
  counts = CountItems(s, request);
  return true;
}

namespace {

struct EnumName {
  const char* name;
  int32_t value;
};
const EnumName kSpanKinds[] = {{"SPAN_KIND_UNSPECIFIED", 0}, {"SPAN_KIND_INTERNAL", 1}, {"SPAN_KIND_SERVER", 2},
                               {"SPAN_KIND_CLIENT", 3},      {"SPAN_KIND_PRODUCER", 4}, {"SPAN_KIND_CONSUMER", 5}};
const EnumName kStatusCodes[] = {{"STATUS_CODE_UNSET", 0}, {"STATUS_CODE_OK", 1}, {"STATUS_CODE_ERROR", 2}};
const EnumName kTemporalities[] = {{"AGGREGATION_TEMPORALITY_UNSPECIFIED", 0},
                                   {"AGGREGATION_TEMPORALITY_DELTA", 1},
                                   {"AGGREGATION_TEMPORALITY_CUMULATIVE", 2}};

// SEVERITY_NUMBER_UNSPECIFIED = 0, then TRACE, TRACE2..4, DEBUG.., INFO.., WARN.., ERROR.., FATAL.. (1..24)
bool SeverityNumber(const std::string& s, int32_t& v) {
  static const char* const kLevels[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
  const std::string prefix = "SEVERITY_NUMBER_";
  if (s.compare(0, prefix.size(), prefix) != 0) return false;
  std::string rest = s.substr(prefix.size());
  if (rest == "UNSPECIFIED") {
    v = 0;
    return true;
  }
  for (int i = 0; i < 6; ++i) {
    size_t n = std::strlen(kLevels[i]);
    if (rest.compare(0, n, kLevels[i]) != 0) continue;
    std::string tail = rest.substr(n);
    if (tail.empty()) v = 4 * i + 1;
    else if (tail.size() == 1 && tail[0] >= '2' && tail[0] <= '4') v = 4 * i + (tail[0] - '0');
    else return false;
    return true;
  }
  return false;
}

bool Lookup(const EnumName* t, size_t n, const std::string& s, int32_t& v) {
  for (size_t i = 0; i < n; ++i)
    if (s == t[i].name) {
      v = t[i].value;
      return true;
    }
  return false;
}

bool EnumValue(const char* field, const std::string& s, int32_t& v) {
  if (!std::strcmp(field, "kind")) return Lookup(kSpanKinds, 6, s, v);
  if (!std::strcmp(field, "code")) return Lookup(kStatusCodes, 3, s, v);
  if (!std::strcmp(field, "aggregationTemporality")) return Lookup(kTemporalities, 3, s, v);
  if (!std::strcmp(field, "severityNumber")) return SeverityNumber(s, v);
  return false;
}

void NumberNode(const dump::Field* f, JNode& n, int depth) {
  if (f->type == dump::kEnum && n.type == JNode::Str) {
    int32_t v;
    if (EnumValue(f->json, n.s, v)) {
      n.type = JNode::Num;
      n.s = std::to_string(v);
    }
  } else if (f->type == dump::kMsg && n.type == JNode::Obj) {
    NumberEnumNames(f->msg, n, depth + 1);
  }
}

}  // namespace

void NumberEnumNames(const dump::Msg* m, JNode& obj, int depth) {
  if (depth > 64 || obj.type != JNode::Obj) return;  // the encoder refuses deeper nesting
  for (size_t i = 0; i < obj.keys.size(); ++i) {
    const dump::Field* f = m->findJson(obj.keys[i]);
    if (!f || (f->type != dump::kEnum && f->type != dump::kMsg)) continue;
    JNode& n = obj.items[i];
    if (f->repeated && n.type == JNode::Arr)
      for (JNode& it : n.items) NumberNode(f, it, depth);
    else if (!f->repeated)
      NumberNode(f, n, depth);
  }
}

static const char* RequestKey(Signal s) {
  return s == Signal::Traces ? "resourceSpans" : s == Signal::Metrics ? "resourceMetrics" : "resourceLogs";
}

bool DecodeBody(Signal s, Bytes body, bool json, std::string& out, Counts& counts, std::string& err) {
  out.clear();
  err.clear();
  if (s != Signal::Traces && s != Signal::Metrics && s != Signal::Logs) {
    err = "no signal";
    return false;
  }
  if (!json) {
    if (!CheckRequest(s, body, counts)) {
      err = std::string("the body is not a valid protobuf Export") +
            (s == Signal::Traces ? "Trace" : s == Signal::Metrics ? "Metrics" : "Logs") + "ServiceRequest";
      return false;
    }
    out.assign(body.data(), body.size());
    return true;
  }
  JNode doc;
  if (!dump::ParseJson(body, doc, err)) {
    err = "the body is not JSON: " + err;
    return false;
  }
  if (doc.type != JNode::Obj) {
    err = "an OTLP/JSON request must be a JSON object";
    return false;
  }
  // the signal its keys name (none: an empty request, unknown fields being skipped)
  Signal named = Signal::None;
  for (const std::string& k : doc.keys) {
    Signal g = dump::SignalOfRequestKey(k);
    if (g == Signal::None) continue;
    if (g != s) {
      err = std::string("the body holds ") + RequestKey(g) + ", not " + RequestKey(s) + " (sent to the wrong path?)";
      return false;
    }
    named = g;
  }
  if (named != Signal::None) {
    NumberEnumNames(dump::RequestMsg(s), doc);
    Signal got = Signal::None;
    if (!dump::EncodeOtlpJson(doc, got, out, err)) {
      err = "the body is not a valid OTLP/JSON request: " + err;
      out.clear();
      return false;
    }
  }
  if (!CheckRequest(s, out, counts)) {
    err = "the body encodes to a request the dump reader refuses (a field of the wrong type or shape)";
    out.clear();
    return false;
  }
  return true;
}

namespace {
const char* RejectedJson(Signal s) {
  return s == Signal::Traces ? "rejectedSpans" : s == Signal::Metrics ? "rejectedDataPoints" : "rejectedLogRecords";
}
void PutLen(std::string& out, uint32_t field, std::string_view v) {
  PutTag(out, field, kWLen);
  PutVarint(out, v.size());
  out.append(v.data(), v.size());
}
bool JsonInt(const JNode& n, uint64_t& v) {
  if (n.type != JNode::Num && n.type != JNode::Str) return false;
  if (n.s.empty()) return false;
  uint64_t x = 0;
  for (char c : n.s) {
    if (c < '0' || c > '9') return false;
    if (x > (UINT64_MAX - 9) / 10) return false;
    x = x * 10 + uint64_t(c - '0');
  }
  v = x;
  return true;
}
const JNode* Member(const JNode& o, const char* key) {
  if (o.type != JNode::Obj) return nullptr;
  for (size_t i = 0; i < o.keys.size(); ++i)
    if (o.keys[i] == key) return &o.items[i];
  return nullptr;
}
}  // namespace

std::string EncodeResponse(Signal s, uint64_t rejected, std::string_view message, bool json) {
  std::string out;
  if (json) {
    if (!rejected && message.empty()) return "{}";
    out = "{\"partialSuccess\":{\"";
    out += RejectedJson(s);
    out += "\":\"" + std::to_string(rejected) + "\",\"errorMessage\":";
    dump::JsonString(out, message);
    out += "}}";
    return out;
  }
  if (!rejected && message.empty()) return out;
  std::string ps;
  if (rejected) {
    PutTag(ps, 1, kWVarint);
    PutVarint(ps, rejected);
  }
  if (!message.empty()) PutLen(ps, 2, message);
  PutLen(out, 1, ps);
  return out;
}

bool DecodeResponse(Signal s, Bytes body, bool json, uint64_t& rejected, std::string& message) {
  rejected = 0;
  message.clear();
  if (json) {
    if (body.find_first_not_of(" \t\r\n") == Bytes::npos) return true;
    JNode doc;
    std::string err;
    if (!dump::ParseJson(body, doc, err) || doc.type != JNode::Obj) return false;
    const JNode* ps = Member(doc, "partialSuccess");
    if (!ps) ps = Member(doc, "partial_success");
    if (!ps || ps->type == JNode::Null) return true;
    if (ps->type != JNode::Obj) return false;
    for (size_t i = 0; i < ps->keys.size(); ++i) {
      const std::string& k = ps->keys[i];
      if (k == "errorMessage" || k == "error_message") {
        if (ps->items[i].type == JNode::Str) message = ps->items[i].s;
      } else if (k.compare(0, 8, "rejected") == 0) {
        if (!JsonInt(ps->items[i], rejected)) return false;
      }
    }
    return true;
  }
  Reader r(body);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    if (num == 1 && wire == kWLen) {
      Reader p(r.bytes());
      while (p.tag(num, wire)) {
        if (num == 1 && wire == kWVarint) rejected = p.varint();
        else if (num == 2 && wire == kWLen) message = std::string(p.bytes());
        else p.skip(wire, num);
      }
      if (!p.ok) return false;
    } else r.skip(wire, num);
  }
  (void)s;
  return r.ok;
}

std::string EncodeStatus(int32_t code, std::string_view message, bool json) {
  std::string out;
  if (json) {
    out = "{\"code\":" + std::to_string(code) + ",\"message\":";
    dump::JsonString(out, message);
    out += "}";
    return out;
  }
  if (code) {
    PutTag(out, 1, kWVarint);
    PutVarint(out, uint64_t(int64_t(code)));
  }
  if (!message.empty()) PutLen(out, 2, message);
  return out;
}

bool DecodeStatus(Bytes body, bool json, int32_t& code, std::string& message) {
  code = 0;
  message.clear();
  if (json) {
    JNode doc;
    std::string err;
    if (!dump::ParseJson(body, doc, err) || doc.type != JNode::Obj) return false;
    if (const JNode* c = Member(doc, "code")) {
      uint64_t v;
      if (JsonInt(*c, v)) code = int32_t(v);
    }
    if (const JNode* m = Member(doc, "message"))
      if (m->type == JNode::Str) message = m->s;
    return true;
  }
  Reader r(body);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    if (num == 1 && wire == kWVarint) code = int32_t(r.varint());
    else if (num == 2 && wire == kWLen) message = std::string(r.bytes());
    else r.skip(wire, num);
  }
  return r.ok;
}

}  // namespace np::otlp
