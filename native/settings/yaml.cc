// The settings.yaml reader (see yaml.h). A hand-written recursive-descent reader over a
// normalised copy of the input (BOM dropped, CRLF turned into LF), bounded in depth.
#include "settings/yaml.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <unordered_map>

namespace np::settings {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsBlankOrEnd(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\0'; }
bool IsFlowIndicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Core schema resolution of a plain scalar (regexes of yaml 2.x, schema/core).
ScalarType Resolve(const std::string& s) {
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

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) { Normalise(data, size); }

  Document Run() {
    // One allocation for the node table (about two nodes a line, one per flow comma):
    // growing it step by step costs more in page faults than the parse itself.
    size_t estimate = 2 * lineStarts_.size() + 16;
    for (char c : s_) estimate += (c == ',');
    doc_.nodes.reserve(std::min(estimate, s_.size() + 16));
    SkipBlankAndCommentLines();
    if (Cur() == '%' && ColumnOf(p_) == 0) {
      Fail("directive", "a YAML directive (%...) is not accepted in settings.yaml", "remove the directive line; the file is always read as YAML 1.2");
    }
    bool started = false;
    if (AtDocMarker("---")) {
      p_ += 3;
      started = true;
    }
    (void)started;
    doc_.root = static_cast<int32_t>(ParseBlockNode(-1, Start::Doc));
    if (doc_.nodes[doc_.root].style == Style::Empty && doc_.nodes.size() == 1) doc_.root = -1;
    SkipBlankAndCommentLines();
    if (AtDocMarker("...")) {
      p_ += 3;
      ExpectLineEnd("after the document end marker `...`");
      SkipBlankAndCommentLines();
      if (Cur() != '\0') {
        Fail("multiple-documents", "a second YAML document starts here; settings.yaml holds exactly one document",
             "remove everything after the `...` line, or merge the documents into one");
      }
    } else if (AtDocMarker("---")) {
      Fail("multiple-documents", "a second YAML document (`---`) starts here; settings.yaml holds exactly one document",
           "remove the second `---` and what follows, or merge the documents into one");
    } else if (Cur() != '\0') {
      Fail("yaml-syntax", "unexpected content: it is not part of the mapping above (check its indentation)",
           "indent it like its siblings, or remove it");
    }
    return std::move(doc_);
  }

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

  void Normalise(const uint8_t* data, size_t size) {
    size_t i = 0;
    if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) i = 3;
    s_.reserve(size - i + 1);
    lineStarts_.push_back(0);
    uint32_t line = 1;
    uint32_t col = 1;
    auto bad = [&](const char* code, const std::string& msg, const char* fix) {
      throw ReadError(code, msg, line, col, fix);
    };
    while (i < size) {
      uint8_t c = data[i];
      if (c < 0x80) {
        if (c == '\r') {
          if (i + 1 < size && data[i + 1] == '\n') {
            ++i;
            continue;
          }
          bad("control-character", "a carriage return (CR) that is not part of a CRLF line end",
              "save the file with LF or CRLF line ends");
        }
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "%02X", c);
          bad("control-character", std::string("control character U+00") + buf + " is not allowed in YAML",
              "remove it; write it as an escape inside a double-quoted string if you need it");
        }
        s_ += static_cast<char>(c);
        ++i;
        if (c == '\n') {
          lineStarts_.push_back(s_.size());
          ++line;
          col = 1;
        } else {
          ++col;
        }
        continue;
      }
      size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
      uint32_t cp = len == 4 ? (c & 0x07u) : len == 3 ? (c & 0x0Fu) : (c & 0x1Fu);
      bool ok = len != 0 && c < 0xF5 && i + len <= size;
      for (size_t k = 1; ok && k < len; ++k) {
        if ((data[i + k] & 0xC0) != 0x80) ok = false;
        else cp = (cp << 6) | (data[i + k] & 0x3F);
      }
      if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                 (cp >= 0xD800 && cp <= 0xDFFF))) {
        ok = false;
      }
      if (!ok) bad("invalid-utf8", "the file is not valid UTF-8 here", "save the file as UTF-8");
      if (cp == 0xFEFF) {
        bad("control-character", "a byte order mark (U+FEFF) inside the file; it is only allowed as the first character",
            "remove it");
      }
      if ((cp >= 0x80 && cp <= 0x9F && cp != 0x85) || cp == 0xFFFE || cp == 0xFFFF) {
        bad("control-character", "a non-printable character is not allowed in YAML",
            "remove it; write it as an escape inside a double-quoted string if you need it");
      }
      s_.append(reinterpret_cast<const char*>(data + i), len);
      i += len;
      ++col;
    }
    // A last line (no line break after it) of only blanks with a tab: readers disagree
    // on it, so it is refused as tab indentation.
    {
      size_t ls = lineStarts_.back();
      bool blanksOnly = ls < s_.size();
      bool tab = false;
      for (size_t q = ls; q < s_.size(); ++q) {
        if (s_[q] == '\t') tab = true;
        else if (s_[q] != ' ') blanksOnly = false;
      }
      if (blanksOnly && tab) {
        throw ReadError("tab-indent", "a tab is used for indentation; YAML indents with spaces only", line, 1,
                        "remove the tab at the end of the file");
      }
    }
    s_ += '\0';
  }

  char Cur() const { return s_[p_]; }
  char At(size_t q) const { return q < s_.size() ? s_[q] : '\0'; }
  bool AtEnd() const { return p_ + 1 >= s_.size(); }

  size_t LineIndex(size_t pos) const {
    auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), pos);
    return static_cast<size_t>(it - lineStarts_.begin()) - 1;
  }
  size_t LineStart(size_t pos) const { return lineStarts_[LineIndex(pos)]; }
  // 0-based column in characters.
  // Cached: positions are mostly asked in increasing order on a line, so a long line
  // with many nodes costs linear time, not quadratic.
  int ColumnOf(size_t pos) const {
    size_t ls = LineStart(pos);
    size_t q = ls;
    int col = 0;
    if (colCacheLine_ == ls && colCachePos_ <= pos) {
      q = colCachePos_;
      col = colCacheCol_;
    }
    for (; q < pos; ++q) {
      if ((static_cast<uint8_t>(s_[q]) & 0xC0) != 0x80) ++col;
    }
    colCacheLine_ = ls;
    colCachePos_ = pos;
    colCacheCol_ = col;
    return col;
  }
  mutable size_t colCacheLine_ = SIZE_MAX, colCachePos_ = 0;
  mutable int colCacheCol_ = 0;
  void Position(size_t pos, uint32_t& line, uint32_t& col) const {
    line = static_cast<uint32_t>(LineIndex(pos) + 1);
    col = static_cast<uint32_t>(ColumnOf(pos) + 1);
  }

  [[noreturn]] void FailAt(size_t pos, const char* code, const std::string& msg, const std::string& fix) const {
    uint32_t line, col;
    Position(std::min(pos, s_.size() - 1), line, col);
    throw ReadError(code, msg, line, col, fix);
  }
  [[noreturn]] void Fail(const char* code, const std::string& msg, const std::string& fix) const {
    FailAt(p_, code, msg, fix);
  }

  uint32_t NewNode(NodeKind kind, Style style, size_t pos) {
    Node n;
    n.kind = kind;
    n.style = style;
    Position(pos, n.line, n.col);
    doc_.nodes.push_back(std::move(n));
    return static_cast<uint32_t>(doc_.nodes.size() - 1);
  }

  void Enter() {
    if (++depth_ > kMaxDepth) {
      Fail("too-deep", "collections are nested more than " + std::to_string(kMaxDepth) + " levels deep",
           "flatten the structure; settings.yaml needs only a few levels");
    }
  }
  void Leave() { --depth_; }

  // ---- lines ---------------------------------------------------------------------

  bool AtDocMarker(const char* m) const {
    if (ColumnOf(p_) != 0 && !(p_ == 0 || s_[p_ - 1] == '\n')) return false;
    if (!(p_ == 0 || s_[p_ - 1] == '\n')) return false;
    return s_.compare(p_, 3, m) == 0 && IsBlankOrEnd(At(p_ + 3));
  }
  bool LineIsDocMarker(size_t ls) const {
    return (s_.compare(ls, 3, "---") == 0 || s_.compare(ls, 3, "...") == 0) && IsBlankOrEnd(At(ls + 3));
  }

  void SkipBlanks() {
    while (IsBlank(Cur())) ++p_;
  }

  // From mid-line: skips blanks and a comment, requires the end of the line (or input).
  void ExpectLineEnd(const char* where) {
    bool sawBlank = p_ == 0 || IsBlank(s_[p_ - 1]);
    while (IsBlank(Cur())) {
      ++p_;
      sawBlank = true;
    }
    if (Cur() == '#' && sawBlank) {
      while (Cur() != '\n' && Cur() != '\0') ++p_;
    }
    if (Cur() == '\n') {
      ++p_;
      return;
    }
    if (Cur() == '\0') return;
    Fail("yaml-syntax", std::string("unexpected text ") + where, "remove it, or put it on its own line");
  }

  // At a line start (or mid-line after content was consumed up to the newline): skips
  // lines that are empty, whitespace-only or comment-only. Leaves p_ at the start of the
  // next content line (or at the end).
  void SkipBlankAndCommentLines() {
    for (;;) {
      size_t q = p_;
      while (IsBlank(At(q))) ++q;
      char c = At(q);
      if (c == '\n') {
        p_ = q + 1;
        continue;
      }
      if (c == '#' && (q == p_ || IsBlank(At(q - 1)) || q == LineStart(q))) {
        while (At(q) != '\n' && At(q) != '\0') ++q;
        p_ = At(q) == '\n' ? q + 1 : q;
        continue;
      }
      if (c == '\0') {
        p_ = q;
        return;
      }
      return;
    }
  }

  // At a line start: the number of leading spaces; refuses a tab in the indentation.
  int IndentHere() {
    size_t q = p_;
    while (At(q) == ' ') ++q;
    if (At(q) == '\t') {
      FailAt(q, "tab-indent", "a tab is used for indentation; YAML indents with spaces only", "replace the tab with spaces");
    }
    return static_cast<int>(q - p_);
  }

  // ---- block structure -------------------------------------------------------------

  // Parses the node that follows an indicator ("key:", "- ", "---") or starts a line.
  // Content on a later line must be indented more than `indent` (a sequence under a
  // mapping key may also sit at the key's indentation).
  uint32_t ParseBlockNode(int indent, Start start) {
    bool midLine = !(p_ == 0 || s_[p_ - 1] == '\n');
    if (midLine) {
      bool sawBlank = IsBlank(Cur());
      size_t blanksFrom = p_;
      SkipBlanks();
      if (start == Start::SeqItem && Cur() != '\n' && Cur() != '\0' && Cur() != '#') {
        for (size_t q = blanksFrom; q < p_; ++q) {
          if (s_[q] == '\t') {
            FailAt(q, "tab-indent", "a tab after `-` is used as indentation; YAML indents with spaces only", "replace the tab with a space");
          }
        }
      }
      if (Cur() == '#' && !sawBlank && start != Start::Doc) {
        Fail("yaml-syntax", "a comment must be separated from the `:` or `-` by a space", "put a space before `#`");
      }
      if (Cur() != '\n' && Cur() != '\0' && Cur() != '#') {
        int col = ColumnOf(p_);
        bool allowCollection = start == Start::SeqItem;
        return ParseContent(col, indent, allowCollection, start);
      }
      size_t here = p_;
      while (Cur() != '\n' && Cur() != '\0') ++p_;
      if (Cur() == '\n') ++p_;
      SkipBlankAndCommentLines();
      if (Cur() == '\0' || LineIsDocMarker(p_)) return NewNode(NodeKind::Scalar, Style::Empty, here);
      int c = IndentHere();
      if (c > indent) {
        bool comment = false;
        for (size_t q = here; q < p_; ++q) comment = comment || s_[q] == '#';
        p_ += c;
        commentBefore_ = comment;
        commentFrom_ = here;
        uint32_t node = ParseContent(c, indent, true, Start::Doc);
        commentBefore_ = false;
        return node;
      }
      if (start == Start::MapValue && c == indent && At(p_ + c) == '-' && IsBlankOrEnd(At(p_ + c + 1))) {
        p_ += c;
        return ParseBlockSeq(c);
      }
      return NewNode(NodeKind::Scalar, Style::Empty, here);
    }
    // At a line start.
    SkipBlankAndCommentLines();
    if (Cur() == '\0' || LineIsDocMarker(p_)) return NewNode(NodeKind::Scalar, Style::Empty, p_);
    int c = IndentHere();
    if (c <= indent) return NewNode(NodeKind::Scalar, Style::Empty, p_);
    p_ += c;
    return ParseContent(c, indent, true, Start::Doc);
  }

  void RefuseNodeProperties() {
    char c = Cur();
    if (c == '&') Fail("anchor", "anchors (&name) are not accepted in settings.yaml", "write the value out in full instead of using an anchor");
    if (c == '*') Fail("alias", "aliases (*name) are not accepted in settings.yaml", "write the value out in full instead of using an alias");
    if (c == '!') Fail("tag", "tags (!tag) are not accepted in settings.yaml", "remove the tag; quote the value if it must be a string");
    if (c == '?' && IsBlankOrEnd(At(p_ + 1))) {
      Fail("complex-key", "complex keys (`? key`) are not accepted in settings.yaml", "write the key as `Key: value`");
    }
  }

  // The content of a node starting at column `col` (the cursor is on its first character).
  uint32_t ParseContent(int col, int parentIndent, bool allowCollection, Start start) {
    bool commentBefore = commentBefore_;
    commentBefore_ = false;
    RefuseNodeProperties();
    char c = Cur();
    if (c == '-' && IsBlankOrEnd(At(p_ + 1))) {
      if (!allowCollection) {
        Fail("yaml-syntax", "a sequence cannot start on the same line as its key",
             "put each `- item` on its own line below the key, indented");
      }
      return ParseBlockSeq(col);
    }
    if (c == '|' || c == '>') return ParseBlockScalar(parentIndent);
    if (c == '[' || c == '{') {
      size_t at = p_;
      uint32_t node = ParseFlowCollection(parentIndent);
      SkipBlanks();
      if (Cur() == ':' && IsBlankOrEnd(At(p_ + 1))) {
        FailAt(at, "complex-key", "a collection used as a mapping key (a complex key) is not accepted in settings.yaml",
               "use a plain or quoted string as the key");
      }
      ExpectLineEnd("after the closing bracket");
      return node;
    }
    size_t at = p_;
    uint32_t first;
    bool multiLine = false;
    if (c == '"' || c == '\'') {
      size_t lineBefore = LineIndex(p_);
      first = ParseQuoted(parentIndent, false);
      multiLine = LineIndex(p_) != lineBefore;
      SkipBlanks();
    } else {
      CheckPlainStart(false);
      first = ParsePlainFirstLine(at);
    }
    if (Cur() == ':' && IsBlankOrEnd(At(p_ + 1))) {
      if (start == Start::Doc && !(allowCollection)) {
        Fail("yaml-syntax", "a mapping cannot start on the `---` line", "start the mapping on the next line");
      }
      if (!allowCollection) {
        Fail("yaml-syntax", "a mapping cannot be nested on the same line as its key",
             "put the nested key on its own line below, indented");
      }
      if (multiLine) FailAt(at, "yaml-syntax", "a key must fit on one line", "write the key on one line");
      return ParseBlockMap(col, first);
    }
    if (doc_.nodes[first].style == Style::Plain) {
      size_t lineBefore = LineIndex(p_);
      ContinuePlain(first, parentIndent, false);
      bool blankLineBefore = false;
      for (size_t q = commentFrom_; q + 1 < at && commentBefore; ++q) blankLineBefore = blankLineBefore || (s_[q] == '\n' && s_[q + 1] == '\n');
      if (commentBefore && (LineIndex(p_) > lineBefore + 1 || blankLineBefore)) {
        FailAt(at, "yaml-syntax", "a value on several lines after a comment line is read differently by YAML tools",
               "put the value on one line, or move the comment");
      }
      return first;
    }
    ExpectLineEnd("after the quoted value");
    return first;
  }

  void CheckPlainStart(bool flow) {
    char c = Cur();
    char n = At(p_ + 1);
    bool blankNext = IsBlankOrEnd(n) || (flow && IsFlowIndicator(n));
    if (((c == '-' || c == '?' || c == ':') && blankNext) || c == ',' || c == '[' || c == ']' || c == '{' || c == '}' ||
        c == '#' || c == '&' || c == '*' || c == '!' || c == '|' || c == '>' || c == '\'' || c == '"' || c == '%' ||
        c == '@' || c == '`') {
      Fail("yaml-syntax", std::string("a value cannot start with `") + c + "` unquoted", "put the value in quotes");
    }
  }

  // Scans the first line of a plain scalar (cursor on its first char). Leaves the
  // cursor after the scalar's text on this line (at ':' of a key, a comment, or EOL).
  uint32_t ParsePlainFirstLine(size_t at) {
    uint32_t node = NewNode(NodeKind::Scalar, Style::Plain, at);
    std::string text;
    ScanPlainSegment(false, text);
    doc_.nodes[node].text = std::move(text);
    return node;
  }

  // Reads plain text on the current line until `: `, ` #`, EOL (and flow indicators in
  // flow context). Appends it (trailing blanks trimmed) to `out`; cursor at the stop.
  void ScanPlainSegment(bool flow, std::string& out) {
    size_t startLen = out.size();
    size_t keep = out.size();
    for (;;) {
      char c = Cur();
      if (c == '\n' || c == '\0') break;
      if (c == ':') {
        char n = At(p_ + 1);
        if (IsBlankOrEnd(n) || (flow && IsFlowIndicator(n))) break;
      }
      if (c == '#' && p_ > 0 && IsBlank(s_[p_ - 1])) break;
      if (flow && IsFlowIndicator(c)) break;
      out += c;
      if (!IsBlank(c)) keep = out.size();
      ++p_;
    }
    (void)startLen;
    out.resize(keep);
    // leave the cursor at the first trailing blank's end (blanks skipped by callers)
  }

  // Continues a plain scalar on following lines (folding), then resolves its type.
  void ContinuePlain(uint32_t node, int parentIndent, bool flow) {
    std::string text = std::move(doc_.nodes[node].text);
    for (;;) {
      SkipBlanks();
      if (Cur() == '#' || Cur() == '\0') break;
      if (Cur() != '\n') {
        if (flow) break;  // stopped at a flow indicator or `: `
        Fail("yaml-syntax", "unexpected `:` in a value; a nested mapping must start on its own line",
             "quote the value, or put the nested key on its own line");
      }
      // Look ahead for a continuation line.
      size_t save = p_;
      size_t q = p_ + 1;
      int empties = 0;
      bool found = false;
      size_t tabBlank = SIZE_MAX;  // a blank line with a tab inside the value: refused
      for (;;) {
        size_t ls = q;
        while (At(q) == ' ') ++q;
        size_t afterSpaces = q;
        while (IsBlank(At(q))) ++q;
        if (At(q) == '\n') {
          if (At(afterSpaces) == '\t' && tabBlank == SIZE_MAX) tabBlank = afterSpaces;
          ++empties;
          ++q;
          continue;
        }
        if (At(q) == '\0' || At(q) == '#') break;
        if (LineIsDocMarker(ls)) break;
        int ind = static_cast<int>(afterSpaces - ls);
        if (!flow && ind <= parentIndent) break;
        if (At(afterSpaces) == '\t' && !flow) {
          FailAt(afterSpaces, "tab-indent", "a tab is used for indentation; YAML indents with spaces only", "replace the tab with spaces");
        }
        if (flow && (IsFlowIndicator(At(q)) || (At(q) == ':' && (IsBlankOrEnd(At(q + 1)) || IsFlowIndicator(At(q + 1)))))) break;
        if (flow && !FlowLineIndentOk(ind, parentIndent)) {
          FailAt(q, "yaml-syntax", "a line inside a flow collection must be indented more than its parent",
                 "indent the continuation line");
        }
        p_ = q;
        found = true;
        break;
      }
      if (!found) {
        p_ = save;
        break;
      }
      if (tabBlank != SIZE_MAX) {
        FailAt(tabBlank, "tab-indent", "a tab on an empty line inside a value on several lines (readers disagree on it)",
               "remove the tab from the empty line");
      }
      if (empties == 0) text += ' ';
      else text.append(static_cast<size_t>(empties), '\n');
      std::string seg;
      ScanPlainSegment(flow, seg);
      text += seg;
      if (!flow && Cur() == ':' && IsBlankOrEnd(At(p_ + 1))) {
        Fail("yaml-syntax", "a key must fit on one line (this looks like a value continued into a `key:`)",
             "check the indentation of this line, or quote the value above");
      }
    }
    Node& n = doc_.nodes[node];
    n.text = std::move(text);
    n.type = Resolve(n.text);
    // Cursor: at a comment, EOL or end; consume to the next line in block context.
    if (!flow) ExpectLineEnd("after the value");
  }

  bool FlowLineIndentOk(int ind, int parentIndent) const { return ind > parentIndent; }

  uint32_t ParseBlockMap(int col, uint32_t firstKey) {
    commentBefore_ = false;
    Enter();
    uint32_t map = NewNode(NodeKind::Map, Style::Block, 0);
    {
      Node& k = doc_.nodes[firstKey];
      doc_.nodes[map].line = k.line;
      doc_.nodes[map].col = k.col;
    }
    uint32_t key = firstKey;
    for (;;) {
      if (doc_.nodes[key].style == Style::Plain) doc_.nodes[key].type = Resolve(doc_.nodes[key].text);
      ++p_;  // the ':'
      uint32_t value = ParseBlockNode(col, Start::MapValue);
      doc_.nodes[map].children.push_back(key);
      doc_.nodes[map].children.push_back(value);
      SkipBlankAndCommentLines();
      if (Cur() == '\0' || LineIsDocMarker(p_)) break;
      int c = IndentHere();
      if (c < col) break;
      if (c > col) {
        FailAt(p_ + c, "yaml-syntax", "this line is indented more than the keys of its mapping",
               "indent it like the other keys of the mapping (or nest it under a key that ends with `:`)");
      }
      p_ += c;
      key = ParseKey(col);
    }
    Leave();
    return map;
  }

  // A key of a block mapping at the cursor; leaves the cursor on its ':'.
  uint32_t ParseKey(int col) {
    (void)col;
    RefuseNodeProperties();
    char c = Cur();
    size_t at = p_;
    if (c == '-' && IsBlankOrEnd(At(p_ + 1))) {
      Fail("yaml-syntax", "a sequence item where a key was expected", "indent the `- item` under its key, or write `Key: value`");
    }
    if (c == '[' || c == '{') {
      Fail("complex-key", "a collection used as a mapping key (a complex key) is not accepted in settings.yaml",
           "use a plain or quoted string as the key");
    }
    uint32_t key;
    if (c == '"' || c == '\'') {
      size_t lineBefore = LineIndex(p_);
      key = ParseQuoted(col, false);
      if (LineIndex(p_) != lineBefore) FailAt(at, "yaml-syntax", "a key must fit on one line", "write the key on one line");
      SkipBlanks();
    } else {
      if (c == '|' || c == '>') Fail("yaml-syntax", "a block scalar cannot be a key", "write the key as `Key: value`");
      CheckPlainStart(false);
      key = ParsePlainFirstLine(at);
    }
    if (!(Cur() == ':' && IsBlankOrEnd(At(p_ + 1)))) {
      FailAt(at, "yaml-syntax", "expected `Key: value` here (the `:` after the key is missing)",
             "add `:` and a space after the key, or fix the indentation");
    }
    return key;
  }

  uint32_t ParseBlockSeq(int col) {
    Enter();
    uint32_t seq = NewNode(NodeKind::Seq, Style::Block, p_);
    for (;;) {
      ++p_;  // the '-'
      uint32_t item = ParseBlockNode(col, Start::SeqItem);
      doc_.nodes[seq].children.push_back(item);
      SkipBlankAndCommentLines();
      if (Cur() == '\0' || LineIsDocMarker(p_)) break;
      int c = IndentHere();
      if (c < col) break;
      if (c > col) {
        FailAt(p_ + c, "yaml-syntax", "this line is indented more than the items of its sequence",
               "indent it like the other `- ` items");
      }
      if (!(At(p_ + c) == '-' && IsBlankOrEnd(At(p_ + c + 1)))) break;
      p_ += c;
    }
    Leave();
    return seq;
  }

  // ---- block scalars ---------------------------------------------------------------

  uint32_t ParseBlockScalar(int parentIndent) {
    size_t at = p_;
    bool folded = Cur() == '>';
    ++p_;
    char chomp = 'c';
    int explicitIndent = 0;
    for (int k = 0; k < 2; ++k) {
      char c = Cur();
      if ((c == '+' || c == '-') && chomp == 'c') {
        chomp = c;
        ++p_;
      } else if (c >= '1' && c <= '9' && explicitIndent == 0) {
        explicitIndent = c - '0';
        ++p_;
      } else {
        break;
      }
    }
    if (!IsBlankOrEnd(Cur())) {
      Fail("yaml-syntax", "a block scalar header is `|` or `>` with optional `+`/`-` and an indentation digit",
           "put the text on the following lines");
    }
    ExpectLineEnd("after the block scalar header");
    uint32_t node = NewNode(NodeKind::Scalar, folded ? Style::Folded : Style::Literal, at);
    int base = parentIndent < 0 ? 0 : parentIndent;
    int indent = explicitIndent ? base + explicitIndent : -1;
    struct Line {
      size_t from, to;  // content (after indentation) [from, to)
      bool empty;
    };
    std::vector<Line> lines;
    int maxLeadingEmpty = 0;
    size_t maxLeadingEmptyAt = 0;
    while (Cur() != '\0') {
      size_t ls = p_;
      if (LineIsDocMarker(ls)) break;
      size_t q = ls;
      while (At(q) == ' ') ++q;
      int spaces = static_cast<int>(q - ls);
      size_t eol = q;
      while (At(eol) != '\n' && At(eol) != '\0') ++eol;
      bool whitespaceOnly = true;
      for (size_t r = q; r < eol; ++r) {
        if (!IsBlank(At(r))) {
          whitespaceOnly = false;
          break;
        }
      }
      if (indent < 0) {
        if (At(q) == '\0') {
          p_ = q;
          break;
        }
        if (At(q) == '\n') {
          if (spaces > maxLeadingEmpty) {
            maxLeadingEmpty = spaces;
            maxLeadingEmptyAt = ls;
          }
          lines.push_back({q, q, true});
          p_ = At(eol) == '\n' ? eol + 1 : eol;
          continue;
        }
        if (At(q) == '\t') {
          // a tab where the block scalar's indentation is being found: refused (readers
          // disagree on whether it ends the scalar).
          FailAt(q, "tab-indent", "a tab is used for indentation; YAML indents with spaces only", "replace the tab with spaces");
        }
        if (spaces <= parentIndent) break;
        indent = spaces;
        if (maxLeadingEmpty > indent) {
          FailAt(maxLeadingEmptyAt, "yaml-syntax", "a blank line at the start of a block scalar has more spaces than its first line",
                 "remove the trailing spaces from the blank line");
        }
      }
      if (At(eol) == '\0' && whitespaceOnly && !(indent >= 0 && spaces > indent)) {
        p_ = eol;
        break;
      }
      if (spaces >= indent) {
        size_t from = ls + static_cast<size_t>(indent);
        bool empty = from >= eol;
        lines.push_back({from, eol, empty});
        p_ = At(eol) == '\n' ? eol + 1 : eol;
        continue;
      }
      if (At(q) == '\n' || At(q) == '\0') {
        lines.push_back({q, q, true});
        p_ = At(eol) == '\n' ? eol + 1 : eol;
        continue;
      }
      if (At(q) == '\t') {
        FailAt(q, "tab-indent", "a tab is used for indentation; YAML indents with spaces only", "replace the tab with spaces");
      }
      break;
    }
    // Trailing empty lines. A trailing line of only blanks beyond the indentation is
    // content in YAML 1.2 but dropped by common readers: refused.
    size_t last = lines.size();
    while (last > 0 && lines[last - 1].empty) --last;
    {
      size_t k = last;
      while (k > 0) {
        const Line& l = lines[k - 1];
        bool blanks = true;
        for (size_t r = l.from; r < l.to; ++r) blanks = blanks && IsBlank(At(r));
        if (!blanks) break;
        --k;
      }
      if (k < last) {
        FailAt(lines[k].from, "yaml-syntax", "a line of only spaces at the end of a block scalar (readers disagree on whether it is content)",
               "remove the trailing spaces from the line");
      }
    }
    size_t trailing = lines.size() - last;
    std::string out;
    if (!folded) {
      for (size_t k = 0; k < last; ++k) {
        out.append(s_, lines[k].from, lines[k].to - lines[k].from);
        if (k + 1 < last) out += '\n';
      }
    } else {
      int pendingEmpty = 0;
      bool havePrev = false;
      bool prevSpaced = false;
      for (size_t k = 0; k < last; ++k) {
        const Line& l = lines[k];
        if (l.empty) {
          ++pendingEmpty;
          continue;
        }
        bool spaced = IsBlank(At(l.from));
        if (!havePrev) {
          out.append(static_cast<size_t>(pendingEmpty), '\n');
        } else if (!spaced && !prevSpaced) {
          if (pendingEmpty == 0) out += ' ';
          else out.append(static_cast<size_t>(pendingEmpty), '\n');
        } else {
          out.append(static_cast<size_t>(pendingEmpty) + 1, '\n');
        }
        out.append(s_, l.from, l.to - l.from);
        pendingEmpty = 0;
        havePrev = true;
        prevSpaced = spaced;
      }
    }
    if (last > 0) {
      if (chomp == 'c') out += '\n';
      else if (chomp == '+') out.append(trailing + 1, '\n');
    } else if (chomp == '+') {
      out.append(trailing, '\n');
    }
    Node& n = doc_.nodes[node];
    n.text = std::move(out);
    n.type = ScalarType::Str;
    return node;
  }

  // ---- quoted scalars --------------------------------------------------------------

  // Cursor on the opening quote. Leaves it after the closing quote.
  uint32_t ParseQuoted(int parentIndent, bool flow) {
    size_t at = p_;
    bool dbl = Cur() == '"';
    uint32_t node = NewNode(NodeKind::Scalar, dbl ? Style::DoubleQuoted : Style::SingleQuoted, at);
    ++p_;
    std::string out;
    size_t keep = 0;
    for (;;) {
      char c = Cur();
      if (c == '\0') {
        FailAt(at, "yaml-syntax", std::string("this ") + (dbl ? "double" : "single") + "-quoted value is never closed",
               std::string("add the closing ") + (dbl ? "\"" : "'"));
      }
      if (!dbl && c == '\'') {
        if (At(p_ + 1) == '\'') {
          out += '\'';
          keep = out.size();
          p_ += 2;
          continue;
        }
        ++p_;
        break;
      }
      if (dbl && c == '"') {
        ++p_;
        break;
      }
      if (dbl && c == '\\') {
        char e = At(p_ + 1);
        if (e == '\n') {
          // escaped line break: no folding, leading blanks of the next line dropped
          p_ += 2;
          keep = out.size();
          FoldLines(out, keep, parentIndent, flow, true);
          continue;
        }
        p_ += 2;
        uint32_t cp = 0;
        int hex = 0;
        switch (e) {
          case '0': out += '\0'; break;
          case 'a': out += '\a'; break;
          case 'b': out += '\b'; break;
          case 't': case '\t': out += '\t'; break;
          case 'n': out += '\n'; break;
          case 'v': out += '\v'; break;
          case 'f': out += '\f'; break;
          case 'r': out += '\r'; break;
          case 'e': out += '\x1b'; break;
          case ' ': out += ' '; break;
          case '"': out += '"'; break;
          case '/': out += '/'; break;
          case '\\': out += '\\'; break;
          case 'N': AppendUtf8(0x85, out); break;
          case '_': AppendUtf8(0xA0, out); break;
          case 'L': AppendUtf8(0x2028, out); break;
          case 'P': AppendUtf8(0x2029, out); break;
          case 'x': hex = 2; break;
          case 'u': hex = 4; break;
          case 'U': hex = 8; break;
          default:
            FailAt(p_ - 2, "yaml-syntax", std::string("unknown escape `\\") + (e == '\0' ? ' ' : e) + "` in a double-quoted value",
                   "write `\\\\` for a backslash, or use single quotes");
        }
        if (hex) {
          for (int k = 0; k < hex; ++k) {
            char h = Cur();
            int v = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (v < 0) {
              FailAt(p_, "yaml-syntax", "an escape `\\" + std::string(1, e) + "` needs " + std::to_string(hex) + " hex digits",
                     "write all the hex digits");
            }
            cp = cp * 16 + static_cast<uint32_t>(v);
            ++p_;
          }
          if (cp >= 0xD800 && cp <= 0xDBFF && e == 'u' && Cur() == '\\' && At(p_ + 1) == 'u') {
            // a surrogate pair written as two escapes
            uint32_t lo = 0;
            bool ok = true;
            for (int k = 0; k < 4; ++k) {
              char h = At(p_ + 2 + k);
              int v = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
              if (v < 0) ok = false;
              else lo = lo * 16 + static_cast<uint32_t>(v);
            }
            if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              p_ += 6;
            }
          }
          if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            FailAt(p_ - 2 - static_cast<size_t>(hex), "yaml-syntax", "the escape is not a Unicode character (a lone surrogate or beyond U+10FFFF)",
                   "write the character itself or a valid escape");
          }
          AppendUtf8(cp, out);
        }
        keep = out.size();
        continue;
      }
      if (c == '\n') {
        out.resize(keep);
        ++p_;
        FoldLines(out, keep, parentIndent, flow, false);
        continue;
      }
      out += c;
      if (!IsBlank(c)) keep = out.size();
      ++p_;
    }
    Node& n = doc_.nodes[node];
    n.text = std::move(out);
    n.type = ScalarType::Str;
    return node;
  }

  // After a line break inside a quoted scalar (cursor at the next line's start): counts
  // empty lines, drops leading blanks, appends the fold (space or newlines).
  void FoldLines(std::string& out, size_t& keep, int parentIndent, bool flow, bool escaped) {
    int empties = 0;
    for (;;) {
      size_t ls = p_;
      while (IsBlank(Cur())) {
        if (Cur() == '\t') {
          FailAt(p_, "tab-indent", "a tab in the indentation of a quoted value's continuation line (readers disagree on it)",
                 "replace the tab with spaces");
        }
        ++p_;
      }
      if (Cur() == '\n') {
        ++empties;
        ++p_;
        continue;
      }
      if (Cur() == '\0') return;  // unterminated: reported by the caller
      if (LineIsDocMarker(ls)) {
        FailAt(ls, "yaml-syntax", "a document marker inside a quoted value", "close the quoted value before this line");
      }
      int spaces = 0;
      while (At(ls + static_cast<size_t>(spaces)) == ' ') ++spaces;
      if (!flow && spaces <= parentIndent) {
        FailAt(p_, "yaml-syntax", "a quoted value continues on a line that is not indented more than its key",
               "indent the continuation line");
      }
      if (flow && spaces <= parentIndent) {
        FailAt(p_, "yaml-syntax", "a line inside a flow collection must be indented more than its parent", "indent the continuation line");
      }
      break;
    }
    if (escaped && empties > 0) {
      // YAML 1.2 keeps these empty lines as line feeds, but common readers (the `yaml`
      // package among them) fold them into a space: refuse rather than guess.
      FailAt(p_, "yaml-syntax", "an escaped line break (`\\` at the end of a line) followed by an empty line is read differently by YAML tools",
             "write `\\n` for a line feed, or remove the empty line");
    }
    if (escaped) {
      // nothing: the line break is escaped away
    } else if (empties == 0) {
      out += ' ';
    } else {
      out.append(static_cast<size_t>(empties), '\n');
    }
    keep = out.size();
  }

  // ---- flow collections --------------------------------------------------------------

  // Skips blanks, line breaks and comments inside a flow collection.
  void SkipFlowSpace(int parentIndent) {
    for (;;) {
      char c = Cur();
      if (IsBlank(c)) {
        ++p_;
        continue;
      }
      if (c == '#' && (p_ == 0 || IsBlank(s_[p_ - 1]) || s_[p_ - 1] == '\n')) {
        while (Cur() != '\n' && Cur() != '\0') ++p_;
        continue;
      }
      if (c == '\n') {
        ++p_;
        size_t ls = p_;
        if (LineIsDocMarker(ls)) FailAt(ls, "yaml-syntax", "a document marker inside a flow collection", "close the collection first");
        size_t q = ls;
        while (At(q) == ' ') ++q;
        if (At(q) == '\t') {
          size_t r = q;
          while (IsBlank(At(r))) ++r;
          if (At(r) != '\n' && At(r) != '\0' && At(r) != '#') {
            FailAt(q, "tab-indent", "a tab is used for indentation; YAML indents with spaces only", "replace the tab with spaces");
          }
        }
        if (At(q) != '\n' && At(q) != '\0' && At(q) != '#' && At(q) != '\t' && static_cast<int>(q - ls) <= parentIndent) {
          FailAt(q, "yaml-syntax", "a line inside a flow collection must be indented more than its parent", "indent the line");
        }
        continue;
      }
      return;
    }
  }

  uint32_t ParseFlowCollection(int parentIndent) {
    Enter();
    size_t at = p_;
    bool isMap = Cur() == '{';
    char close = isMap ? '}' : ']';
    uint32_t coll = NewNode(isMap ? NodeKind::Map : NodeKind::Seq, Style::Flow, at);
    ++p_;
    for (;;) {
      SkipFlowSpace(parentIndent);
      if (Cur() == close) {
        ++p_;
        break;
      }
      if (Cur() == '\0') {
        FailAt(at, "yaml-syntax", std::string("this flow ") + (isMap ? "mapping `{`" : "sequence `[`") + " is never closed",
               std::string("add the closing `") + close + "`");
      }
      if (Cur() == ',') Fail("yaml-syntax", "an empty entry (two commas) in a flow collection", "remove the extra comma");
      RefuseNodeProperties();
      if (Cur() == ':' && (IsBlankOrEnd(At(p_ + 1)) || IsFlowIndicator(At(p_ + 1)))) {
        Fail("yaml-syntax", "a flow entry with an empty key", "write a key before the `:`");
      }
      size_t entryAt = p_;
      uint32_t first = ParseFlowNode(parentIndent);
      bool firstIsColl = doc_.nodes[first].kind != NodeKind::Scalar;
      bool adjacentOk = firstIsColl || doc_.nodes[first].style == Style::DoubleQuoted || doc_.nodes[first].style == Style::SingleQuoted;
      size_t beforeSpace = p_;
      SkipFlowSpace(parentIndent);
      bool colon = Cur() == ':' && (IsBlankOrEnd(At(p_ + 1)) || IsFlowIndicator(At(p_ + 1)) || (adjacentOk && p_ == beforeSpace));
      if (colon && LineIndex(entryAt) != LineIndex(p_)) {
        FailAt(entryAt, "yaml-syntax", "a key in a flow collection must fit on one line", "write the key and its `:` on one line");
      }
      if (firstIsColl && (colon || isMap)) {
        FailAt(entryAt, "complex-key", "a collection used as a mapping key (a complex key) is not accepted in settings.yaml",
               "use a plain or quoted string as the key");
      }
      if (isMap) {
        uint32_t value;
        if (colon) {
          ++p_;
          SkipFlowSpace(parentIndent);
          if (Cur() == ',' || Cur() == '}') value = NewNode(NodeKind::Scalar, Style::Empty, p_);
          else value = ParseFlowNode(parentIndent);
        } else {
          value = NewNode(NodeKind::Scalar, Style::Empty, p_);
        }
        doc_.nodes[coll].children.push_back(first);
        doc_.nodes[coll].children.push_back(value);
      } else if (colon) {
        ++p_;
        SkipFlowSpace(parentIndent);
        uint32_t value;
        if (Cur() == ',' || Cur() == ']') value = NewNode(NodeKind::Scalar, Style::Empty, p_);
        else value = ParseFlowNode(parentIndent);
        Enter();
        uint32_t pair = NewNode(NodeKind::Map, Style::Flow, entryAt);
        Leave();
        doc_.nodes[pair].children.push_back(first);
        doc_.nodes[pair].children.push_back(value);
        doc_.nodes[coll].children.push_back(pair);
      } else {
        doc_.nodes[coll].children.push_back(first);
      }
      SkipFlowSpace(parentIndent);
      if (Cur() == ',') {
        ++p_;
        continue;
      }
      if (Cur() == close) continue;
      if (Cur() == '\0') continue;  // reported as unclosed above
      Fail("yaml-syntax", std::string("expected `,` or `") + close + "` in the flow collection", std::string("separate entries with `,` and close with `") + close + "`");
    }
    Leave();
    return coll;
  }

  uint32_t ParseFlowNode(int parentIndent) {
    RefuseNodeProperties();
    char c = Cur();
    if (c == '[' || c == '{') return ParseFlowCollection(parentIndent);
    if (c == '"' || c == '\'') return ParseQuoted(parentIndent, true);
    size_t at = p_;
    CheckPlainStart(true);
    uint32_t node = NewNode(NodeKind::Scalar, Style::Plain, at);
    std::string text;
    ScanPlainSegment(true, text);
    doc_.nodes[node].text = std::move(text);
    ContinuePlain(node, parentIndent, true);
    return node;
  }
};

}  // namespace

