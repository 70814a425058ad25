// The output side of the dump reader: one sink per output mode. Every framer (.nptb
// frames, OTLP/JSON lines, Collector messages, a raw request) hands each export
// request to the session's sink as (signal, payload, offset, sequence); the sink
// validates it, counts it and writes its output. A payload is either wholly taken
// or refused (malformed), never half-written.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "dump/columns.h"
#include "dump/otlp_schema.h"

namespace np::dump {

enum class Mode : uint8_t {
  Summary,    // counts only (output empty until finish)
  Spans,      // span JSON objects, comma separated
  Points,     // metric data point JSON objects
  Logs,       // log record JSON objects
  OtlpJson,   // OTLP/JSON lines, one per payload
  OtlpProto,  // one export request of `outSignal`, as protobuf (payloads concatenated)
  Frames,     // one JSON object per frame / message
  SpanCols,   // spans in columns (columns())
};

struct Summary;

// What the sinks are told beyond the payloads.
struct SinkOptions {
  Mode mode = Mode::Summary;
  Signal outSignal = Signal::Traces;  // Mode::OtlpProto
  bool spanFrame = false;             // add "frame": sequence to each span (check-lambda)
  std::string traceFilter;            // raw trace id bytes; only these spans
};

// What one payload held.
struct PayloadCounts {
  uint64_t spans = 0, points = 0, logs = 0;
};

// One good .nptb frame (Mode::Frames lists them).
struct FrameEvent {
  uint64_t offset = 0, sequence = 0;
  uint8_t kind = 0;
  bool compressed = false;
  uint64_t storedLength = 0, payloadLength = 0;
  PayloadCounts counts;
  const std::string* metadata = nullptr;  // kind 0: the object as JSON
  const uint64_t* dropped = nullptr;      // kind 4: the three counters
};

class Sink {
 public:
  virtual ~Sink() = default;
  // Validates and takes one export request; false (nothing taken) when malformed.
  virtual bool payload(Signal s, Bytes payload, uint64_t offset, uint64_t sequence, PayloadCounts& n) = 0;
  // A good frame or message was read.
  virtual void frame(const FrameEvent&) {}
  std::string& output() { return out_; }
  // Mode::SpanCols: the column batches produced since the last clearOutput().
  virtual size_t columnBatches() const { return 0; }
  virtual SpanColumns& columns(size_t i);
  // Empties the output (keeping its memory) for the next batch.
  virtual void clearOutput() {
    out_.clear();
    first_ = true;
  }

 protected:
  // Starts the next comma-separated JSON object of the output.
  void next() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

// The sink of o.mode; the summary sink adds what it finds to `summary`.
std::unique_ptr<Sink> MakeSink(const SinkOptions& o, Summary& summary);

}  // namespace np::dump
