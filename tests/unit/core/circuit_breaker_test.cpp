// Unit tests of the circuit breaker: every transition and rule, the operator modes, late
// permits, the time window's rolling, validate(), and no allocation on the call path.

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <string_view>
#include <vector>

#include "core/resilience/circuit_breaker.hpp"

// A counting global operator new for this binary: the call path must not allocate. The
// replacement pairs malloc with free, which g++ cannot see through once new is inlined.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace qm::resilience {
namespace {

const time_point t0 = from_unix_us(1'700'000'000'000'000);  // on a second boundary

// A config where only the rule under test is on.
breaker_config only_consecutive(std::int32_t n) {
  breaker_config c;
  c.consecutive_failure_threshold = n;
  c.failure_rate_threshold = 2.0;
  c.slow_call_rate_threshold = 2.0;
  return c;
}

// Trips on the first failure; half-open admits `max_probes` and closes after `to_close`.
breaker_config probing(std::int32_t max_probes, std::int32_t to_close) {
  breaker_config c = only_consecutive(1);
  c.half_open_max_probes = max_probes;
  c.half_open_successes_to_close = to_close;
  return c;
}

breaker_config only_failure_rate(double rate, std::int32_t window, std::int32_t minimum) {
  breaker_config c;
  c.consecutive_failure_threshold = 0;
  c.window_size = window;
  c.minimum_calls = minimum;
  c.failure_rate_threshold = rate;
  c.slow_call_rate_threshold = 2.0;
  return c;
}

breaker_config time_failure_rate(double rate, std::int32_t window_s, std::int32_t minimum) {
  breaker_config c = only_failure_rate(rate, 1, 1);
  c.window = window_kind::time;
  c.window_size = window_s;
  c.minimum_calls = minimum;
  return c;
}

void succeed(circuit_breaker& b, time_point now, duration elapsed = ms(1)) {
  const permit p = b.try_acquire(now);
  ASSERT_TRUE(p.admitted);
  b.on_success(p, now, elapsed);
}

void fail(circuit_breaker& b, time_point now, duration elapsed = ms(1)) {
  const permit p = b.try_acquire(now);
  ASSERT_TRUE(p.admitted);
  b.on_failure(p, now, elapsed);
}

// Reports one admitted call per letter, at `now`: 's' a success, 'f' a failure.
void play(circuit_breaker& b, time_point now, std::string_view outcomes) {
  for (const char o : outcomes) {
    if (o == 's') {
      succeed(b, now);
    } else {
      fail(b, now);
    }
  }
}

// Trips a breaker configured by only_consecutive(1) and waits it into half-open.
permit trip_and_probe(circuit_breaker& b, time_point& now) {
  fail(b, now);
  EXPECT_EQ(b.state(), breaker_state::open);
  now += b.config().open_wait;
  const permit p = b.try_acquire(now);
  EXPECT_EQ(b.state(), breaker_state::half_open);
  return p;
}

TEST(breaker_names, states_and_modes_have_names_and_metric_values) {
  EXPECT_EQ(to_string(breaker_state::closed), "closed");
  EXPECT_EQ(to_string(breaker_state::open), "open");
  EXPECT_EQ(to_string(breaker_state::half_open), "half_open");
  EXPECT_EQ(static_cast<int>(breaker_state::closed), 0);
  EXPECT_EQ(static_cast<int>(breaker_state::open), 1);
  EXPECT_EQ(static_cast<int>(breaker_state::half_open), 2);
  EXPECT_EQ(to_string(breaker_mode::normal), "normal");
  EXPECT_EQ(to_string(breaker_mode::forced_open), "forced_open");
  EXPECT_EQ(to_string(breaker_mode::disabled), "disabled");
}

TEST(breaker_validate, defaults_are_valid) { EXPECT_EQ(validate(breaker_config{}), std::nullopt); }

TEST(breaker_validate, rejects_each_bad_field) {
  const auto bad = [](auto change) {
    breaker_config c;
    change(c);
    return validate(c).has_value();
  };
  EXPECT_TRUE(bad([](breaker_config& c) { c.consecutive_failure_threshold = -1; }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.window_size = 0; }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.window_size = 10'001; }));
  EXPECT_TRUE(bad([](breaker_config& c) {
    c.window = window_kind::time;
    c.window_size = 3'601;
  }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.window = static_cast<window_kind>(7); }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.minimum_calls = 0; }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.failure_rate_threshold = 0.0; }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.failure_rate_threshold = -0.5; }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.failure_rate_threshold = std::nan(""); }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.failure_rate_threshold = 1e-7; }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.slow_call_rate_threshold = 0.0; }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.slow_call_rate_threshold = std::nan(""); }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.slow_call_threshold = duration(0); }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.open_wait = duration(0); }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.open_wait = -seconds(1); }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.half_open_max_probes = 0; }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.half_open_max_probes = 65; }));
  EXPECT_TRUE(bad([](breaker_config& c) { c.half_open_successes_to_close = 0; }));
  // A count window smaller than minimum_calls could never judge a rate.
  EXPECT_TRUE(bad([](breaker_config& c) {
    c.window_size = 10;
    c.minimum_calls = 11;
  }));
}

