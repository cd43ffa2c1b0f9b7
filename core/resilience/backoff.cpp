#include "core/resilience/backoff.hpp"

#include <algorithm>
#include <limits>

#include "core/base/assert.hpp"

namespace qm::resilience {

std::optional<std::string> validate(const backoff_config& config) {
  if (config.base <= duration::zero()) {
    return "backoff base must be positive";
  }
  if (config.cap < config.base) {
    return "backoff cap must be at least the base";
  }
  if (config.cap > max_backoff_cap) {
    return "backoff cap must be at most 600 s";
  }
  if (config.jitter != jitter_kind::full && config.jitter != jitter_kind::decorrelated) {
    return "backoff jitter must be full or decorrelated";
  }
  return std::nullopt;
}

duration uniform_between(duration low, duration high, std::uint64_t random_u64) {
  QM_ASSERT(low <= high);
  // The span fits 32 bits (600 s is 6e8 us), so the top 32 random bits scaled by it give a
  // value in [0, span) without overflow and with a bias below span / 2^32.
  const auto span = static_cast<std::uint64_t>((high - low).count()) + 1;
  QM_ASSERT(span <= (std::uint64_t{1} << 32));
  const std::uint64_t offset = ((random_u64 >> 32) * span) >> 32;
  return low + duration(static_cast<std::int64_t>(offset));
}

backoff::backoff(const backoff_config& config) : config_(config), previous_(config.base) {
  QM_ASSERT_MSG(!validate(config), "invalid backoff_config");
}

duration backoff::full_ceiling() const {
  // base * 2^retries, saturating at cap: compare against cap >> retries instead of shifting
  // base left, which would overflow for large retry counts.
  const std::int64_t base_us = config_.base.count();
  const std::int64_t cap_us = config_.cap.count();
  if (retries_ >= 62 || base_us > (cap_us >> retries_)) {
    return config_.cap;
  }
  return std::min(config_.cap, duration(base_us << retries_));
}

duration backoff::next(std::uint64_t random_u64) {
  duration delay{0};
  if (config_.jitter == jitter_kind::full) {
    delay = uniform_between(duration::zero(), full_ceiling(), random_u64);
  } else {
    // previous_ <= cap <= 600 s, so tripling it cannot overflow.
    delay = std::min(config_.cap, uniform_between(config_.base, previous_ * 3, random_u64));
    previous_ = delay;
  }
  if (retries_ < std::numeric_limits<std::uint32_t>::max()) {
    ++retries_;
  }
  QM_ASSERT(delay >= duration::zero() && delay <= config_.cap);
  return delay;
}

}  // namespace qm::resilience
