#pragma once
// task<T>: the project's one coroutine type. Lazy (starts when awaited), single-owner,
// resumes its awaiter by symmetric transfer so long await chains never grow the stack.
//
// Ownership is the cancellation story: a task object owns its frame, and a suspended frame
// owns the tasks it awaits. Destroying a root frame (see task_scope) therefore destroys the
// whole chain below it, and every awaiter that was registered somewhere (a timer, a pending
// reply) unregisters itself in its destructor, so a late event finds nobody to resume.

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "core/base/assert.hpp"
#include "core/task/frame_pool.hpp"

namespace qm {

template <typename T>
class task;

namespace detail {

struct task_final_awaiter {
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) const noexcept {
    auto continuation = h.promise().continuation;
    return continuation ? continuation : std::noop_coroutine();
  }
  void await_resume() const noexcept {}
};

struct task_promise_base {
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }

  std::coroutine_handle<> continuation;
  std::exception_ptr exception;

  std::suspend_always initial_suspend() const noexcept { return {}; }
  task_final_awaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }
  void rethrow_if_failed() {
    if (exception) {
      std::rethrow_exception(exception);
    }
  }
};

template <typename T>
struct task_promise : task_promise_base {
  std::optional<T> value;

  task<T> get_return_object() noexcept;
  template <typename U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T take() {
    rethrow_if_failed();
    QM_ASSERT_MSG(value.has_value(), "task finished without a value");
    return std::move(*value);
  }
};

template <>
struct task_promise<void> : task_promise_base {
  task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() { rethrow_if_failed(); }
};

}  // namespace detail

template <typename T = void>
class [[nodiscard]] task {
 public:
  using promise_type = detail::task_promise<T>;
  using handle_type = std::coroutine_handle<promise_type>;

  task() = default;
  explicit task(handle_type h) : handle_(h) {}
  task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() { reset(); }

  bool valid() const { return static_cast<bool>(handle_); }
  bool done() const { return handle_ && handle_.done(); }

  // Awaiting a task starts it and resumes the awaiter when it finishes.
  auto operator co_await() && noexcept {
    struct awaiter {
      handle_type handle;
      bool await_ready() const noexcept { return !handle || handle.done(); }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        handle.promise().continuation = awaiting;
        return handle;
      }
      T await_resume() {
        QM_ASSERT_MSG(handle, "awaited an empty task");
        return handle.promise().take();
      }
    };
    QM_ASSERT_MSG(handle_, "awaited an empty task");
    return awaiter{handle_};
  }

  // For task_scope and tests: start or inspect the frame directly.
  handle_type handle() const { return handle_; }
  handle_type release() { return std::exchange(handle_, {}); }

 private:
  void reset() {
    if (handle_) {
      handle_.destroy();
      handle_ = {};
    }
  }
  handle_type handle_;
};

namespace detail {
template <typename T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>(std::coroutine_handle<task_promise<T>>::from_promise(*this));
}
inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>(std::coroutine_handle<task_promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace qm
