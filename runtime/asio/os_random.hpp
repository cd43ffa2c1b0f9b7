#pragma once
// The production random source: the OS CSPRNG through OpenSSL's RAND_bytes. A failure of the
// generator is not an error a caller could handle (a salt or token id from a broken generator
// is worse than no service), so it stops the process with a message.

#include <cstdint>
#include <string>

#include "runtime/random.hpp"

namespace qm::rt::asio {

class os_random final : public rt::random {
 public:
  std::uint64_t next_u64() override;
  std::string bytes(std::size_t n) override;
};

}  // namespace qm::rt::asio
