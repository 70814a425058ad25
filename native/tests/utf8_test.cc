#include <string>

#include "core/utf8.h"
#include "dump/json_out.h"
#include "tests/check.h"

namespace {
int seq(const std::string& s, uint32_t& cp) {
  auto p = reinterpret_cast<const uint8_t*>(s.data());
  return np::Utf8Sequence(p, p + s.size(), cp);
}
std::string json(const std::string& s) {
  std::string out;
  np::dump::JsonString(out, s);
  return out;
}
}  // namespace

NP_TEST(utf8_sequences_valid_and_invalid) {
  uint32_t cp = 0;
  NP_CHECK_EQ(seq("\xc3\xa9", cp), 2);
  NP_CHECK_EQ(cp, 0xe9u);
  NP_CHECK_EQ(seq("\xe2\x82\xac", cp), 3);
  NP_CHECK_EQ(cp, 0x20acu);
  NP_CHECK_EQ(seq("\xf0\x9f\x98\x80", cp), 4);
  NP_CHECK_EQ(cp, 0x1f600u);
  NP_CHECK_EQ(seq("\xc0\xaf", cp), 0);          // overlong
  NP_CHECK_EQ(seq("\xe0\x80\xaf", cp), 0);      // overlong
  NP_CHECK_EQ(seq("\xed\xa0\x80", cp), 0);      // surrogate
  NP_CHECK_EQ(seq("\xf4\x90\x80\x80", cp), 0);  // above U+10FFFF
  NP_CHECK_EQ(seq("\xf8\x80\x80\x80", cp), 0);  // no such lead byte
  NP_CHECK_EQ(seq("\xe2\x82", cp), 0);          // cut off
  NP_CHECK_EQ(seq("\xe2\x28\xac", cp), 0);      // bad continuation
}

NP_TEST(json_string_never_copies_invalid_utf8) {
  NP_CHECK_EQ(json("caf\xc3\xa9"), std::string("\"caf\xc3\xa9\""));
  // 0xF8..0xFF are never lead bytes: each becomes U+FFFD, the continuations too
  NP_CHECK_EQ(json("\xf8\x80\x80"), std::string("\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""));
  NP_CHECK_EQ(json("a\xffz"), std::string("\"a\xef\xbf\xbdz\""));
}
