// A minimal test harness for the native core's C++ tests (no dependencies, so the
// same tests cross-build for arm64 and run under qemu). Each test file defines
//   NP_TEST(name) { NP_CHECK(cond); NP_CHECK_EQ(a, b); NP_CHECK_THROWS_CODE(expr, "code"); }
// and tests/main.cc runs them all (or those whose name contains argv[1]).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"

namespace np::test {

struct Case {
  const char* name;
  std::function<void()> fn;
};

std::vector<Case>& Cases();
void Fail(const char* file, int line, const std::string& what);

struct Register {
  Register(const char* name, std::function<void()> fn) { Cases().push_back({name, std::move(fn)}); }
};

template <typename T>
std::string Show(const T& v) {
  std::ostringstream os;
  if constexpr (std::is_same_v<T, uint8_t> || std::is_same_v<T, int8_t>) os << static_cast<int>(v);
  else os << v;
  return os.str();
}

// Directory of fixtures committed under test/ (absolute), for tests that read files.
std::string Root();

}  // namespace np::test

#define NP_TCAT_(a, b) a##b
#define NP_TCAT(a, b) NP_TCAT_(a, b)
#define NP_TEST(name)                                                                   \
  static void NP_TCAT(np_test_fn_, name)();                                              \
  static ::np::test::Register NP_TCAT(np_test_reg_, name)(#name, NP_TCAT(np_test_fn_, name)); \
  static void NP_TCAT(np_test_fn_, name)()

#define NP_CHECK(cond)                                                  \
  do {                                                                  \
    if (!(cond)) ::np::test::Fail(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)

#define NP_CHECK_EQ(a, b)                                                                            \
  do {                                                                                               \
    auto&& np_a_ = (a);                                                                              \
    auto&& np_b_ = (b);                                                                              \
    if (!(np_a_ == np_b_))                                                                           \
      ::np::test::Fail(__FILE__, __LINE__,                                                           \
                       "CHECK_EQ(" #a ", " #b "): " + ::np::test::Show(np_a_) + " != " + ::np::test::Show(np_b_)); \
  } while (0)

#define NP_CHECK_THROWS_CODE(expr, expected_code)                                                   \
  do {                                                                                              \
    bool np_thrown_ = false;                                                                        \
    try {                                                                                           \
      (void)(expr);                                                                                 \
    } catch (const ::np::Error& e) {                                                                \
      np_thrown_ = true;                                                                            \
      if (e.code() != std::string(expected_code))                                                   \
        ::np::test::Fail(__FILE__, __LINE__, "expected code " expected_code ", got " + e.code() + ": " + e.what()); \
    }                                                                                               \
    if (!np_thrown_) ::np::test::Fail(__FILE__, __LINE__, "expected np::Error " expected_code ": " #expr); \
  } while (0)
