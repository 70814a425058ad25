// The settings.yaml reader (see yaml.h and yaml_reader.h): the document, the input's
// normalisation and checks (UTF-8, control characters), positions and line handling.
#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "settings/yaml_reader.h"

namespace np::settings {
namespace detail {

Document Reader::Run() {
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

void Reader::Normalise(const uint8_t* data, size_t size) {
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

size_t Reader::LineIndex(size_t pos) const {
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), pos);
  return static_cast<size_t>(it - lineStarts_.begin()) - 1;
}

int Reader::ColumnOf(size_t pos) const {
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

void Reader::Position(size_t pos, uint32_t& line, uint32_t& col) const {
  line = static_cast<uint32_t>(LineIndex(pos) + 1);
  col = static_cast<uint32_t>(ColumnOf(pos) + 1);
}

void Reader::FailAt(size_t pos, const char* code, const std::string& msg, const std::string& fix) const {
  uint32_t line, col;
  Position(std::min(pos, s_.size() - 1), line, col);
  throw ReadError(code, msg, line, col, fix);
}

void Reader::Fail(const char* code, const std::string& msg, const std::string& fix) const {
  FailAt(p_, code, msg, fix);
}

uint32_t Reader::NewNode(NodeKind kind, Style style, size_t pos) {
  Node n;
  n.kind = kind;
  n.style = style;
  Position(pos, n.line, n.col);
  doc_.nodes.push_back(std::move(n));
  return static_cast<uint32_t>(doc_.nodes.size() - 1);
}

void Reader::Enter() {
  if (++depth_ > kMaxDepth) {
    Fail("too-deep", "collections are nested more than " + std::to_string(kMaxDepth) + " levels deep",
         "flatten the structure; settings.yaml needs only a few levels");
  }
}

bool Reader::AtDocMarker(const char* m) const {
  if (ColumnOf(p_) != 0 && !(p_ == 0 || s_[p_ - 1] == '\n')) return false;
  if (!(p_ == 0 || s_[p_ - 1] == '\n')) return false;
  return s_.compare(p_, 3, m) == 0 && IsBlankOrEnd(At(p_ + 3));
}

bool Reader::LineIsDocMarker(size_t ls) const {
  return (s_.compare(ls, 3, "---") == 0 || s_.compare(ls, 3, "...") == 0) && IsBlankOrEnd(At(ls + 3));
}

void Reader::SkipBlanks() {
  while (IsBlank(Cur())) ++p_;
}

void Reader::ExpectLineEnd(const char* where) {
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

void Reader::SkipBlankAndCommentLines() {
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

int Reader::IndentHere() {
  size_t q = p_;
  while (At(q) == ' ') ++q;
  if (At(q) == '\t') {
    FailAt(q, "tab-indent", "a tab is used for indentation; YAML indents with spaces only", "replace the tab with spaces");
  }
  return static_cast<int>(q - p_);
}

}  // namespace detail

Document Read(const uint8_t* data, size_t size) {
  detail::Reader r(data, size);
  return r.Run();
}

}  // namespace np::settings
