#pragma once
// The delivery service's settings, read once at start. A bad value refuses the start with a
// message naming the setting.

#include <string>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "runtime/runtime.hpp"
#include "services/common/upstream_client.hpp"
#include "services/delivery/domain/geo.hpp"

namespace qm::delivery {

struct delivery_settings {
  std::string context_secret;              // context_secret: shared with the gateway, required
  duration db_timeout = ms(2000);          // db_timeout_ms, 1..60000
  duration upstream_timeout = ms(2000);    // upstream_timeout_ms, 1..60000
  services::upstream_policy upstreams;  // breaker_*, retry_*, bulkhead_* (docs/resilience.md)
  geo_point store{12.9716, 77.5946};       // store_lat, store_lon: the dark store
  double partner_speed_mps = 5;            // partner_speed_mps, [0.1, 100]
  // waiting_sweep_ms, 0..600000 (default 2000): how often a background loop gives waiting
  // orders to free partners, for when the drain after a partner was freed did not run (a
  // crash, a database error). 0 runs no loop: assignment then happens only on the events
  // that free a partner or bring a new order.
  duration waiting_sweep = ms(2000);
};

result<delivery_settings, std::string> read_settings(const rt::settings& config);

// A decimal number at key within [min, max], fallback when unset, else an error naming key.
result<double, std::string> real_setting(const rt::settings& config, std::string_view key,
                                         double fallback, double min, double max);

}  // namespace qm::delivery
