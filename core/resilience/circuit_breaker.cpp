#include "core/resilience/circuit_breaker.hpp"

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <utility>

#include "core/base/assert.hpp"

namespace qm::resilience {
namespace {

constexpr std::uint8_t failure_bit = 1;
constexpr std::uint8_t slow_bit = 2;
constexpr double ppm = 1'000'000.0;

// A rate threshold in parts per million; -1 turns the rule off (threshold > 1).
std::int64_t to_ppm(double threshold) {
  return threshold > 1.0 ? -1 : std::llround(threshold * ppm);
}

// rate >= threshold, judged in integers: no division on the call path, and no surprise
// from binary fractions (3 failures of 30 reach a threshold of 0.1).
bool rate_reached(std::int64_t part, std::int64_t whole, std::int64_t threshold_ppm) {
  return threshold_ppm >= 0 && part * static_cast<std::int64_t>(ppm) >= threshold_ppm * whole;
}

std::int64_t unix_second(time_point t) {
  // floor, so that instants before the epoch still land in the right bucket
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

std::size_t bucket_index(std::int64_t second, std::int32_t size) {
  const std::int64_t m = second % size;
  return static_cast<std::size_t>(m < 0 ? m + size : m);
}

}  // namespace

std::string_view to_string(breaker_state s) {
  constexpr std::array<std::string_view, 3> names{"closed", "open", "half_open"};
  const auto i = static_cast<std::size_t>(s);
  return i < names.size() ? names[i] : "unknown";
}

std::string_view to_string(breaker_mode m) {
  constexpr std::array<std::string_view, 3> names{"normal", "forced_open", "disabled"};
  const auto i = static_cast<std::size_t>(m);
  return i < names.size() ? names[i] : "unknown";
}

std::optional<std::string> validate(const breaker_config& c) {
  if (c.consecutive_failure_threshold < 0) {
    return "consecutive_failure_threshold must be >= 0 (0 turns it off)";
  }
  if (c.window == window_kind::count) {
    if (c.window_size < 1 || c.window_size > max_count_window_calls) {
      return "window_size of a count window must be in [1, 10000] calls";
    }
  } else if (c.window == window_kind::time) {
    if (c.window_size < 1 || c.window_size > max_time_window_seconds) {
      return "window_size of a time window must be in [1, 3600] seconds";
    }
  } else {
    return "window must be count or time";
  }
  if (c.minimum_calls < 1) {
    return "minimum_calls must be >= 1";
  }
  // NaN compares false with everything: the negated comparisons reject it.
  // Rates are judged to a millionth, so a positive threshold starts there.
  if (!(c.failure_rate_threshold >= 1.0 / ppm)) {
    return "failure_rate_threshold must be >= 0.000001 (a value > 1 turns it off)";
  }
  if (!(c.slow_call_rate_threshold >= 1.0 / ppm)) {
    return "slow_call_rate_threshold must be >= 0.000001 (a value > 1 turns it off)";
  }
  const bool rate_rule_on = c.failure_rate_threshold <= 1.0 || c.slow_call_rate_threshold <= 1.0;
  if (rate_rule_on && c.window == window_kind::count && c.minimum_calls > c.window_size) {
    return "minimum_calls exceeds the count window: the rate rules could never fire";
  }
  if (c.slow_call_threshold <= duration(0)) {
    return "slow_call_threshold must be > 0";
  }
  if (c.open_wait <= duration(0)) {
    return "open_wait must be > 0";
  }
  if (c.half_open_max_probes < 1 || c.half_open_max_probes > max_half_open_probes) {
    return "half_open_max_probes must be in [1, 64]";
  }
  if (c.half_open_successes_to_close < 1) {
    return "half_open_successes_to_close must be >= 1";
  }
  return std::nullopt;
}

circuit_breaker::circuit_breaker(const breaker_config& config) : config_(config) {
  const auto error = validate(config_);
  QM_ASSERT_MSG(!error, error ? std::string_view(*error) : std::string_view());
  failure_rate_ppm_ = to_ppm(config_.failure_rate_threshold);
  slow_rate_ppm_ = to_ppm(config_.slow_call_rate_threshold);
  const auto size = static_cast<std::size_t>(config_.window_size);
  if (config_.window == window_kind::count) {
    outcomes_.assign(size, 0);
  } else {
    buckets_.assign(size, second_bucket{});
  }
}

permit circuit_breaker::try_acquire(time_point now) {
  permit p;
  p.generation = generation_;
  if (mode_ == breaker_mode::disabled) {
    p.admitted = true;
  } else if (mode_ == breaker_mode::forced_open) {
    p.retry_after = config_.open_wait;  // a hint only: the operator decides when it ends
  } else {
    if (state_ == breaker_state::open) {
      if (now < opened_at_) {
        opened_at_ = now;  // the clock went back: never wait longer than open_wait from now
      }
      const duration waited = now - opened_at_;
      if (waited < config_.open_wait) {
        p.retry_after = config_.open_wait - waited;
      } else {
        enter(breaker_state::half_open, now);
        p.generation = generation_;
      }
    }
    if (state_ == breaker_state::closed) {
      p.admitted = true;
    } else if (state_ == breaker_state::half_open) {
      p.probe_slot = take_probe_slot();
      p.admitted = p.probe_slot >= 0;
      p.probe = p.admitted;
    }
  }
  if (p.admitted) {
    ++counters_.admitted;
  } else {
    ++counters_.rejected;
  }
  return p;
}

void circuit_breaker::on_success(const permit& p, time_point now, duration elapsed) {
  ++counters_.successes;
  on_outcome(p, false, now, elapsed);
}

void circuit_breaker::on_failure(const permit& p, time_point now, duration elapsed) {
  ++counters_.failures;
  on_outcome(p, true, now, elapsed);
}

void circuit_breaker::on_outcome(const permit& p, bool failure, time_point now,
                                 duration elapsed) {
  QM_ASSERT_MSG(p.admitted, "an outcome reported for a rejected permit");
  const bool slow = elapsed >= config_.slow_call_threshold;
  counters_.slow_calls += slow ? 1 : 0;
  if (!is_current(p)) {
    ++counters_.late_outcomes;
    return;
  }
  if (mode_ != breaker_mode::normal) {
    return;
  }
  if (state_ == breaker_state::closed) {
    consecutive_failures_ = failure ? consecutive_failures_ + 1 : 0;
    record(failure, slow, now);
    if (should_trip()) {
      enter(breaker_state::open, now);
    }
  } else {
    on_half_open_outcome(p, failure, slow, now);
  }
}

void circuit_breaker::on_abandoned(const permit& p) {
  if (!p.admitted) {
    return;
  }
  ++counters_.abandoned;
  if (is_current(p) && p.probe) {
    release_probe(p);
  }
}

void circuit_breaker::on_half_open_outcome(const permit& p, bool failure, bool slow,
                                           time_point now) {
  // Open admits nothing, so a current permit outside closed is a half-open probe.
  QM_ASSERT(state_ == breaker_state::half_open && p.probe);
  release_probe(p);
  if (failure || (slow && slow_rule_on())) {
    enter(breaker_state::open, now);
    return;
  }
  ++half_open_successes_;
  if (half_open_successes_ >= config_.half_open_successes_to_close) {
    enter(breaker_state::closed, now);
  }
}

std::int8_t circuit_breaker::take_probe_slot() {
  const std::uint64_t all_slots =
      config_.half_open_max_probes == max_half_open_probes
          ? ~std::uint64_t{0}
          : (std::uint64_t{1} << config_.half_open_max_probes) - 1;
  const std::uint64_t free_slots = all_slots & ~probe_slots_;
  if (free_slots == 0) {
    return -1;
  }
  const int slot = std::countr_zero(free_slots);
  probe_slots_ |= std::uint64_t{1} << slot;
  return static_cast<std::int8_t>(slot);
}

void circuit_breaker::release_probe(const permit& p) {
  QM_ASSERT(p.probe_slot >= 0 && p.probe_slot < config_.half_open_max_probes);
  const std::uint64_t bit = std::uint64_t{1} << p.probe_slot;
  // A second report of the same permit would free a slot someone else now holds.
  QM_ASSERT_MSG((probe_slots_ & bit) != 0, "a probe permit reported twice");
  probe_slots_ &= ~bit;
}

std::int32_t circuit_breaker::probes_in_flight() const {
  return static_cast<std::int32_t>(std::popcount(probe_slots_));
}

void circuit_breaker::record(bool failure, bool slow, time_point now) {
  if (config_.window == window_kind::count) {
    record_count(failure, slow);
  } else {
    record_time(failure, slow, now);
  }
}

void circuit_breaker::record_count(bool failure, bool slow) {
  std::uint8_t& slot = outcomes_[static_cast<std::size_t>(next_outcome_)];
  if (window_calls_ == config_.window_size) {
    // the ring is full: the slot holds the oldest outcome, which leaves the window
    window_failures_ -= slot & failure_bit;
    window_slow_ -= (slot & slow_bit) >> 1;
  } else {
    window_calls_ += 1;
  }
  slot = static_cast<std::uint8_t>((failure ? failure_bit : 0) | (slow ? slow_bit : 0));
  window_failures_ += failure ? 1 : 0;
  window_slow_ += slow ? 1 : 0;
  next_outcome_ = next_outcome_ + 1 == config_.window_size ? 0 : next_outcome_ + 1;
}

void circuit_breaker::record_time(bool failure, bool slow, time_point now) {
  const std::int64_t second = unix_second(now);
  roll_time_window(second);
  // A clock that went back records into the newest second rather than into the past.
  second_bucket& b = buckets_[bucket_index(newest_second_, config_.window_size)];
  b.calls += 1;
  b.failures += failure ? 1 : 0;
  b.slow += slow ? 1 : 0;
  window_calls_ += 1;
  window_failures_ += failure ? 1 : 0;
  window_slow_ += slow ? 1 : 0;
}

void circuit_breaker::roll_time_window(std::int64_t second) {
  if (!time_window_started_) {
    time_window_started_ = true;
    newest_second_ = second;
    buckets_[bucket_index(second, config_.window_size)].second = second;
    return;
  }
  if (second <= newest_second_) {
    return;
  }
  // Expire the buckets of the seconds that leave the window; at most window_size of them.
  const std::int64_t gap = second - newest_second_;
  const std::int64_t steps = gap < config_.window_size ? gap : config_.window_size;
  for (std::int64_t i = 1; i <= steps; ++i) {
    const std::int64_t s = second - steps + i;
    second_bucket& b = buckets_[bucket_index(s, config_.window_size)];
    window_calls_ -= b.calls;
    window_failures_ -= b.failures;
    window_slow_ -= b.slow;
    b = second_bucket{s, 0, 0, 0};
  }
  newest_second_ = second;
}

void circuit_breaker::clear_window() {
  for (auto& o : outcomes_) {
    o = 0;
  }
  for (auto& b : buckets_) {
    b = second_bucket{};
  }
  next_outcome_ = 0;
  time_window_started_ = false;
  newest_second_ = 0;
  window_calls_ = 0;
  window_failures_ = 0;
  window_slow_ = 0;
  consecutive_failures_ = 0;
}

bool circuit_breaker::should_trip() const {
  if (config_.consecutive_failure_threshold > 0 &&
      consecutive_failures_ >= config_.consecutive_failure_threshold) {
    return true;
  }
  if (window_calls_ < config_.minimum_calls) {
    return false;
  }
  return rate_reached(window_failures_, window_calls_, failure_rate_ppm_) ||
         rate_reached(window_slow_, window_calls_, slow_rate_ppm_);
}

void circuit_breaker::enter(breaker_state to, time_point now) {
  const breaker_state from = state_;
  // Every entry starts a new generation, so that permits of the previous one become late.
  ++generation_;
  state_ = to;
  probe_slots_ = 0;
  half_open_successes_ = 0;
  if (to == breaker_state::open) {
    opened_at_ = now;
  }
  if (to == breaker_state::closed) {
    clear_window();
  }
  if (from != to) {
    ++counters_.transitions;
    if (listener_) {
      listener_(transition{from, to}, now);
    }
  }
}

void circuit_breaker::force_open(time_point now) {
  if (mode_ == breaker_mode::forced_open) {
    return;
  }
  mode_ = breaker_mode::forced_open;
  enter(breaker_state::open, now);
}

void circuit_breaker::disable(time_point now) {
  if (mode_ == breaker_mode::disabled) {
    return;
  }
  mode_ = breaker_mode::disabled;
  enter(breaker_state::closed, now);
}

void circuit_breaker::reset(time_point now) {
  mode_ = breaker_mode::normal;
  enter(breaker_state::closed, now);
}

void circuit_breaker::set_listener(listener l) {
  QM_ASSERT_MSG(!listener_, "a breaker's listener is set once");
  listener_ = std::move(l);
}

}  // namespace qm::resilience
