// The settings.yaml checker (see check.h and docs/settings.md).
#include "settings/check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <set>
#include <unordered_set>
#include <utility>

#include "settings/keys.h"
#include "settings/yaml.h"

namespace np::settings {
namespace {

using Spec = KeySpec;

const Spec* FindSpec(const std::string& path) { return FindKey(path); }

std::string Parent(const std::string& path) {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}
std::string Leaf(const std::string& path) {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::vector<std::string> Children(const std::string& parent) {
  std::vector<std::string> out;
  for (const Spec& s : Keys()) {
    if (Parent(s.path) == parent) out.push_back(Leaf(s.path));
  }
  return out;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
std::string LowerStr(std::string s) {
  for (char& c : s) c = Lower(c);
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool StartsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// `text` shown in a message: quoted and shortened.
std::string Show(const std::string& text) {
  std::string t;
  size_t n = 0;
  for (unsigned char c : text) {
    if (n >= 60) {
      t += "...";
      break;
    }
    if (c == '\n') t += "\\n";
    else if (c < 0x20) t += '?';
    else t += static_cast<char>(c);
    if ((c & 0xC0) != 0x80) ++n;
  }
  return "`" + t + "`";
}

bool IsEnvRef(const std::string& s) {
  if (!StartsWith(s, "${env:") || s.back() != '}' || s.size() < 8) return false;
  for (size_t i = 6; i + 1 < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && i > 6))) return false;
  }
  return true;
}

// The first placeholder `<...>` of a value (`<`, at least one character, `>`, no `<` in
// between): its offset and length, or npos.
std::pair<size_t, size_t> FindPlaceholder(const std::string& s) {
  size_t lt = s.find('<');
  while (lt != std::string::npos) {
    size_t gt = s.find_first_of("<>", lt + 1);
    if (gt == std::string::npos) break;
    if (s[gt] == '>' && gt > lt + 1) return {lt, gt - lt + 1};
    lt = s[gt] == '<' ? gt : s.find('<', gt + 1);
  }
  return {std::string::npos, 0};
}
bool HasPlaceholder(const std::string& s) { return FindPlaceholder(s).first != std::string::npos; }
// The placeholder alone, for a message about a secret value (the rest is not shown).
std::string PlaceholderPart(const std::string& s) {
  auto [at, len] = FindPlaceholder(s);
  return at == std::string::npos ? std::string("<...>") : s.substr(at, len);
}

struct Url {
  std::string scheme, host, path;
  bool ok = false;
  std::string problem;
};

Url ParseUrl(const std::string& s) {
  Url u;
  size_t sep = s.find("://");
  if (sep == std::string::npos || sep == 0) {
    u.problem = "it has no scheme (it must start with `https://` or `http://`)";
    return u;
  }
  u.scheme = LowerStr(s.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") {
    u.problem = "its scheme is `" + s.substr(0, sep) + "`; only `http` and `https` are supported";
    return u;
  }
  size_t hostStart = sep + 3;
  size_t hostEnd = s.find_first_of("/?#", hostStart);
  if (hostEnd == std::string::npos) hostEnd = s.size();
  std::string authority = s.substr(hostStart, hostEnd - hostStart);
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7F) {
      u.problem = "it contains a space or a control character";
      return u;
    }
  }
  if (authority.find('@') != std::string::npos) {
    u.problem = "it has user information (`user@`) in it; put credentials in BearerToken or Headers";
    return u;
  }
  std::string host = authority;
  std::string port;
  if (!host.empty() && host[0] == '[') {
    size_t close = host.find(']');
    if (close == std::string::npos) {
      u.problem = "its IPv6 host has no closing `]`";
      return u;
    }
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') {
        u.problem = "unexpected text after the IPv6 host";
        return u;
      }
      port = host.substr(close + 2);
    }
    host = host.substr(0, close + 1);
  } else {
    size_t colon = host.rfind(':');
    if (colon != std::string::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
    }
  }
  if (host.empty()) {
    u.problem = "it has no host name";
    return u;
  }
  if (authority.find(':') != std::string::npos && host[0] != '[' && port.empty()) {
    u.problem = "it has a `:` but no port number";
    return u;
  }
  if (!port.empty()) {
    long v = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || v > 65535) {
        u.problem = "its port `" + port + "` is not a number from 1 to 65535";
        return u;
      }
      v = v * 10 + (c - '0');
    }
    if (v < 1 || v > 65535) {
      u.problem = "its port `" + port + "` is not a number from 1 to 65535";
      return u;
    }
  }
  u.host = host;
  size_t pathEnd = s.find_first_of("?#", hostEnd);
  u.path = s.substr(hostEnd, (pathEnd == std::string::npos ? s.size() : pathEnd) - hostEnd);
  u.ok = true;
  return u;
}

