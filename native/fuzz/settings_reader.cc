// libFuzzer target for the settings.yaml reader and checker: any bytes must give
// findings (or a document), never a crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "settings/check.h"
#include "settings/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  np::settings::CheckOptions opt;
  if (size > 0 && (data[0] & 1)) opt.runtimes.push_back("dotnet8");
  opt.forLayer = size > 0 && (data[0] & 2);
  auto diags = np::settings::Check(data, size, opt);
  for (const auto& d : diags) {
    if (d.line == 0 || d.col == 0 || d.code.empty() || d.message.empty()) __builtin_trap();
  }
  try {
    np::settings::Document doc = np::settings::ReadSettings(data, size);
    // Every child index points into the node table, and never at the node itself.
    for (size_t i = 0; i < doc.nodes.size(); ++i) {
      for (uint32_t c : doc.nodes[i].children) {
        if (c >= doc.nodes.size() || c == i) __builtin_trap();
      }
    }
    for (const auto& n : doc.nodes) {
      if (n.kind == np::settings::NodeKind::Scalar &&
          (n.type == np::settings::ScalarType::Int || n.type == np::settings::ScalarType::Float)) {
        (void)np::settings::NumberValue(n);
      }
    }
  } catch (const np::settings::ReadError& e) {
    if (e.line() == 0 || e.col() == 0) __builtin_trap();
  }
  return 0;
}
