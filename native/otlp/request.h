// What an OTLP receiver and an OTLP client need of a request on top of the dump
// reader's tables: one incoming body (protobuf or OTLP/JSON) turned into the protobuf
// request the dump stores, accepted exactly when the dump reader would read it back
// cleanly; the items it holds; and the small messages of the exchange (the
// Export*ServiceResponse with its partial_success, and google.rpc.Status).
#pragma once

#include <cstdint>
#include <string>

#include "dump/json_in.h"
#include "dump/otlp_schema.h"

namespace np::otlp {

using dump::Bytes;
using dump::Signal;

// Spans, metric data points and log records of a request.
struct Counts {
  uint64_t spans = 0, points = 0, logs = 0;
  uint64_t total() const { return spans + points + logs; }
};

// Counts the items of a request that is known to be well formed.
Counts CountItems(Signal s, Bytes request);

// True when the dump reader reads `request` as a good payload of signal `s` (the same
// validation walks), with the items counted into `counts`.
bool CheckRequest(Signal s, Bytes request, Counts& counts);

// Turns one request body into the protobuf request of signal `s`.
// - protobuf: checked as the reader checks it, and copied to `out`;
// - OTLP/JSON: parsed and encoded field for field with the reader's own encoder
//   (hex ids, int64 as strings or numbers, unknown fields skipped), enum values taken
//   as integers or as their names (`SPAN_KIND_SERVER`); an object without any
//   resourceSpans/resourceMetrics/resourceLogs is an empty request.
// False with `err` saying what is wrong (for a 400 / INVALID_ARGUMENT answer).
bool DecodeBody(Signal s, Bytes body, bool json, std::string& out, Counts& counts, std::string& err);

// Rewrites the enum fields of an OTLP/JSON document given by name as their numbers
// (in place); names it does not know are left for the encoder to refuse.
void NumberEnumNames(const dump::Msg* m, dump::JNode& obj, int depth = 0);

// The Export*ServiceResponse of signal `s`: empty when nothing was rejected, else a
// partial_success with the rejected count and message. `json` writes OTLP/JSON.
std::string EncodeResponse(Signal s, uint64_t rejected, std::string_view message, bool json);

// Reads an Export*ServiceResponse (protobuf, or OTLP/JSON when `json`). False when it
// does not decode.
bool DecodeResponse(Signal s, Bytes body, bool json, uint64_t& rejected, std::string& message);

// google.rpc.Status {code, message}, protobuf or JSON.
std::string EncodeStatus(int32_t code, std::string_view message, bool json);
bool DecodeStatus(Bytes body, bool json, int32_t& code, std::string& message);

}  // namespace np::otlp
