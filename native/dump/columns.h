// Span batches in columns, for the JS iterator: one ASCII text (every ASCII string of
// the batch, sliced in JS with substring: it crosses as a one-byte string with no
// conversion), a UTF-16 side text for the few strings that are not ASCII (`wide`:
// string index, start, end in `text16`; their range in `text` is empty) and number columns for spans, attributes, events and links. JS builds its
// objects from these in one pass: no JSON to parse, one crossing per batch.
#pragma once

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "dump/traces.h"

namespace np::dump {

// Attribute value kinds of the `attr` column.
enum AttrKind : uint8_t { kAttrNull = 0, kAttrString, kAttrBool, kAttrNumber, kAttrNumberText, kAttrBytes, kAttrJson };

constexpr int kSpanStride = 23;
constexpr int kAttrStride = 3;
constexpr int kEventStride = 5;
constexpr int kLinkStride = 7;

struct SpanColumns {
  std::string text;                 // ASCII only
  std::vector<uint32_t> bounds{0};  // string k = text[bounds[k], bounds[k+1]) (empty for a wide string)
  std::u16string text16;            // the strings that are not ASCII (invalid UTF-8 as U+FFFD)
  std::vector<uint32_t> wide;       // (string index, start, end in text16) per such string
  std::vector<double> span, attr, event, link;
  std::vector<double> resources, scopes;  // string index of each table entry's JSON
  std::unordered_map<std::string, uint32_t> resIndex, scopeIndex;
  uint64_t count = 0;

  void clear() {
    text.clear();
    bounds.assign(1, 0);
    text16.clear();
    wide.clear();
    span.clear();
    attr.clear();
    event.clear();
    link.clear();
    resources.clear();
    scopes.clear();
    resIndex.clear();
    scopeIndex.clear();
    for (uint32_t at : usedAt_) slots_[at] = 0;  // only the slots in use (the table may be big)
    usedAt_.clear();
    used_ = 0;
    byteStart_.assign(1, 0);
    count = 0;
    u16_ = 0;
  }
  // Appends a string (invalid UTF-8 replaced by U+FFFD); returns its index.
  uint32_t add(std::string_view s);
  // Same, but a short string already in the batch is not repeated (keys, names, enums).
  uint32_t addShort(std::string_view s);
  uint32_t addHex(std::string_view bytes);
  uint32_t addU64(uint64_t v);
  // Table indexes of a scope's resource and scope (once per scope of a payload).
  std::pair<uint32_t, uint32_t> intern(const ScopeView& sc);
  void addSpan(const SpanView& s, std::pair<uint32_t, uint32_t> ctx, uint64_t frame);

 private:
  void attributes(Bytes message, uint32_t field, double& begin, double& end);
  uint32_t u16_ = 0;
  // short strings of the batch: open addressing over string indexes, keys compared in `text`
  std::vector<uint64_t> slots_;      // high half of the hash << 32 | string index + 1; 0 = empty
  std::vector<uint32_t> usedAt_;     // positions of the slots in use
  size_t used_ = 0;
  std::vector<uint32_t> byteStart_{0};  // string k = text bytes [byteStart_[k], byteStart_[k+1])
  void grow();
};

}  // namespace np::dump
