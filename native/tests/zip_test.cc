// Tests of native/zip (writer and hostile-ZIP reader) and native/release (ELF/PE).
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <libdeflate.h>

#include "release/binary.h"
#include "tests/check.h"
#include "zip/zip.h"

namespace {

using np::zip::CentralItem;
using np::zip::WriteItem;

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

std::vector<uint8_t> Pseudo(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  uint32_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    // compressible: text-like bytes with runs
    v[i] = static_cast<uint8_t>('a' + ((x >> 16) % 7) + ((i / 64) % 3));
  }
  return v;
}

// The caps the SDK passes by default: Lambda's limit for a function and its layers
// (lib/constants.ts owns it; the hostile corpus's bomb-total.zip is made against it).
np::zip::Limits Caps() { return np::zip::Limits(262144000); }

struct Built {
  std::vector<uint8_t> zip;
  std::vector<CentralItem> central;
};

// Builds a ZIP from (name, data) pairs, directories where the name ends with '/'.
Built Build(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& files, int level = 6, uint32_t dos = 0x00210000) {
  Built b;
  for (auto& [name, data] : files) {
    WriteItem w;
    w.name = name;
    w.dir = name.back() == '/';
    w.mode = w.dir ? 0755 : 0644;
    w.data = data.data();
    w.size = data.size();
    auto r = np::zip::MakeRecord(w, level, dos);
    CentralItem c{name, w.mode, w.dir, r.crc32, r.compressed, r.uncompressed, r.method, b.zip.size()};
    b.central.push_back(c);
    b.zip.insert(b.zip.end(), r.bytes.begin(), r.bytes.end());
  }
  auto cd = np::zip::MakeCentral(b.central, b.zip.size(), dos);
  b.zip.insert(b.zip.end(), cd.begin(), cd.end());
  return b;
}

}  // namespace

NP_TEST(zip_dos_date_time) {
  NP_CHECK_EQ(np::zip::DosDateTime(0), 0x00210000u);           // clamped to 1980-01-01 00:00
  NP_CHECK_EQ(np::zip::DosDateTime(315532800), 0x00210000u);   // 1980-01-01 00:00:00
  // 2026-11-25 12:34:56 UTC = 1795610096
  uint32_t d = np::zip::DosDateTime(1795610096);
  NP_CHECK_EQ(d >> 16, static_cast<uint32_t>(((2026 - 1980) << 9) | (11 << 5) | 25));
  NP_CHECK_EQ(d & 0xFFFF, static_cast<uint32_t>((12 << 11) | (34 << 5) | (56 / 2)));
  NP_CHECK_EQ(np::zip::DosDateTime(1LL << 40) >> 16, static_cast<uint32_t>((127 << 9) | (12 << 5) | 31));
}

NP_TEST(zip_round_trip_and_verify) {
  auto big = Pseudo(300000, 7);
  std::vector<uint8_t> empty;
  auto b = Build({{"a/", {}}, {"a/big.bin", big}, {"a/empty", empty}, {"z", {'z'}}});
  auto dir = np::zip::VerifyArchive(b.zip.data(), b.zip.size(), Caps());
  NP_CHECK_EQ(dir.entries.size(), size_t{4});
  NP_CHECK(dir.entries[0].dir);
  NP_CHECK_EQ(dir.entries[0].mode, 0755u);
  NP_CHECK_EQ(dir.entries[1].method, uint16_t{8});
  NP_CHECK(dir.entries[1].compressed < big.size() / 2);
  NP_CHECK_EQ(dir.entries[1].mode, 0644u);
  NP_CHECK_EQ(dir.entries[1].made_by >> 8, 3);
  NP_CHECK(np::zip::Inflate(b.zip.data(), b.zip.size(), dir.entries[1]) == big);
  NP_CHECK_EQ(dir.entries[3].method, uint16_t{0});  // one byte does not shrink: stored
  NP_CHECK_EQ(dir.unzipped, uint64_t{300001});
  NP_CHECK(!dir.zip64);
}

