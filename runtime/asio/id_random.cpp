#include "runtime/asio/id_random.hpp"

#include "runtime/asio/os_random.hpp"

namespace qm::rt::asio {

namespace {
std::uint64_t os_seed() {
  os_random os;
  return os.next_u64();
}
}  // namespace

id_random::id_random() : gen_(os_seed()) {}

}  // namespace qm::rt::asio
