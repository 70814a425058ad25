#include <cstring>
#include <exception>

#include "tests/check.h"

namespace np::test {

std::vector<Case>& Cases() {
  static std::vector<Case> cases;
  return cases;
}

namespace {
int failures_in_case = 0;
}

void Fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "  %s:%d: %s\n", file, line, what.c_str());
  ++failures_in_case;
}

std::string Root() {
#ifdef NP_ROOT
  if (const char* env = std::getenv("NP_ROOT")) return env;
  return NP_ROOT;
#else
  const char* env = std::getenv("NP_ROOT");
  return env ? env : ".";
#endif
}

}  // namespace np::test

int main(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : nullptr;
  int run = 0, failed = 0;
  for (auto& c : np::test::Cases()) {
    if (filter && !std::strstr(c.name, filter)) continue;
    ++run;
    np::test::failures_in_case = 0;
    try {
      c.fn();
    } catch (const np::Error& e) {
      np::test::Fail(__FILE__, __LINE__, std::string("unexpected np::Error ") + e.code() + ": " + e.what());
    } catch (const std::exception& e) {
      np::test::Fail(__FILE__, __LINE__, std::string("unexpected exception: ") + e.what());
    }
    if (np::test::failures_in_case) {
      ++failed;
      std::fprintf(stderr, "FAIL %s\n", c.name);
    } else {
      std::printf("ok   %s\n", c.name);
    }
  }
  std::printf("%d native tests, %d failed\n", run, failed);
  if (run == 0) {
    std::fprintf(stderr, "no native test matched\n");
    return 1;
  }
  return failed ? 1 : 0;
}
