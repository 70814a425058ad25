// Walks over the metric and log export requests shared by the sinks and by signal
// detection: the first LEN field, a fixed64 field, every metric data point with its
// resource, scope and metric, every log record with its resource and scope.
#pragma once

#include <cstdint>

#include "dump/otlp_schema.h"
#include "dump/pb.h"

namespace np::dump {

inline Bytes FirstLen(Bytes msg, uint32_t field) {
  Bytes out;
  ForEachLen(msg, field, [&](Bytes b) { out = b; });
  return out;
}

inline uint64_t Fixed64Field(Bytes msg, uint32_t field) {
  uint64_t v = 0;
  ReadFields(msg, Into(field, kWFixed64, v));
  return v;
}

// Calls fn(dataField, dataMsg) for each data message of a metric (gauge, sum,
// histogram, exponential histogram, summary).
template <typename Fn>
void ForEachMetricData(Bytes metric, Fn&& fn) {
  WalkFields(metric, [&](uint32_t num, uint8_t wire, Reader& r) {
    if (wire == kWLen && (num == 5 || num == 7 || num == 9 || num == 10 || num == 11)) fn(num, r.bytes());
    else r.skip(wire, num);
    return true;
  });
}

// Calls fn(resource, scope, item) for each item (span, metric, log record) of an export
// request of any signal: request field 1 is the resource level (resource = 1, scope
// level = 2), a scope level holds scope = 1 and its items = 2.
template <typename Fn>
void ForEachItem(Bytes req, Fn&& fn) {
  ForEachLen(req, 1, [&](Bytes rx) {
    Bytes resource = FirstLen(rx, 1);
    ForEachLen(rx, 2, [&](Bytes sx) {
      Bytes scope = FirstLen(sx, 1);
      ForEachLen(sx, 2, [&](Bytes item) { fn(resource, scope, item); });
    });
  });
}

// Calls fn(resource, scope, metric, dataField, dataMsg, point) for each metric data point.
template <typename Fn>
void ForEachPoint(Bytes req, Fn&& fn) {
  ForEachItem(req, [&](Bytes resource, Bytes scope, Bytes metric) {
    ForEachMetricData(metric, [&](uint32_t num, Bytes data) {
      ForEachLen(data, 1, [&](Bytes point) { fn(resource, scope, metric, num, data, point); });
    });
  });
}

// Calls fn(resource, scope, log) for each log record.
template <typename Fn>
void ForEachLog(Bytes req, Fn&& fn) {
  ForEachItem(req, fn);
}

}  // namespace np::dump
