// Glue for native/settings: check and read settings.yaml bytes, and export the key table.
// Every value crosses as the typed shapes of lib/settings/native.ts (docs/settings.md,
// "The native boundary"): diagnostics as objects, a document as a tree of typed nodes,
// a refused document as a thrown error with `code`, `line`, `column` and `fix`.
#include "glue.h"
#include "settings/check.h"
#include "settings/keys.h"
#include "settings/yaml.h"

namespace {

namespace s = np::settings;

s::CheckOptions OptionsArg(const Napi::CallbackInfo& info, size_t i) {
  s::CheckOptions opt;
  if (info.Length() > i && info[i].IsObject()) {
    Napi::Object o = info[i].As<Napi::Object>();
    Napi::Value runtimes = o.Get("runtimes");
    if (runtimes.IsArray()) {
      Napi::Array a = runtimes.As<Napi::Array>();
      for (uint32_t k = 0; k < a.Length(); ++k) opt.runtimes.push_back(a.Get(k).ToString().Utf8Value());
    }
    opt.forLayer = o.Get("forLayer").ToBoolean();
  }
  return opt;
}

// NativeDiagnostic[]: {code, severity, path, line, column, message, fix?} in this order.
Napi::Array Diagnostics(Napi::Env env, const std::vector<s::Diagnostic>& diags) {
  return np::glue::ArrayOf(env, diags.size(), [&](size_t i) {
    const s::Diagnostic& d = diags[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("code", d.code);
    o.Set("severity", d.error ? "error" : "warning");
    o.Set("path", d.path);
    o.Set("line", d.line);
    o.Set("column", d.col);
    o.Set("message", d.message);
    if (!d.fix.empty()) o.Set("fix", d.fix);
    return o;
  });
}

// The property names and type names of NativeNode, made once per document.
struct NodeNames {
  explicit NodeNames(Napi::Env env)
      : type(Napi::String::New(env, "type")), value(Napi::String::New(env, "value")), text(Napi::String::New(env, "text")),
        items(Napi::String::New(env, "items")), entries(Napi::String::New(env, "entries")), key(Napi::String::New(env, "key")),
        tNull(Napi::String::New(env, "null")), tBool(Napi::String::New(env, "bool")), tInt(Napi::String::New(env, "int")),
        tFloat(Napi::String::New(env, "float")), tStr(Napi::String::New(env, "str")), tSeq(Napi::String::New(env, "seq")),
        tMap(Napi::String::New(env, "map")) {}
  Napi::String type, value, text, items, entries, key;
  Napi::String tNull, tBool, tInt, tFloat, tStr, tSeq, tMap;
};

// NativeNode: {type: 'null'|'bool'|'int'|'float'|'str'|'seq'|'map', value|text|items|entries}.
Napi::Object NodeValue(Napi::Env env, const NodeNames& k, const s::Document& doc, int32_t index) {
  Napi::Object o = Napi::Object::New(env);
  if (index < 0) {
    o.Set(k.type, k.tNull);
    return o;
  }
  const s::Node& n = doc.nodes[static_cast<size_t>(index)];
  if (n.kind == s::NodeKind::Seq) {
    Napi::Array items = np::glue::ArrayOf(env, n.children.size(), [&](size_t i) {
      return NodeValue(env, k, doc, static_cast<int32_t>(n.children[i]));
    });
    o.Set(k.type, k.tSeq);
    o.Set(k.items, items);
    return o;
  }
  if (n.kind == s::NodeKind::Map) {
    // children: key, value, key, value, …
    Napi::Array entries = np::glue::ArrayOf(env, n.children.size() / 2, [&](size_t i) {
      Napi::Object e = Napi::Object::New(env);
      e.Set(k.key, NodeValue(env, k, doc, static_cast<int32_t>(n.children[2 * i])));
      e.Set(k.value, NodeValue(env, k, doc, static_cast<int32_t>(n.children[2 * i + 1])));
      return e;
    });
    o.Set(k.type, k.tMap);
    o.Set(k.entries, entries);
    return o;
  }
  switch (n.type) {
    case s::ScalarType::Null: o.Set(k.type, k.tNull); break;
    case s::ScalarType::Bool:
      o.Set(k.type, k.tBool);
      o.Set(k.value, Napi::Boolean::New(env, n.text[0] == 't' || n.text[0] == 'T'));
      break;
    case s::ScalarType::Int:
    case s::ScalarType::Float:
      o.Set(k.type, n.type == s::ScalarType::Int ? k.tInt : k.tFloat);
      o.Set(k.text, Napi::String::New(env, n.text));
      break;
    case s::ScalarType::Str:
      o.Set(k.type, k.tStr);
      o.Set(k.value, Napi::String::New(env, n.text));
      break;
  }
  return o;
}

// NativeKeySpec: {path, kind, default?, defaultFrom?, values?, min?, max?, unit?, envReference, description}.
Napi::Object KeyValue(Napi::Env env, const s::KeySpec& k) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", k.path);
  o.Set("kind", s::KeyTypeName(k.type));
  switch (k.dflt.kind) {
    case s::KeyDefault::Kind::None: break;
    case s::KeyDefault::Kind::Bool: o.Set("default", k.dflt.boolean); break;
    case s::KeyDefault::Kind::Number: o.Set("default", k.dflt.number); break;
    case s::KeyDefault::Kind::Text: o.Set("default", k.dflt.text); break;
    case s::KeyDefault::Kind::EmptyList: o.Set("default", Napi::Array::New(env)); break;
    case s::KeyDefault::Kind::EmptyMap: o.Set("default", Napi::Object::New(env)); break;
    case s::KeyDefault::Kind::SameAs: o.Set("defaultFrom", k.dflt.text); break;
  }
  if (!k.values.empty()) {
    o.Set("values", np::glue::ArrayOf(env, k.values.size(), [&](size_t i) { return k.values[i]; }));
  }
  if (k.type == s::KeyType::Int || k.type == s::KeyType::Float) {
    o.Set("min", k.min);
    o.Set("max", k.max);
  }
  if (k.unit[0] != '\0') o.Set("unit", k.unit);
  o.Set("envReference", s::AcceptsEnvReference(k.type));
  o.Set("description", k.description);
  return o;
}

// settingsCheck(bytes, {runtimes, forLayer}) -> NativeDiagnostic[]
Napi::Value SettingsCheck(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "source");
  auto opt = OptionsArg(info, 1);
  return np::glue::Guard(env, [&]() -> Napi::Value { return Diagnostics(env, s::Check(bytes.data, bytes.size, opt)); });
}

