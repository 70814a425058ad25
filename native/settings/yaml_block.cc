// The settings.yaml reader (see yaml_reader.h): block mappings and sequences, plain
// scalars (on one line or folded over several) and literal or folded block scalars.
#include <cstdint>
#include <string>

#include "settings/yaml_reader.h"

namespace np::settings::detail {

uint32_t Reader::ParseBlockNode(int indent, Start start) {
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

void Reader::RefuseNodeProperties() {
  char c = Cur();
  if (c == '&') Fail("anchor", "anchors (&name) are not accepted in settings.yaml", "write the value out in full instead of using an anchor");
  if (c == '*') Fail("alias", "aliases (*name) are not accepted in settings.yaml", "write the value out in full instead of using an alias");
  if (c == '!') Fail("tag", "tags (!tag) are not accepted in settings.yaml", "remove the tag; quote the value if it must be a string");
  if (c == '?' && IsBlankOrEnd(At(p_ + 1))) {
    Fail("complex-key", "complex keys (`? key`) are not accepted in settings.yaml", "write the key as `Key: value`");
  }
}

uint32_t Reader::ParseContent(int col, int parentIndent, bool allowCollection, Start start) {
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

void Reader::CheckPlainStart(bool flow) {
  char c = Cur();
  char n = At(p_ + 1);
  bool blankNext = IsBlankOrEnd(n) || (flow && IsFlowIndicator(n));
  if (((c == '-' || c == '?' || c == ':') && blankNext) || c == ',' || c == '[' || c == ']' || c == '{' || c == '}' ||
      c == '#' || c == '&' || c == '*' || c == '!' || c == '|' || c == '>' || c == '\'' || c == '"' || c == '%' ||
      c == '@' || c == '`') {
    Fail("yaml-syntax", std::string("a value cannot start with `") + c + "` unquoted", "put the value in quotes");
  }
}

uint32_t Reader::ParsePlainFirstLine(size_t at) {
  uint32_t node = NewNode(NodeKind::Scalar, Style::Plain, at);
  std::string text;
  ScanPlainSegment(false, text);
  doc_.nodes[node].text = std::move(text);
  return node;
}

void Reader::ScanPlainSegment(bool flow, std::string& out) {
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

void Reader::ContinuePlain(uint32_t node, int parentIndent, bool flow) {
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
  n.type = ResolvePlain(n.text);
  // Cursor: at a comment, EOL or end; consume to the next line in block context.
  if (!flow) ExpectLineEnd("after the value");
}

uint32_t Reader::ParseBlockMap(int col, uint32_t firstKey) {
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
    if (doc_.nodes[key].style == Style::Plain) doc_.nodes[key].type = ResolvePlain(doc_.nodes[key].text);
    ++p_;  // the ':'
    uint32_t value = ParseBlockNode(col, Start::MapValue);
    doc_.nodes[map].children.push_back(key);
    doc_.nodes[map].children.push_back(value);
    int c = NextBlockEntry(col, "this line is indented more than the keys of its mapping",
                           "indent it like the other keys of the mapping (or nest it under a key that ends with `:`)");
    if (c < 0) break;
    p_ += c;
    key = ParseKey(col);
  }
  Leave();
  return map;
}

uint32_t Reader::ParseKey(int col) {
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

uint32_t Reader::ParseBlockSeq(int col) {
  Enter();
  uint32_t seq = NewNode(NodeKind::Seq, Style::Block, p_);
  for (;;) {
    ++p_;  // the '-'
    uint32_t item = ParseBlockNode(col, Start::SeqItem);
    doc_.nodes[seq].children.push_back(item);
    int c = NextBlockEntry(col, "this line is indented more than the items of its sequence", "indent it like the other `- ` items");
    if (c < 0) break;
    if (!(At(p_ + c) == '-' && IsBlankOrEnd(At(p_ + c + 1)))) break;
    p_ += c;
  }
  Leave();
  return seq;
}

int Reader::NextBlockEntry(int col, const char* deeper, const char* fix) {
  SkipBlankAndCommentLines();
  if (Cur() == '\0' || LineIsDocMarker(p_)) return -1;
  int c = IndentHere();
  if (c < col) return -1;
  if (c > col) FailAt(p_ + c, "yaml-syntax", deeper, fix);
  return c;
}

uint32_t Reader::ParseBlockScalar(int parentIndent) {
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

}  // namespace np::settings::detail
