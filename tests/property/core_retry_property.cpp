// Properties of the retry pieces: backoff delays stay in bounds for any random sequence and
// any retry count; the retry budget, over any arrival sequence (a clock stepping back
// included), grants exactly what its window allows and never more than ratio * requests +
// floor; decide_retry never starts an attempt that cannot finish before the deadline, never
// goes past max_attempts, and never spends the budget on a retry it refuses.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/resilience/backoff.hpp"
#include "core/resilience/retry_budget.hpp"
#include "core/resilience/retry_policy.hpp"

namespace qm::resilience {
namespace {

// Any valid backoff configuration of the given jitter, from 1 us to the largest cap.
backoff_config any_backoff_config(jitter_kind jitter) {
  const auto base_us = *rc::gen::inRange<std::int64_t>(1, max_backoff_cap.count() + 1);
  const auto cap_us = *rc::gen::inRange<std::int64_t>(base_us, max_backoff_cap.count() + 1);
  return backoff_config{duration(base_us), duration(cap_us), jitter};
}

RC_GTEST_PROP(backoff_property, full_jitter_stays_in_zero_to_the_capped_ceiling, ()) {
  const backoff_config config = any_backoff_config(jitter_kind::full);
  const auto randoms = *rc::gen::container<std::vector<std::uint64_t>>(rc::gen::arbitrary<std::uint64_t>());
  const auto skipped = *rc::gen::inRange(0, 200);  // any retry count before the checked ones
  backoff b(config);
  for (int i = 0; i < skipped; ++i) {
    static_cast<void>(b.next(0));
  }
  for (const std::uint64_t r : randoms) {
    const std::uint32_t n = b.retries();
    const duration d = b.next(r);
    RC_ASSERT(d >= duration::zero());
    RC_ASSERT(d <= config.cap);
    // In floating point, so the check itself cannot overflow for large n.
    RC_ASSERT(static_cast<double>(d.count()) <= std::ldexp(static_cast<double>(config.base.count()), static_cast<int>(n)));
  }
}

RC_GTEST_PROP(backoff_property, decorrelated_jitter_stays_in_base_to_cap, ()) {
  const backoff_config config = any_backoff_config(jitter_kind::decorrelated);
  const auto randoms = *rc::gen::container<std::vector<std::uint64_t>>(rc::gen::arbitrary<std::uint64_t>());
  backoff b(config);
  duration previous = config.base;
  for (const std::uint64_t r : randoms) {
    const duration d = b.next(r);
    RC_ASSERT(d >= config.base);
    RC_ASSERT(d <= config.cap);
    RC_ASSERT(d <= std::max(config.base, previous * 3));
    previous = d;
  }
}

// The model of the budget: every event with the (clamped) second it was counted in.
struct counted_event {
  std::int64_t second;
  bool retry;
};

RC_GTEST_PROP(retry_budget_property, grants_exactly_what_the_window_allows, ()) {
  retry_budget_config config;
  config.ratio = *rc::gen::inRange(0, 101) / 100.0;
  config.min_retries_per_s = *rc::gen::inRange(0, 4);
  config.window_s = *rc::gen::inRange(1, 8);
  const double floor = static_cast<double>(config.min_retries_per_s) * config.window_s;
  retry_budget budget(config);

  const auto steps = *rc::gen::inRange(0, 400);
  std::int64_t now_ms = *rc::gen::inRange<std::int64_t>(-5'000, 5'000);
  std::int64_t newest_second = std::numeric_limits<std::int64_t>::min();
  std::vector<counted_event> history;
  for (int i = 0; i < steps; ++i) {
    // Mostly forward in small steps, sometimes a long gap, sometimes a step back.
    now_ms += *rc::gen::weightedOneOf<std::int64_t>({{8, rc::gen::inRange<std::int64_t>(0, 400)},
                                                     {1, rc::gen::inRange<std::int64_t>(0, 20'000)},
                                                     {1, rc::gen::inRange<std::int64_t>(-3'000, 0)}});
    const std::int64_t second = std::max(newest_second, now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000);
    newest_second = second;
    const time_point now = from_unix_us(now_ms * 1000);

    std::uint64_t requests = 0;
    std::uint64_t retries = 0;
    for (const counted_event& e : history) {
      if (e.second > second - config.window_s) {
        (e.retry ? retries : requests) += 1;
      }
    }
    if (*rc::gen::inRange(0, 3) == 0) {
      budget.on_request(now);
      history.push_back({second, false});
      continue;
    }
    const bool model_grants = static_cast<double>(retries + 1) <= config.ratio * static_cast<double>(requests) + floor;
    const bool granted = budget.try_spend(now);
    RC_ASSERT(granted == model_grants);
    if (granted) {
      history.push_back({second, true});
      // The promise: at the moment of a grant, retries in the window (this one included)
      // stay within ratio * requests in the same window plus the floor.
      RC_ASSERT(static_cast<double>(retries + 1) <= config.ratio * static_cast<double>(requests) + floor);
      RC_ASSERT(budget.retries_in_window() == retries + 1);
      RC_ASSERT(budget.requests_in_window() == requests);
    }
  }
  // Across any aligned window of window_s seconds, the retries granted in it are covered by
  // the requests of that window and the one before it (a grant may lean on requests that
  // have since left the window, never on more).
  for (const counted_event& last : history) {
    const std::int64_t end = last.second;
    std::uint64_t retries = 0;
    std::uint64_t requests_two_windows = 0;
    for (const counted_event& e : history) {
      if (e.retry && e.second > end - config.window_s && e.second <= end) {
        ++retries;
      }
      if (!e.retry && e.second > end - 2 * config.window_s && e.second <= end) {
        ++requests_two_windows;
      }
    }
    RC_ASSERT(static_cast<double>(retries) <= config.ratio * static_cast<double>(requests_two_windows) + floor);
  }
}

retry_config any_retry_config() {
  retry_config config;
  config.max_attempts = *rc::gen::inRange(1, max_attempts_limit + 1);
  config.backoff = any_backoff_config(*rc::gen::element(jitter_kind::full, jitter_kind::decorrelated));
  config.min_attempt_time = duration(*rc::gen::inRange<std::int64_t>(0, max_min_attempt_time.count() + 1));
  return config;
}

RC_GTEST_PROP(decide_retry_property, a_single_decision_respects_every_rule, ()) {
  const retry_config config = any_retry_config();
  attempt_report report;
  report.retryable = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
  report.breaker_open = *rc::gen::weightedElement<bool>({{1, true}, {4, false}});
  if (*rc::gen::arbitrary<bool>()) {
    report.retry_after = duration(*rc::gen::inRange<std::int64_t>(0, seconds(400).count()));
  }
  report.attempts_made = *rc::gen::inRange(0, max_attempts_limit + 3);
  const time_point now = from_unix_us(*rc::gen::inRange<std::int64_t>(0, std::int64_t{1} << 52));
  const time_point deadline = now + duration(*rc::gen::inRange<std::int64_t>(-seconds(1).count(), seconds(900).count()));
  backoff delays(config.backoff);
  retry_budget budget(retry_budget_config{0.0, *rc::gen::inRange(0, 2), 1});

  const retry_decision d = decide_retry(config, report, now, deadline, delays, budget,
                                        *rc::gen::arbitrary<std::uint64_t>());
  if (d.reason == give_up::none) {
    RC_ASSERT(report.retryable);
    RC_ASSERT(!report.breaker_open);
    RC_ASSERT(report.attempts_made < config.max_attempts);
    RC_ASSERT(now + d.delay + config.min_attempt_time <= deadline);
    RC_ASSERT(d.delay >= std::min(report.retry_after.value_or(duration::zero()), max_retry_after));
    RC_ASSERT(d.delay <= std::max(config.backoff.cap, max_retry_after));
    RC_ASSERT(budget.retries_in_window() == 1U);
  } else {
    RC_ASSERT(budget.retries_in_window() == 0U);  // nothing spent on a refused retry
  }
  if (d.reason == give_up::budget_exhausted) {
    RC_ASSERT(budget.exhausted() == 1U);
  } else {
    RC_ASSERT(budget.exhausted() == 0U);
  }
}

RC_GTEST_PROP(decide_retry_property, a_whole_call_stays_within_attempts_and_deadline, ()) {
  const retry_config config = any_retry_config();
  backoff delays(config.backoff);
  retry_budget budget(retry_budget_config{0.5, 1, 10});
  time_point now = from_unix_us(*rc::gen::inRange<std::int64_t>(0, std::int64_t{1} << 52));
  const time_point deadline = now + duration(*rc::gen::inRange<std::int64_t>(0, seconds(30).count()));
  budget.on_request(now);

  std::int32_t attempts = 0;
  for (;;) {
    // The attempt: it runs until it fails, never past the deadline (the caller's timeout).
    RC_ASSERT(attempts < config.max_attempts);
    RC_ASSERT(now <= deadline);
    ++attempts;
    const duration took = duration(*rc::gen::inRange<std::int64_t>(0, seconds(2).count()));
    now = std::min(now + took, deadline);
    attempt_report report;
    report.retryable = true;
    report.attempts_made = attempts;
    if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}})) {
      report.retry_after = seconds(*rc::gen::inRange(0, 5));
    }
    const retry_decision d = decide_retry(config, report, now, deadline, delays, budget,
                                          *rc::gen::arbitrary<std::uint64_t>());
    if (d.reason != give_up::none) {
      RC_ASSERT(d.reason != give_up::not_retryable && d.reason != give_up::breaker_open);
      RC_ASSERT(d.reason != give_up::attempts_exhausted || attempts == config.max_attempts);
      break;
    }
    RC_ASSERT(now + d.delay + config.min_attempt_time <= deadline);
    now += d.delay;
  }
  RC_ASSERT(attempts <= config.max_attempts);
}

}  // namespace
}  // namespace qm::resilience
