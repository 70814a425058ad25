// The YAML 1.2 core schema as the settings reader applies it (see yaml.h): how a plain
// scalar resolves, the numeric value of a number, and keys equal by their value.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "settings/yaml.h"

namespace np::settings {

// The regexes of the `yaml` package's core schema, written out.
ScalarType ResolvePlain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return ScalarType::Null;
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") return ScalarType::Bool;
  size_t n = s.size();
  auto digits = [&](size_t from, size_t to, int base) {
    if (from >= to) return false;
    for (size_t i = from; i < to; ++i) {
      char c = s[i];
      bool ok = base == 8 ? (c >= '0' && c <= '7')
                : base == 10 ? (c >= '0' && c <= '9')
                             : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
      if (!ok) return false;
    }
    return true;
  };
  if (n > 2 && s[0] == '0' && s[1] == 'o' && digits(2, n, 8)) return ScalarType::Int;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (digits(i, n, 10)) return ScalarType::Int;
  if (n > 2 && s[0] == '0' && s[1] == 'x' && digits(2, n, 16)) return ScalarType::Int;
  // .inf / .nan
  {
    std::string r = s.substr(i);
    if (r == ".inf" || r == ".Inf" || r == ".INF") return ScalarType::Float;
    if (i == 0 && (r == ".nan" || r == ".NaN" || r == ".NAN")) return ScalarType::Float;
  }
  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?  with: no exponent => needs a dot
  size_t j = i;
  size_t intDigits = 0, fracDigits = 0;
  bool dot = false;
  while (j < n && s[j] >= '0' && s[j] <= '9') ++j, ++intDigits;
  if (j < n && s[j] == '.') {
    dot = true;
    ++j;
    while (j < n && s[j] >= '0' && s[j] <= '9') ++j, ++fracDigits;
  }
  if (intDigits == 0 && fracDigits == 0) return ScalarType::Str;
  if (j == n) return dot ? ScalarType::Float : ScalarType::Str;
  if (s[j] != 'e' && s[j] != 'E') return ScalarType::Str;
  ++j;
  if (j < n && (s[j] == '-' || s[j] == '+')) ++j;
  if (!digits(j, n, 10)) return ScalarType::Str;
  return ScalarType::Float;
}

double NumberValue(const Node& n) {
  const std::string& s = n.text;
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  double sign = (!s.empty() && s[0] == '-') ? -1.0 : 1.0;
  std::string r = s.substr(i);
  if (r == ".inf" || r == ".Inf" || r == ".INF") return sign * HUGE_VAL;
  if (r == ".nan" || r == ".NaN" || r == ".NAN") return std::nan("");
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    double v = 0;
    double base = s[1] == 'x' ? 16 : 8;
    for (size_t k = 2; k < s.size(); ++k) {
      char c = s[k];
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
      v = v * base + d;
    }
    return v;
  }
  return std::strtod(s.c_str(), nullptr);
}

std::vector<DuplicateKey> FindDuplicateKeys(const Document& doc) {
  std::vector<DuplicateKey> out;
  for (uint32_t m = 0; m < doc.nodes.size(); ++m) {
    const Node& map = doc.nodes[m];
    if (map.kind != NodeKind::Map || map.children.size() < 4) continue;
    std::unordered_map<std::string, uint32_t> seen;
    for (size_t k = 0; k < map.children.size(); k += 2) {
      const Node& key = doc.nodes[map.children[k]];
      if (key.kind != NodeKind::Scalar) continue;
      std::string norm;
      switch (key.type) {
        case ScalarType::Null: norm = "n"; break;
        case ScalarType::Bool: norm = (key.text[0] == 't' || key.text[0] == 'T') ? "b1" : "b0"; break;
        case ScalarType::Int:
        case ScalarType::Float: {
          double v = NumberValue(key);
          if (std::isnan(v)) continue;
          char buf[40];
          std::snprintf(buf, sizeof buf, "d%.17g", v == 0 ? 0.0 : v);
          norm = buf;
          break;
        }
        case ScalarType::Str: norm = "s" + key.text; break;
      }
      auto it = seen.find(norm);
      if (it == seen.end()) seen.emplace(std::move(norm), map.children[k]);
      else out.push_back({m, map.children[k], it->second});
    }
  }
  return out;
}

}  // namespace np::settings
