#include <gtest/gtest.h>

#include "core/ratelimit/sliding_log.hpp"

namespace qm::ratelimit {
namespace {

const time_point t0 = from_unix_us(1'700'000'000'000'000);

TEST(sliding_log, admits_up_to_the_limit_then_refuses) {
  sliding_log log(3);
  for (std::int64_t i = 0; i < 3; ++i) {
    const verdict v = log.admit(t0 + ms(i), seconds(10), 3);
    EXPECT_TRUE(v.allowed);
    EXPECT_EQ(v.limit, 3);
    EXPECT_EQ(v.remaining, 2 - i);
    EXPECT_EQ(v.reset_after, seconds(10) - ms(i));  // the oldest (t0) frees a slot
  }
  const verdict refused = log.admit(t0 + seconds(1), seconds(10), 3);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.reset_after, seconds(9));
  EXPECT_EQ(log.size(), 3);  // a refusal records nothing
}

TEST(sliding_log, an_entry_at_exactly_now_minus_window_has_left) {
  sliding_log log(1);
  EXPECT_TRUE(log.admit(t0, seconds(1), 1).allowed);
  EXPECT_FALSE(log.admit(t0 + seconds(1) - duration(1), seconds(1), 1).allowed);
  const verdict v = log.admit(t0 + seconds(1), seconds(1), 1);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.reset_after, seconds(1));
}

TEST(sliding_log, slides_rather_than_resetting_at_a_boundary) {
  sliding_log log(2);
  EXPECT_TRUE(log.admit(t0, seconds(10), 2).allowed);
  EXPECT_TRUE(log.admit(t0 + seconds(9), seconds(10), 2).allowed);
  // At 10 s the first entry left, the second has 9 s to go.
  const verdict v = log.admit(t0 + seconds(10), seconds(10), 2);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.reset_after, seconds(9));
  EXPECT_FALSE(log.admit(t0 + seconds(18), seconds(10), 2).allowed);
  EXPECT_TRUE(log.admit(t0 + seconds(19), seconds(10), 2).allowed);
}

TEST(sliding_log, a_lower_limit_refuses_until_entries_age_out) {
  sliding_log log(100);
  for (int i = 0; i < 80; ++i) {
    ASSERT_TRUE(log.admit(t0 + ms(i), seconds(1), 100).allowed);
  }
  EXPECT_FALSE(log.admit(t0 + ms(100), seconds(1), 50).allowed);
  EXPECT_EQ(log.admit(t0 + ms(100), seconds(1), 50).remaining, 0);
  // After 31 entries left (t0 .. t0+30ms), 49 remain: one slot under 50.
  const verdict v = log.admit(t0 + seconds(1) + ms(30), seconds(1), 50);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.remaining, 0);
  EXPECT_EQ(log.capacity(), 100);
}

TEST(sliding_log, a_higher_limit_grows_the_ring_keeping_the_entries) {
  sliding_log log(2);
  EXPECT_TRUE(log.admit(t0, seconds(1), 2).allowed);
  EXPECT_TRUE(log.admit(t0 + ms(1), seconds(1), 2).allowed);
  EXPECT_FALSE(log.admit(t0 + ms(2), seconds(1), 2).allowed);
  const verdict v = log.admit(t0 + ms(3), seconds(1), 4);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.remaining, 1);
  EXPECT_EQ(v.reset_after, seconds(1) - ms(3));
  EXPECT_EQ(log.capacity(), 4);
  EXPECT_TRUE(log.admit(t0 + ms(4), seconds(1), 4).allowed);
  EXPECT_FALSE(log.admit(t0 + ms(5), seconds(1), 4).allowed);
}

TEST(sliding_log, wraps_around_the_ring) {
  sliding_log log(3);
  for (int i = 0; i < 30; ++i) {
    // One request every 400 ms under 3 per second: the ring wraps many times, never full.
    const verdict v = log.admit(t0 + ms(400 * i), seconds(1), 3);
    ASSERT_TRUE(v.allowed) << i;
    EXPECT_EQ(v.remaining, i == 0 ? 2 : (i == 1 ? 1 : 0)) << i;
  }
  EXPECT_EQ(log.newest(), t0 + ms(400 * 29));
}

TEST(sliding_log, a_clock_stepping_back_keeps_the_log_ordered) {
  sliding_log log(3);
  EXPECT_TRUE(log.admit(t0 + seconds(5), seconds(10), 3).allowed);
  EXPECT_TRUE(log.admit(t0 + seconds(2), seconds(10), 3).allowed);
  // The oldest entry is the one at 2 s, whatever the arrival order.
  const verdict v = log.admit(t0 + seconds(6), seconds(10), 3);
  EXPECT_EQ(v.reset_after, seconds(6));
  EXPECT_EQ(log.newest(), t0 + seconds(6));
  EXPECT_TRUE(log.admit(t0 + seconds(12), seconds(10), 3).allowed);  // 2 s left at 12 s
}

TEST(sliding_log, limits_out_of_range_are_bugs) {
  EXPECT_DEATH(sliding_log(0), "between 1 and 100000");
  EXPECT_DEATH(sliding_log(max_limit + 1), "between 1 and 100000");
  sliding_log log(1);
  EXPECT_DEATH((void)log.admit(t0, duration(0), 1), "window is positive");
}

}  // namespace
}  // namespace qm::ratelimit
