#include "otlp/batch.h"

#include "dump/pb.h"

namespace np::otlp {

using dump::ForEachLen;
using dump::kWFixed64;
using dump::kWLen;
using dump::PutTag;
using dump::PutVarint;
using dump::Reader;

namespace {

size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
// Size of a field 1 or 2 (one-byte tag) holding n bytes.
size_t Wrapped(size_t n) { return 1 + VarintLen(n) + n; }
void PutLen(std::string& out, uint32_t field, Bytes v) {
  PutTag(out, field, kWLen);
  PutVarint(out, v.size());
  out.append(v.data(), v.size());
}

struct Piece {
  std::string body;
  bool over = false;
};

// Cuts a ResourceX (level 1) or ScopeX (level 2) message into pieces whose wrapped size
// is at most `cap`: every field but the items (field 2) is the identity that each
// piece repeats; the items are packed in order.
void Split(Bytes m, int level, size_t cap, std::vector<Piece>& out) {
  std::string identity;
  std::vector<Bytes> items;
  Reader r(m);
  uint32_t num;
  uint8_t wire;
  while (true) {
    const uint8_t* start = r.p;
    if (!r.tag(num, wire)) break;
    if (num == 2 && wire == kWLen) items.push_back(r.bytes());
    else {
      r.skip(wire, num);
      identity.append(reinterpret_cast<const char*>(start), size_t(r.p - start));
    }
  }
  Piece cur{identity};
  bool has = false;
  auto flush = [&] {
    if (has) out.push_back(std::move(cur));
    cur = Piece{identity};
    has = false;
  };
  for (Bytes item : items) {
    const size_t w = Wrapped(item.size());
    if (Wrapped(identity.size() + w) <= cap) {
      if (has && Wrapped(cur.body.size() + w) > cap) flush();
      PutLen(cur.body, 2, item);
      has = true;
    } else if (level < 2) {
      flush();
      std::vector<Piece> sub;
      const size_t room = cap > identity.size() + 12 ? cap - identity.size() - 12 : 1;
      Split(item, level + 1, room, sub);
      for (Piece& s : sub) {
        Piece p{identity, s.over};
        PutLen(p.body, 2, s.body);
        out.push_back(std::move(p));
      }
    } else {
      flush();
      Piece p{identity, true};
      PutLen(p.body, 2, item);
      out.push_back(std::move(p));
    }
  }
  if (has || items.empty()) out.push_back(std::move(cur));
}

uint64_t OldSpans(Bytes request, uint64_t before) {
  uint64_t n = 0;
  ForEachLen(request, 1, [&](Bytes rs) {
    ForEachLen(rs, 2, [&](Bytes ss) {
      ForEachLen(ss, 2, [&](Bytes span) {
        Reader r(span);
        uint32_t num;
        uint8_t wire;
        uint64_t end = 0;
        while (r.tag(num, wire)) {
          if (num == 8 && wire == kWFixed64) end = r.fixed64();
          else r.skip(wire, num);
        }
        if (end && end < before) ++n;
      });
    });
  });
  return n;
}

}  // namespace

bool Rebatch(Signal s, Bytes requests, size_t cap, uint64_t oldBefore, std::vector<Batch>& out) {
  Counts all;
  if (!CheckRequest(s, requests, all)) return false;
  if (cap < 64) cap = 64;
  Batch cur;
  auto flush = [&] {
    if (cur.request.empty()) return;
    out.push_back(std::move(cur));
    cur = Batch{};
  };
  auto add = [&](Bytes entry, bool over) {
    const size_t w = Wrapped(entry.size());
    if (!cur.request.empty() && cur.request.size() + w > cap) flush();
    PutLen(cur.request, 1, entry);
    if (over || w > cap) cur.oversize = true;
  };
  ForEachLen(requests, 1, [&](Bytes entry) {
    if (Wrapped(entry.size()) <= cap) {
      add(entry, false);
      return;
    }
    std::vector<Piece> pieces;
    Split(entry, 1, cap, pieces);
    for (Piece& p : pieces) {
      if (p.over) {  // alone, so the batches around it keep to the cap
        flush();
        add(p.body, true);
        flush();
      } else add(p.body, false);
    }
  });
  flush();
  for (Batch& b : out) {
    b.counts = CountItems(s, b.request);
    if (s == Signal::Traces && oldBefore) b.old = OldSpans(b.request, oldBefore);
  }
  return true;
}

}  // namespace np::otlp
