#pragma once
// The routes every service answers the same way about itself, installed by one call at start:
//
//   GET /health               liveness: the process serves requests; touches no dependency
//   GET /health/ready         readiness: the service's own database answers SELECT 1 and each
//                             required upstream answers GET /health; 503 naming what failed
//   GET /health/detailed      JSON report: service, version, commit, uptime, storage engine and
//                             its check, every upstream's reachability and breaker state, and
//                             what the service adds (the gateway's limiter backend, ...)
//   GET /metrics              JSON: per route count, errors and p50/p95/p99 seconds, and totals
//   GET /metrics/prometheus   the registry in the Prometheus text format
//
// Checks are probes of their own (rt.http directly, never the upstream_client, so a probe
// never moves a breaker), each bounded by check_timeout, and a result is reused for
// check_cache_ttl: however many probes arrive, a dependency sees at most one check per target
// per second. Concurrent requests for a stale target share the one check in flight.
//
// Which upstreams readiness requires (docs/observability.md says why): only those without
// which the service can do nothing useful. A soft dependency going down must not take this
// service out of its load balancer too, or one outage cascades through every caller.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/json/json.hpp"
#include "core/ratelimit/client_ip.hpp"
#include "runtime/runtime.hpp"
#include "services/common/health_checks.hpp"
#include "services/common/upstream_client.hpp"

namespace qm::services {

inline constexpr duration check_timeout = ms(500);
inline constexpr duration check_cache_ttl = seconds(1);

struct observability_hooks {
  // The service's client for other services: breaker states in /health/detailed. Null for a
  // service that calls nobody. Must outlive the observability object.
  upstream_client* calls = nullptr;
  // Adds the service's own fields to the /health/detailed object.
  std::function<void(json::object&)> details = {};
  // Set by a public-facing service (the gateway): /metrics, /metrics/prometheus and
  // /health/detailed answer 404 unless the client address (behind these proxies) lies in
  // the metrics_allowed_cidrs setting.
  const ratelimit::trusted_proxies* public_facing = nullptr;
};

// Owned by the service (so its probes end before the runtime pieces they use); the routes
// refer to it.
class observability {
 public:
  ~observability();
  observability(const observability&) = delete;
  observability& operator=(const observability&) = delete;

  const std::vector<std::string>& required_upstreams() const;

  struct state;  // public for the route handlers in the .cpp

 private:
  friend std::unique_ptr<observability> install_observability(rt::runtime& rt,
                                                              observability_hooks hooks);
  explicit observability(std::unique_ptr<state> s);
  std::unique_ptr<state> state_;
};

// Reads the settings (ready_upstreams: comma list of upstreams readiness requires, "none" for
// none, absent for the service's default; metrics_allowed_cidrs for a public-facing service),
// registers the five routes on rt.routes and exports quickmart_build_info{version,commit} = 1.
// Null when a setting is bad: the reason is logged and no route was added.
std::unique_ptr<observability> install_observability(rt::runtime& rt, observability_hooks hooks);

// The upstreams readiness requires by default: gateway auth; cart product; order product and
// cart; delivery order; the others none.
std::vector<std::string> default_ready_upstreams(std::string_view service);

}  // namespace qm::services
