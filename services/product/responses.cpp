#include "services/product/responses.hpp"

#include <algorithm>
#include <cctype>

namespace qm::product {

json::object category_json(const category& c) {
  json::object o;
  o["id"] = c.id;
  o["name"] = c.name;
  return o;
}

json::object product_json(const product& p) {
  json::object o;
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

http::response bad_parameter(const http::request_context& rc, const json::input_error& e) {
  return http::error_response(400, "invalid_parameter", e.field + ": " + e.message,
                              request_id(rc));
}

http::response not_found(const http::request_context& rc, std::string_view message) {
  return http::error_response(404, "not_found", message, request_id(rc));
}

}  // namespace qm::product
