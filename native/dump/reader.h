// The dump reader: one streaming session over any input format of trace-dump.md.
// The caller feeds big chunks of the file (or, for a ring snapshot, first the whole
// file for the index pass, then each frame by offset in sequence order); the session
// keeps only an incomplete tail, decodes each payload, and appends the requested
// output (span JSON, OTLP/JSON lines, OTLP protobuf, …) and diagnostics.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dump/columns.h"
#include "dump/otlp_schema.h"
#include "dump/traces.h"

namespace np::dump {

enum class Format : uint8_t { Auto, Nptb, OtlpJsonl, CollectorProto, OtlpProto };
const char* FormatName(Format f);
bool ParseFormat(std::string_view s, Format& f);

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

struct Options {
  Format format = Format::Auto;
  Signal signal = Signal::None;     // for formats that do not say
  Signal outSignal = Signal::Traces;  // for Mode::OtlpProto
  Mode mode = Mode::Summary;
  bool strict = false;
  bool spanFrame = false;           // add "frame": sequence to each span (check-lambda)
  std::string traceFilter;          // raw trace id bytes; only these spans
};

struct Diagnostic {
  std::string code;
  uint64_t offset = 0;
  std::string message;
  int64_t missing = -1;  // sequence-gap
  bool hasCounters = false;
  uint64_t counters[3] = {0, 0, 0};  // dropped: spans, metric points, log records
};

// Detects the format from the first bytes (at least 8 are best). Gzip is reported
// separately: the caller inflates a gzip file as a stream and detects again.
struct Detected {
  bool gzip = false;
  Format format = Format::Auto;  // Auto = unknown
};
Detected DetectFormat(const uint8_t* p, size_t n);

// Tries each signal on a raw export request: the one whose decoding is valid (ids
// of the right length, times set) and non-empty. None when zero or several qualify.
Signal DetectSignal(Bytes message);

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

  bool isRing() const { return ring_; }
  Format format() const { return fmt_; }
  std::string& output() { return out_; }
  // Hands over the output produced so far (the next batch starts a fresh list).
  std::string takeOutput() {
    std::string o;
    o.swap(out_);
    outFirst_ = true;
    return o;
  }
  std::vector<Diagnostic>& diagnostics() { return diags_; }
  std::string summaryJson() const;
  // Mode::SpanCols: the column batches produced since the last clearOutput(), in order.
  // A batch is closed, at a payload boundary, once its text reaches kColumnsText bytes,
  // so one big chunk gives several batches whose strings stay small for the JS heap.
  static constexpr size_t kColumnsText = 32 << 10;
  size_t columnBatches() const { return colsN_; }
  SpanColumns& columns(size_t i = 0) { return cols_[i]; }
  // Empties the output (keeping its memory) for the next batch.
  void clearOutput() {
    out_.clear();
    outFirst_ = true;
    for (size_t i = 0; i < colsN_; ++i) cols_[i].clear();
    colsN_ = 1;
  }

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
  void processNptb(bool atEnd);
  void processJsonl(bool atEnd);
  void processCollector(bool atEnd);
  bool frameAt(const uint8_t* p, size_t avail, uint64_t off, bool atEnd, size_t& used);
  void onFrame(uint64_t off, const uint8_t* h, Bytes payload);
  void onSequence(uint64_t off, uint64_t seq);
  bool onPayload(Signal s, Bytes payload, uint64_t off, uint64_t frame);
  void onMetadata(Bytes payload, uint64_t off, uint64_t seq);
  void noteTime(uint64_t start, uint64_t end);

  Options o_;
  Format fmt_ = Format::Auto;
  bool headerDone_ = false;
  bool ring_ = false;
  bool stopped_ = false;   // truncated or fatal: ignore the rest
  bool ended_ = false;     // endScan done
  bool inCorrupt_ = false; // scanning forward after a corrupt header
  std::vector<uint8_t> buf_;  // pending bytes (incomplete tail)
  const uint8_t* d_ = nullptr;  // the bytes being processed (a chunk, or buf_)
  size_t n_ = 0;
  size_t pos_ = 0;            // consumed prefix of d_
  uint64_t base_ = 0;         // file offset of d_[0]
  uint64_t fed_ = 0;          // bytes fed before the current chunk
  uint64_t headerSize_ = 64;
  std::vector<std::pair<uint64_t, std::pair<uint64_t, uint64_t>>> ringIndex_;  // seq -> (offset, size)

  // decoding state
  TracesView tv_;
  std::vector<SpanKey> keys_;  // summary: the spans of one payload
  std::vector<Bytes> svc_;
  SpanKey lastKey_;
  bool haveLastKey_ = false;
  std::string scratch_;
  std::string out_;
  bool outFirst_ = true;
  std::deque<SpanColumns> cols_{1};  // kept (cleared) for reuse
  size_t colsN_ = 1;                 // batches in use; the last one is being filled
  std::vector<Diagnostic> diags_;
  bool haveSeq_ = false;
  uint64_t lastSeq_ = 0, firstSeq_ = 0;
  uint64_t messages_ = 0;  // frames or messages read well

  // summary
  uint64_t frames_ = 0, spans_ = 0, points_ = 0, logs_ = 0;
  uint64_t dropped_[3] = {0, 0, 0};
  uint64_t minTime_ = UINT64_MAX, maxTime_ = 0;
  IdSet traceIds_;
  std::set<std::string, std::less<>> services_;  // (looked up by string_view)
  std::string metadata_;  // JSON text of the first metadata frame
  std::string lastMetadata_;
  bool metadataBad_ = false;
  Signal collectorSignal_ = Signal::None;
  uint64_t lineNo_ = 0;
};

}  // namespace np::dump

namespace np::dump {
// Reads a whole input held in memory (both passes for a ring snapshot).
void RunWhole(Session& s, const uint8_t* p, size_t n);
}  // namespace np::dump
