#pragma once
// task_scope: owns detached root tasks (a request handler, a background loop). A node's
// scope is destroyed or cancelled when the node crashes: every suspended root frame is
// destroyed, which destroys the chain of tasks it awaits and unregisters their waits.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
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

  std::size_t live() const { return roots_.size(); }
  std::uint64_t spawned_total() const { return spawned_total_; }

 private:
  struct root;
  friend struct root;
  void finished(std::uint64_t id, std::exception_ptr failure);

  std::map<std::uint64_t, std::coroutine_handle<>> roots_;
  std::size_t max_roots_;
  failure_handler on_failure_;
  std::uint64_t next_id_ = 1;
  std::uint64_t spawned_total_ = 0;
  bool cancelling_ = false;
};

}  // namespace qm
