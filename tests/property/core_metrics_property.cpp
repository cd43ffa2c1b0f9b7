// Properties: a histogram's cumulative counts never decrease, the +Inf bucket equals count,
// each bucket holds exactly the observations at or below its bound, and sum is the sum; the
// text exposition reads back (label values unescaped, numbers exact) to the same series.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/metrics/registry.hpp"

namespace qm::metrics {
namespace {

RC_GTEST_PROP(histogram_property, cumulative_counts_are_monotone_and_total_is_count, ()) {
  // Distinct sorted bounds; integer-valued observations keep the sum exact.
  const auto raw_bounds = *rc::gen::container<std::set<int>>(rc::gen::inRange(-50, 50));
  const std::vector<double> bounds(raw_bounds.begin(), raw_bounds.end());
  const auto values = *rc::gen::container<std::vector<int>>(rc::gen::inRange(-100, 100));

  histogram h(bounds);
  double expected_sum = 0;
  for (int v : values) {
    h.observe(v);
    expected_sum += v;
  }

  const auto cum = h.cumulative();
  RC_ASSERT(cum.size() == bounds.size() + 1);
  RC_ASSERT(std::is_sorted(cum.begin(), cum.end()));
  RC_ASSERT(cum.back() == h.count());
  RC_ASSERT(h.count() == values.size());
  RC_ASSERT(h.sum() == expected_sum);
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const auto at_or_below = static_cast<std::uint64_t>(
        std::count_if(values.begin(), values.end(), [&](int v) { return v <= bounds[i]; }));
    RC_ASSERT(cum[i] == at_or_below);
  }
}

RC_GTEST_PROP(histogram_property, quantile_stays_within_the_bounds_and_is_monotone, ()) {
  const auto raw_bounds = *rc::gen::nonEmpty(rc::gen::container<std::set<int>>(rc::gen::inRange(1, 1000)));
  const std::vector<double> bounds(raw_bounds.begin(), raw_bounds.end());
  const auto values = *rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 1200)));
  histogram h(bounds);
  for (int v : values) {
    h.observe(v);
  }
  double previous = 0;
  for (int i = 0; i <= 20; ++i) {
    const double q = h.quantile(i / 20.0);
    RC_ASSERT(q >= 0.0);
    RC_ASSERT(q <= bounds.back());
    RC_ASSERT(q >= previous);
    previous = q;
  }
}


// One sample line of the text format, read back: name, labels (unescaped), value.
struct sample_line {
  std::string name;
  labels l;
  double value = 0;
};

// Reads `name{k="v",...} value`; RC_ASSERTs the line is well formed.
sample_line parse_sample(const std::string& line) {
  sample_line out;
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') {
    out.name += line[i++];
  }
  RC_ASSERT(is_valid_metric_name(out.name));
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (line.at(i) != '}') {
      std::string key;
      while (line.at(i) != '=') {
        key += line[i++];
      }
      RC_ASSERT(line.at(i + 1) == '"');
      i += 2;
      std::string value;
      while (line.at(i) != '"') {
        if (line[i] == '\\') {
          const char e = line.at(i + 1);
          RC_ASSERT(e == '\\' || e == '"' || e == 'n');
          value += e == 'n' ? '\n' : e;
          i += 2;
        } else {
          value += line[i++];
        }
      }
      ++i;
      out.l.emplace_back(key, value);
      if (line.at(i) == ',') {
        ++i;
      }
    }
    ++i;
  }
  RC_ASSERT(line.at(i) == ' ');
  const std::string number = line.substr(i + 1);
  out.value = number == "+Inf" ? HUGE_VAL : std::strtod(number.c_str(), nullptr);
  return out;
}

std::vector<sample_line> parse_samples(const std::string& text) {
  std::vector<sample_line> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("#")) {
      out.push_back(parse_sample(line));
    }
  }
  return out;
}