bool IsTokenChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != 0;
}

class Checker {
 public:
  Checker(const Document& doc, const CheckOptions& opt) : doc_(doc), opt_(opt) {
    for (const DuplicateKey& d : FindDuplicateKeys(doc)) dupKeys_.insert(d.key);
  }

  std::vector<Diagnostic> Run() {
    const Node* root = doc_.root < 0 ? nullptr : &doc_.nodes[static_cast<size_t>(doc_.root)];
    if (root && !(root->kind == NodeKind::Map || (root->kind == NodeKind::Scalar && root->type == ScalarType::Null))) {
      Add("wrong-type", true, "", *root,
          "the file must be a mapping of sections (General, Connection, Monitoring), not " + Describe(*root),
          "start from `net-profiler settings init`");
      return std::move(diags_);
    }
    if (root && root->kind == NodeKind::Map) WalkMap(*root, "");
    CrossRules();
    return std::move(diags_);
  }

 private:
  const Document& doc_;
  const CheckOptions& opt_;
  std::unordered_set<uint32_t> dupKeys_;
  std::vector<Diagnostic> diags_;

  // Values found for cross rules.
  struct Found {
    const Node* key = nullptr;
    const Node* value = nullptr;
    bool valid = false;  // value passed its own checks
    std::string text;    // string/enum value
    bool boolValue = false;
    bool envRef = false;
    bool placeholder = false;
  };
  std::unordered_map<std::string, Found> found_;
  std::vector<std::pair<const Node*, std::string>> specialItems_;  // valid items

  const Node& N(uint32_t i) const { return doc_.nodes[i]; }

  void Add(const char* code, bool error, const std::string& path, const Node& at, std::string message, std::string fix = "") {
    Diagnostic d;
    d.code = code;
    d.error = error;
    d.path = path;
    d.line = at.line;
    d.col = at.col;
    d.message = std::move(message);
    d.fix = std::move(fix);
    diags_.push_back(std::move(d));
  }

  static std::string Describe(const Node& n) {
    if (n.kind == NodeKind::Map) return "a mapping";
    if (n.kind == NodeKind::Seq) return "a list";
    switch (n.type) {
      case ScalarType::Null: return "empty";
      case ScalarType::Bool: return "the boolean " + Show(n.text);
      case ScalarType::Int: return "the number " + Show(n.text);
      case ScalarType::Float: return "the number " + Show(n.text);
      case ScalarType::Str: return (n.style == Style::Plain ? "the string " : "the quoted string ") + Show(n.text);
    }
    return "a value";
  }

  void WalkMap(const Node& map, const std::string& prefix) {
    for (size_t k = 0; k + 1 < map.children.size(); k += 2) {
      const Node& key = N(map.children[k]);
      const Node& value = N(map.children[k + 1]);
      std::string name = key.type == ScalarType::Null && key.style == Style::Plain ? "" : key.text;
      std::string path = prefix.empty() ? name : prefix + "." + name;
      if (dupKeys_.count(map.children[k])) {
        Add("duplicate-key", true, path, key, "the key " + Show(name) + " appears more than once in this mapping",
            "keep one `" + name + ":` and remove the other");
        continue;
      }
      const Spec* spec = key.type == ScalarType::Str ? FindSpec(path) : nullptr;
      if (!spec) {
        UnknownKey(key, name, prefix, path);
        continue;
      }
      CheckValue(*spec, key, value, path);
    }
  }

