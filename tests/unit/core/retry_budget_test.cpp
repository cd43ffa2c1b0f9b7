// Retry budget: the floor, the ratio, buckets rolling out of the window, long gaps, a clock
// stepping back, and the exhausted count.

#include <gtest/gtest.h>

#include "core/resilience/retry_budget.hpp"

namespace qm::resilience {
namespace {

time_point at_ms(std::int64_t t) { return from_unix_us(t * 1000); }

TEST(retry_budget, floor_allows_min_rate_times_window_without_any_request) {
  retry_budget budget({0.2, 3, 10});
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(budget.try_spend(at_ms(1000)));
  }
  EXPECT_FALSE(budget.try_spend(at_ms(1000)));
  EXPECT_EQ(budget.exhausted(), 1U);
  EXPECT_EQ(budget.retries_in_window(), 30U);
}

TEST(retry_budget, ratio_of_requests_adds_to_the_floor) {
  retry_budget budget({0.2, 0, 10});
  for (int i = 0; i < 100; ++i) {
    budget.on_request(at_ms(5000));
  }
  int granted = 0;
  while (budget.try_spend(at_ms(5500))) {
    ++granted;
    ASSERT_LE(granted, 1000);
  }
  EXPECT_EQ(granted, 20);
  EXPECT_EQ(budget.exhausted(), 1U);
}

TEST(retry_budget, zero_ratio_and_zero_floor_allows_nothing) {
  retry_budget budget({0.0, 0, 1});
  budget.on_request(at_ms(0));
  EXPECT_FALSE(budget.try_spend(at_ms(0)));
}

TEST(retry_budget, buckets_roll_out_of_the_window_second_by_second) {
  retry_budget budget({0.5, 0, 3});
  budget.on_request(at_ms(10'000));  // bucket of second 10
  budget.on_request(at_ms(10'999));
  budget.on_request(at_ms(11'000));  // second 11
  budget.on_request(at_ms(11'500));
  EXPECT_EQ(budget.requests_in_window(), 4U);
  EXPECT_TRUE(budget.try_spend(at_ms(12'000)));  // window 10..12: 4 requests -> 2 retries
  EXPECT_TRUE(budget.try_spend(at_ms(12'100)));
  EXPECT_FALSE(budget.try_spend(at_ms(12'999)));
  // At second 13 the bucket of second 10 leaves: 2 requests, and the 2 retries of second 12
  // are still in the window, so nothing more.
  EXPECT_FALSE(budget.try_spend(at_ms(13'000)));
  EXPECT_EQ(budget.requests_in_window(), 2U);
  EXPECT_EQ(budget.retries_in_window(), 2U);
  // By second 15 the buckets of seconds 11 and 12 have left too: fresh requests only.
  budget.on_request(at_ms(15'000));
  budget.on_request(at_ms(15'000));
  EXPECT_EQ(budget.requests_in_window(), 2U);
  EXPECT_EQ(budget.retries_in_window(), 0U);
  EXPECT_TRUE(budget.try_spend(at_ms(15'000)));
  EXPECT_FALSE(budget.try_spend(at_ms(15'000)));
  EXPECT_EQ(budget.exhausted(), 3U);
}

TEST(retry_budget, a_gap_longer_than_the_window_empties_it) {
  retry_budget budget({0.2, 1, 10});
  for (int i = 0; i < 50; ++i) {
    budget.on_request(at_ms(0));
  }
  EXPECT_TRUE(budget.try_spend(at_ms(0)));
  EXPECT_EQ(budget.requests_in_window(), 50U);
  budget.on_request(at_ms(3'600'000));
  EXPECT_EQ(budget.requests_in_window(), 1U);
  EXPECT_EQ(budget.retries_in_window(), 0U);
}

TEST(retry_budget, a_clock_stepping_back_counts_in_the_newest_bucket) {
  retry_budget budget({1.0, 0, 2});
  budget.on_request(at_ms(100'000));
  budget.on_request(at_ms(50'000));  // back in time: still counted, nothing rewritten
  EXPECT_EQ(budget.requests_in_window(), 2U);
  EXPECT_TRUE(budget.try_spend(at_ms(40'000)));
  EXPECT_TRUE(budget.try_spend(at_ms(100'999)));
  EXPECT_FALSE(budget.try_spend(at_ms(100'999)));
  budget.on_request(at_ms(102'000));  // second 100 leaves the 2-second window
  EXPECT_EQ(budget.requests_in_window(), 1U);
  EXPECT_EQ(budget.retries_in_window(), 0U);
}

TEST(retry_budget, times_before_the_epoch_work) {
  retry_budget budget({1.0, 0, 3});
  budget.on_request(at_ms(-2'500));
  EXPECT_TRUE(budget.try_spend(at_ms(-1'000)));
  EXPECT_FALSE(budget.try_spend(at_ms(-1'000)));
}

TEST(retry_budget, validate_bounds_every_field) {
  EXPECT_FALSE(validate(retry_budget_config{}));
  EXPECT_TRUE(validate(retry_budget_config{-0.1, 3, 10}));
  EXPECT_TRUE(validate(retry_budget_config{1.5, 3, 10}));
  EXPECT_TRUE(validate(retry_budget_config{std::numeric_limits<double>::quiet_NaN(), 3, 10}));
  EXPECT_TRUE(validate(retry_budget_config{0.2, -1, 10}));
  EXPECT_TRUE(validate(retry_budget_config{0.2, 10001, 10}));
  EXPECT_TRUE(validate(retry_budget_config{0.2, 3, 0}));
  EXPECT_TRUE(validate(retry_budget_config{0.2, 3, 601}));
}

}  // namespace
}  // namespace qm::resilience
