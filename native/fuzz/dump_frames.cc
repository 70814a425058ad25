// libFuzzer target: the .nptb frame reader (and format detection), lenient and strict,
// fed whole and in small chunks, in every output mode.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "dump/reader.h"

using namespace np::dump;

static void Run(const uint8_t* data, size_t size, Mode mode, bool strict, size_t chunk, Format fmt) {
  Options o;
  o.mode = mode;
  o.strict = strict;
  o.format = fmt;
  o.signal = Signal::Traces;
  Session s(o);
  try {
    if (!chunk) {
      RunWhole(s, data, size);
    } else {
      for (size_t i = 0; i < size; i += chunk) s.feed(data + i, size - i < chunk ? size - i : chunk);
      std::vector<std::pair<uint64_t, uint64_t>> order;
      if (s.endScan(order)) {
        for (auto& [off, n] : order) {
          if (off + n <= size) s.feedFrame(off, data + off, size_t(n));
        }
      }
      s.finish();
    }
    (void)s.summaryJson();
  } catch (const np::Error&) {
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Run(data, size, Mode::Summary, false, 0, Format::Auto);
  Run(data, size, Mode::Spans, false, 7, Format::Nptb);
  Run(data, size, Mode::SpanCols, false, 13, Format::Auto);
  Run(data, size, Mode::Frames, true, 0, Format::Nptb);
  Run(data, size, Mode::OtlpJson, false, 64, Format::Auto);
  Run(data, size, Mode::Points, false, 0, Format::CollectorProto);
  return 0;
}
