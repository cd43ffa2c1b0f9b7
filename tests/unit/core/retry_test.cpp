// Retry decisions: the order of the checks (budget spent only on a retry that happens),
// Retry-After honoured and parsed in both forms, and the idempotent methods.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/resilience/retry_policy.hpp"

namespace qm::resilience {
namespace {

constexpr std::uint64_t highest = std::numeric_limits<std::uint64_t>::max();
const time_point t0 = from_unix_us(1'700'000'000'000'000);

retry_config test_config() {
  retry_config config;
  config.max_attempts = 3;
  config.backoff = backoff_config{ms(50), seconds(2), jitter_kind::full};
  config.min_attempt_time = ms(5);
  return config;
}

retry_budget_config one_retry_per_second() {
  retry_budget_config config;
  config.ratio = 0.0;
  config.min_retries_per_s = 1;
  config.window_s = 1;
  return config;
}

struct fixture {
  retry_config config = test_config();
  backoff delays = backoff(config.backoff);
  retry_budget budget = retry_budget(one_retry_per_second());

  retry_decision decide(attempt_report report, time_point deadline, std::uint64_t r = highest) {
    return decide_retry(config, report, t0, deadline, delays, budget, r);
  }
};

attempt_report failed(std::int32_t attempts) {
  attempt_report report;
  report.retryable = true;
  report.attempts_made = attempts;
  return report;
}

TEST(decide_retry, retries_a_retryable_failure_after_the_backoff) {
  fixture f;
  const auto d = f.decide(failed(1), t0 + seconds(10));
  EXPECT_EQ(d.reason, give_up::none);
  EXPECT_EQ(d.delay, ms(50));
  EXPECT_EQ(f.budget.retries_in_window(), 1U);
}

TEST(decide_retry, refusals_before_the_delay_spend_nothing) {
  fixture f;
  attempt_report not_retryable = failed(1);
  not_retryable.retryable = false;
  not_retryable.breaker_open = true;  // not retryable wins
  EXPECT_EQ(f.decide(not_retryable, t0 + seconds(10)).reason, give_up::not_retryable);
  attempt_report open = failed(1);
  open.breaker_open = true;
  EXPECT_EQ(f.decide(open, t0 + seconds(10)).reason, give_up::breaker_open);
  EXPECT_EQ(f.decide(failed(3), t0 + seconds(10)).reason, give_up::attempts_exhausted);
  EXPECT_EQ(f.decide(failed(4), t0 + seconds(10)).reason, give_up::attempts_exhausted);
  EXPECT_EQ(f.delays.retries(), 0U);
  EXPECT_EQ(f.budget.retries_in_window(), 0U);
  EXPECT_EQ(f.budget.exhausted(), 0U);
}

TEST(decide_retry, no_attempt_starts_that_cannot_finish_before_the_deadline) {
  fixture f;
  // 50 ms delay + 5 ms minimum attempt = exactly the deadline: allowed.
  EXPECT_EQ(f.decide(failed(1), t0 + ms(55)).reason, give_up::none);
  fixture g;
  const auto d = g.decide(failed(1), t0 + ms(54));
  EXPECT_EQ(d.reason, give_up::deadline);
  EXPECT_EQ(g.budget.retries_in_window(), 0U);  // the budget was not touched
  EXPECT_EQ(g.budget.exhausted(), 0U);
}

TEST(decide_retry, budget_is_checked_last) {
  fixture f;
  EXPECT_EQ(f.decide(failed(1), t0 + seconds(10)).reason, give_up::none);
  EXPECT_EQ(f.decide(failed(2), t0 + seconds(10)).reason, give_up::budget_exhausted);
  EXPECT_EQ(f.budget.exhausted(), 1U);
}

TEST(decide_retry, retry_after_lengthens_the_delay_but_never_shortens_it) {
  fixture f;
  attempt_report report = failed(1);
  report.retry_after = seconds(1);
  EXPECT_EQ(f.decide(report, t0 + seconds(10)).delay, seconds(1));
  fixture g;
  report.retry_after = ms(1);
  EXPECT_EQ(g.decide(report, t0 + seconds(10)).delay, ms(50));
}

TEST(decide_retry, a_retry_after_past_the_deadline_gives_up) {
  fixture f;
  attempt_report report = failed(1);
  report.retry_after = seconds(30);
  EXPECT_EQ(f.decide(report, t0 + seconds(10)).reason, give_up::deadline);
  report.retry_after = duration::max();  // clamped, no overflow
  EXPECT_EQ(f.decide(report, t0 + seconds(10)).reason, give_up::deadline);
}

TEST(decide_retry, reasons_have_stable_names) {
  EXPECT_EQ(to_string(give_up::none), "none");
  EXPECT_EQ(to_string(give_up::budget_exhausted), "budget_exhausted");
  EXPECT_EQ(to_string(give_up::breaker_open), "breaker_open");
}

TEST(retry_config, validate_bounds_attempts_and_times) {
  EXPECT_FALSE(validate(retry_config{}));
  EXPECT_FALSE(validate(retry_config{10, {}, ms(5)}));
  EXPECT_TRUE(validate(retry_config{0, {}, ms(5)}));
  EXPECT_TRUE(validate(retry_config{11, {}, ms(5)}));
  EXPECT_TRUE(validate(retry_config{3, {}, ms(-1)}));
  EXPECT_TRUE(validate(retry_config{3, {}, seconds(61)}));
  EXPECT_TRUE(validate(retry_config{3, {ms(0), ms(1), jitter_kind::full}, ms(5)}));
}

TEST(idempotent_methods, follow_rfc_9110) {
  for (const char* m : {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}) {
    EXPECT_TRUE(method_is_idempotent(m)) << m;
  }
  for (const char* m : {"POST", "PATCH", "CONNECT", "get", "Put", "", "GETX", "BREW"}) {
    EXPECT_FALSE(method_is_idempotent(m)) << m;
  }
}

// 2023-11-14T22:13:20Z is a Tuesday.
const time_point date_now = from_unix_us(1'700'000'000'000'000);

TEST(retry_after, delta_seconds) {
  EXPECT_EQ(parse_retry_after("0", date_now), seconds(0));
  EXPECT_EQ(parse_retry_after("120", date_now), seconds(120));
  EXPECT_EQ(parse_retry_after(" 3 ", date_now), seconds(3));
  EXPECT_EQ(parse_retry_after("86400", date_now), max_retry_after);
  EXPECT_EQ(parse_retry_after("99999999999999999999999", date_now), max_retry_after);
}

TEST(retry_after, imf_fixdate_relative_to_now) {
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", date_now), seconds(30));
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:20 GMT", date_now), seconds(0));
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", date_now), seconds(0));  // past
  EXPECT_EQ(parse_retry_after("Wed, 15 Nov 2023 22:13:20 GMT", date_now), max_retry_after);
  EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", date_now), max_retry_after);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date_now), seconds(0));
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:60 GMT", date_now), seconds(40));  // leap second
  EXPECT_EQ(parse_retry_after("Thu, 29 Feb 2024 00:00:00 GMT", from_unix_us(1'709'164'790'000'000)),
            seconds(10));
}

TEST(retry_after, garbage_is_refused) {
  for (const char* bad : {"", "  ", "-5", "+5", "1.5", "5s", "soon", "0x10",
                          "Tue, 14 Nov 2023 22:13:50 UTC",   // only GMT
                          "Mon, 14 Nov 2023 22:13:50 GMT",   // weekday contradicts the date
                          "tue, 14 Nov 2023 22:13:50 GMT",   // case-sensitive
                          "Tue, 14 nov 2023 22:13:50 GMT", "Tue, 31 Nov 2023 22:13:50 GMT",
                          "Wed, 29 Feb 2023 00:00:00 GMT", "Tue, 14 Nov 2023 24:00:00 GMT",
                          "Tue, 14 Nov 2023 22:60:00 GMT", "Tue, 14 Nov 2023 22:13:61 GMT",
                          "Tue, 4 Nov 2023 22:13:50 GMT", "Tue, 14 Nov 2023 22:13:50 GMT x",
                          "Tue,14 Nov 2023 22:13:50 GMT ", "Tuesday, 14-Nov-23 22:13:50 GMT",
                          "Tue Nov 14 22:13:50 2023", "Tue, 00 Nov 2023 22:13:50 GMT",
                          "Tue, 14 Nov 2023 2a:13:50 GMT"}) {
    EXPECT_FALSE(parse_retry_after(bad, date_now)) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace qm::resilience
