#include "dump/otlp_schema.h"

#include <cstring>

#include "dump/json_out.h"

namespace np::dump {

const char* SignalName(Signal s) {
  switch (s) {
    case Signal::Traces: return "traces";
    case Signal::Metrics: return "metrics";
    case Signal::Logs: return "logs";
    default: return "none";
  }
}

// The rows of the tables below: a singular (One) or repeated (Many) field of a scalar
// type or of a message, and a message over its table.
static constexpr Field One(uint32_t num, const char* json, FieldType t) { return {num, json, t, false, nullptr}; }
static constexpr Field One(uint32_t num, const char* json, const Msg* m) { return {num, json, kMsg, false, m}; }
static constexpr Field Many(uint32_t num, const char* json, FieldType t) { return {num, json, t, true, nullptr}; }
static constexpr Field Many(uint32_t num, const char* json, const Msg* m) { return {num, json, kMsg, true, m}; }
template <size_t K>
static constexpr Msg MsgOf(const char* name, const Field (&fields)[K], uint8_t special = 0) {
  return {name, fields, int(K), special};
}

extern const Msg kArrayValueMsg, kKeyValueListMsg, kEntityRefMsg;
static const Field kAnyValueF[] = {One(1, "stringValue", kString), One(2, "boolValue", kBool),
                                   One(3, "intValue", kInt64), One(4, "doubleValue", kDouble),
                                   One(5, "arrayValue", &kArrayValueMsg), One(6, "kvlistValue", &kKeyValueListMsg),
                                   One(7, "bytesValue", kBytes)};
const Msg kAnyValueMsg = MsgOf("AnyValue", kAnyValueF, 1);
static const Field kArrayValueF[] = {Many(1, "values", &kAnyValueMsg)};
const Msg kArrayValueMsg = MsgOf("ArrayValue", kArrayValueF);
static const Field kKeyValueF[] = {One(1, "key", kString), One(2, "value", &kAnyValueMsg)};
const Msg kKeyValueMsg = MsgOf("KeyValue", kKeyValueF, 2);
static const Field kKeyValueListF[] = {Many(1, "values", &kKeyValueMsg)};
const Msg kKeyValueListMsg = MsgOf("KeyValueList", kKeyValueListF);
static const Field kScopeF[] = {One(1, "name", kString), One(2, "version", kString),
                                Many(3, "attributes", &kKeyValueMsg), One(4, "droppedAttributesCount", kUInt32)};
const Msg kScopeMsg = MsgOf("InstrumentationScope", kScopeF);
static const Field kEntityRefF[] = {One(1, "schemaUrl", kString), One(2, "type", kString), Many(3, "idKeys", kString),
                                    Many(4, "descriptionKeys", kString)};
const Msg kEntityRefMsg = MsgOf("EntityRef", kEntityRefF);
static const Field kResourceF[] = {Many(1, "attributes", &kKeyValueMsg), One(2, "droppedAttributesCount", kUInt32),
                                   Many(3, "entityRefs", &kEntityRefMsg)};
const Msg kResourceMsg = MsgOf("Resource", kResourceF);

// The three messages around a signal's items, alike for every signal: the scope level
// {scope, items, schemaUrl}, the resource level {resource, scope levels, schemaUrl} and
// the export request {resource levels}.
struct Envelope {
  struct Names {
    const char* message;  // the level's proto message name
    const char* items;    // the JSON name of its repeated field of the level below
  };
  constexpr Envelope(Names scopeNames, Names resourceNames, Names requestNames, const Msg* item)
      : scopeF{One(1, "scope", &kScopeMsg), Many(2, scopeNames.items, item), One(3, "schemaUrl", kString)},
        scope(MsgOf(scopeNames.message, scopeF)),
        resourceF{One(1, "resource", &kResourceMsg), Many(2, resourceNames.items, &scope), One(3, "schemaUrl", kString)},
        resource(MsgOf(resourceNames.message, resourceF)),
        requestF{Many(1, requestNames.items, &resource)},
        request(MsgOf(requestNames.message, requestF)) {}
  Field scopeF[3];
  Msg scope;
  Field resourceF[3];
  Msg resource;
  Field requestF[1];
  Msg request;
};

// traces
static const Field kStatusF[] = {One(2, "message", kString), One(3, "code", kEnum)};
const Msg kStatusMsg = MsgOf("Status", kStatusF);
static const Field kEventF[] = {One(1, "timeUnixNano", kFixed64), One(2, "name", kString),
                                Many(3, "attributes", &kKeyValueMsg), One(4, "droppedAttributesCount", kUInt32)};
const Msg kEventMsg = MsgOf("Event", kEventF);
static const Field kLinkF[] = {One(1, "traceId", kId), One(2, "spanId", kId), One(3, "traceState", kString),
                               Many(4, "attributes", &kKeyValueMsg), One(5, "droppedAttributesCount", kUInt32),
                               One(6, "flags", kFixed32)};
const Msg kLinkMsg = MsgOf("Link", kLinkF);
static const Field kSpanF[] = {One(1, "traceId", kId), One(2, "spanId", kId), One(3, "traceState", kString),
                               One(4, "parentSpanId", kId), One(16, "flags", kFixed32), One(5, "name", kString),
                               One(6, "kind", kEnum), One(7, "startTimeUnixNano", kFixed64),
                               One(8, "endTimeUnixNano", kFixed64), Many(9, "attributes", &kKeyValueMsg),
                               One(10, "droppedAttributesCount", kUInt32), Many(11, "events", &kEventMsg),
                               One(12, "droppedEventsCount", kUInt32), Many(13, "links", &kLinkMsg),
                               One(14, "droppedLinksCount", kUInt32), One(15, "status", &kStatusMsg)};
const Msg kSpanMsg = MsgOf("Span", kSpanF);
static constexpr Envelope kTraces({"ScopeSpans", "spans"}, {"ResourceSpans", "scopeSpans"},
                                 {"ExportTraceServiceRequest", "resourceSpans"}, &kSpanMsg);

// metrics
static const Field kExemplarF[] = {Many(7, "filteredAttributes", &kKeyValueMsg), One(2, "timeUnixNano", kFixed64),
                                   One(3, "asDouble", kDouble), One(6, "asInt", kSFixed64), One(4, "spanId", kId),
                                   One(5, "traceId", kId)};
static const Msg kExemplarMsg = MsgOf("Exemplar", kExemplarF);
static const Field kNumberPointF[] = {Many(7, "attributes", &kKeyValueMsg), One(2, "startTimeUnixNano", kFixed64),
                                      One(3, "timeUnixNano", kFixed64), One(4, "asDouble", kDouble),
                                      One(6, "asInt", kSFixed64), Many(5, "exemplars", &kExemplarMsg),
                                      One(8, "flags", kUInt32)};
static const Msg kNumberPointMsg = MsgOf("NumberDataPoint", kNumberPointF);
static const Field kHistPointF[] = {Many(9, "attributes", &kKeyValueMsg), One(2, "startTimeUnixNano", kFixed64),
                                    One(3, "timeUnixNano", kFixed64), One(4, "count", kFixed64), One(5, "sum", kDouble),
                                    Many(6, "bucketCounts", kFixed64), Many(7, "explicitBounds", kDouble),
                                    Many(8, "exemplars", &kExemplarMsg), One(10, "flags", kUInt32),
                                    One(11, "min", kDouble), One(12, "max", kDouble)};
static const Msg kHistPointMsg = MsgOf("HistogramDataPoint", kHistPointF);
static const Field kBucketsF[] = {One(1, "offset", kSInt32), Many(2, "bucketCounts", kUInt64)};
static const Msg kBucketsMsg = MsgOf("Buckets", kBucketsF);
static const Field kExpPointF[] = {Many(1, "attributes", &kKeyValueMsg), One(2, "startTimeUnixNano", kFixed64),
                                   One(3, "timeUnixNano", kFixed64), One(4, "count", kFixed64), One(5, "sum", kDouble),
                                   One(6, "scale", kSInt32), One(7, "zeroCount", kFixed64),
                                   One(8, "positive", &kBucketsMsg), One(9, "negative", &kBucketsMsg),
                                   One(10, "flags", kUInt32), Many(11, "exemplars", &kExemplarMsg),
                                   One(12, "min", kDouble), One(13, "max", kDouble), One(14, "zeroThreshold", kDouble)};
static const Msg kExpPointMsg = MsgOf("ExponentialHistogramDataPoint", kExpPointF);
static const Field kQuantileF[] = {One(1, "quantile", kDouble), One(2, "value", kDouble)};
static const Msg kQuantileMsg = MsgOf("ValueAtQuantile", kQuantileF);
static const Field kSummaryPointF[] = {Many(7, "attributes", &kKeyValueMsg), One(2, "startTimeUnixNano", kFixed64),
                                       One(3, "timeUnixNano", kFixed64), One(4, "count", kFixed64),
                                       One(5, "sum", kDouble), Many(6, "quantileValues", &kQuantileMsg),
                                       One(8, "flags", kUInt32)};
static const Msg kSummaryPointMsg = MsgOf("SummaryDataPoint", kSummaryPointF);
static const Field kGaugeF[] = {Many(1, "dataPoints", &kNumberPointMsg)};
static const Msg kGaugeMsg = MsgOf("Gauge", kGaugeF);
static const Field kSumF[] = {Many(1, "dataPoints", &kNumberPointMsg), One(2, "aggregationTemporality", kEnum),
                              One(3, "isMonotonic", kBool)};
static const Msg kSumMsg = MsgOf("Sum", kSumF);
static const Field kHistF[] = {Many(1, "dataPoints", &kHistPointMsg), One(2, "aggregationTemporality", kEnum)};
static const Msg kHistMsg = MsgOf("Histogram", kHistF);
static const Field kExpHistF[] = {Many(1, "dataPoints", &kExpPointMsg), One(2, "aggregationTemporality", kEnum)};
static const Msg kExpHistMsg = MsgOf("ExponentialHistogram", kExpHistF);
static const Field kSummaryF[] = {Many(1, "dataPoints", &kSummaryPointMsg)};
static const Msg kSummaryMsg = MsgOf("Summary", kSummaryF);
static const Field kMetricF[] = {One(1, "name", kString), One(2, "description", kString), One(3, "unit", kString),
                                 One(5, "gauge", &kGaugeMsg), One(7, "sum", &kSumMsg), One(9, "histogram", &kHistMsg),
                                 One(10, "exponentialHistogram", &kExpHistMsg), One(11, "summary", &kSummaryMsg),
                                 Many(12, "metadata", &kKeyValueMsg)};
const Msg kMetricMsg = MsgOf("Metric", kMetricF);
static constexpr Envelope kMetrics({"ScopeMetrics", "metrics"}, {"ResourceMetrics", "scopeMetrics"},
                                  {"ExportMetricsServiceRequest", "resourceMetrics"}, &kMetricMsg);

// logs
static const Field kLogRecordF[] = {One(1, "timeUnixNano", kFixed64), One(11, "observedTimeUnixNano", kFixed64),
                                    One(2, "severityNumber", kEnum), One(3, "severityText", kString),
                                    One(5, "body", &kAnyValueMsg), Many(6, "attributes", &kKeyValueMsg),
                                    One(7, "droppedAttributesCount", kUInt32), One(8, "flags", kFixed32),
                                    One(9, "traceId", kId), One(10, "spanId", kId), One(12, "eventName", kString)};
const Msg kLogRecordMsg = MsgOf("LogRecord", kLogRecordF);
static constexpr Envelope kLogs({"ScopeLogs", "logRecords"}, {"ResourceLogs", "scopeLogs"},
                               {"ExportLogsServiceRequest", "resourceLogs"}, &kLogRecordMsg);

const Msg* RequestMsg(Signal s) {
  switch (s) {
    case Signal::Traces: return &kTraces.request;
    case Signal::Metrics: return &kMetrics.request;
    case Signal::Logs: return &kLogs.request;
    default: return nullptr;
  }
}

const Field* Msg::findJson(std::string_view name) const {
  for (int i = 0; i < count; ++i) {
    if (name == fields[i].json) return &fields[i];
  }
  // also accept the proto field names (snake_case), as OTLP/JSON receivers do
  for (int i = 0; i < count; ++i) {
    const char* j = fields[i].json;
    size_t k = 0;
    bool same = true;
    for (const char* c = j; *c && same; ++c) {
      if (*c >= 'A' && *c <= 'Z') {
        same = k + 1 < name.size() + 1 && k < name.size() && name[k] == '_' && k + 1 < name.size() && name[k + 1] == char(*c + 32);
        k += 2;
      } else {
        same = k < name.size() && name[k] == *c;
        ++k;
      }
    }
    if (same && k == name.size()) return &fields[i];
  }
  return nullptr;
}

static uint8_t WireOf(FieldType t) {
  switch (t) {
    case kMsg: case kString: case kBytes: case kId: return kWLen;
    case kFixed64: case kSFixed64: case kDouble: return kWFixed64;
    case kFixed32: return kWFixed32;
    default: return kWVarint;
  }
}

static bool ValidatePacked(FieldType t, Bytes b) {
  uint8_t w = WireOf(t);
  if (w == kWFixed64) return b.size() % 8 == 0;
  if (w == kWFixed32) return b.size() % 4 == 0;
  Reader r(b);
  while (r.more()) r.varint();
  return r.ok;
}

// Hand-written fast paths for the two messages that make up most of OTLP's bytes.
static bool ValidateAnyValue(Bytes b, int depth);
bool ValidateKeyValueGeneral(Bytes b, int depth) {
  Reader r(b);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    if (num == 1) {
      if (wire != kWLen) return false;
      r.bytes();
    } else if (num == 2) {
      if (wire != kWLen) return false;
      Bytes v = r.bytes();
      if (!r.ok || !ValidateAnyValue(v, depth + 1)) return false;
    } else {
      r.skip(wire, num);
    }
  }
  return r.ok;
}
static bool ValidateAnyValue(Bytes b, int depth) {
  if (depth > 64) return false;
  Reader r(b);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    switch (num) {
      case 1: case 7: if (wire != kWLen) return false; r.bytes(); break;
      case 2: case 3: if (wire != kWVarint) return false; r.varint(); break;
      case 4: if (wire != kWFixed64) return false; r.fixed64(); break;
      case 5: case 6: {
        if (wire != kWLen) return false;
        Bytes v = r.bytes();
        if (!r.ok) return false;
        const bool good = EveryLen(v, 1, [&](Bytes item) {
          return num == 5 ? ValidateAnyValue(item, depth + 2) : ValidateKeyValue(item, depth + 2);
        });
        if (!good) return false;
        break;
      }
      default: r.skip(wire, num);
    }
  }
  return r.ok;
}