TEST(breaker_validate, accepts_the_bounds_and_rules_turned_off) {
  const auto good = [](auto change) {
    breaker_config c;
    change(c);
    return !validate(c).has_value();
  };
  EXPECT_TRUE(good([](breaker_config& c) { c.window_size = 10'000; }));
  EXPECT_TRUE(good([](breaker_config& c) {
    c.window = window_kind::time;
    c.window_size = 3'600;
    c.minimum_calls = 100'000;  // a time window holds any number of calls
  }));
  EXPECT_TRUE(good([](breaker_config& c) { c.half_open_max_probes = 64; }));
  EXPECT_TRUE(good([](breaker_config& c) { c.consecutive_failure_threshold = 0; }));
  EXPECT_TRUE(good([](breaker_config& c) { c.failure_rate_threshold = 1.0; }));
  EXPECT_TRUE(good([](breaker_config& c) { c.failure_rate_threshold = INFINITY; }));
  EXPECT_TRUE(good([](breaker_config& c) {
    // both rate rules off: minimum_calls no longer matters
    c.window_size = 10;
    c.minimum_calls = 11;
    c.failure_rate_threshold = 1.5;
  }));
}

TEST(breaker_validate_death, constructor_refuses_an_invalid_config) {
  breaker_config c;
  c.open_wait = duration(0);
  EXPECT_DEATH(circuit_breaker{c}, "open_wait must be > 0");
}

TEST(breaker_closed, admits_every_call) {
  circuit_breaker b(breaker_config{});
  for (int i = 0; i < 100; ++i) {
    const permit p = b.try_acquire(t0);
    EXPECT_TRUE(p.admitted);
    EXPECT_FALSE(p.probe);
    b.on_success(p, t0, ms(1));
  }
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_EQ(b.counters().admitted, 100u);
  EXPECT_EQ(b.counters().successes, 100u);
}

TEST(breaker_consecutive, trips_at_the_threshold) {
  circuit_breaker b(only_consecutive(3));
  play(b, t0, "ff");
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_EQ(b.consecutive_failures(), 2);
  fail(b, t0);
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_EQ(b.opened_at(), t0);
}

TEST(breaker_consecutive, a_success_restarts_the_count) {
  circuit_breaker b(only_consecutive(3));
  play(b, t0, "ffs");
  EXPECT_EQ(b.consecutive_failures(), 0);
  play(b, t0, "ff");
  EXPECT_EQ(b.state(), breaker_state::closed);
}

TEST(breaker_rules_off, zero_consecutive_and_a_rate_above_one_never_trip) {
  for (const breaker_config& c : {only_consecutive(0), only_failure_rate(1.01, 10, 4)}) {
    circuit_breaker b(c);
    for (int i = 0; i < 1000; ++i) {
      fail(b, t0);
    }
    EXPECT_EQ(b.state(), breaker_state::closed);
  }
}

TEST(breaker_failure_rate, waits_for_minimum_calls) {
  circuit_breaker b(only_failure_rate(0.5, 10, 4));
  play(b, t0, "fff");
  EXPECT_EQ(b.state(), breaker_state::closed);  // 100% but only 3 calls
  fail(b, t0);
  EXPECT_EQ(b.state(), breaker_state::open);
}

TEST(breaker_failure_rate, trips_exactly_at_the_threshold) {
  circuit_breaker b(only_failure_rate(0.5, 10, 4));
  play(b, t0, "sfs");
  EXPECT_EQ(b.state(), breaker_state::closed);
  fail(b, t0);  // 2 of 4
  EXPECT_EQ(b.state(), breaker_state::open);
}

TEST(breaker_failure_rate, a_success_can_complete_the_minimum_and_trip) {
  circuit_breaker b(only_failure_rate(0.5, 10, 4));
  play(b, t0, "fffs");  // 3 of 4 failed: the rule is judged on every outcome
  EXPECT_EQ(b.state(), breaker_state::open);
}

TEST(breaker_failure_rate, stays_closed_below_the_threshold) {
  circuit_breaker b(only_failure_rate(0.5, 10, 4));
  for (int i = 0; i < 100; ++i) {
    play(b, t0, "ssf");  // one in three
  }
  EXPECT_EQ(b.state(), breaker_state::closed);
}

TEST(breaker_failure_rate, decimal_thresholds_are_reached_exactly) {
  // 0.1 * 30 is 3.0000000000000004 in binary floating point; the breaker still trips at 3.
  circuit_breaker b(only_failure_rate(0.1, 30, 30));
  for (int i = 0; i < 27; ++i) {
    succeed(b, t0);
  }
  play(b, t0, "ff");
  EXPECT_EQ(b.state(), breaker_state::closed);  // 2 of 29: not judged yet
  fail(b, t0);
  EXPECT_EQ(b.state(), breaker_state::open);  // 3 of 30
}

TEST(breaker_count_window, old_outcomes_leave_the_window) {
  circuit_breaker b(only_failure_rate(0.5, 4, 4));
  play(b, t0, "fsss");
  EXPECT_EQ(b.window_calls(), 4);
  EXPECT_EQ(b.window_failures(), 1);
  succeed(b, t0);  // pushes the failure out
  EXPECT_EQ(b.window_calls(), 4);
  EXPECT_EQ(b.window_failures(), 0);
  fail(b, t0);
  EXPECT_EQ(b.state(), breaker_state::closed);  // 1 of 4
  fail(b, t0);
  EXPECT_EQ(b.state(), breaker_state::open);  // 2 of 4
}

TEST(breaker_slow_rate, slow_successes_trip_when_the_rule_is_on) {
  breaker_config c = only_failure_rate(2.0, 10, 4);
  c.slow_call_threshold = ms(100);
  c.slow_call_rate_threshold = 0.75;
  circuit_breaker b(c);
  succeed(b, t0, ms(100));  // at the threshold counts as slow
  succeed(b, t0, ms(500));
  succeed(b, t0, ms(99));
  EXPECT_EQ(b.window_slow_calls(), 2);
  EXPECT_EQ(b.state(), breaker_state::closed);
  succeed(b, t0, ms(200));  // 3 of 4
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_EQ(b.counters().slow_calls, 3u);
}

TEST(breaker_slow_rate, off_by_default) {
  breaker_config c = only_failure_rate(2.0, 10, 4);
  c.slow_call_threshold = ms(100);
  ASSERT_GT(c.slow_call_rate_threshold, 1.0);
  circuit_breaker b(c);
  for (int i = 0; i < 50; ++i) {
    succeed(b, t0, seconds(10));
  }
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_EQ(b.counters().slow_calls, 50u);  // still counted for metrics
}

TEST(breaker_open, rejects_with_the_time_left) {
  breaker_config c = only_consecutive(1);
  c.open_wait = seconds(5);
  circuit_breaker b(c);
  fail(b, t0);
  ASSERT_EQ(b.state(), breaker_state::open);
  const permit p = b.try_acquire(t0 + seconds(2));
  EXPECT_FALSE(p.admitted);
  EXPECT_EQ(p.retry_after, seconds(3));
  const permit q = b.try_acquire(t0 + seconds(5) - duration(1));
  EXPECT_FALSE(q.admitted);
  EXPECT_EQ(q.retry_after, duration(1));
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_EQ(b.counters().rejected, 2u);
}

TEST(breaker_open, moves_to_half_open_when_the_wait_ends) {
  breaker_config c = only_consecutive(1);
  c.open_wait = seconds(5);
  circuit_breaker b(c);
  fail(b, t0);
  const permit p = b.try_acquire(t0 + seconds(5));
  EXPECT_EQ(b.state(), breaker_state::half_open);
  EXPECT_TRUE(p.admitted);
  EXPECT_TRUE(p.probe);
  EXPECT_EQ(b.probes_in_flight(), 1);
}

TEST(breaker_open, a_clock_that_goes_back_never_lengthens_the_wait) {
  breaker_config c = only_consecutive(1);
  c.open_wait = seconds(5);
  circuit_breaker b(c);
  fail(b, t0);
  const permit p = b.try_acquire(t0 - seconds(60));
  EXPECT_FALSE(p.admitted);
  EXPECT_EQ(p.retry_after, seconds(5));
  EXPECT_TRUE(b.try_acquire(t0 - seconds(55)).admitted);
}

TEST(breaker_half_open, admits_at_most_max_probes_at_once) {
  breaker_config c = probing(2, 5);
  circuit_breaker b(c);
  time_point now = t0;
  const permit first = trip_and_probe(b, now);
  const permit second = b.try_acquire(now);
  const permit third = b.try_acquire(now);
  EXPECT_TRUE(first.probe);
  EXPECT_TRUE(second.probe);
  EXPECT_NE(first.probe_slot, second.probe_slot);
  EXPECT_FALSE(third.admitted);
  EXPECT_EQ(third.retry_after, duration(0));
  EXPECT_EQ(b.probes_in_flight(), 2);
  b.on_success(first, now, ms(1));  // frees a slot, one success of five
  EXPECT_EQ(b.probes_in_flight(), 1);
  const permit fourth = b.try_acquire(now);
  EXPECT_TRUE(fourth.admitted);
  EXPECT_EQ(fourth.probe_slot, first.probe_slot);
  EXPECT_EQ(b.state(), breaker_state::half_open);
}

TEST(breaker_half_open, the_largest_probe_bound_uses_every_slot) {
  circuit_breaker b(probing(max_half_open_probes, 100));
  time_point now = t0;
  std::vector<permit> probes{trip_and_probe(b, now)};
  for (int i = 1; i < max_half_open_probes; ++i) {
    probes.push_back(b.try_acquire(now));
    ASSERT_TRUE(probes.back().probe);
  }
  EXPECT_EQ(b.probes_in_flight(), max_half_open_probes);
  EXPECT_FALSE(b.try_acquire(now).admitted);
  b.on_abandoned(probes[63]);
  EXPECT_EQ(b.try_acquire(now).probe_slot, 63);
}

TEST(breaker_half_open, abandoned_probe_frees_its_slot_and_records_nothing) {
  breaker_config c = probing(1, 1);
  circuit_breaker b(c);
  time_point now = t0;
  const permit p = trip_and_probe(b, now);
  EXPECT_FALSE(b.try_acquire(now).admitted);
  b.on_abandoned(p);
  EXPECT_EQ(b.probes_in_flight(), 0);
  EXPECT_EQ(b.state(), breaker_state::half_open);
  EXPECT_EQ(b.counters().abandoned, 1u);
  const permit q = b.try_acquire(now);
  ASSERT_TRUE(q.admitted);
  b.on_success(q, now, ms(1));
  EXPECT_EQ(b.state(), breaker_state::closed);
}

TEST(breaker_half_open, enough_successes_close_it_and_clear_the_window) {
  breaker_config c = only_consecutive(2);
  c.half_open_max_probes = 3;
  c.half_open_successes_to_close = 3;
  circuit_breaker b(c);
  play(b, t0, "ff");
  ASSERT_EQ(b.state(), breaker_state::open);
  const time_point later = t0 + c.open_wait;
  const permit a = b.try_acquire(later);
  const permit d = b.try_acquire(later);
  const permit e = b.try_acquire(later);
  b.on_success(a, later, ms(1));
  b.on_success(d, later, ms(1));
  EXPECT_EQ(b.state(), breaker_state::half_open);
  b.on_success(e, later, ms(1));
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_EQ(b.window_calls(), 0);
  EXPECT_EQ(b.consecutive_failures(), 0);
  EXPECT_EQ(b.probes_in_flight(), 0);
  fail(b, later);
  EXPECT_EQ(b.state(), breaker_state::closed);  // the two old failures are gone
}

TEST(breaker_half_open, successes_to_close_may_exceed_the_probe_bound) {
  breaker_config c = probing(1, 3);
  circuit_breaker b(c);
  time_point now = t0;
  permit p = trip_and_probe(b, now);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(p.admitted);
    EXPECT_EQ(b.state(), breaker_state::half_open);
    b.on_success(p, now, ms(1));
    p = b.try_acquire(now);
  }
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_FALSE(p.probe);
}

TEST(breaker_half_open, a_probe_failure_reopens_and_restarts_the_wait) {
  breaker_config c = probing(2, 3);
  circuit_breaker b(c);
  time_point now = t0;
  const permit a = trip_and_probe(b, now);
  const permit d = b.try_acquire(now);
  b.on_success(a, now, ms(1));
  now += seconds(1);
  b.on_failure(d, now, ms(1));
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_EQ(b.opened_at(), now);
  EXPECT_EQ(b.probes_in_flight(), 0);
  const permit r = b.try_acquire(now + seconds(1));
  EXPECT_FALSE(r.admitted);
  EXPECT_EQ(r.retry_after, c.open_wait - seconds(1));
}

TEST(breaker_half_open, a_slow_probe_reopens_only_when_the_slow_rule_is_on) {
  breaker_config c = only_consecutive(1);
  c.slow_call_threshold = ms(100);
  c.half_open_successes_to_close = 1;
  {
    circuit_breaker b(c);  // slow rule off: a slow success is a success
    time_point now = t0;
    const permit p = trip_and_probe(b, now);
    b.on_success(p, now, seconds(1));
    EXPECT_EQ(b.state(), breaker_state::closed);
  }
  c.slow_call_rate_threshold = 0.9;
  {
    circuit_breaker b(c);
    time_point now = t0;
    const permit p = trip_and_probe(b, now);
    b.on_success(p, now, seconds(1));
    EXPECT_EQ(b.state(), breaker_state::open);
    EXPECT_EQ(b.opened_at(), now);
  }
}

TEST(breaker_late, a_success_from_before_the_trip_does_not_close_it) {
  circuit_breaker b(only_consecutive(1));
  const permit early = b.try_acquire(t0);
  fail(b, t0);
  ASSERT_EQ(b.state(), breaker_state::open);
  b.on_success(early, t0 + ms(10), ms(10));
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_EQ(b.counters().late_outcomes, 1u);
  EXPECT_EQ(b.counters().successes, 1u);
}

TEST(breaker_late, a_closed_permit_ending_in_half_open_is_no_probe) {
  breaker_config c = probing(1, 1);
  circuit_breaker b(c);
  time_point now = t0;
  const permit early = b.try_acquire(now);
  const permit probe = trip_and_probe(b, now);
  b.on_success(early, now, ms(1));
  EXPECT_EQ(b.state(), breaker_state::half_open);  // not closed by the late success
  EXPECT_EQ(b.probes_in_flight(), 1);              // and the probe still holds its slot
  b.on_failure(early, now, ms(1));
  b.on_abandoned(early);
  EXPECT_EQ(b.state(), breaker_state::half_open);
  EXPECT_EQ(b.probes_in_flight(), 1);
  b.on_success(probe, now, ms(1));
  EXPECT_EQ(b.state(), breaker_state::closed);
}

TEST(breaker_late, a_late_failure_does_not_reopen_or_count_after_closing) {
  breaker_config c = only_consecutive(2);
  c.half_open_successes_to_close = 1;
  circuit_breaker b(c);
  const permit early = b.try_acquire(t0);
  play(b, t0, "ff");
  const time_point later = t0 + c.open_wait;
  const permit probe = b.try_acquire(later);
  b.on_success(probe, later, ms(1));
  ASSERT_EQ(b.state(), breaker_state::closed);
  b.on_failure(early, later, ms(1));
  EXPECT_EQ(b.consecutive_failures(), 0);
  EXPECT_EQ(b.window_calls(), 0);
  fail(b, later);
  EXPECT_EQ(b.state(), breaker_state::closed);  // one current failure, not two
}

TEST(breaker_late, a_probe_from_an_earlier_half_open_period_frees_no_current_slot) {
  breaker_config c = probing(1, 1);
  circuit_breaker b(c);
  time_point now = t0;
  const permit old_probe = trip_and_probe(b, now);
  // the operator forces it open and resets it while the old probe is still out
  b.force_open(now);
  b.reset(now);
  fail(b, now);
  now += c.open_wait;
  const permit new_probe = b.try_acquire(now);
  ASSERT_TRUE(new_probe.probe);
  ASSERT_EQ(old_probe.probe_slot, new_probe.probe_slot);
  b.on_abandoned(old_probe);
  EXPECT_EQ(b.probes_in_flight(), 1);
  b.on_success(old_probe, now, ms(1));
  EXPECT_EQ(b.state(), breaker_state::half_open);
  EXPECT_FALSE(b.try_acquire(now).admitted);
  b.on_success(new_probe, now, ms(1));
  EXPECT_EQ(b.state(), breaker_state::closed);
}

TEST(breaker_late, a_permit_from_before_reset_is_ignored) {
  circuit_breaker b(only_consecutive(2));
  const permit early = b.try_acquire(t0);
  fail(b, t0);
  b.reset(t0);
  b.on_failure(early, t0, ms(1));
  EXPECT_EQ(b.consecutive_failures(), 0);
  fail(b, t0);
  EXPECT_EQ(b.state(), breaker_state::closed);
}

TEST(breaker_late, a_default_permit_is_never_current) {
  circuit_breaker b(only_consecutive(1));
  permit forged;
  forged.admitted = true;
  b.on_failure(forged, t0, ms(1));
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_EQ(b.counters().late_outcomes, 1u);
}

TEST(breaker_time_window, buckets_expire_as_time_moves) {
  const breaker_config c = time_failure_rate(0.5, 3, 5);
  circuit_breaker b(c);
  fail(b, t0);
  succeed(b, t0 + ms(999));
  succeed(b, t0 + seconds(1));
  succeed(b, t0 + seconds(2));
  EXPECT_EQ(b.window_calls(), 4);
  EXPECT_EQ(b.window_failures(), 1);
  succeed(b, t0 + seconds(3));  // second t0 leaves the window
  EXPECT_EQ(b.window_calls(), 3);
  EXPECT_EQ(b.window_failures(), 0);
  fail(b, t0 + seconds(5));  // seconds 3..5 remain: the call at t0+3 and this one
  EXPECT_EQ(b.window_calls(), 2);
  EXPECT_EQ(b.window_failures(), 1);
  fail(b, t0 + seconds(5));
  fail(b, t0 + seconds(5));
  EXPECT_EQ(b.state(), breaker_state::closed);  // 3 of 4, below minimum_calls
  fail(b, t0 + seconds(5) + ms(999));
  EXPECT_EQ(b.state(), breaker_state::open);  // 4 of 5
}

TEST(breaker_time_window, a_long_silence_empties_it) {
  const breaker_config c = time_failure_rate(0.5, 10, 3);
  circuit_breaker b(c);
  fail(b, t0);
  fail(b, t0 + seconds(1));
  succeed(b, t0 + seconds(1000));
  EXPECT_EQ(b.window_calls(), 1);
  EXPECT_EQ(b.window_failures(), 0);
  fail(b, t0 + seconds(1000));
  fail(b, t0 + seconds(1001));
  EXPECT_EQ(b.state(), breaker_state::open);  // 2 of 3 in the fresh window
}

TEST(breaker_time_window, counts_every_call_of_a_second_against_minimum_calls) {
  const breaker_config c = time_failure_rate(0.5, 2, 100);
  circuit_breaker b(c);
  for (int i = 0; i < 99; ++i) {
    fail(b, t0 + ms(i));
  }
  EXPECT_EQ(b.state(), breaker_state::closed);
  fail(b, t0 + ms(500));
  EXPECT_EQ(b.state(), breaker_state::open);
}

TEST(breaker_time_window, a_clock_that_goes_back_records_into_the_newest_second) {
  const breaker_config c = time_failure_rate(0.5, 2, 100);
  circuit_breaker b(c);
  succeed(b, t0 + seconds(10));
  succeed(b, t0);
  EXPECT_EQ(b.window_calls(), 2);
  succeed(b, t0 + seconds(11));
  EXPECT_EQ(b.window_calls(), 3);
  succeed(b, t0 + seconds(12));  // second 10, with both early calls, leaves
  EXPECT_EQ(b.window_calls(), 2);
}

TEST(breaker_time_window, seconds_before_the_epoch_roll_too) {
  const breaker_config c = time_failure_rate(0.5, 2, 1);
  circuit_breaker b(c);
  const time_point before = from_unix_us(-1'500'000);
  succeed(b, before);
  succeed(b, before + seconds(1));
  EXPECT_EQ(b.window_calls(), 2);
  succeed(b, before + seconds(2));
  EXPECT_EQ(b.window_calls(), 2);
}

TEST(breaker_modes, forced_open_rejects_until_reset) {
  circuit_breaker b(breaker_config{});
  std::vector<transition> seen;
  b.set_listener([&seen](transition t, time_point) { seen.push_back(t); });
  b.force_open(t0);
  EXPECT_EQ(b.mode(), breaker_mode::forced_open);
  EXPECT_EQ(b.state(), breaker_state::open);
  const permit p = b.try_acquire(t0 + seconds(3600));  // no half-open, however long
  EXPECT_FALSE(p.admitted);
  EXPECT_EQ(p.retry_after, b.config().open_wait);
  EXPECT_EQ(b.state(), breaker_state::open);
  b.force_open(t0);  // idempotent
  b.reset(t0 + seconds(3600));
  EXPECT_EQ(b.mode(), breaker_mode::normal);
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_TRUE(b.try_acquire(t0).admitted);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].from, breaker_state::closed);
  EXPECT_EQ(seen[0].to, breaker_state::open);
  EXPECT_EQ(seen[1].from, breaker_state::open);
  EXPECT_EQ(seen[1].to, breaker_state::closed);
}

