// libFuzzer target for the hostile-ZIP reader: any bytes as a whole ZIP and as the tail
// of a larger file; every inflated entry of a verified archive. Must never crash, leak,
// read out of bounds or trip UBSan; refusals are np::zip::ZipError.
#include <cstddef>
#include <cstdint>

#include "zip/zip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  np::zip::Limits limits(64ull << 20);  // keep the fuzzer's memory bounded
  try {
    auto dir = np::zip::VerifyArchive(data, size, limits);
    for (const auto& e : dir.entries)
      if (!e.dir) (void)np::zip::Inflate(data, size, e);
  } catch (const np::zip::ZipError&) {
  }
  try {
    // The same bytes as the tail of a file 1000 bytes longer (ranged reads).
    auto t = np::zip::ReadDirectory(data, size, size + 1000, limits);
    (void)t;
  } catch (const np::zip::ZipError&) {
  }
  if (size > 8) {
    try {
      (void)np::zip::ReadDirectory(data + size / 2, size - size / 2, size, limits);
    } catch (const np::zip::ZipError&) {
    }
  }
  return 0;
}
