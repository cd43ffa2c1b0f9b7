#pragma once
// Helpers for driving coroutines by hand in tests: no scheduler, just resume and inspect.

#include <exception>
#include <optional>
#include <utility>

#include "core/task/task.hpp"

namespace qm::test {

// Counts live instances, so a test can prove a destroyed frame destroyed its locals.
struct lifetime_counter {
  int created = 0;
  int destroyed = 0;
  int live() const { return created - destroyed; }
};

class counted {
 public:
  explicit counted(lifetime_counter& c) : counter_(&c) { ++counter_->created; }
  counted(const counted& other) : counter_(other.counter_) { ++counter_->created; }
  counted(counted&& other) noexcept : counter_(other.counter_) { ++counter_->created; }
  counted& operator=(const counted&) = delete;
  counted& operator=(counted&&) = delete;
  ~counted() { ++counter_->destroyed; }

 private:
  lifetime_counter* counter_;
};

// Starts t and runs it as far as it goes without an outside event. The returned driver is
// done() when t finished; result() rethrows t's exception or yields its value.
template <typename T>
class driver {
 public:
  explicit driver(task<T> t) : outer_(wrap(std::move(t), &value_)) { outer_.handle().resume(); }
  driver(const driver&) = delete;  // the frame points at value_: the driver stays put
  driver& operator=(const driver&) = delete;

  bool done() const { return outer_.done(); }
  T result() {
    QM_ASSERT(outer_.done());
    outer_.handle().promise().take();
    if constexpr (!std::is_void_v<T>) {
      return std::move(*value_);
    }
  }

 private:
  struct empty {};
  using slot = std::conditional_t<std::is_void_v<T>, empty, std::optional<T>>;

  static task<void> wrap(task<T> t, slot* out) {
    if constexpr (std::is_void_v<T>) {
      (void)out;
      co_await std::move(t);
    } else {
      out->emplace(co_await std::move(t));
    }
  }

  slot value_;
  task<void> outer_;
};

// Runs a task that must finish without outside events, and returns its value.
template <typename T>
T run_now(task<T> t) {
  driver<T> d(std::move(t));
  QM_ASSERT_MSG(d.done(), "run_now: the task suspended on an outside event");
  return d.result();
}

}  // namespace qm::test
