// The key table of settings.yaml format 1 (see keys.h) and the helpers around it.
#include "settings/keys.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <utility>

namespace np::settings {
namespace {

KeyDefault None() { return {}; }
KeyDefault Bool(bool v) {
  KeyDefault d;
  d.kind = KeyDefault::Kind::Bool;
  d.boolean = v;
  return d;
}
KeyDefault Number(double v) {
  KeyDefault d;
  d.kind = KeyDefault::Kind::Number;
  d.number = v;
  return d;
}
KeyDefault Text(const char* v) {
  KeyDefault d;
  d.kind = KeyDefault::Kind::Text;
  d.text = v;
  return d;
}
KeyDefault Of(KeyDefault::Kind kind, const char* text = "") {
  KeyDefault d;
  d.kind = kind;
  d.text = text;
  return d;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

const std::vector<KeySpec>& Keys() {
  using T = KeyType;
  using K = KeyDefault::Kind;
  // path, type, default, values, min, max, unit, description
  static const std::vector<KeySpec> keys = {
      {"General", T::Section, None(), {}, 0, 0, "", "Profiler-wide switches."},
      {"General.Enabled", T::Bool, Bool(true), {}, 0, 0, "",
       "`false` turns the whole profiler off (the wrapper then starts the runtime untouched)."},
      {"General.Provider", T::Enum, Text("otlp"), {"dynatrace", "otlp"}, 0, 0, "",
       "Where telemetry goes: `dynatrace` (OTLP over HTTP with an Api-Token) or any `otlp` endpoint."},
      {"General.Type", T::Enum, Text("application"), {"awslambda", "application"}, 0, 0, "",
       "What is profiled: an AWS Lambda function or an application (`azurefunctions` is reserved, not supported yet)."},
      {"Connection", T::Section, None(), {}, 0, 0, "", "The OTLP export connection."},
      {"Connection.EndpointUrl", T::Url, None(), {}, 0, 0, "",
       "Base URL of the OTLP endpoint (http or https); /v1/traces, /v1/metrics and /v1/logs are appended. "
       "Required when traces or metrics are enabled. May be ${env:NAME}."},
      {"Connection.Type", T::Enum, Text("http"), {"http", "grpc"}, 0, 0, "", "OTLP transport (Dynatrace: http only)."},
      {"Connection.BearerToken", T::Token, None(), {}, 0, 0, "",
       "Token sent as `Authorization: Bearer …` (dynatrace: `Api-Token …`). Prefer ${env:NAME} over a literal token."},
      {"Connection.Headers", T::Headers, Of(K::EmptyMap), {}, 0, 0, "",
       "Extra export headers (names per RFC 9110 token syntax)."},
      {"Connection.TimeoutMs", T::Int, Number(10000), {}, 1, 60000, "milliseconds", "Export timeout in milliseconds."},
      {"Monitoring", T::Section, None(), {}, 0, 0, "", "What is collected."},
      {"Monitoring.Enabled", T::Bool, Bool(true), {}, 0, 0, "", "Traces on/off."},
      {"Monitoring.ServiceName", T::String, None(), {}, 0, 0, "",
       "Service name; with Type awslambda it may be omitted (the function name is used), otherwise required."},
      {"Monitoring.Special", T::List, Of(K::EmptyList), {"AWS", "HttpClient", "GrpcClient"}, 0, 0, "",
       "Client instrumentations (AWS ships only in the .NET 10 agent)."},
      {"Monitoring.Sampling", T::Section, None(), {}, 0, 0, "", "Head sampling."},
      {"Monitoring.Sampling.Ratio", T::Float, Number(1.0), {}, 0, 1, "", "Head sampling ratio: the share of traces kept."},
      {"Monitoring.Metrics", T::Section, None(), {}, 0, 0, "", "Metrics export."},
      {"Monitoring.Metrics.Enabled", T::Bool, Bool(false), {}, 0, 0, "", "Metrics on/off."},
      {"Monitoring.Metrics.ServiceName", T::String, Of(K::SameAs, "Monitoring.ServiceName"), {}, 0, 0, "",
       "Service name of the metrics (default: Monitoring.ServiceName)."},
      {"Monitoring.Metrics.CollectionInterval", T::Int, Number(10), {}, 1, 3600, "seconds", "Collection interval in seconds."},
      {"Monitoring.Metrics.Cpu", T::Bool, Bool(false), {}, 0, 0, "", "CPU metrics."},
      {"Monitoring.Metrics.Memory", T::Bool, Bool(false), {}, 0, 0, "", "Memory metrics."},
  };
  return keys;
}

const KeySpec* FindKey(const std::string& path) {
  for (const KeySpec& k : Keys()) {
    if (path == k.path) return &k;
  }
  return nullptr;
}

const char* KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::Section: return "section";
    case KeyType::Bool: return "bool";
    case KeyType::Enum: return "enum";
    case KeyType::Url: return "url";
    case KeyType::String: return "string";
    case KeyType::Token: return "token";
    case KeyType::Headers: return "headers";
    case KeyType::Int: return "int";
    case KeyType::Float: return "float";
    case KeyType::List: return "list";
  }
  return "section";
}

bool AcceptsEnvReference(KeyType type) {
  return type == KeyType::Url || type == KeyType::String || type == KeyType::Token || type == KeyType::Headers;
}

std::string DefaultText(const KeySpec& key) {
  const KeyDefault& d = key.dflt;
  switch (d.kind) {
    case KeyDefault::Kind::None: return "";
    case KeyDefault::Kind::Bool: return d.boolean ? "true" : "false";
    case KeyDefault::Kind::Number: {
      char buf[40];
      std::snprintf(buf, sizeof buf, key.type == KeyType::Float && d.number == static_cast<int64_t>(d.number) ? "%.1f" : "%.17g",
                    d.number);
      return buf;
    }
    case KeyDefault::Kind::Text: return d.text;
    case KeyDefault::Kind::EmptyList: return "[]";
    case KeyDefault::Kind::EmptyMap: return "{}";
    case KeyDefault::Kind::SameAs: return std::string("the value of ") + d.text;
  }
  return "";
}

size_t EditDistance(const std::string& a, const std::string& b, bool fold) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      char x = fold ? Lower(a[i - 1]) : a[i - 1];
      char y = fold ? Lower(b[j - 1]) : b[j - 1];
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x == y ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

namespace {

// The candidate nearest to `word`, and its distance.
std::pair<std::string, size_t> Closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::pair<std::string, size_t> best{std::string(), SIZE_MAX};
  for (const std::string& c : candidates) {
    size_t d = EditDistance(word, c, true);
    if (d < best.second) best = {c, d};
  }
  return best;
}

}  // namespace

std::string Nearest(const std::string& word, const std::vector<std::string>& candidates) {
  auto [best, d] = Closest(word, candidates);
  size_t limit = std::max<size_t>(2, std::max(word.size(), best.size()) / 3);
  return d <= limit ? best : std::string();
}

std::string NearestKey(const std::string& path) {
  std::vector<std::string> paths;
  for (const KeySpec& k : Keys()) {
    if (k.type != KeyType::Section) paths.push_back(k.path);
  }
  // A whole path is long: allow about one typo in four characters.
  auto [best, d] = Closest(path, paths);
  return d <= std::max<size_t>(2, path.size() / 4) ? best : std::string();
}

}  // namespace np::settings
