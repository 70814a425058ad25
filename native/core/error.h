// Errors of the native core: a stable string code (what scripts match on) and a
// message for people. The glue turns them into JS errors with `.code` set.
#pragma once

#include <stdexcept>
#include <string>

namespace np {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

}  // namespace np
