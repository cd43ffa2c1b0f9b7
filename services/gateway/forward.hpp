#pragma once
// Forwarding a client request to an upstream service and its reply back: hop-by-hop headers
// dropped, an X-Request-ID on both legs, a deadline on the call, the caller authenticated
// and handed on in a signed context header for routes that need a user, and transport
// failures turned into gateway errors (504 on timeout, 503 with Retry-After when the upstream
// cannot be reached, 502 when the connection broke).

#include <string>
#include <string_view>

#include "core/base/time.hpp"
#include "core/http/router.hpp"
#include "core/identity/user_context.hpp"
#include "core/metrics/counter_pairs.hpp"
#include "runtime/runtime.hpp"
#include "services/common/upstream_client.hpp"
#include "services/gateway/rate_limit.hpp"
#include "services/gateway/stale_cache.hpp"
#include "services/gateway/token_cache.hpp"

namespace qm::gateway {

struct gateway_settings {
  duration upstream_timeout = ms(2000);  // upstream_timeout_ms
  std::string context_secret;            // context_secret: signs the caller for services
  std::int64_t auth_cache_ttl_s = 30;    // auth_cache_ttl_s: 0 = ask auth every time
  std::int64_t auth_cache_entries = 100'000;  // auth_cache_entries
  std::int64_t auth_negative_cache_ttl_s = 5;  // auth_negative_cache_ttl_s: 0 = not kept
  // token_secret (optional, auth's): with it the gateway verifies tokens itself (signature
  // and expiry) while auth is unreachable; without it, such requests get 503.
  std::string token_secret;
  services::upstream_policy upstreams;   // breaker_*, retry_*, bulkhead_* (docs/resilience.md)
  rate_limit_settings limits;            // rate_limit_*, trusted_proxies
  stale_cache_settings catalogue;        // stale_cache_entries, stale_cache_max_age_s
};

struct gateway_context {
  rt::runtime& rt;
  gateway_settings settings;
  token_cache tokens;  // recent introspection answers
  services::upstream_client calls;  // every call to a service: breaker, retries, bulkhead
  rate_limiter limits;              // after authentication, per user or client address
  stale_cache catalogue;            // catalogue reads served stale while product is down
  // Counted per request, so their series are resolved once per label pair.
  metrics::counter_pairs upstream_requests;  // gateway_upstream_requests_total{upstream,outcome}
  metrics::counter_pairs auth_decisions;     // auth_decisions_total{source,outcome}
};

// True when the path holds a "." or ".." segment, a backslash or an encoded dot, slash or
// backslash: forms an upstream server might normalise into a path the gateway never allowed.
bool unsafe_path(std::string_view path);

struct gateway_route;

// Forwards rc to route.upstream after authenticating the caller when route.need asks for it.
// A client's own context header is always dropped; Authorization travels to auth only.
task<http::response> forward(gateway_context& c, const gateway_route& route,
                             http::request_context rc);

// The rate-limit decision for rc (nullopt when limiting is off), or the 429 to answer.
// user_id: the authenticated caller, when the route needed one.
task<result<std::optional<limit_decision>, http::response>> check_rate_limit(
    gateway_context& c, const http::request_context& rc, std::optional<std::int64_t> user_id,
    const std::string& request_id);

// What the gateway's own admin routes (/admin/stats, /admin/breakers) start from: the
// request id, the deadline, the authenticated admin and its rate-limit decision.
struct admin_request {
  std::string request_id;
  time_point deadline{};
  identity::user_context caller;
  std::optional<limit_decision> limit;
};

// The admin calling rc, authenticated and within the admin rate limit, or the reply to send.
task<result<admin_request, http::response>> admit_admin(gateway_context& c,
                                                        const http::request_context& rc);

// An answer of the gateway's own: X-Request-ID and, when limited, the rate-limit fields.
http::response own_answer(http::response r, const admin_request& a);

// The deadline for a call made while serving rc: the upstream timeout, or sooner when the
// client's own deadline comes first.
time_point call_deadline(const gateway_context& c, const http::request_context& rc);

}  // namespace qm::gateway
