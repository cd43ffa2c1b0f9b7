#pragma once
// Operators' hands on the gateway's circuit breakers (admin only, rate-limited as admin):
//
//   GET /admin/breakers                 every upstream's breaker: state, mode, counters
//   PUT /admin/breakers/{upstream}      {"mode": "forced_open" | "disabled" | "normal"}
//
// forced_open refuses every call to the upstream (take a sick service out of rotation before
// its failures do); disabled admits everything and records nothing (a breaker misbehaving);
// normal resets it closed with an empty window. Each change is logged with the admin's id.
// The services' own breakers (order's on product, say) are theirs and not reached from here.

#include "core/http/router.hpp"
#include "services/gateway/forward.hpp"

namespace qm::gateway {

task<http::response> list_breakers(gateway_context& c, http::request_context rc);
task<http::response> set_breaker(gateway_context& c, http::request_context rc);

}  // namespace qm::gateway
