// Glue for native/dump (docs/dump.md): a streaming reader session held by JS as an External. Each
// call hands over a big chunk and returns everything it produced (a batch of JSON
// text or protobuf bytes, plus new diagnostics): one crossing per chunk, never per span.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dump/reader.h"
#include "dump/split.h"
#include "glue.h"

namespace {

using np::dump::Diagnostic;
using np::dump::Session;

struct Handle {
  std::unique_ptr<Session> s;
  size_t diagsSent = 0;
  bool busy = false;
  bool binary = false;
};

// The type tag of a dump reader handle (HandleArg refuses any other External).
constexpr napi_type_tag kHandleTag = {0x6e702d64756d7031ull, 0x9c1f4a7e52b3d801ull};

np::dump::Signal SignalOf(const std::string& v, Napi::Env env, const char* argument) {
  if (v == "traces") return np::dump::Signal::Traces;
  if (v == "metrics") return np::dump::Signal::Metrics;
  if (v == "logs") return np::dump::Signal::Logs;
  if (v.empty()) return np::dump::Signal::None;
  throw np::glue::BadArgument(env, argument, std::string(argument) + " must be traces, metrics or logs");
}

std::string Str(Napi::Object o, const char* key) { return np::glue::StringOr(o.Get(key)); }

Handle* HandleArg(const Napi::CallbackInfo& info) {
  if (!info[0].IsExternal() || !np::glue::HasTag(info.Env(), info[0], kHandleTag))
    throw np::glue::BadArgument(info.Env(), "handle", "not a dump reader handle");
  Handle* h = info[0].As<Napi::External<Handle>>().Data();
  if (h->busy) throw np::glue::MakeError(info.Env(), "internal", "dump reader: one call at a time");
  return h;
}

struct Batch {
  Session* s = nullptr;  // the output is read from the session, then cleared (memory kept)
  std::vector<Diagnostic> diags;
  std::string summary;
  bool ring = false;
  std::vector<std::pair<uint64_t, uint64_t>> order;
};

Batch Take(Handle* h, bool withSummary) {
  Batch b;
  b.s = h->s.get();
  auto& d = h->s->diagnostics();
  for (size_t i = h->diagsSent; i < d.size(); ++i) b.diags.push_back(d[i]);
  h->diagsSent = d.size();
  if (withSummary) b.summary = h->s->summaryJson();
  return b;
}

// A column batch's text is ASCII by construction (SpanColumns sends every other string
// in its UTF-16 side text), so it crosses as a one-byte string with no decoding.
Napi::Value AsciiValue(Napi::Env env, const std::string& t) {
  napi_value v;
  NAPI_THROW_IF_FAILED(env, napi_create_string_latin1(env, t.data(), t.size(), &v), Napi::Value());
  return Napi::Value(env, v);
}

Napi::Array DiagnosticsToJs(Napi::Env env, const std::vector<Diagnostic>& list) {
  return np::glue::ArrayOf(env, list.size(), [&](size_t i) {
    const Diagnostic& d = list[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("code", d.code);
    o.Set("offset", Napi::Number::New(env, double(d.offset)));
    o.Set("message", d.message);
    if (d.missing >= 0) o.Set("missing", Napi::Number::New(env, double(d.missing)));
    if (d.hasCounters) np::glue::SetSignalCounts(o, double(d.counters[0]), double(d.counters[1]), double(d.counters[2]));
    return o;
  });
}

Napi::Value ToJs(Napi::Env env, Batch& b, bool binary) {
  Napi::Object r = Napi::Object::New(env);
  const std::string& out = b.s->output();
  if (binary) r.Set("out", Napi::Buffer<char>::Copy(env, out.data(), out.size()));
  else r.Set("out", Napi::String::New(env, out.data(), out.size()));
  // span columns: one object per column batch (a big chunk gives several)
  size_t batches = 0;
  for (size_t i = 0; i < b.s->columnBatches(); ++i) batches += b.s->columns(i).count ? 1 : 0;
  if (batches) {
    Napi::Array list = Napi::Array::New(env, batches);
    uint32_t n = 0;
    for (size_t i = 0; i < b.s->columnBatches(); ++i) {
      auto& c = b.s->columns(i);
      if (!c.count) continue;
      // one ArrayBuffer for every number column (one allocation per batch)
      size_t total = c.span.size() + c.attr.size() + c.event.size() + c.link.size() + c.resources.size() + c.scopes.size();
      auto all = Napi::ArrayBuffer::New(env, total * sizeof(double));
      size_t at = 0;
      auto f64 = [&](const std::vector<double>& v) {
        if (!v.empty()) std::memcpy(static_cast<double*>(all.Data()) + at, v.data(), v.size() * sizeof(double));
        auto arr = Napi::Float64Array::New(env, v.size(), all, at * sizeof(double));
        at += v.size();
        return arr;
      };
      Napi::Object cols = Napi::Object::New(env);
      cols.Set("text", AsciiValue(env, c.text));
      auto bb = Napi::ArrayBuffer::New(env, c.bounds.size() * 4);
      std::memcpy(bb.Data(), c.bounds.data(), c.bounds.size() * 4);
      cols.Set("bounds", Napi::Uint32Array::New(env, c.bounds.size(), bb, 0));
      if (!c.wide.empty()) {
        napi_value t16;
        NAPI_THROW_IF_FAILED(env, napi_create_string_utf16(env, c.text16.data(), c.text16.size(), &t16), Napi::Value());
        cols.Set("text16", Napi::Value(env, t16));
        auto wb = Napi::ArrayBuffer::New(env, c.wide.size() * 4);
        std::memcpy(wb.Data(), c.wide.data(), c.wide.size() * 4);
        cols.Set("wide", Napi::Uint32Array::New(env, c.wide.size(), wb, 0));
      }
      cols.Set("span", f64(c.span));
      cols.Set("attr", f64(c.attr));
      cols.Set("event", f64(c.event));
      cols.Set("link", f64(c.link));
      cols.Set("resources", f64(c.resources));
      cols.Set("scopes", f64(c.scopes));
      list.Set(n++, cols);
    }
    r.Set("columns", list);
  }
  b.s->clearOutput();
  r.Set("diagnostics", DiagnosticsToJs(env, b.diags));
  if (!b.summary.empty()) r.Set("summary", b.summary);
  if (b.ring) {
    Napi::Array order = Napi::Array::New(env, b.order.size() * 2);
    for (size_t i = 0; i < b.order.size(); ++i) {
      order.Set(uint32_t(2 * i), Napi::Number::New(env, double(b.order[i].first)));
      order.Set(uint32_t(2 * i + 1), Napi::Number::New(env, double(b.order[i].second)));
    }
    r.Set("ringOrder", order);
  }
  return r;
}

np::dump::Options OptionsOf(Napi::Env env, Napi::Value v) {
  if (!v.IsObject()) throw np::glue::BadArgument(env, "options", "options must be an object");
  Napi::Object o = v.As<Napi::Object>();
  np::dump::Options opt;
  std::string fmt = Str(o, "format");
  if (!fmt.empty() && !np::dump::ParseFormat(fmt, opt.format))
    throw np::glue::BadArgument(env, "format", "format must be one of the names dumpFormats lists");
  opt.signal = SignalOf(Str(o, "signal"), env, "signal");
  std::string outSignal = Str(o, "outSignal");
  if (!outSignal.empty()) opt.outSignal = SignalOf(outSignal, env, "outSignal");
  std::string mode = Str(o, "mode");
  using M = np::dump::Mode;
  if (mode == "summary" || mode.empty()) opt.mode = M::Summary;
  else if (mode == "spans") opt.mode = M::Spans;
  else if (mode == "points") opt.mode = M::Points;
  else if (mode == "logs") opt.mode = M::Logs;
  else if (mode == "otlp-json") opt.mode = M::OtlpJson;
  else if (mode == "otlp-proto") opt.mode = M::OtlpProto;
  else if (mode == "frames") opt.mode = M::Frames;
  else if (mode == "span-columns") opt.mode = M::SpanCols;
  else throw np::glue::BadArgument(env, "mode", "unknown mode " + mode);
  opt.strict = o.Get("strict").ToBoolean();
  opt.spanFrame = o.Get("spanFrame").ToBoolean();
  Napi::Value tf = o.Get("traceId");
  if (tf.IsTypedArray()) {
    auto a = tf.As<Napi::Uint8Array>();
    opt.traceFilter.assign(reinterpret_cast<const char*>(a.Data()), a.ByteLength());
  }
  return opt;
}

// open(options) -> handle
Napi::Value DumpOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  np::dump::Options opt = OptionsOf(env, info[0]);
  using M = np::dump::Mode;
  auto* h = new Handle();
  h->binary = opt.mode == M::OtlpProto;
  h->s = std::make_unique<Session>(std::move(opt));
  auto ext = Napi::External<Handle>::New(env, h, [](Napi::Env, Handle* p) { delete p; });
  np::glue::TagHandle(env, ext, kHandleTag);
  return ext;
}

// Runs `step` on the handle's session on Node's thread pool and settles with the batch it
// produced; the handle is busy (refuses other calls) until then. `keepAlive`: the input
// Buffers `step` reads.
template <typename Step>
Napi::Value StartStep(Napi::Env env, Handle* h, Step step, std::vector<Napi::Value> keepAlive) {
  h->busy = true;
  return np::glue::PromiseWorker<Batch>::Start(
      env,
      [h, step]() {
        step(*h->s);
        return Take(h, false);
      },
      [h](Napi::Env e, Batch& b) { return ToJs(e, b, h->binary); }, std::move(keepAlive), [h]() { h->busy = false; });
}

// feed(handle, bytes) -> Promise<batch>: decodes on Node's thread pool.
Napi::Value DumpFeed(const Napi::CallbackInfo& info) {
  Handle* h = HandleArg(info);
  auto bytes = np::glue::BytesArg(info, 1, "chunk");
  return StartStep(info.Env(), h, [bytes](Session& s) { s.feed(bytes.data, bytes.size); }, {info[0], info[1]});
}

// feedFrame(handle, offset, bytes) -> Promise<batch>: one whole frame of a ring snapshot.
Napi::Value DumpFeedFrame(const Napi::CallbackInfo& info) {
  Handle* h = HandleArg(info);
  uint64_t off = uint64_t(info[1].As<Napi::Number>().DoubleValue());
  auto bytes = np::glue::BytesArg(info, 2, "frame");
  return StartStep(info.Env(), h, [off, bytes](Session& s) { s.feedFrame(off, bytes.data, bytes.size); }, {info[0], info[2]});
}

// endScan(handle) -> batch with ringOrder (flat [offset, size, …]) for a ring snapshot.
Napi::Value DumpEndScan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle* h = HandleArg(info);
  return np::glue::Guard(env, [&]() -> Napi::Value {
    std::vector<std::pair<uint64_t, uint64_t>> order;
    bool ring = h->s->endScan(order);
    Batch b = Take(h, false);
    b.ring = ring;
    b.order = std::move(order);
    return ToJs(env, b, h->binary);
  });
}

