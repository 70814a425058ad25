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

#define N(arr) int(sizeof(arr) / sizeof(arr[0]))

extern const Msg kArrayValueMsg, kKeyValueListMsg, kEntityRefMsg;
static const Field kAnyValueF[] = {
    {1, "stringValue", kString, false, nullptr}, {2, "boolValue", kBool, false, nullptr},
    {3, "intValue", kInt64, false, nullptr},     {4, "doubleValue", kDouble, false, nullptr},
    {5, "arrayValue", kMsg, false, &kArrayValueMsg}, {6, "kvlistValue", kMsg, false, &kKeyValueListMsg},
    {7, "bytesValue", kBytes, false, nullptr}};
const Msg kAnyValueMsg{"AnyValue", kAnyValueF, N(kAnyValueF), 1};
static const Field kArrayValueF[] = {{1, "values", kMsg, true, &kAnyValueMsg}};
const Msg kArrayValueMsg{"ArrayValue", kArrayValueF, N(kArrayValueF), 0};
static const Field kKeyValueF[] = {{1, "key", kString, false, nullptr}, {2, "value", kMsg, false, &kAnyValueMsg}};
const Msg kKeyValueMsg{"KeyValue", kKeyValueF, N(kKeyValueF), 2};
static const Field kKeyValueListF[] = {{1, "values", kMsg, true, &kKeyValueMsg}};
const Msg kKeyValueListMsg{"KeyValueList", kKeyValueListF, N(kKeyValueListF), 0};
static const Field kScopeF[] = {{1, "name", kString, false, nullptr},
                                {2, "version", kString, false, nullptr},
                                {3, "attributes", kMsg, true, &kKeyValueMsg},
                                {4, "droppedAttributesCount", kUInt32, false, nullptr}};
const Msg kScopeMsg{"InstrumentationScope", kScopeF, N(kScopeF), 0};
static const Field kEntityRefF[] = {{1, "schemaUrl", kString, false, nullptr},
                                    {2, "type", kString, false, nullptr},
                                    {3, "idKeys", kString, true, nullptr},
                                    {4, "descriptionKeys", kString, true, nullptr}};
const Msg kEntityRefMsg{"EntityRef", kEntityRefF, N(kEntityRefF), 0};
static const Field kResourceF[] = {{1, "attributes", kMsg, true, &kKeyValueMsg},
                                   {2, "droppedAttributesCount", kUInt32, false, nullptr},
                                   {3, "entityRefs", kMsg, true, &kEntityRefMsg}};
const Msg kResourceMsg{"Resource", kResourceF, N(kResourceF), 0};

// traces
static const Field kStatusF[] = {{2, "message", kString, false, nullptr}, {3, "code", kEnum, false, nullptr}};
const Msg kStatusMsg{"Status", kStatusF, N(kStatusF), 0};
static const Field kEventF[] = {{1, "timeUnixNano", kFixed64, false, nullptr},
                                {2, "name", kString, false, nullptr},
                                {3, "attributes", kMsg, true, &kKeyValueMsg},
                                {4, "droppedAttributesCount", kUInt32, false, nullptr}};
const Msg kEventMsg{"Event", kEventF, N(kEventF), 0};
static const Field kLinkF[] = {{1, "traceId", kId, false, nullptr},           {2, "spanId", kId, false, nullptr},
                               {3, "traceState", kString, false, nullptr},    {4, "attributes", kMsg, true, &kKeyValueMsg},
                               {5, "droppedAttributesCount", kUInt32, false, nullptr}, {6, "flags", kFixed32, false, nullptr}};
