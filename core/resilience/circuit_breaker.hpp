#pragma once
// A circuit breaker for calls to one dependency (an upstream service, a database): pure logic,
// no I/O, no clock of its own. Time comes in as `now` on every call.
//
// What counts as a failure is decided by the caller, never by the breaker: the caller reports
// on_failure for what says the dependency is unhealthy (5xx answers, timeouts, connection
// errors) and on_success for everything else. A 4xx answer is the client's mistake, not the
// dependency's, so callers report it as a success (or abandon the permit); the breaker never
// sees a 4xx as a failure.
//
// States (the numeric values are the values of the quickmart_breaker_state gauge):
//   closed    every call is admitted; outcomes go into a sliding window (the last N outcomes,
//             or N one-second buckets). It opens when `consecutive_failure_threshold` failures
//             come in a row, or, once the window holds at least `minimum_calls`, when the
//             failure rate or the slow-call rate reaches its threshold.
//   open      nothing is admitted; retry_after says how long is left of `open_wait`. The first
//             try_acquire after the wait moves it to half-open.
//   half_open at most `half_open_max_probes` calls (probes) are in flight at once;
//             `half_open_successes_to_close` probe successes close it (window cleared); any
//             probe failure, or a slow probe when the slow-call rule is on, reopens it and
//             restarts the wait. Every probe failure reopens, so the successes that close it
//             are consecutive by construction.
//
// Late outcomes: every state change starts a new generation and each permit carries the
// generation that admitted it. An outcome whose permit comes from an earlier generation (a
// call admitted while closed that ends after the trip, a probe of an earlier half-open period,
// a call from before reset()) is counted in the counters but never moves the state machine:
// a late success cannot close an open breaker, a late failure cannot reopen a closed one.
//
// Operator overrides: force_open() rejects everything until reset(); disable() admits
// everything and records no outcome until reset(); reset() returns to normal mode, closed,
// with an empty window.
//
// Cost: the window is allocated once, in the constructor. try_acquire, on_success,
// on_failure and on_abandoned never allocate, and the listener is invoked through a
// std::function that was set up front. Single-threaded by contract, like the rest of core/.
// The listener runs synchronously inside the call that changes the state; it must not call
// back into the breaker.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/time.hpp"

namespace qm::resilience {

enum class breaker_state : std::uint8_t { closed = 0, open = 1, half_open = 2 };
std::string_view to_string(breaker_state s);

// Operator overrides of the state machine.
enum class breaker_mode : std::uint8_t { normal, forced_open, disabled };
std::string_view to_string(breaker_mode m);

enum class window_kind : std::uint8_t { count, time };

// Bounds that validate() enforces: every buffer and slot set has a limit.
inline constexpr std::int32_t max_count_window_calls = 10'000;
inline constexpr std::int32_t max_time_window_seconds = 3'600;
inline constexpr std::int32_t max_half_open_probes = 64;  // one bit each in a 64-bit set

struct breaker_config {
  std::int32_t consecutive_failure_threshold = 5;  // 0 = off
  window_kind window = window_kind::count;
  std::int32_t window_size = 50;  // calls (count window, <= 10000) or seconds (time, <= 3600)
  std::int32_t minimum_calls = 20;  // no rate is judged with fewer calls in the window
  // Rates are judged in parts per million: a threshold counts to its nearest millionth, and
  // the window trips when failures * 1e6 >= threshold_ppm * calls (exact, integer).
  double failure_rate_threshold = 0.5;  // in (0, 1]; a value > 1 turns the rule off
  duration slow_call_threshold = seconds(2);  // elapsed >= this is a slow call
  double slow_call_rate_threshold = 1.01;  // in (0, 1] turns the rule on; > 1 is off
  duration open_wait = seconds(5);  // open -> half-open after this
  std::int32_t half_open_max_probes = 3;  // concurrent calls admitted in half-open (<= 64)
  std::int32_t half_open_successes_to_close = 3;  // probe successes that close it
};

// nullopt when the configuration is usable, else what is wrong with it.
std::optional<std::string> validate(const breaker_config& config);

struct transition {
  breaker_state from;
  breaker_state to;
};

// The answer of try_acquire. Hand it back, unchanged, to exactly one of on_success,
// on_failure or on_abandoned once the call ends (a rejected permit needs no answer).
struct permit {
  bool admitted = false;
  bool probe = false;  // admitted in half-open, holds one of the probe slots
  duration retry_after{0};  // when rejected: time left of the open wait (0 = no estimate)
  std::uint64_t generation = 0;  // state generation that admitted it
  std::int8_t probe_slot = -1;  // which probe slot it holds, when probe
};

// Monotone counters for metrics and tests. Outcomes are counted whatever their generation or
// the mode; late_outcomes says how many of them the state machine ignored.
struct breaker_counters {
  std::uint64_t admitted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::uint64_t slow_calls = 0;  // successes and failures with elapsed >= slow_call_threshold
  std::uint64_t abandoned = 0;
  std::uint64_t late_outcomes = 0;  // successes and failures from an earlier generation
  std::uint64_t transitions = 0;  // changes of state(), listener calls included or not
};

class circuit_breaker {
 public:
  using listener = std::function<void(transition, time_point)>;