TEST(breaker_modes, disabled_admits_everything_and_never_trips) {
  circuit_breaker b(only_consecutive(1));
  fail(b, t0);
  ASSERT_EQ(b.state(), breaker_state::open);
  b.disable(t0);
  EXPECT_EQ(b.mode(), breaker_mode::disabled);
  EXPECT_EQ(b.state(), breaker_state::closed);
  for (int i = 0; i < 100; ++i) {
    fail(b, t0);
  }
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_EQ(b.window_calls(), 0);
  EXPECT_EQ(b.counters().failures, 101u);
  b.reset(t0);
  EXPECT_EQ(b.mode(), breaker_mode::normal);
  fail(b, t0);
  EXPECT_EQ(b.state(), breaker_state::open);
}

TEST(breaker_modes, forced_open_from_disabled_and_back) {
  circuit_breaker b(breaker_config{});
  b.disable(t0);
  const permit during_disabled = b.try_acquire(t0);
  b.force_open(t0);
  EXPECT_EQ(b.state(), breaker_state::open);
  b.on_success(during_disabled, t0, ms(1));
  EXPECT_EQ(b.state(), breaker_state::open);
  b.disable(t0);
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_EQ(b.counters().transitions, 2u);
}

TEST(breaker_listener, sees_every_transition_with_its_time) {
  breaker_config c = probing(3, 1);
  circuit_breaker b(c);
  std::vector<std::pair<transition, time_point>> seen;
  seen.reserve(8);
  b.set_listener([&seen](transition t, time_point at) { seen.emplace_back(t, at); });
  fail(b, t0);
  const time_point later = t0 + c.open_wait;
  const permit p = b.try_acquire(later);
  b.on_success(p, later + ms(3), ms(3));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].first.to, breaker_state::open);
  EXPECT_EQ(seen[0].second, t0);
  EXPECT_EQ(seen[1].first.from, breaker_state::open);
  EXPECT_EQ(seen[1].first.to, breaker_state::half_open);
  EXPECT_EQ(seen[1].second, later);
  EXPECT_EQ(seen[2].first.from, breaker_state::half_open);
  EXPECT_EQ(seen[2].first.to, breaker_state::closed);
  EXPECT_EQ(seen[2].second, later + ms(3));
  EXPECT_EQ(b.counters().transitions, 3u);
}

