// Backoff: the exponential ceiling of full jitter, the floor and growth of decorrelated
// jitter, the cap for any retry count, and the mapping of the random value.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/resilience/backoff.hpp"

namespace qm::resilience {
namespace {

constexpr std::uint64_t lowest = 0;
constexpr std::uint64_t highest = std::numeric_limits<std::uint64_t>::max();

TEST(backoff, full_jitter_highest_random_follows_the_doubling_ceiling_up_to_the_cap) {
  backoff b({ms(50), ms(1000), jitter_kind::full});
  EXPECT_EQ(b.next(highest), ms(50));
  EXPECT_EQ(b.next(highest), ms(100));
  EXPECT_EQ(b.next(highest), ms(200));
  EXPECT_EQ(b.next(highest), ms(400));
  EXPECT_EQ(b.next(highest), ms(800));
  EXPECT_EQ(b.next(highest), ms(1000));
  EXPECT_EQ(b.next(highest), ms(1000));
  EXPECT_EQ(b.retries(), 7U);
}

TEST(backoff, full_jitter_lowest_random_is_zero) {
  backoff b({ms(50), ms(1000), jitter_kind::full});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(b.next(lowest), duration::zero());
  }
}

TEST(backoff, full_jitter_stays_capped_after_very_many_retries) {
  backoff b({duration(1), seconds(600), jitter_kind::full});
  for (int i = 0; i < 1000; ++i) {
    const duration d = b.next(highest);
    ASSERT_LE(d, seconds(600));
    ASSERT_GE(d, duration::zero());
  }
  EXPECT_EQ(b.next(highest), seconds(600));
}

TEST(backoff, decorrelated_never_below_base_and_grows_at_most_threefold) {
  backoff b({ms(100), seconds(2), jitter_kind::decorrelated});
  EXPECT_EQ(b.next(lowest), ms(100));
  EXPECT_EQ(b.next(highest), ms(300));
  EXPECT_EQ(b.next(highest), ms(900));
  EXPECT_EQ(b.next(highest), seconds(2));  // 2700 ms capped
  EXPECT_EQ(b.next(highest), seconds(2));
  EXPECT_EQ(b.next(lowest), ms(100));
}

TEST(backoff, uniform_between_covers_both_ends_and_the_middle) {
  EXPECT_EQ(uniform_between(ms(10), ms(20), lowest), ms(10));
  EXPECT_EQ(uniform_between(ms(10), ms(20), highest), ms(20));
  EXPECT_EQ(uniform_between(duration(0), duration(100), std::uint64_t{1} << 63), duration(50));
  EXPECT_EQ(uniform_between(ms(7), ms(7), 12345), ms(7));
}

TEST(backoff, validate_refuses_nonsense) {
  EXPECT_FALSE(validate(backoff_config{}));
  EXPECT_TRUE(validate(backoff_config{duration::zero(), ms(10), jitter_kind::full}));
  EXPECT_TRUE(validate(backoff_config{ms(-1), ms(10), jitter_kind::full}));
  EXPECT_TRUE(validate(backoff_config{ms(20), ms(10), jitter_kind::full}));
  EXPECT_TRUE(validate(backoff_config{ms(20), seconds(601), jitter_kind::full}));
  EXPECT_TRUE(validate(backoff_config{ms(20), ms(30), static_cast<jitter_kind>(7)}));
}

}  // namespace
}  // namespace qm::resilience
