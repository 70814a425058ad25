// The keys of settings.yaml format 1: the one table of the format (docs/settings.md,
// "Keys"). Every key's type, default, accepted values, range and description is a row of
// Keys(); the checker enforces it, and the addon exports it (src/settings.cc,
// `settingsKeys`) so that the SDK derives its `Settings` type, the defaults of
// `effectiveSettings`, the JSON Schema and the edit commands' value parsing from it.
// Adding a key is one row here (docs/settings.md, "Adding a key").
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace np::settings {

// What a key holds. The names KeyTypeName() gives are the SDK's `KeyKind` values.
enum class KeyType : unsigned char {
  Section,  // a mapping of further keys
  Bool,     // true / false
  Enum,     // one of `values`
  Url,      // an http(s) base URL, or ${env:NAME}
  String,   // text (a number is taken as its text, with a warning), or ${env:NAME}
  Token,    // a secret text, or ${env:NAME}; masked in output
  Headers,  // a mapping of HTTP header names to text values (each may be ${env:NAME})
  Int,      // a whole number in [min, max]
  Float,    // a number in [min, max]
  List,     // a list of distinct items, each one of `values`
};

// The value a key takes when the file does not set it.
struct KeyDefault {
  enum class Kind : unsigned char {
    None,       // no default: the key is absent from the effective settings
    Bool,       // `boolean`
    Number,     // `number`
    Text,       // `text`
    EmptyList,  // []
    EmptyMap,   // {}
    SameAs,     // the effective value of the key named by `text`
  };
  Kind kind = Kind::None;
  bool boolean = false;
  double number = 0;
  const char* text = "";
};

struct KeySpec {
  const char* path;                 // dotted, such as `Connection.TimeoutMs`
  KeyType type;
  KeyDefault dflt;
  std::vector<std::string> values;  // Enum: its values; List: the items accepted
  double min = 0, max = 0;          // Int, Float: the inclusive range
  const char* unit = "";            // Int, Float: what a number counts (`milliseconds`)
  const char* description = "";     // one sentence for people (schema, docs, help)
};

// Every key, parents before their children, in the order the effective settings list them.
const std::vector<KeySpec>& Keys();

// The key of a dotted path, or nullptr.
const KeySpec* FindKey(const std::string& path);

// The name of a key type as the SDK spells it: `section`, `bool`, `enum`, `url`,
// `string`, `token`, `headers`, `int`, `float`, `list`.
const char* KeyTypeName(KeyType type);

// True when a value of this type may be an environment reference `${env:NAME}`.
bool AcceptsEnvReference(KeyType type);

// The default as a person writes it in the file (`10000`, `true`, `otlp`, `[]`), or "".
std::string DefaultText(const KeySpec& key);

// Levenshtein distance (ASCII case-insensitive when `fold` is set).
size_t EditDistance(const std::string& a, const std::string& b, bool fold);

// The candidate nearest to `word` (case-insensitive edit distance), or "" when none is
// close enough to be a likely typo.
std::string Nearest(const std::string& word, const std::vector<std::string>& candidates);

// The key path (not a section) nearest to `path` (at most one edit in four characters,
// and at least two allowed), or "".
std::string NearestKey(const std::string& path);

}  // namespace np::settings
