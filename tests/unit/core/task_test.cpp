// task<T>: values, void, exceptions, laziness, ownership of frames, and long await chains
// that must not grow the stack (symmetric transfer).

#include "core/task/task.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "core/task/completion.hpp"
#include "tests/unit/core/task_test_support.hpp"

namespace qm {
namespace {

using test::counted;
using test::driver;
using test::lifetime_counter;
using test::run_now;

task<int> forty_two() { co_return 42; }

task<int> add(int a, int b) { co_return a + b; }

task<std::string> greet(std::string name) {
  const int n = co_await add(1, 2);
  co_return "hello " + name + " " + std::to_string(n);
}

TEST(task, returns_a_value) { EXPECT_EQ(run_now(forty_two()), 42); }

TEST(task, awaits_other_tasks) { EXPECT_EQ(run_now(greet("ana")), "hello ana 3"); }

task<std::unique_ptr<int>> move_only() { co_return std::make_unique<int>(7); }

TEST(task, carries_move_only_values) {
  auto p = run_now(move_only());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

task<void> set_flag(bool* flag) {
  *flag = true;
  co_return;
}

TEST(task, void_task_runs_its_body) {
  bool flag = false;
  run_now(set_flag(&flag));
  EXPECT_TRUE(flag);
}

TEST(task, is_lazy_until_awaited) {
  bool flag = false;
  task<void> t = set_flag(&flag);
  EXPECT_TRUE(t.valid());
  EXPECT_FALSE(t.done());
  EXPECT_FALSE(flag);
  run_now(std::move(t));
  EXPECT_TRUE(flag);
}

TEST(task, moved_from_task_is_empty) {
  task<int> a = forty_two();
  task<int> b = std::move(a);
  EXPECT_FALSE(a.valid());  // NOLINT: inspecting the moved-from state is the point
  EXPECT_TRUE(b.valid());
  EXPECT_EQ(run_now(std::move(b)), 42);
}

task<int> throws_runtime_error() {
  throw std::runtime_error("boom");
  co_return 0;
}

task<int> passes_through() {
  const int v = co_await throws_runtime_error();
  co_return v + 1;
}

task<std::string> catches() {
  try {
    co_await passes_through();
  } catch (const std::runtime_error& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "not caught";
}

TEST(task, exception_propagates_to_the_awaiter) {
  EXPECT_THROW(run_now(passes_through()), std::runtime_error);
  EXPECT_EQ(run_now(catches()), "caught boom");
}

task<void> void_throws() {
  throw std::logic_error("void boom");
  co_return;
}

TEST(task, exception_propagates_from_void_task) {
  EXPECT_THROW(run_now(void_throws()), std::logic_error);
}

task<int> holds(counted c, int v) {
  (void)c;
  co_return v;
}

TEST(task, destroying_an_unstarted_task_frees_its_frame) {
  lifetime_counter lc;
  {
    task<int> t = holds(counted(lc), 1);
    EXPECT_GE(lc.live(), 1);  // the parameter copy lives in the frame
  }
  EXPECT_EQ(lc.live(), 0);
}

task<int> waits(completion<int> c, counted guard) {
  (void)guard;
  co_return co_await c;
}

task<int> waits_deeper(completion<int> c, lifetime_counter* lc) {
  counted local(*lc);
  const int v = co_await waits(c, counted(*lc));
  co_return v * 2;
}

TEST(task, suspended_chain_resumes_when_the_event_arrives) {
  lifetime_counter lc;
  completion<int> c;
  driver<int> d(waits_deeper(c, &lc));
  EXPECT_FALSE(d.done());
  EXPECT_TRUE(c.has_waiter());
  EXPECT_TRUE(c.fulfil(21));
  ASSERT_TRUE(d.done());
  EXPECT_EQ(d.result(), 42);
  EXPECT_EQ(lc.live(), 0);
}

TEST(task, destroying_a_suspended_chain_frees_every_frame_and_unregisters_the_wait) {
  lifetime_counter lc;
  completion<int> c;
  {
    driver<int> d(waits_deeper(c, &lc));
    EXPECT_FALSE(d.done());
    EXPECT_GE(lc.live(), 2);
    EXPECT_TRUE(c.has_waiter());
  }
  EXPECT_EQ(lc.live(), 0);
  EXPECT_FALSE(c.has_waiter());
  // The late event finds nobody to resume: delivered into the void, no use-after-free.
  EXPECT_TRUE(c.fulfil(1));
}

// Symmetric transfer bounds the stack only where the compiler turns the transfer into a tail
// call. GCC does so when optimizing (-O2, the default preset), but not at -O0/-Og nor under
// AddressSanitizer, whose stack instrumentation blocks the sibling call: there, every
// transfer is a nested call until the chain next suspends. The huge chains below therefore
// run only in builds where the guarantee holds; the smaller ones check the same behaviour
// everywhere. (docs/architecture.md, "The task type".)
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__)
constexpr bool transfer_is_a_tail_call = true;
#else
constexpr bool transfer_is_a_tail_call = false;
#endif

task<int> one() { co_return 1; }

// Each co_await of a task that completes at once transfers control twice (into the child and
// back). Were every transfer a nested call, a million of them would overflow any stack.
task<long> many_sequential_awaits(long n) {
  long sum = 0;
  for (long i = 0; i < n; ++i) {
    sum += co_await one();
  }
  co_return sum;
}

TEST(task, many_sequential_awaits_complete) {
  constexpr long n = 10'000;
  EXPECT_EQ(run_now(many_sequential_awaits(n)), n);
}

TEST(task, a_million_sequential_awaits_do_not_grow_the_stack) {
  if (!transfer_is_a_tail_call) {
    GTEST_SKIP() << "this build does not turn symmetric transfer into tail calls "
                    "(unoptimised or AddressSanitizer)";
  }
  constexpr long n = 1'000'000;
  EXPECT_EQ(run_now(many_sequential_awaits(n)), n);
}

task<long> nested(long depth) {
  if (depth == 0) {
    co_return 0;
  }
  co_return 1 + co_await nested(depth - 1);
}

TEST(task, nested_awaits_return_through_every_level) {
  EXPECT_EQ(run_now(nested(1'000)), 1'000);
}

// A chain of live frames 100,000 deep: starting it descends by symmetric transfer and
// finishing it climbs back the same way, so neither direction recurses on the stack.
TEST(task, deeply_nested_awaits_do_not_grow_the_stack) {
  if (!transfer_is_a_tail_call) {
    GTEST_SKIP() << "this build does not turn symmetric transfer into tail calls "
                    "(unoptimised or AddressSanitizer)";
  }
  constexpr long depth = 100'000;
  EXPECT_EQ(run_now(nested(depth)), depth);
}

// A deep chain, suspended at its bottom on an outside event and finished by it.
task<long> nested_waiting(long depth, completion<long> c) {
  if (depth == 0) {
    co_return co_await c;
  }
  co_return 1 + co_await nested_waiting(depth - 1, c);
}

TEST(task, deep_chain_resumed_by_an_event_unwinds_to_the_top) {
  const long depth = transfer_is_a_tail_call ? 100'000 : 1'000;
  completion<long> c;
  driver<long> d(nested_waiting(depth, c));
  EXPECT_FALSE(d.done());
  EXPECT_TRUE(c.has_waiter());
  EXPECT_TRUE(c.fulfil(5));
  ASSERT_TRUE(d.done());
  EXPECT_EQ(d.result(), depth + 5);
}

}  // namespace
}  // namespace qm
