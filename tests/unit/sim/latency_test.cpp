#include <gtest/gtest.h>

#include <cmath>

#include "sim/engine/latency.hpp"

namespace qm::sim {
namespace {

struct moments {
  double mean = 0;
  double stddev = 0;
  std::int64_t min = INT64_MAX;
  std::int64_t max = INT64_MIN;
};

moments sample(const latency_model& m, std::uint64_t seed, int n) {
  prng r = prng::derive(seed, "latency-test");
  double sum = 0;
  double sq = 0;
  moments out;
  for (int i = 0; i < n; ++i) {
    const auto us = sample_latency(m, r).count();
    sum += static_cast<double>(us);
    sq += static_cast<double>(us) * static_cast<double>(us);
    out.min = std::min(out.min, us);
    out.max = std::max(out.max, us);
  }
  out.mean = sum / n;
  out.stddev = std::sqrt(sq / n - out.mean * out.mean);
  return out;
}

TEST(latency, constant_is_exact) {
  latency_model m{latency_model::kind::constant, duration(1234), duration(0)};
  const auto s = sample(m, 1, 1000);
  EXPECT_EQ(s.min, 1234);
  EXPECT_EQ(s.max, 1234);
}

TEST(latency, uniform_covers_its_range_evenly) {
  latency_model m{latency_model::kind::uniform, duration(1000), duration(3000)};
  const auto s = sample(m, 1, 50'000);
  EXPECT_GE(s.min, 1000);
  EXPECT_LE(s.max, 3000);
  EXPECT_LT(s.min, 1020);
  EXPECT_GT(s.max, 2980);
  EXPECT_NEAR(s.mean, 2000.0, 20.0);
  // The stddev of a uniform on [a, b] is (b - a) / sqrt(12).
  EXPECT_NEAR(s.stddev, 2000.0 / std::sqrt(12.0), 20.0);
}

TEST(latency, normal_has_its_mean_and_stddev_and_is_clamped_at_zero) {
  latency_model m{latency_model::kind::normal, duration(10'000), duration(2'000)};
  const auto s = sample(m, 2, 50'000);
  EXPECT_NEAR(s.mean, 10'000.0, 60.0);
  EXPECT_NEAR(s.stddev, 2'000.0, 60.0);
  latency_model wide{latency_model::kind::normal, duration(100), duration(1'000)};
  const auto w = sample(wide, 3, 10'000);
  EXPECT_EQ(w.min, 0);
}

TEST(latency, exponential_has_its_mean) {
  latency_model m{latency_model::kind::exponential, duration(5'000), duration(0)};
  const auto s = sample(m, 4, 50'000);
  EXPECT_NEAR(s.mean, 5'000.0, 150.0);
  EXPECT_NEAR(s.stddev, 5'000.0, 250.0);
  EXPECT_GE(s.min, 0);
}

TEST(latency, the_same_stream_gives_the_same_draws) {
  latency_model m{latency_model::kind::exponential, duration(5'000), duration(0)};
  EXPECT_EQ(sample(m, 9, 100).mean, sample(m, 9, 100).mean);
  EXPECT_NE(sample(m, 9, 100).mean, sample(m, 10, 100).mean);
}

TEST(latency, drop_rate_is_respected) {
  prng r(5);
  int dropped = 0;
  const int n = 100'000;
  for (int i = 0; i < n; ++i) {
    dropped += sample_drop(0.1, r) ? 1 : 0;
  }
  EXPECT_NEAR(dropped / static_cast<double>(n), 0.1, 0.005);
  EXPECT_FALSE(sample_drop(0.0, r));
  EXPECT_TRUE(sample_drop(1.0, r));
}

TEST(latency, describe_is_stable_text) {
  link_config c;
  c.latency = {latency_model::kind::normal, duration(1000), duration(200)};
  c.drop_rate = 0.01;
  EXPECT_EQ(describe(c), "normal(1000us,200us) drop=0.010000");
}

}  // namespace
}  // namespace qm::sim
