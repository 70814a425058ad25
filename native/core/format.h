// Number formatting that keeps the addon within the RHEL 8 symbol floor:
// std::to_chars for double lives in libstdc++ 3.4.29 (GCC 11), which RHEL 8 lacks.
#pragma once

#include <cstddef>

namespace np {

// Writes the shortest decimal form of a finite `d` (at most 17 significant digits) that
// reads back as exactly `d`, in the C locale, into `buf` (at least 32 bytes). Returns the
// length. The form is printf's %g (for example `0.1`, `1e-05`, `1.2345678901234568e+20`).
size_t FormatDouble(char* buf, double d);

}  // namespace np
