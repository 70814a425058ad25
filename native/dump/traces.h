// Fast path for ExportTraceServiceRequest: one validating pass that collects views of
// every span (no copies), so a payload is either wholly good or skipped.
#pragma once

#include <vector>

#include "dump/otlp_schema.h"

namespace np::dump {

struct ScopeView {
  Bytes resource;        // Resource message bytes (may be empty)
  Bytes resourceSchema;  // ResourceSpans.schema_url
  Bytes scope;           // InstrumentationScope bytes
  Bytes scopeSchema;
  Bytes serviceName;     // resource attribute service.name (string), if any
  bool hasService = false;
};

struct SpanView {
  Bytes raw;  // the Span message
  Bytes traceId, spanId, parentSpanId, traceState, name, status;
  uint64_t start = 0, end = 0;
  uint32_t flags = 0, droppedAttrs = 0, droppedEvents = 0, droppedLinks = 0;
  int32_t kind = 0;
  uint32_t scope = 0;  // index into scopes
};

struct TracesView {
  std::vector<ScopeView> scopes;
  std::vector<SpanView> spans;
  void clear() {
    scopes.clear();
    spans.clear();
  }
};

// Decodes and validates; false (and a partial view to be discarded) when malformed.
bool DecodeTraces(Bytes request, TracesView& out);

// What `dump summary` needs of a span: its trace id as a 128-bit key (ids of another
// length are kept apart by their length in the top bit pattern) and its times.
struct SpanKey {
  uint64_t id0 = 0, id1 = 0;
  uint64_t start = 0, end = 0;
  bool sameTrace(const SpanKey& o) const { return id0 == o.id0 && id1 == o.id1; }
};
SpanKey KeyOf(Bytes traceId);

// The same walk and the same validation as DecodeTraces (a request accepted by one is
// accepted by the other), keeping only each span's key and times and each scope's
// service name (when it has one). `keys` and `services` are cleared first.
bool ScanTraces(Bytes request, std::vector<SpanKey>& keys, std::vector<Bytes>& services);

// The scalar fields of a span's Status, Event and Link (attributes stay in the message
// bytes): one decoding for the JSON writers and the column builder. Unknown fields and
// fields of the wrong wire type are skipped; the last occurrence wins.
struct StatusFields {
  Bytes message;
  int32_t code = 0;
};
struct EventFields {
  Bytes name;
  uint64_t time = 0;
  uint32_t dropped = 0;
};
struct LinkFields {
  Bytes traceId, spanId, traceState;
  uint32_t flags = 0, dropped = 0;
};
StatusFields DecodeStatus(Bytes status);
EventFields DecodeEvent(Bytes event);
LinkFields DecodeLink(Bytes link);

// Finds a string attribute of a message's repeated KeyValue field.
bool FindStringAttr(Bytes message, uint32_t field, std::string_view key, Bytes& value);

// The span as the plain JSON object of docs/dump.md (resource and scope included).
void SpanJson(const TracesView& v, const SpanView& s, std::string& out);
// Resource attributes as a plain object, scope as {name, version}.
void ResourceJson(Bytes resource, std::string& out);
void ScopeJson(Bytes scope, std::string& out);

}  // namespace np::dump
