#include "services/gateway/breaker_admin.hpp"

#include <algorithm>

#include "core/json/json.hpp"
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

}  // namespace

task<http::response> list_breakers(gateway_context& c, http::request_context rc) {
  auto admitted = co_await admit_admin(c, rc);
  if (!admitted) {
    co_return std::move(admitted).error();
  }
  json::object breakers;
  for (const auto& name : c.calls.upstreams()) {
    breakers[name] = describe(c.calls.breaker(name));
  }
  json::object body;
  body["breakers"] = std::move(breakers);
  co_return own_answer(http::json_response(200, json::serialize(body)), *admitted);
}

task<http::response> set_breaker(gateway_context& c, http::request_context rc) {
  auto admitted = co_await admit_admin(c, rc);
  if (!admitted) {
    co_return std::move(admitted).error();
  }
  const admin_request& a = *admitted;
  const std::string upstream(rc.param("upstream"));
  if (!known_upstream(upstream)) {
    co_return own_answer(
        http::error_response(404, "not_found", "no upstream named " + upstream, a.request_id), a);
  }
  auto doc = json::parse_object(rc.request.body, max_body_bytes);
  if (!doc) {
    co_return own_answer(http::error_response(400, "invalid_body", doc.error().message, a.request_id),
                         a);
  }
  auto mode = json::required_string(*doc, "mode", 1, 16);
  if (!mode || (*mode != "forced_open" && *mode != "disabled" && *mode != "normal")) {
    co_return own_answer(http::error_response(400, "invalid_field",
                                              "mode: must be forced_open, disabled or normal",
                                              a.request_id),
                         a);
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
  c.rt.log.warn(rc.scope.get(), "circuit breaker mode set by an operator",
                {{"upstream", upstream}, {"mode", *mode},
                 {"admin_id", std::to_string(a.caller.user_id)}});
  co_return own_answer(http::json_response(200, json::serialize(describe(b))), a);
}

}  // namespace qm::gateway
