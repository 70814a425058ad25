#include "dump/reader.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "dump/json_in.h"
#include "dump/json_out.h"

namespace np::dump {

namespace {
constexpr uint64_t kMaxInflated = 512ull << 20;

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

// Writes a parsed JSON value back as JSON text (valid UTF-8 whatever the input held).
void WriteJson(const JNode& v, std::string& o) {
  switch (v.type) {
    case JNode::Null: o += "null"; break;
    case JNode::Bool: o += v.b ? "true" : "false"; break;
    case JNode::Num: o += v.s; break;
    case JNode::Str: JsonString(o, v.s); break;
    case JNode::Arr:
      o.push_back('[');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) o.push_back(',');
        WriteJson(v.items[i], o);
      }
      o.push_back(']');
      break;
    case JNode::Obj:
      o.push_back('{');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) o.push_back(',');
        JsonKey(o, v.keys[i]);
        WriteJson(v.items[i], o);
      }
      o.push_back('}');
      break;
  }
}
}  // namespace

std::string Decimal(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%llu", static_cast<unsigned long long>(v));
  return b;
}

Diagnostic SequenceGap(uint64_t offset, uint64_t last, uint64_t seq) {
  Diagnostic d;
  d.code = "sequence-gap";
  d.offset = offset;
  if (seq > last) {
    uint64_t missing = seq - last - 1;
    d.missing = int64_t(missing);
    d.message = Decimal(missing) + (missing == 1 ? " frame" : " frames") + " missing between sequence " + Decimal(last) +
                " and " + Decimal(seq);
  } else {
    d.missing = 0;
    d.message = "sequence number goes back from " + Decimal(last) + " to " + Decimal(seq);
  }
  return d;
}

Session::Session(Options o) : o_(std::move(o)) {
  sum_.format = o_.format;
  sinkOptions_.mode = o_.mode;
  sinkOptions_.outSignal = o_.outSignal;
  sinkOptions_.spanFrame = o_.spanFrame;
  sinkOptions_.traceFilter = o_.traceFilter;
  sink_ = MakeSink(sinkOptions_, sum_);
}

void Session::diag(Diagnostic d) {
  if (o_.strict && d.code != "dropped") {
    throw Error(d.code, d.message + " (at byte " + Decimal(d.offset) + ")");
  }
  diags_.push_back(std::move(d));
}

void Session::startAt(uint64_t offset, uint64_t headerSize) {
  if (fed_ != 0 || sum_.format == Format::OtlpJsonl || sum_.format == Format::CollectorProto ||
      sum_.format == Format::OtlpProto)
    throw Error("internal", "startAt: only a fresh .nptb session starts inside the file");
  sum_.format = Format::Nptb;
  headerDone_ = true;
  headerSize_ = headerSize;
  fed_ = offset;
  base_ = offset;
}

void Session::feed(const uint8_t* p, size_t n) {
  if (fed_ == 0 && n) head_.assign(p, p + std::min<size_t>(n, 8));
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
  if (sum_.format == Format::Auto) {
    size_t avail = n_ - pos_;
    if (avail < 8 && !atEnd) return;
    if (avail == 0) throw Error("empty", "the input is empty");
    Detected d = DetectFormat(d_ + pos_, avail);
    if (d.gzip) throw Error("gzip-input", "the input is gzip-compressed: inflate it first (the TypeScript reader does)");
    if (d.format == Format::Auto)
      throw Error("unknown-format",
                  "the input is not a trace dump (.nptb), OTLP/JSON lines, a Collector proto file or an OTLP export request");
    sum_.format = d.format;
  }
  switch (sum_.format) {
    case Format::Nptb: frameNptb(atEnd); break;
    case Format::OtlpJsonl: frameJsonl(atEnd); break;
    case Format::CollectorProto: frameCollector(atEnd); break;
    case Format::OtlpProto: frameRaw(atEnd); break;
    default: break;
  }
}

