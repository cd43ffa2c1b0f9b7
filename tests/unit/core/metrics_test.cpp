// The metrics registry and its Prometheus text exposition.

#include "core/metrics/registry.hpp"

#include "core/metrics/counter_pairs.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <sstream>
#include <string>
#include <thread>
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

TEST(counter_pairs, counts_into_the_series_get_counter_returns) {
  registry r;
  counter_pairs requests(r, "forwarded_total", "Requests forwarded.", "upstream", "outcome");
  EXPECT_EQ(r.series_count(), 0u);  // a family appears with its first count, as with get_counter
  requests.at("cart", "answered").inc();
  requests.at("cart", "answered").inc();
  requests.at("cart", "timeout").inc();
  requests.at("ca", "rtanswered").inc();  // the same bytes split elsewhere: another series
  EXPECT_EQ(&requests.at("cart", "answered"),
            &r.get_counter("forwarded_total", "Requests forwarded.", {{"upstream", "cart"}, {"outcome", "answered"}}));
  EXPECT_EQ(r.series_count(), 3u);
  const std::string text = r.expose_text();
  EXPECT_TRUE(has_line(text, "forwarded_total{upstream=\"cart\",outcome=\"answered\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "forwarded_total{upstream=\"cart\",outcome=\"timeout\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "forwarded_total{upstream=\"ca\",outcome=\"rtanswered\"} 1")) << text;
}

TEST(counter_pairs, a_one_label_family_counts_into_its_series) {
  registry r;
  counter_pairs checkouts(r, "checkouts_total", "Checkouts.", "outcome");
  checkouts.at("created").inc();
  checkouts.at("created").inc();
  checkouts.at("out_of_stock").inc();
  EXPECT_EQ(&checkouts.at("created"),
            &r.get_counter("checkouts_total", "Checkouts.", {{"outcome", "created"}}));
  const std::string text = r.expose_text();
  EXPECT_TRUE(has_line(text, "checkouts_total{outcome=\"created\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "checkouts_total{outcome=\"out_of_stock\"} 1")) << text;
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


TEST(counter, adds_fractional_and_integral_steps) {
  counter c;
  c.inc(0.25);
  c.inc(3);
  c.inc(0.5);
  c.inc(1e20);  // integral but beyond 2^53: the double path
  EXPECT_DOUBLE_EQ(c.value(), 1e20 + 3.75);
}

TEST(names, metric_and_label_names_follow_prometheus) {
  EXPECT_TRUE(is_valid_metric_name("http_requests_total"));
  EXPECT_TRUE(is_valid_metric_name("job:rate5m"));
  EXPECT_TRUE(is_valid_metric_name("_x9"));
  EXPECT_FALSE(is_valid_metric_name(""));
  EXPECT_FALSE(is_valid_metric_name("9lives"));
  EXPECT_FALSE(is_valid_metric_name("http-requests"));
  EXPECT_FALSE(is_valid_metric_name("caf\xc3\xa9"));
  EXPECT_TRUE(is_valid_label_name("route"));
  EXPECT_TRUE(is_valid_label_name("_private"));
  EXPECT_FALSE(is_valid_label_name("__name__"));
  EXPECT_FALSE(is_valid_label_name("a:b"));
  EXPECT_FALSE(is_valid_label_name("1st"));
  EXPECT_FALSE(is_valid_label_name(""));
}

TEST(exposition, content_type_is_text_format_0_0_4) {
  EXPECT_EQ(text_content_type, "text/plain; version=0.0.4; charset=utf-8");
}

TEST(registry_death, refuses_invalid_names) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  registry r;
  EXPECT_DEATH(r.get_counter("http-requests", "X."), "metric name");
  EXPECT_DEATH(r.get_counter("ok_total", "X.", {{"bad-label", "1"}}), "label name");
  EXPECT_DEATH(r.get_counter("ok_total", "X.", {{"__reserved", "1"}}), "label name");
  EXPECT_DEATH(r.get_counter("ok_total", "X.", {{"a", "1"}, {"a", "2"}}), "appears twice");
  EXPECT_DEATH(r.get_histogram("h_seconds", "H.", {{"le", "1"}}), "bucket label");
}

TEST(registry_death, one_histogram_family_has_one_set_of_buckets) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  registry r;
  r.get_histogram("h_seconds", "H.", {{"route", "/a"}}, {1, 2});
  EXPECT_DEATH(r.get_histogram("h_seconds", "H.", {{"route", "/b"}}, {1, 5}), "one set of buckets");
}

TEST(exposition, label_values_longer_than_the_writers_stage) {
  registry r;
  const std::string long_value(3 * text_writer::stage_bytes, 'x');
  r.set_constant_labels({{"service", long_value}});
  r.get_histogram("h_seconds", "H.", {{"route", long_value}}, {1}).observe(0.5);
  for (int i = 0; i < 100; ++i) {
    r.get_counter("c_total", "C.", {{"n", std::to_string(i)}}).inc(i);
  }
  const std::string text = r.expose_text();
  const std::string labels_text = "service=\"" + long_value + "\",route=\"" + long_value + "\"";
  EXPECT_TRUE(has_line(text, "h_seconds_bucket{" + labels_text + ",le=\"1\"} 1"));
  EXPECT_TRUE(has_line(text, "h_seconds_count{" + labels_text + "} 1"));
  EXPECT_TRUE(has_line(text, "c_total{service=\"" + long_value + "\",n=\"99\"} 99"));
  EXPECT_EQ(text, r.expose_text()) << "a second scrape sizes its output from the first";
}

TEST(constant_labels, come_first_on_every_series_and_are_not_part_of_the_key) {
  registry r;
  counter& before = r.get_counter("req_total", "R.", {{"route", "/a"}});
  r.set_constant_labels({{"service", "gateway"}, {"zone", "a\"1"}});
  EXPECT_EQ(&before, &r.get_counter("req_total", "R.", {{"route", "/a"}}));
  before.inc();
  r.get_gauge("up", "Up.").set(1);
  r.get_histogram("lat_seconds", "L.", {{"route", "/x"}}, {0.5}).observe(0.25);
  r.get_histogram("bare_seconds", "B.", {}, {1}).observe(2);
  const std::string text = r.expose_text();
  EXPECT_TRUE(has_line(text, R"(req_total{service="gateway",zone="a\"1",route="/a"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(up{service="gateway",zone="a\"1"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(lat_seconds_bucket{service="gateway",zone="a\"1",route="/x",le="0.5"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(lat_seconds_sum{service="gateway",zone="a\"1",route="/x"} 0.25)")) << text;
  EXPECT_TRUE(has_line(text, R"(lat_seconds_count{service="gateway",zone="a\"1",route="/x"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(bare_seconds_bucket{service="gateway",zone="a\"1",le="+Inf"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(bare_seconds_count{service="gateway",zone="a\"1"} 1)")) << text;
  EXPECT_EQ(r.series_count(), 4u);
}

TEST(constant_labels, can_be_replaced) {
  registry r;
  r.get_gauge("up", "Up.").set(1);
  r.set_constant_labels({{"service", "a"}});
  r.set_constant_labels({{"service", "b"}});
  EXPECT_TRUE(has_line(r.expose_text(), R"(up{service="b"} 1)"));
  r.set_constant_labels({});
  EXPECT_TRUE(has_line(r.expose_text(), "up 1"));
}

TEST(constant_labels_death, refuse_clashes_and_bad_names) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  registry r;
  r.get_counter("c_total", "C.", {{"service", "x"}});
  EXPECT_DEATH(r.set_constant_labels({{"service", "gateway"}}), "repeats a series label");
  EXPECT_DEATH(r.set_constant_labels({{"a", "1"}, {"a", "2"}}), "appears twice");
  EXPECT_DEATH(r.set_constant_labels({{"le", "1"}}), "registry's own labels");
  EXPECT_DEATH(r.set_constant_labels({{"overflow", "1"}}), "registry's own labels");
  EXPECT_DEATH(r.set_constant_labels({{"bad label", "1"}}), "label name");
  r.set_constant_labels({{"zone", "z"}});
  EXPECT_DEATH(r.get_counter("d_total", "D.", {{"zone", "y"}}), "repeats a constant label");
}

TEST(collectors, run_before_every_exposition_and_summary) {
  registry r;
  int runs = 0;
  r.add_collector([&] {
    ++runs;
    // A collector may create series: it runs outside the registry's lock.
    r.get_gauge("process_resident_memory_bytes", "Resident memory.").set(1000.0 * runs);
  });
  EXPECT_TRUE(has_line(r.expose_text(), "process_resident_memory_bytes 1000"));
  EXPECT_TRUE(has_line(r.expose_text(), "process_resident_memory_bytes 2000"));
  EXPECT_TRUE(r.summarize("absent_seconds").empty());
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(r.series_count(), 1u) << "series_count does not run collectors";
  EXPECT_EQ(runs, 3);
}

TEST(collectors_death, are_bounded) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  registry r;
  for (std::size_t i = 0; i < registry::max_collectors; ++i) {
    r.add_collector([] {});
  }
  EXPECT_DEATH(r.add_collector([] {}), "too many metrics collectors");
}

TEST(summarize, gives_count_sum_and_quantiles_per_series_in_label_order) {
  registry r;
  const std::vector<double> bounds = {10, 20, 30, 40};
  auto& b = r.get_histogram("lat_seconds", "L.", {{"route", "/b"}}, bounds);
  auto& a = r.get_histogram("lat_seconds", "L.", {{"route", "/a"}}, bounds);
  for (int i = 0; i < 10; ++i) {
    a.observe(15);
    a.observe(25);
  }
  b.observe(100);
  const auto s = r.summarize("lat_seconds");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].series, (labels{{"route", "/a"}}));
  EXPECT_EQ(s[0].count, 20u);
  EXPECT_DOUBLE_EQ(s[0].sum, 400);
  EXPECT_DOUBLE_EQ(s[0].p50, 20);
  EXPECT_DOUBLE_EQ(s[0].p95, a.quantile(0.95));
  EXPECT_DOUBLE_EQ(s[0].p95, 29);  // rank 19 of 20: 9/10 of the way through (20, 30]
  EXPECT_DOUBLE_EQ(s[0].p99, a.quantile(0.99));
  EXPECT_EQ(s[1].series, (labels{{"route", "/b"}}));
  EXPECT_EQ(s[1].count, 1u);
  EXPECT_DOUBLE_EQ(s[1].p99, 40);  // +Inf bucket: the highest bound
}

TEST(summarize, is_empty_for_an_absent_family_or_another_type) {
  registry r;
  r.get_counter("c_total", "C.").inc();
  EXPECT_TRUE(r.summarize("c_total").empty());
  EXPECT_TRUE(r.summarize("nothing").empty());
}

TEST(threads, concurrent_increments_are_exact) {
  // More threads than shards: shared shards must stay exact too.
  constexpr int threads = static_cast<int>(detail::shard_count) + 2;
  constexpr int per_thread = 50000;
  registry r;
  counter& c = r.get_counter("c_total", "C.");
  counter& half = r.get_counter("half_total", "H.");
  gauge& g = r.get_gauge("g", "G.");
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        c.inc();
        half.inc(0.5);  // exact in binary, so the total is exact in any order
        g.add(1);
      }
    });
  }
  for (auto& t : pool) {
    t.join();
  }
  EXPECT_EQ(c.value(), double{threads} * per_thread);
  EXPECT_EQ(half.value(), 0.5 * threads * per_thread);
  EXPECT_EQ(g.value(), double{threads} * per_thread);
}

// The value of a sample line `head value` whose head starts with `head`, or -1.
double sample(const std::string& text, const std::string& head) {
  for (const auto& l : lines_of(text)) {
    if (l.rfind(head + " ", 0) == 0) {
      return std::stod(l.substr(head.size() + 1));
    }
  }
  return -1;
}

TEST(threads, collectors_added_while_another_thread_scrapes) {
  registry r;
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done.load()) {
      r.expose_text();
    }
  });
  std::vector<counter*> runs;
  for (std::size_t i = 0; i < registry::max_collectors; ++i) {
    counter& c = r.get_counter("collector_runs_total", "Runs.", {{"n", std::to_string(i)}});
    runs.push_back(&c);
    r.add_collector([&c] { c.inc(); });
  }
  done = true;
  scraper.join();
  const double first_before = runs.front()->value();
  const double last_before = runs.back()->value();
  const std::string text = r.expose_text();  // every collector runs once more
  EXPECT_EQ(runs.front()->value(), first_before + 1);
  EXPECT_EQ(runs.back()->value(), last_before + 1);
  EXPECT_EQ(sample(text, R"(collector_runs_total{n="31"})"), last_before + 1) << text;
}

TEST(threads, exposition_during_updates_keeps_count_equal_to_the_inf_bucket) {
  constexpr int threads = 3;
  constexpr int per_thread = 50000;
  registry r;
  r.set_constant_labels({{"service", "t"}});
  histogram& h = r.get_histogram("lat_seconds", "L.", {{"route", "/x"}}, {0.001, 0.01, 0.1});
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        h.observe(0.0005 * ((i + t) % 300));
        if (i % 1000 == 0) {
          // Series creation from several threads at once.
          r.get_counter("made_total", "M.", {{"n", std::to_string(i / 1000)}}).inc();
        }
      }
    });
  }
  for (int scrape = 0; scrape < 50; ++scrape) {
    const std::string text = r.expose_text();
    const double inf = sample(text, R"(lat_seconds_bucket{service="t",route="/x",le="+Inf"})");
    const double count = sample(text, R"(lat_seconds_count{service="t",route="/x"})");
    ASSERT_EQ(inf, count) << text;
    const double le_01 = sample(text, R"(lat_seconds_bucket{service="t",route="/x",le="0.1"})");
    ASSERT_LE(le_01, inf);
  }
  for (auto& t : pool) {
    t.join();
  }
  EXPECT_EQ(h.count(), std::uint64_t{threads} * per_thread);
  EXPECT_EQ(h.cumulative().back(), h.count());
  const auto s = r.summarize("lat_seconds");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].count, std::uint64_t{threads} * per_thread);
  EXPECT_EQ(r.get_counter("made_total", "M.", {{"n", "0"}}).value(), double{threads});
}

}  // namespace
}  // namespace qm::metrics
