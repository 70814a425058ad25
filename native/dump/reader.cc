#include "dump/reader.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>

#include "core/crc32c.h"
#include "core/error.h"
#include "dump/json_in.h"
#include "dump/json_out.h"

namespace np::dump {

namespace {
const uint8_t kMagic[8] = {0x89, 'N', 'P', 'T', 'B', '\r', '\n', 0x1a};
const uint8_t kSync[4] = {'N', 'P', 'F', 'R'};
constexpr uint64_t kMaxPayload = 64ull << 20;
constexpr uint64_t kMaxInflated = 512ull << 20;
constexpr uint64_t kMaxCollectorMessage = 256ull << 20;
constexpr uint64_t kMaxLine = 512ull << 20;
constexpr uint64_t kMaxHeader = 1ull << 20;

const char* KindName(uint8_t k) {
  switch (k) {
    case 0: return "metadata";
    case 1: return "traces";
    case 2: return "metrics";
    case 3: return "logs";
    case 4: return "dropped";
    default: return "unknown";
  }
}

bool Inflate(Bytes in, std::string& out) {
  if (in.size() < 18) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  uint64_t isize = LoadLE32(p + in.size() - 4);
  // ISIZE is a length field: never trust it beyond what deflate can produce
  uint64_t cap = std::min<uint64_t>(kMaxInflated, uint64_t(in.size()) * 1032 + 1024);
  if (isize > cap) return false;
  out.resize(size_t(isize));
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  if (!d) throw std::bad_alloc();
  size_t inUsed = 0, outUsed = 0;
  libdeflate_result r =
      libdeflate_gzip_decompress_ex(d, p, in.size(), out.empty() ? nullptr : &out[0], out.size(), &inUsed, &outUsed);
  libdeflate_free_decompressor(d);
  // one gzip member filling exactly ISIZE bytes
  return r == LIBDEFLATE_SUCCESS && outUsed == isize && inUsed == in.size();
}

std::string Hex(uint64_t v) {
  char b[20];
  std::snprintf(b, sizeof b, "%llu", static_cast<unsigned long long>(v));
  return b;
}

// ---- per-signal walks ---------------------------------------------------------

Bytes FirstLen(Bytes msg, uint32_t field) {
  Bytes out;
  ForEachLen(msg, field, [&](Bytes b) { out = b; });
  return out;
}
uint64_t Fixed64Field(Bytes msg, uint32_t field) {
  Reader r(msg);
  uint32_t num;
  uint8_t wire;
  uint64_t v = 0;
  while (r.tag(num, wire)) {
    if (num == field && wire == kWFixed64) v = r.fixed64();
    else r.skip(wire, num);
  }
  return v;
}

// Calls fn(resource, scope, metric, dataField, dataMsg, point) for each metric data point.
template <typename Fn>
void ForEachPoint(Bytes req, Fn&& fn) {
  ForEachLen(req, 1, [&](Bytes rm) {
    Bytes resource = FirstLen(rm, 1);
    ForEachLen(rm, 2, [&](Bytes sm) {
      Bytes scope = FirstLen(sm, 1);
      ForEachLen(sm, 2, [&](Bytes metric) {
        Reader r(metric);
        uint32_t num;
        uint8_t wire;
        while (r.tag(num, wire)) {
          if (wire == kWLen && (num == 5 || num == 7 || num == 9 || num == 10 || num == 11)) {
            Bytes data = r.bytes();
            ForEachLen(data, 1, [&](Bytes point) { fn(resource, scope, metric, num, data, point); });
          } else r.skip(wire, num);
        }
      });
    });
  });
}

template <typename Fn>
void ForEachLog(Bytes req, Fn&& fn) {
  ForEachLen(req, 1, [&](Bytes rl) {
    Bytes resource = FirstLen(rl, 1);
    ForEachLen(rl, 2, [&](Bytes sl) {
      Bytes scope = FirstLen(sl, 1);
      ForEachLen(sl, 2, [&](Bytes log) { fn(resource, scope, log); });
    });
  });
}

const Field* DataField(uint32_t num) { return kMetricMsg.find(num); }

void PointJson(Bytes resource, Bytes scope, Bytes metric, uint32_t dataNum, Bytes data, Bytes point, std::string& out) {
  Bytes name = FirstLen(metric, 1), desc = FirstLen(metric, 2), unit = FirstLen(metric, 3);
  static const char* types[] = {"", "", "", "", "", "gauge", "", "sum", "", "histogram", "exponentialHistogram", "summary"};
  out += "{\"name\":";
  JsonString(out, name);
  out += ",\"description\":";
  JsonString(out, desc);
  out += ",\"unit\":";
  JsonString(out, unit);
  out += ",\"type\":\"";
  out += types[dataNum];
  out.push_back('"');
  // temporality and monotonicity of the data message
  Reader r(data);
  uint32_t num;
  uint8_t wire;
  int64_t temporality = -1;
  int mono = -1;
  while (r.tag(num, wire)) {
    if (num == 2 && wire == kWVarint) temporality = int64_t(int32_t(r.varint()));
    else if (num == 3 && wire == kWVarint) mono = r.varint() ? 1 : 0;
    else r.skip(wire, num);
  }
  if (dataNum == 7 || dataNum == 9 || dataNum == 10) {
    out += ",\"aggregationTemporality\":";
    JsonI64(out, temporality < 0 ? 0 : temporality);
  }
  if (dataNum == 7) out += mono == 1 ? ",\"isMonotonic\":true" : ",\"isMonotonic\":false";
  const Field* df = DataField(dataNum);
  const Msg* pm = df->msg->fields[0].msg;
  size_t at = out.size();
  JsonOptions opt;
  opt.plain = true;
  ToJson(pm, point, out, opt);
  // splice the point's fields into this object
  if (out.size() - at <= 2) out.resize(at);
  else out[at] = ',';
  if (!out.empty() && out.back() == '}' && out.size() != at) out.pop_back();
  out += ",\"resource\":";
  ResourceJson(resource, out);
  out += ",\"scope\":";
  ScopeJson(scope, out);
  out.push_back('}');
}

void LogJson(Bytes resource, Bytes scope, Bytes log, std::string& out) {
  Reader r(log);
  uint32_t num;
  uint8_t wire;
  uint64_t t = 0, obs = 0;
  int64_t sev = 0;
  uint32_t dropped = 0, flags = 0;
  Bytes sevText, body, tid, sid, eventName;
  bool hasBody = false;
  while (r.tag(num, wire)) {
    switch (num) {
      case 1: if (wire == kWFixed64) { t = r.fixed64(); continue; } break;
      case 11: if (wire == kWFixed64) { obs = r.fixed64(); continue; } break;
      case 2: if (wire == kWVarint) { sev = int32_t(r.varint()); continue; } break;
      case 3: if (wire == kWLen) { sevText = r.bytes(); continue; } break;
      case 5: if (wire == kWLen) { body = r.bytes(); hasBody = true; continue; } break;
      case 7: if (wire == kWVarint) { dropped = uint32_t(r.varint()); continue; } break;
      case 8: if (wire == kWFixed32) { flags = r.fixed32(); continue; } break;
      case 9: if (wire == kWLen) { tid = r.bytes(); continue; } break;
      case 10: if (wire == kWLen) { sid = r.bytes(); continue; } break;
      case 12: if (wire == kWLen) { eventName = r.bytes(); continue; } break;
      default: break;
    }
    r.skip(wire, num);
  }
  out += "{\"timeUnixNano\":";
  JsonU64String(out, t);
  out += ",\"observedTimeUnixNano\":";
  JsonU64String(out, obs);
  out += ",\"severityNumber\":";
  JsonI64(out, sev);
  out += ",\"severityText\":";
  JsonString(out, sevText);
  out += ",\"body\":";
  if (hasBody) PlainAnyValue(body, out);
  else out += "null";
  out += ",\"attributes\":";
  PlainAttributes(log, 6, out);
  out += ",\"droppedAttributesCount\":";
  JsonU64(out, dropped);
  out += ",\"flags\":";
  JsonU64(out, flags);
  out += ",\"traceId\":";
  HexString(out, tid);
  out += ",\"spanId\":";
  HexString(out, sid);
  out += ",\"eventName\":";
  JsonString(out, eventName);
  out += ",\"resource\":";
  ResourceJson(resource, out);
  out += ",\"scope\":";
  ScopeJson(scope, out);
  out.push_back('}');
}

}  // namespace

const char* FormatName(Format f) {
  switch (f) {
    case Format::Nptb: return "nptb";
    case Format::OtlpJsonl: return "otlp-jsonl";
    case Format::CollectorProto: return "collector-proto";
    case Format::OtlpProto: return "otlp-proto";
    default: return "auto";
  }
}

bool ParseFormat(std::string_view s, Format& f) {
  if (s == "auto") f = Format::Auto;
  else if (s == "nptb") f = Format::Nptb;
  else if (s == "otlp-jsonl") f = Format::OtlpJsonl;
  else if (s == "collector-proto") f = Format::CollectorProto;
  else if (s == "otlp-proto") f = Format::OtlpProto;
  else return false;
  return true;
}

Detected DetectFormat(const uint8_t* p, size_t n) {
  Detected d;
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
    d.gzip = true;
    return d;
  }
  if (n >= 8 && !std::memcmp(p, kMagic, 8)) {
    d.format = Format::Nptb;
    return d;
  }
  size_t i = 0;
  if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) i = 3;  // UTF-8 BOM
  while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')) ++i;
  if (i < n && p[i] == '{') {
    d.format = Format::OtlpJsonl;
    return d;
  }
  if (n >= 5 && p[0] == 0 && p[4] == 0x0a) {
    d.format = Format::CollectorProto;
    return d;
  }
  if (n >= 1 && p[0] == 0x0a) d.format = Format::OtlpProto;
  return d;
}

