#pragma once
// An order as the service keeps it: priced lines, totals in paise, where it goes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/order/domain/status.hpp"

namespace qm::order {

struct location {
  double lat = 0;
  double lon = 0;
};

struct order_line {
  std::int64_t product_id = 0;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t price_paise = 0;  // unit price at reservation time

  std::int64_t line_total_paise() const { return quantity * price_paise; }
};

struct order_record {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  order_status status = order_status::confirmed;
  std::vector<order_line> lines;
  std::int64_t subtotal_paise = 0;
  std::int64_t delivery_fee_paise = 0;
  std::int64_t total_paise = 0;
  std::string address;
  order::location location;
  std::optional<std::int64_t> partner_id;
  std::string reservation_id;  // product's reservation holding this order's stock
  std::int64_t created_at = 0;  // unix seconds
  std::int64_t updated_at = 0;
};

// Subtotal, fee and total of lines under the shop's delivery fee rule.
struct totals {
  std::int64_t subtotal_paise = 0;
  std::int64_t delivery_fee_paise = 0;
  std::int64_t total_paise = 0;
};
totals price(const std::vector<order_line>& lines);

}  // namespace qm::order