bool Session::endScan(std::vector<std::pair<uint64_t, uint64_t>>& order) {
  if (ended_) throw Error("internal", "endScan called twice");
  endInput();
  buf_.clear();
  buf_.shrink_to_fit();
  d_ = nullptr;
  n_ = 0;
  base_ += pos_;
  pos_ = 0;
  if (!sum_.ring) return false;
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

void Session::endInput() {
  if (!ended_) {
    d_ = buf_.data();
    n_ = buf_.size();
    pos_ = 0;
    process(true);
  }
  ended_ = true;
  if (sum_.format == Format::Auto) throw Error("empty", "the input is empty");
}

void Session::finish() {
  endInput();
  // A format or signal named by the caller under which nothing decodes (every record
  // malformed) is not a damaged input of that format: it is not any format we know.
  bool forced = o_.format != Format::Auto || o_.signal != Signal::None;
  bool headerProves = sum_.format == Format::Nptb && headerDone_;
  bool malformed = std::any_of(diags_.begin(), diags_.end(), [](const Diagnostic& d) { return d.code == "malformed-payload"; });
  if (forced && !headerProves && sum_.frames == 0 && malformed) {
    std::string how = o_.format != Format::Auto ? std::string("read as ") + FormatName(o_.format) : std::string("read");
    if (o_.signal != Signal::None) how += std::string(" with signal ") + SignalName(o_.signal);
    throw Error("unknown-format", "the input, " + how + ", decodes as nothing (" + Decimal(diags_.size()) +
                                      (diags_.size() == 1 ? " diagnostic" : " diagnostics") + "; the first: " +
                                      diags_[0].message + "); " + LooksLike(head_.data(), head_.size()));
  }
}

void Session::onSequence(uint64_t off, uint64_t seq) {
  if (!sum_.haveSeq) {
    sum_.haveSeq = true;
    sum_.firstSeq = sum_.lastSeq = seq;
    sum_.firstSeqOffset = off;
    return;
  }
  if (seq == sum_.lastSeq + 1) {
    sum_.lastSeq = seq;
    return;
  }
  Diagnostic d = SequenceGap(off, sum_.lastSeq, seq);
  sum_.lastSeq = seq;
  diag(std::move(d));
}

void Session::onFrame(uint64_t off, const uint8_t* h, Bytes payload) {
  uint8_t kind = h[4], flags = h[5];
  uint64_t seq = LoadLE64(h + 16);
  onSequence(off, seq);
  if (kind > 4) {
    diag("unknown-kind", off,
         "frame " + Decimal(seq) + " has unknown kind " + Decimal(kind) + " (a newer profiler?); frame skipped");
    return;
  }
  std::string inflated;
  if (flags & 1) {
    if (!Inflate(payload, inflated)) {
      diag("malformed-payload", off, "frame " + Decimal(seq) + " payload does not inflate (gzip failed); frame skipped");
      return;
    }
    payload = inflated;
  }
  FrameEvent ev;
  ev.offset = off;
  ev.sequence = seq;
  ev.kind = kind;
  ev.compressed = (flags & 1) != 0;
  ev.storedLength = LoadLE32(h + 8);
  ev.payloadLength = payload.size();
  uint64_t counters[3] = {0, 0, 0};
  bool ok = true;
  switch (kind) {
    case 0:
      ok = onMetadata(payload, off, seq);
      ev.metadata = &lastMetadata_;
      break;
    case 1: ok = onPayload(Signal::Traces, payload, off, seq, ev.counts); break;
    case 2: ok = onPayload(Signal::Metrics, payload, off, seq, ev.counts); break;
    case 3: ok = onPayload(Signal::Logs, payload, off, seq, ev.counts); break;
    case 4: {
      if (payload.size() < 24) {
        diag("malformed-payload", off,
             "dropped frame " + Decimal(seq) + " holds " + Decimal(payload.size()) + " bytes, not 3 counters");
        ok = false;
        break;
      }
      Diagnostic d;
      d.code = "dropped";
      d.offset = off;
      d.hasCounters = true;
      for (int i = 0; i < 3; ++i) {
        counters[i] = LoadLE64(reinterpret_cast<const uint8_t*>(payload.data()) + 8 * i);
        sum_.dropped[i] += counters[i];
        d.counters[i] = counters[i];
      }
      d.message = "the profiler dropped " + Decimal(counters[0]) + (counters[0] == 1 ? " span, " : " spans, ") +
                  Decimal(counters[1]) + (counters[1] == 1 ? " metric point and " : " metric points and ") +
                  Decimal(counters[2]) + (counters[2] == 1 ? " log record" : " log records");
      diag(std::move(d));
      ev.dropped = counters;
      break;
    }
  }
  if (!ok) return;
  ++sum_.frames;
  sink_->frame(ev);
}

bool Session::onMetadata(Bytes payload, uint64_t off, uint64_t seq) {
  JNode n;
  std::string err;
  if (!ParseJson(payload, n, err) || n.type != JNode::Obj) {
    diag("malformed-payload", off,
         "metadata frame " + Decimal(seq) + " is not a JSON object" + (err.empty() ? "" : ": " + err));
    return false;
  }
  lastMetadata_.clear();
  WriteJson(n, lastMetadata_);
  if (sum_.metadata.empty()) sum_.metadata = lastMetadata_;
  return true;
}

bool Session::onPayload(Signal s, Bytes payload, uint64_t off, uint64_t seq, PayloadCounts& n) {
  if (!sink_->payload(s, payload, off, seq, n)) {
    const char* what = s == Signal::Traces    ? "ExportTraceServiceRequest"
                       : s == Signal::Metrics ? "ExportMetricsServiceRequest"
                                              : "ExportLogsServiceRequest";
    diag("malformed-payload", off, std::string("payload is not a valid OTLP ") + what + "; skipped");
    return false;
  }
  sum_.spans += n.spans;
  sum_.points += n.points;
  sum_.logs += n.logs;
  return true;
}

void RunWhole(Session& s, const uint8_t* p, size_t n) {
  s.feed(p, n);
  std::vector<std::pair<uint64_t, uint64_t>> order;
  if (s.endScan(order)) {
    for (auto& [off, size] : order) s.feedFrame(off, p + off, size_t(size));
  }
  s.finish();
}

}  // namespace np::dump
