#pragma once
// Rate limiting at the gateway, after authentication: a signed-in caller is limited by
// account, an anonymous one by client address (X-Forwarded-For believed only from the
// configured proxies). Three classes by route: the credential endpoints (/auth/login,
// register, refresh, logout), admin, everything else;
// /health and the metrics routes are not limited.
//
// Where the decision is made: the runtime's kv (Redis in production: one atomic script per
// decision, shared by every gateway replica), or, without a kv or while it fails, the
// in-memory limiter with the same algorithm (core/ratelimit) - never "fail open". A breaker
// on the kv keeps a dead or slow Redis from costing every request its timeout, and brings
// Redis back once a probe succeeds. Every fallback decision is counted.
//
// Exactness: every decision is also recorded in memory (a shadow of what this gateway
// admitted), so when Redis goes away the memory limiter continues from the same history and
// a single gateway stays exact. Two bounds are documented (docs/resilience.md): admissions
// made in memory during an outage are not in Redis when it returns, so a window that spans
// the return can admit up to 2 x limit; and with R gateway replicas the memory fallback
// limits each replica separately (up to R x limit).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ratelimit/client_ip.hpp"
#include "core/ratelimit/memory_limiter.hpp"
#include "core/ratelimit/rate_class.hpp"
#include "core/resilience/circuit_breaker.hpp"
#include "runtime/runtime.hpp"

namespace qm::gateway {

struct rate_limit_settings {
  bool enabled = true;                       // rate_limit_enabled (1/0)
  ratelimit::rate_class auth = ratelimit::default_auth_class();        // rate_limit_auth
  ratelimit::rate_class admin = ratelimit::default_admin_class();      // rate_limit_admin
  ratelimit::rate_class general = ratelimit::default_general_class();  // rate_limit_general
  ratelimit::trusted_proxies proxies;        // trusted_proxies: addresses and CIDRs
  std::size_t memory_keys = ratelimit::memory_limiter::default_max_keys;  // rate_limit_memory_keys
};

result<rate_limit_settings, std::string> read_rate_limit_settings(const rt::settings& config);

enum class limit_class : std::uint8_t { auth, admin, general };

// The class of a request to path (a route the gateway serves).
limit_class class_of(std::string_view path);

struct limit_decision {
  ratelimit::verdict verdict;
  const ratelimit::rate_class* cls = nullptr;
  std::string_view backend;  // "redis" or "memory"
};

class rate_limiter {
 public:
  rate_limiter(rt::runtime& rt, rate_limit_settings settings);
  rate_limiter(rate_limiter&&) noexcept;
  ~rate_limiter();

  const rate_limit_settings& settings() const { return settings_; }

  // The subject of an anonymous request: "ip:<address>".
  std::string anonymous_subject(std::string_view peer, const http::headers& h) const;

  // One decision for subject under the class.
  task<limit_decision> admit(limit_class c, std::string subject);

  // "redis" while decisions go to the kv, "memory" otherwise.
  std::string_view backend() const;

 private:
  struct state;
  rt::runtime& rt_;
  rate_limit_settings settings_;
  std::unique_ptr<state> state_;
};

// 429 with the rate-limit fields and Retry-After.
http::response too_many_requests(const limit_decision& d, const std::string& request_id);

// Adds the rate-limit fields of d to a response.
void add_limit_headers(http::response& r, const limit_decision& d);

}  // namespace qm::gateway