// finish(handle) -> batch with the summary JSON.
Napi::Value DumpFinish(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle* h = HandleArg(info);
  return np::glue::Guard(env, [&]() -> Napi::Value {
    h->s->finish();
    Batch b = Take(h, true);
    return ToJs(env, b, h->binary);
  });
}

// decode(bytes, options) -> batch: a whole input in memory, synchronously (both passes
// of a ring snapshot). Never used per span; for small inputs and the arm64 smoke run.
Napi::Value DumpDecode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "data");
  np::dump::Options opt = OptionsOf(env, info[1]);
  bool binary = opt.mode == np::dump::Mode::OtlpProto;
  return np::glue::Guard(env, [&]() -> Napi::Value {
    Handle h;
    h.s = std::make_unique<Session>(std::move(opt));
    np::dump::RunWhole(*h.s, bytes.data, bytes.size);
    Batch b = Take(&h, true);
    return ToJs(env, b, binary);
  });
}

np::dump::SummaryOptions SummaryOptionsOf(Napi::Value v) {
  np::dump::SummaryOptions so;
  if (!v.IsObject()) return so;
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value threads = o.Get("threads"), splitAt = o.Get("splitAt"), chunk = o.Get("chunk");
  if (chunk.IsNumber()) so.chunk = size_t(std::max(4096.0, std::min(double(1 << 30), chunk.As<Napi::Number>().DoubleValue())));
  if (threads.IsNumber()) so.threads = std::max(1, std::min(2, threads.As<Napi::Number>().Int32Value()));
  if (splitAt.IsNumber()) so.splitAt = uint64_t(std::max(0.0, splitAt.As<Napi::Number>().DoubleValue()));
  return so;
}

