// The metrics registry and its Prometheus text exposition.

#include "core/metrics/registry.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace qm::metrics {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out.push_back(line);
  }
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text)) {
    if (l == line) {
      return true;
    }
  }
  return false;
}

TEST(counter, only_goes_up) {
  counter c;
  c.inc();
  c.inc(2.5);
  EXPECT_DOUBLE_EQ(c.value(), 3.5);
}

TEST(counter_death, refuses_to_go_down) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  counter c;
  EXPECT_DEATH(c.inc(-1), "a counter only goes up");
}

TEST(gauge, sets_and_adds) {
  gauge g;
  g.set(5);
  g.add(-7);
  EXPECT_DOUBLE_EQ(g.value(), -2);
}

TEST(histogram, counts_a_value_on_a_bound_in_that_bucket) {
  histogram h({1, 2, 5});
  h.observe(0.5);  // le=1
  h.observe(1);    // le=1: upper bounds are inclusive
  h.observe(1.5);  // le=2
  h.observe(5);    // le=5
  h.observe(100);  // +Inf only
  EXPECT_EQ(h.cumulative(), (std::vector<std::uint64_t>{2, 3, 4, 5}));
  EXPECT_EQ(h.count(), 5u);
  EXPECT_DOUBLE_EQ(h.sum(), 108);
}