// The same inputs give the same bytes; this checksum is the same on x64 and on arm64
// (the test also runs cross-built under qemu), which is the cross-arch determinism proof
// at the native level.
NP_TEST(zip_writer_bytes_are_stable) {
  auto b = Build({{"d/", {}}, {"d/f1", Pseudo(100000, 1)}, {"d/f2", Pseudo(5000, 2)}, {"w", Pseudo(10, 3)}});
  auto again = Build({{"d/", {}}, {"d/f1", Pseudo(100000, 1)}, {"d/f2", Pseudo(5000, 2)}, {"w", Pseudo(10, 3)}});
  NP_CHECK(b.zip == again.zip);
  uint32_t crc = static_cast<uint32_t>(libdeflate_crc32(0, b.zip.data(), b.zip.size()));
  NP_CHECK_EQ(b.zip.size(), size_t{41511});
  NP_CHECK_EQ(crc, uint32_t{3509351607u});
}

NP_TEST(zip_level_zero_stores) {
  auto data = Pseudo(10000, 4);
  auto b = Build({{"f", data}}, 0);
  auto dir = np::zip::VerifyArchive(b.zip.data(), b.zip.size(), Caps());
  NP_CHECK_EQ(dir.entries[0].method, uint16_t{0});
  NP_CHECK_EQ(dir.entries[0].compressed, uint64_t{10000});
}

NP_TEST(zip_copied_entry_keeps_its_bytes) {
  auto data = Pseudo(50000, 5);
  auto a = Build({{"f", data}});
  auto dir = np::zip::VerifyArchive(a.zip.data(), a.zip.size(), Caps());
  const auto& e = dir.entries[0];
  WriteItem w;
  w.name = "g";
  w.raw = true;
  w.data = a.zip.data() + e.data_offset;
  w.size = e.compressed;
  w.crc32 = e.crc32;
  w.uncompressed = e.uncompressed;
  w.method = e.method;
  auto r = np::zip::MakeRecord(w, 12, 0x00210000);
  NP_CHECK_EQ(r.compressed, e.compressed);
  NP_CHECK(std::equal(r.bytes.end() - e.compressed, r.bytes.end(), a.zip.begin() + e.data_offset));
}

NP_TEST(zip64_when_entry_count_needs_it) {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> files;
  auto few = Build({{"x", {}}});
  NP_CHECK(!np::zip::VerifyArchive(few.zip.data(), few.zip.size(), Caps()).zip64);
  for (int i = 0; i < 65535; ++i) files.push_back({"f" + std::to_string(i), {}});
  auto b = Build(files);
  auto dir = np::zip::VerifyArchive(b.zip.data(), b.zip.size(), Caps());
  NP_CHECK(dir.zip64);
  NP_CHECK_EQ(dir.entries.size(), size_t{65535});
  files.pop_back();
  auto c = Build(files);
  NP_CHECK(!np::zip::VerifyArchive(c.zip.data(), c.zip.size(), Caps()).zip64);
}

NP_TEST(zip64_fields_for_large_sizes_and_offsets) {
  // Central directory alone (no data), read from its tail: sizes and offsets past 4 GiB.
  std::vector<CentralItem> items = {
      {"huge", 0644, false, 0x12345678u, 5000000000ull, 5000000000ull, 0, 0},
      {"late", 0644, false, 0u, 0, 0, 0, 5000000100ull},
  };
  uint64_t cd_offset = 5000000200ull;
  auto cd = np::zip::MakeCentral(items, cd_offset, 0x00210000);
  np::zip::Limits limits(UINT64_MAX);
  auto t = np::zip::ReadDirectory(cd.data(), cd.size(), cd_offset + cd.size(), limits);
  NP_CHECK(t.complete);
  NP_CHECK(t.dir.zip64);
  NP_CHECK_EQ(t.dir.entries[0].uncompressed, 5000000000ull);
  NP_CHECK_EQ(t.dir.entries[0].compressed, 5000000000ull);
  NP_CHECK_EQ(t.dir.entries[1].local_offset, 5000000100ull);
  NP_CHECK_EQ(t.dir.entries[0].version_needed, uint16_t{45});
  NP_CHECK_EQ(t.dir.entries[1].version_needed, uint16_t{45});
  // default caps refuse 5 GB
  NP_CHECK_THROWS_CODE(np::zip::ReadDirectory(cd.data(), cd.size(), cd_offset + cd.size(), Caps()), "zip-bomb-total");
}

