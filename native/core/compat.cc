// Keeps the prebuilt addon within the symbol-version floor of RHEL 8 (GLIBCXX_3.4.25).
// GCC 11+ headers make std::vector call std::__throw_bad_array_new_length, which only
// libstdc++ 3.4.29 (GCC 11) exports. Defining it here (hidden, like every symbol of the
// addon) resolves the call inside our own object, so the binary needs no newer libstdc++.
#include <new>

#if defined(__GLIBCXX__)
namespace std {
__attribute__((visibility("hidden"), noreturn)) void __throw_bad_array_new_length() {
  throw std::bad_array_new_length();
}
}  // namespace std
#endif

// GCC 11+ headers read glibc's __libc_single_threaded (GLIBC_2.32) to skip atomic
// reference counts in single-threaded processes. A hidden definition of our own, always
// 0 ("threads may exist"), keeps every count atomic, which is correct in any process,
// and keeps the binary within GLIBC_2.28.
#if defined(__GLIBC__)
extern "C" {
__attribute__((visibility("hidden"))) char __libc_single_threaded = 0;
}
#endif
