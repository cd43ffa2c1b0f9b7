#pragma once
// GET /admin/stats: one dashboard call that the gateway answers by asking product, order and
// delivery for their own GET /admin/stats and merging the three objects. A service that does
// not answer leaves its part null and the reply says "partial": true, so one slow service
// does not blank the whole dashboard; when none answers the reply is 503.

#include "core/http/router.hpp"
#include "services/gateway/forward.hpp"

namespace qm::gateway {

task<http::response> admin_stats(gateway_context& c, http::request_context rc);

}  // namespace qm::gateway
