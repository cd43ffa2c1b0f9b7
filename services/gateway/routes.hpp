#pragma once
// The gateway's routes: GET /admin/stats and /admin/breakers served here (the health and
// metrics routes come from services/common/observability.hpp), and every entry of the
// route table (route_table.hpp) forwarded to its upstream.

#include "core/http/router.hpp"
#include "services/gateway/forward.hpp"

namespace qm::gateway {

void register_routes(http::router& routes, gateway_context& ctx);

}  // namespace qm::gateway
