#include "services/notification/responses.hpp"

namespace qm::notification {

json::object delivery_json(const delivery& d) {
  json::array channels;
  for (const auto& c : d.channels) {
    channels.push_back(json::value(c));
  }
  json::object o;
  o["id"] = d.what.id;
  o["kind"] = to_string(d.what.kind);
  o["order_id"] = d.what.order_id;
  o["message"] = d.what.message;
  o["channels"] = std::move(channels);
  o["status"] = d.status;
  o["created_at"] = d.what.created_at;
  return o;
}

http::response bad_input(const http::request_context& rc, const json::input_error& e) {
  if (e.field.empty()) {
    return http::error_response(400, "invalid_body", e.message, request_id(rc));
  }
  return http::error_response(400, "invalid_field", e.field + ": " + e.message, request_id(rc));
}

http::response outbox_full(const http::request_context& rc) {
  auto r = http::error_response(503, "outbox_full",
                                "too many notifications are waiting; retry shortly",
                                request_id(rc));
  r.headers.set("Retry-After", "1");
  return r;
}

http::response user_limit(const http::request_context& rc) {
  return http::error_response(503, "user_limit",
                              "settings cannot be stored for more users; defaults apply",
                              request_id(rc));
}

}  // namespace qm::notification
