#pragma once
// The product service's settings, read once at start.

#include <cstdint>
#include <string>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "runtime/runtime.hpp"

namespace qm::product {

struct product_settings {
  duration db_timeout = ms(2000);           // deadline of each database transaction
  std::string context_secret;               // verifies the gateway's signed caller context
  std::int64_t reservation_ttl_s = 600;     // a held reservation expires this long after it is made
  duration reservation_sweep = ms(1000);    // pause between passes of the expiry sweep
};

// db_timeout_ms (1..60000, default 2000), context_secret (required),
// reservation_ttl_s (1..86400, default 600), reservation_sweep_ms (1..600000, default 1000).
result<product_settings, std::string> read_settings(const rt::settings& config);

}  // namespace qm::product
