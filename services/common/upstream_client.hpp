#pragma once
// Every call a service makes to another service goes through here: one place where the
// resilience rules hold for the whole cluster.
//
//   bulkhead      a bounded number of calls in flight per upstream; the excess fails at once
//                 (call_errc::overloaded) instead of queueing behind a sick upstream;
//   breaker       per upstream; 5xx, timeouts and connection errors count against it, 4xx
//                 never do (a 404 says nothing about the upstream's health); while open, calls
//                 fail at once with call_errc::circuit_open and never reach the upstream;
//   retries       only for calls that are safe to repeat (idempotent methods, or requests that
//                 carry an idempotency key); each attempt passes the breaker again, backoff
//                 with jitter, Retry-After honoured, a retry budget per upstream so a failing
//                 upstream never sees a multiple of its normal load;
//   deadline      the caller's remaining time travels with every attempt
//                 (x-quickmart-deadline-ms), and no attempt starts that cannot finish in it;
//   identity      a call to an /internal/* route carries this service's signed context;
//   tracing       every attempt carries the request's X-Request-ID and a W3C traceparent whose
//                 parent is the span of the request the call serves.
//
// State changes of the breakers are logged and exported as metrics
// (circuit_breaker_state{upstream}, circuit_breaker_transitions_total{upstream,from,to}),
// as are upstream_retries_total{upstream} and retry_budget_exhausted_total{upstream}.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/resilience/bulkhead.hpp"
#include "core/resilience/circuit_breaker.hpp"
#include "core/resilience/retry_budget.hpp"
#include "core/resilience/retry_policy.hpp"
#include "runtime/runtime.hpp"
#include "services/common/caller.hpp"

namespace qm::services {

struct upstream_policy {
  resilience::breaker_config breaker;
  resilience::retry_config retry;
  resilience::retry_budget_config budget;
  std::int32_t max_concurrent = 256;  // bulkhead per upstream
  duration attempt_timeout = ms(2000);
};

// The policy from a service's settings (keys documented in docs/resilience.md), defaults
// where absent; the error names the key.
result<upstream_policy, std::string> upstream_policy_settings(const rt::settings& config,
                                                              duration default_timeout);

struct call_options {
  // The caller's own deadline (the request it serves, or now + a timeout for background
  // work); an attempt never runs past it. time_point{} means now + attempt_timeout.
  time_point deadline{};
  // The request this call serves: its X-Request-ID goes along and its span becomes the
  // parent in the call's traceparent; it must outlive the call. Null for background work
  // (outbox, sweeps): the call then starts a trace of its own, with a fresh request id.
  const observe::request_scope* origin = nullptr;
  // Safe to send more than once even when the method is not idempotent (the request carries
  // an idempotency key the upstream honours).
  bool idempotent = false;
};

class upstream_client {
 public:
  upstream_client(rt::runtime& rt, std::string context_secret, upstream_policy policy);
  ~upstream_client();
  upstream_client(const upstream_client&) = delete;
  upstream_client& operator=(const upstream_client&) = delete;
  // Movable before use (a service builds it, then keeps it in its context); the guards live
  // on the heap, so nothing refers into the moved object.
  upstream_client(upstream_client&&) noexcept;

  // One logical call; the reply of the last attempt, or why none could be made.
  task<rt::call_result> call(std::string_view upstream, http::request req, call_options opts);

  // Operators' controls and what tests and /health/detailed read. breaker() creates the
  // upstream's guard on first use; upstreams() names those that exist, in name order.
  resilience::circuit_breaker& breaker(std::string_view upstream);
  std::vector<std::string> upstreams() const;
  const upstream_policy& policy() const { return policy_; }

 private:
  struct guard;
  guard& guard_for(std::string_view upstream);
  struct call_identity {
    const observe::request_scope* origin = nullptr;
    std::string own_request_id;  // made for a call without an origin
    observe::traceparent_text traceparent{};

    std::string_view request_id() const {
      return origin != nullptr ? std::string_view(origin->request_id) : std::string_view(own_request_id);
    }
  };
  call_identity identity_for(const observe::request_scope* origin);
  // out comes without the fields an attempt writes (call() strips them).
  task<rt::call_result> attempt(guard& g, std::string_view upstream, http::request out,
                                time_point deadline, const call_identity& id, bool internal);

  rt::runtime& rt_;
  service_signature signature_;
  upstream_policy policy_;
  struct named_guard {
    std::string upstream;
    std::unique_ptr<guard> state;
  };
  // In the order first used; the names are the configured upstreams, a handful, so a scan
  // comparing names finds one sooner than a tree walk would.
  std::vector<named_guard> guards_;
};

// True for a result that speaks of the upstream's health going bad: no reply, or a 5xx other
// than 501, 505 and a 503 marked with resilience::dependency_down_header.
bool is_upstream_failure(const rt::call_result& r);

}  // namespace qm::services
