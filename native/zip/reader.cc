// ZIP reader for untrusted input (see zip.h and the "Reading ZIPs" rules of docs/layer.md).
// Every offset is checked against the bytes actually present before it is read; all
// arithmetic is in uint64_t on values below 2^48 or checked, so nothing overflows.
#include <libdeflate.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "zip/zip.h"

namespace np::zip {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50, kZip64LocatorSig = 0x07064b50, kDescriptorSig = 0x08074b50;
constexpr uint64_t k32 = 0xFFFFFFFFull;

uint16_t U16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t U32(const uint8_t* p) { return static_cast<uint32_t>(U16(p)) | (static_cast<uint32_t>(U16(p + 2)) << 16); }
uint64_t U64(const uint8_t* p) { return static_cast<uint64_t>(U32(p)) | (static_cast<uint64_t>(U32(p + 4)) << 32); }

std::string Quote(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += static_cast<char>(c);
    else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      o += "\\x", o += hex[c >> 4], o += hex[c & 15];
    } else o += static_cast<char>(c);
  }
  return o + "\"";
}

[[noreturn]] void Fail(const std::string& code, const std::string& entry, const std::string& what) {
  throw ZipError(code, entry, (entry.empty() ? std::string("archive: ") : "entry " + Quote(entry) + ": ") + what);
}

// A view of file bytes [base, base + n) of a file of file_size bytes.
struct View {
  const uint8_t* p;
  uint64_t base, n;
  bool Has(uint64_t off, uint64_t len) const { return off >= base && len <= n && off - base <= n - len; }
  const uint8_t* At(uint64_t off) const { return p + (off - base); }
};

void CheckName(const std::string& name) {
  if (name.empty()) Fail("unsafe-name", name, "empty name");
  if (name.find('\0') != std::string::npos) Fail("unsafe-name", name, "name contains a NUL byte");
  if (name.find('\\') != std::string::npos) Fail("unsafe-name", name, "name contains a backslash");
  if (name[0] == '/') Fail("unsafe-name", name, "absolute name");
  if (name.size() >= 2 && name[1] == ':' && ((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z'))
    Fail("unsafe-name", name, "name starts with a drive letter");
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0) Fail("unsafe-name", name, "name has a '..' segment");
    start = end + 1;
  }
  if (NormaliseName(name).empty()) Fail("unsafe-name", name, "name is empty once '.' and empty segments are dropped");
}

// Applies the ZIP64 extra field to the fields set to all-ones (in the spec's order).
void ApplyZip64(const std::string& name, const uint8_t* extra, size_t len, bool need_u, bool need_c, bool need_o,
                uint64_t& u, uint64_t& c, uint64_t* o) {
  if (!need_u && !need_c && !need_o) return;
  size_t i = 0;
  while (i + 4 <= len) {
    uint16_t tag = U16(extra + i), sz = U16(extra + i + 2);
    if (i + 4 + sz > len) break;
    if (tag == 1) {
      const uint8_t* d = extra + i + 4;
      size_t k = 0;
      auto take = [&](uint64_t& v) {
        if (k + 8 > sz) Fail("bad-zip64", name, "ZIP64 extra field too short");
        v = U64(d + k);
        k += 8;
      };
      if (need_u) take(u);
      if (need_c) take(c);
      if (need_o && o) take(*o);
      return;
    }
    i += 4 + sz;
  }
  Fail("bad-zip64", name, "sizes say ZIP64 but there is no ZIP64 extra field");
}

void CheckCaps(const Entry& e, uint64_t& total, const Limits& limits) {
  if (e.uncompressed > limits.ratio_min_size) {
    const uint64_t c = std::max<uint64_t>(e.compressed, 1), ratio = limits.max_ratio;
    if (c <= UINT64_MAX / ratio && e.uncompressed > c * ratio)
      Fail("zip-bomb-ratio", e.name,
           "inflates " + std::to_string(e.uncompressed) + " bytes from " + std::to_string(e.compressed) + " (over " +
               std::to_string(limits.max_ratio) + ":1)");
  }
  if (e.uncompressed > limits.max_total || total > limits.max_total - e.uncompressed)
    Fail("zip-bomb-total", e.name, "unzipped size would pass the cap of " + std::to_string(limits.max_total) + " bytes");
  total += e.uncompressed;
}

}  // namespace

std::string NormaliseName(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string seg = name.substr(start, end - start);
    if (!seg.empty() && seg != ".") {
      if (!out.empty()) out += '/';
      out += seg;
    }
    start = end + 1;
  }
  return out;
}

