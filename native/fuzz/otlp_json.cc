// libFuzzer target: request bodies as the receiver takes them (OTLP/JSON and protobuf,
// every signal). Whatever is accepted must be read back cleanly by the dump reader once
// framed, and its replay batches must hold exactly its items.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "dump/reader.h"
#include "otlp/batch.h"
#include "otlp/frame.h"
#include "otlp/request.h"

using namespace np::otlp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes b(reinterpret_cast<const char*>(data), size);
  for (Signal s : {Signal::Traces, Signal::Metrics, Signal::Logs}) {
    for (bool json : {true, false}) {
      std::string out, err;
      Counts c;
      if (!DecodeBody(s, b, json, out, c, err)) {
        if (err.empty()) __builtin_trap();  // a refusal always says why
        continue;
      }
      Counts again;
      if (!CheckRequest(s, out, again) || again.total() != c.total()) __builtin_trap();
      // framed, the dump reader reads it with no diagnostic and the same items
      std::string file = FileHeader(1, 1);
      AppendFrame(file, uint8_t(s), 0, out);
      np::dump::Options o;
      o.strict = true;
      np::dump::Session r(o);
      try {
        np::dump::RunWhole(r, reinterpret_cast<const uint8_t*>(file.data()), file.size());
      } catch (const np::Error&) {
        __builtin_trap();
      }
      if (!r.diagnostics().empty()) __builtin_trap();
      for (size_t cap : {size_t(64), size_t(700)}) {
        std::vector<Batch> batches;
        if (!Rebatch(s, out, cap, 0, batches)) __builtin_trap();
        uint64_t n = 0;
        for (Batch& x : batches) {
          Counts bc;
          if (!CheckRequest(s, x.request, bc)) __builtin_trap();
          if (!x.oversize && x.request.size() > cap) __builtin_trap();
          n += bc.total();
        }
        if (n != c.total()) __builtin_trap();
      }
    }
  }
  uint64_t rejected;
  std::string msg;
  int32_t code;
  (void)DecodeResponse(Signal::Traces, b, true, rejected, msg);
  (void)DecodeResponse(Signal::Traces, b, false, rejected, msg);
  (void)DecodeStatus(b, true, code, msg);
  (void)DecodeStatus(b, false, code, msg);
  return 0;
}
