#pragma once
// Centralized authentication: the gateway checks the client's Bearer token once, through
// auth's introspection endpoint (POST /internal/verify-token), and hands the services the
// caller in one header it signs with the context secret (core/identity/user_context.hpp).
// Services trust only that header, so a client can never pick its own user id or role.
// Positive introspection answers are remembered for a short TTL (token_cache.hpp).

#include <string>

#include "core/base/result.hpp"
#include "core/http/message.hpp"
#include "core/identity/user_context.hpp"
#include "services/gateway/forward.hpp"
#include "services/gateway/route_table.hpp"

namespace qm::gateway {

using auth_result = result<identity::user_context, http::response>;

// The caller of req when its Bearer token is active and its role meets need; otherwise the
// reply, X-Request-ID set: 401 (no, malformed or inactive token), 403 (role), 503 (auth
// unreachable or slow).
// Introspection may use half the time left before deadline (the rest is the forwarded call's).
// Precondition: need is not access::open.
task<auth_result> authenticate_client(gateway_context& c, const http::request_context& rc, access need,
                                      std::string request_id, time_point deadline);

}  // namespace qm::gateway
