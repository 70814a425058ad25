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
  Reader r(msg);
  uint32_t num;
  uint8_t wire;
  uint64_t v = 0;
  while (r.tag(num, wire)) {
    if (num == field && wire == kWFixed64) v = r.fixed64();
    else r.skip(wire, num);
  }
  return v;
}

// Calls fn(dataField, dataMsg) for each data message of a metric (gauge, sum,
// histogram, exponential histogram, summary).
template <typename Fn>
void ForEachMetricData(Bytes metric, Fn&& fn) {
  Reader r(metric);
  uint32_t num;
  uint8_t wire;
  while (r.tag(num, wire)) {
    if (wire == kWLen && (num == 5 || num == 7 || num == 9 || num == 10 || num == 11)) fn(num, r.bytes());
    else r.skip(wire, num);
  }
}

// Calls fn(resource, scope, metric, dataField, dataMsg, point) for each metric data point.
template <typename Fn>
void ForEachPoint(Bytes req, Fn&& fn) {
  ForEachLen(req, 1, [&](Bytes rm) {
    Bytes resource = FirstLen(rm, 1);
    ForEachLen(rm, 2, [&](Bytes sm) {
      Bytes scope = FirstLen(sm, 1);
      ForEachLen(sm, 2, [&](Bytes metric) {
        ForEachMetricData(metric, [&](uint32_t num, Bytes data) {
          ForEachLen(data, 1, [&](Bytes point) { fn(resource, scope, metric, num, data, point); });
        });
      });
    });
  });
}

// Calls fn(resource, scope, log) for each log record.
template <typename Fn>
void ForEachLog(Bytes req, Fn&& fn) {
  ForEachLen(req, 1, [&](Bytes rl) {
    Bytes resource = FirstLen(rl, 1);
    ForEachLen(rl, 2, [&](Bytes sl) {
      Bytes scope = FirstLen(sl, 1);
      ForEachLen(sl, 2, [&](Bytes log) { fn(resource, scope, log); });
    });
  });
}

}  // namespace np::dump
