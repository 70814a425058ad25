// Native tests of the settings reader and checker (also cross-built for arm64).
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "settings/check.h"
#include "settings/keys.h"
#include "settings/yaml.h"
#include "tests/check.h"

namespace {

using np::settings::Check;
using np::settings::CheckOptions;
using np::settings::Diagnostic;
using np::settings::Document;
using np::settings::Read;

const uint8_t* B(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::vector<Diagnostic> CheckText(const std::string& s, CheckOptions opt = {}) { return Check(B(s), s.size(), opt); }

// A compact picture of a node: m{k:v,...} s[...] i:text f:text "str" null true false.
void Picture(const Document& d, int32_t index, std::string& out) {
  if (index < 0) {
    out += "null";
    return;
  }
  const np::settings::Node& n = d.nodes[static_cast<size_t>(index)];
  using np::settings::NodeKind;
  using np::settings::ScalarType;
  if (n.kind != NodeKind::Scalar) {
    out += n.kind == NodeKind::Map ? "m{" : "s[";
    for (size_t k = 0; k < n.children.size(); ++k) {
      if (k) out += (n.kind == NodeKind::Map && k % 2) ? ":" : ",";
      Picture(d, static_cast<int32_t>(n.children[k]), out);
    }
    out += n.kind == NodeKind::Map ? "}" : "]";
    return;
  }
  switch (n.type) {
    case ScalarType::Null: out += "null"; return;
    case ScalarType::Bool: out += (n.text[0] == 't' || n.text[0] == 'T') ? "true" : "false"; return;
    case ScalarType::Int: out += "i:" + n.text; return;
    case ScalarType::Float: out += "f:" + n.text; return;
    case ScalarType::Str: out += "\"" + n.text + "\""; return;
  }
}

std::string Value(const std::string& s) {
  Document d = Read(B(s), s.size());
  std::string out;
  Picture(d, d.root, out);
  return out;
}

std::string ReadFixture(const std::string& rel) {
  std::ifstream f(np::test::Root() + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Codes(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += (out.empty() ? "" : ",") + d.code + "@" + std::to_string(d.line) + ":" + std::to_string(d.col);
  return out;
}

}  // namespace

NP_TEST(settings_seed_file_has_exactly_two_placeholder_errors) {
  std::string text = ReadFixture("test/settings/fixtures/seed.yaml");
  NP_CHECK(!text.empty());
  auto ds = CheckText(text);
  NP_CHECK_EQ(Codes(ds), std::string("placeholder@7:16,placeholder@9:16"));
  for (const auto& d : ds) {
    NP_CHECK(d.error);
    NP_CHECK(!d.fix.empty());
  }
  NP_CHECK_EQ(ds[0].path, std::string("Connection.EndpointUrl"));
  NP_CHECK_EQ(ds[1].path, std::string("Connection.BearerToken"));
}

NP_TEST(settings_spec_example_is_clean) {
  NP_CHECK_EQ(Codes(CheckText(ReadFixture("test/settings/fixtures/spec-example.yaml"))), std::string(""));
}

NP_TEST(settings_reader_values) {
  NP_CHECK_EQ(Value("a: 1\nb: [x, {y: 0x1F}]\n"), std::string("m{\"a\":i:1,\"b\":s[\"x\",m{\"y\":i:0x1F}]}"));
  NP_CHECK_EQ(Value("c: |\n  lit\n  two\nd: >-\n  f\n  g\n\n  h\n"), std::string("m{\"c\":\"lit\ntwo\n\",\"d\":\"f g\nh\"}"));
  NP_CHECK_EQ(Value("\"q\\u00e9\": 'it''s'\n"), std::string("m{\"qé\":\"it's\"}"));
  NP_CHECK_EQ(Value("- ~\n- null\n- \n- true\n- False\n- .inf\n- 1e3\n- yes\n"),
              std::string("s[null,null,null,true,false,f:.inf,f:1e3,\"yes\"]"));
  NP_CHECK_EQ(Value("\xEF\xBB\xBF" "a: b\r\nc: d\r\n"), std::string("m{\"a\":\"b\",\"c\":\"d\"}"));
  NP_CHECK_EQ(Value(""), std::string("null"));
  NP_CHECK_EQ(Value("k:\n- a\n- b\nz: 1\n"), std::string("m{\"k\":s[\"a\",\"b\"],\"z\":i:1}"));
  NP_CHECK_EQ(Value("a: one\n  two\n\n  three\n"), std::string("m{\"a\":\"one two\nthree\"}"));
}

NP_TEST(settings_read_settings_refuses_duplicate_keys) {
  std::string ok = "a: 1\nb: 2\n";
  NP_CHECK_EQ(np::settings::ReadSettings(B(ok), ok.size()).nodes.size(), size_t{5});
  std::string dup = "a: 1\nb:\n  x: 1\n  x: 2\n";
  bool thrown = false;
  try {
    np::settings::ReadSettings(B(dup), dup.size());
  } catch (const np::settings::ReadError& e) {
    thrown = true;
    NP_CHECK_EQ(e.code(), std::string("duplicate-key"));
    NP_CHECK_EQ(e.line(), 4u);
    NP_CHECK_EQ(e.col(), 3u);
  }
  NP_CHECK(thrown);
}

NP_TEST(settings_reader_refusals_name_the_construct) {
  struct Case {
    const char* text;
    const char* code;
    uint32_t line, col;
  };
  const Case cases[] = {
      {"a: &x 1\n", "anchor", 1, 4},
      {"a: *x\n", "alias", 1, 4},
      {"a: !!str 1\n", "tag", 1, 4},
      {"? a\n: 1\n", "complex-key", 1, 1},
      {"{a: 1}: b\n", "complex-key", 1, 1},
      {"a: 1\n---\nb: 2\n", "multiple-documents", 2, 1},
      {"a:\n\tb: 1\n", "tab-indent", 2, 1},
      {"%YAML 1.2\n---\na: 1\n", "directive", 1, 1},
      {"a: \"x\n", "yaml-syntax", 1, 4},
      {"a: b: c\n", "yaml-syntax", 1, 5},
      {"a: \xff\n", "invalid-utf8", 1, 4},
      {"a: \x01\n", "control-character", 1, 4},
  };
  for (const Case& c : cases) {
    std::string t = c.text;
    bool thrown = false;
    try {
      Read(B(t), t.size());
    } catch (const np::settings::ReadError& e) {
      thrown = true;
      NP_CHECK_EQ(e.code(), std::string(c.code));
      NP_CHECK_EQ(e.line(), c.line);
      NP_CHECK_EQ(e.col(), c.col);
      NP_CHECK(!e.fix().empty());
    }
    NP_CHECK(thrown);
  }
}

NP_TEST(settings_reader_depth_is_bounded) {
  std::string deep(200000, '[');
  NP_CHECK_THROWS_CODE(Read(B(deep), deep.size()), "too-deep");
  std::string nested;
  for (int i = 0; i < 400; ++i) nested += std::string(static_cast<size_t>(i), ' ') + "a:\n";
  NP_CHECK_THROWS_CODE(Read(B(nested), nested.size()), "too-deep");
}

NP_TEST(settings_checker_rules) {
  const std::string base =
      "General:\n  Provider: otlp\n  Type: application\nConnection:\n  EndpointUrl: https://c.example.com\nMonitoring:\n  ServiceName: svc\n";
  NP_CHECK_EQ(Codes(CheckText(base)), std::string(""));
  NP_CHECK_EQ(Codes(CheckText(base + "  Enabled: yes\n")), std::string("yaml11-boolean@8:12"));
  NP_CHECK_EQ(Codes(CheckText(base + "  Enabld: true\n")), std::string("unknown-key@8:3"));
  NP_CHECK_EQ(Codes(CheckText(base + "  ServiceName: x\n")), std::string("duplicate-key@8:3"));
  NP_CHECK_EQ(Codes(CheckText(base + "  Sampling:\n    Ratio: 2\n")), std::string("out-of-range@9:12"));
  NP_CHECK_EQ(Codes(CheckText(base + "  Special: [AWS, AWS]\n")), std::string("duplicate-item@8:18"));
  CheckOptions d8;
  d8.runtimes = {"dotnet8"};
  CheckOptions d10;
  d10.runtimes = {"dotnet10"};
  std::string lambda = base + "  Special: [AWS]\n";
  lambda.replace(lambda.find("application"), 11, "awslambda");
  NP_CHECK_EQ(Codes(CheckText(lambda, d8)), std::string("aws-instrumentation-dotnet8@8:13"));
  NP_CHECK_EQ(Codes(CheckText(lambda, d10)), std::string(""));
  CheckOptions layer;
  layer.forLayer = true;
  NP_CHECK_EQ(Codes(CheckText(base + "Connection2: 1\n", layer)), std::string("unknown-key@8:1"));
  std::string tok = base;
  tok.insert(tok.find("Monitoring:"), "  BearerToken: abc\n");
  NP_CHECK_EQ(Codes(CheckText(tok, layer)), std::string("literal-token-in-layer@6:16"));
  std::string ref = base;
  ref.insert(ref.find("Monitoring:"), "  BearerToken: ${env:TOKEN}\n");
  NP_CHECK_EQ(Codes(CheckText(ref, layer)), std::string(""));
}

NP_TEST(settings_edit_distance_and_suggestions) {
  NP_CHECK_EQ(np::settings::EditDistance("ServiceNme", "ServiceName", true), 1u);
  NP_CHECK_EQ(np::settings::EditDistance("enabled", "Enabled", true), 0u);
  NP_CHECK_EQ(np::settings::EditDistance("enabled", "Enabled", false), 1u);
  NP_CHECK_EQ(np::settings::EditDistance("", "abc", false), 3u);
  NP_CHECK_EQ(np::settings::Nearest("grcp", {"http", "grpc"}), std::string("grpc"));
  NP_CHECK_EQ(np::settings::Nearest("zzzzzz", {"http", "grpc"}), std::string(""));
  NP_CHECK_EQ(np::settings::NearestKey("Connection.Timeout"), std::string("Connection.TimeoutMs"));
  NP_CHECK_EQ(np::settings::NearestKey("monitoring.enabld"), std::string("Monitoring.Enabled"));
  NP_CHECK_EQ(np::settings::NearestKey("Nope.Key"), std::string(""));
  NP_CHECK_EQ(np::settings::NearestKey("General"), std::string(""));  // sections are not suggested
}

// The key table is well formed: parents before children, defaults of the key's type and
// inside its range, enum defaults among the values, a description on every row.
NP_TEST(settings_key_table_is_consistent) {
  using np::settings::KeyDefault;
  using np::settings::KeyType;
  const auto& keys = np::settings::Keys();
  NP_CHECK(keys.size() > 10);
  std::vector<std::string> seen;
  for (const auto& k : keys) {
    std::string path = k.path;
    NP_CHECK(np::settings::FindKey(path) == &k);
    NP_CHECK(k.description[0] != '\0');
    size_t dot = path.rfind('.');
    if (dot != std::string::npos) {
      const auto* parent = np::settings::FindKey(path.substr(0, dot));
      NP_CHECK(parent != nullptr && parent->type == KeyType::Section);
      NP_CHECK(std::find(seen.begin(), seen.end(), path.substr(0, dot)) != seen.end());
    }
    seen.push_back(path);
    switch (k.dflt.kind) {
      case KeyDefault::Kind::Bool: NP_CHECK(k.type == KeyType::Bool); break;
      case KeyDefault::Kind::Number:
        NP_CHECK(k.type == KeyType::Int || k.type == KeyType::Float);
        NP_CHECK(k.dflt.number >= k.min && k.dflt.number <= k.max);
        break;
      case KeyDefault::Kind::Text:
        NP_CHECK(k.type == KeyType::Enum);
        NP_CHECK(std::find(k.values.begin(), k.values.end(), k.dflt.text) != k.values.end());
        break;
      case KeyDefault::Kind::EmptyList: NP_CHECK(k.type == KeyType::List); break;
      case KeyDefault::Kind::EmptyMap: NP_CHECK(k.type == KeyType::Headers); break;
      case KeyDefault::Kind::SameAs: NP_CHECK(np::settings::FindKey(k.dflt.text) != nullptr); break;
      case KeyDefault::Kind::None: NP_CHECK(k.type != KeyType::Bool && k.type != KeyType::Int && k.type != KeyType::Float); break;
    }
    if (k.type == KeyType::Int || k.type == KeyType::Float) NP_CHECK(k.min < k.max);
    if (k.type == KeyType::Enum || k.type == KeyType::List) NP_CHECK(!k.values.empty());
  }
  NP_CHECK_EQ(np::settings::DefaultText(*np::settings::FindKey("Connection.TimeoutMs")), std::string("10000"));
  NP_CHECK_EQ(np::settings::DefaultText(*np::settings::FindKey("Monitoring.Sampling.Ratio")), std::string("1.0"));
  NP_CHECK_EQ(np::settings::DefaultText(*np::settings::FindKey("General.Enabled")), std::string("true"));
  NP_CHECK_EQ(std::string(np::settings::KeyTypeName(np::settings::FindKey("Monitoring.Special")->type)), std::string("list"));
}

// A token or a header value is never quoted whole in a message.
NP_TEST(settings_messages_do_not_quote_secrets) {
  const std::string base =
      "General:\n  Provider: otlp\n  Type: application\nMonitoring:\n  ServiceName: svc\nConnection:\n  EndpointUrl: https://c.example.com\n";
  const std::string secret = "s3cr3tPLANTED";
  for (const std::string& line : {"  BearerToken: " + secret + "${x}\n", "  BearerToken: 1234567" + std::string("\n"),
                                  "  Headers:\n    X-Key: " + secret + "<id>\n", "  Headers:\n    X-Key: a${" + secret + "\n",
                                  "  BearerToken: " + secret + "<token>\n"}) {
    auto ds = CheckText(base + line);
    NP_CHECK(!ds.empty());
    for (const auto& d : ds) {
      NP_CHECK(d.message.find(secret) == std::string::npos);
      NP_CHECK(d.fix.find(secret) == std::string::npos);
      NP_CHECK(d.message.find("1234567") == std::string::npos);
    }
  }
  auto ds = CheckText(base + "  BearerToken: " + secret + "<token>\n");
  NP_CHECK(ds[0].message.find("`<token>`") != std::string::npos);
}

NP_TEST(settings_any_bytes_give_findings) {
  uint32_t x = 7;
  for (int n = 0; n < 2000; ++n) {
    std::string s;
    size_t len = static_cast<size_t>(n % 97);
    for (size_t i = 0; i < len; ++i) {
      x = x * 1103515245u + 12345u;
      const char alphabet[] = " :-#\n[]{}\"'|>a1\t,&*!?%\\\r";
      s += (n % 3 == 0) ? static_cast<char>(x >> 24) : alphabet[(x >> 24) % (sizeof alphabet - 1)];
    }
    auto ds = CheckText(s);
    for (const auto& d : ds) {
      NP_CHECK(d.line >= 1);
      NP_CHECK(d.col >= 1);
      NP_CHECK(!d.code.empty());
    }
  }
}
