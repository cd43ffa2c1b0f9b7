#pragma once
// Whether and when to retry a failed attempt, as one pure decision. The caller (a service
// client) runs the attempt, classifies the outcome, and asks; this file holds the rules, so
// they are the same for every upstream and testable without a network.
//
// The order of the checks is the point. Refusals that cost nothing come first (not
// retryable, breaker open, attempts used up); then the delay, from the backoff and the
// upstream's Retry-After, whichever is longer, since a server that says "not before" means
// it; then the deadline, because an attempt that cannot finish before the caller gives up is
// pure waste; and the budget last, so a token is only ever spent on a retry that will really
// start. A breaker that is open ends the call at once: retrying into it only queues work
// behind a failure the breaker already knows about.
//
// Idempotency: only a request that may be repeated without a second effect is retryable
// after it may have reached the upstream. RFC 9110 section 9.2.2 names the methods; a POST
// or PATCH is retryable only with an idempotency key, which is the caller's verdict to make.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/time.hpp"
#include "core/resilience/backoff.hpp"
#include "core/resilience/retry_budget.hpp"

namespace qm::resilience {

// GET, HEAD, OPTIONS, TRACE, PUT, DELETE (methods are case-sensitive); not POST, PATCH,
// CONNECT or unknown methods.
bool method_is_idempotent(std::string_view method);

// The longest wait a Retry-After can ask for; longer asks are clamped to it.
inline constexpr duration max_retry_after = seconds(300);

// Retry-After (RFC 9110 section 10.2.3): delta-seconds, or an HTTP-date in IMF-fixdate form
// ("Sun, 06 Nov 1994 08:49:37 GMT") taken relative to now; a date in the past means no
// wait. Clamped to [0, max_retry_after]; nullopt when malformed (the obsolete RFC 850 and
// asctime date forms included: the caller then falls back to its own backoff).
std::optional<duration> parse_retry_after(std::string_view value, time_point now);

enum class give_up : std::uint8_t {
  none,               // retry after the decision's delay
  not_retryable,
  attempts_exhausted,
  budget_exhausted,
  deadline,
  breaker_open,
};

// A stable lowercase name for logs and metric labels.
std::string_view to_string(give_up reason);

inline constexpr std::int32_t max_attempts_limit = 10;
inline constexpr duration max_min_attempt_time = seconds(60);

struct retry_config {
  std::int32_t max_attempts = 3;  // first attempt included, in [1, max_attempts_limit]
  backoff_config backoff;
  duration min_attempt_time = ms(5);  // an attempt needs at least this long to be worth starting
};

// nullopt when usable; otherwise what is wrong.
std::optional<std::string> validate(const retry_config& config);

struct attempt_report {
  // The caller's verdict: 5xx/timeout/connection error on an idempotent request (or one with
  // an idempotency key).
  bool retryable = false;
  bool breaker_open = false;
  std::optional<duration> retry_after;  // from the upstream's Retry-After, if it sent one
  std::int32_t attempts_made = 0;       // attempts so far, the failed one included
};

struct retry_decision {
  give_up reason = give_up::none;  // none: retry after delay
  duration delay{0};
};

// Spends from `budget` only when it decides to retry. Advances `delays` whenever it gets as
// far as computing a delay (a retry, or a deadline or budget refusal, which end the call
// anyway). random_u64 feeds the jitter.
retry_decision decide_retry(const retry_config& config, const attempt_report& report, time_point now,
                            time_point deadline, backoff& delays, retry_budget& budget,
                            std::uint64_t random_u64);

}  // namespace qm::resilience
