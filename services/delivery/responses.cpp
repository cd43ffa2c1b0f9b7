#include "services/delivery/responses.hpp"

namespace qm::delivery {

namespace {

json::value optional_json(const std::optional<std::int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

json::object point_json(geo_point p) {
  json::object o;
  o["lat"] = p.lat;
  o["lon"] = p.lon;
  return o;
}

json::object partner_json(const partner& p) {
  json::object o;
  o["id"] = p.id;
  o["name"] = p.name;
  o["status"] = to_string(p.status);
  o["lat"] = p.at.lat;
  o["lon"] = p.at.lon;
  o["created_at"] = p.created_at;
  o["updated_at"] = p.updated_at;
  return o;
}

json::object assignment_json(const assignment& a) {
  json::object o;
  o["order_id"] = a.order_id;
  o["user_id"] = optional_json(a.user_id);
  o["partner_id"] = optional_json(a.partner_id);
  o["status"] = to_string(a.status);
  o["destination"] = a.destination ? json::value(point_json(*a.destination)) : json::value(nullptr);
  o["created_at"] = a.created_at;
  o["assigned_at"] = optional_json(a.assigned_at);
  o["picked_up_at"] = optional_json(a.picked_up_at);
  o["delivered_at"] = optional_json(a.delivered_at);
  o["cancelled_at"] = optional_json(a.cancelled_at);
  o["updated_at"] = a.updated_at;
  return o;
}

json::object assignment_summary_json(const assignment& a) {
  json::object o;
  o["order_id"] = a.order_id;
  o["status"] = to_string(a.status);
  o["partner_id"] = optional_json(a.partner_id);
  return o;
}

std::optional<std::int64_t> eta_for(const tracking_view& t, geo_point store, double speed_mps) {
  if (t.order.status == assignment_status::delivered) {
    return 0;
  }
  if (!t.carrier || !t.order.destination || !is_active(t.order.status)) {
    return std::nullopt;
  }
  double remaining_m = 0;
  if (t.order.status == assignment_status::assigned) {
    remaining_m = distance_m(t.carrier->at, store) + distance_m(store, *t.order.destination);
  } else {
    remaining_m = distance_m(t.carrier->at, *t.order.destination);
  }
  return eta_s(remaining_m, speed_mps);
}

json::object tracking_json(const tracking_view& t, geo_point store, double speed_mps) {
  json::object o;
  o["order_id"] = t.order.order_id;
  o["status"] = to_string(t.order.status);
  if (t.carrier) {
    json::object p;
    p["id"] = t.carrier->id;
    p["name"] = t.carrier->name;
    p["lat"] = t.carrier->at.lat;
    p["lon"] = t.carrier->at.lon;
    p["updated_at"] = t.carrier->updated_at;
    o["partner"] = std::move(p);
  } else {
    o["partner"] = nullptr;
  }
  o["eta_s"] = optional_json(eta_for(t, store, speed_mps));
  return o;
}

json::object stats_json(const delivery_stats& s) {
  json::object by_status;
  for (const auto& [status, n] : s.partners_by_status) {
    by_status[status] = n;
  }
  json::object o;
  o["partners_by_status"] = std::move(by_status);
  o["orders_waiting"] = s.orders_waiting;
  o["active_assignments"] = s.active_assignments;
  return o;
}

http::response ok_json(const json::object& o) { return http::json_response(200, json::serialize(o)); }

http::response bad_input(const http::request_context& rc, const json::input_error& e) {
  if (e.field.empty()) {
    return http::error_response(400, "invalid_body", e.message, request_id(rc));
  }
  return http::error_response(400, "invalid_field", e.field + ": " + e.message, request_id(rc));
}

http::response bad_parameter(const http::request_context& rc, const json::input_error& e) {
  return http::error_response(400, "invalid_parameter", e.field + ": " + e.message,
                              request_id(rc));
}

http::response not_found(const http::request_context& rc, std::string_view message) {
  return http::error_response(404, "not_found", message, request_id(rc));
}

http::response conflict(const http::request_context& rc, std::string_view code,
                        std::string_view message) {
  return http::error_response(409, code, message, request_id(rc));
}

http::response upstream_unavailable(const http::request_context& rc) {
  return services::dependency_unavailable(rc, "order",
                                          "the order service is unavailable; retry shortly");
}

}  // namespace qm::delivery