Napi::Value SummaryToJs(Napi::Env env, np::dump::SummaryResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("summary", r.summaryJson);
  o.Set("diagnostics", DiagnosticsToJs(env, r.diagnostics));
  o.Set("split", Napi::Boolean::New(env, r.split));
  return o;
}

// summarizeFile(path, options, {threads, splitAt}, progress?) -> Promise<{summary, diagnostics, split}>:
// the native core reads the file itself (pread) on Node's thread pool, a .nptb file in two
// ranges on two threads (native/dump/split.h).
Napi::Value DumpSummarizeFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw np::glue::BadArgument(env, "path", "path must be a string");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  np::dump::Options opt = OptionsOf(env, info[1]);
  np::dump::SummaryOptions so = SummaryOptionsOf(info[2]);
  std::vector<Napi::Value> keep;
  // progress: a Float64Array of one element that the walk keeps up to date
  if (info[3].IsTypedArray() && info[3].As<Napi::TypedArray>().TypedArrayType() == napi_float64_array) {
    auto a = info[3].As<Napi::Float64Array>();
    if (a.ElementLength() >= 1) {
      so.progress = a.Data();
      keep.push_back(info[3]);
    }
  }
  return np::glue::PromiseWorker<np::dump::SummaryResult>::Start(
      env,
      [path, opt, so]() {
        np::dump::FileSource src(path);
        return np::dump::SummarizeSource(src, opt, so);
      },
      [](Napi::Env e, np::dump::SummaryResult& r) { return SummaryToJs(e, r); }, keep);
}

