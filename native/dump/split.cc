#include "dump/split.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <atomic>

#include "core/crc32c.h"
#include "core/error.h"
#include "dump/pb.h"

namespace np::dump {

namespace {

// An error caught on one thread, thrown again on another. (Not std::exception_ptr: its
// reference counting needs CXXABI_1.3.13, above the RHEL 8 floor of the prebuilds.)
struct ThreadFailure {
  enum { kNone, kCore, kNoMemory, kOther } kind = kNone;
  std::string code, message;

  // Call inside a catch (...) block.
  void capture() {
    try {
      throw;
    } catch (const np::Error& e) {
      kind = kCore, code = e.code(), message = e.what();
    } catch (const std::bad_alloc&) {
      kind = kNoMemory;
    } catch (const std::exception& e) {
      kind = kOther, message = e.what();
    } catch (...) {
      kind = kOther, message = "unknown failure";
    }
  }

  void rethrow() const {
    if (kind == kCore) throw np::Error(code, message);
    if (kind == kNoMemory) throw std::bad_alloc();
    if (kind == kOther) throw std::runtime_error(message);
  }
};

}  // namespace

void Window::release() {
  data = nullptr;
  size = 0;
}

void ByteSource::window(uint64_t offset, size_t n, Window& w, std::vector<uint8_t>& buf) const {
  w.release();
  if (buf.size() < n) buf.resize(n);
  w.size = read(offset, buf.data(), n);
  w.data = buf.data();
}

void MemorySource::window(uint64_t offset, size_t n, Window& w, std::vector<uint8_t>&) const {
  w.release();
  if (offset >= n_) return;
  w.data = p_ + offset;
  w.size = size_t(std::min<uint64_t>(n, n_ - offset));
}

size_t MemorySource::read(uint64_t offset, uint8_t* buf, size_t n) const {
  if (offset >= n_) return 0;
  size_t k = std::min<uint64_t>(n, n_ - offset);
  std::memcpy(buf, p_ + offset, k);
  return k;
}

namespace {
std::string ErrnoCode(int e) {
  switch (e) {
    case ENOENT: return "fs-enoent";
    case EACCES: return "fs-eacces";
    case EISDIR: return "fs-eisdir";
    case ENOTDIR: return "fs-enotdir";
    case EIO: return "fs-eio";
    default: return "fs-error";
  }
}
}  // namespace

FileSource::FileSource(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error(ErrnoCode(errno), "cannot open " + path + ": " + std::strerror(errno));
  // (the size by lseek, not fstat: fstat is GLIBC_2.33, above the addon's symbol floor;
  // the caller checked that the path is a regular file)
  off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end < 0) {
    int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw Error(ErrnoCode(e), path + " cannot be read by offset (not a regular file?)");
  }
  size_ = uint64_t(end);
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

size_t FileSource::read(uint64_t offset, uint8_t* buf, size_t n) const {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd_, buf + got, n - got, off_t(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrnoCode(errno), std::string("reading the input failed: ") + std::strerror(errno));
    }
    if (r == 0) break;
    got += size_t(r);
  }
  return got;
}

namespace {

// Counts the bytes walked by every thread of one summary and publishes the total.
struct Progress {
  double* out = nullptr;
  std::atomic<uint64_t> total{0};
  void add(uint64_t n) {
    if (!out) return;
    double v = double(total.fetch_add(n, std::memory_order_relaxed) + n);
    __atomic_store(out, &v, __ATOMIC_RELAXED);
  }
};

// Feeds `s` the bytes [from, to) of `src` in chunks, stopping early once the session
// stops or reaches its limit. Returns the offset up to which bytes were fed.
// Bytes at or past `countTo` are not counted for progress (another thread walks them).
uint64_t FeedRange(Session& s, const ByteSource& src, uint64_t from, uint64_t to, size_t chunk, std::vector<uint8_t>& buf,
                   Progress* progress = nullptr, uint64_t countTo = UINT64_MAX) {
  uint64_t off = from;
  Window w;
  while (off < to && !s.stopped() && s.stoppedAt() == UINT64_MAX) {
    src.window(off, size_t(std::min<uint64_t>(chunk, to - off)), w, buf);
    if (w.size == 0) break;
    s.feed(w.data, w.size);  // the session keeps no pointer into the window
    if (progress) progress->add(std::min(off + w.size, countTo) - std::min(off, countTo));
    off += w.size;
  }
  return off;
}

// Both passes of a ring snapshot, or the one pass of anything else.
void OnePass(Session& s, const ByteSource& src, size_t chunk, std::vector<uint8_t>& buf, Progress* progress) {
  FeedRange(s, src, 0, src.size(), chunk, buf, progress);
  std::vector<std::pair<uint64_t, uint64_t>> order;
  if (s.endScan(order)) {
    std::vector<uint8_t> frame;
    for (auto& [off, size] : order) {
      frame.resize(size_t(size));
      if (src.read(off, frame.data(), frame.size()) != frame.size()) throw Error("internal", "ring frame read short");
      s.feedFrame(off, frame.data(), frame.size());
    }
  }
  s.finish();
}

SummaryResult ResultOf(Session& s, bool split) {
  return {s.summaryJson(), std::move(s.diagnostics()), split};
}

// The first offset at or after `from` (on an 8-byte boundary) where a frame header
// holds, or UINT64_MAX.
uint64_t FindFrame(const ByteSource& src, uint64_t from, size_t chunk, std::vector<uint8_t>& buf) {
  uint64_t off = (from + 7) & ~uint64_t(7);
  const uint64_t size = src.size();
  Window w;
  while (off + 32 <= size) {
    src.window(off, chunk, w, buf);
    size_t got = w.size;
    if (got < 32) return UINT64_MAX;
    for (size_t i = 0; i + 32 <= got; i += 8) {
      const uint8_t* h = w.data + i;
      if (!std::memcmp(h, kFrameSync, 4) && LoadLE32(h + 8) <= (64u << 20) && crc32c(0, h, 24) == LoadLE32(h + 24))
        return off + i;
    }
    off += (got - 24) & ~size_t(7);
  }
  return UINT64_MAX;
}

}  // namespace

