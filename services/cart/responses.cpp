#include "services/cart/responses.hpp"

namespace qm::cart {

namespace {

json::object item_json(const priced_line& p) {
  json::object o;
  o.reserve(7);
  o["product_id"] = p.line.product_id;
  o["name"] = p.name;
  o["unit_price_paise"] = p.unit_price_paise;
  o["quantity"] = p.line.quantity;
  o["line_total_paise"] = p.line_total_paise;
  o["available"] = p.available;
  o["active"] = p.active;
  return o;
}

}  // namespace

json::object cart_json(std::int64_t user_id, const priced_cart& cart) {
  json::array items;
  items.reserve(cart.items.size());
  for (const auto& p : cart.items) {
    items.push_back(item_json(p));
  }
  json::array unavailable;
  for (const auto id : cart.unavailable_product_ids) {
    unavailable.push_back(id);
  }
  json::object o;
  o.reserve(7);
  o["user_id"] = user_id;
  o["items"] = std::move(items);
  o["item_count"] = cart.item_count;
  o["subtotal_paise"] = cart.subtotal_paise;
  o["delivery_fee_paise"] = cart.delivery_fee_paise;
  o["total_paise"] = cart.total_paise;
  o["unavailable_product_ids"] = std::move(unavailable);
  return o;
}

json::object lines_json(std::int64_t user_id, const std::vector<cart_line>& lines) {
  json::array out;
  for (const auto& l : lines) {
    json::object line;
    line["product_id"] = l.product_id;
    line["quantity"] = l.quantity;
    out.push_back(std::move(line));
  }
  json::object o;
  o["user_id"] = user_id;
  o["lines"] = std::move(out);
  return o;
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
