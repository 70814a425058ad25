// Glue for native/zip: the deterministic layer ZIP writer and the hostile-ZIP reader.
// Batches cross the boundary (many entries per call); compression and verification run
// as async work on Node's pool. Failures are reported the one way every glue file does:
// a thrown (or, for async work, rejected) JS Error with a stable `code`; a reader
// refusal also carries the `entry` at fault ("" when the fault is archive-wide). The
// caps are parameters: the caller passes the unzipped-total cap on every read.
#include <memory>

#include "glue.h"
#include "zip/zip.h"

namespace {

using np::glue::BytesArg;

using np::glue::OwnedBuffer;

uint64_t U64Prop(Napi::Object o, const char* key, uint64_t def = 0) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return def;
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > 9007199254740991.0) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a non-negative integer");
  return static_cast<uint64_t>(d);
}

std::string StrProp(Napi::Object o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsBuffer()) {
    auto b = v.As<Napi::Buffer<char>>();
    return std::string(b.Data(), b.Length());
  }
  if (!v.IsString()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a string or Buffer");
  return v.As<Napi::String>().Utf8Value();
}

// limits: {maxUnzippedBytes (required), maxRatio?, ratioMinSize?}
np::zip::Limits LimitsArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsObject() || !info[i].As<Napi::Object>().Get("maxUnzippedBytes").IsNumber())
    throw Napi::TypeError::New(info.Env(), "limits must be an object with maxUnzippedBytes");
  auto o = info[i].As<Napi::Object>();
  np::zip::Limits l(U64Prop(o, "maxUnzippedBytes"));
  l.max_ratio = static_cast<uint32_t>(U64Prop(o, "maxRatio", l.max_ratio));
  l.ratio_min_size = U64Prop(o, "ratioMinSize", l.ratio_min_size);
  if (l.max_ratio == 0) throw Napi::TypeError::New(info.Env(), "maxRatio must be at least 1");
  return l;
}

// A reader refusal as a JS Error: code, message and the entry at fault.
Napi::Error RefusalError(Napi::Env env, const np::zip::ZipError& e) {
  Napi::Error err = np::glue::MakeError(env, e);
  err.Set("entry", Napi::String::New(env, e.entry()));
  return err;
}

Napi::Object EntryValue(Napi::Env env, const np::zip::Entry& e) {
  auto o = Napi::Object::New(env);
  o.Set("name", Napi::Buffer<char>::Copy(env, e.name.data(), e.name.size()));
  o.Set("dir", e.dir);
  o.Set("mode", e.mode);
  o.Set("madeBy", e.made_by);
  o.Set("flags", e.flags);
  o.Set("method", e.method);
  o.Set("crc32", e.crc32);
  o.Set("externalAttr", e.external_attr);
  o.Set("compressedSize", static_cast<double>(e.compressed));
  o.Set("size", static_cast<double>(e.uncompressed));
  o.Set("localOffset", static_cast<double>(e.local_offset));
  o.Set("dataOffset", static_cast<double>(e.data_offset));
  return o;
}

Napi::Object DirectoryValue(Napi::Env env, const np::zip::Directory& d) {
  auto o = Napi::Object::New(env);
  auto arr = np::glue::ArrayOf(env, d.entries.size(), [&](size_t i) { return EntryValue(env, d.entries[i]); });
  o.Set("complete", true);
  o.Set("entries", arr);
  o.Set("cdOffset", static_cast<double>(d.cd_offset));
  o.Set("cdSize", static_cast<double>(d.cd_size));
  o.Set("unzippedBytes", static_cast<double>(d.unzipped));
  o.Set("zip64", d.zip64);
  o.Set("comment", Napi::Buffer<char>::Copy(env, d.comment.data(), d.comment.size()));
  return o;
}

