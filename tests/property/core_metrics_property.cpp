// Property: a histogram's cumulative counts never decrease, the +Inf bucket equals count,
// each bucket holds exactly the observations at or below its bound, and sum is the sum.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
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

}  // namespace
}  // namespace qm::metrics
