#include "dump/traces.h"

#include "dump/json_out.h"

#include <algorithm>
#include <cstring>

namespace np::dump {

bool FindStringAttr(Bytes message, uint32_t field, std::string_view key, Bytes& value) {
  bool found = false;
  ForEachKeyValue(message, field, [&](Bytes k, Bytes v, bool hasValue) {
    if (k != key || !hasValue) return;
    Reader av(v);
    uint32_t num;
    uint8_t wire;
    while (av.tag(num, wire)) {
      if (num == 1 && wire == kWLen) {
        value = av.bytes();
        found = true;
      } else av.skip(wire, num);
    }
  });
  return found;
}

StatusFields DecodeStatus(Bytes status) {
  StatusFields f;
  ReadFields(status, Into(2, kWLen, f.message), Into(3, kWVarint, f.code));
  return f;
}

EventFields DecodeEvent(Bytes event) {
  EventFields f;
  ReadFields(event, Into(1, kWFixed64, f.time), Into(2, kWLen, f.name), Into(4, kWVarint, f.dropped));
  return f;
}

LinkFields DecodeLink(Bytes link) {
  LinkFields f;
  ReadFields(link, Into(1, kWLen, f.traceId), Into(2, kWLen, f.spanId), Into(3, kWLen, f.traceState),
             Into(5, kWVarint, f.dropped), Into(6, kWFixed32, f.flags));
  return f;
}

// One walk over an ExportTraceServiceRequest for both DecodeTraces and ScanTraces, so
// the two accept exactly the same requests. `kFull` keeps every field of a span; the
// summary keeps only the trace id and the times (the rest is validated and dropped).
template <bool kFull, typename Span>
static inline bool DecodeSpan(Bytes b, Span& s) {
  Reader r(b);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    switch (num) {
      case 1: case 2: case 3: case 4: case 5: {
        if (wire != kWLen) return false;
        Bytes v = r.bytes();
        if (num == 1) s.traceId = v;
        if constexpr (kFull) {
          if (num == 2) s.spanId = v;
          else if (num == 3) s.traceState = v;
          else if (num == 4) s.parentSpanId = v;
          else if (num == 5) s.name = v;
        }
        break;
      }
      case 6: {
        if (wire != kWVarint) return false;
        uint64_t v = r.varint();
        if constexpr (kFull) s.kind = int32_t(v);
        break;
      }
      case 7: if (wire != kWFixed64) return false; s.start = r.fixed64(); break;
      case 8: if (wire != kWFixed64) return false; s.end = r.fixed64(); break;
      case 9: {
        if (wire != kWLen) return false;
        Bytes v = r.bytes();
        if (!r.ok || !ValidateKeyValue(v, 1)) return false;
        break;
      }
      case 10: case 12: case 14: {
        if (wire != kWVarint) return false;
        uint32_t v = uint32_t(r.varint());
        if constexpr (kFull) {
          if (num == 10) s.droppedAttrs = v;
          else if (num == 12) s.droppedEvents = v;
          else s.droppedLinks = v;
        }
        break;
      }
      case 11: case 13: case 15: {
        if (wire != kWLen) return false;
        Bytes v = r.bytes();
        if (!r.ok || !Validate(num == 11 ? &kEventMsg : num == 13 ? &kLinkMsg : &kStatusMsg, v, 1)) return false;
        if constexpr (kFull) {
          if (num == 15) s.status = v;
        }
        break;
      }
      case 16: {
        if (wire != kWFixed32) return false;
        uint32_t v = r.fixed32();
        if constexpr (kFull) s.flags = v;
        break;
      }
      default: r.skip(wire, num);
    }
  }
  return r.ok;
}

namespace {
// Keeps every span and scope (DecodeTraces).
struct ViewSink {
  static constexpr bool kFull = true;
  TracesView& out;
  size_t firstSpan = 0;
  void beginScope() { firstSpan = out.spans.size(); }
  bool span(Bytes b) {
    out.spans.emplace_back();
    SpanView& s = out.spans.back();
    s.raw = b;
    return DecodeSpan<true>(b, s);
  }
  void endScope(const ScopeView& sc) {
    uint32_t idx = uint32_t(out.scopes.size());
    out.scopes.push_back(sc);
    for (size_t i = firstSpan; i < out.spans.size(); ++i) out.spans[i].scope = idx;
  }
};
// Keeps span keys and service names (ScanTraces).
struct KeySink {
  static constexpr bool kFull = false;
  std::vector<SpanKey>& keys;
  std::vector<Bytes>& services;
  struct Fields {
    Bytes traceId;
    uint64_t start = 0, end = 0;
  };
  void beginScope() {}
  bool span(Bytes b) {
    Fields f;
    if (!DecodeSpan<false>(b, f)) return false;
    SpanKey k = KeyOf(f.traceId);
    k.start = f.start;
    k.end = f.end;
    keys.push_back(k);
    return true;
  }
  void endScope(const ScopeView& sc) {
    if (sc.hasService && (services.empty() || services.back() != sc.serviceName)) services.push_back(sc.serviceName);
  }
};
}  // namespace