static bool QualifiesTraces(Bytes m) {
  TracesView v;
  if (!DecodeTraces(m, v) || v.spans.empty()) return false;
  for (auto& s : v.spans) {
    if (s.traceId.size() != 16 || s.spanId.size() != 8 || (s.parentSpanId.size() != 0 && s.parentSpanId.size() != 8) ||
        s.start == 0)
      return false;
  }
  return true;
}
static bool QualifiesMetrics(Bytes m) {
  if (!Validate(RequestMsg(Signal::Metrics), m)) return false;
  uint64_t n = 0;
  bool good = true;
  ForEachPoint(m, [&](Bytes, Bytes, Bytes metric, uint32_t, Bytes, Bytes point) {
    ++n;
    if (FirstLen(metric, 1).empty() || Fixed64Field(point, 3) == 0) good = false;
  });
  return good && n > 0;
}
static bool QualifiesLogs(Bytes m) {
  if (!Validate(RequestMsg(Signal::Logs), m)) return false;
  uint64_t n = 0;
  bool good = true;
  ForEachLog(m, [&](Bytes, Bytes, Bytes log) {
    ++n;
    Bytes tid = FirstLen(log, 9), sid = FirstLen(log, 10);
    if ((Fixed64Field(log, 1) == 0 && Fixed64Field(log, 11) == 0) || (tid.size() != 0 && tid.size() != 16) ||
        (sid.size() != 0 && sid.size() != 8))
      good = false;
  });
  return good && n > 0;
}