TailResult ReadDirectory(const uint8_t* tail, size_t n, uint64_t file_size, const Limits& limits) {
  TailResult r;
  if (n > file_size) Fail("bad-arguments", "", "tail is longer than the file");
  View v{tail, file_size - n, n};
  if (file_size < 22) Fail("not-a-zip", "", "too short to be a ZIP (" + std::to_string(file_size) + " bytes)");
  // The end record is within the last 22 + 65535 bytes.
  const uint64_t search_from = file_size > 22 + 0xFFFF ? file_size - 22 - 0xFFFF : 0;
  uint64_t eocd = UINT64_MAX;
  for (uint64_t off = file_size - 22 + 1; off-- > search_from;) {
    if (!v.Has(off, 22)) {
      r.need_from = search_from;
      return r;
    }
    const uint8_t* p = v.At(off);
    if (U32(p) == kEndSig && off + 22 + U16(p + 20) == file_size) {
      eocd = off;
      break;
    }
  }
  if (eocd == UINT64_MAX) Fail("not-a-zip", "", "no end-of-central-directory record");
  const uint8_t* e = v.At(eocd);
  if (U16(e + 4) != 0 || U16(e + 6) != 0) Fail("multi-disk", "", "multi-disk archives are not supported");
  uint64_t count = U16(e + 10), cd_size = U32(e + 12), cd_offset = U32(e + 16);
  if (U16(e + 8) != U16(e + 10)) Fail("bad-eocd", "", "end record's entry counts disagree");
  r.dir.comment.assign(reinterpret_cast<const char*>(e + 22), U16(e + 20));
  uint64_t cd_end = eocd;  // where the central directory must end
  if (eocd >= 20) {
    if (!v.Has(eocd - 20, 20)) {
      // Ask for the central directory too when the end record says where it is.
      const bool plain = count != 0xFFFF && cd_size != k32 && cd_offset != k32;
      r.need_from = plain && cd_offset < eocd - 20 ? cd_offset : eocd - 20;
      return r;
    }
    const uint8_t* loc = v.At(eocd - 20);
    if (U32(loc) == kZip64LocatorSig) {
      uint64_t z = U64(loc + 8);
      if (z > eocd - 20 || eocd - 20 - z < 56) Fail("bad-eocd", "", "ZIP64 end record offset out of range");
      if (!v.Has(z, 56)) {
        r.need_from = z;
        return r;
      }
      const uint8_t* q = v.At(z);
      if (U32(q) != kZip64EndSig) Fail("bad-eocd", "", "no ZIP64 end record where the locator points");
      if (U32(q + 16) != 0 || U32(q + 20) != 0) Fail("multi-disk", "", "multi-disk archives are not supported");
      uint64_t c64 = U64(q + 24), c64b = U64(q + 32), s64 = U64(q + 40), o64 = U64(q + 48);
      if (c64 != c64b) Fail("bad-eocd", "", "ZIP64 end record's entry counts disagree");
      if ((count != 0xFFFF && count != c64) || (cd_size != k32 && cd_size != s64) || (cd_offset != k32 && cd_offset != o64))
        Fail("bad-eocd", "", "end record and ZIP64 end record disagree");
      count = c64, cd_size = s64, cd_offset = o64;
      cd_end = z;
      r.dir.zip64 = true;
    }
  }
  if (cd_offset > cd_end || cd_size != cd_end - cd_offset)
    Fail("bad-eocd", "", "the end record's central directory size/offset (" + std::to_string(cd_size) + " at " +
                             std::to_string(cd_offset) + ") does not match where the directory ends (" +
                             std::to_string(cd_end) + ")");
  if (count > cd_size / 46) Fail("bad-eocd", "", "the end record's entry count does not fit the central directory");
  if (!v.Has(cd_offset, cd_size)) {
    r.need_from = cd_offset;
    return r;
  }
  r.dir.cd_offset = cd_offset;
  r.dir.cd_size = cd_size;
  r.dir.entries.reserve(count);
  std::unordered_map<std::string, std::string> seen;
  uint64_t pos = cd_offset, total = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (!v.Has(pos, 46) || pos + 46 > cd_end) Fail("bad-eocd", "", "central directory ends before its entry count");
    const uint8_t* c = v.At(pos);
    if (U32(c) != kCentralSig) Fail("bad-eocd", "", "central directory entry " + std::to_string(i) + " has a bad signature");
    uint16_t name_len = U16(c + 28), extra_len = U16(c + 30), comment_len = U16(c + 32);
    uint64_t rec = 46ull + name_len + extra_len + comment_len;
    if (pos + rec > cd_end) Fail("bad-eocd", "", "central directory entry " + std::to_string(i) + " runs past the directory");
    Entry en;
    en.name.assign(reinterpret_cast<const char*>(c + 46), name_len);
    en.made_by = U16(c + 4), en.version_needed = U16(c + 6), en.flags = U16(c + 8), en.method = U16(c + 10);
    en.crc32 = U32(c + 16);
    en.compressed = U32(c + 20), en.uncompressed = U32(c + 24);
    if (U16(c + 34) != 0 && U16(c + 34) != 0xFFFF) Fail("multi-disk", en.name, "entry is on another disk");
    en.external_attr = U32(c + 38);
    en.local_offset = U32(c + 42);
    ApplyZip64(en.name, c + 46 + name_len, extra_len, en.uncompressed == k32, en.compressed == k32,
               en.local_offset == k32, en.uncompressed, en.compressed, &en.local_offset);
    CheckName(en.name);
    if ((en.flags & 0x41) || en.method == 99) Fail("encrypted-entry", en.name, "entry is encrypted");
    if (en.method != 0 && en.method != 8)
      Fail("unsupported-method", en.name, "compression method " + std::to_string(en.method) + " (only stored and deflate are read)");
    // Type: UNIX mode where the creator is UNIX, else the name and the DOS directory bit.
    const bool slash = en.name.back() == '/';
    const uint32_t unix_mode = en.external_attr >> 16;
    const uint32_t fmt = unix_mode & 0170000u;
    if ((en.made_by >> 8) == 3 && fmt != 0) {
      if (fmt == 0120000u) Fail("unsupported-entry-type", en.name, "entry is a symbolic link");
      if (fmt != 0100000u && fmt != 0040000u) Fail("unsupported-entry-type", en.name, "entry is neither a regular file nor a directory");
      en.dir = fmt == 0040000u;
      en.mode = unix_mode & 07777u;
      if (en.dir != slash)
        Fail("unsupported-entry-type", en.name, "entry type and name disagree (a directory name ends with '/')");
    } else {
      en.dir = slash || (en.external_attr & 0x10);
      en.mode = en.dir ? 0755 : 0644;
    }
    if (en.dir && (en.uncompressed != 0 || en.compressed > 2))
      Fail("unsupported-entry-type", en.name, "directory entry has data");
    if (en.method == 0 && en.compressed != en.uncompressed)
      Fail("size-mismatch", en.name, "stored entry's sizes differ");
    std::string norm = NormaliseName(en.name);
    auto [it, inserted] = seen.emplace(norm, en.name);
    if (!inserted) Fail("duplicate-entry", en.name, "repeats the name of entry " + Quote(it->second));
    CheckCaps(en, total, limits);
    r.dir.entries.push_back(std::move(en));
    pos += rec;
  }
  if (pos != cd_end) Fail("bad-eocd", "", "the end record's entry count (" + std::to_string(count) + ") leaves " +
                                             std::to_string(cd_end - pos) + " bytes of the central directory unread");
  r.dir.unzipped = total;
  r.complete = true;
  return r;
}