// settingsCheckAsync(bytes, options) -> Promise<NativeDiagnostic[]>
Napi::Value SettingsCheckAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "source");
  auto opt = OptionsArg(info, 1);
  // The Buffer is kept alive by the worker; the check reads it on Node's thread pool.
  return np::glue::PromiseWorker<std::vector<s::Diagnostic>>::Start(
      env, [bytes, opt] { return s::Check(bytes.data, bytes.size, opt); },
      [](Napi::Env env, std::vector<s::Diagnostic>& diags) -> Napi::Value { return Diagnostics(env, diags); }, {info[0]});
}

// settingsRead(bytes) -> NativeNode; a refused document throws {code, message, line, column, fix}.
Napi::Value SettingsRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "source");
  return np::glue::Guard(env, [&]() -> Napi::Value {
    s::Document doc;
    try {
      doc = s::ReadSettings(bytes.data, bytes.size);
    } catch (const s::ReadError& e) {
      Napi::Error err = np::glue::MakeError(env, e);
      err.Set("line", Napi::Number::New(env, e.line()));
      err.Set("column", Napi::Number::New(env, e.col()));
      err.Set("fix", Napi::String::New(env, e.fix()));
      throw err;
    }
    NodeNames names(env);
    return NodeValue(env, names, doc, doc.root);
  });
}

// settingsKeys() -> NativeKeySpec[] (the table of native/settings/keys.cc, in order)
Napi::Value SettingsKeys(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& keys = s::Keys();
  return np::glue::ArrayOf(env, keys.size(), [&](size_t i) { return KeyValue(env, keys[i]); });
}

// settingsNearestKey(path) -> the nearest key path, or ''
Napi::Value SettingsNearestKey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "path must be a string");
  return Napi::String::New(env, s::NearestKey(info[0].As<Napi::String>().Utf8Value()));
}

NP_REGISTER_FUNCTIONS("settings", SettingsCheck, SettingsCheckAsync, SettingsRead, SettingsKeys, SettingsNearestKey);

}  // namespace
