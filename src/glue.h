// Shared helpers of the node-addon-api glue. The glue only converts between JS values
// and the native core; every capability registers its functions with NP_REGISTER (or
// NP_REGISTER_FUNCTIONS) from its own file, so adding a capability never edits another
// one's file.
#pragma once

#include <napi.h>

#include <cctype>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace np::glue {

using InitFn = void (*)(Napi::Env env, Napi::Object exports);

struct Registration {
  Registration(const char* name, InitFn fn);
};

// Sets each function of `fns` on `exports`. `names` is the comma-separated list of the
// functions' C++ names, in the same order (NP_EXPORT_FUNCTIONS writes both from one
// list); each is exported, and named, as its C++ name with the first letter in lower
// case (ZipCompress -> zipCompress), so the JS name cannot drift from the C++ one.
inline void ExportFunctions(Napi::Env env, Napi::Object exports, const char* names,
                            std::initializer_list<Napi::Function::Callback> fns) {
  auto separator = [](char c) { return c == ',' || std::isspace(static_cast<unsigned char>(c)); };
  const char* p = names;
  for (Napi::Function::Callback fn : fns) {
    while (*p && separator(*p)) ++p;
    const char* end = p;
    while (*end && !separator(*end)) ++end;
    std::string name(p, end);
    name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
    exports.Set(name, Napi::Function::New(env, fn, name));
    p = end;
  }
}

// A JS Error with a stable `code` property.
inline Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  return err;
}

inline Napi::Error MakeError(Napi::Env env, const np::Error& e) { return MakeError(env, e.code(), e.what()); }

// Runs `fn` and turns a core error into a JS error (thrown back to JS by node-addon-api).
template <typename Fn>
auto Guard(Napi::Env env, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const np::Error& e) {
    throw MakeError(env, e);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw MakeError(env, "out-of-memory", "net-profiler native core: out of memory");
  } catch (const std::exception& e) {
    throw MakeError(env, "internal", std::string("net-profiler native core: ") + e.what());
  }
}

// Reads argument i as a Buffer / Uint8Array, or throws a TypeError naming it.
struct Bytes {
  const uint8_t* data;
  size_t size;
  // The same bytes as a string_view (the native core's view of raw bytes).
  std::string_view View() const { return std::string_view(reinterpret_cast<const char*>(data), size); }
};
inline Bytes BytesArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Buffer or Uint8Array");
  }
  auto a = v.As<Napi::Uint8Array>();
  return {a.Data(), a.ByteLength()};
}

// The text of `v` when it is a string, else "" (for optional string arguments and fields).
inline std::string StringOr(Napi::Value v) { return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string(); }

// A JS array of `n` items, item i being `item(i)` (any value Napi::Object::Set takes).
template <typename Item>
Napi::Array ArrayOf(Napi::Env env, size_t n, Item item) {
  Napi::Array a = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; ++i) a.Set(static_cast<uint32_t>(i), item(i));
  return a;
}

// Sets the item counts of the three signals under the names JS reads them by.
inline void SetSignalCounts(Napi::Object o, double spans, double metricPoints, double logRecords) {
  o.Set("spans", spans);
  o.Set("metricPoints", metricPoints);
  o.Set("logRecords", logRecords);
}

// Hands a container's bytes (std::string, std::vector<uint8_t>) to JS without a copy: the
// Buffer takes the container over and frees it when collected.
template <typename Container>
Napi::Buffer<typename Container::value_type> OwnedBuffer(Napi::Env env, Container&& bytes) {
  using T = typename Container::value_type;
  if (bytes.empty()) return Napi::Buffer<T>::New(env, 0);
  auto* owned = new Container(std::move(bytes));
  return Napi::Buffer<T>::New(env, owned->data(), owned->size(), [](Napi::Env, T*, Container* c) { delete c; }, owned);
}