  void UnknownKey(const Node& key, const std::string& name, const std::string& prefix, const std::string& path) {
    std::vector<std::string> siblings = Children(prefix);
    std::string where = prefix.empty() ? "at the top level" : "under " + prefix;
    std::string near = Nearest(name, siblings);
    std::string fix;
    if (!near.empty()) {
      fix = "did you mean `" + near + "`? (keys are case-sensitive)";
    } else {
      // The key may belong to another section.
      for (const Spec& s : Keys()) {
        if (Leaf(s.path) == name || (EditDistance(Leaf(s.path), name, true) <= 1 && name.size() > 3)) {
          fix = "`" + Leaf(s.path) + "` belongs under `" + (Parent(s.path).empty() ? std::string("the top level") : Parent(s.path)) + "`";
          break;
        }
      }
    }
    std::string known;
    for (size_t i = 0; i < siblings.size(); ++i) known += (i ? ", " : "") + siblings[i];
    if (fix.empty()) fix = "remove it; the keys " + where + " are: " + known;
    Add("unknown-key", true, path, key, "unknown key " + Show(name) + " " + where, fix);
  }

  // Common checks of a string value; returns false when the value is unusable. A
  // `secret` value (a token, a header value) is never quoted whole in a message.
  bool CheckStringText(const std::string& path, const Node& value, Found& f, bool allowEnv, bool secret = false) {
    const std::string& s = value.text;
    if (IsEnvRef(s)) {
      if (!allowEnv) {
        Add("wrong-type", true, path, value, path + " cannot come from an environment reference; only string settings can",
            "write the value itself");
        return false;
      }
      f.envRef = true;
      return true;
    }
    if (HasPlaceholder(s)) {
      f.placeholder = true;
      Add("placeholder", true, path, value,
          path + " still holds the placeholder " + Show(secret ? PlaceholderPart(s) : s) + " from the documentation",
          PlaceholderFix(path));
      return false;
    }
    if (s.find("${") != std::string::npos) {
      Add("bad-env-reference", true, path, value,
          (secret ? std::string("the value") : Show(s)) +
              " uses `${` but is not an environment reference; a value may only be exactly `${env:NAME}`",
          "write the whole value as `${env:NAME}` (NAME: letters, digits, `_`), or remove the `${`");
      return false;
    }
    return true;
  }

  static std::string PlaceholderFix(const std::string& path) {
    if (path == "Connection.EndpointUrl") {
      return "replace it with your endpoint, for Dynatrace `https://{your-environment-id}.live.dynatrace.com/api/v2/otlp`";
    }
    if (path == "Connection.BearerToken") {
      return "use an environment reference such as `${env:DT_API_TOKEN}` and set that variable on the function";
    }
    return "replace the `<...>` part with the real value";
  }

  // A value where a string is expected. Returns false when unusable.
  bool StringValue(const std::string& path, const Node& value, Found& f, bool secret) {
    if (value.kind != NodeKind::Scalar) {
      Add("wrong-type", true, path, value, path + " must be a string, not " + Describe(value));
      return false;
    }
    switch (value.type) {
      case ScalarType::Null:
        Add("empty-value", true, path, value, path + " has no value", "write a value, or remove the key");
        return false;
      case ScalarType::Bool:
        Add("wrong-type", true, path, value, path + " must be a string, not " + Describe(value),
            "put it in quotes: \"" + value.text + "\"");
        return false;
      case ScalarType::Int:
      case ScalarType::Float:
        if (secret) {
          Add("number-as-string", false, path, value, path + " is a number; it is used as its text",
              "put it in quotes to make it a string");
        } else {
          Add("number-as-string", false, path, value,
              path + " is the number " + Show(value.text) + "; it is used as the text " + Show(value.text),
              "put it in quotes to make it a string: \"" + value.text + "\"");
        }
        f.text = value.text;
        return true;
      case ScalarType::Str:
        break;
    }
    if (!CheckStringText(path, value, f, true, secret)) return false;
    f.text = value.text;
    return true;
  }

