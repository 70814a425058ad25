// The settings.yaml reader (see yaml_reader.h): single- and double-quoted scalars with
// their escapes and line folding, and flow collections (`[a, b]`, `{k: v}`).
#include <cstdint>
#include <string>

#include "settings/yaml_reader.h"

namespace np::settings::detail {
namespace {

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

}  // namespace

uint32_t Reader::ParseQuoted(int parentIndent, bool flow) {
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

void Reader::FoldLines(std::string& out, size_t& keep, int parentIndent, bool flow, bool escaped) {
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

void Reader::SkipFlowSpace(int parentIndent) {
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

uint32_t Reader::ParseFlowCollection(int parentIndent) {
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

uint32_t Reader::ParseFlowNode(int parentIndent) {
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

}  // namespace np::settings::detail
