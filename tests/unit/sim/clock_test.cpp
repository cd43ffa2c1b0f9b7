#include <gtest/gtest.h>

#include <vector>

#include "core/task/task_scope.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/virtual_clock.hpp"

namespace qm::sim {
namespace {

TEST(virtual_clock, now_is_scheduler_time_plus_skew) {
  scheduler s;
  virtual_clock c(s);
  EXPECT_EQ(c.now(), s.now());
  c.set_skew(ms(250));
  EXPECT_EQ(c.now(), s.now() + ms(250));
  c.set_skew(seconds(-3));
  EXPECT_EQ(c.now(), s.now() - seconds(3));
  s.run_until(s.now() + seconds(1));
  EXPECT_EQ(c.now(), s.now() - seconds(3));
  EXPECT_EQ(c.to_scheduler_time(c.now() + ms(5)), s.now() + ms(5));
  EXPECT_EQ(c.from_scheduler_time(s.now()), c.now());
}

task<void> sleeper(virtual_clock& c, scheduler& s, duration d, std::vector<time_point>* woke) {
  co_await c.sleep(d);
  woke->push_back(s.now());
}

TEST(virtual_clock, sleep_wakes_after_the_virtual_duration_whatever_the_skew) {
  scheduler s;
  virtual_clock c(s);
  c.set_skew(seconds(-100));
  task_scope scope;
  std::vector<time_point> woke;
  const time_point t0 = s.now();
  scope.spawn(sleeper(c, s, ms(30), &woke));
  scope.spawn(sleeper(c, s, ms(10), &woke));
  EXPECT_TRUE(woke.empty());
  s.run_all();
  EXPECT_EQ(woke, (std::vector<time_point>{t0 + ms(10), t0 + ms(30)}));
  EXPECT_EQ(scope.live(), 0u);
}

TEST(virtual_clock, sleep_zero_yields_once) {
  scheduler s;
  virtual_clock c(s);
  task_scope scope;
  std::vector<time_point> woke;
  bool other_ran_first = false;
  s.at_delay(duration(0), [&] { other_ran_first = woke.empty(); });
  scope.spawn(sleeper(c, s, duration(0), &woke));
  EXPECT_TRUE(woke.empty());  // suspended, not run inline
  s.run_all();
  EXPECT_TRUE(other_ran_first);
  EXPECT_EQ(woke.size(), 1u);
}

TEST(virtual_clock, a_sleeping_frame_destroyed_is_never_resumed) {
  scheduler s;
  virtual_clock c(s);
  std::vector<time_point> woke;
  {
    task_scope scope;
    scope.spawn(sleeper(c, s, ms(10), &woke));
    scope.cancel_all();
    EXPECT_EQ(scope.live(), 0u);
  }
  // The timer still fires and finds nobody to resume.
  EXPECT_EQ(s.run_all(), 1u);
  EXPECT_TRUE(woke.empty());
}

}  // namespace
}  // namespace qm::sim