Document Read(const uint8_t* data, size_t size) {
  Reader r(data, size);
  return r.Run();
}

ScalarType ResolvePlain(const std::string& s) { return Resolve(s); }

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

void AppendJsonString(const std::string& s, std::string& out) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void AppendValueJson(const Document& doc, int32_t index, std::string& out) {
  if (index < 0) {
    out += "null";
    return;
  }
  const Node& n = doc.nodes[static_cast<size_t>(index)];
  if (n.kind == NodeKind::Scalar) {
    switch (n.type) {
      case ScalarType::Null: out += "null"; return;
      case ScalarType::Bool: out += (n.text[0] == 't' || n.text[0] == 'T') ? "true" : "false"; return;
      case ScalarType::Str: AppendJsonString(n.text, out); return;
      case ScalarType::Int:
      case ScalarType::Float: {
        const char* tag = n.type == ScalarType::Float ? "f"
                          : (n.text.size() > 1 && n.text[1] == 'x') ? "x"
                          : (n.text.size() > 1 && n.text[1] == 'o') ? "o"
                                                                     : "i";
        out += "[\"";
        out += tag;
        out += "\",";
        AppendJsonString(n.text, out);
        out += ']';
        return;
      }
    }
  }
  out += n.kind == NodeKind::Seq ? "[\"s\"" : "[\"m\"";
  for (uint32_t c : n.children) {
    out += ',';
    AppendValueJson(doc, static_cast<int32_t>(c), out);
  }
  out += ']';
}

}  // namespace np::settings
