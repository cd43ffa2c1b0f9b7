#pragma once
// The order service's settings, read once at start (names as scenarios and flags spell them).

#include <cstdint>
#include <string>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "runtime/runtime.hpp"
#include "services/common/upstream_client.hpp"

namespace qm::order {

struct order_settings {
  std::string context_secret;                 // context_secret (required)
  duration db_timeout = ms(2000);             // db_timeout_ms
  duration upstream_timeout = ms(2000);       // upstream_timeout_ms: each call to a service
  services::upstream_policy upstreams;  // breaker_*, retry_*, bulkhead_* (docs/resilience.md)
  std::int64_t payment_failure_permille = 0;  // payment_failure_permille, 0..1000
  duration payment_latency = ms(0);           // payment_latency_ms
  std::int64_t checkout_lease_s = 30;         // checkout_lease_s: a pending key older is stale
  // outbox_interval_ms: the dispatcher's pause between batches; 0 runs no background loop
  // (whoever hosts the service drives dispatch_once and recover_stale_checkouts).
  duration outbox_interval = ms(250);
  std::int64_t outbox_batch = 50;        // outbox_batch: rows per dispatch
  std::int64_t outbox_max_attempts = 10;  // outbox_max_attempts: then the row is dead
};

result<order_settings, std::string> read_settings(const rt::settings& config);

}  // namespace qm::order
