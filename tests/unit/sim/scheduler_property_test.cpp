// Property: whatever events are scheduled, from outside or from inside other events, they run
// in (time, sequence) order, and every one of them runs exactly once.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "sim/engine/scheduler.hpp"

namespace qm::sim {
namespace {

struct planned {
  std::int64_t delay_us;       // from the moment it is scheduled
  std::vector<std::int64_t> children;  // scheduled by this event when it runs
};

struct ran {
  std::int64_t when_us;
  std::uint64_t seq;
};

RC_GTEST_PROP(scheduler_property, events_run_in_time_then_sequence_order, ()) {
  // Small delays on purpose: many ties.
  const auto delay = rc::gen::inRange<std::int64_t>(-2, 50);
  const auto plans = *rc::gen::container<std::vector<planned>>(rc::gen::build<planned>(
      rc::gen::set(&planned::delay_us, delay),
      rc::gen::set(&planned::children,
                   rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, 4), [delay](std::size_t n) {
                     return rc::gen::container<std::vector<std::int64_t>>(n, delay);
                   }))));
  scheduler s;
  std::vector<ran> order;
  std::uint64_t expected = 0;
  for (const auto& p : plans) {
    expected += 1 + p.children.size();
    std::uint64_t* seq_slot = new std::uint64_t(0);
    *seq_slot = s.at_delay(duration(p.delay_us), [&s, &order, &p, seq_slot] {
      order.push_back({to_unix_us(s.now()), *seq_slot});
      delete seq_slot;
      for (std::int64_t child : p.children) {
        auto* child_seq = new std::uint64_t(0);
        *child_seq = s.at_delay(duration(child), [&s, &order, child_seq] {
          order.push_back({to_unix_us(s.now()), *child_seq});
          delete child_seq;
        });
      }
    });
  }
  RC_ASSERT(s.run_all() == expected);
  RC_ASSERT(order.size() == expected);
  for (std::size_t i = 1; i < order.size(); ++i) {
    const bool in_order = order[i - 1].when_us < order[i].when_us ||
                          (order[i - 1].when_us == order[i].when_us && order[i - 1].seq < order[i].seq);
    RC_ASSERT(in_order);
  }
}

RC_GTEST_PROP(scheduler_property, run_until_never_runs_an_event_past_its_deadline, ()) {
  const auto delays = *rc::gen::container<std::vector<std::int64_t>>(rc::gen::inRange<std::int64_t>(0, 1000));
  const auto cut = *rc::gen::inRange<std::int64_t>(0, 1000);
  scheduler s;
  const std::int64_t t0 = to_unix_us(s.now());
  std::vector<std::int64_t> seen;
  for (auto d : delays) {
    s.at_delay(duration(d), [&] { seen.push_back(to_unix_us(s.now()) - t0); });
  }
  s.run_until(s.now() + duration(cut));
  std::size_t due = 0;
  for (auto d : delays) {
    due += d <= cut ? 1 : 0;
  }
  RC_ASSERT(seen.size() == due);
  for (auto t : seen) {
    RC_ASSERT(t <= cut);
  }
  RC_ASSERT(to_unix_us(s.now()) - t0 == cut);
}

// Property: cancellable timers, parked or not, cancelled or not, run in (time, sequence) order
// with the other events, and a cancelled one never runs.
RC_GTEST_PROP(scheduler_property, timers_keep_their_order_and_cancelled_ones_never_run, ()) {
  struct timer_plan {
    bool cancellable;
    std::int64_t delay_us;  // up to 90 s: inside the park's span and beyond it
    std::int64_t cancel_after_us;  // when to cancel it; beyond the delay: never
  };
  const auto plans = *rc::gen::container<std::vector<timer_plan>>(rc::gen::build<timer_plan>(
      rc::gen::set(&timer_plan::cancellable, rc::gen::arbitrary<bool>()),
      rc::gen::set(&timer_plan::delay_us,
                   rc::gen::oneOf(rc::gen::inRange<std::int64_t>(0, 200'000),
                                  rc::gen::inRange<std::int64_t>(0, 90'000'000))),
      rc::gen::set(&timer_plan::cancel_after_us, rc::gen::inRange<std::int64_t>(0, 100'000'000))));
  scheduler s;
  std::vector<ran> order;
  std::vector<bool> fired(plans.size(), false);
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const timer_plan& p = plans[i];
    const time_point when = s.now() + duration(p.delay_us);
    const auto record = [&s, &order, &fired, i, seq] {
      order.push_back({to_unix_us(s.now()), seq});
      fired[i] = true;
    };
    ++seq;  // every event takes the next sequence number
    if (!p.cancellable) {
      s.at_time(when, record);
      continue;
    }
    const scheduler::timer_id id = s.at_time_cancellable(when, record);
    ++seq;
    s.at_delay(duration(p.cancel_after_us), [&s, id] { s.cancel(id); });
  }
  s.run_all();
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const timer_plan& p = plans[i];
    // At equal times the cancel, scheduled after its timer, comes second.
    const bool cancelled = p.cancellable && p.cancel_after_us < p.delay_us;
    RC_ASSERT(fired[i] == !cancelled);
  }
  for (std::size_t k = 1; k < order.size(); ++k) {
    const bool in_order = order[k - 1].when_us < order[k].when_us ||
                          (order[k - 1].when_us == order[k].when_us && order[k - 1].seq < order[k].seq);
    RC_ASSERT(in_order);
  }
  RC_ASSERT(s.pending() == 0u);
}

}  // namespace
}  // namespace qm::sim
