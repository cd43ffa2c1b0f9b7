#include "core/observe/request_scope.hpp"

#include <algorithm>

namespace qm::observe {

bool is_well_formed_request_id(std::string_view id) {
  return !id.empty() && id.size() <= max_request_id_length &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == ':' || c == '-';
         });
}

std::string new_request_id(std::uint64_t random_a, std::uint64_t random_b) {
  std::string id(32, '0');
  write_hex16(random_a, id.data());
  write_hex16(random_b, id.data() + 16);
  return id;
}

}  // namespace qm::observe
