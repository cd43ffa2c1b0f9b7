#include "services/order/responses.hpp"

#include <string>

namespace qm::order {

json::object order_json(const order_record& o) {
  json::array lines;
  for (const auto& l : o.lines) {
    json::object line;
    line["product_id"] = l.product_id;
    line["name"] = l.name;
    line["quantity"] = l.quantity;
    line["price_paise"] = l.price_paise;
    line["line_total_paise"] = l.line_total_paise();
    lines.push_back(std::move(line));
  }
  json::object where;
  where["lat"] = o.location.lat;
  where["lon"] = o.location.lon;
  json::object out;
  out["id"] = o.id;
  out["user_id"] = o.user_id;
  out["status"] = to_string(o.status);
  out["lines"] = std::move(lines);
  out["subtotal_paise"] = o.subtotal_paise;
  out["delivery_fee_paise"] = o.delivery_fee_paise;
  out["total_paise"] = o.total_paise;
  out["address"] = o.address;
  out["location"] = std::move(where);
  if (o.partner_id) {
    out["partner_id"] = *o.partner_id;
  } else {
    out["partner_id"] = nullptr;
  }
  out["created_at"] = o.created_at;
  out["updated_at"] = o.updated_at;
  return out;
}

json::object stats_json(const order_stats& s) {
  json::object by_status;
  for (const auto& [status, count] : s.orders_by_status) {
    by_status[status] = count;
  }
  json::object out;
  out["orders_by_status"] = std::move(by_status);
  out["revenue_paise"] = s.revenue_paise;
  return out;
}

http::response order_reply(int status, const order_record& o) {
  return http::json_response(status, json::serialize(order_json(o)));
}

http::response bad_parameter(const http::request_context& rc, const json::input_error& e) {
  const std::string message = e.field.empty() ? e.message : e.field + ": " + e.message;
  return http::error_response(400, "invalid_parameter", message, request_id(rc));
}

http::response not_found(const http::request_context& rc) {
  return http::error_response(404, "not_found", "no such order", request_id(rc));
}

http::response illegal_transition(const http::request_context& rc, order_status from,
                                  order_status to) {
  return http::error_response(
      409, "illegal_transition",
      "an order cannot go from " + std::string(to_string(from)) + " to " + std::string(to_string(to)),
      request_id(rc));
}

http::response checkout_in_progress(const http::request_context& rc) {
  auto r = http::error_response(409, "checkout_in_progress",
                                "a checkout with this Idempotency-Key is still running",
                                request_id(rc));
  r.headers.set("Retry-After", "1");
  return r;
}

http::response upstream_unavailable(const http::request_context& rc, std::string_view dependency) {
  return services::dependency_unavailable(rc, dependency,
                                          "a service this needs is unavailable; retry shortly");
}

http::response cart_empty(const http::request_context& rc) {
  return http::error_response(409, "cart_empty", "the cart is empty", request_id(rc));
}

http::response payment_failed(const http::request_context& rc) {
  return http::error_response(402, "payment_failed", "the payment was declined", request_id(rc));
}

}  // namespace qm::order
