#include "services/product/responses.hpp"

#include <algorithm>
#include <cctype>

namespace qm::product {

std::string_view request_id(const http::request_context& rc) {
  const auto id = rc.request.headers.get("X-Request-ID");
  if (!id || id->empty() || id->size() > 64) {
    return {};
  }
  const bool ok = std::all_of(id->begin(), id->end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  return ok ? *id : std::string_view{};
}

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

http::response db_failure(const http::request_context& rc, rt::logger& log, std::string_view op,
                          const sql::error& e) {
  if (sql::is_transient(e.code)) {
    log.warn("database unavailable", {{"op", std::string(op)},
                                      {"code", std::string(sql::to_string(e.code))},
                                      {"request_id", std::string(request_id(rc))}});
    auto r = http::error_response(503, "unavailable",
                                  "the service is temporarily unavailable; retry shortly",
                                  request_id(rc));
    r.headers.set("Retry-After", "1");
    return r;
  }
  log.error("database error", {{"op", std::string(op)},
                               {"code", std::string(sql::to_string(e.code))},
                               {"message", e.message},
                               {"request_id", std::string(request_id(rc))}});
  return http::error_response(500, "internal", "internal error", request_id(rc));
}

}  // namespace qm::product
