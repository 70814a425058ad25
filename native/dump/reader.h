// The dump reader: one streaming session over any input format of docs/dump.md.
// The caller feeds big chunks of the file (or, for a ring snapshot, first the whole
// file for the index pass, then each frame by offset in sequence order); the session
// keeps only an incomplete tail. Its framer for the input's format (framers.cc) cuts
// the bytes into export requests and hands each, as (signal, payload, offset,
// sequence), to the one sink of the requested output mode (sink.h); diagnostics and
// the summary counts are kept here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dump/format.h"
#include "dump/sink.h"
#include "dump/summary.h"

namespace np::dump {

struct Options {
  Format format = Format::Auto;
  Signal signal = Signal::None;       // for formats that do not say
  Signal outSignal = Signal::Traces;  // for Mode::OtlpProto
  Mode mode = Mode::Summary;
  bool strict = false;
  bool spanFrame = false;   // add "frame": sequence to each span (check-lambda)
  std::string traceFilter;  // raw trace id bytes; only these spans
};

struct Diagnostic {
  std::string code;
  uint64_t offset = 0;
  std::string message;
  int64_t missing = -1;  // sequence-gap
  bool hasCounters = false;
  uint64_t counters[3] = {0, 0, 0};  // dropped: spans, metric points, log records
};

// Decimal digits of an unsigned number, for messages.
std::string Decimal(uint64_t v);

// The sequence-gap diagnostic between two sequence numbers read one after the other.
Diagnostic SequenceGap(uint64_t offset, uint64_t last, uint64_t seq);

class Session {
 public:
  explicit Session(Options o);

  void feed(const uint8_t* p, size_t n);
  // Ends the scan of the whole input. For a ring snapshot, returns true and fills
  // `order` with (offset, size) of the good frames by sequence number: feed each
  // with feedFrame(), then call finish(). Otherwise finish() follows directly.
  bool endScan(std::vector<std::pair<uint64_t, uint64_t>>& order);
  void feedFrame(uint64_t offset, const uint8_t* p, size_t n);
  void finish();

  // --- the split summary (split.cc) -------------------------------------------
  // Reads a .nptb file from `offset`, a frame boundary past the header, as though the
  // header (of `headerSize` bytes, not a ring snapshot) had been read.
  void startAt(uint64_t offset, uint64_t headerSize);
  // Frames that start at or after `offset` are left alone: the reading stops there.
  void setLimit(uint64_t offset) { limit_ = offset; }
  void clearLimit() {
    limit_ = UINT64_MAX;
    stoppedAt_ = UINT64_MAX;
  }
  // The offset of the first frame left alone by the limit, or UINT64_MAX.
  uint64_t stoppedAt() const { return stoppedAt_; }
  // True when the reading stopped for good (a torn last frame, or a fatal error).
  bool stopped() const { return stopped_; }

  bool isRing() const { return sum_.ring; }
  Format format() const { return sum_.format; }
  uint64_t headerSize() const { return headerSize_; }
  std::string& output() { return sink_->output(); }
  // Hands over the output produced so far (the next batch starts a fresh list).
  std::string takeOutput() {
    std::string o;
    o.swap(sink_->output());
    sink_->clearOutput();
    return o;
  }
  std::vector<Diagnostic>& diagnostics() { return diags_; }
  const Summary& summary() const { return sum_; }
  Summary& summary() { return sum_; }
  std::string summaryJson() const { return sum_.json(); }
  // Mode::SpanCols: the column batches produced since the last clearOutput(), in order.
  size_t columnBatches() const { return sink_->columnBatches(); }
  SpanColumns& columns(size_t i = 0) { return sink_->columns(i); }
  // Empties the output (keeping its memory) for the next batch.
  void clearOutput() { sink_->clearOutput(); }

 private:
  void diag(Diagnostic d);
  void diag(const char* code, uint64_t off, std::string msg) {
    Diagnostic d;
    d.code = code;
    d.offset = off;
    d.message = std::move(msg);
    diag(std::move(d));
  }
  void process(bool atEnd);
  // Processes what is buffered as the end of the input (unless ended already), then
  // refuses an input that held nothing.
  void endInput();
  // the framers (framers.cc)
  void frameNptb(bool atEnd);
  void frameJsonl(bool atEnd);
  void frameCollector(bool atEnd);
  void frameRaw(bool atEnd);
  // what the framers hand on
  void onFrame(uint64_t off, const uint8_t* h, Bytes payload);
  void onSequence(uint64_t off, uint64_t seq);
  bool onPayload(Signal s, Bytes payload, uint64_t off, uint64_t seq, PayloadCounts& n);
  bool onMetadata(Bytes payload, uint64_t off, uint64_t seq);

  Options o_;
  SinkOptions sinkOptions_;
  Summary sum_;
  std::unique_ptr<Sink> sink_;
  bool headerDone_ = false;
  bool stopped_ = false;    // truncated or fatal: ignore the rest
  bool ended_ = false;      // endScan done
  bool inCorrupt_ = false;  // scanning forward after a corrupt header
  uint64_t limit_ = UINT64_MAX, stoppedAt_ = UINT64_MAX;
  std::vector<uint8_t> buf_;    // pending bytes (incomplete tail)
  const uint8_t* d_ = nullptr;  // the bytes being processed (a chunk, or buf_)
  size_t n_ = 0;
  size_t pos_ = 0;     // consumed prefix of d_
  uint64_t base_ = 0;  // file offset of d_[0]
  uint64_t fed_ = 0;   // bytes fed before the current chunk
  uint64_t headerSize_ = 64;
  std::vector<std::pair<uint64_t, std::pair<uint64_t, uint64_t>>> ringIndex_;  // seq -> (offset, size)

  std::string scratch_;
  std::string lastMetadata_;
  std::vector<Diagnostic> diags_;
  uint64_t messages_ = 0;  // lines or messages read well
  Signal collectorSignal_ = Signal::None;
  uint64_t lineNo_ = 0;
  std::vector<uint8_t> head_;  // the first bytes of the input (what it looks like)
};

// Reads a whole input held in memory (both passes for a ring snapshot).
void RunWhole(Session& s, const uint8_t* p, size_t n);

}  // namespace np::dump
