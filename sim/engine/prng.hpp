#pragma once
// Deterministic pseudo-random streams. One root seed; every consumer (a node, a link, a fault
// stream, the workload) derives its own stream from the root and a stable name, so adding a
// consumer never shifts the numbers another consumer sees.

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/random.hpp"
#include "runtime/xoshiro256.hpp"

namespace qm::sim {

// xoshiro256** (runtime/xoshiro256.hpp) behind the runtime's random interface.
class prng final : public rt::random {
 public:
  explicit prng(std::uint64_t seed);
  std::uint64_t next_u64() override;
  std::string bytes(std::size_t n) override;

  // A stream for consumer `name`, independent of every other name's stream.
  static prng derive(std::uint64_t root_seed, std::string_view name);

 private:
  rt::xoshiro256 gen_;
};

// FNV-1a 64-bit: stable hashing of names and trace lines.
std::uint64_t fnv1a64(std::string_view data, std::uint64_t h = 0xcbf29ce484222325ULL);

}  // namespace qm::sim