NP_TEST(zip_record_size_is_what_the_writer_wrote) {
  // The caller lays records out by their byte size (the glue returns it): a record whose
  // sizes need ZIP64 carries the 20-byte ZIP64 extra field in its local header.
  std::vector<uint8_t> small = {3, 0};  // an empty final deflate block
  WriteItem w;
  w.name = "huge";
  w.raw = true;
  w.method = 8;
  w.data = small.data();
  w.size = small.size();
  w.uncompressed = 5000000000ull;
  auto r = np::zip::MakeRecord(w, 6, 0x00210000);
  NP_CHECK_EQ(r.bytes.size(), size_t{30 + 4 + 20 + 2});
  NP_CHECK_EQ(r.bytes[28] | (r.bytes[29] << 8), 20);  // extra field length
  w.uncompressed = 0xFFFFFFFEull;  // just under: no ZIP64
  NP_CHECK_EQ(np::zip::MakeRecord(w, 6, 0x00210000).bytes.size(), size_t{30 + 4 + 2});
}

NP_TEST(zip_read_directory_from_tail) {
  auto b = Build({{"a", Pseudo(70000, 9)}, {"b", Pseudo(100, 9)}});
  size_t cd_size = 2 * (46 + 1) + 22;
  auto full = np::zip::ReadDirectory(b.zip.data() + b.zip.size() - cd_size, cd_size, b.zip.size(), Caps());
  NP_CHECK(full.complete);
  NP_CHECK_EQ(full.dir.entries.size(), size_t{2});
  auto shortTail = np::zip::ReadDirectory(b.zip.data() + b.zip.size() - 30, 30, b.zip.size(), Caps());
  NP_CHECK(!shortTail.complete);
  NP_CHECK_EQ(shortTail.need_from, b.zip.size() - cd_size);
  auto tiny = np::zip::ReadDirectory(b.zip.data() + b.zip.size() - 10, 10, b.zip.size(), Caps());
  NP_CHECK(!tiny.complete);
  NP_CHECK_EQ(tiny.need_from, uint64_t{0});  // file smaller than 22 + 65535: from the start
}

NP_TEST(zip_hostile_corpus_is_refused_with_the_entry) {
  const std::map<std::string, std::pair<std::string, std::string>> expect = {
      {"traversal.zip", {"unsafe-name", "../evil.txt"}},
      {"traversal-inside.zip", {"unsafe-name", "a/../b.txt"}},
      {"absolute.zip", {"unsafe-name", "/etc/evil"}},
      {"absolute-unc.zip", {"unsafe-name", "//server/share/evil"}},
      {"drive.zip", {"unsafe-name", "C:/evil.txt"}},
      {"backslash.zip", {"unsafe-name", "a\\..\\evil.txt"}},
      {"nul.zip", {"unsafe-name", std::string("a\0.txt", 6)}},
      {"duplicate.zip", {"duplicate-entry", "a/./b.txt"}},
      {"duplicate-empty-segment.zip", {"duplicate-entry", "a//b.txt"}},
      {"symlink.zip", {"unsupported-entry-type", "link"}},
      {"fifo.zip", {"unsupported-entry-type", "fifo"}},
      {"infozip-stdin-fifo.zip", {"unsupported-entry-type", "-"}},
      {"encrypted.zip", {"encrypted-entry", "hello.txt"}},
      {"method-bzip2.zip", {"unsupported-method", "hello.txt"}},
      {"overlap.zip", {"overlapping-entries", "b.txt"}},
      {"local-name-mismatch.zip", {"header-mismatch", "hello.txt"}},
      {"local-size-mismatch.zip", {"header-mismatch", "hello.txt"}},
      {"local-crc-mismatch.zip", {"header-mismatch", "hello.txt"}},
      {"local-method-mismatch.zip", {"header-mismatch", "hello.txt"}},
      {"descriptor-mismatch.zip", {"descriptor-mismatch", "hello.txt"}},
      {"crc-mismatch.zip", {"crc-mismatch", "hello.txt"}},
      {"inflates-more.zip", {"size-mismatch", "x.txt"}},
      {"inflates-less.zip", {"size-mismatch", "x.txt"}},
      {"past-end.zip", {"data-past-end", "hello.txt"}},
      {"eocd-count.zip", {"bad-eocd", ""}},
      {"eocd-offset.zip", {"bad-eocd", ""}},
      {"eocd-size.zip", {"bad-eocd", ""}},
      {"bomb-ratio.zip", {"zip-bomb-ratio", "zeros.bin"}},
      {"bomb-total.zip", {"zip-bomb-total", "z250"}},
      {"truncated.zip", {"not-a-zip", ""}},
  };
  for (auto& [file, want] : expect) {
    auto bytes = ReadFile(np::test::Root() + "/test/corpus/zip_reader/" + file);
    bool refused = false;
    try {
      np::zip::VerifyArchive(bytes.data(), bytes.size(), Caps());
    } catch (const np::zip::ZipError& e) {
      refused = true;
      if (e.code() != want.first || e.entry() != want.second)
        np::test::Fail(__FILE__, __LINE__, file + ": got " + e.code() + " [" + e.entry() + "] " + e.what());
    }
    if (!refused) np::test::Fail(__FILE__, __LINE__, file + ": not refused");
  }
  for (const char* good : {"good-stored.zip", "good-deflate-descriptor.zip", "good-infozip-extras.zip",
                           "good-infozip-stream.zip", "good-python-utf8-zip64.zip", "good-layer-x64.zip",
                           "good-entry-comments.zip"}) {
    auto bytes = ReadFile(np::test::Root() + "/test/corpus/zip_reader/" + good);
    auto dir = np::zip::VerifyArchive(bytes.data(), bytes.size(), Caps());
    NP_CHECK(!dir.entries.empty());
  }
}

