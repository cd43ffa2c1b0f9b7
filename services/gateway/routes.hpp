#pragma once
// The gateway's routes: GET /health, and for each entry of the upstream route table every
// path below its prefix, for every method, forwarded to that upstream.

#include "core/http/router.hpp"
#include "services/gateway/forward.hpp"

namespace qm::gateway {

void register_routes(http::router& routes, gateway_context& ctx);

}  // namespace qm::gateway