bool Validate(const Msg* msg, Bytes bytes, int depth) {
  if (depth > 64) return false;
  if (msg == &kKeyValueMsg) return ValidateKeyValue(bytes, depth);
  if (msg == &kAnyValueMsg) return ValidateAnyValue(bytes, depth);
  Reader r(bytes);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    const Field* f = msg->find(num);
    if (!f) {
      r.skip(wire, num);
      continue;
    }
    uint8_t want = WireOf(f->type);
    if (wire == want) {
      if (want == kWLen) {
        Bytes b = r.bytes();
        if (!r.ok) return false;
        if (f->type == kMsg && !Validate(f->msg, b, depth + 1)) return false;
      } else {
        r.skip(wire, num);
      }
    } else if (wire == kWLen && f->repeated && want != kWLen) {
      Bytes b = r.bytes();
      if (!r.ok || !ValidatePacked(f->type, b)) return false;
    } else {
      return false;
    }
  }
  return r.ok;
}

// ---- JSON output ----------------------------------------------------------------

namespace {

struct Ent {
  const Field* f;
  uint8_t wire;
  const uint8_t* at;  // start of the value
};

void ScalarJson(FieldType t, Reader& r, std::string& out, bool plainCtx) {
  switch (t) {
    case kFixed64: JsonU64String(out, r.fixed64()); break;
    case kSFixed64: JsonI64String(out, int64_t(r.fixed64())); break;
    case kDouble: JsonDouble(out, r.f64()); break;
    case kFixed32: JsonU64(out, r.fixed32()); break;
    case kInt64: JsonI64String(out, int64_t(r.varint())); break;
    case kUInt64: JsonU64String(out, r.varint()); break;
    case kInt32: case kEnum: JsonI64(out, int64_t(int32_t(r.varint()))); break;
    case kUInt32: JsonU64(out, uint32_t(r.varint())); break;
    case kSInt32: JsonI64(out, ZigZag32(r.varint())); break;
    case kBool: out += r.varint() ? "true" : "false"; break;
    default: break;
  }
}

}  // namespace

