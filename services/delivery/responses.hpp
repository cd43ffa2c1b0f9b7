#pragma once
// The delivery service's reply shapes (partners, assignments, tracking, stats) and the one
// place where an input error, a refusal or an upstream failure becomes an HTTP status.
//
// 400 "invalid_field" / "invalid_body" / "invalid_parameter" naming what was wrong;
// 404 "not_found"; 409 with a code saying which rule refused;
// 503 "upstream_unavailable" with Retry-After: 1 when the order service cannot be reached,
// and services::db_failure for the database.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/router.hpp"
#include "core/json/json.hpp"
#include "services/common/replies.hpp"
#include "services/delivery/domain/inputs.hpp"
#include "services/delivery/store.hpp"

namespace qm::delivery {

using services::db_failure;
using services::request_id;

// Reply bodies, written straight into their text (json::writer).
// {"id","name","status","lat","lon","created_at","updated_at"}, alone or as a page.
std::string partner_body(const partner& p);
std::string partners_page_body(const std::vector<partner>& partners, const page& p);
// {"order_id","user_id","partner_id","status","destination":{"lat","lon"}|null,"created_at",
// "assigned_at","picked_up_at","delivered_at","cancelled_at","updated_at"}, alone or as a page.
std::string assignment_body(const assignment& a);
std::string assignments_page_body(const std::vector<assignment>& assignments, const page& p);
// {"order_id","status","partner_id"}: the answer of the internal assignment routes.
std::string assignment_summary_body(const assignment& a);
// {"order_id","status","partner":{...}|null,"eta_s"}; eta_s null when nobody is on the way.
std::string tracking_body(const tracking_view& t, geo_point store, double speed_mps);
std::string stats_body(const delivery_stats& s);

// Seconds until the order reaches its customer: from the partner via the store while it is
// assigned, straight to the customer once picked up, 0 once delivered; nothing otherwise.
std::optional<std::int64_t> eta_for(const tracking_view& t, geo_point store, double speed_mps);

http::response ok_json(std::string body);
http::response bad_input(const http::request_context& rc, const json::input_error& e);
http::response bad_parameter(const http::request_context& rc, const json::input_error& e);
http::response not_found(const http::request_context& rc, std::string_view message);
http::response conflict(const http::request_context& rc, std::string_view code,
                        std::string_view message);
http::response upstream_unavailable(const http::request_context& rc);

}  // namespace qm::delivery