namespace {

struct FreeDecompressor {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// Inflates into a buffer of exactly the declared size: data that would inflate to more
// fails with INSUFFICIENT_SPACE before a byte past the declared size is written.
void InflateInto(const uint8_t* zip, const Entry& e, std::vector<uint8_t>& out, libdeflate_decompressor* d) {
  out.resize(e.uncompressed);
  const uint8_t* src = zip + e.data_offset;
  if (e.method == 0) {
    if (e.uncompressed) std::copy(src, src + e.uncompressed, out.begin());
  } else {
    size_t in_used = 0, out_size = 0;
    auto rc = libdeflate_deflate_decompress_ex(d, src, e.compressed, out.data(), out.size(), &in_used, &out_size);
    if (rc == LIBDEFLATE_INSUFFICIENT_SPACE)
      Fail("size-mismatch", e.name, "data inflates to more than the declared " + std::to_string(e.uncompressed) + " bytes");
    if (rc != LIBDEFLATE_SUCCESS) Fail("bad-deflate", e.name, "compressed data is corrupt");
    if (out_size != e.uncompressed)
      Fail("size-mismatch", e.name, "data inflates to " + std::to_string(out_size) + " bytes, not the declared " +
                                        std::to_string(e.uncompressed));
  }
  uint32_t crc = static_cast<uint32_t>(libdeflate_crc32(0, out.data(), out.size()));
  if (crc != e.crc32) Fail("crc-mismatch", e.name, "CRC-32 of the data does not match the header");
}

}  // namespace

Directory VerifyArchive(const uint8_t* zip, size_t n, const Limits& limits) {
  TailResult t = ReadDirectory(zip, n, n, limits);
  if (!t.complete) Fail("not-a-zip", "", "incomplete archive");
  Directory& dir = t.dir;
  const uint64_t limit = dir.cd_offset;  // data must end before the central directory
  for (auto& e : dir.entries) {
    if (e.local_offset > limit || limit - e.local_offset < 30) Fail("data-past-end", e.name, "local header is outside the archive's data");
    const uint8_t* l = zip + e.local_offset;
    if (U32(l) != kLocalSig) Fail("header-mismatch", e.name, "no local header where the central directory points");
    uint16_t flags = U16(l + 6), method = U16(l + 8), name_len = U16(l + 26), extra_len = U16(l + 28);
    uint64_t data = e.local_offset + 30 + name_len + extra_len;
    if (data > limit) Fail("data-past-end", e.name, "local header runs past the archive's data");
    std::string lname(reinterpret_cast<const char*>(l + 30), name_len);
    if (lname != e.name) Fail("header-mismatch", e.name, "local header names it " + Quote(lname));
    if (method != e.method) Fail("header-mismatch", e.name, "local header's method differs");
    if ((flags & 0x41) != (e.flags & 0x41)) Fail("header-mismatch", e.name, "local header's flags differ");
    const bool descriptor = flags & 0x08;
    uint64_t lc = U32(l + 18), lu = U32(l + 22);
    uint32_t lcrc = U32(l + 14);
    const bool l64 = lc == k32 || lu == k32;
    if (l64) ApplyZip64(e.name, l + 30 + name_len, extra_len, lu == k32, lc == k32, false, lu, lc, nullptr);
    // With a data descriptor, writers leave some local fields zero (Info-ZIP streaming
    // writes the size it knows and zeroes the rest): a zero defers to the descriptor.
    if (lcrc != e.crc32 && !(descriptor && lcrc == 0))
      Fail("header-mismatch", e.name, "local header's CRC-32 differs from the central directory's");
    if ((lc != e.compressed && !(descriptor && lc == 0)) || (lu != e.uncompressed && !(descriptor && lu == 0)))
      Fail("header-mismatch", e.name, "local header's sizes differ from the central directory's");
    if (e.compressed > limit - data) Fail("data-past-end", e.name, "data runs past the end of the archive's data");
    e.data_offset = data;
    e.end_offset = data + e.compressed;
    if (descriptor) {
      uint64_t p = e.end_offset;
      const bool wide = l64 || e.compressed >= k32 || e.uncompressed >= k32;
      const uint64_t body = wide ? 20 : 12;
      if (p + 4 <= limit && U32(zip + p) == kDescriptorSig) p += 4;
      if (p > limit || limit - p < body) Fail("data-past-end", e.name, "data descriptor runs past the archive's data");
      uint32_t dcrc = U32(zip + p);
      uint64_t dc = wide ? U64(zip + p + 4) : U32(zip + p + 4), du = wide ? U64(zip + p + 12) : U32(zip + p + 8);
      if (dcrc != e.crc32 || dc != e.compressed || du != e.uncompressed)
        Fail("descriptor-mismatch", e.name, "data descriptor disagrees with the central directory");
      e.end_offset = p + body;
    }
  }
  // Overlaps: entries laid out by local offset must not share bytes.
  std::vector<const Entry*> order;
  order.reserve(dir.entries.size());
  for (auto& e : dir.entries) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) { return a->local_offset < b->local_offset; });
  for (size_t i = 1; i < order.size(); ++i)
    if (order[i]->local_offset < order[i - 1]->end_offset)
      Fail("overlapping-entries", order[i]->name, "its bytes overlap entry " + Quote(order[i - 1]->name));
  // Data: inflate every file entry (sizes bounded by the declared sizes, already capped).
  std::unique_ptr<libdeflate_decompressor, FreeDecompressor> d(libdeflate_alloc_decompressor());
  if (!d) throw std::bad_alloc();
  std::vector<uint8_t> buf;
  for (auto& e : dir.entries) {
    if (e.dir) continue;
    InflateInto(zip, e, buf, d.get());
  }
  return std::move(dir);
}

std::vector<uint8_t> Inflate(const uint8_t* zip, size_t n, const Entry& e) {
  if (e.data_offset > n || e.compressed > n - e.data_offset) Fail("data-past-end", e.name, "data runs past the end of the archive");
  std::unique_ptr<libdeflate_decompressor, FreeDecompressor> d(libdeflate_alloc_decompressor());
  if (!d) throw std::bad_alloc();
  std::vector<uint8_t> out;
  InflateInto(zip, e, out, d.get());
  return out;
}

}  // namespace np::zip