Signal DetectSignal(Bytes m) {
  bool t = QualifiesTraces(m), me = QualifiesMetrics(m), l = QualifiesLogs(m);
  if (int(t) + int(me) + int(l) != 1) return Signal::None;
  return t ? Signal::Traces : me ? Signal::Metrics : Signal::Logs;
}

static void ThrowUnknownSignal(Bytes m, const char* what) {
  bool any = Validate(RequestMsg(Signal::Traces), m) || Validate(RequestMsg(Signal::Metrics), m) ||
             Validate(RequestMsg(Signal::Logs), m);
  if (!any)
    throw Error("not-otlp", std::string(what) + " is not an OTLP export request of any signal (traces, metrics or logs)");
  throw Error("signal-unknown", std::string(what) +
                                    " does not say its signal and decodes as none or several of traces, metrics and logs: "
                                    "name it with --signal traces|metrics|logs");
}

Session::Session(Options o) : o_(std::move(o)) { fmt_ = o_.format; }

void Session::diag(Diagnostic d) {
  if (o_.strict && d.code != "dropped") {
    throw Error(d.code, d.message + " (at byte " + Hex(d.offset) + ")");
  }
  diags_.push_back(std::move(d));
}

void Session::feed(const uint8_t* p, size_t n) {
  // Processes straight from the caller's chunk; only an incomplete tail is copied, and
  // a tail is completed by appending just enough of the next chunk.
  size_t used = 0;
  while (!stopped_ && used < n) {
    if (buf_.empty()) {
      d_ = p + used;
      n_ = n - used;
      pos_ = 0;
      base_ = fed_ + used;
      process(false);
      if (!stopped_) buf_.assign(d_ + pos_, d_ + n_);
      base_ += pos_;
      pos_ = 0;
      break;
    }
    size_t tail = buf_.size();
    size_t add = std::min(n - used, std::max<size_t>(tail, size_t(64) << 10));
    buf_.insert(buf_.end(), p + used, p + used + add);
    used += add;
    d_ = buf_.data();
    n_ = buf_.size();
    pos_ = 0;
    process(false);
    if (stopped_) break;
    if (pos_ >= tail) {
      // the tail is done: go on from the chunk itself
      used = used - add + (pos_ - tail);
      buf_.clear();
      pos_ = 0;
      continue;
    }
    if (used == n) {
      buf_.erase(buf_.begin(), buf_.begin() + ptrdiff_t(pos_));
      base_ += pos_;
      pos_ = 0;
    }
  }
  fed_ += n;
  d_ = nullptr;
  n_ = 0;
}

