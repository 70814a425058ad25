// The settings.yaml reader's internals (see yaml.h): one recursive-descent reader over a
// normalised copy of the input (BOM dropped, CRLF turned into LF), bounded in depth. Its
// methods are split by job: yaml.cc (input, positions, lines, the document),
// yaml_block.cc (block collections, plain and block scalars), yaml_flow.cc (quoted
// scalars and flow collections). Only those files include this header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "settings/yaml.h"

namespace np::settings::detail {

inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }
inline bool IsBlankOrEnd(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\0'; }
inline bool IsFlowIndicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) { Normalise(data, size); }

  Document Run();

 private:
  enum class Start { Doc, MapValue, SeqItem };

  std::string s_;                   // normalised text, '\0'-terminated
  size_t p_ = 0;                    // cursor
  std::vector<size_t> lineStarts_;  // offsets of line starts in s_
  Document doc_;
  int depth_ = 0;
  bool commentBefore_ = false;  // comment lines between an indicator and its value
  size_t commentFrom_ = 0;

  // ---- input, positions, errors -------------------------------------------------

  void Normalise(const uint8_t* data, size_t size);

  char Cur() const { return s_[p_]; }
  char At(size_t q) const { return q < s_.size() ? s_[q] : '\0'; }
  bool AtEnd() const { return p_ + 1 >= s_.size(); }

  size_t LineIndex(size_t pos) const;
  size_t LineStart(size_t pos) const { return lineStarts_[LineIndex(pos)]; }
  // 0-based column in characters.
  // Cached: positions are mostly asked in increasing order on a line, so a long line
  // with many nodes costs linear time, not quadratic.
  int ColumnOf(size_t pos) const;
  mutable size_t colCacheLine_ = SIZE_MAX, colCachePos_ = 0;
  mutable int colCacheCol_ = 0;
  void Position(size_t pos, uint32_t& line, uint32_t& col) const;

  [[noreturn]] void FailAt(size_t pos, const char* code, const std::string& msg, const std::string& fix) const;
  [[noreturn]] void Fail(const char* code, const std::string& msg, const std::string& fix) const;

  uint32_t NewNode(NodeKind kind, Style style, size_t pos);

  void Enter();
  void Leave() { --depth_; }

  // ---- lines ---------------------------------------------------------------------

  bool AtDocMarker(const char* m) const;
  bool LineIsDocMarker(size_t ls) const;

  void SkipBlanks();

  // From mid-line: skips blanks and a comment, requires the end of the line (or input).
  void ExpectLineEnd(const char* where);

  // At a line start (or mid-line after content was consumed up to the newline): skips
  // lines that are empty, whitespace-only or comment-only. Leaves p_ at the start of the
  // next content line (or at the end).
  void SkipBlankAndCommentLines();

  // At a line start: the number of leading spaces; refuses a tab in the indentation.
  int IndentHere();

  // ---- block structure -------------------------------------------------------------

  // Parses the node that follows an indicator ("key:", "- ", "---") or starts a line.
  // Content on a later line must be indented more than `indent` (a sequence under a
  // mapping key may also sit at the key's indentation).
  uint32_t ParseBlockNode(int indent, Start start);

  void RefuseNodeProperties();

  // The content of a node starting at column `col` (the cursor is on its first character).
  uint32_t ParseContent(int col, int parentIndent, bool allowCollection, Start start);

  void CheckPlainStart(bool flow);

  // Scans the first line of a plain scalar (cursor on its first char). Leaves the
  // cursor after the scalar's text on this line (at ':' of a key, a comment, or EOL).
  uint32_t ParsePlainFirstLine(size_t at);

  // Reads plain text on the current line until `: `, ` #`, EOL (and flow indicators in
  // flow context). Appends it (trailing blanks trimmed) to `out`; cursor at the stop.
  void ScanPlainSegment(bool flow, std::string& out);

  // Continues a plain scalar on following lines (folding), then resolves its type.
  void ContinuePlain(uint32_t node, int parentIndent, bool flow);

  bool FlowLineIndentOk(int ind, int parentIndent) const { return ind > parentIndent; }

  uint32_t ParseBlockMap(int col, uint32_t firstKey);

  // A key of a block mapping at the cursor; leaves the cursor on its ':'.
  uint32_t ParseKey(int col);

  uint32_t ParseBlockSeq(int col);

  // After an entry of a block collection whose entries stand at column `col`: the
  // indentation of the next line that continues the collection, or -1 where it ends.
  // A line indented more is refused with `deeper` and `fix`.
  int NextBlockEntry(int col, const char* deeper, const char* fix);

  // ---- block scalars ---------------------------------------------------------------

  uint32_t ParseBlockScalar(int parentIndent);

  // ---- quoted scalars --------------------------------------------------------------

  // Cursor on the opening quote. Leaves it after the closing quote.
  uint32_t ParseQuoted(int parentIndent, bool flow);

  // After a line break inside a quoted scalar (cursor at the next line's start): counts
  // empty lines, drops leading blanks, appends the fold (space or newlines).
  void FoldLines(std::string& out, size_t& keep, int parentIndent, bool flow, bool escaped);

  // ---- flow collections --------------------------------------------------------------

  // Skips blanks, line breaks and comments inside a flow collection.
  void SkipFlowSpace(int parentIndent);

  uint32_t ParseFlowCollection(int parentIndent);

  uint32_t ParseFlowNode(int parentIndent);
};

}  // namespace np::settings::detail
