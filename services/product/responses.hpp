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
#include "services/common/replies.hpp"
#include "services/product/store.hpp"

namespace qm::product {

using services::request_id;
using services::db_failure;

json::object category_json(const category& c);
json::object product_json(const product& p);
json::object detail_json(const product_detail& d);

http::response bad_parameter(const http::request_context& rc, const json::input_error& e);
http::response not_found(const http::request_context& rc, std::string_view message);

}  // namespace qm::product
