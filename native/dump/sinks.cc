// The sinks of every output mode but the summary (summary.cc): span JSON, span
// columns, metric point JSON, log record JSON, OTLP/JSON lines, OTLP protobuf, and the
// list of frames.
#include <deque>

#include "dump/json_out.h"
#include "dump/sink.h"
#include "dump/summary.h"
#include "dump/traces.h"
#include "dump/walks.h"

namespace np::dump {

SpanColumns& Sink::columns(size_t) {
  static SpanColumns none;
  return none;
}

namespace {

const Field* DataField(uint32_t num) { return kMetricMsg.find(num); }

void PointJson(Bytes resource, Bytes scope, Bytes metric, uint32_t dataNum, Bytes data, Bytes point, std::string& out) {
  Bytes name = FirstLen(metric, 1), desc = FirstLen(metric, 2), unit = FirstLen(metric, 3);
  static const char* types[] = {"", "", "", "", "", "gauge", "", "sum", "", "histogram", "exponentialHistogram", "summary"};
  JsonObject o(out);
  o.str("name", name).str("description", desc).str("unit", unit).str("type", types[dataNum]);
  // temporality and monotonicity of the data message
  int32_t temporality = -1;
  bool mono = false;
  ReadFields(data, Into(2, kWVarint, temporality), Into(3, kWVarint, mono));
  if (dataNum == 7 || dataNum == 9 || dataNum == 10) o.i64("aggregationTemporality", temporality < 0 ? 0 : temporality);
  if (dataNum == 7) o.json("isMonotonic", mono ? "true" : "false");
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
  ResourceJson(resource, o.key("resource"));
  ScopeJson(scope, o.key("scope"));
  o.close();
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
  JsonObject o(out);
  o.u64String("timeUnixNano", t).u64String("observedTimeUnixNano", obs);
  o.i64("severityNumber", sev).str("severityText", sevText);
  if (hasBody) PlainAnyValue(body, o.key("body"));
  else o.json("body", "null");
  PlainAttributes(log, 6, o.key("attributes"));
  o.u64("droppedAttributesCount", dropped).u64("flags", flags);
  o.hex("traceId", tid).hex("spanId", sid).str("eventName", eventName);
  ResourceJson(resource, o.key("resource"));
  ScopeJson(scope, o.key("scope"));
  o.close();
}


// Validates a payload of any signal the way every non-summary sink needs it: traces
// fully decoded into `tv`, metrics and logs checked against their schema. Counts too.
bool Take(Signal s, Bytes payload, TracesView& tv, PayloadCounts& n) {
  if (s == Signal::Traces) {
    tv.clear();
    if (!DecodeTraces(payload, tv)) return false;
    n.spans = tv.spans.size();
    return true;
  }
  if (!Validate(RequestMsg(s), payload)) return false;
  if (s == Signal::Metrics) ForEachPoint(payload, [&](Bytes, Bytes, Bytes, uint32_t, Bytes, Bytes) { ++n.points; });
  else ForEachLog(payload, [&](Bytes, Bytes, Bytes) { ++n.logs; });
  return true;
}

// Every sink but the summary's: validates and counts each payload (Take), then writes
// what its mode wants of a good one.
class DecodingSink : public Sink {
 public:
  bool payload(Signal s, Bytes payload, uint64_t, uint64_t seq, PayloadCounts& n) final {
    if (!Take(s, payload, tv_, n)) return false;
    write(s, payload, seq);
    return true;
  }

 protected:
  virtual void write(Signal s, Bytes payload, uint64_t seq) = 0;
  TracesView tv_;  // the decoded spans of a traces payload
};

class SpansSink : public DecodingSink {
 public:
  explicit SpansSink(const SinkOptions& o) : o_(o) {}
  void write(Signal s, Bytes, uint64_t seq) override {
    if (s != Signal::Traces) return;
    for (auto& sp : tv_.spans) {
      if (!o_.traceFilter.empty() && sp.traceId != o_.traceFilter) continue;
      next();
      SpanJson(tv_, sp, out_);
      if (o_.spanFrame) {
        out_.pop_back();
        out_ += ",\"frame\":";
        JsonU64(out_, seq);
        out_.push_back('}');
      }
    }
  }

