// The settings.yaml reader: the subset of YAML 1.2 (core schema) that docs/settings.md
// ("YAML accepted") describes, read from memory into a flat node tree with 1-based
// line/column positions. The reader is yaml.cc, yaml_block.cc and yaml_flow.cc (its
// internals in yaml_reader.h); the core schema's rules are core_schema.cc.
// Anchors, aliases, tags, complex keys, directives, several documents and tabs used
// for indentation are refused with a ReadError naming the construct.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace np::settings {

enum class NodeKind : uint8_t { Scalar, Map, Seq };
// How a scalar resolves under the YAML 1.2 core schema (quoted/block scalars are Str).
enum class ScalarType : uint8_t { Null, Bool, Int, Float, Str };
enum class Style : uint8_t { Plain, SingleQuoted, DoubleQuoted, Literal, Folded, Flow, Block, Empty };

struct Node {
  NodeKind kind = NodeKind::Scalar;
  Style style = Style::Plain;
  ScalarType type = ScalarType::Null;
  uint32_t line = 1;  // 1-based
  uint32_t col = 1;   // 1-based, in characters (code points)
  std::string text;   // decoded scalar text
  // Seq: item node indices. Map: key, value, key, value, ... node indices.
  std::vector<uint32_t> children;
};

struct Document {
  std::vector<Node> nodes;
  int32_t root = -1;  // -1: an empty document (no content at all)
};

// A file the reader refuses: stable code, message, 1-based position and a fix.
class ReadError : public np::Error {
 public:
  ReadError(std::string code, const std::string& message, uint32_t line, uint32_t col, std::string fix)
      : np::Error(std::move(code), message), line_(line), col_(col), fix_(std::move(fix)) {}
  uint32_t line() const noexcept { return line_; }
  uint32_t col() const noexcept { return col_; }
  const std::string& fix() const noexcept { return fix_; }

 private:
  uint32_t line_, col_;
  std::string fix_;
};

// Maximum nesting of collections; deeper input is refused (`too-deep`).
constexpr int kMaxDepth = 128;

// Reads one document. Throws ReadError for anything refused.
Document Read(const uint8_t* data, size_t size);

// A duplicate key found in a mapping (the second and later occurrences).
struct DuplicateKey {
  uint32_t map;  // index of the mapping node
  uint32_t key;  // index of the repeated key node
  uint32_t first;  // index of the first key node with that value
};
// Keys equal by their core-schema value, as the `yaml` package compares them.
std::vector<DuplicateKey> FindDuplicateKeys(const Document& doc);

// How a plain scalar resolves under the core schema.
ScalarType ResolvePlain(const std::string& s);

// The numeric value of an Int/Float scalar (NaN for .nan).
double NumberValue(const Node& n);

}  // namespace np::settings
