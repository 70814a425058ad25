// Native tests of the dump reader over the committed fixtures (made with the real
// OpenTelemetry JS SDK by test/dump/make-fixtures.js) and hand-built protobuf.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/crc32c.h"
#include "dump/json_in.h"
#include "dump/pb.h"
#include "dump/reader.h"
#include "dump/split.h"
#include "tests/check.h"

using namespace np::dump;

namespace {

std::string Fixture(const std::string& name) {
  std::ifstream f(np::test::Root() + "/test/dump/fixtures/" + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

struct Result {
  std::string out, summary;
  std::vector<Diagnostic> diags;
};

Result Read(const std::string& bytes, Mode mode = Mode::Summary, size_t chunk = 0, bool strict = false,
            Format fmt = Format::Auto, Signal sig = Signal::None) {
  Options o;
  o.mode = mode;
  o.strict = strict;
  o.format = fmt;
  o.signal = sig;
  Session s(o);
  if (!chunk) RunWhole(s, U(bytes), bytes.size());
  else {
    for (size_t i = 0; i < bytes.size(); i += chunk) s.feed(U(bytes) + i, std::min(chunk, bytes.size() - i));
    std::vector<std::pair<uint64_t, uint64_t>> order;
    if (s.endScan(order))
      for (auto& [off, n] : order) s.feedFrame(off, U(bytes) + off, size_t(n));
    s.finish();
  }
  return {s.output(), s.summaryJson(), s.diagnostics()};
}

bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::string Codes(const std::vector<Diagnostic>& d) {
  std::string s;
  for (auto& x : d) s += x.code + ",";
  return s;
}

// frame writer for tests that need new frames
std::string Frame(uint8_t kind, const std::string& payload, uint64_t seq, uint8_t flags = 0) {
  std::string f(32, '\0');
  auto* h = reinterpret_cast<uint8_t*>(&f[0]);
  std::memcpy(h, "NPFR", 4);
  h[4] = kind;
  h[5] = flags;
  StoreLE32(h + 8, uint32_t(payload.size()));
  StoreLE32(h + 12, np::crc32c(0, U(payload), payload.size()));
  StoreLE64(h + 16, seq);
  StoreLE32(h + 24, np::crc32c(0, h, 24));
  f += payload;
  while (f.size() % 8) f.push_back('\0');
  return f;
}

std::string Len(uint32_t field, const std::string& body) {
  std::string o;
  PutTag(o, field, kWLen);
  PutVarint(o, body.size());
  return o + body;
}

}  // namespace

NP_TEST(dump_reads_sdk_fixture_summary) {
  std::string b = Fixture("lambda.nptb");
  NP_CHECK(b.size() > 1000);
  Result r = Read(b);
  NP_CHECK(Has(r.summary, "\"frames\":6,\"spans\":15,\"traces\":5,\"metricPoints\":6,\"logRecords\":3"));
  NP_CHECK(Has(r.summary, "\"dropped\":{\"spans\":17,\"metricPoints\":0,\"logRecords\":2}"));
  NP_CHECK(Has(r.summary, "\"profiler\":\"net_profiler_rust\""));
  NP_CHECK_EQ(Codes(r.diags), std::string("dropped,"));
}

NP_TEST(dump_chunking_never_changes_the_result) {
  std::string b = Fixture("lambda.nptb");
  Result whole = Read(b, Mode::Spans);
  NP_CHECK(Has(whole.out, "\"name\":\"DynamoDB.PutItem\""));
  for (size_t chunk : {1u, 3u, 8u, 33u, 1000u}) {
    Result r = Read(b, Mode::Spans, chunk);
    NP_CHECK_EQ(r.out, whole.out);
  }
  std::string d = Fixture("damaged.nptb");
  Result dw = Read(d, Mode::Spans);
  for (size_t chunk : {1u, 5u, 64u}) NP_CHECK_EQ(Codes(Read(d, Mode::Spans, chunk).diags), Codes(dw.diags));
}

NP_TEST(dump_every_damage_is_reported_and_good_frames_stand) {
  Result r = Read(Fixture("damaged.nptb"), Mode::Summary);
  NP_CHECK_EQ(Codes(r.diags),
              std::string("corrupt-payload,corrupt-header,sequence-gap,sequence-gap,unknown-kind,malformed-payload,dropped,truncated,"));
  NP_CHECK(Has(r.summary, "\"frames\":5,\"spans\":9"));
  NP_CHECK_EQ(r.diags[2].missing, 1);
  NP_CHECK_EQ(r.diags[3].missing, 1);
  NP_CHECK_EQ(r.diags[6].counters[0], 5u);
  for (auto& d : r.diags) NP_CHECK(d.offset % 8 == 0);
}

NP_TEST(dump_strict_throws_the_first_diagnostic) {
  NP_CHECK_THROWS_CODE(Read(Fixture("damaged.nptb"), Mode::Summary, 0, true), "corrupt-payload");
  // dropped alone is not an error in strict mode
  Result r = Read(Fixture("lambda.nptb"), Mode::Summary, 0, true);
  NP_CHECK_EQ(r.diags.size(), 1u);
}

NP_TEST(dump_ring_snapshot_in_sequence_order) {
  std::string b = Fixture("ring.nptb");
  Result r = Read(b, Mode::Summary);
  NP_CHECK(Has(r.summary, "\"ring\":true"));
  NP_CHECK(Has(r.summary, "\"firstSequence\":7,\"lastSequence\":10"));
  Result c = Read(b, Mode::Summary, 100);
  NP_CHECK_EQ(c.summary, r.summary);
}

NP_TEST(dump_header_rules) {
  std::string b = Fixture("lambda.nptb");
  NP_CHECK_THROWS_CODE(Read(std::string("not a dump at all")), "unknown-format");
  std::string bad = b;
  bad[1] = 'X';
  NP_CHECK_THROWS_CODE(Read(bad, Mode::Summary, 0, false, Format::Nptb), "bad-magic");
  std::string major = b;
  major[8] = 2;
  NP_CHECK_THROWS_CODE(Read(major), "unsupported-version");
  // a higher minor with a larger header: read the same
  std::string big = b.substr(0, 64) + std::string(64, '\x07') + b.substr(64);
  big[10] = 3;
  StoreLE32(reinterpret_cast<uint8_t*>(&big[12]), 128);
  Result r = Read(big, Mode::Spans);
  NP_CHECK_EQ(r.out, Read(b, Mode::Spans).out);
  NP_CHECK_EQ(r.diags.size(), 1u);
}

NP_TEST(dump_other_formats_decode_to_the_same_spans) {
  std::string spans = Read(Fixture("lambda.nptb"), Mode::Spans).out;
  NP_CHECK_EQ(Read(Fixture("lambda.jsonl"), Mode::Spans).out, spans);
  NP_CHECK_EQ(Read(Fixture("lambda.collector.pb"), Mode::Spans).out, spans);
  Result raw = Read(Fixture("lambda.traces.pb"), Mode::Spans);
  NP_CHECK(!raw.out.empty() && spans.compare(0, raw.out.size(), raw.out) == 0);
  NP_CHECK(Has(Read(Fixture("lambda.jsonl"), Mode::Summary).summary, "\"metricPoints\":6,\"logRecords\":3"));
}

NP_TEST(dump_signal_detection) {
  std::string t = Fixture("lambda.traces.pb");
  NP_CHECK(DetectSignal(t) == Signal::Traces);
  NP_CHECK(DetectSignal("") == Signal::None);
  NP_CHECK_THROWS_CODE(Read(std::string("\x0a\x00", 2), Mode::Summary, 0, false, Format::OtlpProto), "signal-unknown");
  NP_CHECK_THROWS_CODE(Read(std::string("\x0a\xff\xff", 3), Mode::Summary, 0, false, Format::OtlpProto), "not-otlp");
}

NP_TEST(dump_unknown_fields_of_every_wire_type_are_skipped) {
  std::string unknown;
  PutTag(unknown, 90, kWVarint);
  PutVarint(unknown, 300);
  PutTag(unknown, 91, kWFixed64);
  PutFixed64(unknown, 7);
  unknown += Len(92, "xyz");
  PutTag(unknown, 93, kWFixed32);
  PutFixed32(unknown, 9);
  PutTag(unknown, 94, kWStartGroup);
  PutTag(unknown, 1, kWVarint);
  PutVarint(unknown, 1);
  PutTag(unknown, 94, kWEndGroup);
  std::string any = unknown + Len(1, "v") + unknown;
  std::string kv = unknown + Len(1, "k") + Len(2, any);
  std::string span = unknown + Len(1, std::string(16, '\x01')) + Len(2, std::string(8, '\x02')) + Len(5, "op") + unknown;
  PutTag(span, 7, kWFixed64);
  PutFixed64(span, 1000);
  span += Len(9, kv) + unknown;
  std::string scopeSpans = unknown + Len(2, span);
  std::string rs = Len(2, scopeSpans) + unknown;
  std::string req = unknown + Len(1, rs) + unknown;
  Result r = Read(req, Mode::Spans, 0, true, Format::OtlpProto, Signal::Traces);
  NP_CHECK(Has(r.out, "\"traceId\":\"01010101010101010101010101010101\""));
  NP_CHECK(Has(r.out, "\"attributes\":{\"k\":\"v\"}"));
  NP_CHECK(Has(r.out, "\"startTimeUnixNano\":\"1000\""));
  // a wrong wire type on a known field is malformed
  std::string badSpan = Len(1, std::string(16, 'a'));
  PutTag(badSpan, 7, kWVarint);
  PutVarint(badSpan, 5);
  std::string bad = Len(1, Len(2, Len(2, badSpan)));
  NP_CHECK_THROWS_CODE(Read(bad, Mode::Spans, 0, true, Format::OtlpProto, Signal::Traces), "malformed-payload");
}

NP_TEST(dump_repeated_scalars_packed_unpacked_and_mixed) {
  // HistogramDataPoint: bucket_counts (fixed64) 1,2 unpacked then 3,4 packed; bounds packed+unpacked
  std::string p;
  PutTag(p, 3, kWFixed64);
  PutFixed64(p, 5);
  for (uint64_t v : {1, 2}) {
    PutTag(p, 6, kWFixed64);
    PutFixed64(p, v);
  }
  std::string packed;
  PutFixed64(packed, 3);
  PutFixed64(packed, 4);
  p += Len(6, packed);
  std::string bounds;
  double d1 = 1.5, d2 = 2.5;
  uint64_t u;
  std::memcpy(&u, &d1, 8);
  PutFixed64(bounds, u);
  p += Len(7, bounds);
  std::memcpy(&u, &d2, 8);
  PutTag(p, 7, kWFixed64);
  PutFixed64(p, u);
  std::string hist = Len(1, p);
  PutTag(hist, 2, kWVarint);
  PutVarint(hist, 2);
  std::string metric = Len(1, "lat") + Len(9, hist);
  std::string req = Len(1, Len(2, Len(2, metric)));
  Result r = Read(req, Mode::Points, 0, true, Format::OtlpProto, Signal::Metrics);
  NP_CHECK(Has(r.out, "\"bucketCounts\":[\"1\",\"2\",\"3\",\"4\"]"));
  NP_CHECK(Has(r.out, "\"explicitBounds\":[1.5,2.5]"));
  NP_CHECK(Has(r.out, "\"type\":\"histogram\",\"aggregationTemporality\":2"));
  // a packed run whose length is not a multiple of 8 is malformed
  std::string badp = Len(6, std::string(7, '\0'));
  std::string badreq = Len(1, Len(2, Len(2, Len(1, "x") + Len(9, Len(1, badp)))));
  NP_CHECK_THROWS_CODE(Read(badreq, Mode::Points, 0, true, Format::OtlpProto, Signal::Metrics), "malformed-payload");
}

NP_TEST(dump_gzip_frames_and_lying_lengths) {
  std::string b = Fixture("lambda.nptb");
  std::string head = b.substr(0, 64);
  // gzip flag on a payload that is not gzip
  std::string notGzip = head + Frame(1, Fixture("lambda.traces.pb"), 0, 1);
  NP_CHECK_EQ(Codes(Read(notGzip).diags), std::string("malformed-payload,"));
  // a gzip member whose ISIZE claims 4 GiB: refused without allocating it
  std::string fake("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00\x00\x00\x00\x00\xff\xff\xff\xff", 20);
  NP_CHECK_EQ(Codes(Read(head + Frame(1, fake, 0, 1)).diags), std::string("malformed-payload,"));
  // a payload length over 64 MiB with a good header CRC is corrupt
  std::string huge = Frame(1, "", 0);
  StoreLE32(reinterpret_cast<uint8_t*>(&huge[8]), 65u << 20);
  StoreLE32(reinterpret_cast<uint8_t*>(&huge[24]), np::crc32c(0, U(huge), 24));
  NP_CHECK_EQ(Codes(Read(head + huge + Frame(4, std::string(24, '\0'), 1)).diags), std::string("corrupt-header,dropped,"));
  // collector file with a length prefix past the end: truncated, no allocation
  NP_CHECK_EQ(Codes(Read(std::string("\x00\x10\x00\x00\x0a\x01", 6), Mode::Summary, 0, false, Format::CollectorProto,
                         Signal::Traces).diags),
              std::string("truncated,"));
}

NP_TEST(dump_otlp_json_round_trip) {
  std::string t = Fixture("lambda.traces.pb");
  Result j = Read(t, Mode::OtlpJson, 0, true, Format::OtlpProto, Signal::Traces);
  JNode doc;
  std::string err, pb;
  NP_CHECK(ParseJson(j.out, doc, err));
  Signal s;
  NP_CHECK(EncodeOtlpJson(doc, s, pb, err));
  NP_CHECK(s == Signal::Traces);
  NP_CHECK_EQ(Read(pb, Mode::Spans, 0, true, Format::OtlpProto, Signal::Traces).out,
              Read(t, Mode::Spans, 0, true, Format::OtlpProto, Signal::Traces).out);
}

NP_TEST(dump_json_strings_stay_valid) {
  std::string out;
  JNode n;
  std::string err;
  NP_CHECK(ParseJson("{\"a\":\"\\ud83d\\ude00 \\u00fc\"}", n, err));
  NP_CHECK_EQ(n.items[0].s, std::string("\xf0\x9f\x98\x80 \xc3\xbc"));
  NP_CHECK(!ParseJson("[[[[", n, err));
  std::string deep(5000, '[');
  NP_CHECK(!ParseJson(deep, n, err));
}

// The inline KeyValue check (the usual attribute) must accept exactly what the general
// walk accepts: every value kind, then every single-byte change and every truncation.
NP_TEST(dump_keyvalue_fast_path_matches_the_general_walk) {
  auto kv = [](const std::string& value) {
    std::string key = "http.response.status_code";
    std::string out;
    out.push_back(0x0a);
    out.push_back(char(key.size()));
    out += key;
    out.push_back(0x12);
    out.push_back(char(value.size()));
    out += value;
    return out;
  };
  std::vector<std::string> cases = {
      kv(std::string("\x0a\x07" "aws-api", 9)),               // string
      kv(std::string("\x3a\x03\x01\x02\x03", 5)),           // bytes
      kv(std::string("\x10\x01", 2)),                         // bool
      kv(std::string("\x18\xc8\x01", 3)),                     // int 200
      kv(std::string("\x18\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11)),  // int -1 (10 bytes)
      kv(std::string("\x21\x00\x00\x00\x00\x00\x00\xf0\x3f", 9)),  // double 1.0
      kv(std::string()),                                        // empty AnyValue
      kv(std::string("\x2a\x04\x0a\x02\x10\x01", 6)),         // array [true]
      kv(std::string("\x0a\x01x\x18\x05", 5)),               // two members of the oneof
  };
  size_t checked = 0;
  for (const std::string& c : cases) {
    for (int depth : {1, 63, 64}) {
      NP_CHECK_EQ(ValidateKeyValue(c, depth), ValidateKeyValueGeneral(c, depth));
      for (size_t n = 0; n <= c.size(); ++n) {
        Bytes cut(c.data(), n);
        NP_CHECK_EQ(ValidateKeyValue(cut, depth), ValidateKeyValueGeneral(cut, depth));
        ++checked;
      }
      for (size_t i = 0; i < c.size(); ++i) {
        for (int v = 0; v < 256; ++v) {
          std::string m = c;
          m[i] = char(v);
          NP_CHECK_EQ(ValidateKeyValue(m, depth), ValidateKeyValueGeneral(m, depth));
          ++checked;
        }
      }
    }
  }
  NP_CHECK(checked > 50000);
  // the good cases are good (through the fast path or not)
  for (const std::string& c : cases) NP_CHECK(ValidateKeyValue(c, 1));
  NP_CHECK(!ValidateKeyValue(cases[0].substr(0, cases[0].size() - 1), 1));
}

// ScanTraces (dump summary) and DecodeTraces (every other mode) are one walk: the same
// requests are accepted and the same span keys come out, on real SDK payloads and on
// every truncation of one.
NP_TEST(dump_summary_scan_matches_the_full_decode) {
  std::string dump = Fixture("lambda.nptb");
  // the first traces payload of the fixture: frames after the 64-byte header
  size_t off = 64;
  std::string payload;
  while (off + 32 <= dump.size()) {
    uint32_t len = LoadLE32(U(dump) + off + 8);
    if (U(dump)[off + 4] == 1) {
      payload = dump.substr(off + 32, len);
      break;
    }
    off += (32 + len + 7) & ~size_t(7);
  }
  NP_CHECK(!payload.empty());
  for (size_t n = 0; n <= payload.size(); n += (n < 64 ? 1 : 7)) {
    Bytes b(payload.data(), n);
    TracesView v;
    std::vector<SpanKey> keys;
    std::vector<Bytes> services;
    bool full = DecodeTraces(b, v), scan = ScanTraces(b, keys, services);
    NP_CHECK_EQ(full, scan);
    if (full && scan) {
      NP_CHECK_EQ(keys.size(), v.spans.size());
      for (size_t i = 0; i < keys.size() && i < v.spans.size(); ++i) {
        NP_CHECK(keys[i].sameTrace(KeyOf(v.spans[i].traceId)));
        NP_CHECK_EQ(keys[i].start, v.spans[i].start);
      }
    }
  }
  TracesView v;
  std::vector<SpanKey> keys;
  std::vector<Bytes> services;
  NP_CHECK(DecodeTraces(payload, v) && ScanTraces(payload, keys, services));
  NP_CHECK(keys.size() > 0);
  NP_CHECK(!services.empty());
}

// The summary's distinct-trace count is exact: every key once, the all-zero key too,
// across the table's growth.
NP_TEST(dump_trace_id_set_counts_exactly) {
  IdSet set;
  uint64_t x = 88172645463325252ull;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::vector<std::pair<uint64_t, uint64_t>> keys;
  for (int i = 0; i < 50000; ++i) keys.emplace_back(next(), next());
  keys.emplace_back(0, 1);
  keys.emplace_back(1, 0);
  for (int round = 0; round < 3; ++round)
    for (auto& k : keys) set.insert(k.first, k.second);
  NP_CHECK_EQ(set.size(), uint64_t(keys.size()));
  set.insert(0, 0);
  set.insert(0, 0);
  NP_CHECK_EQ(set.size(), uint64_t(keys.size() + 1));
}

// The glue hands a column batch's text to JS as a one-byte (Latin-1) string, so the text
// must hold ASCII only: every other string goes to the UTF-16 side text.
NP_TEST(dump_column_text_is_ascii_only) {
  SpanColumns c;
  const std::string strings[] = {"plain", "naïve", "", "ключ", "😀", std::string("\xff\xfe bad", 6), "k=v", "ü"};
  for (const std::string& s : strings) {
    c.add(s);
    c.addShort(s);
  }
  c.addHex(std::string("\x01\xab\xff", 3));
  for (unsigned char ch : c.text) NP_CHECK(ch < 0x80);
  NP_CHECK(!c.text16.empty());
  NP_CHECK_EQ(c.wide.size() % 3, size_t(0));
}

// ---- the format table, the words, and the split summary ------------------------------

NP_TEST(dump_format_table_round_trips) {
  for (const FormatEntry& e : kFormats) {
    Format f = Format::Nptb;
    NP_CHECK(ParseFormat(e.name, f));
    NP_CHECK(f == e.format);
    NP_CHECK_EQ(std::string(FormatName(e.format)), std::string(e.name));
  }
  Format f = Format::Nptb;
  NP_CHECK(!ParseFormat("zip", f));
  NP_CHECK_EQ(std::string(kFormats[0].name), std::string("auto"));
}

NP_TEST(dump_decimal_and_plural_words) {
  NP_CHECK_EQ(Decimal(0), std::string("0"));
  NP_CHECK_EQ(Decimal(UINT64_MAX), std::string("18446744073709551615"));
  NP_CHECK_EQ(SequenceGap(8, 3, 5).message, std::string("1 frame missing between sequence 3 and 5"));
  NP_CHECK_EQ(SequenceGap(8, 3, 9).message, std::string("5 frames missing between sequence 3 and 9"));
  NP_CHECK_EQ(SequenceGap(8, 9, 3).missing, int64_t(0));
}

namespace {
std::string DiagText(const std::vector<Diagnostic>& d) {
  std::string s;
  for (auto& x : d) {
    s += x.code + "@" + Decimal(x.offset) + ":" + x.message + ";" + std::to_string(x.missing);
    for (uint64_t c : x.counters) s += "," + Decimal(c);
    s += "\n";
  }
  return s;
}
}  // namespace

NP_TEST(dump_split_summary_equals_one_pass_at_every_split_point) {
  for (const char* name : {"lambda.nptb", "damaged.nptb", "ring.nptb"}) {
    std::string b = Fixture(name);
    MemorySource src(U(b), b.size());
    Options o;
    SummaryOptions one;
    one.threads = 1;
    SummaryResult base = SummarizeSource(src, o, one);
    NP_CHECK(!base.split);
    size_t splits = 0;
    for (size_t at = 1; at < b.size(); at += 8) {
      SummaryOptions two;
      two.splitAt = at;
      SummaryResult r = SummarizeSource(src, o, two);
      splits += r.split ? 1 : 0;
      NP_CHECK_EQ(r.summaryJson, base.summaryJson);
      NP_CHECK_EQ(DiagText(r.diagnostics), DiagText(base.diagnostics));
    }
    // a ring snapshot is read in one pass; the others really split
    NP_CHECK(std::string(name) == "ring.nptb" ? splits == 0 : splits > 0);
    // and one pass equals the streaming session
    Result streamed = Read(b, Mode::Summary, 4096);
    NP_CHECK_EQ(base.summaryJson, streamed.summary);
    NP_CHECK_EQ(DiagText(base.diagnostics), DiagText(streamed.diags));
  }
}
