#pragma once
// Where the server's request ids, trace ids and span ids come from: xoshiro256** seeded once
// from the OS CSPRNG. These ids must be unique, not secret, and there are several per request;
// the CSPRNG (a syscall or a lock per call) was a visible share of a cheap request's cost.
// Never used for anything secret: salts, tokens and keys come from os_random. One per server.

#include <cstdint>
#include <string>

#include "runtime/random.hpp"
#include "runtime/xoshiro256.hpp"

namespace qm::rt::asio {

class id_random final : public rt::random {
 public:
  id_random();  // seeded from os_random
  std::uint64_t next_u64() override { return gen_.next(); }
  std::string bytes(std::size_t n) override { return gen_.bytes(n); }

 private:
  rt::xoshiro256 gen_;
};

}  // namespace qm::rt::asio
