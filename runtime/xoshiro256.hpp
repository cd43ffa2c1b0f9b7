#pragma once
// xoshiro256** seeded through splitmix64: fast, small state, good statistical quality, not
// cryptographic. The simulator's seeded streams and production's request/trace ids use it;
// nothing secret ever does (salts, tokens and keys come from the OS CSPRNG).

#include <cstdint>
#include <string>

namespace qm::rt {

class xoshiro256 {
 public:
  explicit xoshiro256(std::uint64_t seed);
  std::uint64_t next();
  // n bytes, little-endian from successive values.
  std::string bytes(std::size_t n);

 private:
  std::uint64_t s_[4];
};

// One step of splitmix64 (advances x): seeds and derived stream names.
std::uint64_t splitmix64(std::uint64_t& x);

}  // namespace qm::rt