template <typename Sink>
static bool WalkTraces(Bytes request, Sink& sink) {
  return EveryLen(request, 1, [&](Bytes rsBytes) {
    Reader rs(rsBytes);
    uint32_t num;
    uint8_t wire;
    ScopeView ctx;
    // resource and schema first (they may come after the scope spans on the wire)
    while (rs.tag(num, wire)) {
      if (num == 1 || num == 3) {
        if (wire != kWLen) return false;
        Bytes v = rs.bytes();
        if (num == 1) {
          if (!rs.ok || !Validate(&kResourceMsg, v, 1)) return false;
          ctx.resource = v;
        } else ctx.resourceSchema = v;
      } else if (num == 2) {
        if (wire != kWLen) return false;
        rs.bytes();
      } else rs.skip(wire, num);
    }
    if (!rs.ok) return false;
    ctx.hasService = FindStringAttr(ctx.resource, 1, "service.name", ctx.serviceName);
    return EveryLen(rsBytes, 2, [&](Bytes ssBytes) {
      ScopeView sc = ctx;
      sink.beginScope();
      Reader ss(ssBytes);
      while (ss.tag(num, wire)) {
        if (num == 1 || num == 2 || num == 3) {
          if (wire != kWLen) return false;
          Bytes v = ss.bytes();
          if (!ss.ok) return false;
          if (num == 1) {
            if (!Validate(&kScopeMsg, v, 1)) return false;
            sc.scope = v;
          } else if (num == 3) sc.scopeSchema = v;
          else if (!sink.span(v)) return false;
        } else ss.skip(wire, num);
      }
      if (!ss.ok) return false;
      sink.endScope(sc);
      return true;
    });
  });
}

bool DecodeTraces(Bytes request, TracesView& out) {
  ViewSink sink{out};
  return WalkTraces(request, sink);
}

SpanKey KeyOf(Bytes traceId) {
  SpanKey k;
  uint8_t id[16] = {0};
  if (!traceId.empty()) std::memcpy(id, traceId.data(), std::min<size_t>(16, traceId.size()));
  k.id0 = LoadLE64(id);
  k.id1 = LoadLE64(id + 8) ^ (traceId.size() == 16 ? 0 : 0x8000000000000000ull | traceId.size());
  return k;
}

bool ScanTraces(Bytes request, std::vector<SpanKey>& keys, std::vector<Bytes>& services) {
  keys.clear();
  services.clear();
  KeySink sink{keys, services};
  return WalkTraces(request, sink);
}

void ResourceJson(Bytes resource, std::string& out) { PlainAttributes(resource, 1, out); }

void ScopeJson(Bytes scope, std::string& out) {
  Bytes name, version;
  ReadFields(scope, Into(1, kWLen, name), Into(2, kWLen, version));
  JsonObject(out).str("name", name).str("version", version).close();
}

static void StatusJson(Bytes status, std::string& out) {
  const StatusFields f = DecodeStatus(status);
  JsonObject(out).i64("code", f.code).str("message", f.message).close();
}

static void EventJson(Bytes ev, std::string& out) {
  const EventFields f = DecodeEvent(ev);
  JsonObject o(out);
  o.str("name", f.name).u64String("timeUnixNano", f.time);
  PlainAttributes(ev, 3, o.key("attributes"));
  o.u64("droppedAttributesCount", f.dropped).close();
}

static void LinkJson(Bytes link, std::string& out) {
  const LinkFields f = DecodeLink(link);
  JsonObject o(out);
  o.hex("traceId", f.traceId).hex("spanId", f.spanId).str("traceState", f.traceState).u64("flags", f.flags);
  PlainAttributes(link, 4, o.key("attributes"));
  o.u64("droppedAttributesCount", f.dropped).close();
}

// The LEN fields `field` of msg as a JSON array, in wire order, each written by item.
static void LenArrayJson(Bytes msg, uint32_t field, void (*item)(Bytes, std::string&), std::string& out) {
  out.push_back('[');
  bool first = true;
  ForEachLen(msg, field, [&](Bytes b) {
    if (!first) out.push_back(',');
    first = false;
    item(b, out);
  });
  out.push_back(']');
}

void SpanJson(const TracesView& v, const SpanView& s, std::string& out) {
  JsonObject o(out);
  o.hex("traceId", s.traceId).hex("spanId", s.spanId).hex("parentSpanId", s.parentSpanId);
  o.str("traceState", s.traceState).u64("flags", s.flags).str("name", s.name).i64("kind", s.kind);
  o.u64String("startTimeUnixNano", s.start).u64String("endTimeUnixNano", s.end);
  PlainAttributes(s.raw, 9, o.key("attributes"));
  o.u64("droppedAttributesCount", s.droppedAttrs);
  StatusJson(s.status, o.key("status"));
  LenArrayJson(s.raw, 11, EventJson, o.key("events"));
  o.u64("droppedEventsCount", s.droppedEvents);
  LenArrayJson(s.raw, 13, LinkJson, o.key("links"));
  o.u64("droppedLinksCount", s.droppedLinks);
  const ScopeView& sc = v.scopes[s.scope];
  ResourceJson(sc.resource, o.key("resource"));
  ScopeJson(sc.scope, o.key("scope"));
  o.close();
}

}  // namespace np::dump
