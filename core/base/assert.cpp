#include "core/base/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace qm {

void assertion_failed(std::string_view expression, std::string_view message,
                      std::source_location where) {
  std::fprintf(stderr, "assertion failed: %.*s%s%.*s\n  at %s:%u (%s)\n",
               static_cast<int>(expression.size()), expression.data(), message.empty() ? "" : ": ",
               static_cast<int>(message.size()), message.data(), where.file_name(),
               static_cast<unsigned>(where.line()), where.function_name());
  std::fflush(stderr);
  std::abort();
}

}  // namespace qm
