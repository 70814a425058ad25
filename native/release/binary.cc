#include "release/binary.h"

namespace np::release {
namespace {
uint16_t U16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t U32(const uint8_t* p) { return static_cast<uint32_t>(U16(p)) | (static_cast<uint32_t>(U16(p + 2)) << 16); }
uint16_t B16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
}  // namespace

ElfInfo ReadElf(const uint8_t* p, size_t n) {
  ElfInfo e;
  if (n < 20 || p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F') return e;
  e.elf = true;
  e.elf_class = p[4];
  e.endian = p[5];
  e.type = e.endian == 2 ? B16(p + 16) : U16(p + 16);
  e.machine = e.endian == 2 ? B16(p + 18) : U16(p + 18);
  return e;
}

PeInfo ReadPe(const uint8_t* p, size_t n) {
  PeInfo r;
  auto has = [n](uint64_t off, uint64_t len) { return off <= n && len <= n - off; };
  if (!has(0, 64) || p[0] != 'M' || p[1] != 'Z') return r.reason = "no MZ header", r;
  uint64_t pe = U32(p + 0x3c);
  if (!has(pe, 24) || U32(p + pe) != 0x00004550) return r.reason = "no PE signature", r;
  uint16_t nsec = U16(p + pe + 6), opt_size = U16(p + pe + 20);
  uint64_t opt = pe + 24;
  if (!has(opt, opt_size) || opt_size < 2) return r.reason = "optional header runs past the file", r;
  uint16_t magic = U16(p + opt);
  uint64_t nrva_at, dirs;
  if (magic == 0x10b) nrva_at = 92, dirs = 96;
  else if (magic == 0x20b) nrva_at = 108, dirs = 112;
  else return r.reason = "unknown optional header magic", r;
  if (opt_size < dirs) return r.reason = "optional header too short", r;
  r.pe = true;
  uint32_t nrva = U32(p + opt + nrva_at);
  if (nrva <= 14 || opt_size < dirs + 15 * 8) return r.reason = "no CLI header (no COM descriptor directory)", r;
  uint32_t cli_rva = U32(p + opt + dirs + 14 * 8), cli_size = U32(p + opt + dirs + 14 * 8 + 4);
  if (cli_rva == 0 || cli_size < 72) return r.reason = "no CLI header (empty COM descriptor directory)", r;
  uint64_t sections = opt + opt_size;
  auto map = [&](uint32_t rva, uint64_t len, uint64_t& off) {
    for (uint16_t i = 0; i < nsec; ++i) {
      uint64_t s = sections + 40ull * i;
      if (!has(s, 40)) return false;
      uint32_t va = U32(p + s + 12), vsize = U32(p + s + 8), raw_size = U32(p + s + 16), raw = U32(p + s + 20);
      uint32_t span = vsize > raw_size ? vsize : raw_size;
      if (rva >= va && rva - va < span) {
        uint64_t d = rva - va;
        if (d + len > raw_size) return false;
        off = raw + d;
        return has(off, len);
      }
    }
    return false;
  };
  uint64_t cli = 0;
  if (!map(cli_rva, 72, cli)) return r.reason = "CLI header is outside every section", r;
  if (U32(p + cli) != 72) return r.reason = "CLI header has a bad size", r;
  uint32_t md_rva = U32(p + cli + 8), md_size = U32(p + cli + 12);
  uint64_t md = 0;
  if (md_size < 16 || !map(md_rva, 16, md)) return r.reason = "CLI metadata is outside every section", r;
  if (U32(p + md) != 0x424A5342) return r.reason = "CLI metadata has no BSJB signature", r;
  r.cli = true;
  return r;
}

}  // namespace np::release
