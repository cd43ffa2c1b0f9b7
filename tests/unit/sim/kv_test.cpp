#include <gtest/gtest.h>

#include <optional>

#include "core/ratelimit/memory_limiter.hpp"
#include "core/task/task_scope.hpp"
#include "sim/engine/sim_kv.hpp"

namespace qm::sim {
namespace {

// Drives one kv coroutine to its end and returns its value.
template <typename T>
struct runner {
  std::optional<T> value;
};

template <typename T>
task<void> drive(task<T> t, runner<T>* out) {
  out->value.emplace(co_await std::move(t));
}

struct kv_fixture : ::testing::Test {
  template <typename T>
  T run(task<T> t) {
    runner<T> r;
    scope.spawn(drive(std::move(t), &r));
    sched.run_all();
    EXPECT_TRUE(r.value.has_value());
    return std::move(*r.value);
  }
  // Runs t and returns the virtual time it took.
  template <typename T>
  duration timed(task<T> t) {
    runner<T> r;
    const time_point t0 = sched.now();
    time_point finished{};
    scope.spawn([](task<T> inner, runner<T>* out, scheduler* s, time_point* at) -> task<void> {
      out->value.emplace(co_await std::move(inner));
      *at = s->now();
    }(std::move(t), &r, &sched, &finished));
    sched.run_all();
    return finished - t0;
  }
  scheduler sched;
  trace events;
  sim_kv kv{sched, events, kv_options{"redis", 3, duration(0), ms(500)}};
  task_scope scope;
};

TEST_F(kv_fixture, set_then_get_and_del) {
  EXPECT_TRUE(run(kv.set("a", "1", seconds(10))).ok());
  auto got = run(kv.get("a"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value(), std::optional<std::string>("1"));
  EXPECT_TRUE(run(kv.del("a")).ok());
  EXPECT_EQ(run(kv.get("a")).value(), std::nullopt);
}

TEST_F(kv_fixture, keys_expire_on_virtual_time) {
  EXPECT_TRUE(run(kv.set("a", "x", seconds(5))).ok());
  sched.run_until(sched.now() + ms(4'999));
  EXPECT_EQ(run(kv.get("a")).value(), std::optional<std::string>("x"));
  sched.run_until(sched.now() + ms(1));
  EXPECT_EQ(run(kv.get("a")).value(), std::nullopt);
  EXPECT_EQ(kv.size(), 0u);
  EXPECT_EQ(kv.stats().expired, 1u);
}

TEST_F(kv_fixture, incr_counts_and_keeps_the_first_expiry) {
  EXPECT_EQ(run(kv.incr("c", 1, seconds(1))).value(), 1);
  sched.run_until(sched.now() + ms(600));
  EXPECT_EQ(run(kv.incr("c", 2, seconds(1))).value(), 3);
  sched.run_until(sched.now() + ms(400));
  // The window set by the first incr is over: a fresh count.
  EXPECT_EQ(run(kv.incr("c", 5, seconds(1))).value(), 5);
  EXPECT_TRUE(run(kv.set("s", "text", seconds(1))).ok());
  EXPECT_FALSE(run(kv.incr("s", 1, seconds(1))).ok());
}

TEST_F(kv_fixture, the_number_of_keys_is_bounded) {
  EXPECT_TRUE(run(kv.set("a", "1", seconds(10))).ok());
  EXPECT_TRUE(run(kv.set("b", "1", seconds(10))).ok());
  EXPECT_TRUE(run(kv.set("c", "1", seconds(1))).ok());
  auto refused = run(kv.set("d", "1", seconds(10)));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, rt::kv_errc::unavailable);
  EXPECT_FALSE(run(kv.incr("e", 1, seconds(10))).ok());
  // Overwriting an existing key is fine, and an expired key frees its place.
  EXPECT_TRUE(run(kv.set("a", "2", seconds(10))).ok());
  sched.run_until(sched.now() + seconds(1));
  EXPECT_TRUE(run(kv.set("d", "1", seconds(10))).ok());
  EXPECT_EQ(kv.stats().refused_full, 2u);
}

TEST_F(kv_fixture, unavailable_fails_fast_and_latency_slows_calls) {
  kv.set_faults(kv_faults{true, duration(0)});
  auto r = run(kv.get("a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rt::kv_errc::unavailable);
  kv.set_faults(kv_faults{false, ms(30)});
  EXPECT_EQ(timed(kv.get("a")), ms(30));
  kv.set_faults(kv_faults{false, seconds(2)});
  EXPECT_EQ(timed(kv.get("a")), ms(500));
  auto slow = run(kv.get("a"));
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, rt::kv_errc::timeout);
  kv.set_faults(kv_faults{});
  EXPECT_EQ(timed(kv.get("a")), duration(0));
}

ratelimit::window_hit hit_at(std::string key, std::int64_t limit, duration window, time_point now) {
  return ratelimit::window_hit{std::move(key), limit, window, now};
}

TEST_F(kv_fixture, admit_decides_like_the_memory_limiter_and_expires_the_log) {
  ratelimit::memory_limiter reference;
  for (int i = 0; i < 60; ++i) {
    // Three keys with their own limits; a request every 100 ms, each key every 300 ms.
    const std::string key = "rl:" + std::to_string(i % 3);
    const std::int64_t limit = 1 + i % 3;
    const ratelimit::window_hit hit = hit_at(key, limit, seconds(1), sched.now());
    auto got = run(kv.admit(hit));
    ASSERT_TRUE(got.ok());
    const ratelimit::verdict want = reference.admit(hit);
    EXPECT_EQ(got.value().allowed, want.allowed) << i;
    EXPECT_EQ(got.value().limit, want.limit) << i;
    EXPECT_EQ(got.value().remaining, want.remaining) << i;
    EXPECT_EQ(got.value().reset_after, want.reset_after) << i;
    sched.run_until(sched.now() + ms(100));
  }
  EXPECT_EQ(kv.stats().admitted, reference.stats().admitted);
  EXPECT_EQ(kv.stats().refused, reference.stats().refused);
  EXPECT_GT(kv.stats().refused, 0u);
  // A log lives until its newest admitted entry leaves the window: rl:0 (1 per second) last
  // admitted at 4.8 s is gone at 6 s, the other two are not.
  EXPECT_EQ(kv.size(), 2u);
  sched.run_until(sched.now() + seconds(1));
  EXPECT_EQ(kv.size(), 0u);
}

TEST_F(kv_fixture, admit_expires_a_log_one_window_after_its_newest_entry) {
  EXPECT_TRUE(run(kv.admit(hit_at("rl:a", 2, seconds(1), sched.now()))).value().allowed);
  sched.run_until(sched.now() + ms(300));
  EXPECT_TRUE(run(kv.admit(hit_at("rl:a", 2, seconds(1), sched.now()))).value().allowed);
  sched.run_until(sched.now() + ms(999));
  EXPECT_EQ(kv.size(), 1u);
  sched.run_until(sched.now() + ms(1));
  EXPECT_EQ(kv.size(), 0u);
}

TEST_F(kv_fixture, a_shorter_window_brings_a_logs_expiry_forward) {
  EXPECT_TRUE(run(kv.admit(hit_at("rl:a", 5, seconds(10), sched.now()))).value().allowed);
  sched.run_until(sched.now() + ms(1));
  EXPECT_EQ(kv.size(), 1u);  // the log is now filed to expire 10 s after its entry
  EXPECT_TRUE(run(kv.admit(hit_at("rl:a", 5, seconds(1), sched.now()))).value().allowed);
  sched.run_until(sched.now() + ms(999));
  EXPECT_EQ(kv.size(), 1u);
  sched.run_until(sched.now() + ms(1));
  EXPECT_EQ(kv.size(), 0u);
  EXPECT_EQ(kv.stats().expired, 1u);
}

TEST_F(kv_fixture, admit_honours_faults_and_the_key_bound) {
  kv.set_faults(kv_faults{true, duration(0)});
  auto down = run(kv.admit(hit_at("rl:a", 5, seconds(1), sched.now())));
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, rt::kv_errc::unavailable);
  kv.set_faults(kv_faults{false, seconds(2)});
  EXPECT_EQ(timed(kv.admit(hit_at("rl:a", 5, seconds(1), sched.now()))), ms(500));
  auto slow = run(kv.admit(hit_at("rl:a", 5, seconds(1), sched.now())));
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, rt::kv_errc::timeout);
  kv.set_faults(kv_faults{});
  // Failed calls recorded nothing.
  EXPECT_EQ(kv.size(), 0u);
  EXPECT_EQ(kv.stats().admitted, 0u);
  // Logs count toward the bound of 3 keys.
  EXPECT_TRUE(run(kv.set("s", "1", seconds(10))).ok());
  EXPECT_TRUE(run(kv.admit(hit_at("rl:a", 5, seconds(10), sched.now()))).ok());
  EXPECT_TRUE(run(kv.admit(hit_at("rl:b", 5, seconds(10), sched.now()))).ok());
  EXPECT_FALSE(run(kv.admit(hit_at("rl:c", 5, seconds(10), sched.now()))).ok());
  EXPECT_TRUE(run(kv.admit(hit_at("rl:a", 5, seconds(10), sched.now()))).ok());
  EXPECT_EQ(kv.stats().refused_full, 1u);
}

TEST_F(kv_fixture, a_key_holds_either_a_value_or_a_log) {
  EXPECT_TRUE(run(kv.set("s", "1", seconds(10))).ok());
  EXPECT_FALSE(run(kv.admit(hit_at("s", 5, seconds(1), sched.now()))).ok());
  EXPECT_TRUE(run(kv.admit(hit_at("rl:a", 5, seconds(10), sched.now()))).ok());
  EXPECT_FALSE(run(kv.get("rl:a")).ok());
  EXPECT_FALSE(run(kv.incr("rl:a", 1, seconds(1))).ok());
  EXPECT_TRUE(run(kv.del("rl:a")).ok());
  EXPECT_EQ(run(kv.admit(hit_at("rl:a", 5, seconds(10), sched.now()))).value().remaining, 4);
  // SET replaces a log, as in Redis.
  EXPECT_TRUE(run(kv.set("rl:a", "x", seconds(10))).ok());
  EXPECT_EQ(run(kv.get("rl:a")).value(), std::optional<std::string>("x"));
}

}  // namespace
}  // namespace qm::sim
