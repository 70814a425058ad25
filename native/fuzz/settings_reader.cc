// libFuzzer target for the settings.yaml reader and checker: any bytes must give
// findings (or a value), never a crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "settings/check.h"
#include "settings/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  np::settings::CheckOptions opt;
  opt.dotnet8 = size > 0 && (data[0] & 1);
  opt.forLayer = size > 0 && (data[0] & 2);
  auto diags = np::settings::Check(data, size, opt);
  std::string json = np::settings::DiagnosticsJson(diags);
  for (const auto& d : diags) {
    if (d.line == 0 || d.col == 0 || d.code.empty() || d.message.empty()) __builtin_trap();
  }
  try {
    np::settings::Document doc = np::settings::Read(data, size);
    std::string out;
    np::settings::AppendValueJson(doc, doc.root, out);
    (void)np::settings::FindDuplicateKeys(doc);
  } catch (const np::settings::ReadError& e) {
    if (e.line() == 0 || e.col() == 0) __builtin_trap();
  }
  return 0;
}