const Msg kLinkMsg{"Link", kLinkF, N(kLinkF), 0};
static const Field kSpanF[] = {{1, "traceId", kId, false, nullptr},
                               {2, "spanId", kId, false, nullptr},
                               {3, "traceState", kString, false, nullptr},
                               {4, "parentSpanId", kId, false, nullptr},
                               {16, "flags", kFixed32, false, nullptr},
                               {5, "name", kString, false, nullptr},
                               {6, "kind", kEnum, false, nullptr},
                               {7, "startTimeUnixNano", kFixed64, false, nullptr},
                               {8, "endTimeUnixNano", kFixed64, false, nullptr},
                               {9, "attributes", kMsg, true, &kKeyValueMsg},
                               {10, "droppedAttributesCount", kUInt32, false, nullptr},
                               {11, "events", kMsg, true, &kEventMsg},
                               {12, "droppedEventsCount", kUInt32, false, nullptr},
                               {13, "links", kMsg, true, &kLinkMsg},
                               {14, "droppedLinksCount", kUInt32, false, nullptr},
                               {15, "status", kMsg, false, &kStatusMsg}};
const Msg kSpanMsg{"Span", kSpanF, N(kSpanF), 0};
static const Field kScopeSpansF[] = {{1, "scope", kMsg, false, &kScopeMsg},
                                     {2, "spans", kMsg, true, &kSpanMsg},
                                     {3, "schemaUrl", kString, false, nullptr}};
static const Msg kScopeSpansMsg{"ScopeSpans", kScopeSpansF, N(kScopeSpansF), 0};
static const Field kResourceSpansF[] = {{1, "resource", kMsg, false, &kResourceMsg},
                                        {2, "scopeSpans", kMsg, true, &kScopeSpansMsg},
                                        {3, "schemaUrl", kString, false, nullptr}};
static const Msg kResourceSpansMsg{"ResourceSpans", kResourceSpansF, N(kResourceSpansF), 0};
static const Field kTracesReqF[] = {{1, "resourceSpans", kMsg, true, &kResourceSpansMsg}};
static const Msg kTracesReqMsg{"ExportTraceServiceRequest", kTracesReqF, N(kTracesReqF), 0};

// metrics
static const Field kExemplarF[] = {{7, "filteredAttributes", kMsg, true, &kKeyValueMsg},
                                   {2, "timeUnixNano", kFixed64, false, nullptr},
                                   {3, "asDouble", kDouble, false, nullptr},
                                   {6, "asInt", kSFixed64, false, nullptr},
                                   {4, "spanId", kId, false, nullptr},
                                   {5, "traceId", kId, false, nullptr}};
static const Msg kExemplarMsg{"Exemplar", kExemplarF, N(kExemplarF), 0};
static const Field kNumberPointF[] = {{7, "attributes", kMsg, true, &kKeyValueMsg},
                                      {2, "startTimeUnixNano", kFixed64, false, nullptr},
                                      {3, "timeUnixNano", kFixed64, false, nullptr},
                                      {4, "asDouble", kDouble, false, nullptr},
                                      {6, "asInt", kSFixed64, false, nullptr},
                                      {5, "exemplars", kMsg, true, &kExemplarMsg},
                                      {8, "flags", kUInt32, false, nullptr}};
static const Msg kNumberPointMsg{"NumberDataPoint", kNumberPointF, N(kNumberPointF), 0};
static const Field kHistPointF[] = {{9, "attributes", kMsg, true, &kKeyValueMsg},
                                    {2, "startTimeUnixNano", kFixed64, false, nullptr},
                                    {3, "timeUnixNano", kFixed64, false, nullptr},
                                    {4, "count", kFixed64, false, nullptr},
                                    {5, "sum", kDouble, false, nullptr},
                                    {6, "bucketCounts", kFixed64, true, nullptr},
                                    {7, "explicitBounds", kDouble, true, nullptr},
                                    {8, "exemplars", kMsg, true, &kExemplarMsg},
                                    {10, "flags", kUInt32, false, nullptr},
                                    {11, "min", kDouble, false, nullptr},
                                    {12, "max", kDouble, false, nullptr}};