// A JS Error with a stable `code` property and the misused `argument` (code
// `bad-argument`): the glue's answer to a call the SDK should never make.
inline Napi::Error BadArgument(Napi::Env env, const char* argument, const std::string& message) {
  Napi::Error err = MakeError(env, "bad-argument", message);
  err.Set("argument", Napi::String::New(env, argument));
  return err;
}

// Handles held by JS (Externals) carry a type tag, so that a function refuses an
// External of another kind (or of another capability) instead of misreading it.
inline void TagHandle(Napi::Env env, Napi::Value v, const napi_type_tag& tag) {
  NAPI_THROW_IF_FAILED_VOID(env, napi_type_tag_object(env, v, &tag));
}
inline bool HasTag(Napi::Env env, Napi::Value v, const napi_type_tag& tag) {
  if (!v.IsExternal() && !v.IsObject()) return false;
  bool ok = false;
  NAPI_THROW_IF_FAILED(env, napi_check_object_type_tag(env, v, &tag, &ok), false);
  return ok;
}

// Async work on Node's thread pool that settles a Promise. `work` runs off the JS thread
// and must not touch any napi value (copy the inputs first, keep Buffers alive with a
// reference); `done` runs on the JS thread and converts the result; `complete`, when
// given, runs on the JS thread once the work has ended, whether it failed or not, before
// the Promise settles (for state the JS thread owns, such as a handle's busy flag).
template <typename Result>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<Result()>;
  using Done = std::function<Napi::Value(Napi::Env, Result&)>;
  using Complete = std::function<void()>;

  static Napi::Promise Start(Napi::Env env, Work work, Done done, std::vector<Napi::Value> keepAlive = {},
                             Complete complete = {}) {
    auto* w = new PromiseWorker(env, std::move(work), std::move(done));
    w->complete_ = std::move(complete);
    for (size_t i = 0; i < keepAlive.size(); ++i) w->keep_.Set(static_cast<uint32_t>(i), keepAlive[i]);
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();
    return p;
  }

 protected:
  void Execute() override {
    try {
      result_ = std::make_unique<Result>(work_());
    } catch (const np::Error& e) {
      code_ = e.code();
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      code_ = "out-of-memory";
      SetError("net-profiler native core: out of memory");
    } catch (const std::exception& e) {
      code_ = "internal";
      SetError(std::string("net-profiler native core: ") + e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (complete_) complete_();
    try {
      deferred_.Resolve(done_(env, *result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override {
    if (complete_) complete_();
    deferred_.Reject(MakeError(Env(), code_, e.Message()).Value());
  }

 private:
  PromiseWorker(Napi::Env env, Work work, Done done)
      : Napi::AsyncWorker(env, "net-profiler"),
        keep_(Napi::Persistent(Napi::Object::New(env))),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        done_(std::move(done)) {}

  Napi::ObjectReference keep_;  // keeps the input Buffers alive while the work runs
  Napi::Promise::Deferred deferred_;
  Work work_;
  Done done_;
  Complete complete_;
  std::unique_ptr<Result> result_;
  std::string code_;
};

}  // namespace np::glue

#define NP_CONCAT_(a, b) a##b
#define NP_CONCAT(a, b) NP_CONCAT_(a, b)
#define NP_REGISTER(name, fn) static ::np::glue::Registration NP_CONCAT(np_registration_, __LINE__)(name, fn)
// Inside a capability's init: exports the listed functions (see ExportFunctions).
#define NP_EXPORT_FUNCTIONS(env, exports, ...) ::np::glue::ExportFunctions(env, exports, #__VA_ARGS__, {__VA_ARGS__})
// Registers a capability that exports only functions: NP_REGISTER_FUNCTIONS("zip", ZipCompress, ...).
#define NP_REGISTER_FUNCTIONS(name, ...) \
  NP_REGISTER(name, [](Napi::Env env, Napi::Object exports) { NP_EXPORT_FUNCTIONS(env, exports, __VA_ARGS__); })
