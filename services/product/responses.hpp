#pragma once
// The product service's reply shapes: categories and products as JSON (money in integer
// paise), and the one place where a bad parameter, a missing product or a database failure
// becomes an HTTP status.
//
// 400 {"error":{"code":"invalid_parameter","message":"<parameter>: <message>"}};
// 404 "not_found";
// 503 "unavailable" with Retry-After: 1 for transient database errors, 500 for the rest.

#include <string_view>
#include <vector>

#include "core/http/router.hpp"
#include "core/json/json.hpp"
#include "core/sql/sql.hpp"
#include "runtime/logger.hpp"
#include "services/product/store.hpp"

namespace qm::product {

// The caller's X-Request-ID when it is well-formed (<= 64 of [A-Za-z0-9_-]), else "".
std::string_view request_id(const http::request_context& rc);

json::object category_json(const category& c);
json::object product_json(const product& p);
json::object detail_json(const product_detail& d);

http::response bad_parameter(const http::request_context& rc, const json::input_error& e);
http::response not_found(const http::request_context& rc, std::string_view message);
http::response db_failure(const http::request_context& rc, rt::logger& log, std::string_view op,
                          const sql::error& e);

}  // namespace qm::product
