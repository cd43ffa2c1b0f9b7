#include "services/delivery/domain/inputs.hpp"

#include <cmath>

#include "core/http/message.hpp"
#include "services/common/params.hpp"
#include "services/delivery/domain/status.hpp"

namespace qm::delivery {

namespace {

json::input_error bad(std::string_view field, std::string message) {
  return json::input_error{std::string(field), std::move(message)};
}

input_result<geo_point> point_of(const json::object& o, std::string_view prefix) {
  const std::string lat_name = std::string(prefix) + "lat";
  const std::string lon_name = std::string(prefix) + "lon";
  auto lat = coordinate(o, "lat", 90, lat_name);
  if (!lat) {
    return make_unexpected(lat.error());
  }
  auto lon = coordinate(o, "lon", 180, lon_name);
  if (!lon) {
    return make_unexpected(lon.error());
  }
  return geo_point{*lat, *lon};
}

}  // namespace

input_result<double> coordinate(const json::object& o, std::string_view field, double limit,
                                std::string_view shown_as) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return make_unexpected(bad(shown_as, "is required"));
  }
  double d = 0;
  if (v->is_double()) {
    d = v->get_double();
  } else if (v->is_int64()) {
    d = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    d = static_cast<double>(v->get_uint64());
  } else {
    return make_unexpected(bad(shown_as, "must be a number"));
  }
  if (!std::isfinite(d) || d < -limit || d > limit) {
    return make_unexpected(bad(shown_as, "must be between " + std::to_string(-limit) + " and " +
                                             std::to_string(limit)));
  }
  return d;
}

input_result<profile_input> parse_profile(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"name", "lat", "lon"}); !known) {
    return make_unexpected(known.error());
  }
  auto name = json::required_string(*o, "name", 1, max_name_bytes);
  if (!name) {
    return make_unexpected(name.error());
  }
  auto at = point_of(*o, "");
  if (!at) {
    return make_unexpected(at.error());
  }
  return profile_input{std::move(*name), *at};
}

input_result<partner_status> parse_availability(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"status"}); !known) {
    return make_unexpected(known.error());
  }
  auto text = json::required_string(*o, "status", 1, 32);
  if (!text) {
    return make_unexpected(text.error());
  }
  const auto s = partner_status_from(*text);
  // busy belongs to the assignment machinery; a partner cannot claim it.
  if (!s || *s == partner_status::busy) {
    return make_unexpected(bad("status", "must be \"available\" or \"offline\""));
  }
  return *s;
}

input_result<geo_point> parse_location(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"lat", "lon"}); !known) {
    return make_unexpected(known.error());
  }
  return point_of(*o, "");
}

input_result<new_assignment_input> parse_new_assignment(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"order_id", "user_id", "location"}); !known) {
    return make_unexpected(known.error());
  }
  auto order_id = json::required_int(*o, "order_id", 1, max_id);
  if (!order_id) {
    return make_unexpected(order_id.error());
  }
  auto user_id = json::required_int(*o, "user_id", 1, max_id);
  if (!user_id) {
    return make_unexpected(user_id.error());
  }
  const json::value* location = o->if_contains("location");
  if (location == nullptr || !location->is_object()) {
    return make_unexpected(bad("location", "must be an object {\"lat\",\"lon\"}"));
  }
  auto at = point_of(location->as_object(), "location.");
  if (!at) {
    return make_unexpected(at.error());
  }
  return new_assignment_input{*order_id, *user_id, *at};
}

input_result<admin_assignment_input> parse_admin_assignment(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"order_id", "partner_id"}); !known) {
    return make_unexpected(known.error());
  }
  auto order_id = json::required_int(*o, "order_id", 1, max_id);
  if (!order_id) {
    return make_unexpected(order_id.error());
  }
  auto partner_id = json::required_int(*o, "partner_id", 1, max_id);
  if (!partner_id) {
    return make_unexpected(partner_id.error());
  }
  return admin_assignment_input{*order_id, *partner_id};
}

input_result<page> parse_page(std::string_view query) {
  const auto p = services::parse_page_params(query, {default_limit, max_limit, max_offset});
  if (!p) {
    return make_unexpected(p.error());
  }
  return page{p->limit, p->offset};
}

input_result<std::optional<partner_status>> parse_status_filter(std::string_view query) {
  const auto text = http::query_param(query, "status");
  if (!text) {
    return std::optional<partner_status>{};
  }
  const auto s = partner_status_from(*text);
  if (!s) {
    return make_unexpected(bad("status", "must be available, busy or offline"));
  }
  return std::optional<partner_status>{*s};
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  return services::parse_positive_id(text, max_id);
}

}  // namespace qm::delivery
