#pragma once
// The production clock: now() is the system's wall clock in microseconds; sleep() waits on a
// steady (monotonic) timer of the event loop, so a wall-clock step does not stretch a sleep.

#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/asio/event_loop.hpp"
#include "runtime/clock.hpp"

namespace qm::rt::asio {

class asio_clock final : public rt::clock {
 public:
  explicit asio_clock(event_loop& loop) : loop_(loop) {}

  time_point now() const override { return wall_now(); }
  // Suspends for d (d <= 0 yields to the loop once). Must be awaited on the loop thread.
  // The wake-up goes through a qm::completion and the timer lives in the sleeping frame, so
  // destroying the frame cancels the timer and the late wake-up finds nobody to resume.
  task<void> sleep(duration d) override;

  // The system clock truncated to microseconds (for runtime code that has no clock object).
  static time_point wall_now();

 private:
  event_loop& loop_;
};

}  // namespace qm::rt::asio
