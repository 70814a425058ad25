// Deterministic ZIP writer (see zip.h). Every field is a function of the inputs only:
// fixed time, UNIX "version made by", no extra field but ZIP64's when needed,
// little-endian written byte by byte (no host endianness or alignment assumed).
#include <libdeflate.h>

#include <memory>

#include "zip/zip.h"

namespace np::zip {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50, kZip64LocatorSig = 0x07064b50;
constexpr uint64_t k32 = 0xFFFFFFFFull;

struct Out {
  std::vector<uint8_t>& v;
  void u8(uint8_t x) { v.push_back(x); }
  void u16(uint16_t x) { u8(x & 0xFF), u8(x >> 8); }
  void u32(uint32_t x) { u16(x & 0xFFFF), u16(x >> 16); }
  void u64(uint64_t x) { u32(static_cast<uint32_t>(x)), u32(static_cast<uint32_t>(x >> 32)); }
  void bytes(const void* p, size_t n) {
    auto b = static_cast<const uint8_t*>(p);
    v.insert(v.end(), b, b + n);
  }
};

bool NonAscii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return true;
  return false;
}

uint16_t Flags(const std::string& name) { return NonAscii(name) ? 0x0800 : 0; }

struct FreeCompressor {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// Each thread of Node's pool keeps its compressor and output buffer between entries:
// allocating (and zero-filling) a fresh compress-bound buffer per file costs page faults
// that show up next to the compression itself. The buffer grows to the largest entry the
// thread has compressed, so memory stays a few times the largest file.
struct Scratch {
  std::unique_ptr<libdeflate_compressor, FreeCompressor> compressor;
  int level = -1;
  std::unique_ptr<uint8_t[]> buffer;
  size_t capacity = 0;

  libdeflate_compressor* Compressor(int want) {
    if (level != want || !compressor) {
      compressor.reset(libdeflate_alloc_compressor(want));
      level = compressor ? want : -1;
      if (!compressor) throw std::bad_alloc();
    }
    return compressor.get();
  }
  uint8_t* Buffer(size_t size) {
    if (capacity < size) {
      buffer.reset();
      buffer.reset(new uint8_t[size]);  // not zero-filled: the compressor writes what is read
      capacity = size;
    }
    return buffer.get();
  }
};
thread_local Scratch scratch;

}  // namespace

uint32_t DosDateTime(int64_t t) {
  const int64_t lo = 315532800;            // 1980-01-01 00:00:00 UTC
  const int64_t hi = 4354819198;           // 2107-12-31 23:59:58 UTC
  if (t < lo) t = lo;
  if (t > hi) t = hi;
  int64_t days = t / 86400, secs = t % 86400;
  // civil_from_days (Howard Hinnant), days since 1970-01-01
  int64_t z = days + 719468;
  int64_t era = z / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  uint32_t date = static_cast<uint32_t>(((y - 1980) << 9) | (m << 5) | d);
  uint32_t time = static_cast<uint32_t>(((secs / 3600) << 11) | (((secs / 60) % 60) << 5) | ((secs % 60) / 2));
  return (date << 16) | time;
}

Record MakeRecord(const WriteItem& item, int level, uint32_t dos) {
  if (item.name.empty() || item.name.size() > 0xFFFF) throw np::Error("zip-bad-name", "entry name empty or longer than 65535 bytes");
  if (level < 0 || level > 12) throw np::Error("zip-bad-level", "compression level must be 0..12");
  Record r;
  const uint8_t* payload = nullptr;
  size_t payload_size = 0;
  if (item.dir) {
    r.method = 0;
  } else if (item.raw) {
    if (item.method != 0 && item.method != 8) throw np::Error("zip-bad-method", "copied entry " + item.name + " has method " + std::to_string(item.method));
    r.method = item.method;
    r.crc32 = item.crc32;
    r.uncompressed = item.uncompressed;
    payload = item.data;
    payload_size = item.size;
  } else {
    r.crc32 = static_cast<uint32_t>(libdeflate_crc32(0, item.data, item.size));
    r.uncompressed = item.size;
    payload = item.data;
    payload_size = item.size;
    if (level > 0 && item.size > 0) {
      libdeflate_compressor* c = scratch.Compressor(level);
      const size_t bound = libdeflate_deflate_compress_bound(c, item.size);
      uint8_t* out = scratch.Buffer(bound);
      size_t n = libdeflate_deflate_compress(c, item.data, item.size, out, bound);
      if (n > 0 && n < item.size) {
        payload = out;
        payload_size = n;
        r.method = 8;
      }
    }
  }
  r.compressed = payload_size;
  const bool z64 = r.uncompressed >= k32 || r.compressed >= k32;
  r.bytes.reserve(30 + item.name.size() + (z64 ? 20 : 0) + payload_size);
  Out o{r.bytes};
  o.u32(kLocalSig);
  o.u16(z64 ? 45 : 20);
  o.u16(Flags(item.name));
  o.u16(r.method);
  o.u32(dos);
  o.u32(r.crc32);
  o.u32(z64 ? static_cast<uint32_t>(k32) : static_cast<uint32_t>(r.compressed));
  o.u32(z64 ? static_cast<uint32_t>(k32) : static_cast<uint32_t>(r.uncompressed));
  o.u16(static_cast<uint16_t>(item.name.size()));
  o.u16(z64 ? 20 : 0);
  o.bytes(item.name.data(), item.name.size());
  if (z64) {
    o.u16(1), o.u16(16), o.u64(r.uncompressed), o.u64(r.compressed);
  }
  if (payload_size) o.bytes(payload, payload_size);
  return r;
}