SummaryResult SummarizeSource(const ByteSource& src, const Options& opt, const SummaryOptions& so) {
  Options o = opt;
  o.mode = Mode::Summary;
  const size_t chunk = std::max<size_t>(so.chunk, 4096);
  std::vector<uint8_t> buf;
  Progress progress;
  progress.out = so.progress;
  const uint64_t size = src.size();
  uint8_t head[64];
  size_t headN = src.read(0, head, sizeof head);
  if (headN >= 2 && head[0] == 0x1f && head[1] == 0x8b && o.format == Format::Auto)
    throw Error("gzip-input", "the input is gzip-compressed: inflate it first (the TypeScript reader does)");
  Format f = o.format == Format::Auto ? DetectFormat(head, headN).format : o.format;
  bool nptb = f == Format::Nptb && headN == 64 && !std::memcmp(head, kNptbMagic, 8) && LoadLE16(head + 8) == 1;
  uint64_t headerSize = nptb ? LoadLE32(head + 12) : 0;
  bool ring = nptb && (LoadLE32(head + 16) & 1) != 0;
  bool wantSplit = so.threads > 1 && nptb && !ring && !o.strict && headerSize >= 64 && headerSize <= (1u << 20) &&
                   (so.splitAt ? so.splitAt < size : size >= so.minSplit);
  uint64_t x = UINT64_MAX;
  if (wantSplit) {
    uint64_t mid = so.splitAt ? so.splitAt : size / 2;
    x = FindFrame(src, std::max(mid, headerSize), chunk, buf);
  }
  if (x == UINT64_MAX) {
    Session s(o);
    OnePass(s, src, chunk, buf, &progress);
    return ResultOf(s, false);
  }

  // the second range, on another thread
  Session second(o);
  ThreadFailure secondError;
  std::thread t([&] {
    try {
      std::vector<uint8_t> b2;
      second.startAt(x, headerSize);
      FeedRange(second, src, x, size, chunk, b2, &progress);
      second.finish();
    } catch (...) {
      secondError.capture();
    }
  });
  Session first(o);
  ThreadFailure firstError;
  bool landed = false;
  try {
    first.setLimit(x);
    uint64_t fed = FeedRange(first, src, 0, size, chunk, buf, &progress, x);
    landed = first.stoppedAt() == x;
    if (!landed && !first.stopped()) {
      // the first range did not end on the second one's start: walk on alone
      first.clearLimit();
      FeedRange(first, src, fed, size, chunk, buf, &progress);
    }
    if (!landed) first.finish();
  } catch (...) {
    firstError.capture();
  }
  t.join();
  firstError.rethrow();
  if (!landed) return ResultOf(first, false);
  secondError.rethrow();

  Summary& a = first.summary();
  const Summary& b = second.summary();
  std::vector<Diagnostic> diags = std::move(first.diagnostics());
  if (a.haveSeq && b.haveSeq && b.firstSeq != a.lastSeq + 1) diags.push_back(SequenceGap(b.firstSeqOffset, a.lastSeq, b.firstSeq));
  for (Diagnostic& d : second.diagnostics()) diags.push_back(std::move(d));
  a.merge(b);
  return {a.json(), std::move(diags), true};
}

}  // namespace np::dump
