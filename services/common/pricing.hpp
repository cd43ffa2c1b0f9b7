#pragma once
// The delivery fee rule, in one place for the cart (what the customer is shown) and the order
// (what the customer pays): 20 rupees on a subtotal under 199 rupees, free from 199 rupees.

#include <cstdint>

namespace qm::services {

inline constexpr std::int64_t delivery_fee_paise = 2'000;
inline constexpr std::int64_t free_delivery_from_paise = 19'900;

constexpr std::int64_t delivery_fee_for(std::int64_t subtotal_paise) {
  return subtotal_paise < free_delivery_from_paise ? delivery_fee_paise : 0;
}

static_assert(delivery_fee_for(19'899) == 2'000);
static_assert(delivery_fee_for(19'900) == 0);

}  // namespace qm::services