// zipCompress(items, level, dosDateTime) -> Promise<{records: Buffer, entries: [{crc32,
// compressedSize, size, method, recordBytes}]}>: the records laid out one after the other.
// item: {name, mode, dir?, data?: Uint8Array} or a copied entry {name, mode, raw: Uint8Array,
// crc32, size, method}.
Napi::Value ZipCompress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "items must be an array");
  auto arr = info[0].As<Napi::Array>();
  int level = info[1].As<Napi::Number>().Int32Value();
  uint32_t dos = info[2].As<Napi::Number>().Uint32Value();
  auto items = std::make_shared<std::vector<np::zip::WriteItem>>(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    auto o = arr.Get(i).As<Napi::Object>();
    auto& w = (*items)[i];
    w.name = StrProp(o, "name");
    w.mode = static_cast<uint32_t>(U64Prop(o, "mode", 0644));
    w.dir = o.Get("dir").ToBoolean();
    Napi::Value raw = o.Get("raw");
    Napi::Value data = raw.IsUndefined() ? o.Get("data") : raw;
    if (!data.IsUndefined()) {
      if (!data.IsTypedArray()) throw Napi::TypeError::New(env, "data must be a Uint8Array");
      auto a = data.As<Napi::Uint8Array>();
      w.data = a.Data();
      w.size = a.ByteLength();
    }
    if (!raw.IsUndefined()) {
      w.raw = true;
      w.crc32 = static_cast<uint32_t>(U64Prop(o, "crc32"));
      w.uncompressed = U64Prop(o, "size");
      w.method = static_cast<uint16_t>(U64Prop(o, "method"));
    }
  }
  struct Result {
    std::vector<uint8_t> bytes;
    std::vector<np::zip::Record> meta;
    std::vector<uint64_t> sizes;  // bytes of each record (local header + data)
  };
  return np::glue::PromiseWorker<Result>::Start(
      env,
      [items, level, dos]() {
        Result r;
        r.meta.reserve(items->size());
        for (auto& it : *items) {
          auto rec = np::zip::MakeRecord(it, level, dos);
          r.sizes.push_back(rec.bytes.size());
          if (r.bytes.empty()) r.bytes = std::move(rec.bytes);
          else r.bytes.insert(r.bytes.end(), rec.bytes.begin(), rec.bytes.end());
          rec.bytes.clear();
          rec.bytes.shrink_to_fit();
          r.meta.push_back(std::move(rec));
        }
        return r;
      },
      [items](Napi::Env env, Result& r) -> Napi::Value {
        auto out = Napi::Object::New(env);
        auto entries = np::glue::ArrayOf(env, r.meta.size(), [&](size_t i) {
          auto e = Napi::Object::New(env);
          e.Set("crc32", r.meta[i].crc32);
          e.Set("compressedSize", static_cast<double>(r.meta[i].compressed));
          e.Set("size", static_cast<double>(r.meta[i].uncompressed));
          e.Set("method", r.meta[i].method);
          e.Set("recordBytes", static_cast<double>(r.sizes[i]));
          return e;
        });
        out.Set("entries", entries);
        out.Set("records", OwnedBuffer(env, std::move(r.bytes)));
        return out;
      },
      {info[0]});
}

// zipCentral(items, cdOffset, dosDateTime) -> Buffer (central directory and end records)
Napi::Value ZipCentral(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return np::glue::Guard(env, [&]() -> Napi::Value {
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "items must be an array");
    auto arr = info[0].As<Napi::Array>();
    std::vector<np::zip::CentralItem> items(arr.Length());
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      auto o = arr.Get(i).As<Napi::Object>();
      auto& c = items[i];
      c.name = StrProp(o, "name");
      c.mode = static_cast<uint32_t>(U64Prop(o, "mode", 0644));
      c.dir = o.Get("dir").ToBoolean();
      c.crc32 = static_cast<uint32_t>(U64Prop(o, "crc32"));
      c.compressed = U64Prop(o, "compressedSize");
      c.uncompressed = U64Prop(o, "size");
      c.method = static_cast<uint16_t>(U64Prop(o, "method"));
      c.offset = U64Prop(o, "offset");
    }
    uint64_t cd_offset = static_cast<uint64_t>(info[1].As<Napi::Number>().DoubleValue());
    uint32_t dos = info[2].As<Napi::Number>().Uint32Value();
    return OwnedBuffer(env, np::zip::MakeCentral(items, cd_offset, dos));
  });
}

