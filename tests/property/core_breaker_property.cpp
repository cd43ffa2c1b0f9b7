// Property: the circuit breaker agrees with a plain reference model, written here from the
// rules in circuit_breaker.hpp, on every state, admission, probe flag, retry_after and window
// count, for arbitrary sequences of (advance time, acquire, succeed/fail/abandon a permit
// still out, reset). Invariants checked on the way: probes in flight never exceed the bound,
// and an open breaker admits nothing until its wait has ended.
//
// The model keeps its window as a plain list (every outcome with its second, filtered when
// judged) rather than a ring, and counts probes instead of holding slots, so the two share
// the rules but not the data structures.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <tuple>
#include <vector>

#include "core/resilience/circuit_breaker.hpp"

namespace qm::resilience {
namespace {

struct model_outcome {
  std::int64_t second = 0;
  bool failure = false;
  bool slow = false;
};

struct model_permit {
  bool admitted = false;
  bool probe = false;
  duration retry_after{0};
  std::uint64_t epoch = 0;
};

class reference_model {
 public:
  explicit reference_model(const breaker_config& c) : c_(c) {}

  model_permit acquire(time_point now) {
    model_permit p;
    if (state_ == breaker_state::open) {
      if (now - opened_at_ < c_.open_wait) {
        p.retry_after = c_.open_wait - (now - opened_at_);
        return p;
      }
      move_to(breaker_state::half_open, now);
    }
    p.epoch = epoch_;
    if (state_ == breaker_state::closed) {
      p.admitted = true;
    } else if (probes_ < c_.half_open_max_probes) {
      ++probes_;
      p.admitted = true;
      p.probe = true;
    }
    return p;
  }

  void outcome(const model_permit& p, bool failure, duration elapsed, time_point now) {
    if (p.epoch != epoch_) {
      return;
    }
    const bool slow = elapsed >= c_.slow_call_threshold;
    if (state_ == breaker_state::half_open) {
      --probes_;
      if (failure || (slow && c_.slow_call_rate_threshold <= 1.0)) {
        move_to(breaker_state::open, now);
      } else if (++half_open_successes_ == c_.half_open_successes_to_close) {
        move_to(breaker_state::closed, now);
      }
      return;
    }
    consecutive_ = failure ? consecutive_ + 1 : 0;
    const std::int64_t second = std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
    newest_second_ = outcomes_.empty() ? second : std::max(newest_second_, second);
    outcomes_.push_back(model_outcome{newest_second_, failure, slow});
    if (tripped()) {
      move_to(breaker_state::open, now);
    }
  }

  void abandon(const model_permit& p) {
    if (p.epoch == epoch_ && p.probe) {
      --probes_;
    }
  }

  void reset(time_point now) { move_to(breaker_state::closed, now); }

  // The outcomes the window holds now: calls, failures, slow calls.
  std::tuple<std::int64_t, std::int64_t, std::int64_t> window() const {
    std::int64_t calls = 0;
    std::int64_t failures = 0;
    std::int64_t slow = 0;
    const std::size_t keep = static_cast<std::size_t>(c_.window_size);
    const std::size_t first = c_.window == window_kind::count && outcomes_.size() > keep
                                  ? outcomes_.size() - keep
                                  : 0;
    for (std::size_t i = first; i < outcomes_.size(); ++i) {
      const model_outcome& o = outcomes_[i];
      if (c_.window == window_kind::time && o.second <= newest_second_ - c_.window_size) {
        continue;
      }
      ++calls;
      failures += o.failure ? 1 : 0;
      slow += o.slow ? 1 : 0;
    }
    return {calls, failures, slow};
  }

  breaker_state state() const { return state_; }
  std::int32_t probes() const { return probes_; }
  time_point opened_at() const { return opened_at_; }

 private:
  bool tripped() const {
    if (c_.consecutive_failure_threshold > 0 && consecutive_ >= c_.consecutive_failure_threshold) {
      return true;
    }
    const auto [calls, failures, slow] = window();
    if (calls < c_.minimum_calls) {
      return false;
    }
    const double n = static_cast<double>(calls);
    const bool by_failures = c_.failure_rate_threshold <= 1.0 &&
                             static_cast<double>(failures) / n >= c_.failure_rate_threshold;
    const bool by_slow = c_.slow_call_rate_threshold <= 1.0 &&
                         static_cast<double>(slow) / n >= c_.slow_call_rate_threshold;
    return by_failures || by_slow;
  }

  void move_to(breaker_state to, time_point now) {
    state_ = to;
    ++epoch_;
    probes_ = 0;
    half_open_successes_ = 0;
    if (to == breaker_state::open) {
      opened_at_ = now;
    }
    if (to == breaker_state::closed) {
      outcomes_.clear();
      consecutive_ = 0;
    }
  }

