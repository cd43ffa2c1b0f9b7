#include "services/notification/responses.hpp"

namespace qm::notification {

namespace {

void write_delivery(json::writer& w, const delivery& d) {
  w.begin_object().member("id", d.what.id).member("kind", to_string(d.what.kind));
  w.member("order_id", d.what.order_id).member("message", d.what.message);
  w.key("channels").begin_array();
  for (const auto& c : d.channels) {
    w.value(c);
  }
  w.end_array().member("status", d.status).member("created_at", d.what.created_at);
  w.end_object();
}

}  // namespace

std::string deliveries_body(const std::vector<delivery>& deliveries) {
  return services::items_body(deliveries, 200, write_delivery);
}

std::string queued_body(std::int64_t event_id) {
  json::writer w;
  w.begin_object().member("id", event_id).member("status", "queued").end_object();
  return w.finish();
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
