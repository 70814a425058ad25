#include "dump/format.h"

#include <cstring>
#include <string>

#include "core/error.h"
#include "dump/traces.h"
#include "dump/walks.h"

namespace np::dump {

const FormatEntry kFormats[5] = {
    {Format::Auto, "auto"},
    {Format::Nptb, "nptb"},
    {Format::OtlpJsonl, "otlp-jsonl"},
    {Format::CollectorProto, "collector-proto"},
    {Format::OtlpProto, "otlp-proto"},
};

const uint8_t kNptbMagic[8] = {0x89, 'N', 'P', 'T', 'B', '\r', '\n', 0x1a};
const uint8_t kFrameSync[4] = {'N', 'P', 'F', 'R'};

const char* FormatName(Format f) {
  for (const FormatEntry& e : kFormats)
    if (e.format == f) return e.name;
  return "auto";
}

bool ParseFormat(std::string_view s, Format& f) {
  for (const FormatEntry& e : kFormats) {
    if (s == e.name) {
      f = e.format;
      return true;
    }
  }
  return false;
}

Detected DetectFormat(const uint8_t* p, size_t n) {
  Detected d;
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
    d.gzip = true;
    return d;
  }
  if (n >= 8 && !std::memcmp(p, kNptbMagic, 8)) {
    d.format = Format::Nptb;
    return d;
  }
  size_t i = 0;
  if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) i = 3;  // UTF-8 BOM
  while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')) ++i;
  if (i < n && p[i] == '{') {
    d.format = Format::OtlpJsonl;
    return d;
  }
  if (n >= 5 && p[0] == 0 && p[4] == 0x0a) {
    d.format = Format::CollectorProto;
    return d;
  }
  if (n >= 1 && p[0] == 0x0a) d.format = Format::OtlpProto;
  return d;
}

std::string LooksLike(const uint8_t* p, size_t n) {
  if (n == 0) return "the input is empty";
  Detected d = DetectFormat(p, n);
  if (d.gzip) return "the bytes look like gzip";
  if (d.format != Format::Auto) return std::string("the bytes look like ") + FormatName(d.format);
  return "the bytes look like none of the known formats";
}

namespace {

bool QualifiesTraces(Bytes m) {
  TracesView v;
  if (!DecodeTraces(m, v) || v.spans.empty()) return false;
  for (auto& s : v.spans) {
    if (s.traceId.size() != 16 || s.spanId.size() != 8 || (s.parentSpanId.size() != 0 && s.parentSpanId.size() != 8) ||
        s.start == 0)
      return false;
  }
  return true;
}

bool QualifiesMetrics(Bytes m) {
  if (!Validate(RequestMsg(Signal::Metrics), m)) return false;
  uint64_t n = 0;
  bool good = true;
  ForEachPoint(m, [&](Bytes, Bytes, Bytes metric, uint32_t, Bytes, Bytes point) {
    ++n;
    if (FirstLen(metric, 1).empty() || Fixed64Field(point, 3) == 0) good = false;
  });
  return good && n > 0;
}

bool QualifiesLogs(Bytes m) {
  if (!Validate(RequestMsg(Signal::Logs), m)) return false;
  uint64_t n = 0;
  bool good = true;
  ForEachLog(m, [&](Bytes, Bytes, Bytes log) {
    ++n;
    Bytes tid = FirstLen(log, 9), sid = FirstLen(log, 10);
    if ((Fixed64Field(log, 1) == 0 && Fixed64Field(log, 11) == 0) || (tid.size() != 0 && tid.size() != 16) ||
        (sid.size() != 0 && sid.size() != 8))
      good = false;
  });
  return good && n > 0;
}

}  // namespace

Signal DetectSignal(Bytes m) {
  bool t = QualifiesTraces(m), me = QualifiesMetrics(m), l = QualifiesLogs(m);
  if (int(t) + int(me) + int(l) != 1) return Signal::None;
  return t ? Signal::Traces : me ? Signal::Metrics : Signal::Logs;
}

void ThrowUnknownSignal(Bytes m, const char* what, const std::string& hint) {
  bool any = Validate(RequestMsg(Signal::Traces), m) || Validate(RequestMsg(Signal::Metrics), m) ||
             Validate(RequestMsg(Signal::Logs), m);
  if (!any)
    throw Error("not-otlp", std::string(what) + " is not an OTLP export request of any signal (traces, metrics or logs)" +
                                (hint.empty() ? "" : "; " + hint));
  throw Error("signal-unknown", std::string(what) +
                                    " does not say its signal and decodes as none or several of traces, metrics and logs: "
                                    "name it with --signal traces|metrics|logs");
}

}  // namespace np::dump