void PlainAnyValue(Bytes b, std::string& out, int depth) {
  Reader r(b);
  uint32_t num;
  uint8_t wire;
  bool wrote = false;
  // the last set member of the oneof wins
  const uint8_t* lastAt = nullptr;
  uint32_t lastNum = 0;
  uint8_t lastWire = 0;
  while (r.tag(num, wire)) {
    if (num >= 1 && num <= 7) {
      lastAt = r.p;
      lastNum = num;
      lastWire = wire;
    }
    r.skip(wire, num);
  }
  if (lastAt && depth <= 64) {
    Reader v(lastAt, size_t(b.data() + b.size() - reinterpret_cast<const char*>(lastAt)));
    wrote = true;
    switch (lastNum) {
      case 1: JsonString(out, v.bytes()); break;
      case 2: out += v.varint() ? "true" : "false"; break;
      case 3: JsonI64Plain(out, int64_t(v.varint())); break;
      case 4: JsonDouble(out, v.f64()); break;
      case 5: {
        Reader a(v.bytes());
        out.push_back('[');
        bool first = true;
        uint32_t n2;
        uint8_t w2;
        while (a.tag(n2, w2)) {
          if (n2 == 1 && w2 == kWLen) {
            if (!first) out.push_back(',');
            first = false;
            PlainAnyValue(a.bytes(), out, depth + 1);
          } else {
            a.skip(w2, n2);
          }
        }
        out.push_back(']');
        break;
      }
      case 6: {
        Bytes kv = v.bytes();
        PlainAttributes(kv, 1, out);
        break;
      }
      case 7: Base64String(out, v.bytes()); break;
      default: wrote = false;
    }
    (void)lastWire;
  }
  if (!wrote) out += "null";
}

