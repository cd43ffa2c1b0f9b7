#include "core/task/task_scope.hpp"

#include "core/base/exception_text.hpp"

#include <exception>
#include <stdexcept>
#include <utility>
#include <vector>

namespace qm {

// The root coroutine: awaits the user task, then reports to its scope and frees itself.
struct task_scope::root {
  struct promise_type {
    task_scope* scope = nullptr;
    root_node node;
    std::exception_ptr failure;

    root get_return_object() { return root{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept {
      scope->finished(node, failure);
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { failure = std::current_exception(); }
  };
  std::coroutine_handle<promise_type> handle;
};

namespace {
task_scope::failure_handler default_failure_handler() {
  return [](const std::string& what) {
    QM_ASSERT_MSG(false, ("a root task ended by an exception: " + what).c_str());
  };
}
}  // namespace

task_scope::task_scope(std::size_t max_roots, failure_handler on_failure)
    : max_roots_(max_roots),
      on_failure_(on_failure ? std::move(on_failure) : default_failure_handler()) {
  QM_ASSERT(max_roots_ > 0);
}

task_scope::~task_scope() { cancel_all(); }

bool task_scope::spawn(task<void> t) {
  QM_ASSERT_MSG(!cancelling_, "spawn during cancel_all");
  if (live_ >= max_roots_) {
    return false;
  }
  auto make_root = [](task<void> inner) -> root { co_await std::move(inner); };
  root r = make_root(std::move(t));
  r.handle.promise().scope = this;
  root_node& node = r.handle.promise().node;
  node.handle = r.handle;
  node.prev = last_;
  (last_ != nullptr ? last_->next : first_) = &node;
  last_ = &node;
  ++live_;
  ++spawned_total_;
  r.handle.resume();
  return true;
}

void task_scope::cancel_all() {
  cancelling_ = true;
  // Destroy in creation order so a run that crashes a node is reproducible.
  root_node* node = std::exchange(first_, nullptr);
  last_ = nullptr;
  live_ = 0;
  while (node != nullptr) {
    root_node* const next = node->next;  // the node dies with its frame
    node->handle.destroy();
    node = next;
  }
  cancelling_ = false;
}

void task_scope::finished(root_node& node, std::exception_ptr failure) {
  (node.prev != nullptr ? node.prev->next : first_) = node.next;
  (node.next != nullptr ? node.next->prev : last_) = node.prev;
  --live_;
  if (failure) {
    on_failure_(describe_exception(failure));
  }
}

}  // namespace qm