  void CheckValue(const Spec& spec, const Node& key, const Node& value, const std::string& path) {
    Found& f = found_[path];
    f.key = &key;
    f.value = &value;
    f.valid = false;
    switch (spec.type) {
      case KeyType::Section:
        if (value.kind == NodeKind::Map) WalkMap(value, path);
        else if (!(value.kind == NodeKind::Scalar && value.type == ScalarType::Null)) {
          Add("wrong-type", true, path, value, path + " must be a mapping of keys, not " + Describe(value),
              "put its keys on the following lines, indented: " + JoinChildren(path));
          return;
        }
        f.valid = true;
        return;
      case KeyType::Bool: CheckBool(path, value, f); return;
      case KeyType::Enum: CheckEnum(spec, path, value, f); return;
      case KeyType::Url: CheckUrl(path, value, f); return;
      case KeyType::String:
      case KeyType::Token:
        f.valid = StringValue(path, value, f, spec.type == KeyType::Token);
        return;
      case KeyType::Headers: CheckHeaders(path, value, f); return;
      case KeyType::Int:
      case KeyType::Float: CheckNumber(spec, path, value, f); return;
      case KeyType::List: CheckList(spec, path, value, f); return;
    }
  }

  std::string JoinChildren(const std::string& path) {
    std::string out;
    for (const std::string& c : Children(path)) out += (out.empty() ? "" : ", ") + c;
    return out;
  }

  void CheckBool(const std::string& path, const Node& value, Found& f) {
    if (value.kind != NodeKind::Scalar) {
      Add("wrong-type", true, path, value, path + " must be true or false, not " + Describe(value), "write `true` or `false`");
      return;
    }
    if (value.type == ScalarType::Bool) {
      f.valid = true;
      f.boolValue = value.text[0] == 't' || value.text[0] == 'T';
      return;
    }
    if (value.type == ScalarType::Null) {
      Add("empty-value", true, path, value, path + " has no value", std::string("write `true` or `false`, or remove the key to use the default (") + DefaultText(*FindSpec(path)) + ")");
      return;
    }
    // the YAML 1.1 booleans, each with the boolean it meant
    static const struct {
      const char* words[8];
      const char* meant;
    } kYaml11[] = {{{"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"}, "true"},
                   {{"n", "N", "no", "No", "NO", "off", "Off", "OFF"}, "false"}};
    if (value.type == ScalarType::Str && value.style == Style::Plain) {
      for (const auto& b : kYaml11) {
        for (const char* w : b.words) {
          if (value.text == w) {
            Add("yaml11-boolean", true, path, value,
                Show(value.text) + " is a YAML 1.1 boolean; YAML 1.2 reads it as the string " + Show(value.text) + ", not " + b.meant,
                std::string("write `") + b.meant + "`");
            return;
          }
        }
      }
    }
    std::string fix = "write `true` or `false`";
    if (value.type == ScalarType::Str && value.style != Style::Plain && (LowerStr(value.text) == "true" || LowerStr(value.text) == "false")) {
      fix = "remove the quotes: `" + LowerStr(value.text) + "`";
    }
    Add("wrong-type", true, path, value, path + " must be true or false, not " + Describe(value), fix);
  }