// summarizeBuffer(bytes, options, {threads, splitAt}) -> {summary, diagnostics, split}:
// the same, synchronously, over bytes in memory (tests: the split equals one pass).
Napi::Value DumpSummarizeBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "data");
  np::dump::Options opt = OptionsOf(env, info[1]);
  np::dump::SummaryOptions so = SummaryOptionsOf(info[2]);
  return np::glue::Guard(env, [&]() -> Napi::Value {
    np::dump::MemorySource src(bytes.data, bytes.size);
    np::dump::SummaryResult r = np::dump::SummarizeSource(src, opt, so);
    return SummaryToJs(env, r);
  });
}

// detect(bytes) -> {gzip, format}
Napi::Value DumpDetect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = np::glue::BytesArg(info, 0, "data");
  auto d = np::dump::DetectFormat(bytes.data, bytes.size);
  Napi::Object r = Napi::Object::New(env);
  r.Set("gzip", Napi::Boolean::New(env, d.gzip));
  r.Set("format", d.format == np::dump::Format::Auto ? env.Null() : Napi::String::New(env, np::dump::FormatName(d.format)));
  return r;
}

void Init(Napi::Env env, Napi::Object exports) {
  NP_EXPORT_FUNCTIONS(env, exports, DumpOpen, DumpFeed, DumpFeedFrame, DumpEndScan, DumpFinish, DumpDecode, DumpDetect,
                      DumpSummarizeFile, DumpSummarizeBuffer);
  // the input format names: native/dump/format.cc owns them, TypeScript checks its copy
  Napi::Array formats = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& f : np::dump::kFormats) formats.Set(i++, Napi::String::New(env, f.name));
  exports.Set("dumpFormats", formats);
}

NP_REGISTER("dump", Init);

}  // namespace