  breaker_config c_;
  breaker_state state_ = breaker_state::closed;
  std::uint64_t epoch_ = 1;
  time_point opened_at_{};
  std::int32_t consecutive_ = 0;
  std::int32_t probes_ = 0;
  std::int32_t half_open_successes_ = 0;
  std::deque<model_outcome> outcomes_;
  std::int64_t newest_second_ = 0;
};

// inRange scales with RapidCheck's size, which starts near 0; the generators here are pinned
// to the full size so that early runs already cover every operation and every config.
constexpr int full_size = 100;

rc::Gen<breaker_config> small_configs() {
  return rc::gen::resize(full_size, rc::gen::exec([] {
    breaker_config c;
    c.consecutive_failure_threshold = *rc::gen::inRange(0, 5);
    c.window = *rc::gen::element(window_kind::count, window_kind::time);
    c.window_size = *rc::gen::inRange(1, 7);
    c.minimum_calls = *rc::gen::inRange(1, c.window_size + 1);
    // Decimal thresholds, as an operator writes them; the model judges rates by division,
    // the breaker in parts per million, and the two must agree.
    c.failure_rate_threshold = *rc::gen::element(0.1, 0.25, 0.3, 0.5, 0.6, 0.75, 1.0, 1.5);
    c.slow_call_threshold = ms(*rc::gen::inRange(100, 2'000));
    c.slow_call_rate_threshold = *rc::gen::element(0.2, 0.3, 0.5, 0.7, 1.0, 1.01);
    c.open_wait = ms(*rc::gen::inRange(1, 4'000));
    c.half_open_max_probes = *rc::gen::inRange(1, 4);
    c.half_open_successes_to_close = *rc::gen::inRange(1, 5);
    return c;
  }));
}

struct outstanding {
  permit real;
  model_permit model;
};

RC_GTEST_PROP(breaker_property, agrees_with_the_reference_model, ()) {
  const breaker_config config = *small_configs();
  RC_ASSERT(!validate(config).has_value());
  // (what, a, b): what picks the operation, a and b are its arguments.
  const auto length = *rc::gen::resize(full_size, rc::gen::inRange(1, 400));
  const auto ops = *rc::gen::container<std::vector<std::tuple<int, int, int>>>(
      static_cast<std::size_t>(length),
      rc::gen::resize(full_size, rc::gen::tuple(rc::gen::inRange(0, 100),
                                                rc::gen::inRange(0, 1 << 20),
                                                rc::gen::inRange(0, 1 << 20))));

  circuit_breaker breaker(config);
  reference_model model(config);
  std::vector<outstanding> out;
  time_point now =
      from_unix_us(1'700'000'000'000'000 + *rc::gen::resize(full_size, rc::gen::inRange(0, 1'000'000)));
  std::uint64_t acquires = 0;

  for (const auto& [what, a, b] : ops) {
    if (what < 25) {
      // Advance time by microseconds, a part of a second, up to a few seconds, or to the very
      // microsecond the open wait ends (when it is still ahead).
      if (b % 4 == 3) {
        now = std::max(now, breaker.opened_at() + config.open_wait);
      } else {
        const std::int64_t scale = b % 4 == 0 ? 1'000 : (b % 4 == 1 ? 1'000'000 : 5'000'000);
        now += duration(a % scale);
      }
    } else if (what < 60) {
      const bool was_open = breaker.state() == breaker_state::open;
      const bool wait_over = now - breaker.opened_at() >= config.open_wait;
      const permit p = breaker.try_acquire(now);
      const model_permit m = model.acquire(now);
      ++acquires;
      RC_ASSERT(p.admitted == m.admitted);
      RC_ASSERT(p.probe == m.probe);
      RC_ASSERT(p.retry_after == m.retry_after);
      if (was_open && !wait_over) {
        RC_ASSERT(!p.admitted);
        RC_ASSERT(p.retry_after > duration(0));
        RC_ASSERT(p.retry_after <= config.open_wait);
      }
      if (p.admitted) {
        out.push_back(outstanding{p, m});
      }
    } else if (what < 98) {
      if (out.empty()) {
        continue;
      }
      const std::size_t i = static_cast<std::size_t>(a) % out.size();
      const outstanding o = out[i];
      out[i] = out.back();
      out.pop_back();
      // Elapsed anywhere in 0..3 s, so slow calls come as often as fast ones.
      const duration elapsed = duration(b % 3'000'000);
      const int kind = (a / 7) % 10;
      if (kind < 4) {
        breaker.on_success(o.real, now, elapsed);
        model.outcome(o.model, false, elapsed, now);
      } else if (kind < 8) {
        breaker.on_failure(o.real, now, elapsed);
        model.outcome(o.model, true, elapsed, now);
      } else {
        breaker.on_abandoned(o.real);
        model.abandon(o.model);
      }
    } else {
      breaker.reset(now);
      model.reset(now);
    }

    RC_ASSERT(breaker.state() == model.state());
    RC_ASSERT(breaker.probes_in_flight() == model.probes());
    RC_ASSERT(breaker.probes_in_flight() <= config.half_open_max_probes);
    if (breaker.state() != breaker_state::half_open) {
      RC_ASSERT(breaker.probes_in_flight() == 0);
    }
    if (breaker.state() == breaker_state::open) {
      RC_ASSERT(breaker.opened_at() == model.opened_at());
    }
    if (breaker.state() == breaker_state::closed) {
      const auto [calls, failures, slow] = model.window();
      RC_ASSERT(breaker.window_calls() == calls);
      RC_ASSERT(breaker.window_failures() == failures);
      RC_ASSERT(breaker.window_slow_calls() == slow);
    }
    RC_ASSERT(breaker.counters().admitted + breaker.counters().rejected == acquires);
  }
  // Shows in the output how far the runs went, so a generator that stops reaching half-open
  // is noticed.
  RC_CLASSIFY(breaker.counters().transitions >= 3, "three or more transitions");
  RC_CLASSIFY(breaker.counters().late_outcomes > 0, "late outcomes");
}

}  // namespace
}  // namespace qm::resilience