  void CheckEnum(const Spec& spec, const std::string& path, const Node& value, Found& f) {
    std::string list;
    for (size_t i = 0; i < spec.values.size(); ++i) list += (i ? ", " : "") + ("`" + spec.values[i] + "`");
    if (value.kind != NodeKind::Scalar || value.type == ScalarType::Int || value.type == ScalarType::Float ||
        value.type == ScalarType::Bool) {
      Add("wrong-type", true, path, value, path + " must be one of " + list + ", not " + Describe(value),
          "write one of " + list);
      return;
    }
    if (value.type == ScalarType::Null) {
      Add("empty-value", true, path, value, path + " has no value",
          "write one of " + list + ", or remove the key to use the default (" + DefaultText(spec) + ")");
      return;
    }
    if (!CheckStringText(path, value, f, false)) return;
    for (const std::string& v : spec.values) {
      if (value.text == v) {
        f.valid = true;
        f.text = v;
        return;
      }
    }
    if (path == "General.Type" && LowerStr(value.text) == "azurefunctions") {
      Add("not-supported", true, path, value, "`azurefunctions` is reserved and not supported yet",
          "use `awslambda` or `application`");
      return;
    }
    for (const std::string& v : spec.values) {
      if (LowerStr(value.text) == v || LowerStr(value.text) == LowerStr(v)) {
        Add("invalid-value", true, path, value, Show(value.text) + " is not a valid " + path + " (values are case-sensitive)",
            "write `" + v + "`");
        return;
      }
    }
    std::string near = Nearest(value.text, spec.values);
    Add("invalid-value", true, path, value, Show(value.text) + " is not a valid " + path + "; it must be one of " + list,
        near.empty() ? "write one of " + list : "did you mean `" + near + "`?");
  }

  void CheckUrl(const std::string& path, const Node& value, Found& f) {
    if (!StringValue(path, value, f, false)) return;
    if (f.envRef) {
      f.valid = true;
      return;
    }
    Url u = ParseUrl(f.text);
    if (!u.ok) {
      Add("invalid-url", true, path, value, path + " " + Show(f.text) + " is not a usable URL: " + u.problem,
          "write a base URL such as `https://collector.example.com:4318`");
      return;
    }
    for (const char* sig : {"/v1/traces", "/v1/metrics", "/v1/logs"}) {
      std::string p = u.path;
      if (!p.empty() && p.back() == '/') p.pop_back();
      if (EndsWith(p, sig)) {
        Add("endpoint-signal-path", false, path, value,
            path + " ends in `" + sig + "`, but it is the base URL: the profiler appends /v1/traces, /v1/metrics and /v1/logs itself",
            std::string("remove `") + sig + "` from the end of the URL");
        break;
      }
    }
    f.valid = true;
  }

  void CheckHeaders(const std::string& path, const Node& value, Found& f) {
    if (value.kind == NodeKind::Scalar && value.type == ScalarType::Null) {
      f.valid = true;
      return;
    }
    if (value.kind != NodeKind::Map) {
      Add("wrong-type", true, path, value, path + " must be a mapping of header names to values, not " + Describe(value),
          "write each header on its own line below, indented: `X-Header: value`");
      return;
    }
    std::set<std::string> seenLower;
    for (size_t k = 0; k + 1 < value.children.size(); k += 2) {
      const Node& hk = N(value.children[k]);
      const Node& hv = N(value.children[k + 1]);
      std::string name = hk.text;
      std::string hpath = path + "." + name;
      if (dupKeys_.count(value.children[k])) {
        Add("duplicate-key", true, hpath, hk, "the header " + Show(name) + " appears more than once", "keep one of them");
        continue;
      }
      bool okName = !name.empty() && hk.type != ScalarType::Null;
      for (unsigned char c : name) {
        if (!IsTokenChar(c)) okName = false;
      }
      if (!okName) {
        Add("invalid-header-name", true, hpath, hk,
            Show(name) + " is not a valid HTTP header name (RFC 9110 allows letters, digits and !#$%&'*+-.^_`|~)",
            "use a header name such as `X-Team`");
      } else if (!seenLower.insert(LowerStr(name)).second) {
        Add("duplicate-header", false, hpath, hk, "the header " + Show(name) + " is given twice (header names ignore case)",
            "keep one of them");
      }
      Found hf;
      if (!StringValue(hpath, hv, hf, true)) continue;
      bool okValue = true;
      for (unsigned char c : hf.text) {
        if ((c < 0x20 && c != '\t') || c == 0x7F) okValue = false;
      }
      if (!okValue) {
        Add("invalid-header-value", true, hpath, hv, "the value of header " + Show(name) + " contains a line break or control character",
            "write the value on one line without control characters");
        continue;
      }
      if (opt_.forLayer && !hf.envRef && LowerStr(name) == "authorization") {
        Add("literal-token-in-layer", false, hpath, hv,
            "a literal Authorization header is embedded in the layer, readable by anyone allowed lambda:GetLayerVersion",
            "write `" + name + ": ${env:NAME}` and set NAME on the function");
      }
    }
    f.valid = true;
  }

