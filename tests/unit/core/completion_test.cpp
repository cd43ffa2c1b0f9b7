// completion<T>: the one-shot rendezvous between an event source and one waiting frame.

#include "core/task/completion.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/task/task.hpp"
#include "tests/unit/core/task_test_support.hpp"

namespace qm {
namespace {

using test::driver;
using test::run_now;

task<std::string> wait_for(completion<std::string> c, bool* resumed) {
  std::string v = co_await c;
  *resumed = true;
  co_return v;
}

TEST(completion, first_fulfil_wins) {
  completion<std::string> c;
  EXPECT_FALSE(c.done());
  EXPECT_TRUE(c.fulfil("first"));
  EXPECT_TRUE(c.done());
  EXPECT_FALSE(c.fulfil("second"));  // a late reply is dropped and reported
  bool resumed = false;
  EXPECT_EQ(run_now(wait_for(c, &resumed)), "first");
  EXPECT_TRUE(resumed);
}

TEST(completion, value_ready_before_await_does_not_suspend) {
  completion<std::string> c;
  ASSERT_TRUE(c.fulfil("early"));
  bool resumed = false;
  driver<std::string> d(wait_for(c, &resumed));
  EXPECT_TRUE(d.done());
  EXPECT_FALSE(c.has_waiter());
  EXPECT_EQ(d.result(), "early");
}

TEST(completion, fulfil_resumes_the_waiting_frame) {
  completion<std::string> c;
  bool resumed = false;
  driver<std::string> d(wait_for(c, &resumed));
  EXPECT_FALSE(d.done());
  EXPECT_FALSE(resumed);
  EXPECT_TRUE(c.has_waiter());
  EXPECT_TRUE(c.fulfil("reply"));
  EXPECT_TRUE(resumed);
  EXPECT_FALSE(c.has_waiter());
  ASSERT_TRUE(d.done());
  EXPECT_EQ(d.result(), "reply");
  // The second reply to an answered request changes nothing.
  EXPECT_FALSE(c.fulfil("again"));
}

TEST(completion, fulfil_after_the_waiting_frame_was_destroyed_does_not_resume_it) {
  completion<std::string> c;
  bool resumed = false;
  {
    driver<std::string> d(wait_for(c, &resumed));
    EXPECT_TRUE(c.has_waiter());
  }  // the frame dies while suspended (a cancelled request, a crashed node)
  EXPECT_FALSE(c.has_waiter());
  EXPECT_TRUE(c.fulfil("too late"));  // stored, but nobody is resumed
  EXPECT_FALSE(resumed);
}

TEST(completion, copies_share_one_state) {
  completion<int> a;
  completion<int> b = a;  // the event source keeps one copy, the waiter another
  EXPECT_TRUE(b.fulfil(3));
  EXPECT_TRUE(a.done());
  EXPECT_FALSE(a.fulfil(4));
}

task<int> await_twice(completion<int> c) {
  const int a = co_await c;
  const int b = co_await c;
  co_return a + b;
}

TEST(completion_death, is_awaited_once) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  completion<int> c;
  ASSERT_TRUE(c.fulfil(1));
  EXPECT_DEATH(run_now(await_twice(c)), "a completion is awaited once");
}

}  // namespace
}  // namespace qm
