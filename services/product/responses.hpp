#pragma once
// The product service's reply shapes: categories, products and reservations as JSON (money
// in integer paise, times in unix seconds), and the one place where a bad parameter, a
// missing product, a refused reservation or a database failure becomes an HTTP status.
//
// 400 {"error":{"code":"invalid_parameter","message":"<parameter>: <message>"}};
// 404 "not_found";
// 409 with a code naming the refusal; insufficient_stock carries "shortages" and
//     product_unavailable carries "product_ids" next to "error";
// 503 "unavailable" with Retry-After: 1 for transient database errors, 500 for the rest.

#include <string_view>
#include <vector>

#include "core/http/router.hpp"
#include "core/json/json.hpp"
#include "core/sql/sql.hpp"
#include "runtime/logger.hpp"
#include "services/common/replies.hpp"
#include "services/product/store.hpp"

namespace qm::product {

using services::request_id;
using services::db_failure;

json::object category_json(const category& c);
json::object product_json(const product& p);
json::object detail_json(const product_detail& d);
// product_json plus "active" and "available".
json::object admin_product_json(const admin_product& p);
// {"id","name","price_paise","active","available"} for the batch lookup.
json::object summary_json(const product_summary& p);
// {"reservation_id","status","expires_at","lines":[{"product_id","name","quantity",
// "price_paise"}],"subtotal_paise"}.
json::object reservation_json(const reservation& r);
// {"reservation_id","status"}.
json::object status_json(std::string_view reservation_id, reservation_status s);
json::object stats_json(const product_stats& s);

http::response bad_parameter(const http::request_context& rc, const json::input_error& e);
http::response not_found(const http::request_context& rc, std::string_view message);
http::response conflict(const http::request_context& rc, std::string_view code,
                        std::string_view message);
http::response insufficient_stock(const http::request_context& rc,
                                  const std::vector<shortage>& shortages);
http::response product_unavailable(const http::request_context& rc,
                                   const std::vector<std::int64_t>& product_ids);

}  // namespace qm::product
