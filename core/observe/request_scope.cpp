#include "core/observe/request_scope.hpp"

#include <array>

namespace qm::observe {

namespace {
// Checked for every request a server receives: a table, not a chain of comparisons.
constexpr std::array<bool, 256> request_id_chars = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                     (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
                                     c == '-';
  }
  return t;
}();
}  // namespace

bool is_well_formed_request_id(std::string_view id) {
  if (id.empty() || id.size() > max_request_id_length) {
    return false;
  }
  if (is_lower_hex_id(id)) {
    return true;  // the ids every server of ours makes: checked a word at a time
  }
  bool ok = true;
  for (const char c : id) {
    ok &= request_id_chars[static_cast<unsigned char>(c)];
  }
  return ok;
}

std::string new_request_id(std::uint64_t random_a, std::uint64_t random_b) {
  std::string id(32, '0');
  write_hex16(random_a, id.data());
  write_hex16(random_b, id.data() + 16);
  return id;
}

}  // namespace qm::observe