NP_TEST(zip_caps_are_options) {
  auto b = Build({{"f", std::vector<uint8_t>(3 << 20, 0)}});
  NP_CHECK_THROWS_CODE(np::zip::VerifyArchive(b.zip.data(), b.zip.size(), Caps()), "zip-bomb-ratio");
  np::zip::Limits loose = Caps();
  loose.max_ratio = 100000;
  NP_CHECK_EQ(np::zip::VerifyArchive(b.zip.data(), b.zip.size(), loose).unzipped, uint64_t{3 << 20});
  np::zip::Limits small(1000);
  auto c = Build({{"a", Pseudo(800, 1)}, {"b", Pseudo(800, 2)}});
  NP_CHECK_THROWS_CODE(np::zip::VerifyArchive(c.zip.data(), c.zip.size(), small), "zip-bomb-total");
}

NP_TEST(release_elf_and_pe_headers) {
  auto x64 = ReadFile(np::test::Root() + "/examples/release/native/linux-x64/libnet_profiler.so");
  auto arm = ReadFile(np::test::Root() + "/examples/release/native/linux-arm64/libnet_profiler.so");
  auto e = np::release::ReadElf(x64.data(), x64.size());
  NP_CHECK(e.elf);
  NP_CHECK_EQ(e.elf_class, 2);
  NP_CHECK_EQ(e.endian, 1);
  NP_CHECK_EQ(e.type, 3);
  NP_CHECK_EQ(e.machine, 62);
  NP_CHECK_EQ(np::release::ReadElf(arm.data(), arm.size()).machine, 183);
  NP_CHECK(!np::release::ReadElf(x64.data(), 10).elf);
  auto dll = ReadFile(np::test::Root() + "/examples/release/agent/net8.0/NetProfiler.Agent.StartupHook.dll");
  auto pe = np::release::ReadPe(dll.data(), dll.size());
  NP_CHECK(pe.pe);
  NP_CHECK(pe.cli);
  NP_CHECK(!np::release::ReadPe(x64.data(), x64.size()).pe);
  for (size_t cut = 0; cut < 0x200 + 72 + 16; cut += 7) NP_CHECK(!np::release::ReadPe(dll.data(), cut).cli);
  auto broken = dll;
  broken[0x200 + 72] = 'X';  // metadata signature
  NP_CHECK(!np::release::ReadPe(broken.data(), broken.size()).cli);
}
