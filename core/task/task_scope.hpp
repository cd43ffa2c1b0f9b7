#pragma once
// task_scope: owns detached root tasks (a request handler, a background loop). A node's
// scope is destroyed or cancelled when the node crashes: every suspended root frame is
// destroyed, which destroys the chain of tasks it awaits and unregisters their waits.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "core/task/task.hpp"

namespace qm {

class task_scope {
 public:
  // Called with a description when a root task ends by an exception (a bug in the task).
  using failure_handler = std::function<void(const std::string&)>;

  explicit task_scope(std::size_t max_roots = 1'000'000, failure_handler on_failure = {});
  ~task_scope();
  task_scope(const task_scope&) = delete;
  task_scope& operator=(const task_scope&) = delete;

  // Starts t now (it runs until its first suspension before spawn returns).
  // Returns false, dropping t unstarted, when the scope already holds max_roots tasks.
  bool spawn(task<void> t);

  // Destroys every root task that has not finished.
  void cancel_all();

  std::size_t live() const { return live_; }
  std::uint64_t spawned_total() const { return spawned_total_; }

 private:
  struct root;
  friend struct root;
  // The live roots in spawn order, so cancel_all destroys them reproducibly. Each node lives
  // in its root's frame: spawning allocates the frame and nothing else.
  struct root_node {
    root_node* prev = nullptr;
    root_node* next = nullptr;
    std::coroutine_handle<> handle;
  };
  void finished(root_node& node, std::exception_ptr failure);

  root_node* first_ = nullptr;
  root_node* last_ = nullptr;
  std::size_t live_ = 0;
  std::size_t max_roots_;
  failure_handler on_failure_;
  std::uint64_t spawned_total_ = 0;
  bool cancelling_ = false;
};

}  // namespace qm