  // Asserts that validate(config) passes; allocates the window once, here.
  explicit circuit_breaker(const breaker_config& config);

  // Admission of one call. May move open -> half-open when open_wait has elapsed.
  permit try_acquire(time_point now);
  // The call admitted by `p` ended. elapsed >= slow_call_threshold counts as slow.
  void on_success(const permit& p, time_point now, duration elapsed);
  void on_failure(const permit& p, time_point now, duration elapsed);
  // Admitted, but ended without a health signal (cancelled, 4xx the caller chose not to
  // report): frees its probe slot, records nothing. A rejected permit is ignored.
  void on_abandoned(const permit& p);

  // forced_open reports open, disabled reports closed.
  breaker_state state() const { return state_; }
  breaker_mode mode() const { return mode_; }

  void force_open(time_point now);
  void disable(time_point now);
  void reset(time_point now);  // normal mode, closed, window cleared

  // Called on every change of state(). Set once, before use.
  void set_listener(listener l);

  const breaker_config& config() const { return config_; }
  const breaker_counters& counters() const { return counters_; }
  // Introspection for metrics and tests.
  std::int32_t probes_in_flight() const;
  std::int32_t consecutive_failures() const { return consecutive_failures_; }
  std::int64_t window_calls() const { return window_calls_; }
  std::int64_t window_failures() const { return window_failures_; }
  std::int64_t window_slow_calls() const { return window_slow_; }
  // When the current open period started (meaningful while state() is open).
  time_point opened_at() const { return opened_at_; }

 private:
  // One second of a time window.
  struct second_bucket {
    std::int64_t second = 0;  // unix second it counts; stale when outside the window
    std::int32_t calls = 0;
    std::int32_t failures = 0;
    std::int32_t slow = 0;
  };

  void on_outcome(const permit& p, bool failure, time_point now, duration elapsed);
  void record(bool failure, bool slow, time_point now);
  void record_count(bool failure, bool slow);
  void record_time(bool failure, bool slow, time_point now);
  void roll_time_window(std::int64_t second);
  void clear_window();
  bool should_trip() const;
  bool slow_rule_on() const { return slow_rate_ppm_ >= 0; }
  bool is_current(const permit& p) const { return p.generation == generation_; }
  std::int8_t take_probe_slot();  // -1 when every slot is in flight
  void release_probe(const permit& p);
  void on_half_open_outcome(const permit& p, bool failure, bool slow, time_point now);
  void enter(breaker_state to, time_point now);

  breaker_config config_;
  // The rate thresholds in parts per million, -1 when the rule is off.
  std::int64_t failure_rate_ppm_ = -1;
  std::int64_t slow_rate_ppm_ = -1;
  breaker_mode mode_ = breaker_mode::normal;
  breaker_state state_ = breaker_state::closed;
  std::uint64_t generation_ = 1;  // 0 is never current: a default permit is never current
  time_point opened_at_{};
  std::int32_t consecutive_failures_ = 0;
  std::uint64_t probe_slots_ = 0;  // bit i set: probe slot i is in flight
  std::int32_t half_open_successes_ = 0;

  // Count window: the last window_size outcomes, bit 0 failure, bit 1 slow.
  std::vector<std::uint8_t> outcomes_;
  std::int32_t next_outcome_ = 0;
  // Time window: window_size one-second buckets, indexed by second modulo window_size.
  std::vector<second_bucket> buckets_;
  std::int64_t newest_second_ = 0;
  bool time_window_started_ = false;

  std::int64_t window_calls_ = 0;
  std::int64_t window_failures_ = 0;
  std::int64_t window_slow_ = 0;

  breaker_counters counters_;
  listener listener_;
};

}  // namespace qm::resilience
