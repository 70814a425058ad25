#include "core/format.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace np {

size_t FormatDouble(char* buf, double d) {
  int n = 0;
  // Every decimal of 15 or fewer significant digits survives a round trip through a
  // double, so the first precision that reads back exactly is the shortest.
  for (int precision = 15; precision <= 17; ++precision) {
    n = std::snprintf(buf, 32, "%.*g", precision, d);
    if (precision == 17 || std::strtod(buf, nullptr) == d) break;
  }
  if (n < 0) n = 0;
  // snprintf and strtod follow LC_NUMERIC; the output is always the C locale's.
  for (int i = 0; i < n; ++i) {
    char c = buf[i];
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e')) buf[i] = '.';
  }
  return static_cast<size_t>(n);
}

}  // namespace np
