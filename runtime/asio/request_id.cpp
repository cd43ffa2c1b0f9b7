#include "runtime/asio/request_id.hpp"

#include "runtime/asio/os_random.hpp"

namespace qm::rt::asio {

namespace {
void append_hex(std::string& out, std::uint64_t v, bool pad) {
  static constexpr char digits[] = "0123456789abcdef";
  char buf[16];
  int n = 0;
  do {
    buf[n++] = digits[v & 0xF];
    v >>= 4;
  } while (v != 0 || (pad && n < 16));
  while (n > 0) {
    out += buf[--n];
  }
}
}  // namespace

bool is_well_formed_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) {
    return false;
  }
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

request_id_source::request_id_source() {
  os_random rng;
  append_hex(prefix_, rng.next_u64(), true);
  prefix_ += '-';
}

std::string request_id_source::next() {
  std::string id = prefix_;
  append_hex(id, ++counter_, false);
  return id;
}

}  // namespace qm::rt::asio
