#pragma once
// The runtime's randomness: a seeded stream in simulation, the OS CSPRNG in production.
// Salts and token ids come from here, never from std::random_device or rand().

#include <cstdint>
#include <string>

namespace qm::rt {

class random {
 public:
  virtual ~random() = default;
  virtual std::uint64_t next_u64() = 0;
  // n random bytes.
  virtual std::string bytes(std::size_t n) = 0;

  // Uniform in [0, bound), bound > 0, without modulo bias.
  std::uint64_t uniform(std::uint64_t bound);
  // Uniform in [0, 1).
  double unit();
};

}  // namespace qm::rt