// zipDosDateTime(unixSeconds) -> number
Napi::Value ZipDosDateTime(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), np::zip::DosDateTime(static_cast<int64_t>(info[0].As<Napi::Number>().DoubleValue())));
}

// zipReadTail(tail, fileSize, limits) -> directory | {complete: false, needBytesFrom};
// throws the refusal.
Napi::Value ZipReadTail(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return np::glue::Guard(env, [&]() -> Napi::Value {
    auto tail = BytesArg(info, 0, "tail");
    uint64_t file_size = static_cast<uint64_t>(info[1].As<Napi::Number>().DoubleValue());
    auto limits = LimitsArg(info, 2);
    try {
      auto r = np::zip::ReadDirectory(tail.data, tail.size, file_size, limits);
      if (!r.complete) {
        auto o = Napi::Object::New(env);
        o.Set("complete", false);
        o.Set("needBytesFrom", static_cast<double>(r.need_from));
        return o;
      }
      return DirectoryValue(env, r.dir);
    } catch (const np::zip::ZipError& e) {
      throw RefusalError(env, e);
    }
  });
}

struct VerifyResult {
  bool ok = false;
  np::zip::Directory dir;
  std::unique_ptr<np::zip::ZipError> error;
};

// zipVerify(zip, limits) -> Promise<directory (with dataOffset)>; rejects with the refusal.
Napi::Value ZipVerify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto zip = BytesArg(info, 0, "zip");
  auto limits = LimitsArg(info, 1);
  return np::glue::PromiseWorker<VerifyResult>::Start(
      env,
      [zip, limits]() {
        VerifyResult r;
        try {
          r.dir = np::zip::VerifyArchive(zip.data, zip.size, limits);
          r.ok = true;
        } catch (const np::zip::ZipError& e) {
          r.error = std::make_unique<np::zip::ZipError>(e);
        }
        return r;
      },
      [](Napi::Env env, VerifyResult& r) -> Napi::Value {
        if (!r.ok) throw RefusalError(env, *r.error);
        return DirectoryValue(env, r.dir);
      },
      {info[0]});
}

struct ExtractResult {
  std::vector<std::vector<uint8_t>> data;
  std::unique_ptr<np::zip::ZipError> error;
};

// zipExtract(zip, entries) -> Promise<Buffer[]>; entries from zipVerify; rejects with the refusal.
Napi::Value ZipExtract(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto zip = BytesArg(info, 0, "zip");
  if (!info[1].IsArray()) throw Napi::TypeError::New(env, "entries must be an array");
  auto arr = info[1].As<Napi::Array>();
  auto entries = std::make_shared<std::vector<np::zip::Entry>>(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    auto o = arr.Get(i).As<Napi::Object>();
    auto& e = (*entries)[i];
    e.name = StrProp(o, "name");
    e.method = static_cast<uint16_t>(U64Prop(o, "method"));
    e.crc32 = static_cast<uint32_t>(U64Prop(o, "crc32"));
    e.compressed = U64Prop(o, "compressedSize");
    e.uncompressed = U64Prop(o, "size");
    e.data_offset = U64Prop(o, "dataOffset");
    if (e.method != 0 && e.method != 8) throw Napi::TypeError::New(env, "method must be 0 or 8");
  }
  return np::glue::PromiseWorker<ExtractResult>::Start(
      env,
      [zip, entries]() {
        ExtractResult r;
        try {
          for (auto& e : *entries) r.data.push_back(np::zip::Inflate(zip.data, zip.size, e));
        } catch (const np::zip::ZipError& e) {
          r.error = std::make_unique<np::zip::ZipError>(e);
        }
        return r;
      },
      [](Napi::Env env, ExtractResult& r) -> Napi::Value {
        if (r.error) throw RefusalError(env, *r.error);
        return np::glue::ArrayOf(env, r.data.size(), [&](size_t i) { return OwnedBuffer(env, std::move(r.data[i])); });
      },
      {info[0]});
}

NP_REGISTER_FUNCTIONS("zip", ZipCompress, ZipCentral, ZipDosDateTime, ZipReadTail, ZipVerify, ZipExtract);

}  // namespace
