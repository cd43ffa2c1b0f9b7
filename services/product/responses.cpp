#include "services/product/responses.hpp"

namespace qm::product {

namespace {

// error_response's body with one more member next to "error".
http::response error_with(int status, const http::request_context& rc, std::string_view code,
                          std::string_view message, std::string_view key, json::value extra) {
  json::object body;
  json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  inner["request_id"] = request_id(rc);
  body["error"] = std::move(inner);
  body[key] = std::move(extra);
  return http::json_response(status, json::serialize(body));
}

}  // namespace

json::object category_json(const category& c) {
  json::object o;
  o["id"] = c.id;
  o["name"] = c.name;
  return o;
}

json::object product_json(const product& p) {
  json::object o;
  o.reserve(7);  // its five keys and the two detail_json and admin_product_json add
  o["id"] = p.id;
  o["category_id"] = p.category_id;
  o["name"] = p.name;
  o["description"] = p.description;
  o["price_paise"] = p.price_paise;
  return o;
}

json::object detail_json(const product_detail& d) {
  json::object o = product_json(d.item);
  o["available"] = d.available;
  return o;
}

json::object admin_product_json(const admin_product& p) {
  json::object o = product_json(p.item);
  o["active"] = p.active;
  o["available"] = p.available;
  return o;
}

json::object summary_json(const product_summary& p) {
  json::object o;
  o.reserve(5);
  o["id"] = p.id;
  o["name"] = p.name;
  o["price_paise"] = p.price_paise;
  o["active"] = p.active;
  o["available"] = p.available;
  return o;
}

json::object reservation_json(const reservation& r) {
  json::object o;
  o["reservation_id"] = r.id;
  o["status"] = to_string(r.status);
  o["expires_at"] = r.expires_at;
  json::array lines;
  for (const auto& l : r.lines) {
    json::object line;
    line["product_id"] = l.product_id;
    line["name"] = l.name;
    line["quantity"] = l.quantity;
    line["price_paise"] = l.price_paise;
    lines.push_back(std::move(line));
  }
  o["lines"] = std::move(lines);
  o["subtotal_paise"] = r.subtotal_paise();
  return o;
}

json::object status_json(std::string_view reservation_id, reservation_status s) {
  json::object o;
  o["reservation_id"] = reservation_id;
  o["status"] = to_string(s);
  return o;
}

json::object stats_json(const product_stats& s) {
  json::object o;
  o["products_active"] = s.products_active;
  o["products_out_of_stock"] = s.products_out_of_stock;
  o["reservations_held"] = s.reservations_held;
  o["units_available"] = s.units_available;
  return o;
}

http::response bad_parameter(const http::request_context& rc, const json::input_error& e) {
  const std::string message = e.field.empty() ? e.message : e.field + ": " + e.message;
  return http::error_response(400, "invalid_parameter", message, request_id(rc));
}

http::response not_found(const http::request_context& rc, std::string_view message) {
  return http::error_response(404, "not_found", message, request_id(rc));
}

http::response conflict(const http::request_context& rc, std::string_view code,
                        std::string_view message) {
  return http::error_response(409, code, message, request_id(rc));
}

http::response insufficient_stock(const http::request_context& rc,
                                  const std::vector<shortage>& shortages) {
  json::array items;
  for (const auto& s : shortages) {
    json::object o;
    o["product_id"] = s.product_id;
    o["requested"] = s.requested;
    o["available"] = s.available;
    items.push_back(std::move(o));
  }
  return error_with(409, rc, "insufficient_stock", "not enough stock for every line",
                    "shortages", std::move(items));
}

http::response product_unavailable(const http::request_context& rc,
                                   const std::vector<std::int64_t>& product_ids) {
  json::array ids;
  for (const auto id : product_ids) {
    ids.push_back(id);
  }
  return error_with(409, rc, "product_unavailable", "some products are unknown or inactive",
                    "product_ids", std::move(ids));
}

}  // namespace qm::product