  void CheckNumber(const Spec& spec, const std::string& path, const Node& value, Found& f) {
    bool isInt = spec.type == KeyType::Int;
    char range[96];
    if (isInt) std::snprintf(range, sizeof range, "a whole number from %.0f to %.0f", spec.min, spec.max);
    else std::snprintf(range, sizeof range, "a number from %g to %g", spec.min, spec.max);
    std::string unit = spec.unit[0] ? std::string(" (") + spec.unit + ")" : "";
    if (value.kind != NodeKind::Scalar) {
      Add("wrong-type", true, path, value, path + " must be " + range + unit + ", not " + Describe(value),
          std::string("write a number, for example `") + DefaultText(spec) + "`");
      return;
    }
    if (value.type == ScalarType::Null) {
      Add("empty-value", true, path, value, path + " has no value",
          std::string("write ") + range + ", or remove the key to use the default (" + DefaultText(spec) + ")");
      return;
    }
    bool numeric = value.type == ScalarType::Int || (!isInt && value.type == ScalarType::Float);
    if (!numeric) {
      std::string fix = std::string("write a number, for example `") + DefaultText(spec) + "`";
      if (value.type == ScalarType::Str) {
        Found tmp;
        if (!CheckStringText(path, value, tmp, false)) return;
        if (value.style != Style::Plain && ResolvePlain(value.text) != ScalarType::Str) fix = "remove the quotes: `" + value.text + "`";
      }
      Add("wrong-type", true, path, value, path + " must be " + range + unit + ", not " + Describe(value), fix);
      return;
    }
    double v = NumberValue(value);
    if (std::isnan(v) || v < spec.min || v > spec.max) {
      Add("out-of-range", true, path, value, path + " is " + value.text + "; it must be " + range + unit,
          std::string("write ") + range + ", or remove the key to use the default (" + DefaultText(spec) + ")");
      return;
    }
    f.valid = true;
  }

  // A list key: distinct items, each one of the key's values.
  void CheckList(const Spec& spec, const std::string& path, const Node& value, Found& f) {
    std::string items;
    for (const std::string& v : spec.values) items += (items.empty() ? "" : ", ") + v;
    if (value.kind == NodeKind::Scalar && value.type == ScalarType::Null) {
      f.valid = true;
      return;
    }
    if (value.kind != NodeKind::Seq) {
      std::string fix = "write a list, for example `" + Leaf(path) + ": [" + spec.values[0] + "]`";
      if (value.kind == NodeKind::Scalar) fix = "write it as a list: `" + Leaf(path) + ": [" + value.text + "]`";
      Add("wrong-type", true, path, value, path + " must be a list of " + items + ", not " + Describe(value), fix);
      return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < value.children.size(); ++i) {
      const Node& item = N(value.children[i]);
      std::string ipath = path + "[" + std::to_string(i) + "]";
      if (item.kind != NodeKind::Scalar || item.type != ScalarType::Str) {
        Add("wrong-type", true, ipath, item, "an item of " + path + " must be one of " + items + ", not " + Describe(item),
            "write one of " + items);
        continue;
      }
      Found tmp;
      if (!CheckStringText(ipath, item, tmp, false)) continue;
      bool ok = std::find(spec.values.begin(), spec.values.end(), item.text) != spec.values.end();
      if (!ok) {
        std::string fix;
        for (const std::string& v : spec.values) {
          if (LowerStr(v) == LowerStr(item.text)) fix = "write `" + v + "` (values are case-sensitive)";
        }
        if (fix.empty()) {
          std::string near = Nearest(item.text, spec.values);
          fix = near.empty() ? "write one of " + items : "did you mean `" + near + "`?";
        }
        Add("invalid-value", true, ipath, item, Show(item.text) + " is not an accepted item; " + path + " takes " + items, fix);
        continue;
      }
      if (!seen.insert(item.text).second) {
        Add("duplicate-item", false, ipath, item, Show(item.text) + " is listed more than once in " + path, "remove the repeated item");
        continue;
      }
      if (path == "Monitoring.Special") specialItems_.push_back({&item, item.text});
    }
    f.valid = true;
  }

