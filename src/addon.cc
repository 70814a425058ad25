// Module entry: runs every capability's registration (see NP_REGISTER in glue.h).
#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "glue.h"

#ifndef NP_SOURCE_HASH
#define NP_SOURCE_HASH "unknown"
#endif

namespace np::glue {
namespace {
std::vector<std::pair<const char*, InitFn>>& Registry() {
  static std::vector<std::pair<const char*, InitFn>> r;
  return r;
}
}  // namespace

Registration::Registration(const char* name, InitFn fn) { Registry().emplace_back(name, fn); }

// Marker that tests find in the binary's bytes (any arch, stripped or not).
extern "C" __attribute__((used, visibility("hidden"))) const char np_source_hash_marker[] =
    "NP_SOURCE_HASH=" NP_SOURCE_HASH;

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto& r = Registry();
  std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return std::strcmp(a.first, b.first) < 0; });
  for (auto& [name, fn] : r) fn(env, exports);
  exports.Set("sourceHash", Napi::String::New(env, NP_SOURCE_HASH));
  exports.Set("abi", Napi::Number::New(env, NAPI_VERSION));
  return exports;
}

}  // namespace np::glue

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return np::glue::Init(env, exports); }

NODE_API_MODULE(net_profiler, InitAddon)
