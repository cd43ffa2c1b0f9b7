#pragma once
// Assertions that stay on in every build type: an invariant that does not hold is a bug,
// and a simulation that carries on past a bug proves nothing.

#include <source_location>
#include <string_view>

namespace qm {

[[noreturn]] void assertion_failed(std::string_view expression, std::string_view message,
                                   std::source_location where);

}  // namespace qm

#define QM_ASSERT(cond)                                                             \
  do {                                                                              \
    if (!(cond)) [[unlikely]] {                                                     \
      ::qm::assertion_failed(#cond, "", std::source_location::current());           \
    }                                                                               \
  } while (false)

#define QM_ASSERT_MSG(cond, msg)                                                    \
  do {                                                                              \
    if (!(cond)) [[unlikely]] {                                                     \
      ::qm::assertion_failed(#cond, (msg), std::source_location::current());        \
    }                                                                               \
  } while (false)
