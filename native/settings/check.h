// The settings.yaml checker: every finding of docs/settings.md ("Check codes") in one
// pass, each with a stable code, severity, dotted key path, 1-based line/column, message
// and fix. The keys it checks are the table of keys.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "settings/yaml.h"

namespace np::settings {

struct Diagnostic {
  std::string code;
  bool error = true;  // false: warning
  std::string path;
  uint32_t line = 1;
  uint32_t col = 1;
  std::string message;
  std::string fix;  // empty: none
};

struct CheckOptions {
  // The Lambda runtimes the file will run on (`dotnet8`, `dotnet10`), when known: the
  // runtime-dependent checks run only then. The SDK passes only names it knows.
  std::vector<std::string> runtimes;
  bool forLayer = false;  // the file goes into a Lambda layer
};

// Reads and checks `data`; never throws for bad input (a refused file is a finding).
std::vector<Diagnostic> Check(const uint8_t* data, size_t size, const CheckOptions& options);

// Reads `data` as a settings document for the SDK's parse. Throws ReadError for the first
// thing that stops it: a refused construct, or a duplicate key.
Document ReadSettings(const uint8_t* data, size_t size);

}  // namespace np::settings
