#include "core/resilience/retry_budget.hpp"

#include <algorithm>
#include <limits>

#include "core/base/assert.hpp"

namespace qm::resilience {

std::optional<std::string> validate(const retry_budget_config& config) {
  if (!(config.ratio >= 0.0 && config.ratio <= 1.0)) {  // also refuses NaN
    return "retry budget ratio must be in [0, 1]";
  }
  if (config.min_retries_per_s < 0 || config.min_retries_per_s > 10000) {
    return "retry budget min_retries_per_s must be in [0, 10000]";
  }
  if (config.window_s < 1 || config.window_s > 600) {
    return "retry budget window_s must be in [1, 600]";
  }
  return std::nullopt;
}

retry_budget::retry_budget(const retry_budget_config& config)
    : config_(config),
      floor_(static_cast<double>(config.min_retries_per_s) * config.window_s),
      ring_(static_cast<std::size_t>(config.window_s > 0 ? config.window_s : 1)) {
  QM_ASSERT_MSG(!validate(config), "invalid retry_budget_config");
  // Every bucket starts stale: its second lies before any window the first call can see.
  newest_second_ = std::numeric_limits<std::int64_t>::min() / 2;
  for (bucket& b : ring_) {
    b.second = newest_second_;
  }
}

void retry_budget::clear(bucket& b) {
  requests_total_ -= b.requests;
  retries_total_ -= b.retries;
  b.requests = 0;
  b.retries = 0;
}

retry_budget::bucket& retry_budget::advance_to(time_point now) {
  const std::int64_t window = config_.window_s;
  std::int64_t second = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second < newest_second_) {
    second = newest_second_;  // a clock that stepped back: count in the newest bucket
  }
  if (second > newest_second_) {
    // Clear the buckets of the seconds entered since the last call, at most the whole ring.
    const std::int64_t steps = std::min(second - newest_second_, window);
    for (std::int64_t s = second - steps + 1; s <= second; ++s) {
      bucket& b = ring_[static_cast<std::size_t>(((s % window) + window) % window)];
      clear(b);
      b.second = s;
    }
    newest_second_ = second;
  }
  bucket& current = ring_[static_cast<std::size_t>(((second % window) + window) % window)];
  QM_ASSERT(current.second == second);
  return current;
}

void retry_budget::on_request(time_point now) {
  bucket& b = advance_to(now);
  ++b.requests;
  ++requests_total_;
}

bool retry_budget::try_spend(time_point now) {
  bucket& b = advance_to(now);
  const double allowed = config_.ratio * static_cast<double>(requests_total_) + floor_;
  if (static_cast<double>(retries_total_ + 1) > allowed) {
    ++exhausted_;
    return false;
  }
  ++b.retries;
  ++retries_total_;
  return true;
}

}  // namespace qm::resilience