static const Msg kHistPointMsg{"HistogramDataPoint", kHistPointF, N(kHistPointF), 0};
static const Field kBucketsF[] = {{1, "offset", kSInt32, false, nullptr}, {2, "bucketCounts", kUInt64, true, nullptr}};
static const Msg kBucketsMsg{"Buckets", kBucketsF, N(kBucketsF), 0};
static const Field kExpPointF[] = {{1, "attributes", kMsg, true, &kKeyValueMsg},
                                   {2, "startTimeUnixNano", kFixed64, false, nullptr},
                                   {3, "timeUnixNano", kFixed64, false, nullptr},
                                   {4, "count", kFixed64, false, nullptr},
                                   {5, "sum", kDouble, false, nullptr},
                                   {6, "scale", kSInt32, false, nullptr},
                                   {7, "zeroCount", kFixed64, false, nullptr},
                                   {8, "positive", kMsg, false, &kBucketsMsg},
                                   {9, "negative", kMsg, false, &kBucketsMsg},
                                   {10, "flags", kUInt32, false, nullptr},
                                   {11, "exemplars", kMsg, true, &kExemplarMsg},
                                   {12, "min", kDouble, false, nullptr},
                                   {13, "max", kDouble, false, nullptr},
                                   {14, "zeroThreshold", kDouble, false, nullptr}};
static const Msg kExpPointMsg{"ExponentialHistogramDataPoint", kExpPointF, N(kExpPointF), 0};
static const Field kQuantileF[] = {{1, "quantile", kDouble, false, nullptr}, {2, "value", kDouble, false, nullptr}};
static const Msg kQuantileMsg{"ValueAtQuantile", kQuantileF, N(kQuantileF), 0};
static const Field kSummaryPointF[] = {{7, "attributes", kMsg, true, &kKeyValueMsg},
                                       {2, "startTimeUnixNano", kFixed64, false, nullptr},
                                       {3, "timeUnixNano", kFixed64, false, nullptr},
                                       {4, "count", kFixed64, false, nullptr},
                                       {5, "sum", kDouble, false, nullptr},
                                       {6, "quantileValues", kMsg, true, &kQuantileMsg},
                                       {8, "flags", kUInt32, false, nullptr}};
static const Msg kSummaryPointMsg{"SummaryDataPoint", kSummaryPointF, N(kSummaryPointF), 0};
static const Field kGaugeF[] = {{1, "dataPoints", kMsg, true, &kNumberPointMsg}};
static const Msg kGaugeMsg{"Gauge", kGaugeF, N(kGaugeF), 0};
static const Field kSumF[] = {{1, "dataPoints", kMsg, true, &kNumberPointMsg},
                              {2, "aggregationTemporality", kEnum, false, nullptr},
                              {3, "isMonotonic", kBool, false, nullptr}};
static const Msg kSumMsg{"Sum", kSumF, N(kSumF), 0};
static const Field kHistF[] = {{1, "dataPoints", kMsg, true, &kHistPointMsg},
                               {2, "aggregationTemporality", kEnum, false, nullptr}};
static const Msg kHistMsg{"Histogram", kHistF, N(kHistF), 0};
static const Field kExpHistF[] = {{1, "dataPoints", kMsg, true, &kExpPointMsg},
                                  {2, "aggregationTemporality", kEnum, false, nullptr}};
static const Msg kExpHistMsg{"ExponentialHistogram", kExpHistF, N(kExpHistF), 0};
static const Field kSummaryF[] = {{1, "dataPoints", kMsg, true, &kSummaryPointMsg}};
static const Msg kSummaryMsg{"Summary", kSummaryF, N(kSummaryF), 0};
static const Field kMetricF[] = {{1, "name", kString, false, nullptr},
                                 {2, "description", kString, false, nullptr},
                                 {3, "unit", kString, false, nullptr},
                                 {5, "gauge", kMsg, false, &kGaugeMsg},
                                 {7, "sum", kMsg, false, &kSumMsg},
                                 {9, "histogram", kMsg, false, &kHistMsg},
                                 {10, "exponentialHistogram", kMsg, false, &kExpHistMsg},
                                 {11, "summary", kMsg, false, &kSummaryMsg},
                                 {12, "metadata", kMsg, true, &kKeyValueMsg}};
