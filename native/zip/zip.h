// The layer ZIP: a deterministic writer and a reader that treats every ZIP as hostile.
// Works on memory it is given; files are read and written by the TypeScript side.
//
// Writer: MakeRecord() turns one entry (a file's bytes, a directory, or an entry copied
// from another ZIP with its compressed bytes untouched) into its local header + data;
// MakeCentral() writes the central directory and end records for records laid out one
// after the other. Same inputs, same bytes, on every machine and arch.
//
// Reader: ReadDirectory() parses and checks the end records and central directory from
// the tail of a ZIP (enough for ranged reads); VerifyArchive() checks a whole ZIP
// (local headers, overlaps, data descriptors, CRCs, inflated sizes, caps); Inflate()
// extracts one checked entry. Every refusal is a ZipError naming the entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace np::zip {

// A refusal of the reader: a stable code, the entry concerned ("" = archive-wide).
class ZipError : public np::Error {
 public:
  ZipError(std::string code, std::string entry, const std::string& message)
      : np::Error(std::move(code), message), entry_(std::move(entry)) {}
  const std::string& entry() const noexcept { return entry_; }

 private:
  std::string entry_;
};

// MS-DOS date and time (date << 16 | time) of a UNIX time, clamped to 1980..2107.
uint32_t DosDateTime(int64_t unix_seconds);

// ---------------------------------------------------------------- writer

struct WriteItem {
  std::string name;       // bytewise path, '/'-separated; directories end with '/'
  uint32_t mode = 0644;   // permission bits (0777 mask used)
  bool dir = false;
  const uint8_t* data = nullptr;  // file bytes, or compressed bytes when `raw`
  size_t size = 0;
  bool raw = false;       // data is already compressed with `method`
  uint32_t crc32 = 0;     // raw only
  uint64_t uncompressed = 0;  // raw only
  uint16_t method = 0;    // raw only: 0 stored, 8 deflate
};

struct Record {
  std::vector<uint8_t> bytes;  // local header + data (its size is where the next record starts)
  uint32_t crc32 = 0;
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
  uint16_t method = 0;
};

// Level 0 stores; 1..12 are libdeflate levels. An entry that would not shrink is stored.
Record MakeRecord(const WriteItem& item, int level, uint32_t dos_date_time);

struct CentralItem {
  std::string name;
  uint32_t mode = 0644;
  bool dir = false;
  uint32_t crc32 = 0;
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
  uint16_t method = 0;
  uint64_t offset = 0;  // of the local header
};

// Central directory + (ZIP64 end record and locator when needed) + end record, to be
// written at `cd_offset` (right after the last record).
std::vector<uint8_t> MakeCentral(const std::vector<CentralItem>& items, uint64_t cd_offset, uint32_t dos_date_time);

// ---------------------------------------------------------------- reader

// The caps of the reader. The total has no default here: it is Lambda's limit for a
// function and its layers, owned by the TypeScript side (lib/constants.ts,
// LAMBDA_LIMITS.unzippedBytes), which passes it on every call. The ratio rule (200:1 for
// an entry over 1 MiB) is the reader's own and has its defaults here.
struct Limits {
  explicit Limits(uint64_t max_total_bytes) : max_total(max_total_bytes) {}
  uint64_t max_total;                 // unzipped bytes in all
  uint64_t ratio_min_size = 1 << 20;  // the ratio cap applies to entries bigger than this
  uint32_t max_ratio = 200;
};

struct Entry {
  std::string name;  // as stored
  bool dir = false;
  uint32_t mode = 0;  // permission bits (07777)
  uint16_t made_by = 0, version_needed = 0, flags = 0, method = 0;
  uint32_t crc32 = 0, external_attr = 0;
  uint64_t compressed = 0, uncompressed = 0;
  uint64_t local_offset = 0;
  uint64_t data_offset = 0;  // filled by VerifyArchive
  uint64_t end_offset = 0;   // end of data (and descriptor), filled by VerifyArchive
};

struct Directory {
  std::vector<Entry> entries;
  uint64_t cd_offset = 0, cd_size = 0;
  uint64_t unzipped = 0;
  bool zip64 = false;
  std::string comment;
};

struct TailResult {
  bool complete = false;
  uint64_t need_from = 0;  // when !complete: the file offset the tail must start at
  Directory dir;
};

// `tail` holds the last `n` bytes of a file of `file_size` bytes. Checks names, entry
// types, encryption, methods, duplicates, the end records and the caps on declared sizes.
TailResult ReadDirectory(const uint8_t* tail, size_t n, uint64_t file_size, const Limits& limits);

// Checks the whole archive (everything ReadDirectory checks, plus local headers, data
// descriptors, overlaps, CRCs and inflated sizes). Throws ZipError on the first fault.
Directory VerifyArchive(const uint8_t* zip, size_t n, const Limits& limits);

// Inflates one entry of a verified directory (CRC and size checked again).
std::vector<uint8_t> Inflate(const uint8_t* zip, size_t n, const Entry& e);

// The normalised form of an entry name ('.' and empty segments dropped, no trailing '/').
std::string NormaliseName(const std::string& name);

}  // namespace np::zip
