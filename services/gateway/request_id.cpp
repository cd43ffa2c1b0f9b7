#include "services/gateway/request_id.hpp"


#include "core/crypto/encoding.hpp"

namespace qm::gateway {

std::string choose_request_id(std::optional<std::string_view> from_client, rt::random& random) {
  if (from_client && observe::is_well_formed_request_id(*from_client)) {
    return std::string(*from_client);
  }
  return crypto::hex_encode(random.bytes(16));
}

}  // namespace qm::gateway
