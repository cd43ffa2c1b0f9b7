#include "runtime/random.hpp"

#include "core/base/assert.hpp"

namespace qm::rt {

std::uint64_t random::uniform(std::uint64_t bound) {
  QM_ASSERT(bound > 0);
  // Rejection sampling: retry the (at most 50%) draws in the biased tail. The expected number
  // of draws is below 2; the bound of 64 makes the loop finite even for a broken generator.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  for (int attempt = 0; attempt < 64; ++attempt) {
    const std::uint64_t x = next_u64();
    if (x < limit) {
      return x % bound;
    }
  }
  return next_u64() % bound;
}

double random::unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

}  // namespace qm::rt
