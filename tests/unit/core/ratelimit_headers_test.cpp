#include <gtest/gtest.h>

#include "core/ratelimit/headers.hpp"

namespace qm::ratelimit {
namespace {

TEST(ratelimit_headers, seconds_round_up) {
  EXPECT_EQ(seconds_rounded_up(duration(0)), 0);
  EXPECT_EQ(seconds_rounded_up(duration(1)), 1);
  EXPECT_EQ(seconds_rounded_up(seconds(1)), 1);
  EXPECT_EQ(seconds_rounded_up(seconds(1) + duration(1)), 2);
  EXPECT_EQ(seconds_rounded_up(duration(-5)), 0);
}

TEST(ratelimit_headers, an_admission) {
  const verdict v{true, 100, 42, seconds(30) + ms(1)};
  const http::headers h = rate_limit_headers(default_general_class(), v);
  EXPECT_EQ(h.get("X-RateLimit-Limit"), "100");
  EXPECT_EQ(h.get("X-RateLimit-Remaining"), "42");
  EXPECT_EQ(h.get("X-RateLimit-Reset"), "31");
  EXPECT_EQ(h.get("RateLimit-Policy"), "\"general\";q=100;w=60");
  EXPECT_EQ(h.get("RateLimit"), "\"general\";r=42;t=31");
  EXPECT_FALSE(h.contains("Retry-After"));
  EXPECT_EQ(h.size(), 5u);
}

TEST(ratelimit_headers, a_refusal_says_when_to_retry) {
  const verdict v{false, 20, 0, ms(1'500)};
  const http::headers h = rate_limit_headers(default_auth_class(), v);
  EXPECT_EQ(h.get("X-RateLimit-Remaining"), "0");
  EXPECT_EQ(h.get("Retry-After"), "2");
  EXPECT_EQ(h.get("RateLimit"), "\"auth\";r=0;t=2");
}

TEST(ratelimit_headers, retry_after_is_at_least_one_second) {
  const verdict v{false, 20, 0, duration(0)};
  const http::headers h = rate_limit_headers(default_auth_class(), v);
  EXPECT_EQ(h.get("Retry-After"), "1");
  EXPECT_EQ(h.get("X-RateLimit-Reset"), "0");
}

TEST(ratelimit_headers, a_sub_second_window_is_announced_as_one_second) {
  const rate_class burst{"burst", 5, ms(250)};
  const http::headers h = rate_limit_headers(burst, verdict{true, 5, 4, ms(250)});
  EXPECT_EQ(h.get("RateLimit-Policy"), "\"burst\";q=5;w=1");
}

}  // namespace
}  // namespace qm::ratelimit
