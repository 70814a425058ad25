// Header checks of a profiler release's binaries: the ELF header of the native library
// and the PE/CLI header of the managed assemblies. Bytes in, facts out; the TypeScript
// side decides what is an error for which layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace np::release {

struct ElfInfo {
  bool elf = false;      // starts with \x7fELF
  int elf_class = 0;     // 1 = 32-bit, 2 = 64-bit
  int endian = 0;        // 1 = little, 2 = big
  int type = 0;          // e_type (3 = ET_DYN)
  int machine = 0;       // e_machine (62 = x86-64, 183 = AArch64)
};
ElfInfo ReadElf(const uint8_t* p, size_t n);

struct PeInfo {
  bool pe = false;       // MZ + PE\0\0 + a PE32/PE32+ optional header
  bool cli = false;      // a CLI header (COM descriptor) with BSJB metadata
  std::string reason;    // why not, when !pe or !cli
};
PeInfo ReadPe(const uint8_t* p, size_t n);

}  // namespace np::release