void PlainAttributes(Bytes message, uint32_t field, std::string& out) {
  out.push_back('{');
  bool first = true;
  ForEachKeyValue(message, field, [&](Bytes key, Bytes value, bool hasValue) {
    if (!first) out.push_back(',');
    first = false;
    JsonKey(out, key);
    if (hasValue) PlainAnyValue(value, out, 1);
    else out += "null";
  });
  out.push_back('}');
}

void ToJson(const Msg* msg, Bytes bytes, std::string& out, const JsonOptions& opt, int depth) {
  if (opt.plain && msg->special == 1) {
    PlainAnyValue(bytes, out, depth);
    return;
  }
  thread_local std::vector<Ent> stack;
  size_t base = stack.size();
  Reader r(bytes);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    const Field* f = msg->find(num);
    if (f) stack.push_back({f, wire, r.p});
    r.skip(wire, num);
  }
  size_t top = stack.size();
  out.push_back('{');
  bool firstField = true;
  for (int fi = 0; fi < msg->count; ++fi) {
    const Field* f = &msg->fields[fi];
    // entries of this field
    size_t last = SIZE_MAX, count = 0;
    for (size_t i = base; i < top; ++i)
      if (stack[i].f == f) {
        last = i;
        ++count;
      }
    if (!count) continue;
    if (!firstField) out.push_back(',');
    firstField = false;
    JsonKey(out, f->json);
    const char* bend = bytes.data() + bytes.size();
    auto readerAt = [&](const uint8_t* at) { return Reader(at, size_t(bend - reinterpret_cast<const char*>(at))); };
    if (opt.plain && f->type == kMsg && f->repeated && f->msg == &kKeyValueMsg) {
      PlainAttributes(bytes, f->num, out);
      continue;
    }
    auto one = [&](const Ent e) {
      Reader v = readerAt(e.at);
      switch (f->type) {
        case kMsg: ToJson(f->msg, v.bytes(), out, opt, depth + 1); break;
        case kString: JsonString(out, v.bytes()); break;
        case kBytes: Base64String(out, v.bytes()); break;
        case kId: HexString(out, v.bytes()); break;
        default: ScalarJson(f->type, v, out, opt.plain); break;
      }
    };
    if (!f->repeated) {
      one(stack[last]);
      continue;
    }
    out.push_back('[');
    bool first = true;
    for (size_t i = base; i < top; ++i) {
      const Ent e = stack[i];
      if (e.f != f) continue;
      if (e.wire == kWLen && WireOf(f->type) != kWLen) {
        Reader v = readerAt(e.at);
        Reader pk(v.bytes());
        while (pk.more()) {
          if (!first) out.push_back(',');
          first = false;
          ScalarJson(f->type, pk, out, opt.plain);
        }
      } else {
        if (!first) out.push_back(',');
        first = false;
        one(e);
      }
    }
    out.push_back(']');
  }
  out.push_back('}');
  stack.resize(base);
}

}  // namespace np::dump
