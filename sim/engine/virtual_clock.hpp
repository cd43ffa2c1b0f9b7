#pragma once
// A node's clock in the simulator: scheduler time plus the node's skew. Skew may change at any
// moment and may be negative; sleeping is measured in scheduler time (a skewed clock still
// ticks at the right rate), so only now() sees the skew.

#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/clock.hpp"
#include "sim/engine/scheduler.hpp"

namespace qm::sim {

class virtual_clock final : public rt::clock {
 public:
  explicit virtual_clock(scheduler& sched) : sched_(sched) {}

  time_point now() const override { return sched_.now() + skew_; }
  // Suspends for d of virtual time. The wake-up goes through a completion, so a frame that is
  // destroyed while asleep (a crash) unregisters and the timer finds nobody to resume.
  task<void> sleep(duration d) override;

  void set_skew(duration skew) { skew_ = skew; }
  duration skew() const { return skew_; }

  // The scheduler instant at which this clock will show local.
  time_point to_scheduler_time(time_point local) const { return local - skew_; }
  // What this clock shows at scheduler instant t.
  time_point from_scheduler_time(time_point t) const { return t + skew_; }

 private:
  scheduler& sched_;
  duration skew_{0};
};

}  // namespace qm::sim
