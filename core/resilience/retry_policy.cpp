#include "core/resilience/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include "core/base/assert.hpp"
#include "core/resilience/deadline.hpp"

namespace qm::resilience {

bool method_is_idempotent(std::string_view method) {
  static constexpr std::array<std::string_view, 6> idempotent = {"GET",   "HEAD", "OPTIONS",
                                                                 "TRACE", "PUT",  "DELETE"};
  return std::find(idempotent.begin(), idempotent.end(), method) != idempotent.end();
}

namespace {

constexpr std::array<std::string_view, 7> day_names = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Exactly `width` digits at text[at..]; nullopt otherwise.
std::optional<int> fixed_digits(std::string_view text, std::size_t at, std::size_t width) {
  int value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

template <std::size_t n>
std::optional<unsigned> index_of(const std::array<std::string_view, n>& names, std::string_view name) {
  for (std::size_t i = 0; i < n; ++i) {
    if (names[i] == name) {
      return static_cast<unsigned>(i);
    }
  }
  return std::nullopt;
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT", fixed width, case-sensitive, weekday checked
// against the date (a date that contradicts itself is malformed, not guessed at).
std::optional<time_point> parse_imf_fixdate(std::string_view text) {
  constexpr std::string_view shape = "ddd, dd mmm yyyy hh:mm:ss GMT";
  if (text.size() != shape.size() || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  const auto weekday = index_of(day_names, text.substr(0, 3));
  const auto month = index_of(month_names, text.substr(8, 3));
  const auto day = fixed_digits(text, 5, 2);
  const auto year = fixed_digits(text, 12, 4);
  const auto hour = fixed_digits(text, 17, 2);
  const auto minute = fixed_digits(text, 20, 2);
  const auto second = fixed_digits(text, 23, 2);
  if (!weekday || !month || !day || !year || !hour || !minute || !second) {
    return std::nullopt;
  }
  // second 60 is a leap second in the grammar; it reads as the next minute's first second.
  if (*hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(*month + 1),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) {
    return std::nullopt;
  }
  const std::chrono::sys_days days{date};
  if (std::chrono::weekday(days).c_encoding() != *weekday) {
    return std::nullopt;
  }
  return time_point(days) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         std::chrono::seconds(*second);
}

}  // namespace

std::optional<duration> parse_retry_after(std::string_view value, time_point now) {
  value = trim_ows(value);
  const std::int64_t max_s = std::chrono::duration_cast<std::chrono::seconds>(max_retry_after).count();
  if (!value.empty() && value.front() >= '0' && value.front() <= '9') {
    const auto delta_s = parse_header_digits(value, max_s);
    if (!delta_s) {
      return std::nullopt;
    }
    return seconds(*delta_s);
  }
  const auto when = parse_imf_fixdate(value);
  if (!when) {
    return std::nullopt;
  }
  return std::clamp(*when - now, duration::zero(), max_retry_after);
}

std::string_view to_string(give_up reason) {
  switch (reason) {
    case give_up::none:
      return "none";
    case give_up::not_retryable:
      return "not_retryable";
    case give_up::attempts_exhausted:
      return "attempts_exhausted";
    case give_up::budget_exhausted:
      return "budget_exhausted";
    case give_up::deadline:
      return "deadline";
    case give_up::breaker_open:
      return "breaker_open";
  }
  return "unknown";
}

std::optional<std::string> validate(const retry_config& config) {
  if (config.max_attempts < 1 || config.max_attempts > max_attempts_limit) {
    return "retry max_attempts must be in [1, 10]";
  }
  if (config.min_attempt_time < duration::zero() || config.min_attempt_time > max_min_attempt_time) {
    return "retry min_attempt_time must be in [0, 60 s]";
  }
  return validate(config.backoff);
}

retry_decision decide_retry(const retry_config& config, const attempt_report& report, time_point now,
                            time_point deadline, backoff& delays, retry_budget& budget,
                            std::uint64_t random_u64) {
  QM_ASSERT_MSG(!validate(config), "invalid retry_config");
  QM_ASSERT(report.attempts_made >= 0);
  if (!report.retryable) {
    return {give_up::not_retryable, duration::zero()};
  }
  if (report.breaker_open) {
    return {give_up::breaker_open, duration::zero()};
  }
  if (report.attempts_made >= config.max_attempts) {
    return {give_up::attempts_exhausted, duration::zero()};
  }
  // Both terms are bounded (backoff cap, max_retry_after), so the sums below cannot overflow.
  const duration asked = std::clamp(report.retry_after.value_or(duration::zero()), duration::zero(),
                                    max_retry_after);
  const duration delay = std::max(delays.next(random_u64), asked);
  if (now + delay + config.min_attempt_time > deadline) {
    return {give_up::deadline, duration::zero()};
  }
  if (!budget.try_spend(now)) {
    return {give_up::budget_exhausted, duration::zero()};
  }
  return {give_up::none, delay};
}

}  // namespace qm::resilience
