// Glue for native/otlp: request bodies to the protobuf the dump stores, frames and the
// file header, replay batches, and the response and status messages of the exchange.
#include <memory>
#include <string>
#include <vector>

#include "glue.h"
#include "otlp/batch.h"
#include "otlp/frame.h"
#include "otlp/request.h"

namespace {

using np::otlp::Signal;

Signal SignalArg(const Napi::CallbackInfo& info, size_t i) {
  std::string v = np::glue::StringOr(info[i]);
  if (v == "traces") return Signal::Traces;
  if (v == "metrics") return Signal::Metrics;
  if (v == "logs") return Signal::Logs;
  throw Napi::TypeError::New(info.Env(), "signal must be traces, metrics or logs");
}

bool BoolArg(const Napi::CallbackInfo& info, size_t i) { return info.Length() > i && info[i].ToBoolean().Value(); }

uint64_t U64Arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info[i].IsBigInt()) {
    bool lossless = true;
    return info[i].As<Napi::BigInt>().Uint64Value(&lossless);
  }
  if (info[i].IsNumber()) {
    double d = info[i].As<Napi::Number>().DoubleValue();
    if (d >= 0 && d <= 9007199254740991.0) return uint64_t(d);
  }
  throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a non-negative integer");
}

using np::glue::OwnedBuffer;

void SetCounts(Napi::Object o, const np::otlp::Counts& c) {
  np::glue::SetSignalCounts(o, double(c.spans), double(c.points), double(c.logs));
}

// otlpDecodeBody(body, signal, json) -> {spans, metricPoints, logRecords, payload?} | {error}
Napi::Value OtlpDecodeBody(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto body = np::glue::BytesArg(info, 0, "body");
  Signal s = SignalArg(info, 1);
  bool json = BoolArg(info, 2);
  return np::glue::Guard(env, [&]() -> Napi::Value {
    std::string out, err;
    np::otlp::Counts c;
    Napi::Object r = Napi::Object::New(env);
    if (!np::otlp::DecodeBody(s, body.View(), json, out, c, err)) {
      r.Set("error", Napi::String::New(env, err));
      return r;
    }
    SetCounts(r, c);
    if (json) r.Set("payload", OwnedBuffer(env, std::move(out)));
    return r;
  });
}

// otlpFrames(kinds[], sequences[], payloads[]) -> one Buffer holding every frame in order
Napi::Value OtlpFrames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray() || !info[1].IsArray() || !info[2].IsArray()) throw Napi::TypeError::New(env, "otlpFrames(kinds, sequences, payloads)");
  Napi::Array kinds = info[0].As<Napi::Array>(), seqs = info[1].As<Napi::Array>(), payloads = info[2].As<Napi::Array>();
  const uint32_t n = payloads.Length();
  if (kinds.Length() != n || seqs.Length() != n) throw Napi::TypeError::New(env, "otlpFrames: the three lists differ in length");
  return np::glue::Guard(env, [&]() -> Napi::Value {
    std::string out;
    for (uint32_t i = 0; i < n; ++i) {
      Napi::Value p = payloads[i];
      if (!p.IsTypedArray()) throw Napi::TypeError::New(env, "otlpFrames: a payload is not a Buffer");
      auto a = p.As<Napi::Uint8Array>();
      Napi::Value k = kinds[i], q = seqs[i];
      out.reserve(out.size() + a.ByteLength() + 40);
      np::otlp::AppendFrame(out, uint8_t(k.As<Napi::Number>().Uint32Value()), uint64_t(q.As<Napi::Number>().DoubleValue()),
                            std::string_view(reinterpret_cast<const char*>(a.Data()), a.ByteLength()));
    }
    return OwnedBuffer(env, std::move(out));
  });
}

// otlpFileHeader(createdUnixNanos: bigint, pid) -> Buffer(64)
Napi::Value OtlpFileHeader(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t created = U64Arg(info, 0, "createdUnixNanos");
  uint64_t pid = U64Arg(info, 1, "pid");
  return OwnedBuffer(env, np::otlp::FileHeader(created, uint32_t(pid)));
}

// otlpRebatch(requests, signal, cap, oldBefore: bigint) -> [{request, spans, metricPoints, logRecords, old, oversize}] | null
Napi::Value OtlpRebatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "requests");
  Signal s = SignalArg(info, 1);
  uint64_t cap = U64Arg(info, 2, "cap");
  uint64_t old = U64Arg(info, 3, "oldBefore");
  return np::glue::Guard(env, [&]() -> Napi::Value {
    std::vector<np::otlp::Batch> out;
    if (!np::otlp::Rebatch(s, bytes.View(), size_t(cap), old, out)) return env.Null();
    return np::glue::ArrayOf(env, out.size(), [&](size_t i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("request", OwnedBuffer(env, std::move(out[i].request)));
      SetCounts(o, out[i].counts);
      o.Set("old", Napi::Number::New(env, double(out[i].old)));
      o.Set("oversize", Napi::Boolean::New(env, out[i].oversize));
      return o;
    });
  });
}

// otlpResponse(signal, rejected, message, json) -> Buffer
Napi::Value OtlpResponse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Signal s = SignalArg(info, 0);
  uint64_t rejected = U64Arg(info, 1, "rejected");
  std::string msg = np::glue::StringOr(info[2]);
  return OwnedBuffer(env, np::otlp::EncodeResponse(s, rejected, msg, BoolArg(info, 3)));
}

// otlpDecodeResponse(body, signal, json) -> {rejected, message} | null
Napi::Value OtlpDecodeResponse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto body = np::glue::BytesArg(info, 0, "body");
  Signal s = SignalArg(info, 1);
  uint64_t rejected = 0;
  std::string msg;
  if (!np::otlp::DecodeResponse(s, body.View(), BoolArg(info, 2), rejected, msg))
    return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("rejected", Napi::Number::New(env, double(rejected)));
  o.Set("message", Napi::String::New(env, msg));
  return o;
}

// otlpStatus(code, message, json) -> Buffer
Napi::Value OtlpStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t code = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  std::string msg = np::glue::StringOr(info[1]);
  return OwnedBuffer(env, np::otlp::EncodeStatus(code, msg, BoolArg(info, 2)));
}

// otlpDecodeStatus(body, json) -> {code, message} | null
Napi::Value OtlpDecodeStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto body = np::glue::BytesArg(info, 0, "body");
  int32_t code = 0;
  std::string msg;
  if (!np::otlp::DecodeStatus(body.View(), BoolArg(info, 1), code, msg)) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("code", Napi::Number::New(env, code));
  o.Set("message", Napi::String::New(env, msg));
  return o;
}

void Init(Napi::Env env, Napi::Object exports) {
  NP_EXPORT_FUNCTIONS(env, exports, OtlpDecodeBody, OtlpFrames, OtlpFileHeader, OtlpRebatch, OtlpResponse,
                      OtlpDecodeResponse, OtlpStatus, OtlpDecodeStatus);
  Napi::Object limits = Napi::Object::New(env);
  limits.Set("maxFramePayload", Napi::Number::New(env, double(np::otlp::kMaxFramePayload)));
  exports.Set("otlpLimits", limits);
}

NP_REGISTER("otlp", Init);

}  // namespace
