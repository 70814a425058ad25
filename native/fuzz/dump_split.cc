// libFuzzer target: the split summary (native/dump/split.h). Every split point of the
// input (every 8-byte boundary; 64 spread points for inputs over 4 KiB) gives exactly
// the summary and diagnostics of one pass, or the same error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "dump/split.h"

using namespace np::dump;

namespace {
std::string Text(const SummaryResult& r) {
  std::string s = r.summaryJson;
  for (auto& d : r.diagnostics) {
    s += "\n" + d.code + "@" + Decimal(d.offset) + ":" + d.message + ";" + std::to_string(d.missing);
    for (uint64_t c : d.counters) s += "," + Decimal(c);
  }
  return s;
}

std::string Run(const MemorySource& src, const Options& o, const SummaryOptions& so) {
  try {
    return Text(SummarizeSource(src, o, so));
  } catch (const np::Error& e) {
    return "error " + e.code();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MemorySource src(data, size);
  Options o;
  SummaryOptions one;
  one.threads = 1;
  const std::string base = Run(src, o, one);
  size_t step = size <= 4096 ? 8 : ((size / 64) + 7) & ~size_t(7);
  for (size_t at = 1; at < size; at += step) {
    SummaryOptions two;
    two.splitAt = at;
    two.chunk = 4096;  // small windows: frames across window ends too
    if (Run(src, o, two) != base) std::abort();
  }
  return 0;
}
