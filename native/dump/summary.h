// What `dump summary` reports, as a value that two partial reads of one file can be
// merged into (the split summary of docs/dump.md): counts, sequence range, time range,
// the exact set of distinct trace ids and the services.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "dump/format.h"
#include "dump/sink.h"

namespace np::dump {

// The distinct trace ids of a summary, exactly: an open-addressing table of 16-byte
// keys (at most half full), so memory grows by 32 to 64 bytes per distinct trace and
// by nothing per span.
class IdSet {
 public:
  void insert(uint64_t a, uint64_t b) {
    if (a == 0 && b == 0) {  // the all-zero key marks an empty slot
      zero_ = true;
      return;
    }
    if ((count_ + 1) * 2 > slots_.size()) grow();
    size_t i = Slot(a, b);
    while (true) {
      Key& k = slots_[i];
      if (k.a == a && k.b == b) return;
      if (k.a == 0 && k.b == 0) {
        k = {a, b};
        ++count_;
        return;
      }
      i = (i + 1) & (slots_.size() - 1);
    }
  }
  uint64_t size() const { return count_ + (zero_ ? 1 : 0); }
  // Adds every key of `o`.
  void merge(const IdSet& o) {
    if (o.zero_) zero_ = true;
    for (const Key& k : o.slots_)
      if (k.a != 0 || k.b != 0) insert(k.a, k.b);
  }

 private:
  struct Key {
    uint64_t a, b;
  };
  size_t Slot(uint64_t a, uint64_t b) const {
    uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
    return size_t(h ^ (h >> 31)) & (slots_.size() - 1);
  }
  void grow() {
    std::vector<Key> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Key{0, 0});
    for (const Key& k : old) {
      if (k.a == 0 && k.b == 0) continue;
      size_t i = Slot(k.a, k.b);
      while (slots_[i].a != 0 || slots_[i].b != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = k;
    }
  }
  std::vector<Key> slots_;
  uint64_t count_ = 0;
  bool zero_ = false;
};

struct Summary {
  Format format = Format::Auto;
  bool ring = false;
  uint64_t frames = 0, spans = 0, points = 0, logs = 0;
  uint64_t dropped[3] = {0, 0, 0};
  std::string metadata;  // JSON text of the first metadata frame
  bool haveSeq = false;
  uint64_t firstSeq = 0, lastSeq = 0;
  uint64_t firstSeqOffset = 0;  // the frame that gave firstSeq
  uint64_t minTime = UINT64_MAX, maxTime = 0;
  IdSet traceIds;
  std::set<std::string, std::less<>> services;  // (looked up by string_view)

  void noteTime(uint64_t start, uint64_t end) {
    if (start && start < minTime) minTime = start;
    if (end && end > maxTime) maxTime = end;
    if (start && start > maxTime) maxTime = start;
  }
  // Adds `later`, the summary of the part of the same input that follows this one.
  // The sequence numbers are not checked here (the caller makes the gap diagnostic).
  void merge(const Summary& later);
  std::string json() const;
};

// The sink of Mode::Summary.
std::unique_ptr<Sink> MakeSummarySink(Summary& s);

}  // namespace np::dump
