// The input formats of docs/dump.md: their names (this table is the one owner; the
// glue exports it and TypeScript derives from it), detection from the first bytes,
// and the signal of a raw export request that does not say it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dump/otlp_schema.h"

namespace np::dump {

enum class Format : uint8_t { Auto, Nptb, OtlpJsonl, CollectorProto, OtlpProto };

// Every format with its name, `auto` first.
struct FormatEntry {
  Format format;
  const char* name;
};
extern const FormatEntry kFormats[5];

const char* FormatName(Format f);
bool ParseFormat(std::string_view s, Format& f);

// The .nptb file magic and frame sync.
extern const uint8_t kNptbMagic[8];
extern const uint8_t kFrameSync[4];

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

// Throws `not-otlp` (no signal validates) or `signal-unknown` (none or several qualify)
// for a message `what` ("the input", "the first message") that does not say its signal.
// `hint`, when not empty, ends the message (what the bytes look like).
[[noreturn]] void ThrowUnknownSignal(Bytes m, const char* what, const std::string& hint = std::string());

// A short description of what the first bytes of an input look like, for the error
// that says an input decoded as nothing under a forced format or signal.
std::string LooksLike(const uint8_t* p, size_t n);

}  // namespace np::dump
