// A small JSON parser (for OTLP/JSON lines and the metadata frame) and the OTLP/JSON
// to protobuf encoder over the tables of otlp_schema.cc. Nesting is bounded; numbers
// keep their text so int64 values are exact.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dump/otlp_schema.h"

namespace np::dump {

struct JNode {
  enum Type : uint8_t { Null, Bool, Num, Str, Arr, Obj } type = Null;
  bool b = false;
  std::string s;              // string value (unescaped) or number text
  std::vector<JNode> items;   // array items, or object values
  std::vector<std::string> keys;  // object keys (parallel to items)
};

// Parses one JSON document (whitespace around allowed). False with `err` set on error.
bool ParseJson(std::string_view text, JNode& out, std::string& err);

// The signal whose export request an OTLP/JSON top-level key holds (resourceSpans or
// resource_spans, and so on), or Signal::None for any other key.
Signal SignalOfRequestKey(const std::string& key);

// Encodes an OTLP/JSON export request as protobuf. The signal is found from the top
// key (resourceSpans, resourceMetrics, resourceLogs). False with `err` on error.
bool EncodeOtlpJson(const JNode& doc, Signal& signal, std::string& out, std::string& err);

}  // namespace np::dump