TEST(breaker_death, contract_violations_abort) {
  circuit_breaker b(only_consecutive(1));
  b.set_listener([](transition, time_point) {});
  EXPECT_DEATH(b.set_listener([](transition, time_point) {}), "set once");
  EXPECT_DEATH(b.on_success(permit{}, t0, ms(1)), "rejected permit");
  breaker_config c = probing(2, 3);
  circuit_breaker h(c);
  time_point now = t0;
  const permit p = trip_and_probe(h, now);
  h.on_abandoned(p);
  EXPECT_DEATH(h.on_success(p, now, ms(1)), "reported twice");
}

TEST(breaker_allocation, the_call_path_never_allocates) {
  for (const window_kind kind : {window_kind::count, window_kind::time}) {
    breaker_config c;
    c.window = kind;
    c.window_size = 20;
    c.minimum_calls = 10;
    c.slow_call_threshold = ms(50);
    c.slow_call_rate_threshold = 0.9;
    c.open_wait = seconds(1);
    const std::uint64_t at_start = g_allocations.load();
    circuit_breaker b(c);
    EXPECT_GT(g_allocations.load(), at_start);  // the counter works: the window is allocated
    std::uint64_t transitions_seen = 0;
    b.set_listener([&transitions_seen](transition, time_point) { ++transitions_seen; });
    time_point now = t0;
    const std::uint64_t before = g_allocations.load();
    std::uint32_t x = 12345;  // a little LCG: failures come and go in bursts
    for (int i = 0; i < 20'000; ++i) {
      x = x * 1'103'515'245u + 12'345u;
      now += ms(static_cast<std::int64_t>((x >> 16) % 50));
      const permit p = b.try_acquire(now);
      if (!p.admitted) {
        continue;
      }
      const bool bad_phase = (i / 2'000) % 2 == 1;
      const std::uint32_t roll = (x >> 8) % 100;
      if (roll < 5) {
        b.on_abandoned(p);
      } else if (roll < (bad_phase ? 80u : 10u)) {
        b.on_failure(p, now, ms(static_cast<std::int64_t>(roll)));
      } else {
        b.on_success(p, now, ms(static_cast<std::int64_t>(roll)));
      }
    }
    EXPECT_EQ(g_allocations.load() - before, 0u);
    EXPECT_GT(transitions_seen, 3u);  // the workload did move the state machine
  }
}

}  // namespace
}  // namespace qm::resilience
