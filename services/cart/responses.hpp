#pragma once
// The cart service's reply shapes: the priced cart and the bare lines as JSON (money in
// integer paise), and the one place where bad input, a missing line, a refused change, a
// database failure or an unreachable product service becomes an HTTP status.
//
// 400 "invalid_field" naming the field, or "invalid_body" when the body as a whole is wrong;
// 404 with a code ("not_found", "product_not_found");
// 409 with a code ("quantity_limit", "cart_full");
// 503 "unavailable" (database) or "upstream_unavailable" (product), both with Retry-After: 1.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/router.hpp"
#include "core/json/json.hpp"
#include "services/cart/domain/pricing.hpp"
#include "services/common/replies.hpp"

namespace qm::cart {

using services::db_failure;
using services::request_id;

// Reply bodies, written straight into their text (json::writer).
// {"user_id","items":[{"product_id","name","unit_price_paise","quantity","line_total_paise",
// "available","active"}],"item_count","subtotal_paise","delivery_fee_paise","total_paise",
// "unavailable_product_ids","prices_stale"}.
std::string cart_body(std::int64_t user_id, const priced_cart& cart, bool prices_stale);
// {"user_id","lines":[{"product_id","quantity"}]}.
std::string lines_body(std::int64_t user_id, const std::vector<cart_line>& lines);
// lines_body's members, then "order_id" and "applied".
std::string checkout_body(std::int64_t user_id, const std::vector<cart_line>& lines,
                          std::int64_t order_id, bool applied);

http::response bad_input(const http::request_context& rc, const json::input_error& e);
http::response not_found(const http::request_context& rc, std::string_view code,
                         std::string_view message);
http::response conflict(const http::request_context& rc, std::string_view code,
                        std::string_view message);
http::response upstream_unavailable(const http::request_context& rc);

}  // namespace qm::cart
