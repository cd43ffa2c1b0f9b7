#pragma once
// The order service's reply shapes: the order as JSON (money in integer paise, times in unix
// seconds), and the one place where each refusal becomes an HTTP status and error code.

#include <string>
#include <string_view>
#include <vector>

#include "core/http/router.hpp"
#include "core/json/json.hpp"
#include "services/common/replies.hpp"
#include "services/order/domain/order.hpp"
#include "services/order/domain/requests.hpp"
#include "services/order/store.hpp"

namespace qm::order {

using services::db_failure;
using services::request_id;

// Reply bodies, written straight into their text (json::writer).
// {"id","user_id","status","lines":[{"product_id","name","quantity","price_paise",
// "line_total_paise"}],"subtotal_paise","delivery_fee_paise","total_paise","address",
// "location":{"lat","lon"},"partner_id","created_at","updated_at"}, alone or as a page.
std::string order_body(const order_record& o);
std::string orders_page_body(const std::vector<order_record>& orders, const page& p);
std::string stats_body(const order_stats& s);
http::response order_reply(int status, const order_record& o);

http::response bad_parameter(const http::request_context& rc, const json::input_error& e);
http::response not_found(const http::request_context& rc);
// 409 "illegal_transition" naming the move.
http::response illegal_transition(const http::request_context& rc, order_status from,
                                  order_status to);
// 409 "checkout_in_progress" with Retry-After: 1.
http::response checkout_in_progress(const http::request_context& rc);
// 503 "upstream_unavailable" with Retry-After: 1.
// dependency: the upstream that failed (cart, product, payment), marked on the reply so callers
// do not hold it against order; empty when the failure is order's own.
http::response upstream_unavailable(const http::request_context& rc, std::string_view dependency);
// 409 "cart_empty".
http::response cart_empty(const http::request_context& rc);
// 402 "payment_failed".
http::response payment_failed(const http::request_context& rc);

}  // namespace qm::order
