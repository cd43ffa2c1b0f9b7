#pragma once
// The simulated payment provider: a charge takes payment_latency_ms and is declined with
// probability payment_failure_permille / 1000. Keeping a charge from happening twice for one
// checkout is the caller's job (payments in order_db); this class only decides one charge.

#include <cstdint>

#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/clock.hpp"
#include "runtime/random.hpp"

namespace qm::order {

class payment_gateway {
 public:
  payment_gateway(rt::clock& clock, rt::random& random, std::int64_t failure_permille,
                  duration latency);

  // True when the charge of amount_paise was captured, false when it was declined.
  task<bool> charge(std::int64_t amount_paise);

 private:
  rt::clock& clock_;
  rt::random& random_;
  std::int64_t failure_permille_;
  duration latency_;
};

}  // namespace qm::order