void Session::process(bool atEnd) {
  if (stopped_) return;
  if (fmt_ == Format::Auto) {
    size_t avail = n_ - pos_;
    if (avail < 8 && !atEnd) return;
    if (avail == 0) throw Error("empty", "the input is empty");
    Detected d = DetectFormat(d_ + pos_, avail);
    if (d.gzip) throw Error("gzip-input", "the input is gzip-compressed: inflate it first (the TypeScript reader does)");
    if (d.format == Format::Auto)
      throw Error("unknown-format",
                  "the input is not a trace dump (.nptb), OTLP/JSON lines, a Collector proto file or an OTLP export request");
    fmt_ = d.format;
  }
  switch (fmt_) {
    case Format::Nptb: processNptb(atEnd); break;
    case Format::OtlpJsonl: processJsonl(atEnd); break;
    case Format::CollectorProto: processCollector(atEnd); break;
    case Format::OtlpProto:
      if (atEnd) {
        Bytes m(reinterpret_cast<const char*>(d_), n_);
        Signal s = o_.signal;
        if (s == Signal::None) {
          if (m.empty()) throw Error("empty", "the input is empty");
          s = DetectSignal(m);
          if (s == Signal::None) ThrowUnknownSignal(m, "the input");
        }
        if (onPayload(s, m, 0, 0)) ++frames_;
        pos_ = n_;
      }
      break;
    default: break;
  }
}

void Session::processNptb(bool atEnd) {
  if (!headerDone_) {
    size_t avail = n_ - pos_;
    if (avail < 64 && !atEnd) return;
    const uint8_t* h = d_ + pos_;
    if (avail < 8 || std::memcmp(h, kMagic, 8)) throw Error("bad-magic", "not a trace dump: the file does not start with the .nptb magic");
    uint16_t major = avail >= 12 ? LoadLE16(h + 8) : 1;
    if (major != 1)
      throw Error("unsupported-version", "trace dump format " + Hex(major) + "." + Hex(LoadLE16(h + 10)) +
                                             " is not supported: this reader reads format 1 (upgrade net-profiler)");
    if (avail < 64) throw Error("bad-magic", "not a trace dump: the 64-byte header is cut short (" + Hex(avail) + " bytes)");
    headerSize_ = LoadLE32(h + 12);
    if (headerSize_ < 64 || headerSize_ > kMaxHeader)
      throw Error("bad-magic", "not a trace dump: header size " + Hex(headerSize_) + " is outside 64 bytes to 1 MiB");
    ring_ = (LoadLE32(h + 16) & 1) != 0;
    if (avail < headerSize_) {
      if (!atEnd) return;
      diag("truncated", 0, "the file ends inside its " + Hex(headerSize_) + "-byte header");
      stopped_ = true;
      return;
    }
    headerDone_ = true;
    pos_ += size_t(headerSize_);
  }
  while (!stopped_) {
    uint64_t off = base_ + pos_;
    uint64_t aligned = (off + 7) & ~uint64_t(7);
    size_t avail = n_ - pos_;
    if (aligned != off) {
      if (avail < aligned - off) {
        if (atEnd) pos_ = n_;
        return;
      }
      pos_ += size_t(aligned - off);
      off = aligned;
      avail = n_ - pos_;
    }
    if (avail == 0) return;
    const uint8_t* h = d_ + pos_;
    if (avail < 32) {
      if (!atEnd) return;
      bool zeros = std::all_of(h, h + avail, [](uint8_t b) { return b == 0; });
      if (!inCorrupt_ && !zeros) diag("truncated", off, "the file ends inside a frame header (" + Hex(avail) + " of 32 bytes): a torn last write");
      pos_ = n_;
      return;
    }
    bool good = !std::memcmp(h, kSync, 4) && crc32c(0, h, 24) == LoadLE32(h + 24);
    uint64_t len = LoadLE32(h + 8);
    if (good && len > kMaxPayload) good = false;
    if (!good) {
      bool zeroWord = ring_ && LoadLE64(h) == 0;
      if (!inCorrupt_ && !zeroWord) {
        diag("corrupt-header", off,
             len > kMaxPayload && !std::memcmp(h, kSync, 4) && crc32c(0, h, 24) == LoadLE32(h + 24)
                 ? "frame header claims a payload over 64 MiB; scanning forward to the next good frame"
                 : "frame header is damaged (sync or header CRC wrong); scanning forward to the next good frame");
        inCorrupt_ = true;
      }
      pos_ += 8;
      continue;
    }
    inCorrupt_ = false;
    if (avail < 32 + len) {
      if (!atEnd) return;
      diag("truncated", off,
           "frame " + Hex(LoadLE64(h + 16)) + " runs past the end of the file (" + Hex(avail - 32) + " of " + Hex(len) +
               " payload bytes): a torn last write; every earlier frame stands");
      stopped_ = true;
      pos_ = n_;
      return;
    }
    Bytes payload(reinterpret_cast<const char*>(h + 32), size_t(len));
    if (crc32c(0, h + 32, size_t(len)) != LoadLE32(h + 12)) {
      // the header holds, so its sequence number counts: the frame is damaged, not lost
      if (!ring_) onSequence(off, LoadLE64(h + 16));
      diag("corrupt-payload", off, "frame " + Hex(LoadLE64(h + 16)) + " payload CRC does not match; frame skipped");
    } else if (ring_) {
      ringIndex_.push_back({LoadLE64(h + 16), {off, 32 + len}});
    } else {
      onFrame(off, h, payload);
    }
    pos_ += size_t(32 + len);
  }
}

