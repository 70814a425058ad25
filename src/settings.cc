// Glue for native/settings: read and check settings.yaml bytes. Each call crosses the
// boundary once and returns one JSON string (the caller JSON.parses it).
#include "glue.h"
#include "settings/check.h"

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

// settingsCheckAsync(bytes, options) -> Promise<string>
Napi::Value SettingsCheckAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "source");
  auto opt = OptionsArg(info, 1);
  // The Buffer is kept alive by the worker; the check reads it on Node's thread pool.
  return np::glue::PromiseWorker<std::string>::Start(
      env, [bytes, opt] { return np::settings::DiagnosticsJson(np::settings::Check(bytes.data, bytes.size, opt)); },
      [](Napi::Env env, std::string& json) -> Napi::Value { return Napi::String::New(env, json); }, {info[0]});
}

// settingsRead(bytes) -> '{"value":...}' or '{"error":{code,message,line,column,fix}}'
Napi::Value SettingsRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "source");
  return np::glue::Guard(env, [&] { return Napi::String::New(env, np::settings::ReadJson(bytes.data, bytes.size)); });
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("settingsCheck", Napi::Function::New(env, SettingsCheck, "settingsCheck"));
  exports.Set("settingsCheckAsync", Napi::Function::New(env, SettingsCheckAsync, "settingsCheckAsync"));
  exports.Set("settingsRead", Napi::Function::New(env, SettingsRead, "settingsRead"));
}

NP_REGISTER("settings", Init);

}  // namespace
