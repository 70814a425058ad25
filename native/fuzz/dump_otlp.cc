// libFuzzer target: the OTLP protobuf decoder for each signal (validation, the fast
// span path, OTLP/JSON and plain JSON output, signal detection) and the OTLP/JSON
// lines transcoder; and the fast paths against the general walks they shortcut.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "dump/json_in.h"
#include "dump/reader.h"
#include "dump/traces.h"

using namespace np::dump;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes b(reinterpret_cast<const char*>(data), size);
  (void)DetectSignal(b);
  for (Mode mode : {Mode::Summary, Mode::Spans, Mode::SpanCols, Mode::Points, Mode::Logs, Mode::OtlpJson, Mode::OtlpProto}) {
    for (Signal sig : {Signal::Traces, Signal::Metrics, Signal::Logs}) {
      Options o;
      o.mode = mode;
      o.format = Format::OtlpProto;
      o.signal = sig;
      Session s(o);
      try {
        RunWhole(s, data, size);
      } catch (const np::Error&) {
      }
    }
  }
  // the fast paths accept exactly what the general walks accept
  for (int depth : {1, 63, 64}) {
    if (ValidateKeyValue(b, depth) != ValidateKeyValueGeneral(b, depth)) __builtin_trap();
  }
  {
    TracesView v;
    std::vector<SpanKey> keys;
    std::vector<Bytes> services;
    const bool full = DecodeTraces(b, v);
    const bool scan = ScanTraces(b, keys, services);
    if (full != scan || (full && keys.size() != v.spans.size())) __builtin_trap();
    if (full)
      for (size_t i = 0; i < keys.size(); ++i)
        if (!keys[i].sameTrace(KeyOf(v.spans[i].traceId)) || keys[i].start != v.spans[i].start || keys[i].end != v.spans[i].end) __builtin_trap();
  }
  std::string out;
  JsonOptions plain;
  plain.plain = true;
  for (Signal sig : {Signal::Traces, Signal::Metrics, Signal::Logs}) {
    if (Validate(RequestMsg(sig), b)) {
      out.clear();
      ToJson(RequestMsg(sig), b, out, JsonOptions{});
      ToJson(RequestMsg(sig), b, out, plain);
    }
  }
  // the same bytes as OTLP/JSON text
  JNode doc;
  std::string err;
  if (ParseJson(b, doc, err)) {
    Signal s;
    std::string pb;
    if (EncodeOtlpJson(doc, s, pb, err)) {
      if (!Validate(RequestMsg(s), pb)) __builtin_trap();  // our encoder must write valid protobuf
    }
  }
  return 0;
}
