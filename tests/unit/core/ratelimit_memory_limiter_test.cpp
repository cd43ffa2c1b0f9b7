#include <gtest/gtest.h>

#include <string>

#include "core/ratelimit/memory_limiter.hpp"

namespace qm::ratelimit {
namespace {

const time_point t0 = from_unix_us(1'700'000'000'000'000);

window_hit hit(std::string key, std::int64_t limit, duration window, time_point now) {
  return window_hit{std::move(key), limit, window, now};
}

TEST(memory_limiter, keys_are_limited_independently) {
  memory_limiter limiter;
  EXPECT_TRUE(limiter.admit(hit("rl:auth:ip:1", 1, seconds(60), t0)).allowed);
  EXPECT_FALSE(limiter.admit(hit("rl:auth:ip:1", 1, seconds(60), t0 + seconds(1))).allowed);
  EXPECT_TRUE(limiter.admit(hit("rl:auth:ip:2", 1, seconds(60), t0 + seconds(1))).allowed);
  EXPECT_EQ(limiter.size(), 2u);
  EXPECT_EQ(limiter.stats().admitted, 2u);
  EXPECT_EQ(limiter.stats().refused, 1u);
}

TEST(memory_limiter, the_same_decisions_as_a_sliding_log) {
  memory_limiter limiter;
  sliding_log reference(5);
  for (int i = 0; i < 200; ++i) {
    const time_point now = t0 + ms(37 * i);
    const verdict got = limiter.admit(hit("k", 5, seconds(1), now));
    const verdict want = reference.admit(now, seconds(1), 5);
    ASSERT_EQ(got.allowed, want.allowed) << i;
    ASSERT_EQ(got.remaining, want.remaining) << i;
    ASSERT_EQ(got.reset_after, want.reset_after) << i;
  }
}

TEST(memory_limiter, expired_logs_are_dropped_lazily) {
  memory_limiter limiter(10);
  EXPECT_TRUE(limiter.admit(hit("a", 5, seconds(1), t0)).allowed);
  EXPECT_TRUE(limiter.admit(hit("b", 5, seconds(1), t0 + ms(500))).allowed);
  // At 1 s "a" (the least recently used) has expired: the next decision drops it.
  EXPECT_TRUE(limiter.admit(hit("c", 5, seconds(1), t0 + seconds(1))).allowed);
  EXPECT_EQ(limiter.size(), 2u);
  EXPECT_EQ(limiter.stats().expired, 1u);
  EXPECT_EQ(limiter.stats().evicted, 0u);
}

TEST(memory_limiter, when_full_the_least_recently_used_key_is_evicted) {
  memory_limiter limiter(2);
  EXPECT_TRUE(limiter.admit(hit("a", 1, seconds(60), t0)).allowed);
  EXPECT_TRUE(limiter.admit(hit("b", 1, seconds(60), t0)).allowed);
  EXPECT_FALSE(limiter.admit(hit("a", 1, seconds(60), t0)).allowed);  // "a" is now the newest
  EXPECT_TRUE(limiter.admit(hit("c", 1, seconds(60), t0)).allowed);   // evicts "b"
  EXPECT_EQ(limiter.size(), 2u);
  EXPECT_EQ(limiter.stats().evicted, 1u);
  EXPECT_FALSE(limiter.admit(hit("a", 1, seconds(60), t0)).allowed);  // "a" survived
  // "b" was forgotten: more permissive, never stricter.
  EXPECT_TRUE(limiter.admit(hit("b", 1, seconds(60), t0)).allowed);
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(memory_limiter, an_expired_oldest_key_is_dropped_before_evicting_a_live_one) {
  memory_limiter limiter(2);
  EXPECT_TRUE(limiter.admit(hit("short", 1, seconds(1), t0)).allowed);
  EXPECT_TRUE(limiter.admit(hit("long", 1, seconds(60), t0 + ms(1))).allowed);
  EXPECT_TRUE(limiter.admit(hit("new", 1, seconds(60), t0 + seconds(2))).allowed);
  EXPECT_EQ(limiter.stats().expired, 1u);
  EXPECT_EQ(limiter.stats().evicted, 0u);
  EXPECT_FALSE(limiter.admit(hit("long", 1, seconds(60), t0 + seconds(2))).allowed);
}

TEST(memory_limiter, a_key_that_came_back_after_expiry_starts_fresh) {
  memory_limiter limiter(1);
  EXPECT_TRUE(limiter.admit(hit("a", 1, seconds(1), t0)).allowed);
  const verdict v = limiter.admit(hit("a", 1, seconds(1), t0 + seconds(5)));
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.remaining, 0);
  EXPECT_EQ(limiter.size(), 1u);
}

TEST(memory_limiter, many_keys_stay_within_the_bound) {
  memory_limiter limiter(100);
  for (int i = 0; i < 10'000; ++i) {
    const verdict v = limiter.admit(hit("k" + std::to_string(i % 300), 3, seconds(60), t0 + ms(i)));
    ASSERT_TRUE(v.allowed);  // every key is evicted before it comes back
    ASSERT_LE(limiter.size(), 100u);
  }
  EXPECT_EQ(limiter.stats().evicted, 10'000u - 100u);
}

}  // namespace
}  // namespace qm::ratelimit
