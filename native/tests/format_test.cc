#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/format.h"
#include "tests/check.h"

namespace {
std::string fmt(double d) {
  char buf[32];
  return std::string(buf, np::FormatDouble(buf, d));
}
}  // namespace

NP_TEST(format_double_shortest_round_trip) {
  NP_CHECK_EQ(fmt(0.1), std::string("0.1"));
  NP_CHECK_EQ(fmt(1.5), std::string("1.5"));
  NP_CHECK_EQ(fmt(-2.25), std::string("-2.25"));
  NP_CHECK_EQ(fmt(100), std::string("100"));
  NP_CHECK_EQ(fmt(0.1 + 0.2), std::string("0.30000000000000004"));
  NP_CHECK_EQ(fmt(1e21), std::string("1e+21"));
  NP_CHECK_EQ(fmt(1e-5), std::string("1e-05"));
  NP_CHECK(std::strtod(fmt(5e-324).c_str(), nullptr) == 5e-324);  // the smallest denormal
  NP_CHECK_EQ(fmt(1.7976931348623157e308), std::string("1.7976931348623157e+308"));
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double d;
    std::memcpy(&d, &x, sizeof d);
    if (!std::isfinite(d)) continue;
    std::string s = fmt(d);
    NP_CHECK(std::strtod(s.c_str(), nullptr) == d);
    NP_CHECK(s.size() <= 24);
  }
}