TEST(histogram, empty_histogram) {
  histogram h({1, 2});
  EXPECT_EQ(h.cumulative(), (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(h.count(), 0u);
  EXPECT_DOUBLE_EQ(h.quantile(0.5), 0);
}

TEST(histogram, quantile_interpolates_inside_the_bucket) {
  histogram h({10, 20, 30, 40});
  // 10 values in (10, 20], 10 values in (20, 30].
  for (int i = 0; i < 10; ++i) {
    h.observe(15);
    h.observe(25);
  }
  EXPECT_DOUBLE_EQ(h.quantile(0.5), 20);   // rank 10: the top of the first filled bucket
  EXPECT_DOUBLE_EQ(h.quantile(0.25), 15);  // rank 5: halfway through (10, 20]
  EXPECT_DOUBLE_EQ(h.quantile(0.75), 25);  // rank 15: halfway through (20, 30]
  EXPECT_DOUBLE_EQ(h.quantile(1.0), 30);
}

TEST(histogram, quantile_in_the_inf_bucket_reports_the_highest_bound) {
  histogram h({1, 2});
  h.observe(50);
  EXPECT_DOUBLE_EQ(h.quantile(0.99), 2);
}

TEST(histogram, quantile_is_monotone_in_q) {
  histogram h(default_latency_buckets_s());
  for (int i = 1; i <= 200; ++i) {
    h.observe(0.0005 * i);
  }
  double previous = 0;
  for (int i = 0; i <= 100; ++i) {
    const double q = h.quantile(i / 100.0);
    EXPECT_GE(q, previous) << "q=" << i / 100.0;
    previous = q;
  }
}

TEST(registry, returns_the_same_series_for_the_same_name_and_labels) {
  registry r;
  counter& a = r.get_counter("http_requests_total", "Requests.", {{"route", "/a"}});
  counter& b = r.get_counter("http_requests_total", "Requests.", {{"route", "/a"}});
  counter& c = r.get_counter("http_requests_total", "Requests.", {{"route", "/b"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_EQ(r.series_count(), 2u);
}

TEST(registry_death, one_name_has_one_type) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  registry r;
  r.get_counter("x_total", "X.");
  EXPECT_DEATH(r.get_gauge("x_total", "X."), "two types");
}

TEST(registry, caps_series_per_family_with_one_overflow_series) {
  registry r(3);
  r.get_counter("c_total", "C.", {{"user", "1"}}).inc();
  r.get_counter("c_total", "C.", {{"user", "2"}}).inc();
  // The family is at its cap: new label sets share one overflow series.
  r.get_counter("c_total", "C.", {{"user", "3"}}).inc();
  r.get_counter("c_total", "C.", {{"user", "4"}}).inc(2);
  // Existing series still update in place.
  r.get_counter("c_total", "C.", {{"user", "1"}}).inc();
  EXPECT_EQ(r.series_count(), 3u);
  for (int i = 5; i < 1000; ++i) {
    r.get_counter("c_total", "C.", {{"user", std::to_string(i)}}).inc();
  }
  EXPECT_EQ(r.series_count(), 3u) << "label values must not grow memory";
  const std::string text = r.expose_text();
  EXPECT_TRUE(has_line(text, R"(c_total{user="1"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(c_total{user="2"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(c_total{overflow="true"} 998)")) << text;
  EXPECT_EQ(text.find(R"(user="3")"), std::string::npos);
  // Other families have their own budget.
  r.get_counter("d_total", "D.", {{"user", "9"}}).inc();
  EXPECT_TRUE(has_line(r.expose_text(), R"(d_total{user="9"} 1)"));
}

TEST(exposition, has_help_type_and_samples_sorted_by_family) {
  registry r;
  r.get_gauge("zeta_inflight", "In flight.").set(3);
  r.get_counter("alpha_requests_total", "Requests served.", {{"code", "200"}}).inc(7);
  r.get_counter("alpha_requests_total", "Requests served.", {{"code", "500"}}).inc();
  const auto lines = lines_of(r.expose_text());
  const std::vector<std::string> expected = {
      "# HELP alpha_requests_total Requests served.",
      "# TYPE alpha_requests_total counter",
      R"(alpha_requests_total{code="200"} 7)",
      R"(alpha_requests_total{code="500"} 1)",
      "# HELP zeta_inflight In flight.",
      "# TYPE zeta_inflight gauge",
      "zeta_inflight 3",
  };
  EXPECT_EQ(lines, expected);
}

TEST(exposition, histogram_has_cumulative_buckets_sum_and_count) {
  registry r;
  auto& h = r.get_histogram("latency_seconds", "Latency.", {{"route", "/x"}}, {0.5, 1, 2});
  h.observe(0.25);
  h.observe(0.75);
  h.observe(3);
  const std::string text = r.expose_text();
  EXPECT_TRUE(has_line(text, "# TYPE latency_seconds histogram"));
  EXPECT_TRUE(has_line(text, R"(latency_seconds_bucket{route="/x",le="0.5"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(latency_seconds_bucket{route="/x",le="1"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(latency_seconds_bucket{route="/x",le="2"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(latency_seconds_bucket{route="/x",le="+Inf"} 3)")) << text;
  EXPECT_TRUE(has_line(text, R"(latency_seconds_sum{route="/x"} 4)")) << text;
  EXPECT_TRUE(has_line(text, R"(latency_seconds_count{route="/x"} 3)")) << text;
}

TEST(exposition, writes_numbers_in_their_shortest_form) {
  // Alert rules name buckets as people write them: le="0.1", never le="0.10000000000000001".
  registry r;
  auto& h = r.get_histogram("d_seconds", "D.", {}, default_latency_buckets_s());
  h.observe(0.1);
  h.observe(0.2);
  r.get_gauge("ratio", "R.").set(0.3);
  r.get_gauge("big", "B.").set(1e21);
  const std::string text = r.expose_text();
  EXPECT_TRUE(has_line(text, R"(d_seconds_bucket{le="0.0025"} 0)")) << text;
  EXPECT_TRUE(has_line(text, R"(d_seconds_bucket{le="0.1"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(d_seconds_bucket{le="0.25"} 2)")) << text;
  EXPECT_TRUE(has_line(text, "d_seconds_sum 0.30000000000000004")) << text;  // 0.1 + 0.2, exactly
  EXPECT_TRUE(has_line(text, "ratio 0.3")) << text;
  EXPECT_TRUE(has_line(text, "big 1e+21")) << text;
}

TEST(exposition, escapes_label_values_and_help) {
  registry r;
  r.get_counter("e_total", "Line one\nline \\two", {{"path", "a\"b\\c\nd"}}).inc();
  const std::string text = r.expose_text();
  EXPECT_TRUE(has_line(text, R"(# HELP e_total Line one\nline \\two)")) << text;
  EXPECT_TRUE(has_line(text, R"(e_total{path="a\"b\\c\nd"} 1)")) << text;
}

TEST(exposition, unlabelled_and_empty_registry) {
  registry r;
  EXPECT_EQ(r.expose_text(), "");
  r.get_counter("up_total", "Up.").inc();
  EXPECT_TRUE(has_line(r.expose_text(), "up_total 1"));
}

TEST(default_latency_buckets, are_sorted_and_span_1ms_to_10s) {
  const auto b = default_latency_buckets_s();
  ASSERT_FALSE(b.empty());
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  EXPECT_DOUBLE_EQ(b.front(), 0.001);
  EXPECT_DOUBLE_EQ(b.back(), 10);
}

}  // namespace
}  // namespace qm::metrics
