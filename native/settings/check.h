// The settings.yaml checker: every finding of settings.md in one pass, each with a
// stable code, severity, dotted key path, 1-based line/column, message and fix.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  bool dotnet8 = false;   // a target runtime is dotnet8
  bool dotnet10 = false;  // a target runtime is dotnet10
  bool forLayer = false;  // the file goes into a Lambda layer
};

// Reads and checks `data`; never throws for bad input (a refused file is a finding).
std::vector<Diagnostic> Check(const uint8_t* data, size_t size, const CheckOptions& options);

// {"diagnostics":[{"code","severity","path","line","column","message","fix"?}...]}
std::string DiagnosticsJson(const std::vector<Diagnostic>& diags);

// Reads `data` as a settings document for the SDK's parse:
// {"value": …} with the document as JSON, or {"error": {code, message, line, column, fix}}
// for the first thing that stops it (a refused construct or a duplicate key).
std::string ReadJson(const uint8_t* data, size_t size);

// Levenshtein distance (ASCII case-insensitive when `fold` is set).
size_t EditDistance(const std::string& a, const std::string& b, bool fold);

}  // namespace np::settings
