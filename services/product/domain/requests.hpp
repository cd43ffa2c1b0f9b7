#pragma once
// The bodies and query strings of the reservation, batch lookup and admin routes, read and
// checked before anything reaches the database. Every error names its field (a 400).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"
#include "core/json/json.hpp"
#include "services/product/domain/listing.hpp"
#include "services/product/domain/reservation.hpp"

namespace qm::product {

template <typename T>
using input_result = result<T, json::input_error>;

inline constexpr std::size_t max_batch_ids = 100;
inline constexpr std::size_t max_name_chars = 200;
inline constexpr std::size_t max_description_chars = 2000;
inline constexpr std::int64_t max_price_paise = 100'000'000;  // a million rupees
inline constexpr std::int64_t max_stock_units = 1'000'000;
inline constexpr std::int64_t max_restock_units = 1'000'000;

struct reserve_input {
  std::string reservation_id;
  std::vector<line_request> lines;  // ordered by product id, distinct
};

struct new_product_input {
  std::int64_t category_id = 0;
  std::string name;
  std::string description;
  std::int64_t price_paise = 0;
  std::int64_t stock = 0;
};

// Absent fields stay as they are.
struct product_patch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::int64_t> price_paise;
  std::optional<std::int64_t> category_id;
  std::optional<bool> active;
};

struct admin_listing_query {
  listing_query listing;
  bool include_inactive = false;
};

// POST /internal/reservations {"reservation_id","lines":[{"product_id","quantity"}]}.
input_result<reserve_input> parse_reserve(std::string_view body);
// "ids=1,2,3": 1..max_batch_ids distinct positive ids, in the order given.
input_result<std::vector<std::int64_t>> parse_ids_query(std::string_view query);
// POST /admin/categories {"name"}.
input_result<std::string> parse_new_category(std::string_view body);
// POST /admin/products {"category_id","name","description"?,"price_paise","stock"?}.
input_result<new_product_input> parse_new_product(std::string_view body);
// PATCH /admin/products/{id} {"name"?,"description"?,"price_paise"?,"category_id"?,"active"?}.
input_result<product_patch> parse_product_patch(std::string_view body);
// POST /admin/products/{id}/restock {"quantity"}.
input_result<std::int64_t> parse_restock(std::string_view body);
// GET /admin/products: the listing parameters plus include_inactive=true|false.
input_result<admin_listing_query> parse_admin_listing(std::string_view query);

}  // namespace qm::product
