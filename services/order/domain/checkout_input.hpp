#pragma once
// What a checkout request carries, read and checked: the Idempotency-Key header, the body
// {"address","location":{"lat","lon"}}, and the reservation id a checkout attempt uses.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/json/json.hpp"
#include "services/order/domain/order.hpp"

namespace qm::order {

inline constexpr std::size_t max_key_length = 64;
inline constexpr std::size_t max_address_length = 300;

struct checkout_input {
  std::string address;
  order::location location;
};

// 1..64 characters of [A-Za-z0-9_-]; an error naming Idempotency-Key otherwise.
result<std::string, json::input_error> parse_idempotency_key(std::optional<std::string_view> header);

result<checkout_input, json::input_error> parse_checkout_body(std::string_view body);

// A digest of what the checkout asks for (address and location, as parsed): a retry with the
// same key must carry the same request.
std::string request_digest(const checkout_input& in);

// The latitude/longitude object at o[field]: numbers within [-90, 90] and [-180, 180].
result<order::location, json::input_error> parse_location(const json::object& o,
                                                          std::string_view field);

// The reservation id of attempt `attempt` of the checkout (user_id, key): the same inputs give
// the same id, so a repeated call for one attempt finds its reservation again at product,
// while a new attempt (after the previous one was compensated, which leaves product a
// tombstone under the old id) gets a fresh one. 32 hex digits of SHA-256.
std::string reservation_id_for(std::int64_t user_id, std::string_view key, std::int64_t attempt);

}  // namespace qm::order
