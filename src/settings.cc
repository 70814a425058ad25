// Glue for native/settings: read and check settings.yaml bytes. Each call crosses the
// boundary once and returns one JSON string (the caller JSON.parses it).
#include <cstring>

#include "glue.h"
#include "settings/check.h"
#include "settings/yaml.h"

namespace {

np::settings::CheckOptions OptionsArg(const Napi::CallbackInfo& info, size_t i) {
  np::settings::CheckOptions opt;
  if (info.Length() > i && info[i].IsObject()) {
    Napi::Object o = info[i].As<Napi::Object>();
    opt.dotnet8 = o.Get("dotnet8").ToBoolean();
    opt.dotnet10 = o.Get("dotnet10").ToBoolean();
    opt.forLayer = o.Get("forLayer").ToBoolean();
  }
  return opt;
}

// settingsCheck(bytes, {dotnet8, dotnet10, forLayer}) -> '{"diagnostics":[...]}'
Napi::Value SettingsCheck(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "source");
  auto opt = OptionsArg(info, 1);
  return np::glue::Guard(env, [&] {
    return Napi::String::New(env, np::settings::DiagnosticsJson(np::settings::Check(bytes.data, bytes.size, opt)));
  });
}

// Checks on Node's thread pool and settles a Promise with the JSON string. (A local
// worker: glue.h's PromiseWorker does not compile against node-addon-api 8.)
class CheckWorker : public Napi::AsyncWorker {
 public:
  CheckWorker(Napi::Env env, std::vector<uint8_t> bytes, np::settings::CheckOptions opt)
      : Napi::AsyncWorker(env, "net-profiler:settings"), deferred_(Napi::Promise::Deferred::New(env)), bytes_(std::move(bytes)), opt_(opt) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      json_ = np::settings::DiagnosticsJson(np::settings::Check(bytes_.data(), bytes_.size(), opt_));
    } catch (const std::exception& e) {
      SetError(std::string("net-profiler native core: ") + e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Napi::String::New(Env(), json_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(np::glue::MakeError(Env(), "internal", e.Message()).Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::vector<uint8_t> bytes_;
  np::settings::CheckOptions opt_;
  std::string json_;
};

// settingsCheckAsync(bytes, options) -> Promise<string>
Napi::Value SettingsCheckAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "source");
  auto opt = OptionsArg(info, 1);
  auto* w = new CheckWorker(env, std::vector<uint8_t>(bytes.data, bytes.data + bytes.size), opt);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// settingsRead(bytes) -> '{"value":...}' or '{"error":{code,message,line,column,fix}}'
Napi::Value SettingsRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "source");
  return np::glue::Guard(env, [&] {
    std::string out;
    try {
      np::settings::Document doc = np::settings::Read(bytes.data, bytes.size);
      auto dups = np::settings::FindDuplicateKeys(doc);
      if (!dups.empty()) {
        const auto& k = doc.nodes[dups[0].key];
        throw np::settings::ReadError("duplicate-key", "the key `" + k.text + "` appears more than once in its mapping", k.line, k.col,
                                      "keep one of them");
      }
      out = "{\"value\":";
      np::settings::AppendValueJson(doc, doc.root, out);
      out += '}';
    } catch (const np::settings::ReadError& e) {
      out = "{\"error\":{\"code\":";
      np::settings::AppendJsonString(e.code(), out);
      out += ",\"message\":";
      np::settings::AppendJsonString(e.what(), out);
      out += ",\"line\":" + std::to_string(e.line()) + ",\"column\":" + std::to_string(e.col()) + ",\"fix\":";
      np::settings::AppendJsonString(e.fix(), out);
      out += "}}";
    }
    return Napi::String::New(env, out);
  });
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("settingsCheck", Napi::Function::New(env, SettingsCheck, "settingsCheck"));
  exports.Set("settingsCheckAsync", Napi::Function::New(env, SettingsCheckAsync, "settingsCheckAsync"));
  exports.Set("settingsRead", Napi::Function::New(env, SettingsRead, "settingsRead"));
}

NP_REGISTER("settings", Init);

}  // namespace
