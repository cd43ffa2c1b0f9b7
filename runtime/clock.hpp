#pragma once
// The runtime's clock: the only source of "now" and of waiting for code in core/ and services/.

#include "core/base/time.hpp"
#include "core/task/task.hpp"

namespace qm::rt {

class clock {
 public:
  virtual ~clock() = default;
  // Wall-clock time as this node sees it (in simulation: virtual time plus the node's skew).
  virtual time_point now() const = 0;
  // Suspends the calling coroutine for d (d <= 0 yields to the event loop once).
  virtual task<void> sleep(duration d) = 0;
};

}  // namespace qm::rt
