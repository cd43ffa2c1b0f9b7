#include "runtime/asio/os_random.hpp"

#include <openssl/rand.h>

#include <climits>
#include <cstring>

#include "core/base/assert.hpp"

namespace qm::rt::asio {

namespace {
void fill(unsigned char* out, std::size_t n) {
  // RAND_bytes takes an int; larger requests are split (nothing here asks for that much).
  while (n > 0) {
    const int chunk = n > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n);
    QM_ASSERT_MSG(RAND_bytes(out, chunk) == 1, "the OS random generator failed (RAND_bytes)");
    out += chunk;
    n -= static_cast<std::size_t>(chunk);
  }
}
}  // namespace

std::uint64_t os_random::next_u64() {
  unsigned char raw[sizeof(std::uint64_t)];
  fill(raw, sizeof raw);
  std::uint64_t v = 0;
  std::memcpy(&v, raw, sizeof v);
  return v;
}

std::string os_random::bytes(std::size_t n) {
  std::string out(n, '\0');
  fill(reinterpret_cast<unsigned char*>(out.data()), n);
  return out;
}

}  // namespace qm::rt::asio
