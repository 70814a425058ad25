// Glue for native/release: header facts of many binaries in one call.
#include "glue.h"
#include "release/binary.h"

namespace {

// releaseInspect(buffers: Uint8Array[]) -> [{elf: {...}, pe: {...}}]
Napi::Value ReleaseInspect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "buffers must be an array");
  auto arr = info[0].As<Napi::Array>();
  return np::glue::ArrayOf(env, arr.Length(), [&](size_t i) {
    Napi::Value v = arr.Get(static_cast<uint32_t>(i));
    if (!v.IsTypedArray()) throw Napi::TypeError::New(env, "each buffer must be a Uint8Array");
    auto a = v.As<Napi::Uint8Array>();
    auto elf = np::release::ReadElf(a.Data(), a.ByteLength());
    auto pe = np::release::ReadPe(a.Data(), a.ByteLength());
    auto e = Napi::Object::New(env);
    e.Set("elf", elf.elf);
    e.Set("elfClass", elf.elf_class);
    e.Set("endian", elf.endian);
    e.Set("type", elf.type);
    e.Set("machine", elf.machine);
    auto o = Napi::Object::New(env);
    o.Set("pe", pe.pe);
    o.Set("cli", pe.cli);
    o.Set("reason", pe.reason);
    auto r = Napi::Object::New(env);
    r.Set("elf", e);
    r.Set("pe", o);
    return r;
  });
}

NP_REGISTER_FUNCTIONS("release", ReleaseInspect);

}  // namespace
