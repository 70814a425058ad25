// The four framers of the dump reader: each cuts its input format into export
// requests and hands them on (onFrame for .nptb frames, onPayload for the others).
// They work on the session's current bytes d_[pos_, n_), whose first byte is at file
// offset base_, and leave an incomplete record for the next call unless atEnd.
#include <algorithm>
#include <cstring>

#include "core/crc32c.h"
#include "core/error.h"
#include "dump/json_in.h"
#include "dump/reader.h"

namespace np::dump {

namespace {
constexpr uint64_t kMaxPayload = 64ull << 20;
constexpr uint64_t kMaxCollectorMessage = 256ull << 20;
constexpr uint64_t kMaxLine = 512ull << 20;
constexpr uint64_t kMaxHeader = 1ull << 20;
}  // namespace

void Session::frameNptb(bool atEnd) {
  if (!headerDone_) {
    size_t avail = n_ - pos_;
    if (avail < 64 && !atEnd) return;
    const uint8_t* h = d_ + pos_;
    if (avail < 8 || std::memcmp(h, kNptbMagic, 8))
      throw Error("bad-magic", "not a trace dump: the file does not start with the .nptb magic");
    uint16_t major = avail >= 12 ? LoadLE16(h + 8) : 1;
    if (major != 1)
      throw Error("unsupported-version", "trace dump format " + Decimal(major) + "." + Decimal(LoadLE16(h + 10)) +
                                             " is not supported: this reader reads format 1 (upgrade net-profiler)");
    if (avail < 64)
      throw Error("bad-magic", "not a trace dump: the 64-byte header is cut short (" + Decimal(avail) + " bytes)");
    headerSize_ = LoadLE32(h + 12);
    if (headerSize_ < 64 || headerSize_ > kMaxHeader)
      throw Error("bad-magic", "not a trace dump: header size " + Decimal(headerSize_) + " is outside 64 bytes to 1 MiB");
    sum_.ring = (LoadLE32(h + 16) & 1) != 0;
    if (avail < headerSize_) {
      if (!atEnd) return;
      diag("truncated", 0, "the file ends inside its " + Decimal(headerSize_) + "-byte header");
      stopped_ = true;
      return;
    }
    headerDone_ = true;
    pos_ += size_t(headerSize_);
  }
  while (!stopped_) {
    uint64_t off = base_ + pos_;
    uint64_t aligned = (off + 7) & ~uint64_t(7);
    size_t avail = n_ - pos_;
    if (aligned != off) {
      if (avail < aligned - off) {
        if (atEnd) pos_ = n_;
        return;
      }
      pos_ += size_t(aligned - off);
      off = aligned;
      avail = n_ - pos_;
    }
    if (off >= limit_) {  // the split summary: the rest is read by another session
      stoppedAt_ = off;
      return;
    }
    if (avail == 0) return;
    const uint8_t* h = d_ + pos_;
    if (avail < 32) {
      if (!atEnd) return;
      bool zeros = std::all_of(h, h + avail, [](uint8_t b) { return b == 0; });
      if (!inCorrupt_ && !zeros)
        diag("truncated", off,
             "the file ends inside a frame header (" + Decimal(avail) + " of 32 bytes): a torn last write");
      pos_ = n_;
      return;
    }
    bool good = !std::memcmp(h, kFrameSync, 4) && crc32c(0, h, 24) == LoadLE32(h + 24);
    uint64_t len = LoadLE32(h + 8);
    if (good && len > kMaxPayload) good = false;
    if (!good) {
      bool zeroWord = sum_.ring && LoadLE64(h) == 0;
      if (!inCorrupt_ && !zeroWord) {
        diag("corrupt-header", off,
             len > kMaxPayload && !std::memcmp(h, kFrameSync, 4) && crc32c(0, h, 24) == LoadLE32(h + 24)
                 ? "frame header claims a payload over 64 MiB; scanning forward to the next good frame"
                 : "frame header is damaged (sync or header CRC wrong); scanning forward to the next good frame");
        inCorrupt_ = true;
      }
      pos_ += 8;
      continue;
    }
    inCorrupt_ = false;
    if (avail < 32 + len) {
      if (!atEnd) return;
      diag("truncated", off,
           "frame " + Decimal(LoadLE64(h + 16)) + " runs past the end of the file (" + Decimal(avail - 32) + " of " +
               Decimal(len) + " payload bytes): a torn last write; every earlier frame stands");
      stopped_ = true;
      pos_ = n_;
      return;
    }
    Bytes payload(reinterpret_cast<const char*>(h + 32), size_t(len));
    if (crc32c(0, h + 32, size_t(len)) != LoadLE32(h + 12)) {
      // the header holds, so its sequence number counts: the frame is damaged, not lost
      if (!sum_.ring) onSequence(off, LoadLE64(h + 16));
      diag("corrupt-payload", off, "frame " + Decimal(LoadLE64(h + 16)) + " payload CRC does not match; frame skipped");
    } else if (sum_.ring) {
      ringIndex_.push_back({LoadLE64(h + 16), {off, 32 + len}});
    } else {
      onFrame(off, h, payload);
    }
    pos_ += size_t(32 + len);
  }
}

void Session::frameJsonl(bool atEnd) {
  while (!stopped_) {
    size_t avail = n_ - pos_;
    if (avail == 0) return;
    const uint8_t* p = d_ + pos_;
    const uint8_t* nl = static_cast<const uint8_t*>(std::memchr(p, '\n', avail));
    size_t len;
    if (nl) len = size_t(nl - p);
    else if (atEnd) len = avail;
    else {
      if (avail > kMaxLine) {
        diag("malformed-payload", base_ + pos_, "line " + Decimal(lineNo_ + 1) + " is longer than 512 MiB; reading stops");
        stopped_ = true;
      }
      return;
    }
    uint64_t off = base_ + pos_;
    ++lineNo_;
    Bytes line(reinterpret_cast<const char*>(p), len);
    pos_ += len + (nl ? 1 : 0);
    size_t a = 0;
    if (lineNo_ == 1 && line.size() >= 3 && !std::memcmp(line.data(), "\xef\xbb\xbf", 3)) a = 3;
    while (a < line.size() && (line[a] == ' ' || line[a] == '\t' || line[a] == '\r')) ++a;
    if (a == line.size()) continue;
    JNode doc;
    std::string err;
    Signal s = Signal::None;
    scratch_.clear();
    if (!ParseJson(line.substr(a), doc, err) || !EncodeOtlpJson(doc, s, scratch_, err)) {
      diag("malformed-payload", off,
           "line " + Decimal(lineNo_) + " is not an OTLP/JSON export request: " + err + "; skipped");
      continue;
    }
    std::string payload;
    payload.swap(scratch_);
    PayloadCounts n;
    if (onPayload(s, payload, off, messages_, n)) {
      ++sum_.frames;
      ++messages_;
    }
  }
}

void Session::frameCollector(bool atEnd) {
  while (!stopped_) {
    size_t avail = n_ - pos_;
    if (avail == 0) return;
    uint64_t off = base_ + pos_;
    const uint8_t* p = d_ + pos_;
    if (avail < 4) {
      if (atEnd) {
        diag("truncated", off, "the file ends inside a message length prefix: a torn last write");
        stopped_ = true;
      }
      return;
    }
    uint64_t len = uint64_t(p[0]) << 24 | uint64_t(p[1]) << 16 | uint64_t(p[2]) << 8 | p[3];
    if (len > kMaxCollectorMessage) {
      diag("malformed-payload", off,
           "message length " + Decimal(len) + " is over 256 MiB; reading stops (no way to resynchronise)");
      stopped_ = true;
      return;
    }
    if (avail < 4 + len) {
      if (atEnd) {
        diag("truncated", off,
             "message runs past the end of the file (" + Decimal(avail - 4) + " of " + Decimal(len) +
                 " bytes): a torn last write");
        stopped_ = true;
      }
      return;
    }
    Bytes m(reinterpret_cast<const char*>(p + 4), size_t(len));
    pos_ += size_t(4 + len);
    if (collectorSignal_ == Signal::None) {
      collectorSignal_ = o_.signal;
      if (collectorSignal_ == Signal::None) {
        collectorSignal_ = DetectSignal(m);
        if (collectorSignal_ == Signal::None)
          ThrowUnknownSignal(m, "the first message",
                             o_.format == Format::CollectorProto && !head_.empty() ? "read as collector-proto, " + LooksLike(head_.data(), head_.size()) : "");
      }
    }
    PayloadCounts n;
    if (onPayload(collectorSignal_, m, off, messages_, n)) {
      ++sum_.frames;
      ++messages_;
    }
  }
}

void Session::frameRaw(bool atEnd) {
  if (!atEnd) return;  // one message: the whole input
  Bytes m(reinterpret_cast<const char*>(d_), n_);
  Signal s = o_.signal;
  if (s == Signal::None) {
    if (m.empty()) throw Error("empty", "the input is empty");
    s = DetectSignal(m);
    if (s == Signal::None)
      ThrowUnknownSignal(m, "the input", o_.format == Format::OtlpProto ? "read as otlp-proto, " + LooksLike(d_, n_) : "");
  }
  PayloadCounts n;
  if (onPayload(s, m, 0, 0, n)) ++sum_.frames;
  pos_ = n_;
}

}  // namespace np::dump