 private:
  SinkOptions o_;
};

// Spans in columns. A batch is closed, at a payload boundary, once its text reaches
// kColumnsText bytes, so one big chunk gives several batches whose strings stay small
// for the JS heap.
class ColumnsSink : public DecodingSink {
 public:
  static constexpr size_t kColumnsText = 32 << 10;
  explicit ColumnsSink(const SinkOptions& o) : o_(o) {}
  void write(Signal s, Bytes, uint64_t seq) override {
    if (s != Signal::Traces) return;
    ctx_.clear();
    ctx_.reserve(tv_.scopes.size());
    if (cols_[colsN_ - 1].text.size() >= kColumnsText) {
      if (++colsN_ > cols_.size()) cols_.emplace_back();
    }
    SpanColumns& cols = cols_[colsN_ - 1];
    for (auto& sc : tv_.scopes) ctx_.push_back(cols.intern(sc));
    for (auto& sp : tv_.spans) {
      if (!o_.traceFilter.empty() && sp.traceId != o_.traceFilter) continue;
      cols.addSpan(sp, ctx_[sp.scope], seq);
    }
  }
  size_t columnBatches() const override { return colsN_; }
  SpanColumns& columns(size_t i) override { return cols_[i]; }
  void clearOutput() override {
    Sink::clearOutput();
    for (size_t i = 0; i < colsN_; ++i) cols_[i].clear();
    colsN_ = 1;
  }

 private:
  SinkOptions o_;
  std::vector<std::pair<uint32_t, uint32_t>> ctx_;
  std::deque<SpanColumns> cols_{1};  // kept (cleared) for reuse
  size_t colsN_ = 1;                 // batches in use; the last one is being filled
};

class PointsSink : public DecodingSink {
 public:
  void write(Signal s, Bytes payload, uint64_t) override {
    if (s != Signal::Metrics) return;
    ForEachPoint(payload, [&](Bytes res, Bytes scope, Bytes metric, uint32_t dn, Bytes data, Bytes point) {
      next();
      PointJson(res, scope, metric, dn, data, point, out_);
    });
  }
};

class LogsSink : public DecodingSink {
 public:
  void write(Signal s, Bytes payload, uint64_t) override {
    if (s != Signal::Logs) return;
    ForEachLog(payload, [&](Bytes res, Bytes scope, Bytes log) {
      next();
      LogJson(res, scope, log, out_);
    });
  }
};

class OtlpJsonSink : public DecodingSink {
 public:
  void write(Signal s, Bytes payload, uint64_t) override {
    JsonOptions opt;
    ToJson(RequestMsg(s), payload, out_, opt);
    out_.push_back('\n');
  }
};

// One export request of one signal: the payloads of that signal concatenated (a
// protobuf message's repeated fields concatenate).
class OtlpProtoSink : public DecodingSink {
 public:
  explicit OtlpProtoSink(Signal s) : signal_(s) {}
  void write(Signal s, Bytes payload, uint64_t) override {
    if (s == signal_) out_.append(payload.data(), payload.size());
  }

 private:
  Signal signal_;
};

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

class FramesSink : public DecodingSink {
 public:
  void write(Signal, Bytes, uint64_t) override {}
  void frame(const FrameEvent& f) override {
    next();
    JsonObject o(out_);
    o.u64("offset", f.offset).u64String("sequence", f.sequence).str("kind", KindName(f.kind));
    o.json("compressed", f.compressed ? "true" : "false");
    o.u64("storedLength", f.storedLength).u64("payloadLength", f.payloadLength);
    CountMembers(o, f.counts.spans, f.counts.points, f.counts.logs);
    if (f.metadata) o.json("metadata", *f.metadata);
    if (f.dropped) {
      JsonObject d(o.key("dropped"));
      CountMembers(d, f.dropped[0], f.dropped[1], f.dropped[2]);
      d.close();
    }
    o.close();
  }

 private:
  // The members that count the spans, metric points and log records of a frame.
  static void CountMembers(JsonObject& o, uint64_t spans, uint64_t points, uint64_t logs) {
    o.u64("spans", spans).u64("metricPoints", points).u64("logRecords", logs);
  }
};

}  // namespace

std::unique_ptr<Sink> MakeSink(const SinkOptions& o, Summary& summary) {
  switch (o.mode) {
    case Mode::Summary: return MakeSummarySink(summary);
    case Mode::Spans: return std::make_unique<SpansSink>(o);
    case Mode::SpanCols: return std::make_unique<ColumnsSink>(o);
    case Mode::Points: return std::make_unique<PointsSink>();
    case Mode::Logs: return std::make_unique<LogsSink>();
    case Mode::OtlpJson: return std::make_unique<OtlpJsonSink>();
    case Mode::OtlpProto: return std::make_unique<OtlpProtoSink>(o.outSignal);
    case Mode::Frames: return std::make_unique<FramesSink>();
  }
  return MakeSummarySink(summary);
}

}  // namespace np::dump
