#include "services/delivery/responses.hpp"

namespace qm::delivery {

namespace {

// A partner is about 130 bytes of JSON, an assignment about 250.
constexpr std::size_t partner_bytes = 160;
constexpr std::size_t assignment_bytes = 320;

void write_partner(json::writer& w, const partner& p) {
  w.begin_object().member("id", p.id).member("name", p.name);
  w.member("status", to_string(p.status)).member("lat", p.at.lat).member("lon", p.at.lon);
  w.member("created_at", p.created_at).member("updated_at", p.updated_at).end_object();
}

void write_assignment(json::writer& w, const assignment& a) {
  w.begin_object().member("order_id", a.order_id).member("user_id", a.user_id);
  w.member("partner_id", a.partner_id).member("status", to_string(a.status));
  w.key("destination");
  if (a.destination) {
    w.begin_object().member("lat", a.destination->lat).member("lon", a.destination->lon);
    w.end_object();
  } else {
    w.value(nullptr);
  }
  w.member("created_at", a.created_at).member("assigned_at", a.assigned_at);
  w.member("picked_up_at", a.picked_up_at).member("delivered_at", a.delivered_at);
  w.member("cancelled_at", a.cancelled_at).member("updated_at", a.updated_at).end_object();
}

}  // namespace

std::string partner_body(const partner& p) {
  return services::item_body(p, partner_bytes, write_partner);
}

std::string partners_page_body(const std::vector<partner>& partners, const page& p) {
  return services::page_body(partners, p.limit, p.offset, partner_bytes, write_partner);
}

std::string assignment_body(const assignment& a) {
  return services::item_body(a, assignment_bytes, write_assignment);
}

std::string assignments_page_body(const std::vector<assignment>& assignments, const page& p) {
  return services::page_body(assignments, p.limit, p.offset, assignment_bytes, write_assignment);
}

std::string assignment_summary_body(const assignment& a) {
  json::writer w;
  w.begin_object().member("order_id", a.order_id).member("status", to_string(a.status));
  w.member("partner_id", a.partner_id).end_object();
  return w.finish();
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

std::string tracking_body(const tracking_view& t, geo_point store, double speed_mps) {
  json::writer w(assignment_bytes);
  w.begin_object().member("order_id", t.order.order_id);
  w.member("status", to_string(t.order.status)).key("partner");
  if (t.carrier) {
    w.begin_object().member("id", t.carrier->id).member("name", t.carrier->name);
    w.member("lat", t.carrier->at.lat).member("lon", t.carrier->at.lon);
    w.member("updated_at", t.carrier->updated_at).end_object();
  } else {
    w.value(nullptr);
  }
  w.member("eta_s", eta_for(t, store, speed_mps)).end_object();
  return w.finish();
}

std::string stats_body(const delivery_stats& s) {
  json::writer w;
  w.begin_object().key("partners_by_status").begin_object();
  for (const auto& [status, n] : s.partners_by_status) {
    w.member(status, n);
  }
  w.end_object().member("orders_waiting", s.orders_waiting);
  w.member("active_assignments", s.active_assignments).end_object();
  return w.finish();
}

http::response ok_json(std::string body) { return http::json_response(200, std::move(body)); }

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