bool Session::endScan(std::vector<std::pair<uint64_t, uint64_t>>& order) {
  if (ended_) throw Error("internal", "endScan called twice");
  d_ = buf_.data();
  n_ = buf_.size();
  pos_ = 0;
  process(true);
  ended_ = true;
  if (fmt_ == Format::Auto) throw Error("empty", "the input is empty");
  buf_.clear();
  buf_.shrink_to_fit();
  d_ = nullptr;
  n_ = 0;
  base_ += pos_;
  pos_ = 0;
  if (!ring_) return false;
  std::stable_sort(ringIndex_.begin(), ringIndex_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  order.clear();
  for (auto& e : ringIndex_) order.push_back(e.second);
  ringIndex_.clear();
  ringIndex_.shrink_to_fit();
  return true;
}

void Session::feedFrame(uint64_t offset, const uint8_t* p, size_t n) {
  if (n < 32 || n != 32 + LoadLE32(p + 8)) throw Error("internal", "feedFrame: not one whole frame");
  onFrame(offset, p, Bytes(reinterpret_cast<const char*>(p + 32), n - 32));
}

void Session::finish() {
  if (!ended_) {
    d_ = buf_.data();
    n_ = buf_.size();
    pos_ = 0;
    process(true);
  }
  ended_ = true;
  if (fmt_ == Format::Auto) throw Error("empty", "the input is empty");
}

void Session::onSequence(uint64_t off, uint64_t seq) {
  if (!haveSeq_) {
    haveSeq_ = true;
    firstSeq_ = lastSeq_ = seq;
    return;
  }
  if (seq == lastSeq_ + 1) {
    lastSeq_ = seq;
    return;
  }
  Diagnostic d;
  d.code = "sequence-gap";
  d.offset = off;
  if (seq > lastSeq_) {
    d.missing = int64_t(seq - lastSeq_ - 1);
    d.message = Hex(seq - lastSeq_ - 1) + " frame(s) missing between sequence " + Hex(lastSeq_) + " and " + Hex(seq);
  } else {
    d.missing = 0;
    d.message = "sequence number goes back from " + Hex(lastSeq_) + " to " + Hex(seq);
  }
  lastSeq_ = seq;
  diag(std::move(d));
}

void Session::onFrame(uint64_t off, const uint8_t* h, Bytes payload) {
  uint8_t kind = h[4], flags = h[5];
  uint64_t seq = LoadLE64(h + 16);
  onSequence(off, seq);
  if (kind > 4) {
    diag("unknown-kind", off, "frame " + Hex(seq) + " has unknown kind " + Hex(kind) + " (a newer profiler?); frame skipped");
    return;
  }
  std::string inflated;
  if (flags & 1) {
    if (!Inflate(payload, inflated)) {
      diag("malformed-payload", off, "frame " + Hex(seq) + " payload does not inflate (gzip failed); frame skipped");
      return;
    }
    payload = inflated;
  }
  uint64_t before[3] = {spans_, points_, logs_};
  uint64_t counters[3] = {0, 0, 0};
  bool ok = true;
  switch (kind) {
    case 0: onMetadata(payload, off, seq); ok = !metadataBad_; break;
    case 1: ok = onPayload(Signal::Traces, payload, off, seq); break;
    case 2: ok = onPayload(Signal::Metrics, payload, off, seq); break;
    case 3: ok = onPayload(Signal::Logs, payload, off, seq); break;
    case 4: {
      if (payload.size() < 24) {
        diag("malformed-payload", off, "dropped frame " + Hex(seq) + " holds " + Hex(payload.size()) + " bytes, not 3 counters");
        ok = false;
        break;
      }
      Diagnostic d;
      d.code = "dropped";
      d.offset = off;
      d.hasCounters = true;
      for (int i = 0; i < 3; ++i) {
        counters[i] = LoadLE64(reinterpret_cast<const uint8_t*>(payload.data()) + 8 * i);
        dropped_[i] += counters[i];
      }
      d.counters[0] = counters[0];
      d.counters[1] = counters[1];
      d.counters[2] = counters[2];
      d.message = "the profiler dropped " + Hex(counters[0]) + " span(s), " + Hex(counters[1]) + " metric point(s) and " +
                  Hex(counters[2]) + " log record(s)";
      diag(std::move(d));
      break;
    }
  }
  if (!ok) return;
  ++frames_;
  if (o_.mode == Mode::Frames) {
    if (!outFirst_) out_.push_back(',');
    outFirst_ = false;
    out_ += "{\"offset\":";
    JsonU64(out_, off);
    out_ += ",\"sequence\":";
    JsonU64String(out_, seq);
    out_ += ",\"kind\":\"";
    out_ += KindName(kind);
    out_ += "\",\"compressed\":";
    out_ += (flags & 1) ? "true" : "false";
    out_ += ",\"storedLength\":";
    JsonU64(out_, LoadLE32(h + 8));
    out_ += ",\"payloadLength\":";
    JsonU64(out_, payload.size());
    out_ += ",\"spans\":";
    JsonU64(out_, spans_ - before[0]);
    out_ += ",\"metricPoints\":";
    JsonU64(out_, points_ - before[1]);
    out_ += ",\"logRecords\":";
    JsonU64(out_, logs_ - before[2]);
    if (kind == 0) {
      out_ += ",\"metadata\":";
      out_ += lastMetadata_;
    }
    if (kind == 4) {
      out_ += ",\"dropped\":{\"spans\":";
      JsonU64(out_, counters[0]);
      out_ += ",\"metricPoints\":";
      JsonU64(out_, counters[1]);
      out_ += ",\"logRecords\":";
      JsonU64(out_, counters[2]);
      out_.push_back('}');
    }
    out_.push_back('}');
  }
}

void Session::onMetadata(Bytes payload, uint64_t off, uint64_t seq) {
  JNode n;
  std::string err;
  metadataBad_ = false;
  if (!ParseJson(payload, n, err) || n.type != JNode::Obj) {
    metadataBad_ = true;
    diag("malformed-payload", off, "metadata frame " + Hex(seq) + " is not a JSON object" + (err.empty() ? "" : ": " + err));
    return;
  }
  // re-serialise: valid UTF-8 JSON whatever the input held
  lastMetadata_.clear();
  std::string& o = lastMetadata_;
  auto write = [&](auto& self, const JNode& v) -> void {
    switch (v.type) {
      case JNode::Null: o += "null"; break;
      case JNode::Bool: o += v.b ? "true" : "false"; break;
      case JNode::Num: o += v.s; break;
      case JNode::Str: JsonString(o, v.s); break;
      case JNode::Arr:
        o.push_back('[');
        for (size_t i = 0; i < v.items.size(); ++i) {
          if (i) o.push_back(',');
          self(self, v.items[i]);
        }
        o.push_back(']');
        break;
      case JNode::Obj:
        o.push_back('{');
        for (size_t i = 0; i < v.items.size(); ++i) {
          if (i) o.push_back(',');
          JsonKey(o, v.keys[i]);
          self(self, v.items[i]);
        }
        o.push_back('}');
        break;
    }
  };
  write(write, n);
  if (metadata_.empty()) metadata_ = lastMetadata_;
}

void Session::noteTime(uint64_t start, uint64_t end) {
  if (start && start < minTime_) minTime_ = start;
  if (end && end > maxTime_) maxTime_ = end;
  if (start && start > maxTime_) maxTime_ = start;
}

bool Session::onPayload(Signal s, Bytes payload, uint64_t off, uint64_t frame) {
  const Mode m = o_.mode;
  auto malformedTraces = [&] {
    diag("malformed-payload", off, std::string("payload is not a valid OTLP ExportTraceServiceRequest; skipped"));
    return false;
  };
  if (s == Signal::Traces && m == Mode::Summary) {
    // the summary's walk: the same validation as DecodeTraces, keeping only span keys
    if (!ScanTraces(payload, keys_, svc_)) return malformedTraces();
    spans_ += keys_.size();
    for (const SpanKey& k : keys_) {
      // spans of one trace mostly come together: one set lookup per run of them
      if (!(haveLastKey_ && k.sameTrace(lastKey_))) {
        traceIds_.insert(k.id0, k.id1);
        lastKey_ = k;
        haveLastKey_ = true;
      }
      noteTime(k.start, k.end);
    }
    for (Bytes sv : svc_)
      if (services_.find(sv) == services_.end()) services_.emplace(sv);
  } else if (s == Signal::Traces) {
    tv_.clear();
    if (!DecodeTraces(payload, tv_)) return malformedTraces();
    spans_ += tv_.spans.size();
    if (m == Mode::SpanCols) {
      std::vector<std::pair<uint32_t, uint32_t>> ctx;
      ctx.reserve(tv_.scopes.size());
      if (cols_[colsN_ - 1].text.size() >= kColumnsText) {
        if (++colsN_ > cols_.size()) cols_.emplace_back();
      }
      SpanColumns& cols = cols_[colsN_ - 1];
      for (auto& sc : tv_.scopes) ctx.push_back(cols.intern(sc));
      for (auto& sp : tv_.spans) {
        if (!o_.traceFilter.empty() && sp.traceId != o_.traceFilter) continue;
        cols.addSpan(sp, ctx[sp.scope], frame);
      }
    } else if (m == Mode::Spans) {
      for (auto& sp : tv_.spans) {
        if (!o_.traceFilter.empty() && sp.traceId != o_.traceFilter) continue;
        if (!outFirst_) out_.push_back(',');
        outFirst_ = false;
        size_t at = out_.size();
        SpanJson(tv_, sp, out_);
        if (o_.spanFrame) {
          out_.pop_back();
          out_ += ",\"frame\":";
          JsonU64(out_, frame);
          out_.push_back('}');
        }
        (void)at;
      }
    }
  } else {
    if (!Validate(RequestMsg(s), payload)) {
      diag("malformed-payload", off,
           std::string("payload is not a valid OTLP ") +
               (s == Signal::Metrics ? "ExportMetricsServiceRequest" : "ExportLogsServiceRequest") + "; skipped");
      return false;
    }
    if (s == Signal::Metrics) {
      ForEachPoint(payload, [&](Bytes res, Bytes scope, Bytes metric, uint32_t dn, Bytes data, Bytes point) {
        ++points_;
        if (m == Mode::Summary) {
          noteTime(Fixed64Field(point, 3), 0);
          Bytes svc;
          if (FindStringAttr(res, 1, "service.name", svc)) services_.emplace(svc);
        } else if (m == Mode::Points) {
          if (!outFirst_) out_.push_back(',');
          outFirst_ = false;
          PointJson(res, scope, metric, dn, data, point, out_);
        }
      });
    } else {
      ForEachLog(payload, [&](Bytes res, Bytes scope, Bytes log) {
        ++logs_;
        if (m == Mode::Summary) {
          uint64_t t = Fixed64Field(log, 1);
          noteTime(t ? t : Fixed64Field(log, 11), 0);
          Bytes svc;
          if (FindStringAttr(res, 1, "service.name", svc)) services_.emplace(svc);
        } else if (m == Mode::Logs) {
          if (!outFirst_) out_.push_back(',');
          outFirst_ = false;
          LogJson(res, scope, log, out_);
        }
      });
    }
  }
  if (m == Mode::OtlpJson) {
    JsonOptions opt;
    ToJson(RequestMsg(s), payload, out_, opt);
    out_.push_back('\n');
  } else if (m == Mode::OtlpProto && s == o_.outSignal) {
    out_.append(payload.data(), payload.size());
  }
  return true;
}

void Session::processJsonl(bool atEnd) {
  while (!stopped_) {
    size_t avail = n_ - pos_;
    if (avail == 0) return;
    const uint8_t* p = d_ + pos_;
    const uint8_t* nl = static_cast<const uint8_t*>(std::memchr(p, '\n', avail));
    size_t len;
    if (nl) len = size_t(nl - p);
    else if (atEnd) len = avail;
    else {
      if (avail > kMaxLine) {
        diag("malformed-payload", base_ + pos_, "line " + Hex(lineNo_ + 1) + " is longer than 512 MiB; reading stops");
        stopped_ = true;
      }
      return;
    }
    uint64_t off = base_ + pos_;
    ++lineNo_;
    Bytes line(reinterpret_cast<const char*>(p), len);
    pos_ += len + (nl ? 1 : 0);
    size_t a = 0;
    if (lineNo_ == 1 && line.size() >= 3 && !std::memcmp(line.data(), "\xef\xbb\xbf", 3)) a = 3;
    while (a < line.size() && (line[a] == ' ' || line[a] == '\t' || line[a] == '\r')) ++a;
    if (a == line.size()) continue;
    JNode doc;
    std::string err;
    Signal s = Signal::None;
    scratch_.clear();
    if (!ParseJson(line.substr(a), doc, err) || !EncodeOtlpJson(doc, s, scratch_, err)) {
      diag("malformed-payload", off, "line " + Hex(lineNo_) + " is not an OTLP/JSON export request: " + err + "; skipped");
      continue;
    }
    std::string payload;
    payload.swap(scratch_);
    if (onPayload(s, payload, off, messages_)) {
      ++frames_;
      ++messages_;
    }
  }
}

void Session::processCollector(bool atEnd) {
  while (!stopped_) {
    size_t avail = n_ - pos_;
    if (avail == 0) return;
    uint64_t off = base_ + pos_;
    const uint8_t* p = d_ + pos_;
    if (avail < 4) {
      if (atEnd) {
        diag("truncated", off, "the file ends inside a message length prefix: a torn last write");
        stopped_ = true;
      }
      return;
    }
    uint64_t len = uint64_t(p[0]) << 24 | uint64_t(p[1]) << 16 | uint64_t(p[2]) << 8 | p[3];
    if (len > kMaxCollectorMessage) {
      diag("malformed-payload", off, "message length " + Hex(len) + " is over 256 MiB; reading stops (no way to resynchronise)");
      stopped_ = true;
      return;
    }
    if (avail < 4 + len) {
      if (atEnd) {
        diag("truncated", off, "message runs past the end of the file (" + Hex(avail - 4) + " of " + Hex(len) + " bytes): a torn last write");
        stopped_ = true;
      }
      return;
    }
    Bytes m(reinterpret_cast<const char*>(p + 4), size_t(len));
    pos_ += size_t(4 + len);
    if (collectorSignal_ == Signal::None) {
      collectorSignal_ = o_.signal;
      if (collectorSignal_ == Signal::None) {
        collectorSignal_ = DetectSignal(m);
        if (collectorSignal_ == Signal::None) ThrowUnknownSignal(m, "the first message");
      }
    }
    if (onPayload(collectorSignal_, m, off, messages_)) {
      ++frames_;
      ++messages_;
    }
  }
}

std::string Session::summaryJson() const {
  std::string o = "{\"format\":\"";
  o += FormatName(fmt_);
  o += "\",\"ring\":";
  o += ring_ ? "true" : "false";
  o += ",\"frames\":";
  JsonU64(o, frames_);
  o += ",\"spans\":";
  JsonU64(o, spans_);
  o += ",\"traces\":";
  JsonU64(o, traceIds_.size());
  o += ",\"metricPoints\":";
  JsonU64(o, points_);
  o += ",\"logRecords\":";
  JsonU64(o, logs_);
  o += ",\"dropped\":{\"spans\":";
  JsonU64(o, dropped_[0]);
  o += ",\"metricPoints\":";
  JsonU64(o, dropped_[1]);
  o += ",\"logRecords\":";
  JsonU64(o, dropped_[2]);
  o += "},\"metadata\":";
  o += metadata_.empty() ? "null" : metadata_;
  o += ",\"firstSequence\":";
  if (haveSeq_) JsonU64(o, firstSeq_);
  else o += "null";
  o += ",\"lastSequence\":";
  if (haveSeq_) JsonU64(o, lastSeq_);
  else o += "null";
  o += ",\"startTimeUnixNano\":";
  if (minTime_ != UINT64_MAX) JsonU64String(o, minTime_);
  else o += "null";
  o += ",\"endTimeUnixNano\":";
  if (maxTime_) JsonU64String(o, maxTime_);
  else o += "null";
  o += ",\"services\":[";
  bool first = true;
  for (auto& s : services_) {
    if (!first) o.push_back(',');
    first = false;
    JsonString(o, s);
  }
  o += "]}";
  return o;
}

}  // namespace np::dump

namespace np::dump {
void RunWhole(Session& s, const uint8_t* p, size_t n) {
  s.feed(p, n);
  std::vector<std::pair<uint64_t, uint64_t>> order;
  if (s.endScan(order)) {
    for (auto& [off, size] : order) s.feedFrame(off, p + off, size_t(size));
  }
  s.finish();
}
}  // namespace np::dump
