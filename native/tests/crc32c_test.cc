#include <string>
#include <vector>

#include "core/crc32c.h"
#include "tests/check.h"

namespace {
uint32_t crc_of(const std::string& s, bool portable = false) {
  auto p = reinterpret_cast<const uint8_t*>(s.data());
  return portable ? np::crc32c_portable(0, p, s.size()) : np::crc32c(0, p, s.size());
}
}  // namespace

// Known vectors: RFC 3720 (iSCSI) appendix B.4 and the standard check value.
NP_TEST(crc32c_known_vectors) {
  for (bool portable : {false, true}) {
    NP_CHECK_EQ(crc_of("", portable), 0u);
    NP_CHECK_EQ(crc_of("123456789", portable), 0xE3069283u);
    NP_CHECK_EQ(crc_of("a", portable), 0xC1D04330u);
    NP_CHECK_EQ(crc_of(std::string(32, '\0'), portable), 0x8A9136AAu);
    NP_CHECK_EQ(crc_of(std::string(32, '\xff'), portable), 0x62A8AB43u);
    std::string inc, dec;
    for (int i = 0; i < 32; ++i) inc.push_back(static_cast<char>(i));
    for (int i = 31; i >= 0; --i) dec.push_back(static_cast<char>(i));
    NP_CHECK_EQ(crc_of(inc, portable), 0x46DD794Eu);
    NP_CHECK_EQ(crc_of(dec, portable), 0x113FDB5Cu);
  }
}

NP_TEST(crc32c_hardware_matches_portable_on_every_length_and_alignment) {
  // lengths around the three-lane block sizes (3 x 256 and 3 x 4096 bytes) too
  std::vector<uint8_t> buf(3 * 3 * 4096 + 64);
  uint32_t x = 12345;
  for (auto& b : buf) {
    x = x * 1103515245u + 12345u;
    b = static_cast<uint8_t>(x >> 16);
  }
  for (size_t off = 0; off < 9; ++off) {
    for (size_t len : {0u, 1u, 7u, 8u, 9u, 31u, 32u, 33u, 100u, 767u, 768u, 769u, 775u, 776u, 1000u, 1536u, 4096u, 12287u,
                       12288u, 12289u, 12288u + 768u + 7u, 24576u, 26261u, 3u * 3u * 4096u + 50u}) {
      NP_CHECK_EQ(np::crc32c(0, buf.data() + off, len), np::crc32c_portable(0, buf.data() + off, len));
      // continued from a non-zero CRC (the first lane carries it)
      NP_CHECK_EQ(np::crc32c(0x12345678u, buf.data() + off, len), np::crc32c_portable(0x12345678u, buf.data() + off, len));
    }
  }
}

NP_TEST(crc32c_continues_across_chunks) {
  std::string s = "The quick brown fox jumps over the lazy dog";
  auto p = reinterpret_cast<const uint8_t*>(s.data());
  uint32_t whole = np::crc32c(0, p, s.size());
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    NP_CHECK_EQ(np::crc32c(np::crc32c(0, p, cut), p + cut, s.size() - cut), whole);
  }
  NP_CHECK_EQ(whole, 0x22620404u);
}

NP_TEST(crc32c_reports_implementation) {
  std::string impl = np::crc32c_implementation();
  NP_CHECK(impl == "sse4.2" || impl == "armv8-crc" || impl == "portable");
}
