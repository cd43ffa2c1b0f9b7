// task_scope: owner of detached root tasks. Cancellation is ownership: cancelling destroys
// every suspended root frame and, through it, every frame that root was awaiting.

#include "core/task/task_scope.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/task/completion.hpp"
#include "tests/unit/core/task_test_support.hpp"

namespace qm {
namespace {

using test::counted;
using test::lifetime_counter;

task<void> record(std::vector<int>* log, int v) {
  log->push_back(v);
  co_return;
}

TEST(task_scope, a_task_that_never_suspends_finishes_inside_spawn) {
  task_scope scope;
  std::vector<int> log;
  EXPECT_TRUE(scope.spawn(record(&log, 1)));
  EXPECT_EQ(log, std::vector<int>{1});
  EXPECT_EQ(scope.live(), 0u);
  EXPECT_EQ(scope.spawned_total(), 1u);
}

task<void> wait_then_record(completion<int> c, std::vector<int>* log) {
  log->push_back(0);  // runs before spawn returns
  log->push_back(co_await c);
}

TEST(task_scope, counts_live_roots_until_they_finish) {
  task_scope scope;
  std::vector<int> log;
  completion<int> a;
  completion<int> b;
  ASSERT_TRUE(scope.spawn(wait_then_record(a, &log)));
  ASSERT_TRUE(scope.spawn(wait_then_record(b, &log)));
  EXPECT_EQ(log, (std::vector<int>{0, 0}));
  EXPECT_EQ(scope.live(), 2u);
  b.fulfil(2);
  EXPECT_EQ(scope.live(), 1u);
  a.fulfil(1);
  EXPECT_EQ(scope.live(), 0u);
  EXPECT_EQ(log, (std::vector<int>{0, 0, 2, 1}));
  EXPECT_EQ(scope.spawned_total(), 2u);
}

task<int> leaf(completion<int> c, counted guard) {
  (void)guard;
  co_return co_await c;
}

task<int> middle(completion<int> c, lifetime_counter* lc) {
  counted local(*lc);
  co_return co_await leaf(c, counted(*lc)) + 1;
}

task<void> root_task(completion<int> c, lifetime_counter* lc, bool* finished) {
  counted local(*lc);
  co_await middle(c, lc);
  *finished = true;
}

TEST(task_scope, cancel_all_destroys_suspended_frames_and_their_children) {
  lifetime_counter lc;
  completion<int> c1;
  completion<int> c2;
  bool finished1 = false;
  bool finished2 = false;
  task_scope scope;
  ASSERT_TRUE(scope.spawn(root_task(c1, &lc, &finished1)));
  ASSERT_TRUE(scope.spawn(root_task(c2, &lc, &finished2)));
  EXPECT_EQ(scope.live(), 2u);
  EXPECT_GE(lc.live(), 6);  // root, middle and leaf each hold a counted object, twice
  EXPECT_TRUE(c1.has_waiter());

  scope.cancel_all();

  EXPECT_EQ(scope.live(), 0u);
  EXPECT_EQ(lc.live(), 0) << "a cancelled frame leaked its locals";
  EXPECT_FALSE(c1.has_waiter());
  EXPECT_FALSE(c2.has_waiter());
  // Replies that arrive after the cancellation resume nothing.
  EXPECT_TRUE(c1.fulfil(1));
  EXPECT_TRUE(c2.fulfil(2));
  EXPECT_FALSE(finished1);
  EXPECT_FALSE(finished2);
}

TEST(task_scope, cancel_all_leaves_finished_roots_alone_and_scope_stays_usable) {
  lifetime_counter lc;
  completion<int> done_early;
  completion<int> pending;
  bool finished_early = false;
  bool finished_pending = false;
  task_scope scope;
  ASSERT_TRUE(scope.spawn(root_task(done_early, &lc, &finished_early)));
  ASSERT_TRUE(scope.spawn(root_task(pending, &lc, &finished_pending)));
  done_early.fulfil(1);
  EXPECT_TRUE(finished_early);
  EXPECT_EQ(scope.live(), 1u);
  scope.cancel_all();
  EXPECT_EQ(lc.live(), 0);

  // A restarted node spawns into the same scope.
  std::vector<int> log;
  EXPECT_TRUE(scope.spawn(record(&log, 9)));
  EXPECT_EQ(log, std::vector<int>{9});
}

TEST(task_scope, destroying_the_scope_cancels_its_roots) {
  lifetime_counter lc;
  completion<int> c;
  bool finished = false;
  {
    task_scope scope;
    ASSERT_TRUE(scope.spawn(root_task(c, &lc, &finished)));
    EXPECT_GT(lc.live(), 0);
  }
  EXPECT_EQ(lc.live(), 0);
  EXPECT_FALSE(c.has_waiter());
  EXPECT_TRUE(c.fulfil(1));
  EXPECT_FALSE(finished);
}

task<void> hold(completion<int> c, counted guard, bool* started) {
  (void)guard;
  *started = true;
  co_await c;
}

TEST(task_scope, refuses_spawns_beyond_max_roots_without_starting_them) {
  lifetime_counter lc;
  task_scope scope(2);
  completion<int> a;
  completion<int> b;
  completion<int> extra;
  bool started_a = false;
  bool started_b = false;
  bool started_extra = false;
  ASSERT_TRUE(scope.spawn(hold(a, counted(lc), &started_a)));
  ASSERT_TRUE(scope.spawn(hold(b, counted(lc), &started_b)));
  const int live_before = lc.live();
  EXPECT_FALSE(scope.spawn(hold(extra, counted(lc), &started_extra)));
  EXPECT_FALSE(started_extra);
  EXPECT_FALSE(extra.has_waiter());
  EXPECT_EQ(lc.live(), live_before) << "the refused task's frame must be destroyed";
  EXPECT_EQ(scope.live(), 2u);
  EXPECT_EQ(scope.spawned_total(), 2u);

  // Room again once a root finishes.
  a.fulfil(0);
  EXPECT_EQ(scope.live(), 1u);
  EXPECT_TRUE(scope.spawn(hold(extra, counted(lc), &started_extra)));
  EXPECT_TRUE(started_extra);
  scope.cancel_all();
  EXPECT_EQ(lc.live(), 0);
}

task<void> fails_after(completion<int> c) {
  co_await c;
  throw std::runtime_error("handler bug");
}

TEST(task_scope, reports_a_root_that_ends_by_an_exception) {
  std::vector<std::string> failures;
  task_scope scope(10, [&](const std::string& what) { failures.push_back(what); });
  completion<int> c;
  ASSERT_TRUE(scope.spawn(fails_after(c)));
  EXPECT_TRUE(failures.empty());
  c.fulfil(1);
  EXPECT_EQ(failures, std::vector<std::string>{"handler bug"});
  EXPECT_EQ(scope.live(), 0u);
}

TEST(task_scope_death, an_unhandled_root_failure_is_a_bug_by_default) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        task_scope scope;
        completion<int> c;
        (void)scope.spawn(fails_after(c));
        c.fulfil(1);
      },
      "a root task ended by an exception: handler bug");
}

}  // namespace
}  // namespace qm
