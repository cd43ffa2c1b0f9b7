#include "services/gateway/request_id.hpp"

#include <algorithm>
#include <cctype>

#include "core/crypto/encoding.hpp"

namespace qm::gateway {

bool well_formed_request_id(std::string_view id) {
  return !id.empty() && id.size() <= max_request_id_len &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
         });
}

std::string choose_request_id(std::optional<std::string_view> from_client, rt::random& random) {
  if (from_client && well_formed_request_id(*from_client)) {
    return std::string(*from_client);
  }
  return crypto::hex_encode(random.bytes(16));
}

}  // namespace qm::gateway