const Msg kMetricMsg{"Metric", kMetricF, N(kMetricF), 0};
static const Field kScopeMetricsF[] = {{1, "scope", kMsg, false, &kScopeMsg},
                                       {2, "metrics", kMsg, true, &kMetricMsg},
                                       {3, "schemaUrl", kString, false, nullptr}};
static const Msg kScopeMetricsMsg{"ScopeMetrics", kScopeMetricsF, N(kScopeMetricsF), 0};
static const Field kResourceMetricsF[] = {{1, "resource", kMsg, false, &kResourceMsg},
                                          {2, "scopeMetrics", kMsg, true, &kScopeMetricsMsg},
                                          {3, "schemaUrl", kString, false, nullptr}};
static const Msg kResourceMetricsMsg{"ResourceMetrics", kResourceMetricsF, N(kResourceMetricsF), 0};
static const Field kMetricsReqF[] = {{1, "resourceMetrics", kMsg, true, &kResourceMetricsMsg}};
static const Msg kMetricsReqMsg{"ExportMetricsServiceRequest", kMetricsReqF, N(kMetricsReqF), 0};

// logs
static const Field kLogRecordF[] = {{1, "timeUnixNano", kFixed64, false, nullptr},
                                    {11, "observedTimeUnixNano", kFixed64, false, nullptr},
                                    {2, "severityNumber", kEnum, false, nullptr},
                                    {3, "severityText", kString, false, nullptr},
                                    {5, "body", kMsg, false, &kAnyValueMsg},
                                    {6, "attributes", kMsg, true, &kKeyValueMsg},
                                    {7, "droppedAttributesCount", kUInt32, false, nullptr},
                                    {8, "flags", kFixed32, false, nullptr},
                                    {9, "traceId", kId, false, nullptr},
                                    {10, "spanId", kId, false, nullptr},
                                    {12, "eventName", kString, false, nullptr}};
const Msg kLogRecordMsg{"LogRecord", kLogRecordF, N(kLogRecordF), 0};
static const Field kScopeLogsF[] = {{1, "scope", kMsg, false, &kScopeMsg},
                                    {2, "logRecords", kMsg, true, &kLogRecordMsg},
                                    {3, "schemaUrl", kString, false, nullptr}};
static const Msg kScopeLogsMsg{"ScopeLogs", kScopeLogsF, N(kScopeLogsF), 0};
static const Field kResourceLogsF[] = {{1, "resource", kMsg, false, &kResourceMsg},
                                       {2, "scopeLogs", kMsg, true, &kScopeLogsMsg},
                                       {3, "schemaUrl", kString, false, nullptr}};
static const Msg kResourceLogsMsg{"ResourceLogs", kResourceLogsF, N(kResourceLogsF), 0};
static const Field kLogsReqF[] = {{1, "resourceLogs", kMsg, true, &kResourceLogsMsg}};
static const Msg kLogsReqMsg{"ExportLogsServiceRequest", kLogsReqF, N(kLogsReqF), 0};

#undef N

const Msg* RequestMsg(Signal s) {
  switch (s) {
    case Signal::Traces: return &kTracesReqMsg;
    case Signal::Metrics: return &kMetricsReqMsg;
    case Signal::Logs: return &kLogsReqMsg;
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
        Reader a(v);
        uint32_t n2;
        uint8_t w2;
        while (a.tag(n2, w2)) {
          if (n2 != 1) {
            a.skip(w2, n2);
            continue;
          }
          if (w2 != kWLen) return false;
          Bytes item = a.bytes();
          if (!a.ok || !(num == 5 ? ValidateAnyValue(item, depth + 2) : ValidateKeyValue(item, depth + 2))) return false;
        }
        if (!a.ok) return false;
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
