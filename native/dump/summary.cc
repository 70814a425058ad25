#include "dump/summary.h"

#include <algorithm>

#include "dump/json_out.h"
#include "dump/traces.h"
#include "dump/walks.h"

namespace np::dump {

void Summary::merge(const Summary& later) {
  frames += later.frames;
  spans += later.spans;
  points += later.points;
  logs += later.logs;
  for (int i = 0; i < 3; ++i) dropped[i] += later.dropped[i];
  if (metadata.empty()) metadata = later.metadata;
  if (later.haveSeq) {
    if (!haveSeq) {
      firstSeq = later.firstSeq;
      firstSeqOffset = later.firstSeqOffset;
    }
    haveSeq = true;
    lastSeq = later.lastSeq;
  }
  minTime = std::min(minTime, later.minTime);
  maxTime = std::max(maxTime, later.maxTime);
  traceIds.merge(later.traceIds);
  for (const std::string& s : later.services) services.insert(s);
}

std::string Summary::json() const {
  std::string o = "{\"format\":\"";
  o += FormatName(format);
  o += "\",\"ring\":";
  o += ring ? "true" : "false";
  o += ",\"frames\":";
  JsonU64(o, frames);
  o += ",\"spans\":";
  JsonU64(o, spans);
  o += ",\"traces\":";
  JsonU64(o, traceIds.size());
  o += ",\"metricPoints\":";
  JsonU64(o, points);
  o += ",\"logRecords\":";
  JsonU64(o, logs);
  o += ",\"dropped\":{\"spans\":";
  JsonU64(o, dropped[0]);
  o += ",\"metricPoints\":";
  JsonU64(o, dropped[1]);
  o += ",\"logRecords\":";
  JsonU64(o, dropped[2]);
  o += "},\"metadata\":";
  o += metadata.empty() ? "null" : metadata;
  o += ",\"firstSequence\":";
  if (haveSeq) JsonU64(o, firstSeq);
  else o += "null";
  o += ",\"lastSequence\":";
  if (haveSeq) JsonU64(o, lastSeq);
  else o += "null";
  o += ",\"startTimeUnixNano\":";
  if (minTime != UINT64_MAX) JsonU64String(o, minTime);
  else o += "null";
  o += ",\"endTimeUnixNano\":";
  if (maxTime) JsonU64String(o, maxTime);
  else o += "null";
  o += ",\"services\":[";
  bool first = true;
  for (auto& s : services) {
    if (!first) o.push_back(',');
    first = false;
    JsonString(o, s);
  }
  o += "]}";
  return o;
}

namespace {

// Counts, the distinct traces, the time range and the services; writes no output.
class SummarySink : public Sink {
 public:
  explicit SummarySink(Summary& s) : s_(s) {}

  bool payload(Signal sig, Bytes payload, uint64_t, uint64_t, PayloadCounts& n) override {
    if (sig == Signal::Traces) {
      // the same validation as DecodeTraces, keeping only span keys
      if (!ScanTraces(payload, keys_, svc_)) return false;
      n.spans = keys_.size();
      for (const SpanKey& k : keys_) {
        // spans of one trace mostly come together: one set lookup per run of them
        if (!(haveLastKey_ && k.sameTrace(lastKey_))) {
          s_.traceIds.insert(k.id0, k.id1);
          lastKey_ = k;
          haveLastKey_ = true;
        }
        s_.noteTime(k.start, k.end);
      }
      for (Bytes sv : svc_)
        if (s_.services.find(sv) == s_.services.end()) s_.services.emplace(sv);
      return true;
    }
    if (!Validate(RequestMsg(sig), payload)) return false;
    if (sig == Signal::Metrics) {
      ForEachPoint(payload, [&](Bytes res, Bytes, Bytes, uint32_t, Bytes, Bytes point) {
        ++n.points;
        s_.noteTime(Fixed64Field(point, 3), 0);
        Bytes svc;
        if (FindStringAttr(res, 1, "service.name", svc)) s_.services.emplace(svc);
      });
    } else {
      ForEachLog(payload, [&](Bytes res, Bytes, Bytes log) {
        ++n.logs;
        uint64_t t = Fixed64Field(log, 1);
        s_.noteTime(t ? t : Fixed64Field(log, 11), 0);
        Bytes svc;
        if (FindStringAttr(res, 1, "service.name", svc)) s_.services.emplace(svc);
      });
    }
    return true;
  }

 private:
  Summary& s_;
  std::vector<SpanKey> keys_;  // the spans of one payload
  std::vector<Bytes> svc_;
  SpanKey lastKey_;
  bool haveLastKey_ = false;
};

}  // namespace

std::unique_ptr<Sink> MakeSummarySink(Summary& s) { return std::make_unique<SummarySink>(s); }

}  // namespace np::dump
