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
