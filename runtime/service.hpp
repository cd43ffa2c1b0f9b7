#pragma once
// What every service is to a runtime: constructed with its runtime handle, started once
// (schema migrations, route registration, background loops), then driven by requests.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/task/task.hpp"
#include "runtime/runtime.hpp"

namespace qm::rt {

class service {
 public:
  virtual ~service() = default;
  // Prepares the service: applies migrations, registers its routes. A failed start (the
  // database unreachable, say) returns false and the runtime retries with backoff.
  virtual task<bool> start() = 0;
};

}  // namespace qm::rt
