#include "services/gateway/breaker_admin.hpp"

#include <algorithm>

#include "core/json/json.hpp"
#include "services/gateway/authenticate.hpp"
#include "services/gateway/request_id.hpp"
#include "services/gateway/route_table.hpp"

namespace qm::gateway {

namespace {

constexpr std::size_t max_body_bytes = 1024;

json::object describe(const resilience::circuit_breaker& b) {
  json::object o;
  o["state"] = resilience::to_string(b.state());
  o["mode"] = resilience::to_string(b.mode());
  const auto& n = b.counters();
  o["admitted"] = n.admitted;
  o["rejected"] = n.rejected;
  o["failures"] = n.failures;
  o["successes"] = n.successes;
  o["transitions"] = n.transitions;
  return o;
}

bool known_upstream(std::string_view name) {
  return std::any_of(gateway_routes.begin(), gateway_routes.end(),
                     [&](const gateway_route& r) { return r.upstream == name; });
}

http::response with_id(http::response r, const std::string& request_id) {
  r.headers.set(std::string(request_id_header), request_id);
  return r;
}

}  // namespace

task<http::response> list_breakers(gateway_context& c, http::request_context rc) {
  const std::string request_id =
      choose_request_id(rc.request.headers.get(request_id_header), c.rt.random);
  const time_point deadline = call_deadline(c, rc);
  auto caller = co_await authenticate_client(c, rc.request, access::admin, request_id, deadline);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto limited = co_await check_rate_limit(c, rc, caller->user_id, request_id);
  if (!limited) {
    co_return std::move(limited).error();
  }
  json::object breakers;
  for (const auto& name : c.calls.upstreams()) {
    breakers[name] = describe(c.calls.breaker(name));
  }
  json::object body;
  body["breakers"] = std::move(breakers);
  co_return with_id(http::json_response(200, json::serialize(body)), request_id);
}

task<http::response> set_breaker(gateway_context& c, http::request_context rc) {
  const std::string request_id =
      choose_request_id(rc.request.headers.get(request_id_header), c.rt.random);
  const time_point deadline = call_deadline(c, rc);
  auto caller = co_await authenticate_client(c, rc.request, access::admin, request_id, deadline);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto limited = co_await check_rate_limit(c, rc, caller->user_id, request_id);
  if (!limited) {
    co_return std::move(limited).error();
  }
  const std::string upstream(rc.param("upstream"));
  if (!known_upstream(upstream)) {
    co_return with_id(http::error_response(404, "not_found", "no upstream named " + upstream, request_id),
                      request_id);
  }
  auto doc = json::parse_object(rc.request.body, max_body_bytes);
  if (!doc) {
    co_return with_id(http::error_response(400, "invalid_body", doc.error().message, request_id),
                      request_id);
  }
  auto mode = json::required_string(*doc, "mode", 1, 16);
  if (!mode || (*mode != "forced_open" && *mode != "disabled" && *mode != "normal")) {
    co_return with_id(http::error_response(400, "invalid_field",
                                           "mode: must be forced_open, disabled or normal",
                                           request_id),
                      request_id);
  }
  resilience::circuit_breaker& b = c.calls.breaker(upstream);
  const time_point now = c.rt.clock.now();
  if (*mode == "forced_open") {
    b.force_open(now);
  } else if (*mode == "disabled") {
    b.disable(now);
  } else {
    b.reset(now);
  }
  c.rt.log.warn("circuit breaker mode set by an operator",
                {{"upstream", upstream}, {"mode", *mode},
                 {"admin_id", std::to_string(caller->user_id)}, {"request_id", request_id}});
  co_return with_id(http::json_response(200, json::serialize(describe(b))), request_id);
}

}  // namespace qm::gateway
