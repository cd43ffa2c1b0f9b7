#include "services/order/responses.hpp"

#include <string>

namespace qm::order {

namespace {

// An order of a few lines is about 500 bytes of JSON.
constexpr std::size_t order_bytes = 640;

void write_order(json::writer& w, const order_record& o) {
  w.begin_object().member("id", o.id).member("user_id", o.user_id);
  w.member("status", to_string(o.status)).key("lines").begin_array();
  for (const auto& l : o.lines) {
    w.begin_object().member("product_id", l.product_id).member("name", l.name);
    w.member("quantity", l.quantity).member("price_paise", l.price_paise);
    w.member("line_total_paise", l.line_total_paise()).end_object();
  }
  w.end_array().member("subtotal_paise", o.subtotal_paise);
  w.member("delivery_fee_paise", o.delivery_fee_paise).member("total_paise", o.total_paise);
  w.member("address", o.address).key("location").begin_object();
  w.member("lat", o.location.lat).member("lon", o.location.lon).end_object();
  w.member("partner_id", o.partner_id).member("created_at", o.created_at);
  w.member("updated_at", o.updated_at).end_object();
}

}  // namespace

std::string order_body(const order_record& o) {
  return services::item_body(o, order_bytes, write_order);
}

std::string orders_page_body(const std::vector<order_record>& orders, const page& p) {
  return services::page_body(orders, p.limit, p.offset, order_bytes, write_order);
}

std::string stats_body(const order_stats& s) {
  json::writer w;
  w.begin_object().key("orders_by_status").begin_object();
  for (const auto& [status, count] : s.orders_by_status) {
    w.member(status, count);
  }
  w.end_object().member("revenue_paise", s.revenue_paise).end_object();
  return w.finish();
}

http::response order_reply(int status, const order_record& o) {
  return http::json_response(status, order_body(o));
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
