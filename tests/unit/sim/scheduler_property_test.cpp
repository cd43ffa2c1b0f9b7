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

}  // namespace
}  // namespace qm::sim