std::vector<uint8_t> MakeCentral(const std::vector<CentralItem>& items, uint64_t cd_offset, uint32_t dos) {
  std::vector<uint8_t> v;
  Out o{v};
  for (const auto& e : items) {
    if (e.name.empty() || e.name.size() > 0xFFFF) throw np::Error("zip-bad-name", "entry name empty or longer than 65535 bytes");
    const bool zu = e.uncompressed >= k32, zc = e.compressed >= k32, zo = e.offset >= k32;
    const uint16_t extra = (zu || zc || zo) ? static_cast<uint16_t>(4 + 8 * (zu + zc + zo)) : 0;
    const uint16_t version = extra ? 45 : 20;
    o.u32(kCentralSig);
    o.u16(static_cast<uint16_t>((3 << 8) | version));  // made by UNIX
    o.u16(version);
    o.u16(Flags(e.name));
    o.u16(e.dir ? 0 : e.method);
    o.u32(dos);
    o.u32(e.dir ? 0 : e.crc32);
    o.u32(zc ? static_cast<uint32_t>(k32) : static_cast<uint32_t>(e.compressed));
    o.u32(zu ? static_cast<uint32_t>(k32) : static_cast<uint32_t>(e.uncompressed));
    o.u16(static_cast<uint16_t>(e.name.size()));
    o.u16(extra);
    o.u16(0);  // comment
    o.u16(0);  // disk
    o.u16(0);  // internal attributes
    const uint32_t type = e.dir ? 0040000u : 0100000u;
    o.u32(((type | (e.mode & 07777u)) << 16) | (e.dir ? 0x10u : 0u));
    o.u32(zo ? static_cast<uint32_t>(k32) : static_cast<uint32_t>(e.offset));
    o.bytes(e.name.data(), e.name.size());
    if (extra) {
      o.u16(1), o.u16(static_cast<uint16_t>(extra - 4));
      if (zu) o.u64(e.uncompressed);
      if (zc) o.u64(e.compressed);
      if (zo) o.u64(e.offset);
    }
  }
  const uint64_t cd_size = v.size();
  const uint64_t count = items.size();
  const bool z64 = count >= 0xFFFF || cd_size >= k32 || cd_offset >= k32;
  if (z64) {
    const uint64_t z64_end_offset = cd_offset + cd_size;
    o.u32(kZip64EndSig);
    o.u64(44);
    o.u16((3 << 8) | 45);
    o.u16(45);
    o.u32(0), o.u32(0);
    o.u64(count), o.u64(count), o.u64(cd_size), o.u64(cd_offset);
    o.u32(kZip64LocatorSig);
    o.u32(0);
    o.u64(z64_end_offset);
    o.u32(1);
  }
  o.u32(kEndSig);
  o.u16(0), o.u16(0);
  o.u16(z64 ? 0xFFFF : static_cast<uint16_t>(count));
  o.u16(z64 ? 0xFFFF : static_cast<uint16_t>(count));
  o.u32(z64 ? static_cast<uint32_t>(k32) : static_cast<uint32_t>(cd_size));
  o.u32(z64 ? static_cast<uint32_t>(k32) : static_cast<uint32_t>(cd_offset));
  o.u16(0);
  return v;
}

}  // namespace np::zip