  // ---- rules across keys -------------------------------------------------------------

  // A target runtime whose agent lacks the AWS SDK instrumentation (only the .NET 10
  // agent ships it).
  bool RuntimeWithoutAwsInstrumentation() const {
    return std::find(opt_.runtimes.begin(), opt_.runtimes.end(), "dotnet8") != opt_.runtimes.end();
  }

  const Found* Get(const std::string& path) const {
    auto it = found_.find(path);
    return it == found_.end() ? nullptr : &it->second;
  }
  bool BoolOr(const std::string& path, bool dflt) const {
    const Found* f = Get(path);
    return f && f->valid ? f->boolValue : dflt;
  }
  std::string TextOr(const std::string& path, const std::string& dflt) const {
    const Found* f = Get(path);
    return f && f->valid ? f->text : dflt;
  }
  bool Present(const std::string& path) const {
    const Found* f = Get(path);
    return f != nullptr;
  }
  // Where a missing key is reported: its section's key, else the top of the file.
  Node MissingAt(const std::string& path) const {
    Node at;
    at.line = 1;
    at.col = 1;
    for (std::string p = Parent(path); !p.empty(); p = Parent(p)) {
      const Found* f = Get(p);
      if (f && f->key) {
        at.line = f->key->line;
        at.col = f->key->col;
        break;
      }
    }
    return at;
  }

