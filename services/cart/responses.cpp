#include "services/cart/responses.hpp"

namespace qm::cart {

namespace {

// lines_body's members, in an object the caller opened.
void write_lines_members(json::writer& w, std::int64_t user_id,
                         const std::vector<cart_line>& lines) {
  w.member("user_id", user_id).key("lines").begin_array();
  for (const auto& l : lines) {
    w.begin_object().member("product_id", l.product_id).member("quantity", l.quantity);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string cart_body(std::int64_t user_id, const priced_cart& cart, bool prices_stale) {
  // About 160 bytes of JSON a line, and 200 for the rest.
  json::writer w(200 + cart.items.size() * 160);
  w.begin_object().member("user_id", user_id).key("items").begin_array();
  for (const auto& p : cart.items) {
    w.begin_object().member("product_id", p.line.product_id).member("name", p.name);
    w.member("unit_price_paise", p.unit_price_paise).member("quantity", p.line.quantity);
    w.member("line_total_paise", p.line_total_paise).member("available", p.available);
    w.member("active", p.active).end_object();
  }
  w.end_array().member("item_count", cart.item_count);
  w.member("subtotal_paise", cart.subtotal_paise);
  w.member("delivery_fee_paise", cart.delivery_fee_paise);
  w.member("total_paise", cart.total_paise).key("unavailable_product_ids").begin_array();
  for (const auto id : cart.unavailable_product_ids) {
    w.value(id);
  }
  w.end_array().member("prices_stale", prices_stale).end_object();
  return w.finish();
}

std::string lines_body(std::int64_t user_id, const std::vector<cart_line>& lines) {
  json::writer w(32 + lines.size() * 40);
  w.begin_object();
  write_lines_members(w, user_id, lines);
  w.end_object();
  return w.finish();
}

std::string checkout_body(std::int64_t user_id, const std::vector<cart_line>& lines,
                          std::int64_t order_id, bool applied) {
  json::writer w(64 + lines.size() * 40);
  w.begin_object();
  write_lines_members(w, user_id, lines);
  w.member("order_id", order_id).member("applied", applied).end_object();
  return w.finish();
}

http::response bad_input(const http::request_context& rc, const json::input_error& e) {
  if (e.field.empty()) {
    return http::error_response(400, "invalid_body", e.message, request_id(rc));
  }
  return http::error_response(400, "invalid_field", e.field + ": " + e.message, request_id(rc));
}

http::response not_found(const http::request_context& rc, std::string_view code,
                         std::string_view message) {
  return http::error_response(404, code, message, request_id(rc));
}

http::response conflict(const http::request_context& rc, std::string_view code,
                        std::string_view message) {
  return http::error_response(409, code, message, request_id(rc));
}

http::response upstream_unavailable(const http::request_context& rc) {
  return services::dependency_unavailable(rc, "product",
                                          "the product catalogue is unreachable; retry shortly");
}

}  // namespace qm::cart
