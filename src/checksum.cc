// Glue for native/core/crc32c: crc32c(buffer, initial?) and the implementation name.
#include "core/crc32c.h"
#include "glue.h"

namespace {

Napi::Value Crc32c(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "data");
  uint32_t initial = 0;
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "initial must be a number (a previous CRC)");
    initial = info[1].As<Napi::Number>().Uint32Value();
  }
  return Napi::Number::New(env, np::crc32c(initial, bytes.data, bytes.size));
}

void Init(Napi::Env env, Napi::Object exports) {
  NP_EXPORT_FUNCTIONS(env, exports, Crc32c);
  exports.Set("crc32cImplementation", Napi::String::New(env, np::crc32c_implementation()));
}

NP_REGISTER("checksum", Init);

}  // namespace
