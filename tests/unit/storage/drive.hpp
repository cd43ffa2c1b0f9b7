#pragma once
// Test helpers: drive a task to its end, inline (embedded storage never suspends) or on the
// simulator's scheduler.

#include <optional>

#include <gtest/gtest.h>

#include "core/task/task.hpp"
#include "core/task/task_scope.hpp"
#include "sim/engine/scheduler.hpp"

namespace qm::test {

template <typename T>
task<void> store_into(task<T> t, std::optional<T>& out) {
  out.emplace(co_await std::move(t));
}

// Runs t in a scope; when sched is given, runs the scheduler until nothing is pending.
template <typename T>
std::optional<T> drive(task<T> t, sim::scheduler* sched = nullptr) {
  std::optional<T> out;
  task_scope scope;
  EXPECT_TRUE(scope.spawn(store_into(std::move(t), out)));
  if (sched != nullptr) {
    sched->run_all();
  }
  EXPECT_EQ(scope.live(), 0u) << "the task did not finish";
  return out;
}

}  // namespace qm::test
