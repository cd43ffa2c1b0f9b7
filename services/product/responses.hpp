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

#include <cstdint>
#include <string>
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

// Reply bodies, written straight into their text (json::writer).
// {"items":[{"id","name"}]} and one {"id","name"}.
std::string categories_body(const std::vector<category>& categories);
std::string category_body(const category& c);
// A product is {"id","category_id","name","description","price_paise"}; a listing is
// {"items":[product],"limit","offset"}.
std::string listing_body(const std::vector<product>& items, std::int64_t limit,
                         std::int64_t offset);
// A product plus "available".
std::string detail_body(const product_detail& d);
// A product plus "active" and "available", alone or in a listing.
std::string admin_product_body(const admin_product& p);
std::string admin_listing_body(const std::vector<admin_product>& items, std::int64_t limit,
                               std::int64_t offset);
// {"items":[{"id","name","price_paise","active","available"}]} for the batch lookup.
std::string summaries_body(const std::vector<product_summary>& items);
// {"reservation_id","status","expires_at","lines":[{"product_id","name","quantity",
// "price_paise"}],"subtotal_paise"}.
std::string reservation_body(const reservation& r);
// {"reservation_id","status"}.
std::string status_body(std::string_view reservation_id, reservation_status s);
std::string stats_body(const product_stats& s);

http::response bad_parameter(const http::request_context& rc, const json::input_error& e);
http::response not_found(const http::request_context& rc, std::string_view message);
http::response conflict(const http::request_context& rc, std::string_view code,
                        std::string_view message);
http::response insufficient_stock(const http::request_context& rc,
                                  const std::vector<shortage>& shortages);
http::response product_unavailable(const http::request_context& rc,
                                   const std::vector<std::int64_t>& product_ids);

}  // namespace qm::product
