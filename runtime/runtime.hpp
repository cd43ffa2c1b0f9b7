#pragma once
// The handle a service is constructed with: everything it may use of the outside world.
// A service never learns whether it runs in production or in the simulator.

#include <string>

#include "core/http/router.hpp"
#include "core/metrics/registry.hpp"
#include "runtime/clock.hpp"
#include "runtime/http_client.hpp"
#include "runtime/kv.hpp"
#include "runtime/logger.hpp"
#include "runtime/random.hpp"
#include "runtime/storage.hpp"

namespace qm::rt {

// Named, not guessed: a key a scenario or config sets; "" when absent.
class settings {
 public:
  virtual ~settings() = default;
  virtual std::string get(std::string_view key) const = 0;
};

struct runtime {
  std::string service_name;
  rt::clock& clock;
  rt::random& random;
  rt::http_client& http;
  http::router& routes;
  rt::storage* storage;  // null for services without a database (gateway, notification)
  rt::kv* kv;            // null for services that do not rate-limit
  rt::logger& log;
  metrics::registry& metrics;
  const rt::settings& config;
};

}  // namespace qm::rt