// Label values drawn from printable ASCII plus the three characters the format escapes.
rc::Gen<std::string> label_value() {
  return rc::gen::container<std::string>(rc::gen::oneOf(rc::gen::inRange(' ', '~'), rc::gen::element('"', '\\', '\n')));
}

RC_GTEST_PROP(exposition_property, histograms_read_back_with_count_equal_to_the_inf_bucket, ()) {
  const auto raw_bounds = *rc::gen::container<std::set<int>>(rc::gen::inRange(-50, 50));
  const std::vector<double> bounds(raw_bounds.begin(), raw_bounds.end());
  const auto routes = *rc::gen::nonEmpty(rc::gen::container<std::set<std::string>>(label_value()));
  const auto constant = *label_value();
  registry r;
  r.set_constant_labels({{"service", constant}});
  std::map<std::string, std::vector<int>> observed;
  for (const auto& route : routes) {
    const auto values = *rc::gen::container<std::vector<int>>(rc::gen::inRange(-100, 100));
    histogram& h = r.get_histogram("lat_seconds", "Latency.", {{"route", route}}, bounds);
    for (int v : values) {
      h.observe(v);
    }
    observed[route] = values;
  }

  // Per route: the bucket values in order, the sum and the count, as read from the text.
  std::map<std::string, std::vector<double>> buckets;
  std::map<std::string, double> sums;
  std::map<std::string, double> counts;
  for (const auto& s : parse_samples(r.expose_text())) {
    RC_ASSERT(s.l.size() >= 2u);
    RC_ASSERT(s.l[0] == (std::pair<std::string, std::string>{"service", constant}));
    RC_ASSERT(s.l[1].first == "route");
    const std::string& route = s.l[1].second;
    if (s.name == "lat_seconds_bucket") {
      RC_ASSERT(s.l.size() == 3u);
      RC_ASSERT(s.l[2].first == "le");
      buckets[route].push_back(s.value);
    } else if (s.name == "lat_seconds_sum") {
      sums[route] = s.value;
    } else {
      RC_ASSERT(s.name == "lat_seconds_count");
      counts[route] = s.value;
    }
  }
  RC_ASSERT(buckets.size() == routes.size());
  for (const auto& [route, values] : observed) {
    const auto& b = buckets.at(route);
    RC_ASSERT(b.size() == bounds.size() + 1);
    RC_ASSERT(std::is_sorted(b.begin(), b.end()));
    RC_ASSERT(counts.at(route) == b.back());
    RC_ASSERT(counts.at(route) == static_cast<double>(values.size()));
    double expected_sum = 0;
    for (int v : values) {
      expected_sum += v;
    }
    RC_ASSERT(sums.at(route) == expected_sum);
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      const auto at_or_below = std::count_if(values.begin(), values.end(), [&](int v) { return v <= bounds[i]; });
      RC_ASSERT(b[i] == static_cast<double>(at_or_below));
    }
  }
}

RC_GTEST_PROP(exposition_property, counters_read_back_to_the_same_labels_and_value, ()) {
  const auto series = *rc::gen::nonEmpty(rc::gen::container<std::set<std::string>>(label_value()));
  registry r;
  std::map<std::string, double> expected;
  for (const auto& v : series) {
    counter& c = r.get_counter("ops_total", "Operations.", {{"path", v}});
    const auto steps = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 1000));
    for (int step : steps) {
      c.inc(step % 3 == 0 ? step / 8.0 : step);  // fractional and integral steps
    }
    expected[v] = c.value();
  }
  const auto samples = parse_samples(r.expose_text());
  RC_ASSERT(samples.size() == series.size());
  for (const auto& s : samples) {
    RC_ASSERT(s.name == "ops_total");
    RC_ASSERT(s.l.size() == 1u);
    RC_ASSERT(s.l[0].first == "path");
    RC_ASSERT(s.value == expected.at(s.l[0].second));  // the shortest text reads back exactly
  }
}

}  // namespace
}  // namespace qm::metrics
