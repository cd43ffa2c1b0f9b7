#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/engine/scheduler.hpp"

namespace qm::sim {
namespace {

TEST(scheduler, runs_events_in_time_order_whatever_the_scheduling_order) {
  scheduler s;
  std::vector<int> order;
  s.at_delay(ms(30), [&] { order.push_back(30); });
  s.at_delay(ms(10), [&] { order.push_back(10); });
  s.at_delay(ms(20), [&] { order.push_back(20); });
  EXPECT_EQ(s.run_all(), 3u);
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(s.now(), scheduler::default_start() + ms(30));
}

TEST(scheduler, ties_run_in_scheduling_order) {
  scheduler s;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) {
    s.at_delay(ms(5), [&order, i] { order.push_back(i); });
  }
  s.run_all();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(order[i], i);
  }
}

TEST(scheduler, an_event_scheduled_for_now_runs_after_the_events_already_due_now) {
  scheduler s;
  std::vector<std::string> order;
  s.at_delay(ms(1), [&] {
    order.push_back("a");
    s.at_delay(duration(0), [&] { order.push_back("c"); });
  });
  s.at_delay(ms(1), [&] { order.push_back("b"); });
  s.run_all();
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(scheduler, the_past_means_now) {
  scheduler s;
  s.run_until(s.now() + seconds(1));
  const time_point t0 = s.now();
  time_point seen_a{};
  time_point seen_b{};
  s.at_delay(ms(-5), [&] { seen_a = s.now(); });
  s.at_time(t0 - seconds(10), [&] { seen_b = s.now(); });
  s.run_all();
  EXPECT_EQ(seen_a, t0);
  EXPECT_EQ(seen_b, t0);
}

TEST(scheduler, run_until_stops_at_the_deadline_and_lets_time_pass) {
  scheduler s;
  int ran = 0;
  s.at_delay(ms(10), [&] { ++ran; });
  s.at_delay(ms(20), [&] { ++ran; });
  const time_point start = s.now();
  EXPECT_EQ(s.run_until(start + ms(15)), 1u);
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(s.now(), start + ms(15));
  EXPECT_EQ(s.pending(), 1u);
  EXPECT_EQ(s.next_time(), start + ms(20));
  // An event exactly at the deadline runs.
  EXPECT_EQ(s.run_until(start + ms(20)), 1u);
  EXPECT_EQ(ran, 2);
  EXPECT_FALSE(s.next_time().has_value());
  s.run_until(start + seconds(3));
  EXPECT_EQ(s.now(), start + seconds(3));
  EXPECT_FALSE(s.step());
}

TEST(scheduler, holds_move_only_and_large_actions_and_destroys_them) {
  scheduler s;
  auto token = std::make_shared<int>(7);
  int seen = 0;
  s.at_delay(ms(1), [&seen, p = std::make_unique<int>(41)] { seen += *p + 1; });
  struct big {
    char pad[200];
  };
  static_assert(!event_action::stored_inline<big>);
  s.at_delay(ms(2), [&seen, token, b = big{}] { seen += static_cast<int>(sizeof(b.pad)) + *token; });
  // An event never run is destroyed with the scheduler (its captures released).
  {
    scheduler other;
    other.at_delay(ms(1), [token] {});
    other.at_delay(ms(1), [token, b = big{}] { (void)b; });
    EXPECT_EQ(token.use_count(), 4);
  }
  EXPECT_EQ(token.use_count(), 2);
  s.run_all();
  EXPECT_EQ(seen, 42 + 207);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(scheduler, reuses_slots_and_keeps_order_across_many_events) {
  scheduler s;
  std::uint64_t last_us = 0;
  std::uint64_t ran = 0;
  bool ordered = true;
  // A self-rescheduling chain of events with varying delays, on top of a batch.
  for (int i = 0; i < 5000; ++i) {
    s.at_delay(duration((i * 7919) % 10007), [&] {
      const auto now_us = static_cast<std::uint64_t>(to_unix_us(s.now()));
      ordered = ordered && now_us >= last_us;
      last_us = now_us;
      ++ran;
    });
  }
  s.run_all();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(ran, 5000u);
  EXPECT_EQ(s.events_run(), 5000u);
}

TEST(scheduler, orders_times_before_the_epoch_too) {
  scheduler s(from_unix_us(-5'000));
  std::vector<std::int64_t> seen;
  for (std::int64_t d : {4'000, 9'000, 1'000, 5'000}) {
    s.at_delay(duration(d), [&] { seen.push_back(to_unix_us(s.now())); });
  }
  s.run_all();
  EXPECT_EQ(seen, (std::vector<std::int64_t>{-4'000, -1'000, 0, 4'000}));
}

TEST(scheduler, an_action_that_throws_frees_its_slot) {
  scheduler s;
  auto token = std::make_shared<int>(0);
  s.at_delay(ms(1), [token] { throw std::runtime_error("bug"); });
  EXPECT_THROW(s.step(), std::runtime_error);
  EXPECT_EQ(token.use_count(), 1);
  int ran = 0;
  s.at_delay(ms(1), [&] { ++ran; });
  s.run_all();
  EXPECT_EQ(ran, 1);
}


TEST(scheduler, a_cancelled_timer_does_not_run_and_releases_its_captures) {
  scheduler s;
  auto token = std::make_shared<int>(0);
  std::vector<int> order;
  const auto far = s.at_time_cancellable(s.now() + seconds(3), [&order, token] { order.push_back(3); });
  const auto near = s.at_time_cancellable(s.now() + ms(1), [&order, token] { order.push_back(1); });
  s.at_delay(ms(2), [&order] { order.push_back(2); });
  EXPECT_EQ(s.pending(), 3u);
  EXPECT_EQ(s.next_time(), s.now() + ms(1));
  s.cancel(far);
  EXPECT_EQ(token.use_count(), 2);
  EXPECT_EQ(s.pending(), 2u);
  s.run_all();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(token.use_count(), 1);
  // Cancelling a timer that has run, or one cancelled before, changes nothing.
  s.cancel(near);
  s.cancel(far);
  EXPECT_EQ(s.pending(), 0u);
}

TEST(scheduler, parked_timers_run_in_time_then_sequence_order_with_the_other_events) {
  scheduler s;
  const time_point start = s.now();
  std::vector<int> order;
  // Same instants, alternating kinds: a timer keeps the place its sequence number gives it.
  for (int i = 0; i < 6; ++i) {
    const time_point when = start + seconds(2) + ms(i / 2);
    if (i % 2 == 0) {
      s.at_time_cancellable(when, [&order, i] { order.push_back(i); });
    } else {
      s.at_time(when, [&order, i] { order.push_back(i); });
    }
  }
  s.at_time_cancellable(start + seconds(1), [&order] { order.push_back(-1); });
  EXPECT_EQ(s.next_time(), start + seconds(1));
  EXPECT_EQ(s.run_until(start + seconds(1)), 1u);
  s.run_all();
  EXPECT_EQ(order, (std::vector<int>{-1, 0, 1, 2, 3, 4, 5}));
}

TEST(scheduler, a_timer_cancelled_once_in_the_heap_is_skipped) {
  scheduler s;
  int ran = 0;
  // Due within the next event's bucket: it leaves the park before the earlier event runs.
  const auto timer = s.at_time_cancellable(s.now() + ms(2), [&ran] { ran += 10; });
  s.at_delay(ms(1), [&] {
    ++ran;
    s.cancel(timer);
  });
  EXPECT_EQ(s.run_all(), 1u);
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(s.pending(), 0u);
}

TEST(scheduler, a_timer_may_cancel_itself_while_it_runs) {
  scheduler s;
  int ran = 0;
  auto id = std::make_shared<scheduler::timer_id>();
  *id = s.at_time_cancellable(s.now() + seconds(5), [&s, &ran, id] {
    ++ran;
    s.cancel(*id);
    ++ran;  // still alive: the cancel did not destroy the running action
  });
  s.run_all();
  EXPECT_EQ(ran, 2);
}

TEST(scheduler, a_stale_timer_id_does_not_cancel_the_event_that_took_its_slot) {
  scheduler s;
  const auto old = s.at_time_cancellable(s.now() + ms(1), [] {});
  s.run_all();
  int ran = 0;
  s.at_time_cancellable(s.now() + seconds(2), [&ran] { ++ran; });
  s.at_delay(ms(1), [&ran] { ++ran; });
  s.cancel(old);
  s.run_all();
  EXPECT_EQ(ran, 2);
}

TEST(scheduler, timers_far_apart_and_before_the_epoch_are_ordered) {
  scheduler s(from_unix_us(-200'000'000));
  std::vector<std::int64_t> seen;
  // Beyond the wheel's span, behind its base, negative buckets: all in time order.
  for (std::int64_t d : {150'000'000, 1'000'000, 90'000'000, 130'000, 199'999'999, 200'000'001, 5}) {
    s.at_time_cancellable(s.now() + duration(d), [&] { seen.push_back(to_unix_us(s.now())); });
  }
  s.run_all();
  EXPECT_EQ(seen, (std::vector<std::int64_t>{-199'999'995, -199'870'000, -199'000'000, -110'000'000,
                                             -50'000'000, -1, 1}));
}

}  // namespace
}  // namespace qm::sim
