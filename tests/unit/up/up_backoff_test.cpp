#include <gtest/gtest.h>

#include "app/up/restart_backoff.hpp"

namespace qm::up {
namespace {

TEST(up_restart_backoff, doubles_from_250_ms_to_an_8_s_cap_while_runs_stay_short) {
  restart_backoff b;
  std::vector<std::int64_t> delays;
  for (int i = 0; i < 8; ++i) {
    delays.push_back(b.next_delay_ms(100));
  }
  EXPECT_EQ(delays, (std::vector<std::int64_t>{250, 500, 1000, 2000, 4000, 8000, 8000, 8000}));
}

TEST(up_restart_backoff, a_run_of_30_s_resets_the_delay) {
  restart_backoff b;
  EXPECT_EQ(b.next_delay_ms(10), 250);
  EXPECT_EQ(b.next_delay_ms(10), 500);
  EXPECT_EQ(b.next_delay_ms(10), 1000);
  EXPECT_EQ(b.next_delay_ms(29'999), 2000);  // just short of the reset
  EXPECT_EQ(b.next_delay_ms(30'000), 250);
  EXPECT_EQ(b.next_delay_ms(10), 500);
}

TEST(up_restart_backoff, follows_its_policy) {
  restart_backoff b({.first_ms = 100, .cap_ms = 300, .reset_after_ms = 1000});
  EXPECT_EQ(b.next_delay_ms(0), 100);
  EXPECT_EQ(b.next_delay_ms(0), 200);
  EXPECT_EQ(b.next_delay_ms(0), 300);  // 400 capped
  EXPECT_EQ(b.next_delay_ms(0), 300);
  EXPECT_EQ(b.next_delay_ms(5000), 100);
}

}  // namespace
}  // namespace qm::up
