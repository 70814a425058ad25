// Re-batching for replay: export requests (one or many concatenated, as the dump
// reader hands them over) are cut into requests of at most `cap` bytes. A resource
// or a scope is never split apart from its items: a request too big for one batch is
// cut between its resources, a resource between its scopes, a scope between its
// spans, metrics or log records, and each piece repeats the resource (and scope)
// it belongs to. One item bigger than the cap goes alone, flagged oversize.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "otlp/request.h"

namespace np::otlp {

struct Batch {
  std::string request;  // an Export*ServiceRequest
  Counts counts;
  uint64_t old = 0;       // traces: spans that ended before `oldBefore`
  bool oversize = false;  // over the cap (one item that cannot be cut)
};

// Cuts `requests` (concatenated Export*ServiceRequest messages of signal `s`) into
// batches. False when the bytes are not well formed.
bool Rebatch(Signal s, Bytes requests, size_t cap, uint64_t oldBefore, std::vector<Batch>& out);

}  // namespace np::otlp