  void CrossRules() {
    bool enabled = BoolOr("General.Enabled", true);
    std::string provider = TextOr("General.Provider", "otlp");
    std::string type = TextOr("General.Type", "application");
    bool tracing = BoolOr("Monitoring.Enabled", true);
    bool metrics = BoolOr("Monitoring.Metrics.Enabled", false);
    bool providerKnown = !Present("General.Provider") || Get("General.Provider")->valid;
    bool typeKnown = !Present("General.Type") || Get("General.Type")->valid;

    if (enabled && (tracing || metrics) && !Present("Connection.EndpointUrl")) {
      Add("missing-key", true, "Connection.EndpointUrl", MissingAt("Connection.EndpointUrl"),
          std::string("Connection.EndpointUrl is required because ") + (tracing ? "Monitoring.Enabled" : "Monitoring.Metrics.Enabled") +
              " is true",
          provider == "dynatrace" ? "add `EndpointUrl: https://{your-environment-id}.live.dynatrace.com/api/v2/otlp` under Connection"
                                  : "add `EndpointUrl: https://collector.example.com:4318` under Connection");
    }
    if (enabled && typeKnown && type != "awslambda" && !Present("Monitoring.ServiceName")) {
      Add("missing-key", true, "Monitoring.ServiceName", MissingAt("Monitoring.ServiceName"),
          "Monitoring.ServiceName is required when General.Type is `" + type + "` (only awslambda falls back to the function name)",
          "add `ServiceName: my-service` under Monitoring");
    }
    if (providerKnown && provider == "dynatrace") {
      const Found* url = Get("Connection.EndpointUrl");
      if (url && url->valid && !url->envRef) {
        Url u = ParseUrl(url->text);
        std::string p = u.path;
        if (!p.empty() && p.back() == '/') p.pop_back();
        bool signalSuffix = false;
        for (const char* sig : {"/v1/traces", "/v1/metrics", "/v1/logs"}) {
          if (EndsWith(p, sig)) {
            p = p.substr(0, p.size() - std::strlen(sig));
            signalSuffix = true;
          }
        }
        if (u.scheme != "https") {
          Add("dynatrace-https", true, "Connection.EndpointUrl", *url->value,
              "Dynatrace accepts OTLP only over https, but Connection.EndpointUrl is " + Show(url->text),
              "write the URL with `https://`");
        }
        if (!EndsWith(u.path, "/api/v2/otlp") && !signalSuffix) {
          Add("dynatrace-endpoint-path", true, "Connection.EndpointUrl", *url->value,
              "a Dynatrace endpoint's path must end in /api/v2/otlp, but it is " + Show(u.path.empty() ? "/" : u.path),
              "write `https://" + u.host + "/api/v2/otlp`");
        } else if (signalSuffix && !EndsWith(p, "/api/v2/otlp")) {
          Add("dynatrace-endpoint-path", true, "Connection.EndpointUrl", *url->value,
              "a Dynatrace endpoint's path must end in /api/v2/otlp, but it is " + Show(u.path),
              "write `https://" + u.host + "/api/v2/otlp`");
        }
      }
      const Found* ct = Get("Connection.Type");
      if (ct && ct->valid && ct->text == "grpc") {
        Add("dynatrace-connection-type", true, "Connection.Type", *ct->value,
            "Dynatrace ingests OTLP over HTTP only, but Connection.Type is `grpc`", "write `Type: http` (or remove it: http is the default)");
      }
      const Found* tok = Get("Connection.BearerToken");
      if (!tok && enabled) {
        Add("missing-key", true, "Connection.BearerToken", MissingAt("Connection.BearerToken"),
            "Connection.BearerToken is required with the dynatrace provider (it is sent as `Authorization: Api-Token ...`)",
            "add `BearerToken: ${env:DT_API_TOKEN}` under Connection and set DT_API_TOKEN on the function");
      } else if (tok && tok->valid && !tok->envRef && !StartsWith(tok->text, "dt0c01.")) {
        Add("dynatrace-token-format", false, "Connection.BearerToken", *tok->value,
            "a Dynatrace API token starts with `dt0c01.`; this one does not", "check that this is a Dynatrace API token with the openTelemetryTrace.ingest scope");
      }
    }
    const Found* tok = Get("Connection.BearerToken");
    if (opt_.forLayer && tok && tok->valid && !tok->envRef) {
      Add("literal-token-in-layer", false, "Connection.BearerToken", *tok->value,
          "the token is embedded in the layer and readable by anyone allowed lambda:GetLayerVersion",
          "write `BearerToken: ${env:DT_API_TOKEN}` and set DT_API_TOKEN on the function instead");
    }
    if (RuntimeWithoutAwsInstrumentation() && typeKnown && type == "awslambda") {
      for (const auto& item : specialItems_) {
        if (item.second == "AWS") {
          Add("aws-instrumentation-dotnet8", false, "Monitoring.Special", *item.first,
              "the AWS SDK instrumentation ships only in the .NET 10 agent; on dotnet8 functions `AWS` does nothing",
              "target dotnet10, or accept that AWS SDK calls are not traced on dotnet8");
        }
      }
    }
  }
};

}  // namespace

std::vector<Diagnostic> Check(const uint8_t* data, size_t size, const CheckOptions& options) {
  Document doc;
  try {
    doc = Read(data, size);
  } catch (const ReadError& e) {
    Diagnostic d;
    d.code = e.code();
    d.error = true;
    d.line = e.line();
    d.col = e.col();
    d.message = e.what();
    d.fix = e.fix();
    return {d};
  }
  Checker c(doc, options);
  std::vector<Diagnostic> diags = c.Run();
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.col < b.col;
  });
  return diags;
}

Document ReadSettings(const uint8_t* data, size_t size) {
  Document doc = Read(data, size);
  std::vector<DuplicateKey> dups = FindDuplicateKeys(doc);
  if (!dups.empty()) {
    const Node& k = doc.nodes[dups[0].key];
    throw ReadError("duplicate-key", "the key " + Show(k.text) + " appears more than once in its mapping", k.line, k.col,
                    "keep one of them");
  }
  return doc;
}

}  // namespace np::settings
