#pragma once
// The cart service's settings, read once at start.

#include <string>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "runtime/runtime.hpp"
#include "services/common/upstream_client.hpp"

namespace qm::cart {

struct cart_settings {
  std::string context_secret;          // verifies the gateway's signed caller context
  duration db_timeout = ms(2000);      // deadline of each database transaction
  duration upstream_timeout = ms(2000);  // deadline of each call to the product service
  services::upstream_policy upstreams;  // breaker_*, retry_*, bulkhead_* (docs/resilience.md)
};

result<cart_settings, std::string> read_settings(const rt::settings& config);

}  // namespace qm::cart
