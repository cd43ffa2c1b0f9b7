#include "sim/engine/prng.hpp"

namespace qm::sim {

prng::prng(std::uint64_t seed) : gen_(seed) {}

std::uint64_t prng::next_u64() { return gen_.next(); }

std::string prng::bytes(std::size_t n) { return gen_.bytes(n); }

prng prng::derive(std::uint64_t root_seed, std::string_view name) {
  std::uint64_t x = root_seed ^ fnv1a64(name);
  return prng(rt::splitmix64(x));
}

std::uint64_t fnv1a64(std::string_view data, std::uint64_t h) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace qm::sim
