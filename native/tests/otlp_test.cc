// Native tests of native/otlp: request bodies (protobuf and OTLP/JSON) as the receiver
// takes them, the frame writer read back by the dump reader, replay batches, and the
// response and status messages.
#include <string>
#include <vector>

#include "dump/json_in.h"
#include "dump/pb.h"
#include "dump/reader.h"
#include "otlp/batch.h"
#include "otlp/frame.h"
#include "otlp/request.h"
#include "tests/check.h"

using namespace np::otlp;
using np::dump::Bytes;

namespace {

bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::string SpanJson(int i, const std::string& extra = "") {
  char id[17];
  std::snprintf(id, sizeof id, "%016x", i + 1);
  return std::string("{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"") + id +
         "\",\"name\":\"span" + std::to_string(i) + "\",\"kind\":3,\"startTimeUnixNano\":\"1795479225261000000\"," +
         "\"endTimeUnixNano\":1795479225273177127" + extra + "}";
}

std::string TracesJson(int spans, int scopes = 1) {
  std::string s = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"calc\"}}]},\"scopeSpans\":[";
  int n = 0;
  for (int sc = 0; sc < scopes; ++sc) {
    if (sc) s += ",";
    s += "{\"scope\":{\"name\":\"scope" + std::to_string(sc) + "\"},\"spans\":[";
    for (int i = 0; i < spans; ++i) s += (i ? "," : "") + SpanJson(n++);
    s += "]}";
  }
  return s + "]}]}";
}

std::string Encode(Signal s, const std::string& json) {
  std::string out, err;
  Counts c;
  if (!DecodeBody(s, json, true, out, c, err)) np::test::Fail(__FILE__, __LINE__, "DecodeBody: " + err);
  return out;
}

std::string ToJson(Signal s, const std::string& pb) {
  std::string out;
  np::dump::ToJson(np::dump::RequestMsg(s), pb, out, np::dump::JsonOptions{});
  return out;
}

struct ReadBack {
  std::string summary;
  std::vector<np::dump::Diagnostic> diags;
};
ReadBack Read(const std::string& file) {
  np::dump::Options o;
  np::dump::Session s(o);
  np::dump::RunWhole(s, reinterpret_cast<const uint8_t*>(file.data()), file.size());
  return {s.summaryJson(), s.diagnostics()};
}

}  // namespace

NP_TEST(otlp_json_body_encodes_like_the_reader_with_enum_names) {
  std::string json = TracesJson(1);
  json.insert(json.find("\"kind\":3"), "\"status\":{\"code\":\"STATUS_CODE_ERROR\",\"message\":\"boom\"},\"unknownField\":{\"a\":[1]},");
  json.replace(json.find("\"kind\":3"), 8, "\"kind\":\"SPAN_KIND_SERVER\"");
  std::string pb = Encode(Signal::Traces, json);
  Counts c;
  NP_CHECK(CheckRequest(Signal::Traces, pb, c));
  NP_CHECK_EQ(c.spans, 1u);
  std::string back = ToJson(Signal::Traces, pb);
  NP_CHECK(Has(back, "\"kind\":2"));
  NP_CHECK(Has(back, "\"code\":2"));
  NP_CHECK(Has(back, "\"endTimeUnixNano\":\"1795479225273177127\""));
  NP_CHECK(!Has(back, "unknownField"));
  // numbers and names give the same bytes
  std::string byNumber = TracesJson(1);
  byNumber.replace(byNumber.find("\"kind\":3"), 8, "\"kind\":2");
  std::string named = TracesJson(1);
  named.replace(named.find("\"kind\":3"), 8, "\"kind\":\"SPAN_KIND_SERVER\"");
  NP_CHECK_EQ(Encode(Signal::Traces, byNumber), Encode(Signal::Traces, named));
}

NP_TEST(otlp_json_severity_and_temporality_names) {
  std::string logs = Encode(Signal::Logs,
                            "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"5\",\"severityNumber\":\"SEVERITY_NUMBER_WARN3\","
                            "\"body\":{\"stringValue\":\"hi\"}},{\"severityNumber\":\"SEVERITY_NUMBER_FATAL\"},{\"severityNumber\":\"SEVERITY_NUMBER_UNSPECIFIED\"}]}]}]}");
  std::string j = ToJson(Signal::Logs, logs);
  NP_CHECK(Has(j, "\"severityNumber\":15"));
  NP_CHECK(Has(j, "\"severityNumber\":21"));
  std::string metrics = Encode(Signal::Metrics,
                               "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"m\",\"sum\":{\"aggregationTemporality\":"
                               "\"AGGREGATION_TEMPORALITY_CUMULATIVE\",\"isMonotonic\":true,\"dataPoints\":[{\"asInt\":\"7\",\"timeUnixNano\":\"9\"},{\"asDouble\":1.5}]}}]}]}]}");
  NP_CHECK(Has(ToJson(Signal::Metrics, metrics), "\"aggregationTemporality\":2"));
  NP_CHECK_EQ(CountItems(Signal::Metrics, metrics).points, 2u);
  NP_CHECK_EQ(CountItems(Signal::Logs, logs).logs, 3u);
  // a name of another enum, or an unknown one, is refused
  std::string out, err;
  Counts c;
  NP_CHECK(!DecodeBody(Signal::Logs, "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"severityNumber\":\"SEVERITY_NUMBER_LOUD\"}]}]}]}", true, out, c, err));
  NP_CHECK(Has(err, "severityNumber"));
}

NP_TEST(otlp_bad_bodies_say_what_is_wrong) {
  std::string out, err;
  Counts c;
  NP_CHECK(!DecodeBody(Signal::Traces, "{\"resourceSpans\":[", true, out, c, err));
  NP_CHECK(Has(err, "not JSON"));
  NP_CHECK(!DecodeBody(Signal::Metrics, TracesJson(1), true, out, c, err));
  NP_CHECK(Has(err, "resourceSpans, not resourceMetrics"));
  NP_CHECK(!DecodeBody(Signal::Traces, "[1]", true, out, c, err));
  NP_CHECK(!DecodeBody(Signal::Traces, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}", true, out, c, err));
  NP_CHECK(Has(err, "traceId"));
  NP_CHECK(!DecodeBody(Signal::Traces, std::string("\x0a\x05\x12", 3), false, out, c, err));
  NP_CHECK(Has(err, "ExportTraceServiceRequest"));
  // empty requests are valid, in both encodings
  NP_CHECK(DecodeBody(Signal::Traces, "{}", true, out, c, err));
  NP_CHECK(out.empty());
  NP_CHECK(DecodeBody(Signal::Logs, "{\"somethingNew\":1}", true, out, c, err));
  NP_CHECK(DecodeBody(Signal::Traces, "", false, out, c, err));
  NP_CHECK_EQ(c.total(), 0u);
}

NP_TEST(otlp_frames_read_back_with_the_dump_reader) {
  std::string file = FileHeader(1795479225261000000ull, 4242);
  NP_CHECK_EQ(file.size(), 64u);
  AppendFrame(file, kFrameMetadata, 0, "{\"producer\":\"net-profiler receive\",\"version\":\"0.1.0\"}");
  std::string pb = Encode(Signal::Traces, TracesJson(3));
  AppendFrame(file, kFrameTraces, 1, pb);
  AppendFrame(file, kFrameTraces, 2, "");  // an empty request is a good frame too
  NP_CHECK(file.size() % 8 == 0);
  ReadBack r = Read(file);
  NP_CHECK_EQ(r.diags.size(), 0u);
  NP_CHECK(Has(r.summary, "\"frames\":3,\"spans\":3"));
  NP_CHECK(Has(r.summary, "\"producer\":\"net-profiler receive\""));
  // a torn last frame is reported as truncated, every earlier frame standing
  std::string torn = file;
  AppendFrame(torn, kFrameTraces, 3, pb);
  torn.resize(torn.size() - 10);
  ReadBack t = Read(torn);
  NP_CHECK_EQ(t.diags.size(), 1u);
  NP_CHECK_EQ(t.diags[0].code, std::string("truncated"));
  NP_CHECK(Has(t.summary, "\"spans\":3"));
  std::string x;
  NP_CHECK_THROWS_CODE(AppendFrame(x, 5, 0, ""), "bad-kind");
  NP_CHECK_THROWS_CODE(AppendFrame(x, 1, 0, std::string_view(x.data(), size_t(kMaxFramePayload) + 1)), "payload-too-large");
}

NP_TEST(otlp_rebatch_keeps_resource_and_scope_with_every_piece) {
  std::string pb = Encode(Signal::Traces, TracesJson(40, 3));
  std::string two = pb + pb;  // two requests, as the reader hands them over
  for (size_t cap : {size_t(300), size_t(1000), size_t(5000), size_t(1) << 20}) {
    std::vector<Batch> out;
    NP_CHECK(Rebatch(Signal::Traces, two, cap, 0, out));
    uint64_t spans = 0;
    for (Batch& b : out) {
      Counts c;
      NP_CHECK(CheckRequest(Signal::Traces, b.request, c));
      NP_CHECK_EQ(c.spans, b.counts.spans);
      NP_CHECK(b.request.size() <= cap);
      NP_CHECK(!b.oversize);
      std::string j = ToJson(Signal::Traces, b.request);
      NP_CHECK(Has(j, "\"service.name\""));
      NP_CHECK(Has(j, "\"scope\":{\"name\":\"scope"));
      spans += b.counts.spans;
    }
    NP_CHECK_EQ(spans, 240u);
    if (cap == (size_t(1) << 20)) NP_CHECK_EQ(out.size(), 1u);
    if (cap == 300) NP_CHECK(out.size() > 20);
  }
  // one span bigger than the cap goes alone, flagged
  std::string big(2000, 'x');
  std::string one = Encode(Signal::Traces, TracesJson(1));
  std::string json = TracesJson(3);
  json.insert(json.find("\"kind\""), "\"traceState\":\"" + big + "\",");
  std::vector<Batch> out;
  NP_CHECK(Rebatch(Signal::Traces, Encode(Signal::Traces, json), 1000, 0, out));
  uint64_t spans = 0, over = 0;
  for (Batch& b : out) {
    spans += b.counts.spans;
    over += b.oversize;
  }
  NP_CHECK_EQ(spans, 3u);
  NP_CHECK_EQ(over, 1u);
  // old spans counted; malformed input refused
  out.clear();
  NP_CHECK(Rebatch(Signal::Traces, one, 1 << 20, 1795479225273177128ull, out));
  NP_CHECK_EQ(out[0].old, 1u);
  out.clear();
  NP_CHECK(!Rebatch(Signal::Traces, std::string("\x0a\x09", 2), 1000, 0, out));
}

NP_TEST(otlp_responses_and_status_round_trip) {
  for (bool json : {false, true}) {
    uint64_t rejected = 9;
    std::string msg = "x";
    NP_CHECK(DecodeResponse(Signal::Traces, EncodeResponse(Signal::Traces, 0, "", json), json, rejected, msg));
    NP_CHECK_EQ(rejected, 0u);
    NP_CHECK(msg.empty());
    NP_CHECK(DecodeResponse(Signal::Logs, EncodeResponse(Signal::Logs, 12, "too old \"x\"", json), json, rejected, msg));
    NP_CHECK_EQ(rejected, 12u);
    NP_CHECK_EQ(msg, std::string("too old \"x\""));
    int32_t code = 0;
    NP_CHECK(DecodeStatus(EncodeStatus(3, "bad body", json), json, code, msg));
    NP_CHECK_EQ(code, 3);
    NP_CHECK_EQ(msg, std::string("bad body"));
  }
  NP_CHECK_EQ(EncodeResponse(Signal::Metrics, 2, "m", true), std::string("{\"partialSuccess\":{\"rejectedDataPoints\":\"2\",\"errorMessage\":\"m\"}}"));
  NP_CHECK_EQ(EncodeResponse(Signal::Metrics, 0, "", true), std::string("{}"));
  uint64_t r;
  std::string m;
  NP_CHECK(!DecodeResponse(Signal::Traces, "{\"partialSuccess\":3", true, r, m));
  NP_CHECK(!DecodeResponse(Signal::Traces, std::string("\x0a\x05", 2), false, r, m));
}
